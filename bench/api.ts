// The HTTP API under load (issue 5): latency and requests/s of GET order
// status (the order, and its progress) and GET per-object proof while an
// order of 100,000 files executes, against the same requests with nothing
// executing (the baseline, measured in the same run).
//
// Production shape: a real `shredproof serve --no-worker` process (HTTP +
// coordinator + ledger), a separate `shredproof worker` process, the machine's
// Redis; the bench process builds the trees, drives the orders through the
// API and makes the load. On this machine all of them share 2 cores.
//
// Each load runs during its own 100,000-object order (one execution is too
// short for all of them):
// - paced: RATE requests/s per endpoint on a fixed schedule (open loop,
//   latency from the scheduled time); its p99 is the figure for the target;
// - light: GET /healthz at RATE/s and the progress at 1/s (one person
//   watching): the latency floor set by the coordinator's own work;
// - saturation: autocannon, CONNECTIONS per endpoint, closed loop: the most
//   requests/s, with latency that is mostly queueing.
// Before them, each endpoint alone, one request at a time: its service time.
//   node --import tsx bench/api.ts [bigObjects] [smallObjects]   default 100000 10000
//   BENCH_API_RATE (per endpoint, default 50), BENCH_API_CONNECTIONS (per endpoint, default 5),
//   BENCH_API_BASELINE_S (default 15), BENCH_SERVE_PROF=DIR (CPU profile of serve, written at exit),
//   BENCH_API_TRACE=FILE (every paced request: endpoint, scheduled ms, latency ms, status)
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, get as httpGet } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canonicalize, publicKeyToPem, signApproval } from '@shredproof/verify';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { generateKeys } from '../src/adapters/keys/pem-keys.js';
import { loadQueueAuth } from '../src/adapters/queue/queue-key.js';
import { personSigner } from '../test/helpers/approvals.js';
import { BIN, freePort, sleep } from './procs.js';
import { buildTree } from './trees.js';
import type { BenchResult } from './types.js';

const APPROVER = 'bob';
const RATE = Number(process.env.BENCH_API_RATE ?? 50);
const CONNECTIONS = Number(process.env.BENCH_API_CONNECTIONS ?? 5);
const BASELINE_S = Number(process.env.BENCH_API_BASELINE_S ?? 15);

interface Api {
  url: string;
  call(path: string, token: string, init?: { method?: string; json?: unknown }): Promise<any>;
}

function api(url: string): Api {
  return {
    url,
    async call(path, token, init = {}) {
      const r = await fetch(url + path, {
        method: init.method ?? 'GET',
        headers: { authorization: `Bearer ${token}`, ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
      });
      const text = await r.text();
      if (!r.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${r.status} ${text.slice(0, 300)}`);
      return /^application\/(problem\+)?json\b/.test(r.headers.get('content-type') ?? '') ? JSON.parse(text) : text;
    },
  };
}

async function waitState(a: Api, token: string, id: string, states: string[], timeoutMs = 600_000, pollMs = 100): Promise<any> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const o = await a.call(`/v1/orders/${id}`, token);
    if (states.includes(o.state)) return o;
    if (['failed', 'cancelled'].includes(o.state) || Date.now() > end) throw new Error(`order ${id} is ${o.state}, waited for ${states.join('|')}`);
    await sleep(pollMs);
  }
}

/** Create, plan and approve an order over the API; returns it planned and approved. */
async function preparedOrder(a: Api, t: Tokens, backend: string): Promise<{ id: string; objects: number }> {
  const o = await a.call('/v1/orders', t.operator, { method: 'POST', json: { reference: `bench-${backend}`, targets: [{ backend, scope: { include: ['users/**'] } }] } });
  await a.call(`/v1/orders/${o.id}/plan`, t.operator, { method: 'POST' });
  const planned = await waitState(a, t.operator, o.id, ['planned']);
  // Signed by the approver's personal key, as `shredproof order approve --key` signs it.
  const orderSha256 = createHash('sha256').update(canonicalize(planned.document)).digest('hex');
  const subject = { orderId: o.id, orderSha256, inventory: { treeSize: planned.plan.objects, rootHash: planned.plan.root } };
  const approval = signApproval(personSigner(APPROVER), subject, { role: 'approver', person: APPROVER, signedAt: new Date().toISOString() });
  const { keyid, signedAt, signature } = approval;
  await a.call(`/v1/orders/${o.id}/approve`, t.approver, { method: 'POST', json: { planRoot: planned.plan.root, approval: { keyid, signedAt, signature } } });
  return { id: o.id, objects: planned.plan.objects };
}

interface Tokens {
  operator: string;
  approver: string;
  auditor: string;
}

interface Endpoint {
  label: string;
  path: () => string;
  /** requests/s when paced */
  rate?: number;
}

/** Scrapes the serve process's event-loop delay gauges; prom-client resets its histogram at each scrape. */
async function eventLoop(a: Api, t: Tokens): Promise<{ p99: number; max: number }> {
  const text = (await a.call('/metrics', t.auditor)) as string;
  const g = (name: string) => Number(new RegExp(`^nodejs_eventloop_lag_${name}_seconds (\\S+)`, 'm').exec(text)?.[1] ?? NaN) * 1000;
  return { p99: g('p99'), max: g('max') };
}

type Stop = { seconds: number } | { until: Promise<unknown> };

/**
 * Saturation: autocannon on every endpoint at once, CONNECTIONS each, closed
 * loop (a connection sends its next request when the answer arrives), until
 * `stop`. Gives the most requests/s the server manages; latency then is
 * mostly queueing behind the other connections.
 */
async function saturate(a: Api, t: Tokens, endpoints: Endpoint[], stop: Stop): Promise<autocannon.Result[]> {
  const instances = endpoints.map((e) => {
    let inst!: autocannon.Instance;
    const done = new Promise<autocannon.Result>((resolve, reject) => {
      inst = autocannon(
        {
          url: a.url,
          headers: { authorization: `Bearer ${t.auditor}` },
          requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: e.path() }) }],
          connections: CONNECTIONS,
          duration: 'seconds' in stop ? stop.seconds : 3600,
          timeout: 30,
        },
        (err: unknown, result: autocannon.Result) => (err ? reject(err as Error) : resolve(result)),
      );
    });
    return { inst, done };
  });
  if ('until' in stop) {
    try {
      await stop.until;
    } finally {
      for (const i of instances) i.inst.stop();
    }
  }
  return Promise.all(instances.map((i) => i.done));
}

interface Paced {
  n: number;
  seconds: number;
  p50: number;
  p99: number;
  max: number;
  /** failures by cause, e.g. "3 ECONNRESET"; empty when none */
  bad: string;
  /** the load generator's own event-loop delay, max over the window: a stall here is counted as server latency */
  clientLoopMax: number;
}

/**
 * Fixed rate, open loop: each endpoint's requests are sent on schedule
 * (endpoint.rate per second, default RATE) whether or not earlier ones were
 * answered, latency counted from the scheduled time, so that a stalled server
 * cannot hide its stall by slowing the client down (no coordinated omission).
 * This is what steady pollers see; autocannon's own rate limit sends each
 * second's quota in a burst.
 */
async function paced(a: Api, t: Tokens, endpoints: Endpoint[], stop: Stop): Promise<Paced[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const headers = { authorization: `Bearer ${t.auditor}` };
  const inflight = new Set<Promise<void>>();
  const trace: string[] = [];
  let stopped = false;
  let failed: unknown;
  if ('until' in stop) {
    stop.until.then(
      () => (stopped = true),
      (e: unknown) => {
        failed = e;
        stopped = true;
      },
    );
  } else setTimeout(() => (stopped = true), stop.seconds * 1000);
  const clientLoop = monitorEventLoopDelay({ resolution: 10 });
  clientLoop.enable();
  const t0 = performance.now();
  // per endpoint: latencies, and why requests failed (status or socket error), filled in until the last answer
  const out = endpoints.map(() => ({ lat: [] as number[], failed: new Map<string, number>() }));
  const fail = (e: number, why: string) => out[e]!.failed.set(why, (out[e]!.failed.get(why) ?? 0) + 1);
  const loops = endpoints.map(async (ep, e) => {
    const interval = 1000 / (ep.rate ?? RATE);
    // the endpoints start a fraction of an interval apart
    for (let k = 0; !stopped; k++) {
      const due = t0 + (k + e / endpoints.length) * interval;
      while (!stopped && due - performance.now() > 1) await sleep(Math.min(50, due - performance.now()));
      if (stopped) break;
      const p = new Promise<void>((resolve) => {
        const req = httpGet(a.url + ep.path(), { agent, headers }, (res) => {
          res.resume();
          res.once('end', () => {
            const ms = performance.now() - due;
            out[e]!.lat.push(ms);
            if (process.env.BENCH_API_TRACE) trace.push(`${e} ${(due - t0).toFixed(1)} ${ms.toFixed(1)} ${res.statusCode}`);
            if (res.statusCode !== 200) fail(e, `HTTP ${res.statusCode}`);
            resolve();
          });
        });
        req.setTimeout(30_000, () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
        req.once('error', (err: NodeJS.ErrnoException) => {
          fail(e, err.code ?? err.message);
          if (process.env.BENCH_API_TRACE) trace.push(`${e} ${(due - t0).toFixed(1)} ${(performance.now() - due).toFixed(1)} ${err.code ?? 'error'}`);
          resolve();
        });
      });
      inflight.add(p);
      void p.then(() => inflight.delete(p));
    }
  });
  await Promise.all(loops);
  const seconds = (performance.now() - t0) / 1000;
  await Promise.all(inflight);
  clientLoop.disable();
  const clientLoopMax = Math.round(clientLoop.max / 1e5) / 10;
  agent.destroy();
  if (failed) throw failed;
  if (process.env.BENCH_API_TRACE) appendFileSync(process.env.BENCH_API_TRACE, `# window ${new Date().toISOString()} ${endpoints.map((e) => e.label).join(' | ')}\n${trace.join('\n')}\n`);
  return out.map(({ lat, failed: why }) => ({ ...quantiles(lat), seconds, bad: [...why].map(([k, v]) => `${v} ${k}`).join(', '), clientLoopMax }));
}

function quantiles(l: number[]): { n: number; p50: number; p99: number; max: number } {
  l.sort((x, y) => x - y);
  const q = (f: number) => round(l[Math.max(0, Math.ceil(f * l.length) - 1)] ?? NaN);
  return { n: l.length, p50: q(0.5), p99: q(0.99), max: q(1) };
}

/** One endpoint alone, one request at a time, for `seconds`: its service time (plus one loopback round trip). */
async function serial(a: Api, t: Tokens, ep: Endpoint, seconds: number, gapMs = 0): Promise<{ n: number; p50: number; p99: number; max: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const lat: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const t1 = performance.now();
    await new Promise<void>((resolve, reject) => {
      httpGet(a.url + ep.path(), { agent, headers: { authorization: `Bearer ${t.auditor}` } }, (res) => {
        res.resume();
        res.once('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${ep.label}: ${res.statusCode}`))));
      }).once('error', reject);
    });
    lat.push(performance.now() - t1);
    if (gapMs) await sleep(gapMs);
  }
  agent.destroy();
  return quantiles(lat);
}

const children = new Set<ChildProcess>();
process.once('exit', () => children.forEach((c) => c.kill('SIGKILL'))); // never leave a serve or worker behind

function startProc(args: string[], env: NodeJS.ProcessEnv, prof?: string): ChildProcess {
  const c = spawn(process.execPath, [...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []), BIN, ...args], { env, stdio: ['ignore', 2, 2] }); // never our stdout: bench/run.ts reads the results from it
  children.add(c);
  c.once('exit', () => children.delete(c));
  return c;
}

async function stopProc(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null) return;
  p.kill('SIGTERM');
  await new Promise((r) => p.once('exit', r));
}

export async function benchApi(bigN = 100_000, smallN = 10_000): Promise<BenchResult[]> {
  const base = mkdtempSync(join(tmpdir(), 'spbench-api-'));
  const procs: ChildProcess[] = [];
  const load0 = loadavg()[0]!;
  try {
    const trees = { small: join(base, 'small'), paced: join(base, 'paced'), light: join(base, 'light'), saturation: join(base, 'saturation') };
    let t0 = performance.now();
    Object.values(trees).forEach((root, i) => buildTree(root, i === 0 ? smallN : bigN, i));
    const buildS = (performance.now() - t0) / 1000;
    execFileSync('sync');
    await sleep(3000); // let the fresh trees settle (the disk is mounted with discard: freeing blocks costs time after a delete)

    const keys = await generateKeys(join(base, 'keys'));
    const threads = Number(process.env.BENCH_FS_THREADS ?? 4);
    const backendsFile = join(base, 'backends.json');
    writeFileSync(backendsFile, JSON.stringify({ backends: Object.fromEntries(Object.entries(trees).map(([name, root]) => [name, { kind: 'filesystem', root, threads }])) }));
    const port = await freePort();
    const dataDir = join(base, 'data');
    const env = {
      ...process.env,
      DATA_DIR: dataDir,
      SHREDPROOF_KEY: keys.privateKeyPath,
      SHREDPROOF_BACKENDS: backendsFile,
      SHREDPROOF_PREFIX: `spbench-${randomUUID().slice(0, 8)}`,
      SHREDPROOF_WORKER_CONCURRENCY: process.env.BENCH_CONCURRENCY ?? '4',
      SHREDPROOF_ISSUER: 'shredproof bench',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: process.env.BENCH_SERVE_LOG ?? 'warn',
    };
    const token = (role: string, name: string) =>
      (JSON.parse(execFileSync(process.execPath, [BIN, 'token', 'create', '--role', role, '--name', name, '--data-dir', dataDir, '--json'], { env, encoding: 'utf8' })) as { token: string }).token;
    const pub = join(base, `${APPROVER}.pub.pem`);
    writeFileSync(pub, publicKeyToPem(personSigner(APPROVER).publicKey));
    execFileSync(process.execPath, [BIN, 'person', 'add', '--name', APPROVER, '--roles', 'approver', '--public-key', pub, '--data-dir', dataDir], { env, stdio: ['ignore', 2, 2] });
    const t: Tokens = { operator: token('operator', 'olga'), approver: token('approver', APPROVER), auditor: token('auditor', 'audrey') };

    loadQueueAuth(join(dataDir, 'queue.key'), { create: true }); // the worker starts first and only reads it
    procs.push(startProc(['worker'], env));
    const serve = startProc(['serve', '--no-worker'], env, process.env.BENCH_SERVE_PROF);
    procs.push(serve);
    const a = api(`http://127.0.0.1:${port}`);
    for (let i = 0; ; i++) {
      if (serve.exitCode !== null) throw new Error(`serve exited with ${serve.exitCode}`);
      if (await fetch(`${a.url}/readyz`).then((r) => r.ok, () => false)) break;
      if (i > 300) throw new Error('serve did not become ready in 30 s');
      await sleep(100);
    }

    // 1. A small certified order, to have proofs to fetch (by the sha256 of random records).
    const s = await preparedOrder(a, t, 'small');
    await a.call(`/v1/orders/${s.id}/execute`, t.operator, { method: 'POST' });
    await waitState(a, t.operator, s.id, ['certified']);
    const records = ((await a.call(`/v1/orders/${s.id}/records`, t.auditor)) as string).trimEnd().split('\n');
    const shas = records.map((l) => (JSON.parse(l) as { sha256: string }).sha256);
    const proofPath = () => `/v1/orders/${s.id}/proof?sha256=${shas[Math.floor(Math.random() * shas.length)]}`;
    t0 = performance.now();
    await a.call(proofPath(), t.auditor); // loads and verifies the records index (then cached)
    const coldProofMs = performance.now() - t0;

    // 2. The big orders, planned and approved; nothing executes during the baselines.
    const big = { paced: await preparedOrder(a, t, 'paced'), light: await preparedOrder(a, t, 'light'), saturation: await preparedOrder(a, t, 'saturation') };
    const endpoints = (id: string): Endpoint[] => [
      { label: 'GET /v1/orders/:id', path: () => `/v1/orders/${id}` },
      { label: 'GET /v1/orders/:id/progress', path: () => `/v1/orders/${id}/progress` },
      { label: 'GET /v1/orders/:id/proof?sha256=', path: proofPath },
    ];
    const healthz: Endpoint = { label: 'GET /healthz', path: () => '/healthz' };
    const light = (id: string): Endpoint[] => [healthz, { ...endpoints(id)[1]!, rate: 1 }];
    await saturate(a, t, endpoints(big.saturation.id), { seconds: 3 }); // warm up (JIT, connections)
    // Service times: one endpoint at a time; progress is cached for 250 ms, so half a second apart shows the query itself.
    const cost: Array<Awaited<ReturnType<typeof serial>>> = [];
    for (const e of [...endpoints(big.paced.id), healthz]) cost.push(await serial(a, t, e, 3));
    const progressMiss = await serial(a, t, endpoints(big.paced.id)[1]!, 3, 300);
    await eventLoop(a, t);
    const pacedBase = await paced(a, t, endpoints(big.paced.id), { seconds: BASELINE_S });
    const pacedBaseLoop = await eventLoop(a, t);
    const lightBase = await paced(a, t, light(big.light.id), { seconds: BASELINE_S });
    const lightBaseLoop = await eventLoop(a, t);
    const satBase = await saturate(a, t, endpoints(big.saturation.id), { seconds: BASELINE_S });
    const satBaseLoop = await eventLoop(a, t);

    // The phase boundaries come from the ledger file itself (read-only; WAL lets a reader in beside
    // the coordinator), not from the API: an overloaded API would report them late.
    const ledger = new Database(join(dataDir, 'ledger.sqlite'), { readonly: true, fileMustExist: true });
    const stateOf = ledger.prepare('SELECT state FROM orders WHERE id = ?').pluck();
    const state = async (id: string, want: string[]) => {
      for (const end = Date.now() + 1_800_000; Date.now() < end; await sleep(50)) {
        const st = stateOf.get(id) as string;
        if (want.includes(st)) return st;
        if (['failed', 'cancelled'].includes(st)) throw new Error(`order ${id} is ${st}`);
      }
      throw new Error(`order ${id} did not reach ${want.join('|')}`);
    };
    /** Executes an order under a load until it leaves `executing`, then the same load until it is certified. */
    const execute = async <R>(id: string, load: (stop: Stop) => Promise<R>) => {
      let t1 = performance.now();
      await a.call(`/v1/orders/${id}/execute`, t.operator, { method: 'POST' });
      const finalizing = state(id, ['finalizing', 'certified']);
      const duringP = load({ until: finalizing });
      await finalizing;
      const executeS = (performance.now() - t1) / 1000;
      // The finalize load starts at once: requests of the first window still in flight are counted
      // in the window they were sent in, and no /metrics scrape waits out the finalize in between.
      t1 = performance.now();
      const certified = state(id, ['certified']);
      const finP = load({ until: certified });
      await certified;
      const finalizeS = (performance.now() - t1) / 1000;
      const [during, fin] = await Promise.all([duringP, finP]);
      const loop = await eventLoop(a, t);
      const p = await a.call(`/v1/orders/${id}/progress`, t.auditor);
      if (p.counts.destroyed !== bigN) throw new Error(`order ${id} destroyed ${p.counts.destroyed}/${bigN}`);
      return { during, executeS, loop, fin, finalizeS };
    };
    // 3. Each load while its own order executes.
    const lightRun = await execute(big.light.id, (stop) => paced(a, t, light(big.light.id), stop));
    const pacedRun = await execute(big.paced.id, (stop) => paced(a, t, endpoints(big.paced.id), stop));
    const satRun = await execute(big.saturation.id, (stop) => saturate(a, t, endpoints(big.saturation.id), stop));
    ledger.close();

    const n = (x: number) => x.toLocaleString('en-US');
    const pacedNote = (r: Paced) =>
      `p50 ${r.p50} ms, max ${r.max} ms; ${n(r.n)} requests in ${round(r.seconds)} s${r.bad ? `; failed: ${r.bad} (!)` : ''}; load generator's own event-loop delay max ${r.clientLoopMax} ms`;
    const loopNote = (l: { p99: number; max: number }) => `event-loop delay p99 ${round(l.p99)} ms, max ${round(l.max)} ms`;
    const phaseNote = (r: { executeS: number; finalizeS: number; loop: { p99: number; max: number } }, base: { p99: number; max: number }) =>
      `POST execute to state finalizing, then finalize ${round(r.finalizeS)} s (bench/e2e.ts measures them with no API load). serve: ${loopNote(r.loop)} while executing and finalizing, ${loopNote(base)} in the baseline`;
    const results: BenchResult[] = [
      {
        name: 'setup',
        value: Math.round(buildS),
        unit: 's',
        note: `trees of ${n(smallN)} + 3 x ${n(bigN)} files of 4 KiB built apart; serve --no-worker, one worker process (concurrency ${env.SHREDPROOF_WORKER_CONCURRENCY}, ${threads} fs threads), Redis and the load generator share the machine's 2 cores; order and progress of a planned ${n(bigN)}-object order; proofs by the sha256 of random records of a certified ${n(smallN)}-object order; load average ${round(load0)} at start, ${round(loadavg()[0]!)} at the end (other work on the machine shows here)`,
      },
      { name: 'first proof of a certificate (records index loaded and verified)', value: round(coldProofMs), unit: 'ms', note: `${n(smallN)} records; cached afterwards` },
    ];
    [...endpoints('x'), healthz].forEach((e, i) => {
      const c = cost[i]!;
      results.push({ name: `${e.label}, alone, one request at a time: p50`, value: c.p50, unit: 'ms', note: `p99 ${c.p99} ms, max ${c.max} ms; ${n(c.n)} requests in 3 s, nothing executing${i === 1 ? '; the counts are cached for 250 ms, so most of these are hits' : ''}` });
    });
    results.push({ name: 'GET /v1/orders/:id/progress, alone, 300 ms apart (every one a cache miss): p50', value: progressMiss.p50, unit: 'ms', note: `p99 ${progressMiss.p99} ms, max ${progressMiss.max} ms; ${n(progressMiss.n)} requests` });
    endpoints('x').forEach((e, i) => {
      const b = pacedBase[i]!;
      const d = pacedRun.during[i]!;
      const f = pacedRun.fin[i]!;
      results.push(
        { name: `${e.label}, ${RATE} req/s each, paced: p99, nothing executing`, value: b.p99, unit: 'ms', note: pacedNote(b) },
        { name: `${e.label}, ${RATE} req/s each, paced: p99 while ${n(bigN)} objects execute`, value: d.p99, unit: 'ms', target: '< 50', note: `${pacedNote(d)}; ${round(d.p99 / b.p99)}x the baseline p99` },
      );
      if (f.n > 0) results.push({ name: `${e.label}, ${RATE} req/s each, paced: p99 while it finalizes`, value: f.p99, unit: 'ms', note: pacedNote(f) });
    });
    results.push({ name: `paced: execution of ${n(bigN)} objects under this load`, value: round(pacedRun.executeS), unit: 's', note: phaseNote(pacedRun, pacedBaseLoop) });
    light('x').forEach((e, i) => {
      const rate = e.rate ?? RATE;
      results.push(
        { name: `light load, ${e.label} at ${rate}/s: p99, nothing executing`, value: lightBase[i]!.p99, unit: 'ms', note: pacedNote(lightBase[i]!) },
        { name: `light load, ${e.label} at ${rate}/s: p99 while ${n(bigN)} objects execute`, value: lightRun.during[i]!.p99, unit: 'ms', target: i === 1 ? '< 50' : '', note: pacedNote(lightRun.during[i]!) },
      );
      const f = lightRun.fin[i]!;
      if (f.n > 0) results.push({ name: `light load, ${e.label} at ${rate}/s: p99 while it finalizes`, value: f.p99, unit: 'ms', note: pacedNote(f) });
    });
    results.push({ name: `light load: execution of ${n(bigN)} objects`, value: round(lightRun.executeS), unit: 's', note: phaseNote(lightRun, lightBaseLoop) });
    endpoints('x').forEach((e, i) => {
      const b = satBase[i]!;
      const d = satRun.during[i]!;
      const f = satRun.fin[i]!;
      results.push(
        { name: `${e.label}, saturation (${CONNECTIONS} connections each): nothing executing`, value: rps(b), unit: 'req/s', note: lat(b) },
        { name: `${e.label}, saturation (${CONNECTIONS} connections each): while ${n(bigN)} objects execute`, value: rps(d), unit: 'req/s', note: `${lat(d)}; ${round(rps(d) / rps(b))}x the baseline req/s` },
        { name: `${e.label}, saturation (${CONNECTIONS} connections each): while it finalizes`, value: rps(f), unit: 'req/s', note: lat(f) },
      );
    });
    results.push({ name: `saturation: execution of ${n(bigN)} objects under this load`, value: round(satRun.executeS), unit: 's', note: phaseNote(satRun, satBaseLoop) });
    return results;
  } finally {
    for (const p of procs.reverse()) await stopProc(p);
    rmSync(base, { recursive: true, force: true });
  }
}

function rps(r: autocannon.Result): number {
  return Math.round(r.requests.total / Math.max(r.duration, 0.001));
}

function lat(r: autocannon.Result): string {
  const bad = r.non2xx + r.errors;
  return `p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms; ${r.requests.total.toLocaleString('en-US')} requests in ${round(r.duration)} s${bad ? `; ${r.non2xx} non-2xx, ${r.errors} errors (!)` : ''}`;
}

const round = (x: number) => Math.round(x * 100) / 100;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [bigN, smallN] = process.argv.slice(2).map(Number);
  const res = await benchApi(bigN || undefined, smallN || undefined);
  for (const r of res) console.log(`| ${r.name} | ${r.value} ${r.unit} | ${r.target ?? ''} | ${r.note ?? ''} |`);
  process.exit(0);
}
