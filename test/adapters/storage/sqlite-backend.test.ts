// SqliteBackend against real database files, a fresh temp file per test: the
// canonical row form by storage class (expected JSON written by hand), keyset
// pagination, refusals (cascading foreign keys, DELETE triggers, tables
// without a declared primary key), holds, rows changing between hash and
// destroy, restricting foreign keys, a locked database, exact string
// matching, secure_delete, and injection attempts.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteBackendConfig } from '../../../src/adapters/storage/sqlite/config.js';
import { createSqliteBackend } from '../../../src/adapters/storage/sqlite/create.js';
import { isDeleteTrigger, sqliteDialect } from '../../../src/adapters/storage/sqlite/sqlite-dialect.js';
import { SqliteBackend } from '../../../src/adapters/storage/sqlite/sqlite-backend.js';
import { ValidationError } from '../../../packages/verify/src/core/errors.js';
import type { HoldSpec, ListedObject, TargetSession } from '../../../src/app/ports/storage-backend.js';

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

interface Db {
  path: string;
  admin: Database.Database;
  backend: SqliteBackend;
}

function freshDb(t: TestContext, ddl: string[], options: { pageSize?: number; batchSize?: number; busyTimeoutMs?: number } = {}): Db {
  const dir = mkdtempSync(join(tmpdir(), 'sp-sqlite-'));
  const path = join(dir, 'app.db');
  let db: Db | undefined;
  const admin = new Database(path);
  // one hook, registered before the DDL runs, so that a failing DDL still removes the file
  t.after(async () => {
    await db?.backend.close();
    (db?.admin ?? admin).close();
    rmSync(dir, { recursive: true, force: true });
  });
  admin.pragma('foreign_keys = ON');
  for (const d of ddl) admin.exec(d);
  db = { path, admin, backend: new SqliteBackend({ name: 'lite', path, ...options }) };
  return db;
}

async function listAll(session: TargetSession): Promise<ListedObject[][]> {
  const pages: ListedObject[][] = [];
  for await (const page of session.list()) pages.push(page);
  return pages;
}

async function problemsOf(db: Db, scope: unknown): Promise<string> {
  const e = await db.backend.openTarget(scope, []).then(
    () => undefined,
    (err: unknown) => err,
  );
  assert.ok(e instanceof ValidationError, `expected a ValidationError, got ${String(e)}`);
  return e.fields.map((f) => `${f.path}: ${f.problem}`).join('\n');
}

const hold = (where: unknown, id = 'h1'): HoldSpec => ({ id, reason: 'litigation', target: 'lite', match: { where } });
const count = (db: Db, where = '1') => Number((db.admin.prepare(`SELECT count(*) AS n FROM users WHERE ${where}`).get() as { n: number }).n);
const loc = (id: number) => `main.users:{"id":${id}}`;
const USERS = [
  'CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, region TEXT COLLATE NOCASE)',
  "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 30) INSERT INTO users SELECT i, 'user' || i || '@example.com', CASE WHEN i % 3 = 0 THEN 'EU' ELSE 'US' END FROM s",
];

describe('SqliteBackend: canonical row form', () => {
  it('maps each value by its storage class exactly as docs/backends/sql.md says', async (t) => {
    const db = freshDb(t, [
      'CREATE TABLE types (id INTEGER PRIMARY KEY, i INTEGER, big INTEGER, neg INTEGER, r REAL, inf REAL, t TEXT, b BLOB, n NUMERIC, nul TEXT, any_, mixed INTEGER, "Ünï" TEXT)',
      `INSERT INTO types VALUES (1, 42, 9007199254740993, -9223372036854775808, 0.1, 9e999, 'é"' || char(10) || '\\', x'00ff10', '1.50', NULL, x'', 'abc', 'x')`,
    ]);
    // Written by hand: members sorted by UTF-16 code units.
    const expected =
      '{"any_":"","b":"AP8Q","big":"9007199254740993","i":42,"id":1,"inf":"Infinity","mixed":"abc","n":1.5,"neg":"-9223372036854775808",' +
      '"nul":null,"r":0.1,"t":"é\\"\\n\\\\","Ünï":"x"}';
    const session = await db.backend.openTarget({ table: 'types', where: [], allowWholeTable: true }, []);
    const [page] = await listAll(session);
    assert.deepEqual(page, [{ locator: 'main.types:{"id":1}', size: Buffer.byteLength(expected) }]);
    const [h] = await session.hash([{ locator: 'main.types:{"id":1}' }]);
    assert.deepEqual(h, { status: 'hashed', sha256: sha(expected), size: Buffer.byteLength(expected), fingerprint: sha(expected) });
    // The one pass (DELETE ... RETURNING) hashes the row it removed in the very same form.
    const recorded: unknown[] = [];
    const consumed = await session.consume!([{ locator: 'main.types:{"id":1}' }], async (hashes) => {
      recorded.push(...hashes);
    });
    assert.deepEqual(recorded, [h]);
    assert.deepEqual(consumed, [{ hash: h, destroy: { status: 'destroyed' } }]);
    assert.deepEqual(await session.probe([{ locator: 'main.types:{"id":1}' }]), [{ status: 'absent' }]);
  });

  it('names integer keys beyond 2^53 by decimal strings, and only so', async (t) => {
    const db = freshDb(t, ['CREATE TABLE k (id INTEGER PRIMARY KEY, v TEXT)', "INSERT INTO k VALUES (9007199254740993, 'a'), (42, 'b')"]);
    const session = await db.backend.openTarget({ table: 'main.k', where: [], allowWholeTable: true }, []);
    assert.deepEqual(
      (await listAll(session)).flat().map((o) => o.locator),
      ['main.k:{"id":42}', 'main.k:{"id":"9007199254740993"}'],
    );
    const out = await session.hash([{ locator: 'main.k:{"id":"9007199254740993"}' }, { locator: 'main.k:{"id":"42"}' }, { locator: 'main.k:{"id":9007199254740992}' }]);
    assert.equal(out[0]!.status, 'hashed');
    assert.equal(out[1]!.status === 'error' && out[1]!.code, 'LOCATOR_INVALID');
    assert.equal(out[2]!.status === 'error' && out[2]!.code, 'LOCATOR_INVALID');
  });
});

describe('SqliteBackend: listing and refusals', () => {
  it('pages 2,750 rows 100 at a time by a composite key of a WITHOUT ROWID table, in key order, each exactly once', async (t) => {
    const db = freshDb(
      t,
      [
        'CREATE TABLE items (a INTEGER, b TEXT, keep INTEGER NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID',
        "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 2750) INSERT INTO items SELECT i % 7, printf('%05d', i), i % 10 = 0 FROM s",
      ],
      { pageSize: 100 },
    );
    const session = await db.backend.openTarget({ table: 'items', where: [{ column: 'keep', op: 'eq', value: 0 }] }, []);
    const pages = await listAll(session);
    const all = pages.flat();
    assert.equal(all.length, 2475);
    assert.equal(pages.length, 25);
    assert.equal(new Set(all.map((o) => o.locator)).size, all.length);
    const keys = all.map((o) => JSON.parse(o.locator.slice(o.locator.indexOf(':') + 1)) as { a: number; b: string });
    for (let i = 1; i < keys.length; i++) {
      const [p, c] = [keys[i - 1]!, keys[i]!];
      assert.ok(p.a < c.a || (p.a === c.a && p.b < c.b), `order at ${i}`);
    }
  });

  it('refuses cascading foreign keys, DELETE triggers, tables without a declared primary key, views and NUMERIC keys', async (t) => {
    const db = freshDb(t, [
      ...USERS,
      'CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id) ON DELETE CASCADE)',
      'CREATE TABLE notes (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES Users(id) ON DELETE SET NULL)',
      'CREATE TABLE audited (id INTEGER PRIMARY KEY)',
      'CREATE TABLE log (id INTEGER)',
      'CREATE TRIGGER audited_del BEFORE DELETE ON audited BEGIN INSERT INTO log VALUES (OLD.id); END',
      'CREATE TRIGGER audited_upd AFTER UPDATE ON audited BEGIN DELETE FROM log; END',
      'CREATE TABLE money (amount DECIMAL(10,2) PRIMARY KEY)',
      'CREATE VIEW v AS SELECT id FROM users',
    ]);
    const whole = (table: string) => ({ table, where: [], allowWholeTable: true });
    const users = await problemsOf(db, whole('users'));
    assert.match(users, /of main\.orders references main\.users with ON DELETE CASCADE/);
    assert.match(users, /of main\.notes references main\.users with ON DELETE SET NULL/);
    const audited = await problemsOf(db, whole('audited'));
    assert.match(audited, /trigger "audited_del" runs on DELETE/);
    assert.doesNotMatch(audited, /audited_upd/);
    assert.match(await problemsOf(db, whole('log')), /no primary key/);
    assert.match(await problemsOf(db, whole('money')), /NUMERIC affinity/);
    assert.match(await problemsOf(db, whole('v')), /is a view/);
    assert.match(await problemsOf(db, whole('other.users')), /no table other\.users/);
    assert.equal(isDeleteTrigger('CREATE TRIGGER x AFTER INSERT OR DELETE ON t BEGIN SELECT 1; END'), true);
  });
});

describe('SqliteBackend: destroy', () => {
  it('never deletes held rows: listed as held, refused at hash and at destroy, even when the hold starts after hashing', async (t) => {
    const db = freshDb(t, USERS);
    const session = await db.backend.openTarget({ table: 'users', where: [{ column: 'id', op: 'range', value: { gte: 1, lte: 30 } }] }, [
      hold([{ column: 'region', op: 'eq', value: 'EU' }], 'eu-hold'),
    ]);
    const all = (await listAll(session)).flat();
    assert.equal(all.filter((o) => o.heldBy === 'eu-hold').length, 10);
    const hashes = await session.hash(all);
    const items = all.map((o, i) => ({ locator: o.locator, fingerprint: (hashes[i] as { fingerprint?: string }).fingerprint ?? 'x' }));
    db.admin.exec("UPDATE users SET region = 'EU' WHERE id = 1");
    const out = await session.destroy(items);
    all.forEach((o, i) => {
      const id = Number(/"id":(\d+)/.exec(o.locator)![1]);
      assert.equal(out[i]!.status, id === 1 || id % 3 === 0 ? 'held' : 'destroyed', `${o.locator}: ${JSON.stringify(out[i])}`);
    });
    assert.equal(count(db), 11);
    assert.equal(count(db, "region = 'EU'"), 11);
  });

  it("answers 'changed' for a row updated between hash and destroy and leaves it; 'out-of-scope' for one that left the scope", async (t) => {
    const db = freshDb(t, USERS);
    const session = await db.backend.openTarget({ table: 'users', where: [{ column: 'region', op: 'eq', value: 'US' }] }, []);
    const items = [1, 2, 4].map((id) => ({ locator: loc(id) }));
    const hashes = await session.hash(items);
    db.admin.exec("UPDATE users SET email = 'new@example.com' WHERE id = 1");
    db.admin.exec("UPDATE users SET region = 'EU' WHERE id = 2");
    const out = await session.destroy(items.map((it, i) => ({ ...it, fingerprint: (hashes[i] as { fingerprint: string }).fingerprint })));
    assert.deepEqual(
      out.map((o) => o.status),
      ['changed', 'out-of-scope', 'destroyed'],
    );
    assert.equal((db.admin.prepare('SELECT email FROM users WHERE id = 1').get() as { email: string }).email, 'new@example.com');
    assert.deepEqual(
      (await session.probe(items)).map((p) => p.status),
      ['present', 'present', 'absent'],
    );
  });

  it('compares condition strings bytewise even on a COLLATE NOCASE column (eq, in, prefix)', async (t) => {
    const db = freshDb(t, [...USERS, "UPDATE users SET region = 'eu' WHERE id IN (3, 6)"]);
    const ids = async (where: unknown[]) =>
      (await listAll(await db.backend.openTarget({ table: 'users', where }, []))).flat().map((o) => Number(/"id":(\d+)/.exec(o.locator)![1]));
    assert.deepEqual(await ids([{ column: 'region', op: 'eq', value: 'eu' }]), [3, 6]);
    assert.deepEqual(await ids([{ column: 'region', op: 'in', values: ['eu', 'xx'] }]), [3, 6]);
    assert.deepEqual(await ids([{ column: 'region', op: 'prefix', value: 'e' }]), [3, 6]);
  });

  it('isolates a row that a restricting foreign key protects: a permanent SQLITE_CONSTRAINT_FOREIGNKEY, the rest destroyed', async (t) => {
    const db = freshDb(t, [...USERS, 'CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id))', 'INSERT INTO orders VALUES (1, 2)']);
    const session = await db.backend.openTarget({ table: 'users', where: [{ column: 'id', op: 'in', values: [1, 2, 4] }] }, []);
    const items = [1, 2, 4].map((id) => ({ locator: loc(id) }));
    const hashes = await session.hash(items);
    const out = await session.destroy(items.map((it, i) => ({ ...it, fingerprint: (hashes[i] as { fingerprint: string }).fingerprint })));
    assert.equal(out[0]!.status, 'destroyed');
    assert.deepEqual({ ...out[1], message: undefined }, { status: 'error', code: 'SQLITE_CONSTRAINT_FOREIGNKEY', transient: false, message: undefined });
    assert.equal(out[2]!.status, 'destroyed');
    assert.equal(count(db, 'id IN (1, 2, 4)'), 1);
  });

  it('reports a database locked by another writer as a transient SQLITE_BUSY, and destroys after the lock is gone', async (t) => {
    const db = freshDb(t, USERS, { busyTimeoutMs: 20 });
    const session = await db.backend.openTarget({ table: 'users', where: [{ column: 'id', op: 'eq', value: 4 }] }, []);
    const [h] = await session.hash([{ locator: loc(4) }]);
    const item = { locator: loc(4), fingerprint: (h as { fingerprint: string }).fingerprint };
    db.admin.exec('BEGIN IMMEDIATE');
    const [d] = await session.destroy([item]);
    assert.deepEqual({ ...d, message: undefined }, { status: 'error', code: 'SQLITE_BUSY', transient: true, message: undefined });
    db.admin.exec('COMMIT');
    assert.equal(count(db, 'id = 4'), 1);
    assert.deepEqual(await session.destroy([item]), [{ status: 'destroyed' }]);
  });

  it('overwrites the deleted content in the file (secure_delete): the bytes are gone from the database file', async (t) => {
    const db = freshDb(t, ['CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL)', "INSERT INTO users VALUES (1, 'needle-7f3a9c@example.com'), (2, 'keep@example.com')"]);
    db.admin.close();
    const session = await db.backend.openTarget({ table: 'users', where: [{ column: 'id', op: 'eq', value: 1 }] }, []);
    const [h] = await session.hash([{ locator: loc(1) }]);
    assert.ok(readFileSync(db.path).includes('needle-7f3a9c'));
    assert.deepEqual(await session.destroy([{ locator: loc(1), fingerprint: (h as { fingerprint: string }).fingerprint }]), [{ status: 'destroyed' }]);
    const bytes = readFileSync(db.path);
    assert.equal(bytes.includes('needle-7f3a9c'), false);
    assert.ok(bytes.includes('keep@example.com'));
    db.admin = new Database(db.path); // for the cleanup
  });

  it('treats SQL in values as data: it matches nothing, and GLOB metacharacters in a prefix are literal', async (t) => {
    const db = freshDb(t, ['CREATE TABLE x (id TEXT PRIMARY KEY, email TEXT)', "INSERT INTO x VALUES ('a', 'a*b'), ('b', 'abc'), ('c', 'a?c'), ('d', 'a[x'), ('e', '''; DROP TABLE x; --'), ('f', 'a%b')"]);
    const evil = "'; DROP TABLE x; --";
    const listFor = async (where: unknown[]) => (await listAll(await db.backend.openTarget({ table: 'x', where }, []))).flat().map((o) => o.locator);
    assert.deepEqual(await listFor([{ column: 'email', op: 'eq', value: `${evil}x` }]), []);
    assert.deepEqual(await listFor([{ column: 'id', op: 'in', values: [evil, "a' OR '1'='1", 'a" OR 1 --'] }]), []);
    assert.deepEqual(await listFor([{ column: 'email', op: 'eq', value: evil }]), ['main.x:{"id":"e"}']);
    assert.deepEqual(await listFor([{ column: 'email', op: 'prefix', value: 'a*' }]), ['main.x:{"id":"a"}']);
    assert.deepEqual(await listFor([{ column: 'email', op: 'prefix', value: 'a?' }]), ['main.x:{"id":"c"}']);
    assert.deepEqual(await listFor([{ column: 'email', op: 'prefix', value: 'a[' }]), ['main.x:{"id":"d"}']);
    assert.deepEqual(await listFor([{ column: 'email', op: 'prefix', value: 'a%' }]), ['main.x:{"id":"f"}']);
    assert.match(await problemsOf(db, { table: 'x"; DROP TABLE x; --', where: [{ column: 'email', op: 'eq', value: 'a' }] }), /no table/);
    const session = await db.backend.openTarget({ table: 'x', where: [], allowWholeTable: true }, []);
    const out = await session.hash([{ locator: `main.x:{"id":"x'); DELETE FROM x; --"}` }, { locator: 'main.x:{"id":1}' }, { locator: 'other.t:{"id":"a"}' }]);
    assert.equal(out[0]!.status, 'absent');
    assert.deepEqual(
      out.slice(1).map((o) => o.status === 'error' && o.code),
      ['LOCATOR_INVALID', 'LOCATOR_INVALID'],
    );
    assert.equal(Number((db.admin.prepare('SELECT count(*) AS n FROM x').get() as { n: number }).n), 6);
  });

  it('destroys in batches (batchSize 7) by a composite key', async (t) => {
    const db = freshDb(
      t,
      [
        'CREATE TABLE pairs (a INTEGER, b TEXT, v TEXT, PRIMARY KEY (a, b))',
        "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 20) INSERT INTO pairs SELECT i % 3, 'k' || i, 'v' FROM s",
      ],
      { batchSize: 7 },
    );
    const session = await db.backend.openTarget({ table: 'pairs', where: [{ column: 'a', op: 'in', values: [0, 1] }] }, []);
    const all = (await listAll(session)).flat();
    const hashes = await session.hash(all);
    const out = await session.destroy(all.map((o, i) => ({ locator: o.locator, fingerprint: (hashes[i] as { fingerprint: string }).fingerprint })));
    assert.ok(out.every((o) => o.status === 'destroyed'));
    assert.ok((await session.probe(all)).every((p) => p.status === 'absent'));
    assert.equal(Number((db.admin.prepare('SELECT count(*) AS n FROM pairs').get() as { n: number }).n), 7);
  });
});

describe('SqliteBackend: errors and configuration', () => {
  it('classifies BUSY and LOCKED as transient, constraints as data errors, read-only as permanent', () => {
    const c = (code: string) => sqliteDialect.classifyError(Object.assign(new Error('x'), { code }));
    assert.equal(c('SQLITE_BUSY').transient, true);
    assert.equal(c('SQLITE_LOCKED_SHAREDCACHE').transient, true);
    assert.equal(c('SQLITE_CONSTRAINT_FOREIGNKEY').data, true);
    assert.deepEqual({ ...c('SQLITE_READONLY'), message: '' }, { code: 'SQLITE_READONLY', transient: false, data: false, message: '' });
  });

  it('builds the backend from its config; a missing file is an error, never created', () => {
    assert.equal(SqliteBackendConfig.safeParse({ kind: 'sqlite', path: '' }).success, false);
    const dir = mkdtempSync(join(tmpdir(), 'sp-sqlite-'));
    try {
      const cfg = SqliteBackendConfig.parse({ kind: 'sqlite', path: join(dir, 'missing.db') });
      assert.throws(() => createSqliteBackend('lite', cfg));
      new Database(join(dir, 'ok.db')).close();
      const b = createSqliteBackend('lite', { kind: 'sqlite', path: join(dir, 'ok.db') });
      assert.equal(b.kind, 'sqlite');
      assert.equal(b.method, 'sql-delete');
      return b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
