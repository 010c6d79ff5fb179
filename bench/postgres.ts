// PostgreSQL (issue 4, Performance): N rows destroyed and certified by a full
// order through the engine (create, plan, approve, execute, finalize; real
// Redis queue, real ledger, an in-process worker, as in
// test/app/multi-backend.test.ts): rows/s, the time of each phase and the
// peak RSS of the process. Baselines in the same run, each on an identical
// fresh table:
//   - `DELETE FROM t`, one statement (no record of anything);
//   - shell style, hash everything then delete:
//       psql -c "COPY (SELECT * FROM t) TO STDOUT" | sha256sum && psql -c "DELETE FROM t"
//   - shell style with a hash per row (a manifest, the closest to records):
//       psql -c "COPY (SELECT id, sha256(row text) FROM t) TO STDOUT" > manifest && psql -c "DELETE FROM t"
//
// Table: id bigint primary key, owner text, created timestamptz, payload
// bytea of 100 bytes; loaded server-side with generate_series, then VACUUM
// ANALYZE, before any clock starts. Autovacuum is off on the bench tables so
// that a vacuum of one run's dead rows does not land in another's timing.
// The schema is dropped at the end.
//
// Runs: BENCH_PG_RUNS (default 3) complete runs, each on fresh tables with its
// own baselines; the ratio reported is the median of the runs' own ratios
// (shredproof / the per-row-hash shell baseline of the same run), and every
// run's figures are listed. Statements: every statement the process sends
// to PostgreSQL during the execute phase is counted by kind (the pg client's
// query is wrapped; nothing else changes), per batch job.
//
// Tuning (configuration only): SHREDPROOF_BATCH_SIZE and
// SHREDPROOF_WORKER_CONCURRENCY through BENCH_BATCH_SIZE (default 1000) and
// BENCH_CONCURRENCY (default 4); the backend's pool through BENCH_PG_POOL
// (poolSize in backends.json, default 4).
//
// Standalone: node --import tsx bench/postgres.ts [rows] [runs]      default 1000000 3
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { composeCoordinator } from '../src/main/coordinator.js';
import { composeWorker } from '../src/main/worker.js';
import type { BackendsConfig } from '../src/config/backends-config.js';
import { loadConfig } from '../src/config/config.js';
import { approveSigned } from '../test/helpers/approvals.js';
import { createOrder } from '../src/app/create-order.js';
import { executeOrder } from '../src/app/execute-order.js';
import { certificateFiles } from '../src/app/finalize-order.js';
import { planOrder } from '../src/app/plan-order.js';
import { silentLogger } from '../src/log.js';
import { generateKeys } from '../src/adapters/keys/pem-keys.js';
import type { BenchResult } from './types.js';

const PG_URL = process.env.BENCH_PG_URL ?? process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const BATCH_SIZE = Number(process.env.BENCH_BATCH_SIZE ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const POOL = process.env.BENCH_PG_POOL ? Number(process.env.BENCH_PG_POOL) : undefined;
const RUNS = Number(process.env.BENCH_PG_RUNS ?? 3);

/** Kinds of statement the engine sends, told apart by their text (sql-statements.ts writes them). */
type StatementKind = 'DELETE ... RETURNING' | 'DELETE' | 'SELECT by key' | 'SELECT page' | 'BEGIN/COMMIT/ROLLBACK' | 'other';

function kindOf(text: string): StatementKind {
  if (/^DELETE\b[\s\S]*\bRETURNING\b/.test(text)) return 'DELETE ... RETURNING';
  if (/^DELETE\b/.test(text)) return 'DELETE';
  if (/^SELECT r\.n\b/.test(text)) return 'SELECT by key';
  if (/^SELECT\b[\s\S]*\bLIMIT \d+$/.test(text)) return 'SELECT page';
  if (/^(BEGIN|COMMIT|ROLLBACK)$/.test(text)) return 'BEGIN/COMMIT/ROLLBACK';
  return 'other';
}

/** Counts every statement this process sends through pg while `on`, by kind. */
const statements = {
  on: false,
  counts: new Map<StatementKind, number>(),
  install(): void {
    const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const query = proto.query;
    proto.query = function (this: unknown, ...args: unknown[]) {
      if (statements.on) {
        const first = args[0];
        const text = typeof first === 'string' ? first : typeof (first as { text?: unknown } | null)?.text === 'string' ? (first as { text: string }).text : '';
        const kind = kindOf(text.trim());
        statements.counts.set(kind, (statements.counts.get(kind) ?? 0) + 1);
      }
      return query.apply(this, args);
    };
  },
};

/** Resets this process's peak RSS (VmHWM), so that each run reports its own; false where Linux refuses. */
function resetPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

function status(field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** CPU seconds (user + system) of this process. */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** A bench table of n rows: id, owner, created, payload (100 bytes), filled server-side. */
async function createTable(db: pg.Client, table: string, n: number): Promise<void> {
  await db.query(`CREATE TABLE ${table} (id bigint PRIMARY KEY, owner text NOT NULL, created timestamptz NOT NULL, payload bytea NOT NULL) WITH (autovacuum_enabled = false)`);
  await db.query(
    `INSERT INTO ${table}
     SELECT g, 'user-' || (g % 10000), timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second',
            sha512(int8send(g)) || sha256(int8send(g)) || substr(sha256(int8send(-g)), 1, 4)
     FROM generate_series(1, $1::bigint) AS g`,
    [n],
  );
  await db.query(`VACUUM ANALYZE ${table}`);
}

function timed(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) / 1000;
}

/** Runs a bash pipeline with psql pointed at the bench database (PG* variables from the URL). */
function shell(script: string): void {
  const u = new URL(PG_URL);
  const env = { ...process.env, PGHOST: u.hostname, PGPORT: u.port || '5432', PGUSER: decodeURIComponent(u.username), PGDATABASE: u.pathname.slice(1), ...(u.password ? { PGPASSWORD: decodeURIComponent(u.password) } : {}) };
  execFileSync('bash', ['-o', 'pipefail', '-c', script], { env, stdio: ['ignore', 'ignore', 'inherit'] });
}

interface OrderRun {
  seconds: number;
  planSeconds: number;
  executeSeconds: number;
  finalizeSeconds: number;
  destroyed: number;
  cpu: number;
  rssBeforeMb: number;
  /** Highest VmRSS seen by the sampler in each phase (the sampler cannot run while the event loop is busy: VmHWM is the authority). */
  phaseRssMb: Record<string, number>;
  peakMb: number;
  recordsBytes: number;
  /** Statements sent during the execute phase, by kind. */
  executeStatements: Map<StatementKind, number>;
  batches: number;
}

async function shredproofOrder(work: string, table: string, n: number): Promise<OrderRun> {
  process.env.SP_BENCH_PG_URL = PG_URL;
  const backends: BackendsConfig = { db: { kind: 'postgres', urlEnv: 'SP_BENCH_PG_URL', ...(POOL ? { poolSize: POOL } : {}) } };
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
  let phase = 'plan';
  const phaseRssMb: Record<string, number> = {};
  const sample = () => (phaseRssMb[phase] = Math.max(phaseRssMb[phase] ?? 0, status('VmRSS')));
  const sampler = setInterval(sample, 100);
  try {
    await new Promise((r) => setTimeout(r, 1000)); // worker connected before the clock starts
    const rssBeforeMb = status('VmRSS');
    const { deps, coordinator } = runtime;
    const cpu0 = cpuSeconds();
    const t0 = performance.now();
    const order = await createOrder(
      deps,
      { reference: 'bench postgres', targets: [{ backend: 'db', scope: { table, where: [{ column: 'id', op: 'range', value: { gte: 1, lte: n } }] } }] },
      'bench-operator',
    );
    const plan = await planOrder(deps, order.id, 'bench-operator', sample);
    const planSeconds = (performance.now() - t0) / 1000;
    if (plan.count !== n) throw new Error(`plan listed ${plan.count} rows, want ${n}`);
    approveSigned(deps, order.id, 'bench-approver', plan.planRoot);
    executeOrder(deps, order.id, 'bench-operator');
    phase = 'execute';
    statements.counts = new Map();
    statements.on = true;
    coordinator.start();
    const done = await coordinator.waitFor(
      order.id,
      (o) => {
        if (o.state === 'finalizing') {
          phase = 'finalize';
          statements.on = false;
        }
        sample();
      },
      20,
    );
    statements.on = false;
    const seconds = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds() - cpu0;
    const events = deps.ledger.events(order.id);
    const at = (to: string) => Date.parse(events.find((e) => e.toState === to)!.at);
    const executeSeconds = (at('finalizing') - at('executing')) / 1000;
    const finalizeSeconds = (at(done.state) - at('finalizing')) / 1000;
    const progress = deps.ledger.progress(order.id);
    if (done.state !== 'certified' || progress.destroyed !== n) throw new Error(`order ended ${done.state} with ${progress.destroyed}/${n} destroyed: ${done.failure ?? ''}`);
    const recordsBytes = statSync(certificateFiles(config.dataDir, order.id).records).size;
    await deps.queue.store.dropPrefix();
    return {
      seconds,
      planSeconds,
      executeSeconds,
      finalizeSeconds,
      destroyed: progress.destroyed,
      cpu,
      rssBeforeMb,
      phaseRssMb,
      peakMb: status('VmHWM'),
      recordsBytes,
      executeStatements: statements.counts,
      batches: Math.ceil(n / BATCH_SIZE),
    };
  } finally {
    clearInterval(sampler);
    await worker.close();
    await runtime.close();
  }
}

const round = (x: number) => Math.round(x * 100) / 100;
const rate = (n: number, s: number) => Math.round(n / s);
const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

interface RunFigures {
  loadS: number;
  tableMb: number;
  sp: OrderRun;
  deleteS: number;
  dumpS: number;
  rowsS: number;
  peakReset: boolean;
}

/** One complete run: four fresh identical tables, the order on one, the three baselines on the others. */
async function oneRun(db: pg.Client, n: number): Promise<RunFigures> {
  const schema = `spbench_${randomUUID().slice(0, 8)}`;
  const work = mkdtempSync(join(tmpdir(), 'spbench-pg-'));
  try {
    await db.query(`CREATE SCHEMA ${schema}`);
    const tables = { order: `${schema}.t_order`, del: `${schema}.t_delete`, dump: `${schema}.t_dump`, rows: `${schema}.t_rowhash` };
    let t = performance.now();
    for (const table of Object.values(tables)) await createTable(db, table, n);
    const loadS = (performance.now() - t) / 1000;
    const { rows: size } = await db.query(`SELECT pg_total_relation_size($1::regclass) AS b`, [tables.order]);
    const tableMb = Number(size[0].b) / 2 ** 20;
    await db.query('CHECKPOINT').catch(() => undefined); // the loads' dirty pages written before any clock starts (needs superuser)

    const peakReset = resetPeak();
    const sp = await shredproofOrder(work, tables.order, n);

    t = performance.now();
    const r = await db.query(`DELETE FROM ${tables.del}`);
    if (r.rowCount !== n) throw new Error(`DELETE removed ${r.rowCount} rows, want ${n}`);
    const deleteS = (performance.now() - t) / 1000;
    const dumpS = timed(() => shell(`psql -X -q -c "COPY (SELECT * FROM ${tables.dump}) TO STDOUT" | sha256sum > '${work}/dump.sha256' && psql -X -q -c "DELETE FROM ${tables.dump}"`));
    const rowsS = timed(() =>
      shell(
        `psql -X -q -c "COPY (SELECT t.id, encode(sha256(convert_to(row_to_json(t)::text, 'UTF8')), 'hex') FROM ${tables.rows} AS t) TO STDOUT" > '${work}/manifest' && psql -X -q -c "DELETE FROM ${tables.rows}"`,
      ),
    );
    const manifestLines = readFileSync(join(work, 'manifest'), 'utf8').split('\n').length - 1;
    if (manifestLines !== n) throw new Error(`row-hash manifest has ${manifestLines} lines, want ${n}`);
    for (const table of Object.values(tables)) {
      const { rows } = await db.query(`SELECT count(*)::int AS c FROM ${table}`);
      if (rows[0].c !== 0) throw new Error(`${table} still has ${rows[0].c} rows`);
    }
    return { loadS, tableMb, sp, deleteS, dumpS, rowsS, peakReset };
  } finally {
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

export async function benchPostgres(n = 1_000_000, runs = RUNS): Promise<BenchResult[]> {
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`BENCH_PG_RUNS must be a positive integer, got ${runs}`);
  statements.install();
  const db = new pg.Client({ connectionString: PG_URL });
  await db.connect();
  const all: RunFigures[] = [];
  try {
    for (let i = 0; i < runs; i++) all.push(await oneRun(db, n));
  } finally {
    await db.end();
  }
  const med = (f: (r: RunFigures) => number) => median(all.map(f));
  const ratios = all.map((r) => r.sp.seconds / r.rowsS);
  const spS = med((r) => r.sp.seconds);
  const last = all[all.length - 1]!;
  const label = `${n.toLocaleString('en-US')} rows`;
  const each = (f: (r: RunFigures) => number, unit = 's') => all.map((r) => `${round(f(r))}${unit === 's' ? ' s' : unit}`).join(', ');
  const phases = Object.entries(last.sp.phaseRssMb)
    .map(([p, mb]) => `${p} ${Math.round(mb)}`)
    .join(', ');
  const perBatch = [...last.sp.executeStatements.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([kind, count]) => `${kind} ${round(count / last.sp.batches)}`)
    .join(', ');
  const totalPerBatch = round([...last.sp.executeStatements.values()].reduce((a, b) => a + b, 0) / last.sp.batches);
  return [
    { name: `postgres: load 4 identical tables of ${label} per run (not measured)`, value: round(med((r) => r.loadS)), unit: 's', note: `median of ${runs}; id bigint PK, owner text, created timestamptz, payload bytea 100 B; generate_series, then VACUUM ANALYZE; ${round(last.tableMb)} MiB per table with its index; autovacuum off on them` },
    {
      name: `${label}: shredproof order, plan + approve + execute + finalize`,
      value: round(spS),
      unit: 's',
      note: `median of ${runs} runs (${each((r) => r.sp.seconds)}); plan ${round(med((r) => r.sp.planSeconds))} s, execute ${round(med((r) => r.sp.executeSeconds))} s, finalize ${round(med((r) => r.sp.finalizeSeconds))} s (medians); CPU of the process ${round(med((r) => r.sp.cpu))} s; in-process worker, SHREDPROOF_BATCH_SIZE ${BATCH_SIZE}, SHREDPROOF_WORKER_CONCURRENCY ${CONCURRENCY}, pool ${POOL ?? 4} per backend registry, backend batches of 500 keys; records.ndjson ${round(last.sp.recordsBytes / 2 ** 20)} MiB`,
    },
    { name: `${label}: shredproof rows destroyed and certified per second`, value: rate(n, spS), unit: 'rows/s', note: `execute alone: ${rate(n, med((r) => r.sp.executeSeconds))} rows/s (medians)` },
    {
      name: `${label}: statements per batch job during execute`,
      value: totalPerBatch,
      unit: 'statements',
      note: `last run, ${last.sp.batches} jobs of ${BATCH_SIZE} rows: ${perBatch}; counted on the pg client of the process (the coordinator's and the worker's)`,
    },
    {
      name: `${label}: peak RSS of the process`,
      value: round(med((r) => r.sp.peakMb)),
      unit: 'MB',
      note: `${last.peakReset ? `median over the runs of each run's VmHWM (reset before each order)` : 'VmHWM of the whole process (could not be reset between runs)'}: coordinator + in-process worker + bench harness; ${Math.round(last.sp.rssBeforeMb)} MB before the last order; highest VmRSS sampled per phase of the last run: ${phases}`,
    },
    { name: `${label}: baseline DELETE FROM t (one statement)`, value: round(med((r) => r.deleteS)), unit: 's', note: `median of ${runs} (${each((r) => r.deleteS)}); records nothing` },
    { name: `${label}: baseline shell, COPY TO STDOUT | sha256sum && DELETE`, value: round(med((r) => r.dumpS)), unit: 's', note: `median of ${runs} (${each((r) => r.dumpS)}); one hash of the whole dump` },
    { name: `${label}: baseline shell, COPY (SELECT id, sha256(row_to_json)) TO manifest && DELETE`, value: round(med((r) => r.rowsS)), unit: 's', note: `median of ${runs} (${each((r) => r.rowsS)}); one hash per row, hashed by the server` },
    { name: `${label}: shredproof time / DELETE time`, value: round(median(all.map((r) => r.sp.seconds / r.deleteS))), unit: 'x', note: `median of the runs' own ratios` },
    {
      name: `${label}: shredproof time / per-row-hash shell time`,
      value: round(median(ratios)),
      unit: 'x',
      target: '<= 4 (issue 19)',
      note: `median of the runs' own ratios (${ratios.map((x) => round(x)).join(', ')})`,
    },
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const n = Number(process.argv[2] ?? 1_000_000);
  const res = await benchPostgres(n > 0 ? n : undefined, process.argv[3] ? Number(process.argv[3]) : undefined);
  for (const r of res) console.log(`| ${r.name} | ${r.value} ${r.unit} | ${r.target ?? ''} | ${r.note ?? ''} |`);
  process.exit(0);
}
