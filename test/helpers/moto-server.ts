// moto's S3 server for tests: `moto_server` from the repository's venv
// (.venv-test, pinned in requirements-test.txt, installed by
// scripts/services.sh), on 127.0.0.1 and a free port, in its own process group
// so that stop() leaves no orphan. Unlike s3rver, moto keeps versions, writes
// delete markers and answers DeleteObjects per key as S3 does.
//
// Clients talk to moto through a small HTTP front in this process, which
// counts requests by operation and can fail the next n operations (every
// attempt of them, so that the SDK's own retries do not hide the fault), as
// test/helpers/s3rver.ts does for s3rver. Fresh bucket per test; moto takes
// any non-empty credentials.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateBucketCommand, DeleteObjectCommand, ListObjectVersionsCommand, PutBucketVersioningCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '../../src/adapters/storage/s3/client.js';
import { freePort } from './redis-server.js';

export const MOTO_SERVER = fileURLToPath(new URL('../../.venv-test/bin/moto_server', import.meta.url));
/** moto checks no signature: any non-empty strings do. */
export const MOTO_CREDENTIALS = { accessKeyId: 'shredproof-test', secretAccessKey: 'shredproof-test-secret' } as const;

export type FaultKind = 'reset' | 'slowdown';

// moto_server runs under a shell that ends its process group when moto exits
// (a port already taken) or when its stdin, a pipe from this process, closes:
// this process died, even by SIGKILL, and must not leave moto behind.
const WATCHDOG = [
  'exec 3<&0 </dev/null',
  '"$0" "$@" & moto=$!',
  '{ cat <&3 >/dev/null; kill -KILL 0; } &',
  'exec 3<&-',
  'wait $moto',
  'kill 0',
].join('\n');

/** Fails (never skips) when moto is not installed, with how to install it; as services.ts does for Redis. */
export function requireMotoServer(): void {
  if (existsSync(MOTO_SERVER)) return;
  throw new Error(
    `moto_server is not installed at ${MOTO_SERVER}${process.env.CI === 'true' ? ' (CI)' : ''}. ` +
      'Install the pinned Python test tools (requirements-test.txt into .venv-test): bash scripts/services.sh',
  );
}

/** The S3 operation of a path-style request, as far as the tests need to count them. */
function operationOf(req: IncomingMessage): string {
  const url = new URL(req.url ?? '/', 'http://x');
  const q = url.searchParams;
  if (url.pathname.split('/').filter(Boolean).length <= 1) {
    if (req.method === 'POST' && q.has('delete')) return 'DeleteObjects';
    if (req.method === 'GET') return q.has('versioning') ? 'GetBucketVersioning' : q.has('versions') ? 'ListObjectVersions' : 'ListObjects';
    return `${req.method} bucket`;
  }
  if (req.method === 'PUT' && q.has('legal-hold')) return 'PutObjectLegalHold';
  return { GET: 'GetObject', HEAD: 'HeadObject', PUT: 'PutObject', DELETE: 'DeleteObject' }[req.method ?? ''] ?? `${req.method} object`;
}

export interface BucketOptions {
  versioning?: 'Enabled' | 'Suspended';
  /** Created with Object Lock (which turns versioning on). */
  objectLock?: boolean;
}

export class TestMoto {
  /** HTTP requests seen, by operation; the SDK's retries count again. */
  readonly counts = new Map<string, number>();
  /** SDK invocations seen, by operation: one per command sent, whatever its retries. */
  readonly invocations = new Map<string, Set<string>>();
  private failing = 0;
  private faultKind: FaultKind = 'reset';
  private readonly doomed = new Set<string>();

  private constructor(
    private readonly proc: ChildProcess,
    private readonly front: Server,
    /** moto itself, without the front. */
    readonly motoEndpoint: string,
    /** The counting, fault-injecting front: what clients use. */
    readonly endpoint: string,
    readonly client: S3Client,
  ) {}

  /** defaultMaxKeys: the page size moto uses when a listing names none (MOTO_S3_DEFAULT_MAX_KEYS; 1000 otherwise, as S3). */
  static async start(o: { defaultMaxKeys?: number } = {}): Promise<TestMoto> {
    requireMotoServer();
    const env = { ...process.env, ...(o.defaultMaxKeys !== undefined ? { MOTO_S3_DEFAULT_MAX_KEYS: String(o.defaultMaxKeys) } : {}) };
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      // detached: its own process group, which stop() ends as a whole.
      const proc = spawn('/bin/sh', ['-c', WATCHDOG, MOTO_SERVER, '-H', '127.0.0.1', '-p', String(port)], { detached: true, env, stdio: ['pipe', 'ignore', 'pipe'] });
      let tail = '';
      proc.stderr!.on('data', (b: Buffer) => void (tail = (tail + b.toString()).slice(-4000))); // read, or a full pipe blocks moto
      const motoEndpoint = `http://127.0.0.1:${port}`;
      if (await answers(motoEndpoint, proc, 30_000)) {
        const front = createServer();
        await new Promise<void>((res) => front.listen(0, '127.0.0.1', res));
        const endpoint = `http://127.0.0.1:${(front.address() as { port: number }).port}`;
        const client = createS3Client({ endpoint, forcePathStyle: true, credentials: { ...MOTO_CREDENTIALS } });
        const t = new TestMoto(proc, front, motoEndpoint, endpoint, client);
        front.on('request', (req: IncomingMessage, res: ServerResponse) => t.forward(req, res, port));
        return t;
      }
      await stopProcess(proc);
      // The free port may have been taken between freePort() and moto's bind: try another, twice.
      if (attempt === 3) throw new Error(`moto_server did not answer on 127.0.0.1:${port} within 30 s:\n${tail}`);
    }
  }

  /** Options for an S3Backend against this server (add name and bucket). */
  get connection(): { endpoint: string; forcePathStyle: true; region: 'us-east-1'; credentials: { accessKeyId: string; secretAccessKey: string } } {
    return { endpoint: this.endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { ...MOTO_CREDENTIALS } };
  }

  /** A new, empty bucket with a unique name; versioning as asked (never enabled by default). */
  async freshBucket(o: BucketOptions = {}): Promise<string> {
    const bucket = `sp-${randomUUID().slice(0, 18)}`;
    await this.client.send(new CreateBucketCommand({ Bucket: bucket, ...(o.objectLock ? { ObjectLockEnabledForBucket: true } : {}) }));
    if (o.versioning) await this.setVersioning(bucket, o.versioning);
    return bucket;
  }

  async setVersioning(bucket: string, status: 'Enabled' | 'Suspended'): Promise<void> {
    await this.client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: status } }));
  }

  // Behind any backend's back. moto orders the versions of a key by Last-Modified
  // in milliseconds: writes here are a few ms apart so that "newest first" is well defined.

  /** PutObject; the version id it made ('null' unless the bucket keeps versions). */
  async put(bucket: string, key: string, body: string | Buffer): Promise<string> {
    const r = await this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    await sleep(3);
    return r.VersionId ?? 'null';
  }

  /** A plain DeleteObject: in a versioned bucket it only adds a delete marker, whose version id it returns. */
  async addMarker(bucket: string, key: string): Promise<string> {
    const r = await this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    if (r.DeleteMarker !== true || r.VersionId === undefined) throw new Error(`DeleteObject of ${key} added no delete marker`);
    await sleep(3);
    return r.VersionId;
  }

  /** Everything the store keeps under a prefix, sorted: `key#versionId`, delete markers as `key#marker:versionId`. */
  async versionsIn(bucket: string, prefix: string): Promise<string[]> {
    const out: string[] = [];
    let KeyMarker: string | undefined;
    let VersionIdMarker: string | undefined;
    do {
      const r = await this.client.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker, VersionIdMarker }));
      for (const v of r.Versions ?? []) out.push(`${v.Key}#${v.VersionId}`);
      for (const m of r.DeleteMarkers ?? []) out.push(`${m.Key}#marker:${m.VersionId}`);
      [KeyMarker, VersionIdMarker] = r.IsTruncated ? [r.NextKeyMarker, r.NextVersionIdMarker] : [undefined, undefined];
    } while (KeyMarker !== undefined);
    return out.sort();
  }

  /** The next `n` S3 operations fail with every attempt, as a reset connection or a 503 SlowDown. */
  failNext(n: number, kind: FaultKind = 'reset'): void {
    this.failing = n;
    this.faultKind = kind;
  }

  count(operation: string): number {
    return this.counts.get(operation) ?? 0;
  }

  /** Commands sent for an operation (retries of one command count once). */
  operations(operation: string): number {
    return this.invocations.get(operation)?.size ?? 0;
  }

  resetCounts(): void {
    this.counts.clear();
    this.invocations.clear();
  }

  async stop(): Promise<void> {
    this.client.destroy();
    this.front.closeAllConnections();
    await new Promise((res) => this.front.close(res));
    await stopProcess(this.proc);
  }

  private forward(req: IncomingMessage, res: ServerResponse, port: number): void {
    const op = operationOf(req);
    this.counts.set(op, (this.counts.get(op) ?? 0) + 1);
    const id = String(req.headers['amz-sdk-invocation-id'] ?? randomUUID());
    if (!this.invocations.has(op)) this.invocations.set(op, new Set());
    this.invocations.get(op)!.add(id);
    if (!this.doomed.has(id) && this.failing > 0) {
      this.failing--;
      this.doomed.add(id);
    }
    if (this.doomed.has(id)) {
      if (this.faultKind === 'reset') return void req.socket.destroy();
      res.writeHead(503, { 'content-type': 'application/xml' });
      return void res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>');
    }
    const upstream = request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  }
}

/** Polls until moto answers HTTP (any status), false if it exits or the time runs out. */
async function answers(endpoint: string, proc: ChildProcess, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (proc.exitCode !== null || proc.signalCode !== null) return false;
    try {
      await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      return true;
    } catch {
      await sleep(100);
    }
  }
  return false;
}

function killGroup(proc: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-proc.pid!, signal);
  } catch {
    // the group is gone already
  }
}

/** SIGTERM to the whole group, SIGKILL if it lingers; resolves once moto_server has exited. */
async function stopProcess(proc: ChildProcess): Promise<void> {
  const exited = proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : new Promise((res) => proc.once('exit', res));
  killGroup(proc, 'SIGTERM');
  const timer = setTimeout(() => killGroup(proc, 'SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
  killGroup(proc, 'SIGKILL'); // anything of the group that outlived its leader
}
