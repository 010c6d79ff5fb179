// End to end: plan + approve + execute + finalize of N files of 4 KiB through
// the real queue, ledger and a separate worker process, against the shell
// baseline `find DIR -type f -print0 | xargs -0 sha256sum > manifest && rm -rf DIR`
// on an identical tree, in the same run. Trees are built in fresh directories
// and timed apart (the disk is mounted with discard: freeing the blocks of
// deleted files costs time, which one run must not pass to the next).
//   node --import tsx bench/e2e.ts [objects...]      default 100000
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { composeCoordinator } from '../src/main/coordinator.js';
import { loadConfig } from '../src/config/config.js';
import { approveSigned } from '../test/helpers/approvals.js';
import { createOrder } from '../src/app/create-order.js';
import { executeOrder } from '../src/app/execute-order.js';
import { planOrder } from '../src/app/plan-order.js';
import { createLogger } from '../src/log.js';
import { generateKeys } from '../src/adapters/keys/pem-keys.js';
import { loadQueueAuth } from '../src/adapters/queue/queue-key.js';
import { BIN, cpuSeconds, peakRssMb, round, statSafe } from './procs.js';
import { buildTree } from './trees.js';
import type { BenchResult } from './types.js';

// bench/api.ts takes its trees from here.
export { buildTree };

function shellBaseline(dir: string, manifest: string): number {
  const t0 = performance.now();
  execFileSync('bash', ['-c', `find "${dir}" -type f -print0 | xargs -0 sha256sum > "${manifest}" && rm -rf "${dir}"`]);
  return (performance.now() - t0) / 1000;
}

interface RunResult {
  seconds: number;
  planSeconds: number;
  cpu: { coordinator: number; worker: number };
  executeSeconds: number;
  finalizeSeconds: number;
  coordinatorPeakMb: number;
  workerPeakMb: number;
  ledgerBytesPerObject: number;
  destroyed: number;
}

async function shredproofRun(work: string, root: string, n: number): Promise<RunResult> {
  const keys = await generateKeys(join(work, 'keys'));
  const backendsFile = join(work, 'backends.json');
  const threads = Number(process.env.BENCH_FS_THREADS ?? 4);
  writeFileSync(backendsFile, JSON.stringify({ backends: { photos: { kind: 'filesystem', root, threads } } }));
  const env = {
    DATA_DIR: join(work, 'data'),
    SHREDPROOF_KEY: keys.privateKeyPath,
    SHREDPROOF_BACKENDS: backendsFile,
    SHREDPROOF_PREFIX: `spbench-${randomUUID().slice(0, 8)}`,
    SHREDPROOF_WORKER_CONCURRENCY: process.env.BENCH_CONCURRENCY ?? '4',
    SHREDPROOF_ISSUER: 'shredproof bench',
    LOG_LEVEL: process.env.BENCH_WORKER_LOG ?? 'warn',
  };
  const config = loadConfig({ ...process.env, ...env });
  const backends = { photos: { kind: 'filesystem' as const, root } };
  const log = createLogger({ level: 'warn' });
  // The worker is its own process, as in production; started (and warmed) before the clock starts,
  // so the queue key that the coordinator would make is made here first (the worker only reads it).
  loadQueueAuth(config.queueKeyPath, { create: true });
  const worker = spawn(process.execPath, [...(process.env.BENCH_WORKER_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.BENCH_WORKER_PROF] : []), BIN, 'worker'], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
  let workerPeak = 0;
  const sampler = setInterval(() => {
    try {
      workerPeak = Math.max(workerPeak, peakRssMb(worker.pid!));
    } catch {
      /* exited */
    }
  }, 200);
  const runtime = await composeCoordinator(config, backends, log, { intervalMs: 20 });
  await new Promise((r) => setTimeout(r, 2500));
  const cpu0 = { self: cpuSeconds('self'), worker: cpuSeconds(worker.pid!) };
  const t0 = performance.now();
  const { deps, coordinator } = runtime;
  const order = await createOrder(deps, { reference: 'bench', targets: [{ backend: 'photos', scope: { include: ['users/**'] } }] }, 'bench-operator');
  const plan = await planOrder(deps, order.id, 'bench-operator');
  const planSeconds = (performance.now() - t0) / 1000;
  approveSigned(deps, order.id, 'bench-approver', plan.planRoot);
  executeOrder(deps, order.id, 'bench-operator');
  coordinator.start();
  const done = await coordinator.waitFor(order.id, undefined, 20);
  const seconds = (performance.now() - t0) / 1000;
  // Phase times from the ledger's own event times: execution ends when the last object is resolved.
  const at = (to: string) => Date.parse(deps.ledger.events(order.id).find((e) => e.toState === to)!.at);
  const executeSeconds = (at('finalizing') - at('executing')) / 1000;
  const finalizeSeconds = (at('certified') - at('finalizing')) / 1000;
  clearInterval(sampler);
  workerPeak = Math.max(workerPeak, peakRssMb(worker.pid!));
  const cpu = { coordinator: cpuSeconds('self') - cpu0.self, worker: cpuSeconds(worker.pid!) - cpu0.worker };
  worker.kill('SIGTERM');
  await new Promise((r) => worker.once('exit', r));
  const progress = deps.ledger.progress(order.id);
  if (done.state !== 'certified' || progress.destroyed !== n) throw new Error(`bench order ended ${done.state} with ${progress.destroyed}/${n} destroyed`);
  await deps.queue.store.dropPrefix();
  await runtime.close();
  const ledgerBytes = ['', '-wal'].reduce((a, s) => a + (statSafe(config.ledgerPath + s)), 0);
  return { seconds, cpu, planSeconds, executeSeconds, finalizeSeconds, coordinatorPeakMb: peakRssMb('self'), workerPeakMb: workerPeak, ledgerBytesPerObject: ledgerBytes / n, destroyed: progress.destroyed };
}

export async function benchE2e(sizes: number[] = [100_000]): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const n of sizes) {
    const base = mkdtempSync(join(tmpdir(), 'spbench-'));
    try {
      const a = join(base, 'shell-tree');
      const b = join(base, 'sp-tree');
      let t = performance.now();
      buildTree(a, n);
      buildTree(b, n);
      const buildS = (performance.now() - t) / 1000;
      execFileSync('sync');
      await new Promise((r) => setTimeout(r, 3000)); // let the freshly built trees settle
      const shellS = shellBaseline(a, join(base, 'manifest'));
      t = performance.now();
      const sp = await shredproofRun(join(base, 'sp-work'), b, n);
      void t;
      const ratio = sp.seconds / shellS;
      const label = n.toLocaleString('en-US');
      results.push(
        { name: `${label} files of 4 KiB: shell baseline (find | xargs sha256sum > manifest && rm -rf)`, value: round(shellS), unit: 's', note: `trees built apart in ${round(buildS)} s` },
        { name: `${label} files of 4 KiB: shredproof plan + approve + execute + finalize`, value: round(sp.seconds), unit: 's', note: `plan ${round(sp.planSeconds)} s, execute ${round(sp.executeSeconds)} s, finalize ${round(sp.finalizeSeconds)} s; CPU coordinator ${round(sp.cpu.coordinator)} s, worker ${round(sp.cpu.worker)} s; ${Math.round(n / sp.seconds)} objects/s; separate worker process, concurrency ${process.env.BENCH_CONCURRENCY ?? 4}, ${process.env.BENCH_FS_THREADS ?? 4} fs threads` },
        { name: `${label} files: shredproof time / shell time`, value: round(ratio), unit: 'x', target: '<= 1.0' },
        { name: `${label} files: coordinator peak RSS`, value: round(sp.coordinatorPeakMb), unit: 'MB', target: '< 300', note: 'the bench process (coordinator + bench harness), VmHWM' },
        { name: `${label} files: worker peak RSS`, value: round(sp.workerPeakMb), unit: 'MB', target: '< 300', note: 'worker process VmHWM' },
        { name: `${label} files: ledger size per object`, value: Math.round(sp.ledgerBytesPerObject), unit: 'bytes' },
      );
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  }
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = process.argv.slice(2).map(Number).filter((x) => x > 0);
  const res = await benchE2e(sizes.length ? sizes : undefined);
  for (const r of res) console.log(`| ${r.name} | ${r.value} ${r.unit} | ${r.target ?? ''} | ${r.note ?? ''} |`);
  process.exit(0);
}
