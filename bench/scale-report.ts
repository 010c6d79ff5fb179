// bench/scale.ts's figures as rows of bench/RESULTS.md: a group of rows per
// size, then one summary row per size (its note reads as the summary table's
// columns), in the order the sizes ran.
import { loadavg } from 'node:os';
import { round } from './procs.js';
import type { PollStats } from './status-poller.js';
import type { BenchResult } from './types.js';

export interface SizeRun {
  n: number;
  buildS: number;
  treeDirs: number;
  planS: number;
  approveS: number;
  executeS: number;
  finalizeS: number;
  fetchS: number;
  verifyS: number;
  /** wall time from POST /v1/orders to verify's exit */
  totalS: number;
  /** CPU seconds: serve in plan, serve and the workers in execute, serve in finalize */
  cpu: { plan: number; executeServe: number; executeWorker: number; finalize: number };
  coordinatorPeakMb: number;
  workerPeakMb: number;
  verifyPeakMb: number;
  /** ledger.sqlite + -wal once serve stopped */
  ledgerBytes: number;
  /** everything in DATA_DIR at the end, serve still running */
  dataDirBytes: number;
  recordsBytes: number;
  bundleBytes: number;
  poll: PollStats;
  /** 1-minute load average at the start and at the end of the size */
  load: [number, number];
}

export interface ScaleSetup {
  rate: number;
  workers: number;
  concurrency: number;
  threads: number;
  fileBytes: number;
  perDir: number;
}

const num = (x: number) => x.toLocaleString('en-US');
const perS = (n: number, s: number) => `${num(Math.round(n / s))} objects/s`;
const mb = (b: number) => `${round(b / 2 ** 20)} MB`;

/** The size whose API p99 is the issue's figure: 1,000,000, or the largest size run below it, or the smallest. */
function apiSize(sizes: number[]): number {
  const below = sizes.filter((n) => n <= 1_000_000);
  return below.length ? Math.max(...below) : Math.min(...sizes);
}

function sizeRows(r: SizeRun, setup: ScaleSetup, apiTarget: boolean): BenchResult[] {
  const l = `${num(r.n)} files`;
  const p = r.poll;
  return [
    { name: `${l}: tree built apart (not counted)`, value: round(r.buildS), unit: 's', note: `${num(Math.round(r.n / r.buildS))} files/s; ${num(r.n)} files of ${setup.fileBytes} bytes in ${num(r.treeDirs)} directories of ${num(setup.perDir)}; load average ${round(r.load[0])} at the start of the size, ${round(r.load[1])} at its end` },
    { name: `${l}: plan`, value: round(r.planS), unit: 's', note: `${perS(r.n, r.planS)}; serve CPU ${round(r.cpu.plan)} s; the ledger's events planning to planned (the filesystem backend lists with ${setup.threads} threads)` },
    { name: `${l}: approve`, value: round(r.approveS * 1000), unit: 'ms', note: `${perS(r.n, r.approveS)}; GET the order, sign its plan with the approver's key, POST approve` },
    { name: `${l}: execute`, value: round(r.executeS), unit: 's', note: `${perS(r.n, r.executeS)}; CPU serve ${round(r.cpu.executeServe)} s, workers ${round(r.cpu.executeWorker)} s; the ledger's events executing to finalizing` },
    { name: `${l}: finalize`, value: round(r.finalizeS), unit: 's', note: `${perS(r.n, r.finalizeS)}; serve CPU ${round(r.cpu.finalize)} s; finalizing to certified` },
    { name: `${l}: shredproof order fetch (the bundle over HTTP)`, value: round(r.fetchS), unit: 's', note: `${mb(r.bundleBytes)} bundle; its own process, start-up included` },
    { name: `${l}: shredproof verify --bundle`, value: round(r.verifyS), unit: 's', note: `${perS(r.n, r.verifyS)}; peak RSS ${round(r.verifyPeakMb)} MB; its own process, start-up included` },
    { name: `${l}: end to end`, value: round(r.totalS), unit: 's', target: r.n >= 3_000_000 ? 'completes' : '', note: `${perS(r.n, r.totalS)}; from POST /v1/orders to verify's exit (plan, approve, execute, finalize, fetch, verify, and up to 0.1 s of polling per phase)` },
    { name: `${l}: coordinator peak RSS`, value: round(r.coordinatorPeakMb), unit: 'MB', target: '< 300, flat from 100k to 3M', note: 'shredproof serve --no-worker (HTTP, coordinator, ledger): VmHWM' },
    { name: `${l}: worker peak RSS`, value: round(r.workerPeakMb), unit: 'MB', target: '< 300, flat from 100k to 3M', note: `shredproof worker, the largest of ${setup.workers} process${setup.workers > 1 ? 'es' : ''} (concurrency ${setup.concurrency}): VmHWM` },
    { name: `${l}: ledger per object`, value: Math.round(r.ledgerBytes / r.n), unit: 'bytes', note: `${mb(r.ledgerBytes)} (ledger.sqlite and its WAL once serve stopped); the whole data dir at the end: ${mb(r.dataDirBytes)}, ${num(Math.round(r.dataDirBytes / r.n))} bytes/object` },
    { name: `${l}: records.ndjson`, value: round(r.recordsBytes / 2 ** 20), unit: 'MB', note: `${num(Math.round(r.recordsBytes / r.n))} bytes/object` },
    {
      name: `${l}: GET /v1/orders/:id at ${setup.rate}/s while the order executes: p99`,
      value: p.p99,
      unit: 'ms',
      target: apiTarget ? '< 50 (at 1,000,000)' : '',
      note: `p50 ${p.p50} ms, max ${p.max} ms; ${num(p.n)} requests in ${round(p.seconds)} s, paced (open loop, latency from the scheduled time), auditor token${p.failed ? `; failed: ${p.failed} (!)` : ''}; the poller's own event-loop delay max ${p.clientLoopMax} ms`,
    },
  ];
}

function summaryRow(r: SizeRun): BenchResult {
  return {
    name: `summary, ${num(r.n)} files: end to end`,
    value: round(r.totalS),
    unit: 's',
    note: [
      `plan ${perS(r.n, r.planS)}`,
      `approve ${round(r.approveS * 1000)} ms`,
      `execute ${perS(r.n, r.executeS)}`,
      `finalize ${perS(r.n, r.finalizeS)}`,
      `verify ${round(r.verifyS)} s (${perS(r.n, r.verifyS)})`,
      `coordinator ${round(r.coordinatorPeakMb)} MB`,
      `worker ${round(r.workerPeakMb)} MB`,
      `ledger ${num(Math.round(r.ledgerBytes / r.n))} bytes/object`,
      `status p99 ${r.poll.p99} ms`,
    ].join('; '),
  };
}

export function scaleRows(runs: Array<SizeRun | { n: number; error: string }>, setup: ScaleSetup): BenchResult[] {
  const api = apiSize(runs.map((r) => r.n));
  const rows: BenchResult[] = [
    {
      name: 'setup',
      value: runs.length,
      unit: runs.length === 1 ? 'size' : 'sizes',
      note: `${runs.map((r) => num(r.n)).join(', ')} files of ${setup.fileBytes} bytes, each size on its own (tree, data dir, Redis prefix), removed after it; shredproof serve --no-worker, ${setup.workers} shredproof worker process${setup.workers > 1 ? 'es' : ''} (concurrency ${setup.concurrency}, ${setup.threads} fs threads), Redis, the bench and the CLI share the machine; load average at the end ${loadavg().map((x) => round(x)).join(' / ')}`,
    },
  ];
  for (const r of runs) {
    if ('error' in r) rows.push({ name: `${num(r.n)} files: FAILED`, value: 0, unit: '', note: r.error.replace(/\|/g, '/').replace(/\s+/g, ' ').slice(0, 500) });
    else rows.push(...sizeRows(r, setup, r.n === api));
  }
  for (const r of runs) if (!('error' in r)) rows.push(summaryRow(r));
  return rows;
}
