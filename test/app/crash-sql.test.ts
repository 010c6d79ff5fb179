// Invariant 3 for the one-pass SQL consume() (issue 19), with real worker
// processes SIGKILLed against real PostgreSQL and MariaDB, at each instant of
// a batch's transaction:
//
//   before the intent write   DELETE ... RETURNING ran, nothing recorded, no COMMIT
//                             (test/app/crash-sql-worker.ts)
//   after the intent write    intents recorded, no COMMIT       (SHREDPROOF_FAULT=intents:2)
//   after COMMIT              rows gone, no outcome written      (SHREDPROOF_FAULT=destroy:2)
//
// The killed worker runs one batch at a time, so the kill lands in its second
// batch: the rows gone when it dies show where the COMMIT was. A healthy
// worker then finishes; the certificate must list every destroyed row exactly
// once, with the hash of the row as it was, computed here from a copy of the
// table taken before the order (canonical JSON written by hand), and nothing
// held or out of scope may be touched.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { parseRecordLine } from '../../packages/verify/src/core/index.js';
import { createOrder } from '../../src/app/create-order.js';
import { executeOrder } from '../../src/app/execute-order.js';
import { certificateFiles } from '../../src/app/finalize-order.js';
import { planOrder } from '../../src/app/plan-order.js';
import { approveSigned } from '../helpers/approvals.js';
import { readCertificateView } from '../helpers/certificate-checks.js';
import { type Harness, startHarness } from '../helpers/engine-harness.js';
import { kill, type Proc, spawnShredproof, withTimeout } from '../helpers/procs.js';
import { ROOT } from '../helpers/run-cli.js';

const PG_URL = process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const MARIADB_URL = process.env.MARIADB_TEST_URL ?? 'mysql://root@127.0.0.1:3306/test';
const ENTRY = fileURLToPath(new URL('./crash-sql-worker.ts', import.meta.url));
const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

const BATCH = 25;
const ROWS = 200; // 1..150 destroyed, 151..170 held, 171..200 out of scope
const DESTROYED = 150;

/** A row as the test made it; every fifth row of the destroyed range has a NULL region (not held). */
function rowOf(id: number): { id: number; name: string; region: string | null; payload: Buffer; big: string } {
  const region = id > DESTROYED && id <= 170 ? 'held' : id % 5 === 0 ? null : 'EU';
  return { id, name: `row ${id} é"\n`, region, payload: createHash('sha256').update(`payload ${id}`).digest().subarray(0, 7 + (id % 9)), big: String(9007199254740993n + BigInt(id)) };
}

/** The canonical form, written by hand from a copy's values: members in code-unit order, bigint as a decimal string, bytes as base64. */
function canonicalOf(r: { id: number; name: string; region: string | null; payload: Buffer; big: string }): string {
  return `{"big":${JSON.stringify(r.big)},"id":${r.id},"name":${JSON.stringify(r.name)},"payload":"${r.payload.toString('base64')}","region":${r.region === null ? 'null' : JSON.stringify(r.region)}}`;
}

/** One database of the test: a fresh table of ROWS rows and its copy, read back behind the backend's back. */
interface Store {
  kind: 'postgres' | 'mariadb';
  table: string;
  url: string;
  /** Ids of the rows in the table now. */
  ids(): Promise<number[]>;
  /** SHA-256 of each row of the copy, by locator. */
  copyHashes(): Promise<Map<string, string>>;
  close(): Promise<void>;
}

async function postgresStore(): Promise<Store> {
  const schema = `sp_crash_${randomBytes(5).toString('hex')}`;
  const db = new pg.Client({ connectionString: PG_URL });
  await db.connect();
  await db.query(`CREATE SCHEMA ${schema}`);
  await db.query(`CREATE TABLE ${schema}.t (id integer PRIMARY KEY, name text NOT NULL, region text, payload bytea NOT NULL, big bigint NOT NULL)`);
  for (let id = 1; id <= ROWS; id++) {
    const r = rowOf(id);
    await db.query(`INSERT INTO ${schema}.t VALUES ($1, $2, $3, $4, $5)`, [r.id, r.name, r.region, r.payload, r.big]);
  }
  await db.query(`CREATE TABLE ${schema}.copy AS SELECT * FROM ${schema}.t`);
  return {
    kind: 'postgres',
    table: `${schema}.t`,
    url: PG_URL,
    ids: async () => (await db.query(`SELECT id FROM ${schema}.t ORDER BY id`)).rows.map((r: { id: number }) => r.id),
    async copyHashes() {
      const { rows } = await db.query(`SELECT id, name, region, payload, big::text AS big FROM ${schema}.copy`);
      return new Map(rows.map((r: { id: number; name: string; region: string | null; payload: Buffer; big: string }) => [`${schema}.t:{"id":${r.id}}`, sha(canonicalOf(r))]));
    },
    async close() {
      await db.query(`DROP SCHEMA ${schema} CASCADE`);
      await db.end();
    },
  };
}

async function mariadbStore(): Promise<Store> {
  const name = `sp_crash_${randomBytes(5).toString('hex')}`;
  const db = await mysql.createConnection({ uri: MARIADB_URL, supportBigNumbers: true, bigNumberStrings: true });
  await db.query(`CREATE DATABASE ${name}`);
  await db.query(`CREATE TABLE ${name}.t (id int PRIMARY KEY, name varchar(64) NOT NULL, region varchar(8), payload varbinary(32) NOT NULL, big bigint NOT NULL) ENGINE=InnoDB`);
  for (let id = 1; id <= ROWS; id++) {
    const r = rowOf(id);
    await db.query(`INSERT INTO ${name}.t VALUES (?, ?, ?, ?, ?)`, [r.id, r.name, r.region, r.payload, r.big]);
  }
  await db.query(`CREATE TABLE ${name}.copy ENGINE=InnoDB AS SELECT * FROM ${name}.t`);
  const url = new URL(MARIADB_URL);
  url.pathname = `/${name}`;
  return {
    kind: 'mariadb',
    table: `${name}.t`,
    url: url.href,
    ids: async () => ((await db.query(`SELECT id FROM ${name}.t ORDER BY id`))[0] as Array<{ id: number }>).map((r) => r.id),
    async copyHashes() {
      const [rows] = await db.query(`SELECT id, name, region, payload, big FROM ${name}.copy`);
      return new Map((rows as Array<{ id: number; name: string; region: string | null; payload: Buffer; big: string }>).map((r) => [`${name}.t:{"id":${r.id}}`, sha(canonicalOf(r))]));
    },
    async close() {
      await db.query(`DROP DATABASE ${name}`);
      await db.end();
    },
  };
}

type Instant = 'before-intents' | 'after-intents' | 'after-commit';

/** A worker process, one batch at a time, that SIGKILLs itself at `instant` in its second batch. */
function faultyWorker(h: Harness, instant: Instant): Proc {
  const env = { ...h.env, SHREDPROOF_WORKER_CONCURRENCY: '1', LOG_LEVEL: 'warn' };
  if (instant === 'after-intents') return spawnShredproof(['worker'], { ...env, SHREDPROOF_FAULT: 'intents:2' });
  if (instant === 'after-commit') return spawnShredproof(['worker'], { ...env, SHREDPROOF_FAULT: 'destroy:2' });
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], { cwd: ROOT, env: { ...process.env, ...env, CRASH_SQL_BEFORE_INTENTS: '2' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  return { child, output: () => out.slice(-20_000), exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}

describe('crash safety of the one-pass SQL consume(): workers killed with SIGKILL around the intent write and the COMMIT', { timeout: 600_000 }, () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  const procs: Proc[] = [];
  after(async () => {
    await Promise.all(procs.map((p) => kill(p)));
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  for (const kind of ['postgres', 'mariadb'] as const) {
    for (const instant of ['before-intents', 'after-intents', 'after-commit'] as const) {
      it(`${kind}: a worker killed ${instant.replace('-', ' the ').replace('commit', 'COMMIT').replace('intents', 'intent write')}`, async () => {
        const store = kind === 'postgres' ? await postgresStore() : await mariadbStore();
        cleanups.push(() => store.close());
        const urlEnv = `SP_CRASH_SQL_URL_${randomBytes(4).toString('hex')}`;
        process.env[urlEnv] = store.url; // the coordinator reads it here; the workers inherit it
        const h = await startHarness({ objects: 1, batchSize: BATCH, worker: false, extraBackends: { db: { kind, urlEnv } } });
        cleanups.push(() => h.close());
        const { deps } = h.runtime;
        const order = await createOrder(
          deps,
          {
            reference: `crash-sql ${kind} ${instant}`,
            targets: [{ backend: 'db', scope: { table: store.table, where: [{ column: 'id', op: 'range', value: { lte: 170 } }] } }],
            holds: [{ id: 'legal', reason: 'litigation', target: 'db', match: { where: [{ column: 'region', op: 'eq', value: 'held' }] } }],
          },
          'alice',
        );
        const plan = await planOrder(deps, order.id, 'alice');
        approveSigned(deps, order.id, 'bob', plan.planRoot);
        executeOrder(deps, order.id, 'alice');
        h.runtime.coordinator.start();

        const faulty = faultyWorker(h, instant);
        procs.push(faulty);
        await withTimeout(faulty.exited, 90_000, () => `the faulty worker did not die: ${faulty.output().slice(-2000)}`);
        assert.equal(faulty.child.signalCode, 'SIGKILL', `the fault did not fire: ${faulty.output().slice(-2000)}`);
        // Where the COMMIT was: one batch committed before the kill, or two when it came after the second COMMIT.
        const gone = ROWS - (await store.ids()).length;
        assert.equal(gone, instant === 'after-commit' ? 2 * BATCH : BATCH, `rows gone when the worker died: ${gone}`);

        const healthy = spawnShredproof(['worker'], { ...h.env, LOG_LEVEL: 'warn' });
        procs.push(healthy);
        const done = await withTimeout(h.runtime.coordinator.waitFor(order.id), 180_000, () => `order did not finish: ${healthy.output().slice(-3000)}`);
        assert.equal(done.state, 'certified', done.failure ?? '');

        const files = certificateFiles(h.config.dataDir, order.id);
        const view = await readCertificateView(files.dir);
        const expected = await store.copyHashes();
        const text = readFileSync(files.records, 'utf8');
        const records = (text === '' ? [] : text.slice(0, -1).split('\n')).map((l) => parseRecordLine(l)).filter((r) => r.target === 'db');
        const seen = new Set<string>();
        let recovered = 0;
        for (const r of records) {
          assert.ok(!seen.has(r.locator), `${r.locator} certified twice`);
          seen.add(r.locator);
          const id = Number(/"id":(\d+)/.exec(r.locator)?.[1]);
          assert.ok(id >= 1 && id <= DESTROYED, `${r.locator} is certified but was not to be destroyed`);
          assert.equal(r.sha256, expected.get(r.locator), `${r.locator}: the certified hash is not the row's`);
          if (r.attributes?.recovered === 'true') recovered++;
        }
        assert.equal(seen.size, DESTROYED, 'every destroyed row is certified');
        // After COMMIT the killed batch's rows are certified from their intents; before it they were there again, and consumed anew.
        assert.equal(recovered, instant === 'after-commit' ? BATCH : 0);
        assert.equal(view.completeness.exceptions, 0, JSON.stringify(view.exceptions.slice(0, 3)));
        assert.equal(view.completeness.retained, 20);
        assert.deepEqual(
          await store.ids(),
          Array.from({ length: 50 }, (_, k) => DESTROYED + 1 + k),
          'the held and out-of-scope rows are all there, nothing else',
        );
      });
    }
  }
});
