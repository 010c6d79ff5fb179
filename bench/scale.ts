// The seed's scale (issue 19): orders of 100,000, 1,000,000 and 3,000,000
// files of 1 KiB end to end, as production runs them: `shredproof serve
// --no-worker` and a separate `shredproof worker` process (bench/cluster.ts),
// the order driven over HTTP (plan, approve with the approver's own key,
// execute), the bundle fetched with `shredproof order fetch` and checked with
// `shredproof verify --bundle`, each a process of its own. Per size: each
// phase's time and objects/s, the ledger's and records.ndjson's size, and the
// peak RSS (VmHWM) of serve, the worker and verify; while the order executes,
// an auditor polls its status (GET /v1/orders/:id) at 20/s: p50, p99, max.
// Each size's tree is built apart (child processes, timed but not counted)
// and removed with the ledger and the bundle after the size, failed or not.
//   npm run bench -- scale [--sizes 100000,1M]   or SHREDPROOF_BENCH_SCALE_SIZES=100k
//   node --import tsx bench/scale.ts [sizes]
// BENCH_SCALE_DIR (default: the temp dir), BENCH_SCALE_WORKERS (worker processes, 1),
// BENCH_CONCURRENCY (jobs per worker, 4), BENCH_FS_THREADS (4), BENCH_SCALE_POLL_RATE (20/s),
// BENCH_TREE_PROCS (tree writers, one per core).
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OrderView, ShredproofClient } from '../src/client/api-client.js';
import { requireRedis } from '../test/helpers/services.js';
import { startCluster } from './cluster.js';
import { cpuSeconds, dirBytes, peakRssMb, round, runShredproof, scratchDir, sleep, statSafe } from './procs.js';
import { pollAtRate } from './status-poller.js';
import { buildTreeParallel, diskFree, type SmallTree, treeNeed } from './trees.js';
import { scaleRows, type SizeRun } from './scale-report.js';
import type { BenchResult } from './types.js';

export const DEFAULT_SIZES = [100_000, 1_000_000, 3_000_000];
const FILE_BYTES = 1024;
const PER_DIR = 1000;
const RATE = Number(process.env.BENCH_SCALE_POLL_RATE ?? 20);
const WORKERS = Number(process.env.BENCH_SCALE_WORKERS ?? 1);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const THREADS = Number(process.env.BENCH_FS_THREADS ?? 4);
/**
 * Disk per object beside the tree, with a margin: the ledger and its WAL, the
 * records file of the certificate in the data dir and the fetched bundle's
 * copy. Measured at 100,000: 538 bytes in the data dir at the end and 256 in
 * the bundle (bench/RESULTS.md).
 */
const DATA_BYTES_PER_OBJECT = 2048;
const KEEP_FREE = 2 * 2 ** 30;

/** "100000,1M,3m" or "100k": the sizes to run. */
export function parseSizes(text: string | undefined): number[] {
  if (!text?.trim()) return DEFAULT_SIZES;
  return text.split(/[\s,]+/).filter(Boolean).map((s) => {
    const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(s);
    const n = m ? Math.round(Number(m[1]) * (m[2] ? (/k/i.test(m[2]) ? 1e3 : 1e6) : 1)) : NaN;
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`scale: not a size: ${JSON.stringify(s)} (say 100000, 100k or 1M)`);
    return n;
  });
}

const gb = (b: number) => `${(b / 1e9).toFixed(1)} GB`;
const say = (line: string) => process.stderr.write(`bench scale: ${line}\n`);

/** Refuses, before anything is built, a size that the file system under `dir` cannot hold. */
function checkDisk(dir: string, sizes: number[]): void {
  const free = diskFree(dir);
  const n = Math.max(...sizes);
  const tree = treeNeed({ n, fileBytes: FILE_BYTES, perDir: PER_DIR }, free.blockSize);
  const bytes = tree.bytes + n * DATA_BYTES_PER_OBJECT + KEEP_FREE;
  const inodes = tree.inodes + 1000;
  say(`${n.toLocaleString('en-US')} files need about ${gb(bytes)} (tree ${gb(tree.bytes)}, ledger and bundles ${gb(n * DATA_BYTES_PER_OBJECT)}, ${gb(KEEP_FREE)} kept free) and ${inodes.toLocaleString('en-US')} inodes under ${dir}; free: ${gb(free.bytes)}, ${free.inodes.toLocaleString('en-US')} inodes`);
  if (bytes > free.bytes || inodes > free.inodes) {
    throw new Error(
      `scale: the file system under ${dir} cannot hold ${n.toLocaleString('en-US')} files of ${FILE_BYTES} bytes: it needs about ${gb(bytes)} and ${inodes.toLocaleString('en-US')} inodes, and has ${gb(free.bytes)} and ${free.inodes.toLocaleString('en-US')} free. Set BENCH_SCALE_DIR to a larger file system, or run smaller sizes (npm run bench -- scale --sizes 100000).`,
    );
  }
}

const TERMINAL = ['failed', 'cancelled', 'certified-with-exceptions', 'draft'];

async function waitState(c: ShredproofClient, id: string, want: string, timeoutMs: number, pollMs = 100): Promise<OrderView> {
  for (const end = Date.now() + timeoutMs; ; await sleep(pollMs)) {
    const o = await c.getOrder(id);
    if (o.state === want) return o;
    if (TERMINAL.includes(o.state)) throw new Error(`order ${id} is ${o.state}${o.failure ? ` (${o.failure})` : ''}, waited for ${want}`);
    if (Date.now() > end) throw new Error(`order ${id} is still ${o.state} after ${timeoutMs / 1000} s, waited for ${want}`);
  }
}

/** Every 30 s, the order's progress on stderr, so that whoever runs 3,000,000 sees it move; stop it with the result. */
function heartbeat(c: ShredproofClient, id: string, label: string): () => void {
  const timer = setInterval(() => {
    c.progress(id).then(
      (p) => say(`${label}: ${p.state}${p.planning ? `, listed ${p.planning.listed.toLocaleString('en-US')}` : ''}, destroyed ${p.counts.destroyed.toLocaleString('en-US')}${p.etaSeconds !== null ? `, eta ${Math.round(p.etaSeconds)} s` : ''}`),
      () => undefined,
    );
  }, 30_000);
  return () => clearInterval(timer);
}

async function runSize(base: string, n: number): Promise<SizeRun> {
  const label = n.toLocaleString('en-US');
  const load0 = loadavg()[0]!;
  const tree: SmallTree = { n, fileBytes: FILE_BYTES, perDir: PER_DIR };
  const root = join(base, 'tree');
  say(`${label}: building the tree (not timed) ...`);
  let t = performance.now();
  await buildTreeParallel(root, tree);
  const buildS = (performance.now() - t) / 1000;
  say(`${label}: tree built in ${round(buildS)} s (${Math.round(n / buildS)} files/s); sync`);
  execFileSync('sync');
  await sleep(3000); // the disk is mounted with discard: let the fresh tree settle, as e2e.ts does

  const cluster = await startCluster(base, { backends: { files: { kind: 'filesystem', root, threads: THREADS } }, workers: WORKERS, concurrency: CONCURRENCY });
  let stopBeat = () => {};
  try {
    const pids = { serve: cluster.serve.pid!, workers: cluster.workers.map((w) => w.pid!) };
    const cpu = () => ({ serve: cpuSeconds(pids.serve), worker: pids.workers.reduce((a, p) => a + cpuSeconds(p), 0) });
    const op = cluster.client('operator');
    const auditor = cluster.client('auditor');
    const timeoutMs = 600_000 + n * 5;
    const t0 = performance.now();
    const cpu0 = cpu();
    const created = await op.createOrder({ reference: `bench-scale-${n}`, targets: [{ backend: 'files', scope: { include: ['users/**'] } }] });
    const id = created.id;
    stopBeat = heartbeat(auditor, id, label);
    await op.planOrder(id);
    const planned = await waitState(auditor, id, 'planned', timeoutMs);
    const cpuPlanned = cpu();
    if (planned.plan?.objects !== n) throw new Error(`the plan of ${id} has ${planned.plan?.objects} objects, want ${n}`);
    say(`${label}: planned; approving`);
    t = performance.now();
    await cluster.approve(id, planned.plan.root);
    const approveS = (performance.now() - t) / 1000;

    const cpuE0 = cpu();
    await op.executeOrder(id);
    say(`${label}: executing; polling the order's status at ${RATE}/s`);
    const poll = await pollAtRate(cluster.url, `/v1/orders/${id}`, cluster.tokens.auditor, RATE, (o) => !['approved', 'executing'].includes((o as OrderView).state), timeoutMs);
    const cpuFinalizing = cpu();
    await waitState(auditor, id, 'certified', timeoutMs);
    const cpuEnd = cpu();
    stopBeat();
    const progress = await auditor.progress(id);
    if (progress.counts.destroyed !== n) throw new Error(`order ${id} destroyed ${progress.counts.destroyed}/${n}`);
    // Phase times from the ledger's own events: the API's view of them lags by up to a poll.
    const events = (await auditor.history(id)).events;
    const at = (to: string) => {
      const e = events.find((x) => x.toState === to);
      if (!e) throw new Error(`order ${id} has no event to ${to}: ${events.map((x) => x.toState).join(', ')}`);
      return Date.parse(e.at);
    };
    say(`${label}: certified; fetching the bundle`);
    const bundle = join(base, 'bundle');
    const peakFile = join(base, 'peak');
    const fetched = await runShredproof(['order', 'fetch', id, '--out', bundle], { ...cluster.env, SHREDPROOF_TOKEN: cluster.tokens.auditor }, peakFile);
    if (fetched.code !== 0) throw new Error(`shredproof order fetch: exit ${fetched.code}: ${fetched.stderr.trim()}`);
    const trustSha256 = createHash('sha256').update(readFileSync(join(bundle, 'trust.json'))).digest('hex');
    say(`${label}: verifying the bundle`);
    const verified = await runShredproof(['verify', '--bundle', bundle, '--trust-sha256', trustSha256], cluster.env, peakFile);
    if (verified.code !== 0 || !/^VALID/.test(verified.stdout)) throw new Error(`shredproof verify --bundle: exit ${verified.code}: ${(verified.stdout + verified.stderr).trim().slice(0, 2000)}`);
    const totalS = (performance.now() - t0) / 1000;

    const coordinatorPeakMb = peakRssMb(pids.serve);
    const workerPeakMb = Math.max(...pids.workers.map((p) => peakRssMb(p)));
    const dataDirBytes = dirBytes(cluster.dataDir);
    await cluster.stop();
    const ledgerPath = join(cluster.dataDir, 'ledger.sqlite');
    return {
      n,
      buildS,
      treeDirs: Math.ceil(n / PER_DIR),
      planS: (at('planned') - at('planning')) / 1000,
      approveS,
      executeS: (at('finalizing') - at('executing')) / 1000,
      finalizeS: (at('certified') - at('finalizing')) / 1000,
      fetchS: fetched.seconds,
      verifyS: verified.seconds,
      totalS,
      cpu: { plan: cpuPlanned.serve - cpu0.serve, executeServe: cpuFinalizing.serve - cpuE0.serve, executeWorker: cpuFinalizing.worker - cpuE0.worker, finalize: cpuEnd.serve - cpuFinalizing.serve },
      coordinatorPeakMb,
      workerPeakMb,
      verifyPeakMb: verified.peakMb,
      ledgerBytes: statSafe(ledgerPath) + statSafe(`${ledgerPath}-wal`),
      dataDirBytes,
      recordsBytes: statSafe(join(bundle, 'records.ndjson')),
      bundleBytes: dirBytes(bundle),
      poll,
      load: [load0, loadavg()[0]!],
    };
  } finally {
    stopBeat();
    await cluster.stop();
  }
}

export async function benchScale(sizes = parseSizes(process.env.SHREDPROOF_BENCH_SCALE_SIZES)): Promise<BenchResult[]> {
  await requireRedis();
  const dir = process.env.BENCH_SCALE_DIR ?? tmpdir();
  checkDisk(dir, sizes);
  const runs: Array<SizeRun | { n: number; error: string }> = [];
  for (const n of sizes) {
    const base = mkdtempSync(join(dir, 'spbench-scale-'));
    const guard = scratchDir(base);
    try {
      runs.push(await runSize(base, n));
    } catch (e) {
      say(`${n.toLocaleString('en-US')}: FAILED: ${(e as Error).stack ?? String(e)}`);
      runs.push({ n, error: (e as Error).message });
    } finally {
      say(`${n.toLocaleString('en-US')}: removing ${base}`);
      rmSync(base, { recursive: true, force: true });
      if (existsSync(base)) say(`could not remove ${base}: remove it by hand`);
      else guard.release();
    }
  }
  return scaleRows(runs, { rate: RATE, workers: WORKERS, concurrency: CONCURRENCY, threads: THREADS, fileBytes: FILE_BYTES, perDir: PER_DIR });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const res = await benchScale(parseSizes(process.argv.slice(2).join(',') || process.env.SHREDPROOF_BENCH_SCALE_SIZES));
  for (const r of res) console.log(`| ${r.name} | ${r.value} ${r.unit} | ${r.target ?? ''} | ${r.note ?? ''} |`);
  process.exit(0);
}
