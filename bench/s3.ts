// S3 on s3rver (issue 4, Performance): N objects of 1-8 KiB destroyed and
// certified by a full order through the engine (create, plan, approve,
// execute, finalize; real Redis queue, real ledger, an in-process worker, as
// in test/app/multi-backend.test.ts), against the naive loop in the same
// run on an identical fresh bucket: list, then per key one GetObject (body
// read and hashed) and one DeleteObject, sequentially.
//
// A second baseline measures s3rver itself: the same GET + DELETE per key,
// with many keys in flight. It is about the most any per-key client can get
// out of this server; when shredproof comes close to it, s3rver is the limit.
//
// s3rver runs in a child process of its own, as a real store would: in the
// bench process it would share one event loop with the client, the
// coordinator and the worker. Its CPU time per phase is reported (from /proc)
// so that one can see whether it is saturated. Keys live 100 to a "directory"
// (users/uNNNN/): s3rver's filesystem store reads the whole parent directory
// synchronously after every delete, so 10,000 keys under one prefix would
// make every run quadratic in the server, whatever the client does.
//
// Tuning (configuration only): SHREDPROOF_BATCH_SIZE and
// SHREDPROOF_WORKER_CONCURRENCY through BENCH_BATCH_SIZE (default 1000) and
// BENCH_CONCURRENCY (default 4). The S3 backend's own 16 requests in flight
// per call is its default (not configurable in backends.json).
// BENCH_S3_BARE_IN_FLIGHT (default 32): keys in flight in the bare baseline.
// BENCH_S3_LATENCY_MS (default "0,10"): the delays, comma-separated, that
// s3rver waits before handling each request once the buckets are seeded; the
// three runs (naive, order, bare) are made once per delay, each on its own
// fresh buckets. 0 is loopback as is; 10 ms models a store across a network
// (real S3 answers a small GET in tens of ms, not in the ~1 ms of loopback).
//
// Requests are counted in s3rver, by operation, for each run; the order's
// count covers everything it sends (plan listing, hashing, deleting, probing,
// the re-scan) and is reported per destroyed object (issue 19: <= 1.1).
//
// Standalone: node --import tsx bench/s3.ts [objects]      default 10000
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, ListObjectsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { composeCoordinator } from '../src/main/coordinator.js';
import { composeWorker } from '../src/main/worker.js';
import type { BackendsConfig } from '../src/config/backends-config.js';
import { createS3Client } from '../src/adapters/storage/s3/client.js';
import { mapLimit } from '../src/adapters/storage/s3/map-limit.js';
import { loadConfig } from '../src/config/config.js';
import { approveSigned } from '../test/helpers/approvals.js';
import { createOrder } from '../src/app/create-order.js';
import { executeOrder } from '../src/app/execute-order.js';
import { planOrder } from '../src/app/plan-order.js';
import { silentLogger } from '../src/log.js';
import { generateKeys } from '../src/adapters/keys/pem-keys.js';
import type { BenchResult } from './types.js';

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const BATCH_SIZE = Number(process.env.BENCH_BATCH_SIZE ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
/** Keys in flight in the bare s3rver baseline. */
const BARE_IN_FLIGHT = Number(process.env.BENCH_S3_BARE_IN_FLIGHT ?? 32);
/** Delays added before s3rver handles each request, one set of runs per delay, to model a store across a network (0: loopback as is). */
const LATENCIES_MS = (process.env.BENCH_S3_LATENCY_MS ?? '0,10').split(',').map((x) => Number(x.trim()));
/** What issue 19 asks of naive time / shredproof time, by added latency. */
const SPEEDUP_TARGETS: Record<number, string> = { 0: '>= 2 (issue 19)', 10: '>= 8 (issue 19)' };
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;
const PER_DIR = 100;

// ---------------------------------------------------------------- s3rver child

/**
 * The child: s3rver on 127.0.0.1, an ephemeral port, counting requests by
 * method (the operation mix is what the report needs), over IPC.
 */
const CHILD = `
const S3rver = require('s3rver');
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: process.argv[1], resetOnClose: true });
let counts = {};
let latency = 0;
server.run().then(({ port }) => {
  const http = server.httpServer;
  const handlers = http.listeners('request');
  http.removeAllListeners('request');
  http.on('request', (req, res) => {
    const u = new URL(req.url, 'http://x');
    const q = u.searchParams;
    const onBucket = u.pathname.split('/').filter(Boolean).length <= 1;
    const op = onBucket
      ? req.method === 'POST' && q.has('delete') ? 'DeleteObjects'
        : req.method === 'GET' ? (q.has('versioning') ? 'GetBucketVersioning' : q.has('versions') ? 'ListObjectVersions' : 'ListObjects')
        : req.method + ' bucket'
      : ({ GET: 'GetObject', HEAD: 'HeadObject', PUT: 'PutObject', DELETE: 'DeleteObject' })[req.method] || req.method + ' object';
    counts[op] = (counts[op] || 0) + 1;
    const handle = () => { for (const h of handlers) h.call(http, req, res); };
    if (latency > 0) setTimeout(handle, latency); else handle();
  });
  process.send({ port });
});
process.on('message', (m) => {
  if (m === 'counts') { process.send({ counts }); counts = {}; }
  if (typeof m === 'object' && m.latency !== undefined) latency = m.latency;
  if (m === 'stop') server.close().then(() => process.exit(0));
});
`;

interface S3rverProcess {
  endpoint: string;
  child: ChildProcess;
  /** Requests by operation since the last call. */
  takeCounts(): Promise<Record<string, number>>;
  /** From now on, every request waits this long before s3rver handles it. */
  setLatency(ms: number): void;
  stop(): Promise<void>;
}

async function startS3rver(dir: string): Promise<S3rverProcess> {
  const repo = fileURLToPath(new URL('..', import.meta.url));
  // -e: a CommonJS script resolved from the repository (s3rver is a devDependency).
  const child = spawn(process.execPath, ['-e', CHILD, dir], { cwd: repo, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`s3rver exited with ${code}`)));
  });
  const takeCounts = () =>
    new Promise<Record<string, number>>((resolve) => {
      child.once('message', (m) => resolve((m as { counts: Record<string, number> }).counts));
      child.send('counts');
    });
  const stop = async () => {
    child.send('stop');
    await new Promise((r) => child.once('exit', r));
  };
  return { endpoint: `http://127.0.0.1:${port}`, child, takeCounts, setLatency: (ms) => void child.send({ latency: ms }), stop };
}

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSeconds(pid: number | 'self'): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

function peakRssMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Wall time, and CPU of this process and of s3rver, over one phase. */
async function measured<T>(s3rver: S3rverProcess, fn: () => Promise<T>): Promise<{ value: T; seconds: number; cpuSelf: number; cpuServer: number }> {
  const c0 = { self: cpuSeconds('self'), server: cpuSeconds(s3rver.child.pid!) };
  const t0 = performance.now();
  const value = await fn();
  const seconds = (performance.now() - t0) / 1000;
  return { value, seconds, cpuSelf: cpuSeconds('self') - c0.self, cpuServer: cpuSeconds(s3rver.child.pid!) - c0.server };
}

// ---------------------------------------------------------------- data

const keyOf = (i: number) => `users/u${String(Math.floor(i / PER_DIR)).padStart(4, '0')}/obj${String(i).padStart(6, '0')}.bin`;
/** 1-8 KiB, spread deterministically, the same in every bucket. */
const sizeOf = (i: number) => 1024 + ((i * 2654435761) % (7 * 1024 + 1));

/** A fresh bucket with n objects under users/ (plus one object out of scope). Returns the bytes stored. */
async function seedBucket(client: S3Client, bucket: string, n: number, pool: Buffer): Promise<number> {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  let bytes = 0;
  const idx = Array.from({ length: n }, (_, i) => i);
  await mapLimit(idx, 32, async (i) => {
    const size = sizeOf(i);
    const off = (i * 131) % (pool.length - size);
    const body = Buffer.from(pool.subarray(off, off + size));
    body.writeUInt32LE(i, 0); // distinct content per object
    bytes += size;
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: keyOf(i), Body: body }));
  });
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'public/site.css', Body: 'out of scope' }));
  return bytes;
}

async function listKeys(client: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let marker: string | undefined;
  for (;;) {
    const r = await client.send(new ListObjectsCommand({ Bucket: bucket, Prefix: prefix, ...(marker ? { Marker: marker } : {}) }));
    const page = (r.Contents ?? []).map((o) => o.Key!);
    keys.push(...page);
    if (!r.IsTruncated || page.length === 0) return keys;
    marker = r.NextMarker ?? page[page.length - 1];
  }
}

/** GET (body streamed through SHA-256) then DELETE of one key: the naive loop's step. */
async function getHashDelete(client: S3Client, bucket: string, key: string): Promise<{ key: string; sha256: string; size: number }> {
  const r = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const h = createHash('sha256');
  let size = 0;
  for await (const chunk of r.Body as Readable) {
    h.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  return { key, sha256: h.digest('hex'), size };
}

// ---------------------------------------------------------------- runs

/** The naive script: list, then one GET + one DELETE per key, one key at a time; a manifest of hashes in memory. */
async function naiveLoop(client: S3Client, bucket: string): Promise<number> {
  const manifest: string[] = [];
  for (const key of await listKeys(client, bucket, 'users/')) {
    const m = await getHashDelete(client, bucket, key);
    manifest.push(`${m.sha256}  ${m.key}`);
  }
  return manifest.length;
}

/** The same per-key work with many keys in flight: what s3rver serves at best to a per-key client. */
async function bareConcurrent(client: S3Client, bucket: string, inFlight: number): Promise<number> {
  const keys = await listKeys(client, bucket, 'users/');
  const manifest = await mapLimit(keys, inFlight, (key) => getHashDelete(client, bucket, key));
  return manifest.length;
}

interface OrderRun {
  seconds: number;
  planSeconds: number;
  executeSeconds: number;
  finalizeSeconds: number;
  destroyed: number;
  state: string;
}

/** A full order through the engine: real Redis queue, real ledger, an in-process worker. */
async function shredproofOrder(work: string, endpoint: string, bucket: string, n: number): Promise<OrderRun> {
  process.env.SP_BENCH_S3_ID = CREDENTIALS.accessKeyId;
  process.env.SP_BENCH_S3_SECRET = CREDENTIALS.secretAccessKey;
  const backends: BackendsConfig = {
    archive: { kind: 's3', bucket, endpoint, forcePathStyle: true, region: 'us-east-1', accessKeyIdEnv: 'SP_BENCH_S3_ID', secretAccessKeyEnv: 'SP_BENCH_S3_SECRET' },
  };
  const keys = await generateKeys(join(work, 'keys'));
  const config = loadConfig({
    DATA_DIR: join(work, 'data'),
    REDIS_URL,
    SHREDPROOF_PREFIX: `spbench-${randomUUID().slice(0, 8)}`,
    SHREDPROOF_KEY: keys.privateKeyPath,
    SHREDPROOF_ISSUER: 'shredproof bench',
    LOG_LEVEL: 'silent',
    SHREDPROOF_BATCH_SIZE: String(BATCH_SIZE),
    SHREDPROOF_WORKER_CONCURRENCY: String(CONCURRENCY),
  });
  const log = silentLogger();
  const runtime = await composeCoordinator(config, backends, log, { intervalMs: 20 });
  const worker = await composeWorker(config, backends, log);
  try {
    await new Promise((r) => setTimeout(r, 1000)); // worker connected before the clock starts
    const { deps, coordinator } = runtime;
    const t0 = performance.now();
    const order = await createOrder(deps, { reference: 'bench s3', targets: [{ backend: 'archive', scope: { prefixes: ['users/'] } }] }, 'bench-operator');
    const plan = await planOrder(deps, order.id, 'bench-operator');
    const planSeconds = (performance.now() - t0) / 1000;
    if (plan.count !== n) throw new Error(`plan listed ${plan.count} objects, want ${n}`);
    approveSigned(deps, order.id, 'bench-approver', plan.planRoot);
    executeOrder(deps, order.id, 'bench-operator');
    coordinator.start();
    const done = await coordinator.waitFor(order.id, undefined, 20);
    const seconds = (performance.now() - t0) / 1000;
    const at = (to: string) => Date.parse(deps.ledger.events(order.id).find((e) => e.toState === to)!.at);
    const executeSeconds = (at('finalizing') - at('executing')) / 1000;
    const finalizeSeconds = (Date.parse(deps.ledger.events(order.id).find((e) => e.toState === done.state)!.at) - at('finalizing')) / 1000;
    const progress = deps.ledger.progress(order.id);
    await deps.queue.store.dropPrefix();
    return { seconds, planSeconds, executeSeconds, finalizeSeconds, destroyed: progress.destroyed, state: done.state };
  } finally {
    await worker.close();
    await runtime.close();
  }
}

// ---------------------------------------------------------------- report

const round = (x: number) => Math.round(x * 100) / 100;
const rate = (n: number, s: number) => Math.round(n / s);
const pct = (cpu: number, s: number) => `${Math.round((100 * cpu) / s)}%`;
const mix = (c: Record<string, number>, n: number) =>
  Object.entries(c)
    .sort()
    .map(([op, k]) => `${op} ${Math.round((1000 * k) / n) / 1000}`)
    .join(', ');

const sum = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);

interface Buckets {
  naive: string;
  sp: string;
  bare: string;
}

/** The three runs on one set of fresh buckets, every request delayed by `latency` ms. */
async function runAt(s3rver: S3rverProcess, client: S3Client, base: string, buckets: Buckets, n: number, latency: number): Promise<BenchResult[]> {
  s3rver.setLatency(latency);
  await s3rver.takeCounts();
  const naive = await measured(s3rver, () => naiveLoop(client, buckets.naive));
  const naiveCounts = await s3rver.takeCounts();
  if (naive.value !== n) throw new Error(`naive loop handled ${naive.value} objects, want ${n}`);

  const sp = await measured(s3rver, () => shredproofOrder(join(base, `sp-work-${latency}`), s3rver.endpoint, buckets.sp, n));
  const spCounts = await s3rver.takeCounts();
  if (sp.value.state !== 'certified' || sp.value.destroyed !== n) throw new Error(`order ended ${sp.value.state} with ${sp.value.destroyed}/${n} destroyed`);
  s3rver.setLatency(0);
  const left = await listKeys(client, buckets.sp, '');
  if (left.length !== 1 || left[0] !== 'public/site.css') throw new Error(`the order left ${left.length} objects: ${left.slice(0, 3).join(', ')}`);
  await s3rver.takeCounts();
  s3rver.setLatency(latency);

  const bare = await measured(s3rver, () => bareConcurrent(client, buckets.bare, BARE_IN_FLIGHT));
  const bareCounts = await s3rver.takeCounts();
  if (bare.value !== n) throw new Error(`bare baseline handled ${bare.value} objects, want ${n}`);

  const o = sp.value;
  const label = `${n.toLocaleString('en-US')} objects${latency > 0 ? ` (+${latency} ms per request)` : ' (loopback, no added latency)'}`;
  return [
    {
      name: `${label}: naive loop (list, then GetObject + hash + DeleteObject per key, sequential)`,
      value: round(naive.seconds),
      unit: 's',
      note: `${rate(n, naive.seconds)} objects/s; CPU: bench process ${pct(naive.cpuSelf, naive.seconds)}, s3rver ${pct(naive.cpuServer, naive.seconds)} of one core; requests per object: ${mix(naiveCounts, n)}`,
    },
    {
      name: `${label}: shredproof order, plan + approve + execute + finalize`,
      value: round(o.seconds),
      unit: 's',
      note: `${rate(n, o.seconds)} objects/s; plan ${round(o.planSeconds)} s, execute ${round(o.executeSeconds)} s, finalize ${round(o.finalizeSeconds)} s; in-process worker, SHREDPROOF_BATCH_SIZE ${BATCH_SIZE}, SHREDPROOF_WORKER_CONCURRENCY ${CONCURRENCY}, S3 backend default 16 requests in flight per call; CPU: bench process ${pct(sp.cpuSelf, sp.seconds)}, s3rver ${pct(sp.cpuServer, sp.seconds)} of one core`,
    },
    {
      name: `${label}: shredproof S3 requests per destroyed object, GET included`,
      value: Math.round((1000 * sum(spCounts)) / n) / 1000,
      unit: 'requests',
      target: '<= 1.1 (issue 19)',
      note: `every request of the order (plan listing, GET, DeleteObjects, listings before and after the deletes, re-scan), counted in s3rver: ${mix(spCounts, n)}`,
    },
    { name: `${label}: naive time / shredproof time`, value: round(naive.seconds / o.seconds), unit: 'x', ...(SPEEDUP_TARGETS[latency] !== undefined ? { target: SPEEDUP_TARGETS[latency] } : {}) },
    {
      name: `${label}: s3rver bare, GetObject + hash + DeleteObject per key, ${BARE_IN_FLIGHT} keys in flight`,
      value: round(bare.seconds),
      unit: 's',
      note: `${rate(n, bare.seconds)} objects/s, no certification; second baseline: about the most s3rver serves to a per-key client. CPU: bench process ${pct(bare.cpuSelf, bare.seconds)}, s3rver ${pct(bare.cpuServer, bare.seconds)} of one core; requests per object: ${mix(bareCounts, n)}`,
    },
    { name: `${label}: naive time / s3rver bare time`, value: round(naive.seconds / bare.seconds), unit: 'x', note: 'the ceiling a per-key client reaches on this server and machine' },
    { name: `${label}: shredproof time / s3rver bare time`, value: round(o.seconds / bare.seconds), unit: 'x', note: 'what certification costs over bare per-key deletion' },
  ];
}

export async function benchS3(n = 10_000): Promise<BenchResult[]> {
  const base = mkdtempSync(join(tmpdir(), 'spbench-s3-'));
  const s3rver = await startS3rver(join(base, 's3rver'));
  const client = createS3Client({ endpoint: s3rver.endpoint, forcePathStyle: true, credentials: { ...CREDENTIALS } });
  try {
    const pool = randomBytes(64 * 1024);
    const sets = LATENCIES_MS.map((latency) => {
      const tag = `${latency}-${randomUUID().slice(0, 8)}`;
      return { latency, buckets: { naive: `sp-naive-${tag}`, sp: `sp-order-${tag}`, bare: `sp-bare-${tag}` } };
    });
    const t = performance.now();
    let bytes = 0;
    for (const set of sets) for (const b of Object.values(set.buckets)) bytes = await seedBucket(client, b, n, pool);
    const seedS = (performance.now() - t) / 1000;
    await new Promise((r) => setTimeout(r, 2000)); // let the seeding's writes settle
    const results: BenchResult[] = [
      {
        name: `s3rver: seed ${3 * sets.length} identical buckets of ${n.toLocaleString('en-US')} objects (not measured)`,
        value: round(seedS),
        unit: 's',
        note: `1-8 KiB each, ${round(bytes / 2 ** 20)} MiB per bucket, 100 keys per prefix users/uNNNN/, plus 1 object out of scope; s3rver in its own process; three fresh buckets (naive, order, bare) per added latency: ${LATENCIES_MS.map((l) => `${l} ms`).join(', ')} (BENCH_S3_LATENCY_MS), added before s3rver handles each request once seeded, to model a store across a network`,
      },
    ];
    for (const set of sets) results.push(...(await runAt(s3rver, client, base, set.buckets, n, set.latency)));
    results.push({ name: `peak RSS of the bench process`, value: round(peakRssMb()), unit: 'MB', note: 'VmHWM: coordinator + in-process worker + S3 client (s3rver is another process)' });
    return results;
  } finally {
    client.destroy();
    await s3rver.stop();
    rmSync(base, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const n = Number(process.argv[2] ?? 10_000);
  const res = await benchS3(n > 0 ? n : undefined);
  for (const r of res) console.log(`| ${r.name} | ${r.value} ${r.unit} | ${r.target ?? ''} | ${r.note ?? ''} |`);
  process.exit(0);
}
