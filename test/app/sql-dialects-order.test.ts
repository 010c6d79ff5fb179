// One order across a MariaDB table and a SQLite file, through the real queue,
// ledger and worker: the same SQL core, two more dialects, one certificate
// that verifies independently and matches what the test put in each table.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import type { BackendsConfig } from '../../src/config/backends-config.js';
import { canonicalize, parseRecordLine } from '../../packages/verify/src/core/index.js';
import { assertIndependentlyValid, runOrder } from '../helpers/order-runner.js';
import { requireRedis } from '../helpers/services.js';

const MARIADB = process.env.TEST_MARIADB_URL ?? 'mysql://root@127.0.0.1:3306';
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('an order across a MariaDB table and a SQLite file', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sp-sqlorder-'));
  const cleanups: Array<() => Promise<unknown>> = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('destroys the rows in scope in both, keeps the held ones, and certifies them with their canonical row hashes', async () => {
    await requireRedis();
    const expected = new Map<string, string>();
    // MariaDB: a fresh database
    const dbName = `sp_order_${randomUUID().slice(0, 8)}`;
    const admin = await mysql.createConnection(MARIADB);
    cleanups.push(async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
      await admin.end();
    });
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.query(`CREATE TABLE ${dbName}.faces (id INT PRIMARY KEY, account VARCHAR(32) NOT NULL, vec VARBINARY(64) NOT NULL) ENGINE=InnoDB`);
    for (const [id, account] of [[1, 'a'], [2, 'b'], [3, 'held']] as const) {
      const vec = Buffer.from(`vector ${id}`);
      await admin.query(`INSERT INTO ${dbName}.faces VALUES (?, ?, ?)`, [id, account, vec]);
      if (account !== 'held') expected.set(`faces ${dbName}.faces:{"id":${id}}`, sha(canonicalize({ account, id, vec: vec.toString('base64') })));
    }
    // SQLite: a file
    const file = join(dir, 'app.sqlite');
    const lite = new Database(file);
    lite.exec('CREATE TABLE photos (id INTEGER PRIMARY KEY, account TEXT NOT NULL, bytes BLOB NOT NULL)');
    for (const [id, account] of [[1, 'a'], [2, 'held'], [3, 'c']] as const) {
      const bytes = Buffer.from(`photo ${id}`);
      lite.prepare('INSERT INTO photos VALUES (?, ?, ?)').run(id, account, bytes);
      if (account !== 'held') expected.set(`local main.photos:{"id":${id}}`, sha(canonicalize({ account, bytes: bytes.toString('base64'), id })));
    }
    lite.close();

    process.env.SP_TEST_MARIADB_URL = `${MARIADB}/${dbName}`;
    const backends: BackendsConfig = { faces: { kind: 'mariadb', urlEnv: 'SP_TEST_MARIADB_URL' }, local: { kind: 'sqlite', path: file } };
    const { done, files } = await runOrder(
      dir,
      backends,
      {
        reference: 'SQL dialects order (test)',
        targets: [
          { backend: 'faces', scope: { table: `${dbName}.faces`, where: [], allowWholeTable: true } },
          { backend: 'local', scope: { table: 'photos', where: [], allowWholeTable: true } },
        ],
        holds: [
          { id: 'h1', reason: 'hold', target: 'faces', match: { where: [{ column: 'account', op: 'eq', value: 'held' }] } },
          { id: 'h2', reason: 'hold', target: 'local', match: { where: [{ column: 'account', op: 'eq', value: 'held' }] } },
        ],
      },
      cleanups,
    );
    assert.equal(done.state, 'certified', done.failure ?? '');
    assertIndependentlyValid(files.dir);
    const records = readFileSync(files.records, 'utf8').trimEnd().split('\n').map((l) => parseRecordLine(l));
    assert.deepEqual(records.map((r) => `${r.target} ${r.locator}`).sort(), [...expected.keys()].sort());
    for (const r of records) assert.equal(r.sha256, expected.get(`${r.target} ${r.locator}`));
    const [left] = await admin.query(`SELECT account FROM ${dbName}.faces`);
    assert.deepEqual((left as Array<{ account: string }>).map((r) => r.account), ['held']);
    const check = new Database(file, { readonly: true });
    assert.deepEqual(check.prepare('SELECT account FROM photos').all(), [{ account: 'held' }]);
    check.close();
  });
});
