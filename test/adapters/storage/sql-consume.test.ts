// consume() of the SQL backends (issue 19, one pass per object), against real
// PostgreSQL, MariaDB and SQLite: one DELETE ... RETURNING per key batch and
// nothing read twice; the hashes are those of hash() and of the canonical form
// written by hand; record() runs before COMMIT (another connection still sees
// every row) and a record() that throws leaves every row; the requests the
// DELETE left alone are classified by one keys-and-flags query; a row matched
// under another spelling of its key, a restricting foreign key and a deferred
// one go the two-pass way; a connection lost after the intents leaves the rows
// and reports the items transient. The statements are counted on the
// backend's own executor.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { SqlExecutor } from '../../../src/adapters/storage/sql/dialect.js';
import type { SqlBackend } from '../../../src/adapters/storage/sql/sql-backend.js';
import { SqlTargetSession } from '../../../src/adapters/storage/sql/sql-target-session.js';
import { MariadbBackend } from '../../../src/adapters/storage/mariadb/mariadb-backend.js';
import { PostgresBackend } from '../../../src/adapters/storage/postgres/postgres-backend.js';
import { SqliteBackend } from '../../../src/adapters/storage/sqlite/sqlite-backend.js';
import type { ConsumeOutcome, HashOutcome, HoldSpec, ObjectRef, TargetSession } from '../../../src/app/ports/storage-backend.js';

const PG_URL = process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const MARIADB_URL = process.env.MARIADB_TEST_URL ?? 'mysql://root@127.0.0.1:3306/test';
const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** A fresh store of one dialect, with the backend under test and a connection of its own behind its back. */
interface Store {
  backend: SqlBackend;
  /** The schema (database) part of locators and scopes. */
  schema: string;
  run(sql: string): Promise<void>;
  count(sql: string): Promise<number>;
  /** Statements the backend's executor ran (queries and statements inside transactions; not BEGIN/COMMIT). */
  statements: string[];
  /** Breaks the connection of the backend's open transaction on `table`, from the outside (undefined: no connection to break). */
  breakTransaction?: (table: string) => Promise<void>;
}

interface Dialect {
  name: string;
  open(t: TestContext, options?: { batchSize?: number }): Promise<Store>;
  users: string[];
  /** A table `k` whose key another spelling matches ('Alice' by 'ALICE'), and the two spellings. */
  spelled: { ddl: string[]; right: string; other: string };
  composite: string[];
  restricting: string[];
  /** A foreign key checked at COMMIT, if the dialect has one. */
  deferred?: string[];
  /** The code of a restricting foreign key's error. */
  fkCode: string;
}

/** Wraps the backend's own executor so that every statement it runs is logged. */
function countStatements(backend: SqlBackend): string[] {
  const log: string[] = [];
  const exec = (backend as unknown as { executor: SqlExecutor }).executor;
  const query = exec.query.bind(exec);
  const transaction = exec.transaction.bind(exec);
  const logged = (q: SqlExecutor['query']): SqlExecutor['query'] => (sql, params) => (log.push(sql), q(sql, params));
  exec.query = logged(query);
  exec.transaction = (fn) => transaction((tx) => fn({ ...tx, query: logged(tx.query.bind(tx)) }));
  return log;
}

const USERS_ROWS = (n: number) => Array.from({ length: n }, (_, k) => k + 1).map((i) => `(${i}, 'user${i}@example.com', ${i % 3 === 0 ? "'EU'" : i % 5 === 0 ? 'NULL' : "'US'"})`).join(', ');

const postgres: Dialect = {
  name: 'postgres',
  async open(t, options = {}) {
    const schema = `sp_consume_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect().catch((e: Error) => {
      throw new Error(`PostgreSQL is not reachable at ${PG_URL} (start it or set PG_TEST_URL): ${e.message}`);
    });
    await admin.query(`CREATE SCHEMA ${schema}; SET search_path = ${schema}`);
    const backend = new PostgresBackend({ name: 'db', connectionString: PG_URL, poolSize: 2, ...options });
    t.after(async () => {
      await backend.close();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    });
    return {
      backend,
      schema,
      statements: countStatements(backend),
      run: async (sql) => void (await admin.query(sql)),
      count: async (sql) => Number((await admin.query(sql)).rows[0].n),
      async breakTransaction(table) {
        const r = await admin.query(
          `SELECT pg_terminate_backend(l.pid) FROM pg_locks l WHERE l.relation = $1::regclass AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()`,
          [`${schema}.${table}`],
        );
        assert.equal(r.rowCount, 1, 'one transaction of the backend holds the table');
      },
    };
  },
  users: ['CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL, region text)', `INSERT INTO users VALUES ${USERS_ROWS(30)}`],
  spelled: { ddl: ['CREATE TABLE k (name uuid PRIMARY KEY, v integer)', "INSERT INTO k VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 1), ('b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 2)"], right: 'b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', other: 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11' },
  composite: ["CREATE TABLE c (a integer, b text, v text, PRIMARY KEY (a, b))", "INSERT INTO c VALUES (1, 'x', 'one'), (1, 'y', 'two'), (2, 'x', 'three')"],
  restricting: ['CREATE TABLE orders (id integer PRIMARY KEY, user_id integer REFERENCES users(id))', 'INSERT INTO orders VALUES (1, 2)'],
  deferred: ['CREATE TABLE orders (id integer PRIMARY KEY, user_id integer REFERENCES users(id) DEFERRABLE INITIALLY DEFERRED)', 'INSERT INTO orders VALUES (1, 2)'],
  fkCode: '23503',
};

const mariadb: Dialect = {
  name: 'mariadb',
  async open(t, options = {}) {
    const name = `sp_consume_${randomBytes(6).toString('hex')}`;
    const admin = await mysql.createConnection({ uri: MARIADB_URL }).catch((e: Error) => {
      throw new Error(`MariaDB is not reachable at ${MARIADB_URL} (start it or set MARIADB_TEST_URL): ${e.message}`);
    });
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.query(`USE ${name}`);
    const url = new URL(MARIADB_URL);
    url.pathname = `/${name}`;
    const backend = new MariadbBackend({ name: 'db', url: url.href, poolSize: 2, ...options });
    t.after(async () => {
      await backend.close();
      await admin.query(`DROP DATABASE ${name}`);
      await admin.end();
    });
    return {
      backend,
      schema: name,
      statements: countStatements(backend),
      run: async (sql) => void (await admin.query(sql)),
      count: async (sql) => Number(((await admin.query(sql))[0] as Array<{ n: unknown }>)[0]!.n),
      async breakTransaction() {
        const [rows] = await admin.query(
          'SELECT t.trx_mysql_thread_id AS id FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id WHERE p.DB = ? AND p.ID <> CONNECTION_ID()',
          [name],
        );
        const ids = (rows as Array<{ id: number }>).map((r) => r.id);
        assert.equal(ids.length, 1, 'one transaction of the backend is open');
        await admin.query(`KILL CONNECTION ${Number(ids[0])}`);
      },
    };
  },
  users: ['CREATE TABLE users (id int PRIMARY KEY, email varchar(64) NOT NULL, region varchar(8)) ENGINE=InnoDB', `INSERT INTO users VALUES ${USERS_ROWS(30)}`],
  spelled: { ddl: ['CREATE TABLE k (name varchar(20) PRIMARY KEY, v int) ENGINE=InnoDB', "INSERT INTO k VALUES ('Alice', 1), ('Bob', 2)"], right: 'Bob', other: 'ALICE' },
  composite: ['CREATE TABLE c (a int, b varchar(8), v varchar(8), PRIMARY KEY (a, b)) ENGINE=InnoDB', "INSERT INTO c VALUES (1, 'x', 'one'), (1, 'y', 'two'), (2, 'x', 'three')"],
  restricting: ['CREATE TABLE orders (id int PRIMARY KEY, user_id int, FOREIGN KEY (user_id) REFERENCES users(id)) ENGINE=InnoDB', 'INSERT INTO orders VALUES (1, 2)'],
  fkCode: '1451',
};

const sqlite: Dialect = {
  name: 'sqlite',
  async open(t, options = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'sp-consume-'));
    const path = join(dir, 'app.db');
    const admin = new Database(path);
    admin.pragma('foreign_keys = ON');
    const backend = new SqliteBackend({ name: 'db', path, ...options });
    t.after(async () => {
      await backend.close();
      admin.close();
      rmSync(dir, { recursive: true, force: true });
    });
    return {
      backend,
      schema: 'main',
      statements: countStatements(backend),
      run: async (sql) => void admin.exec(sql),
      count: async (sql) => Number((admin.prepare(sql).get() as { n: number }).n),
    };
  },
  users: ['CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, region TEXT)', `INSERT INTO users VALUES ${USERS_ROWS(30)}`],
  spelled: { ddl: ['CREATE TABLE k (name TEXT COLLATE NOCASE PRIMARY KEY, v INTEGER)', "INSERT INTO k VALUES ('Alice', 1), ('Bob', 2)"], right: 'Bob', other: 'ALICE' },
  composite: ['CREATE TABLE c (a INTEGER, b TEXT, v TEXT, PRIMARY KEY (a, b)) WITHOUT ROWID', "INSERT INTO c VALUES (1, 'x', 'one'), (1, 'y', 'two'), (2, 'x', 'three')"],
  restricting: ['CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id))', 'INSERT INTO orders VALUES (1, 2)'],
  deferred: ['CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id) DEFERRABLE INITIALLY DEFERRED)', 'INSERT INTO orders VALUES (1, 2)'],
  fkCode: 'SQLITE_CONSTRAINT_FOREIGNKEY',
};

/** The canonical form of a users row, written by hand (members in code-unit order). */
const userRow = (id: number) => `{"email":"user${id}@example.com","id":${id},"region":${id % 3 === 0 ? '"EU"' : id % 5 === 0 ? 'null' : '"US"'}}`;
const hashedUser = (id: number): HashOutcome => ({ status: 'hashed', sha256: sha(userRow(id)), size: Buffer.byteLength(userRow(id)), fingerprint: sha(userRow(id)) });
const euHold: HoldSpec = { id: 'eu', reason: 'litigation', target: 'db', match: { where: [{ column: 'region', op: 'eq', value: 'EU' }] } };

/** Calls consume with a record() that keeps what it was given and checks it ran once, before anything was committed. */
async function consumeRecording(session: TargetSession, items: ObjectRef[], during: () => Promise<void> = async () => undefined): Promise<{ out: ConsumeOutcome[]; recorded: HashOutcome[] }> {
  const calls: HashOutcome[][] = [];
  const out = await session.consume!(items, async (hashes) => {
    calls.push([...hashes]);
    await during();
  });
  assert.equal(calls.length, 1, 'record is called exactly once');
  assert.equal(out.length, items.length);
  out.forEach((o, i) => assert.deepEqual(o.hash, calls[0]![i], `outcome ${i} carries the hash recorded`));
  return { out, recorded: calls[0]! };
}

describe('consume() is offered only where the server has DELETE ... RETURNING', () => {
  it('a table whose catalog entry says deleteReturning false gets a session without consume(): the engine then hashes and destroys in two passes', async (t) => {
    class Exposed extends SqliteBackend {
      session(scope: unknown, deleteReturning?: boolean): Promise<SqlTargetSession> {
        return this.compile(scope, []).then((target) => new SqlTargetSession(this.executor, this.dialect, { ...target, table: { ...target.table, ...(deleteReturning === undefined ? {} : { deleteReturning }) } }, { pageSize: 10, batchSize: 10 }));
      }
    }
    const dir = mkdtempSync(join(tmpdir(), 'sp-consume-'));
    const admin = new Database(join(dir, 'app.db'));
    admin.exec('CREATE TABLE k (id INTEGER PRIMARY KEY)');
    admin.close();
    const backend = new Exposed({ name: 'db', path: join(dir, 'app.db') });
    t.after(async () => {
      await backend.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const scope = { table: 'k', where: [], allowWholeTable: true };
    assert.equal((await backend.session(scope, false)).consume, undefined);
    assert.equal(typeof (await backend.session(scope, true)).consume, 'function');
    assert.equal(typeof (await backend.session(scope)).consume, 'function');
  });
});

for (const d of [postgres, mariadb, sqlite]) {
  describe(`consume() on ${d.name}: one pass per row`, () => {
    const users = (s: Store) => `${s.schema}.users`;
    /** Users 1, 2 and 4 consumed where a foreign key protects 2: each hashed, 2 refused alone, 1 and 4 gone. */
    const onlyTheProtectedRowLeft = async (s: Store, out: ConsumeOutcome[]) => {
      assert.deepEqual(
        out.map((o) => o.hash),
        [1, 2, 4].map(hashedUser),
      );
      assert.deepEqual(out[0]!.destroy, { status: 'destroyed' });
      assert.deepEqual({ ...out[1]!.destroy, message: undefined }, { status: 'error', code: d.fkCode, transient: false, message: undefined });
      assert.deepEqual(out[2]!.destroy, { status: 'destroyed' });
      assert.equal(await s.count(`SELECT count(*) AS n FROM ${users(s)} WHERE id IN (1, 2, 4)`), 1);
    };
    const loc = (s: Store, id: number) => ({ locator: `${s.schema}.users:{"id":${id}}` });
    const scope = (s: Store) => ({ table: users(s), where: [{ column: 'id', op: 'range', value: { lte: 20 } }] });

    it('deletes with one DELETE ... RETURNING per key batch and reads nothing else; the hashes are the hand-written forms and those of hash(); nothing is committed before record', async (t) => {
      const s = await d.open(t, { batchSize: 4 });
      for (const q of d.users) await s.run(q);
      const session = await s.backend.openTarget(scope(s), [euHold]);
      const ids = [8, 1, 5, 2, 7, 4]; // not in key order; 5 has a NULL region: not held (a NULL comparison never matches)
      const twoPass = await session.hash(ids.map((id) => loc(s, id)));
      s.statements.length = 0;
      const { out } = await consumeRecording(
        session,
        ids.map((id) => loc(s, id)),
        async () => assert.equal(await s.count(`SELECT count(*) AS n FROM ${users(s)}`), 30, 'another connection still sees every row while record runs'),
      );
      assert.deepEqual(
        out,
        ids.map((id) => ({ hash: hashedUser(id), destroy: { status: 'destroyed' } })),
      );
      assert.deepEqual(
        out.map((o) => o.hash),
        twoPass,
      );
      assert.deepEqual(
        s.statements.map((q) => q.split(' ')[0]),
        ['DELETE', 'DELETE'],
        s.statements.join('\n'),
      );
      assert.ok(s.statements.every((q) => / RETURNING /.test(q)));
      assert.equal(await s.count(`SELECT count(*) AS n FROM ${users(s)}`), 24);
      assert.deepEqual(await session.probe(ids.map((id) => loc(s, id))), ids.map(() => ({ status: 'absent' })));
    });

    it('classifies what the DELETE left alone with one keys-and-flags query: held, out of scope, absent, malformed; those rows stay', async (t) => {
      const s = await d.open(t);
      for (const q of d.users) await s.run(q);
      const session = await s.backend.openTarget(scope(s), [euHold]);
      s.statements.length = 0;
      const items = [loc(s, 3), loc(s, 25), loc(s, 99), { locator: `${s.schema}.users:{"id":"1"}` }, loc(s, 1)];
      const { out } = await consumeRecording(session, items);
      assert.deepEqual(out.slice(0, 3), [{ hash: { status: 'held', holdId: 'eu' } }, { hash: { status: 'out-of-scope' } }, { hash: { status: 'absent' } }]);
      assert.equal(out[3]!.hash.status === 'error' && out[3]!.hash.code, 'LOCATOR_INVALID');
      assert.equal(out[3]!.destroy, undefined);
      assert.deepEqual(out[4], { hash: hashedUser(1), destroy: { status: 'destroyed' } });
      assert.deepEqual(
        s.statements.map((q) => q.split(' ')[0]),
        ['DELETE', 'SELECT'],
      );
      assert.equal(await s.count(`SELECT count(*) AS n FROM ${users(s)} WHERE id IN (3, 25)`), 2);
      assert.equal(await s.count(`SELECT count(*) AS n FROM ${users(s)}`), 29);
    });

    it('rolls back and rethrows when record() throws: every row stays', async (t) => {
      const s = await d.open(t);
      for (const q of d.users) await s.run(q);
      const session = await s.backend.openTarget(scope(s), []);
      const boom = new Error('Redis went away');
      await assert.rejects(
        session.consume!([loc(s, 1), loc(s, 2)], async () => {
          throw boom;
        }),
        (e: unknown) => e === boom,
      );
      assert.equal(await s.count(`SELECT count(*) AS n FROM ${users(s)}`), 30);
      // and the session is still usable: the connection went back to the pool with no transaction open
      const { out } = await consumeRecording(session, [loc(s, 1)]);
      assert.deepEqual(out, [{ hash: hashedUser(1), destroy: { status: 'destroyed' } }]);
    });

    it('never destroys a row under another spelling of its key: rolled back, the batch goes the two-pass way, that request is LOCATOR_NOT_CANONICAL', async (t) => {
      const s = await d.open(t);
      for (const q of d.spelled.ddl) await s.run(q);
      const session = await s.backend.openTarget({ table: `${s.schema}.k`, where: [], allowWholeTable: true }, []);
      const other = { locator: `${s.schema}.k:${JSON.stringify({ name: d.spelled.other })}` };
      const right = { locator: `${s.schema}.k:${JSON.stringify({ name: d.spelled.right })}` };
      s.statements.length = 0;
      const { out } = await consumeRecording(session, [other, right]);
      assert.equal(out[0]!.hash.status === 'error' && out[0]!.hash.code, 'LOCATOR_NOT_CANONICAL');
      assert.equal(out[0]!.destroy, undefined);
      assert.equal(out[1]!.hash.status, 'hashed');
      assert.deepEqual(out[1]!.destroy, { status: 'destroyed' });
      assert.equal(s.statements[0]!.split(' ')[0], 'DELETE', 'the one pass was tried first');
      assert.ok(s.statements.length > 1, 'then the two-pass way');
      assert.equal(await s.count(`SELECT count(*) AS n FROM ${s.schema}.k`), 1, 'the row named by another spelling is still there');
    });

    it('deletes by a composite key, with the same hashes as hash()', async (t) => {
      const s = await d.open(t);
      for (const q of d.composite) await s.run(q);
      const session = await s.backend.openTarget({ table: `${s.schema}.c`, where: [{ column: 'v', op: 'in', values: ['one', 'three'] }] }, []);
      const items = [
        { locator: `${s.schema}.c:{"a":1,"b":"x"}` },
        { locator: `${s.schema}.c:{"a":1,"b":"y"}` },
        { locator: `${s.schema}.c:{"a":2,"b":"x"}` },
      ];
      const twoPass = await session.hash(items);
      const { out } = await consumeRecording(session, items);
      assert.deepEqual(
        out.map((o) => o.hash),
        twoPass,
      );
      assert.deepEqual(
        out.map((o) => o.destroy?.status),
        ['destroyed', undefined, 'destroyed'],
      );
      assert.equal(twoPass[0]!.status === 'hashed' && twoPass[0]!.sha256, sha('{"a":1,"b":"x","v":"one"}'));
      assert.equal(await s.count(`SELECT count(*) AS n FROM ${s.schema}.c`), 1);
    });

    it('isolates a row that a restricting foreign key protects: rolled back, then the two-pass destroy fails that row alone', async (t) => {
      const s = await d.open(t);
      for (const q of [...d.users, ...d.restricting]) await s.run(q);
      const session = await s.backend.openTarget(scope(s), []);
      const { out } = await consumeRecording(session, [loc(s, 1), loc(s, 2), loc(s, 4)]);
      await onlyTheProtectedRowLeft(s, out);
    });

    if (d.deferred) {
      const deferred = d.deferred;
      it('a foreign key checked at COMMIT, after the hashes are recorded: destroy() by the recorded fingerprints fails that row alone', async (t) => {
        const s = await d.open(t);
        for (const q of [...d.users, ...deferred]) await s.run(q);
        const session = await s.backend.openTarget(scope(s), []);
        const { out } = await consumeRecording(session, [loc(s, 1), loc(s, 2), loc(s, 4)]);
        await onlyTheProtectedRowLeft(s, out);
      });
    }

    if (d.name !== 'sqlite') {
      it('a connection lost after the hashes are recorded, before COMMIT: the rows stay, the items are transient errors, and the next call destroys them', async (t) => {
        const s = await d.open(t);
        for (const q of d.users) await s.run(q);
        const session = await s.backend.openTarget(scope(s), []);
        const { out } = await consumeRecording(session, [loc(s, 1), loc(s, 2)], () => s.breakTransaction!('users'));
        for (const o of out) {
          assert.equal(o.hash.status, 'hashed');
          assert.ok(o.destroy?.status === 'error' && o.destroy.transient, JSON.stringify(o.destroy));
        }
        assert.equal(await s.count(`SELECT count(*) AS n FROM ${users(s)} WHERE id IN (1, 2)`), 2, 'rolled back by the server');
        const again = await consumeRecording(session, [loc(s, 1), loc(s, 2)]);
        assert.deepEqual(again.out, [1, 2].map((id) => ({ hash: hashedUser(id), destroy: { status: 'destroyed' } })));
      });
    }
  });
}
