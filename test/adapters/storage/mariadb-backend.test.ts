// MariadbBackend against the machine's MariaDB, a fresh database per test
// (sp_<random>, dropped after): the canonical row form of the documented
// types (expected JSON written by hand), keyset pagination, refusals
// (cascading foreign keys, DELETE triggers, MyISAM, no primary key), holds,
// rows changing between hash and destroy, restricting foreign keys,
// permissions, exact (binary) string matching and injection attempts.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it, type TestContext } from 'node:test';
import mysql from 'mysql2/promise';
import { MariadbBackendConfig } from '../../../src/adapters/storage/mariadb/config.js';
import { createMariadbBackend } from '../../../src/adapters/storage/mariadb/create.js';
import { MariadbBackend } from '../../../src/adapters/storage/mariadb/mariadb-backend.js';
import { hasDeleteReturning, mariadbDialect } from '../../../src/adapters/storage/mariadb/mariadb-dialect.js';
import { decimalFits, shortestFloat32 } from '../../../src/adapters/storage/mariadb/mariadb-types.js';
import { ValidationError } from '../../../packages/verify/src/core/errors.js';
import type { HoldSpec, ListedObject, TargetSession } from '../../../src/app/ports/storage-backend.js';

const BASE = process.env.MARIADB_TEST_URL ?? 'mysql://root@127.0.0.1:3306/test';
const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

interface Db {
  name: string;
  url: string;
  admin: mysql.Connection;
  backend: MariadbBackend;
  q: (sql: string, params?: unknown[]) => Promise<unknown>;
  rows: (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;
  cleanups: Array<() => Promise<unknown>>;
}

function urlFor(db: string, user?: string): string {
  const u = new URL(BASE);
  u.pathname = `/${db}`;
  if (user) {
    u.username = user;
    u.password = '';
  }
  return u.href;
}

async function freshDb(t: TestContext, ddl: string[], options: { pageSize?: number; batchSize?: number } = {}): Promise<Db> {
  const name = `sp_${randomBytes(6).toString('hex')}`;
  const admin = await mysql.createConnection({ uri: BASE, multipleStatements: false }).catch((e: Error) => {
    throw new Error(`MariaDB is not reachable at ${BASE} (start it, e.g. 'service mariadb start', or set MARIADB_TEST_URL): ${e.message}`);
  });
  await admin.query(`CREATE DATABASE ${name}`);
  const url = urlFor(name);
  const backend = new MariadbBackend({ name: 'maria', url, poolSize: 2, ...options });
  const cleanups: Array<() => Promise<unknown>> = [];
  // registered before the DDL runs, so that a failing DDL still drops the database
  t.after(async () => {
    for (const c of cleanups) await c();
    await backend.close();
    await admin.query(`DROP DATABASE ${name}`);
    await admin.end();
  });
  await admin.query(`USE ${name}`);
  for (const d of ddl) await admin.query(d);
  return {
    name,
    url,
    admin,
    backend,
    cleanups,
    q: (sql, params) => admin.query(sql, params),
    rows: async (sql, params) => (await admin.query(sql, params))[0] as Record<string, unknown>[],
  };
}

async function listAll(session: TargetSession): Promise<ListedObject[][]> {
  const pages: ListedObject[][] = [];
  for await (const page of session.list()) pages.push(page);
  return pages;
}

/** Problems by path (several problems at one path are joined by newlines). */
async function problemsOf(db: Db, scope: unknown, holds: HoldSpec[] = []): Promise<Map<string, string>> {
  const e = await db.backend.openTarget(scope, holds).then(
    () => undefined,
    (err: unknown) => err,
  );
  assert.ok(e instanceof ValidationError, `expected a ValidationError, got ${String(e)}`);
  const out = new Map<string, string>();
  for (const f of e.fields) out.set(f.path, out.has(f.path) ? `${out.get(f.path)}\n${f.problem}` : f.problem);
  return out;
}

const hold = (where: unknown, id = 'h1'): HoldSpec => ({ id, reason: 'litigation', target: 'maria', match: { where } });

describe('MariadbBackend: canonical row form', () => {
  it('maps every documented type exactly as docs/backends/sql.md says', async (t) => {
    const db = await freshDb(t, [
      `CREATE TABLE types (id int PRIMARY KEY, ti tinyint, bo boolean, si smallint, su smallint unsigned, mi mediumint, iu int unsigned,
        b bigint, bu bigint unsigned, n decimal(30,10), n2 decimal(5,2), f float, d double, t text, v varchar(10), c char(4),
        l varchar(10) CHARACTER SET latin1, \`by\` varbinary(8), bl blob, bt bit(3), ts timestamp(6) NULL, dt datetime(6), dt0 datetime, dd date,
        j json, lt longtext, u uuid, tm time, yr year, en enum('a','b'), nul text, \`Ünï\` text) ENGINE=InnoDB`,
      `INSERT INTO types VALUES (1, -128, true, -2, 65535, 8388607, 4294967295, 9223372036854775807, 18446744073709551615,
        12345678901234567890.1234567890, 1.50, 0.1, 1.7976931348623157e308, 'é"\\n\\\\', 'abc', 'ab  ', 'Éé', x'00ff10', x'', b'101',
        '2024-01-02 03:04:05.5', '2024-01-02 03:04:05.123400', '2024-01-02 03:04:05', '2024-02-29',
        '{"b":1, "a":[1,2.50]}', '{"not":"parsed"}', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '-01:02:03', 2024, 'b', NULL, 'x')`,
    ]);
    // Written by hand: members sorted by UTF-16 code units ("Ünï" after the ASCII names).
    const expected =
      '{"b":"9223372036854775807","bl":"","bo":1,"bt":"BQ==","bu":"18446744073709551615","by":"AP8Q","c":"ab","d":1.7976931348623157e+308,' +
      '"dd":"2024-02-29","dt":"2024-01-02T03:04:05.1234","dt0":"2024-01-02T03:04:05","en":"b","f":0.1,"id":1,"iu":"4294967295",' +
      '"j":{"a":[1,2.5],"b":1},"l":"Éé","lt":"{\\"not\\":\\"parsed\\"}","mi":8388607,"n":"12345678901234567890.1234567890","n2":"1.50","nul":null,' +
      '"si":-2,"su":65535,"t":"é\\"\\n\\\\","ti":-128,"tm":"-01:02:03","ts":"2024-01-02T03:04:05.5Z","u":"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",' +
      '"v":"abc","yr":"2024","Ünï":"x"}';
    const session = await db.backend.openTarget({ table: `${db.name}.types`, where: [], allowWholeTable: true }, []);
    const [page] = await listAll(session);
    assert.deepEqual(page, [{ locator: `${db.name}.types:{"id":1}`, size: Buffer.byteLength(expected) }]);
    const [h] = await session.hash([{ locator: `${db.name}.types:{"id":1}` }]);
    assert.deepEqual(h, { status: 'hashed', sha256: sha(expected), size: Buffer.byteLength(expected), fingerprint: sha(expected) });
    // The one pass (DELETE ... RETURNING) hashes the row it removed in the very same form.
    const recorded: unknown[] = [];
    const consumed = await session.consume!([{ locator: `${db.name}.types:{"id":1}` }], async (hashes) => {
      recorded.push(...hashes);
    });
    assert.deepEqual(recorded, [h]);
    assert.deepEqual(consumed, [{ hash: h, destroy: { status: 'destroyed' } }]);
    assert.deepEqual(await session.probe([{ locator: `${db.name}.types:{"id":1}` }]), [{ status: 'absent' }]);
  });

  it('keeps TIMESTAMP in UTC whatever the server time zone is, and unqualified names use the URL database', async (t) => {
    const db = await freshDb(t, ['CREATE TABLE tz (id bigint PRIMARY KEY, at timestamp NULL)', "SET time_zone = '+05:30'", "INSERT INTO tz VALUES (42, '2024-06-01 17:30:00')"]);
    const session = await db.backend.openTarget({ table: 'tz', where: [], allowWholeTable: true }, []);
    const expected = '{"at":"2024-06-01T12:00:00Z","id":"42"}';
    const [h] = await session.hash([{ locator: `${db.name}.tz:{"id":"42"}` }]);
    assert.equal(h?.status === 'hashed' && h.sha256, sha(expected));
  });

  it('offers the one-pass consume() only on a server with DELETE ... RETURNING (MariaDB 10.5 and later, never MySQL)', async (t) => {
    assert.equal(hasDeleteReturning('10.11.19-MariaDB-0+deb12u1'), true);
    assert.equal(hasDeleteReturning('10.5.0-MariaDB'), true);
    assert.equal(hasDeleteReturning('11.4.2-MariaDB-log'), true);
    assert.equal(hasDeleteReturning('10.4.32-MariaDB'), false);
    assert.equal(hasDeleteReturning('8.0.36'), false);
    assert.equal(hasDeleteReturning('8.4.0-commercial'), false);
    assert.equal(hasDeleteReturning(''), false);
    const db = await freshDb(t, ['CREATE TABLE k (id int PRIMARY KEY)']);
    const session = await db.backend.openTarget({ table: 'k', where: [], allowWholeTable: true }, []);
    assert.equal(typeof session.consume, 'function', 'this server (MariaDB 10.11) has DELETE ... RETURNING');
  });

  it('prints a FLOAT as MariaDB does (shortest text of the 32-bit value) and checks decimals exactly', () => {
    assert.equal(shortestFloat32(Math.fround(0.1)), '0.1');
    assert.equal(shortestFloat32(Math.fround(16777217)), '16777216');
    assert.equal(decimalFits('1.50', 5, 2), true);
    assert.equal(decimalFits('1.555', 5, 2), false);
    assert.equal(decimalFits('1e2', 5, 2), true);
    assert.equal(decimalFits('1e3', 5, 2), false);
    assert.equal(decimalFits('12.5e-1', 3, 2), true);
    assert.equal(decimalFits('-0.010', 3, 2), true);
  });
});

describe('MariadbBackend: listing and refusals', () => {
  it('pages 2,750 rows 100 at a time by a composite key (int, case-insensitive varchar), in key order, each exactly once', async (t) => {
    const db = await freshDb(t, ['CREATE TABLE items (a int, b varchar(10), keep boolean NOT NULL, PRIMARY KEY (a, b))'], { pageSize: 100 });
    const values: string[] = [];
    // mixed case so that the column's collation (utf8mb4_general_ci) orders differently from bytes
    for (let i = 1; i <= 2750; i++) values.push(`(${i % 7}, '${i % 2 ? 'k' : 'K'}${String(i).padStart(5, '0')}', ${i % 10 === 0 ? 1 : 0})`);
    await db.q(`INSERT INTO items VALUES ${values.join(', ')}`);
    const session = await db.backend.openTarget({ table: `${db.name}.items`, where: [{ column: 'keep', op: 'eq', value: 0 }] }, []);
    const pages = await listAll(session);
    const all = pages.flat();
    assert.equal(all.length, 2475);
    assert.equal(pages.length, 25);
    assert.equal(new Set(all.map((o) => o.locator)).size, all.length);
    const keys = all.map((o) => JSON.parse(o.locator.slice(o.locator.indexOf(':') + 1)) as { a: number; b: string });
    for (let i = 1; i < keys.length; i++) {
      const [p, c] = [keys[i - 1]!, keys[i]!];
      assert.ok(p.a < c.a || (p.a === c.a && p.b.toLowerCase() < c.b.toLowerCase()), `order at ${i}`);
    }
  });

  it('refuses cascading foreign keys (CASCADE, SET NULL), DELETE triggers, MyISAM, system-versioned and key-less tables, naming them', async (t) => {
    const db = await freshDb(t, [
      'CREATE TABLE users (id int PRIMARY KEY, email text) ENGINE=InnoDB',
      'CREATE TABLE orders (id int PRIMARY KEY, user_id int, CONSTRAINT orders_user FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE)',
      'CREATE TABLE notes (id int PRIMARY KEY, user_id int, CONSTRAINT notes_user FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE SET NULL)',
      'CREATE TABLE audited (id int PRIMARY KEY)',
      'CREATE TABLE log (id int)',
      'CREATE TRIGGER audited_del AFTER DELETE ON audited FOR EACH ROW INSERT INTO log VALUES (OLD.id)',
      'CREATE TABLE old (id int PRIMARY KEY) ENGINE=MyISAM',
      'CREATE TABLE versioned (id int PRIMARY KEY) WITH SYSTEM VERSIONING',
      'CREATE VIEW v AS SELECT id FROM users',
    ]);
    const whole = (table: string) => ({ table: `${db.name}.${table}`, where: [], allowWholeTable: true });
    const users = [...(await problemsOf(db, whole('users'))).values()].join('\n');
    assert.match(users, /"orders_user" of sp_\w+\.orders .*ON DELETE CASCADE/);
    assert.match(users, /"notes_user" of sp_\w+\.notes .*ON DELETE SET NULL/);
    assert.match((await problemsOf(db, whole('audited'))).get('$.scope.table')!, /trigger "audited_del" runs on DELETE/);
    assert.match((await problemsOf(db, whole('old'))).get('$.scope.table')!, /storage engine MyISAM/);
    assert.match((await problemsOf(db, whole('versioned'))).get('$.scope.table')!, /system-versioned/);
    assert.match((await problemsOf(db, whole('log'))).get('$.scope.table')!, /no primary key/);
    assert.match((await problemsOf(db, whole('v'))).get('$.scope.table')!, /is a view/);
    assert.match((await problemsOf(db, whole('USERS'))).get('$.scope.table')!, /no table/);
  });

  it('checks filter values against the exact column type: tinyint range, decimal scale, invalid dates, non-UTC offsets', async (t) => {
    const db = await freshDb(t, ['CREATE TABLE x (id tinyint PRIMARY KEY, amount decimal(5,2), day date, at timestamp NULL, f double, name varchar(10), data json)']);
    const p = await problemsOf(db, {
      table: `${db.name}.x`,
      where: [
        { column: 'id', op: 'in', values: [127, 128] },
        { column: 'amount', op: 'eq', value: '1.555' },
        { column: 'day', op: 'range', value: { gte: '2024-02-30' } },
        { column: 'at', op: 'eq', value: '2024-01-01T00:00:00+02:00' },
        { column: 'f', op: 'eq', value: 'NaN' },
        { column: 'data', op: 'eq', value: 'x' },
      ],
    });
    assert.deepEqual([...p.keys()].sort(), [
      '$.scope.where[0].values[1]',
      '$.scope.where[1].value',
      '$.scope.where[2].value.gte',
      '$.scope.where[3].value',
      '$.scope.where[4].value',
      '$.scope.where[5].op',
    ]);
  });
});

describe('MariadbBackend: destroy', () => {
  const USERS = [
    'CREATE TABLE users (id int PRIMARY KEY, email varchar(100) NOT NULL, region varchar(8)) ENGINE=InnoDB',
    ...[1, 2, 3].map((k) => `INSERT INTO users SELECT seq, CONCAT('user', seq, '@example.com'), IF(seq % 3 = 0, 'EU', 'US') FROM seq_${k * 10 - 9}_to_${k * 10}`),
  ];
  const loc = (db: Db, id: number) => `${db.name}.users:{"id":${id}}`;
  const count = async (db: Db, where = '1') => Number((await db.rows(`SELECT count(*) AS n FROM ${db.name}.users WHERE ${where}`))[0]!.n);

  it('never deletes held rows: listed as held, refused at hash and at destroy, even when the hold starts after hashing', async (t) => {
    const db = await freshDb(t, USERS);
    const session = await db.backend.openTarget({ table: `${db.name}.users`, where: [{ column: 'id', op: 'range', value: { gte: 1, lte: 30 } }] }, [
      hold([{ column: 'region', op: 'eq', value: 'EU' }], 'eu-hold'),
    ]);
    const all = (await listAll(session)).flat();
    assert.equal(all.length, 30);
    assert.equal(all.filter((o) => o.heldBy === 'eu-hold').length, 10);
    const hashes = await session.hash(all);
    const items = all.map((o, i) => ({ locator: o.locator, fingerprint: (hashes[i] as { fingerprint?: string }).fingerprint ?? 'x' }));
    await db.q(`UPDATE ${db.name}.users SET region = 'EU' WHERE id = 1`);
    const out = await session.destroy(items);
    all.forEach((o, i) => {
      const id = Number(/"id":(\d+)/.exec(o.locator)![1]);
      assert.equal(out[i]!.status, id === 1 || id % 3 === 0 ? 'held' : 'destroyed', `${o.locator}: ${JSON.stringify(out[i])}`);
    });
    assert.equal(await count(db), 11);
    assert.equal(await count(db, "region = 'EU'"), 11);
  });

  it("answers 'changed' for a row updated between hash and destroy and leaves it with its new content; 'out-of-scope' for one that left the scope", async (t) => {
    const db = await freshDb(t, USERS);
    const session = await db.backend.openTarget({ table: `${db.name}.users`, where: [{ column: 'region', op: 'eq', value: 'US' }] }, []);
    const items = [1, 2, 4].map((id) => ({ locator: loc(db, id) }));
    const hashes = await session.hash(items);
    await db.q(`UPDATE ${db.name}.users SET email = 'new@example.com' WHERE id = 1`);
    await db.q(`UPDATE ${db.name}.users SET region = 'EU' WHERE id = 2`);
    const out = await session.destroy(items.map((it, i) => ({ ...it, fingerprint: (hashes[i] as { fingerprint: string }).fingerprint })));
    assert.deepEqual(
      out.map((o) => o.status),
      ['changed', 'out-of-scope', 'destroyed'],
    );
    assert.equal((await db.rows(`SELECT email FROM ${db.name}.users WHERE id = 1`))[0]!.email, 'new@example.com');
    assert.deepEqual(
      (await session.probe(items)).map((p) => p.status),
      ['present', 'present', 'absent'],
    );
  });

  it('matches strings exactly: eq is case-, accent- and trailing-space-sensitive although the column collation is not', async (t) => {
    const db = await freshDb(t, [...USERS, "UPDATE users SET region = 'eu' WHERE id = 3", "UPDATE users SET region = 'EU ' WHERE id = 6", "UPDATE users SET region = 'ÉU' WHERE id = 9"]);
    const session = await db.backend.openTarget({ table: `${db.name}.users`, where: [{ column: 'region', op: 'eq', value: 'EU' }] }, []);
    const ids = (await listAll(session)).flat().map((o) => Number(/"id":(\d+)/.exec(o.locator)![1]));
    assert.deepEqual(ids, [12, 15, 18, 21, 24, 27, 30]);
    const inList = await db.backend.openTarget({ table: `${db.name}.users`, where: [{ column: 'region', op: 'in', values: ['eu', 'zz'] }] }, []);
    assert.deepEqual((await listAll(inList)).flat().map((o) => o.locator), [loc(db, 3)]);
    const pre = await db.backend.openTarget({ table: `${db.name}.users`, where: [{ column: 'region', op: 'prefix', value: 'e' }] }, []);
    assert.deepEqual((await listAll(pre)).flat().map((o) => o.locator), [loc(db, 3)]);
  });

  it('isolates a row that a restricting foreign key protects: that row is a permanent 1451 error, the rest of the batch is destroyed', async (t) => {
    const db = await freshDb(t, [...USERS, 'CREATE TABLE orders (id int PRIMARY KEY, user_id int, FOREIGN KEY (user_id) REFERENCES users(id))', 'INSERT INTO orders VALUES (1, 2)']);
    const session = await db.backend.openTarget({ table: `${db.name}.users`, where: [{ column: 'id', op: 'in', values: [1, 2, 4] }] }, []);
    const items = [1, 2, 4].map((id) => ({ locator: loc(db, id) }));
    const hashes = await session.hash(items);
    const out = await session.destroy(items.map((it, i) => ({ ...it, fingerprint: (hashes[i] as { fingerprint: string }).fingerprint })));
    assert.equal(out[0]!.status, 'destroyed');
    assert.deepEqual({ ...out[1], message: undefined }, { status: 'error', code: '1451', transient: false, message: undefined });
    assert.equal(out[2]!.status, 'destroyed');
    assert.equal(await count(db, 'id IN (1, 2, 4)'), 1);
  });

  it('reports DELETE denied as a permanent error 1142 and deletes nothing', async (t) => {
    const db = await freshDb(t, USERS);
    const user = `sp_ro_${randomBytes(4).toString('hex')}`;
    await db.q(`CREATE USER '${user}'@'%'`);
    await db.q(`GRANT SELECT ON ${db.name}.* TO '${user}'@'%'`);
    const ro = new MariadbBackend({ name: 'ro', url: urlFor(db.name, user) });
    db.cleanups.push(async () => {
      await ro.close();
      await db.q(`DROP USER '${user}'@'%'`);
    });
    const session = await ro.openTarget({ table: `${db.name}.users`, where: [{ column: 'id', op: 'eq', value: 4 }] }, []);
    const [h] = await session.hash([{ locator: loc(db, 4) }]);
    assert.equal(h?.status, 'hashed');
    const [d] = await session.destroy([{ locator: loc(db, 4), fingerprint: (h as { fingerprint: string }).fingerprint }]);
    assert.deepEqual({ ...d, message: undefined }, { status: 'error', code: '1142', transient: false, message: undefined });
    assert.equal(await count(db, 'id = 4'), 1);
  });

  it('treats SQL in values as data: it matches nothing, and LIKE metacharacters in a prefix are literal', async (t) => {
    const db = await freshDb(t, ["CREATE TABLE x (id varchar(100) PRIMARY KEY, email text)", "INSERT INTO x VALUES ('a', 'a%b'), ('b', 'abc'), ('c', 'a_c'), ('d', 'a!x'), ('e', '''; DROP TABLE x; --'), ('f', 'a\\\\b')"]);
    const evil = "'; DROP TABLE x; --";
    const table = `${db.name}.x`;
    const listFor = async (where: unknown[]) => (await listAll(await db.backend.openTarget({ table, where }, []))).flat().map((o) => o.locator);
    assert.deepEqual(await listFor([{ column: 'email', op: 'eq', value: `${evil}x` }]), []);
    assert.deepEqual(await listFor([{ column: 'id', op: 'in', values: [evil, "a' OR '1'='1", "a` OR 1 --"] }]), []);
    assert.deepEqual(await listFor([{ column: 'email', op: 'eq', value: evil }]), [`${table}:{"id":"e"}`]);
    assert.deepEqual(await listFor([{ column: 'email', op: 'prefix', value: 'a%' }]), [`${table}:{"id":"a"}`]);
    assert.deepEqual(await listFor([{ column: 'email', op: 'prefix', value: 'a_' }]), [`${table}:{"id":"c"}`]);
    assert.deepEqual(await listFor([{ column: 'email', op: 'prefix', value: 'a!' }]), [`${table}:{"id":"d"}`]);
    assert.deepEqual(await listFor([{ column: 'email', op: 'prefix', value: 'a\\' }]), [`${table}:{"id":"f"}`]);
    const p = await problemsOf(db, { table: `${db.name}.x\`; DROP TABLE x; --`, where: [{ column: 'email`', op: 'eq', value: 'a' }] });
    assert.ok(p.has('$.scope.table'));
    const session = await db.backend.openTarget({ table, where: [], allowWholeTable: true }, []);
    const out = await session.hash([{ locator: `${table}:{"id":"x'); DELETE FROM ${table}; --"}` }, { locator: `${table}:{"id":1}` }, { locator: `other.t:{"id":"a"}` }]);
    assert.equal(out[0]!.status, 'absent');
    assert.deepEqual(
      out.slice(1).map((o) => o.status === 'error' && o.code),
      ['LOCATOR_INVALID', 'LOCATOR_INVALID'],
    );
    assert.equal(Number((await db.rows(`SELECT count(*) AS n FROM ${table}`))[0]!.n), 6);
  });

  it('finds a row by the column\'s own key equality: another spelling is LOCATOR_NOT_CANONICAL for hash and destroy, present for probe', async (t) => {
    const db = await freshDb(t, ["CREATE TABLE k (name varchar(20) PRIMARY KEY, v int)", "INSERT INTO k VALUES ('Alice', 1)"]);
    const session = await db.backend.openTarget({ table: `${db.name}.k`, where: [], allowWholeTable: true }, []);
    const right = { locator: `${db.name}.k:{"name":"Alice"}` };
    const other = { locator: `${db.name}.k:{"name":"ALICE"}` };
    assert.deepEqual(
      (await session.probe([other, right])).map((p) => p.status),
      ['present', 'present'],
    );
    const h = await session.hash([other, right]);
    assert.equal(h[0]!.status === 'error' && h[0]!.code, 'LOCATOR_NOT_CANONICAL');
    const fp = (h[1] as { fingerprint: string }).fingerprint;
    const [d] = await session.destroy([{ ...other, fingerprint: fp }]);
    assert.equal(d!.status === 'error' && d!.code, 'LOCATOR_NOT_CANONICAL');
    assert.deepEqual(await session.destroy([{ ...right, fingerprint: fp }]), [{ status: 'destroyed' }]);
  });

  it('destroys in batches larger than one statement (batchSize 7)', async (t) => {
    const db = await freshDb(t, USERS, { batchSize: 7 });
    const session = await db.backend.openTarget({ table: `${db.name}.users`, where: [{ column: 'region', op: 'eq', value: 'US' }] }, []);
    const all = (await listAll(session)).flat();
    const hashes = await session.hash(all);
    const out = await session.destroy(all.map((o, i) => ({ locator: o.locator, fingerprint: (hashes[i] as { fingerprint: string }).fingerprint })));
    assert.ok(out.every((o) => o.status === 'destroyed'));
    assert.ok((await session.probe(all)).every((p) => p.status === 'absent'));
    assert.equal(await count(db), 10);
  });
});

describe('MariadbBackend: confined to the database of its URL (issue 11)', () => {
  it('refuses tables of other databases and of the system databases, naming the field, and touches none of them', async (t) => {
    const db = await freshDb(t, ['CREATE TABLE users (id int PRIMARY KEY, email text) ENGINE=InnoDB', "INSERT INTO users VALUES (1, 'a@example.com')"]);
    const other = `sp_other_${randomBytes(6).toString('hex')}`;
    await db.q(`CREATE DATABASE ${other}`);
    db.cleanups.push(() => db.q(`DROP DATABASE ${other}`));
    await db.q(`CREATE TABLE ${other}.secrets (id int PRIMARY KEY, v text) ENGINE=InnoDB`);
    await db.q(`INSERT INTO ${other}.secrets VALUES (1, 'x'), (2, 'y')`);
    const refused: Array<[string, RegExp]> = [
      [`${other}.secrets`, new RegExp(`names database "${other}"; this backend works only in "${db.name}"`)],
      [`${db.name.toUpperCase()}.users`, /works only in/],
      ['mysql.user', /mysql is a system database/],
      ['mysql.db', /mysql is a system database/],
      ['information_schema.TABLES', /information_schema is a system database/],
      ['INFORMATION_SCHEMA.tables', /system database/],
      ['performance_schema.threads', /performance_schema is a system database/],
      ['sys.sys_config', /sys is a system database/],
    ];
    for (const [table, why] of refused) {
      const problems = await problemsOf(db, { table, where: [{ column: 'id', op: 'eq', value: 1 }] });
      assert.deepEqual([...problems.keys()], ['$.scope.table'], table);
      assert.match(problems.get('$.scope.table')!, why, table);
    }
    assert.deepEqual(await db.rows(`SELECT id FROM ${other}.secrets ORDER BY id`), [{ id: 1 }, { id: 2 }]);
    // Its own database, written or not, is fine.
    for (const table of ['users', `${db.name}.users`]) {
      const session = await db.backend.openTarget({ table, where: [], allowWholeTable: true }, []);
      assert.deepEqual((await listAll(session)).flat().map((o) => o.locator), [`${db.name}.users:{"id":1}`]);
    }
  });

  it('refuses a URL that names a system database', () => {
    for (const database of ['mysql', 'information_schema', 'performance_schema', 'sys', 'MySQL']) {
      assert.throws(() => new MariadbBackend({ name: 'm', url: urlFor(database) }), new RegExp(`system database ${database}`));
    }
  });
});

describe('MariadbBackend: errors and configuration', () => {
  it('classifies: deadlock, lock wait timeout, connection loss are transient; denied is permanent; 22xxx/23xxx are data errors', () => {
    const c = (e: unknown) => mariadbDialect.classifyError(e);
    const server = (errno: number, sqlState: string) => Object.assign(new Error('x'), { errno, sqlState, code: 'ER_X' });
    assert.equal(c(server(1213, '40001')).transient, true);
    assert.equal(c(server(1205, 'HY000')).transient, true);
    assert.equal(c(server(2013, 'HY000')).transient, true);
    for (const n of [1142, 1044, 1045]) assert.deepEqual({ ...c(server(n, '42000')), message: '' }, { code: String(n), transient: false, data: false, message: '' });
    assert.equal(c(server(1451, '23000')).data, true);
    assert.equal(c(Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true })).transient, true);
    assert.equal(c(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', errno: -104 })).transient, true);
    assert.equal(c(new TypeError('bug')).transient, false);
  });

  it('fails openTarget with a connection error (not a ValidationError) when the server cannot be reached', async (t) => {
    const backend = new MariadbBackend({ name: 'down', url: 'mysql://root@127.0.0.1:1/test' });
    t.after(() => backend.close());
    await assert.rejects(backend.openTarget({ table: 'x', where: [], allowWholeTable: true }, []), (e: Error) => !('fields' in e));
  });

  it('builds the backend from its config and the environment, naming a missing variable but never printing the URL', async () => {
    const cfg = MariadbBackendConfig.parse({ kind: 'mariadb', urlEnv: 'SP_TEST_MARIADB_URL', poolSize: 2 });
    assert.throws(() => createMariadbBackend('db', cfg, {}), /SP_TEST_MARIADB_URL/);
    assert.equal(MariadbBackendConfig.safeParse({ kind: 'mariadb', urlEnv: 'X', url: 'mysql://u:secret@h/db' }).success, false);
    assert.throws(() => createMariadbBackend('db', cfg, { SP_TEST_MARIADB_URL: 'mysql://u:secret@127.0.0.1:3306' }), (e: Error) => !e.message.includes('secret'));
    const b = createMariadbBackend('db', cfg, { SP_TEST_MARIADB_URL: BASE });
    assert.equal(b.kind, 'mariadb');
    assert.equal(b.method, 'sql-delete');
    await b.close();
  });
});
