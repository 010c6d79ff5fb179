// A Redis Cluster of the test's own: redis-server processes with
// --cluster-enabled yes and AOF (appendfsync always) on free loopback ports,
// each in its own directory under one temp dir, joined by
// `redis-cli --cluster create`. A test can SIGKILL a node, restart it from its
// AOF and nodes.conf, add a replica, or stop (SIGSTOP) one. stop() kills every
// process and removes the dir; so does the exit of the test process, if a test
// dies before its `after` runs.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from './redis-server.js';

const run = promisify(execFile);

export interface ClusterNode {
  port: number;
  busPort: number;
  dir: string;
  proc: ChildProcess | undefined;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

export class OwnRedisCluster {
  readonly dir = mkdtempSync(join(tmpdir(), 'sp-cluster-'));
  readonly nodes: ClusterNode[] = [];

  private constructor(private readonly nodeTimeoutMs: number) {}

  /** `masters` masters (3 at least: redis-cli refuses fewer), no replicas. */
  static async start(opts: { masters?: number; nodeTimeoutMs?: number } = {}): Promise<OwnRedisCluster> {
    const c = new OwnRedisCluster(opts.nodeTimeoutMs ?? 2000);
    try {
      for (let i = 0; i < (opts.masters ?? 3); i++) await c.up(await c.newNode());
      await run('redis-cli', ['--cluster', 'create', ...c.nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-yes'], { timeout: 30_000 });
      await c.waitOk();
      return c;
    } catch (e) {
      await c.stop();
      throw e;
    }
  }

  /** REDIS_CLUSTER_NODES for this cluster. */
  get seeds(): string {
    return this.nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
  }

  /** The first node, as REDIS_URL names it. */
  get url(): string {
    return `redis://127.0.0.1:${this.nodes[0]!.port}`;
  }

  private async newNode(): Promise<ClusterNode> {
    const port = await freePort();
    let busPort = await freePort();
    while (busPort === port) busPort = await freePort();
    const node: ClusterNode = { port, busPort, dir: join(this.dir, String(port)), proc: undefined };
    mkdirSync(node.dir);
    this.nodes.push(node);
    return node;
  }

  /** Starts (or restarts, from its AOF and nodes.conf) one node, and waits until it answers. */
  async up(node: ClusterNode): Promise<void> {
    const args = [
      '--port', String(node.port), '--cluster-port', String(node.busPort), '--bind', '127.0.0.1', '--dir', node.dir,
      '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', String(this.nodeTimeoutMs),
      '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--maxmemory-policy', 'noeviction',
    ];
    const proc = spawn('redis-server', args, { stdio: 'ignore' });
    node.proc = proc;
    live.add(proc);
    proc.once('exit', () => live.delete(proc));
    for (let i = 0; i < 200; i++) {
      if (proc.exitCode !== null) throw new Error(`redis-server on port ${node.port} exited with ${proc.exitCode}`);
      const r = this.client(node);
      const ok = await r.ping().then(() => true, () => false);
      r.disconnect();
      if (ok) return;
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error(`redis-server did not start on port ${node.port}`);
  }

  /** A plain connection to one node (no cluster redirections). */
  client(node: ClusterNode): Redis {
    const r = new Redis({ host: '127.0.0.1', port: node.port, lazyConnect: false, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: true });
    r.on('error', () => undefined);
    return r;
  }

  private async ask<T>(node: ClusterNode, f: (r: Redis) => Promise<T>): Promise<T> {
    const r = this.client(node);
    try {
      return await f(r);
    } finally {
      r.disconnect();
    }
  }

  private running(): ClusterNode[] {
    return this.nodes.filter((n) => n.proc && n.proc.exitCode === null && n.proc.signalCode === null);
  }

  /** Until every running node says cluster_state:ok and sees every other running node as connected. */
  async waitOk(ms = 30_000): Promise<void> {
    const deadline = Date.now() + ms;
    let last = '';
    while (Date.now() < deadline) {
      const nodes = this.running();
      const states = await Promise.all(
        nodes.map((n) =>
          this.ask(n, async (r) => {
            const info = String(await r.cluster('INFO'));
            const table = String(await r.cluster('NODES'));
            const connected = table.split('\n').filter((l) => / connected/.test(l) && !/\bfail\??\b/.test(l.split(' ')[2] ?? '')).length;
            return { ok: /cluster_state:ok/.test(info), connected };
          }).catch((e: Error) => ({ ok: false, connected: 0, err: e.message })),
        ),
      );
      if (states.every((s) => s.ok && s.connected === nodes.length)) return;
      last = JSON.stringify(states);
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`the cluster did not become whole in ${ms} ms: ${last}`);
  }

  async nodeId(node: ClusterNode): Promise<string> {
    return this.ask(node, async (r) => String(await r.cluster('MYID')));
  }

  /** The node that serves `key`'s slot as its master. */
  async masterOf(key: string): Promise<ClusterNode> {
    const [first] = this.running();
    const port = await this.ask(first!, async (r) => {
      const slot = Number(await r.cluster('KEYSLOT', key));
      const ranges = (await r.cluster('SLOTS')) as unknown as Array<[number, number, [string, number, ...unknown[]], ...unknown[]]>;
      const range = ranges.find(([lo, hi]) => lo <= slot && slot <= hi);
      if (!range) throw new Error(`no node serves slot ${slot}`);
      return range[2][1];
    });
    const node = this.nodes.find((n) => n.port === port);
    if (!node) throw new Error(`slot of ${key} is on port ${port}, not a node of this cluster`);
    return node;
  }

  /** Masters of the cluster, one per slot range, as the cluster sees them now. */
  async masters(): Promise<ClusterNode[]> {
    const [first] = this.running();
    const ports = await this.ask(first!, async (r) => ((await r.cluster('SLOTS')) as unknown as Array<[number, number, [string, number]]>).map((s) => s[2][1]));
    return this.nodes.filter((n) => ports.includes(n.port));
  }

  /** Starts a new node and makes it a replica of `master`. */
  async addReplica(master: ClusterNode): Promise<ClusterNode> {
    const node = await this.newNode();
    await this.up(node);
    const id = await this.nodeId(master);
    await run('redis-cli', ['--cluster', 'add-node', `127.0.0.1:${node.port}`, `127.0.0.1:${master.port}`, '--cluster-slave', '--cluster-master-id', id], { timeout: 30_000 });
    // In sync: the master lists it as an online replica.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const info = await this.ask(master, async (r) => String(await r.info('replication')));
      if (new RegExp(`port=${node.port},state=online`).test(info)) break;
      if (Date.now() > deadline) throw new Error(`replica ${node.port} did not come online: ${info}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await this.waitOk();
    return node;
  }

  /** Until `node` says it is a master (a replica that took over after a failover) or a replica. */
  async waitRole(node: ClusterNode, role: 'master' | 'slave', ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
      const info = await this.ask(node, async (r) => String(await r.info('replication'))).catch(() => '');
      if (new RegExp(`^role:${role}\\r?$`, 'm').test(info)) break;
      if (Date.now() > deadline) throw new Error(`node ${node.port} is not a ${role} after ${ms} ms: ${info}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await this.waitOk();
  }

  /** SIGKILL: nothing that was not already in the AOF survives. */
  async kill(node: ClusterNode): Promise<void> {
    const p = node.proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  }

  /** SIGSTOP / SIGCONT: a node that hangs without closing its connections. */
  pause(node: ClusterNode, paused: boolean): void {
    node.proc?.kill(paused ? 'SIGSTOP' : 'SIGCONT');
  }

  async stop(): Promise<void> {
    for (const n of this.nodes) {
      n.proc?.kill('SIGCONT');
      await this.kill(n);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
