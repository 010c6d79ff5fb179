// PostgresBackend against the machine's PostgreSQL, a fresh schema per test:
// the canonical row form of every documented type (expected JSON written by
// hand), keyset pagination, holds, rows changing or leaving scope between hash
// and destroy, restricting foreign keys, permissions, injection attempts.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it, type TestContext } from 'node:test';
import pg from 'pg';
import { ValidationError } from '../../../packages/verify/src/core/errors.js';
import { PostgresBackendConfig } from '../../../src/adapters/storage/postgres/config.js';
import { createPostgresBackend } from '../../../src/adapters/storage/postgres/create.js';
import { PostgresBackend } from '../../../src/adapters/storage/postgres/postgres-backend.js';
import { postgresDialect } from '../../../src/adapters/storage/postgres/postgres-dialect.js';
import { parseArrayLiteral } from '../../../src/adapters/storage/postgres/postgres-types.js';
import type { HoldSpec, ListedObject, TargetSession } from '../../../src/app/ports/storage-backend.js';

const URL = process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

interface Db {
  schema: string;
  admin: pg.Client;
  backend: PostgresBackend;
  q: (sql: string, params?: unknown[]) => Promise<pg.QueryResult>;
  /** Runs before the schema is dropped (node:test runs after-hooks in the order they were added). */
  cleanups: Array<() => Promise<unknown>>;
}

async function freshSchema(t: TestContext, ddl: string[], options: { pageSize?: number; batchSize?: number; url?: string } = {}): Promise<Db> {
  const schema = `sp_pg_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: URL });
  await admin.connect().catch((e: Error) => {
    throw new Error(`PostgreSQL is not reachable at ${URL} (start it or set PG_TEST_URL): ${e.message}`);
  });
  await admin.query(`CREATE SCHEMA ${schema}; SET search_path = ${schema}`);
  for (const d of ddl) await admin.query(d);
  const backend = new PostgresBackend({ name: 'pg', connectionString: options.url ?? URL, poolSize: 2, ...options });
  const cleanups: Array<() => Promise<unknown>> = [];
  t.after(async () => {
    for (const c of cleanups) await c();
    await backend.close();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  });
  return { schema, admin, backend, q: (sql, params) => admin.query(sql, params), cleanups };
}

async function listAll(session: TargetSession): Promise<ListedObject[][]> {
  const pages: ListedObject[][] = [];
  for await (const page of session.list()) pages.push(page);
  return pages;
}

const hold = (where: unknown, id = 'h1'): HoldSpec => ({ id, reason: 'litigation', target: 'pg', match: { where } });

describe('PostgresBackend: canonical row form', () => {
  it('maps every documented type exactly as docs/backends/sql.md says', async (t) => {
    const db = await freshSchema(t, [
      `CREATE TABLE types (id integer PRIMARY KEY, s smallint, i integer, b bigint, n numeric, r real, d double precision,
        nan double precision, inf double precision, ok boolean, t text, v varchar(10), c char(3), "by" bytea, ts timestamp,
        tstz timestamptz, dt date, j json, jb jsonb, u uuid, arr bigint[], tarr text[], nul text, iv interval, other inet, "Ünï" text)`,
      `INSERT INTO types VALUES (1, -2, 2147483647, 9223372036854775807, 12345678901234567890.12345678901234567890, 0.1,
        1.7976931348623157e308, 'NaN', '-Infinity', true, E'é"\\n\\\\', 'abc', 'ab', '\\x00ff10', '2024-01-02 03:04:05.123456',
        '2024-01-02 03:04:05.5+02', '2024-02-29', '{"b":1, "a":[1,2.50]}', '{"z": null, "y": "x"}',
        'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '{1,NULL,9007199254740993}', ARRAY['a,b', 'c"d', NULL, 'NULL'], NULL,
        '1 day 2 hours', '192.168.0.1/24', 'x')`,
    ]);
    // Written by hand: members sorted by UTF-16 code units ("Ünï" after the ASCII names).
    const expected =
      '{"arr":["1",null,"9007199254740993"],"b":"9223372036854775807","by":"AP8Q","c":"ab ","d":1.7976931348623157e+308,' +
      '"dt":"2024-02-29","i":2147483647,"id":1,"inf":"-Infinity","iv":"1 day 02:00:00","j":{"a":[1,2.5],"b":1},"jb":{"y":"x","z":null},' +
      '"n":"12345678901234567890.12345678901234567890","nan":"NaN","nul":null,"ok":true,"other":"192.168.0.1/24","r":0.1,"s":-2,' +
      '"t":"é\\"\\n\\\\","tarr":["a,b","c\\"d",null,"NULL"],"ts":"2024-01-02T03:04:05.123456","tstz":"2024-01-02T01:04:05.5Z",' +
      '"u":"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11","v":"abc","Ünï":"x"}';
    const session = await db.backend.openTarget({ table: `${db.schema}.types`, where: [], allowWholeTable: true }, []);
    const [page] = await listAll(session);
    assert.deepEqual(page, [{ locator: `${db.schema}.types:{"id":1}`, size: Buffer.byteLength(expected) }]);
    const [h] = await session.hash([{ locator: `${db.schema}.types:{"id":1}` }]);
    assert.deepEqual(h, { status: 'hashed', sha256: sha(expected), size: Buffer.byteLength(expected), fingerprint: sha(expected) });
    // The one pass (DELETE ... RETURNING) hashes the row it removed in the very same form.
    const recorded: unknown[] = [];
    const consumed = await session.consume!([{ locator: `${db.schema}.types:{"id":1}` }], async (hashes) => {
      recorded.push(...hashes);
    });
    assert.deepEqual(recorded, [h]);
    assert.deepEqual(consumed, [{ hash: h, destroy: { status: 'destroyed' } }]);
    assert.deepEqual(await session.probe([{ locator: `${db.schema}.types:{"id":1}` }]), [{ status: 'absent' }]);
  });

  it('keeps the form whatever the session defaults of the role are (time zone, date style, float digits)', async (t) => {
    const db = await freshSchema(t, ['CREATE TABLE tz (id bigint PRIMARY KEY, at timestamptz, f double precision, dt date)', "INSERT INTO tz VALUES (42, '2024-06-01 12:00:00+00', 0.30000000000000004, '2024-06-01')"]);
    const role = `sp_role_${randomBytes(4).toString('hex')}`;
    await db.q(`CREATE ROLE ${role} LOGIN SUPERUSER`);
    await db.q(`ALTER ROLE ${role} SET TimeZone = 'Asia/Kolkata'`);
    await db.q(`ALTER ROLE ${role} SET DateStyle = 'SQL, DMY'`);
    await db.q(`ALTER ROLE ${role} SET extra_float_digits = -3`);
    const other = new PostgresBackend({ name: 'pg2', connectionString: URL.replace(/\/\/[^@/]*@/, `//${role}@`) });
    db.cleanups.push(async () => {
      await other.close();
      await db.q(`DROP ROLE ${role}`);
    });
    const expected = '{"at":"2024-06-01T12:00:00Z","dt":"2024-06-01","f":0.30000000000000004,"id":"42"}';
    const session = await other.openTarget({ table: `${db.schema}.tz`, where: [], allowWholeTable: true }, []);
    const [h] = await session.hash([{ locator: `${db.schema}.tz:{"id":"42"}` }]);
    assert.equal(h?.status === 'hashed' && h.sha256, sha(expected));
  });

  it('parses PostgreSQL array literals, nested and quoted', () => {
    assert.deepEqual(parseArrayLiteral('{{1,2},{3,NULL}}', (e) => e), [['1', '2'], ['3', null]]);
    assert.deepEqual(parseArrayLiteral('{"a\\\\b","",NULL,"NULL"}', (e) => e), ['a\\b', '', null, 'NULL']);
    assert.deepEqual(parseArrayLiteral('{}', (e) => e), []);
  });
});

describe('PostgresBackend: listing', () => {
  it('pages 2,500 rows 100 at a time by a composite key, in key order, each exactly once', async (t) => {
    const db = await freshSchema(
      t,
      [
        'CREATE TABLE items (a integer, b text, keep boolean NOT NULL, PRIMARY KEY (a, b))',
        "INSERT INTO items SELECT i % 7, lpad(i::text, 5, '0'), i % 10 = 0 FROM generate_series(1, 2750) i",
      ],
      { pageSize: 100 },
    );
    const session = await db.backend.openTarget({ table: `${db.schema}.items`, where: [{ column: 'keep', op: 'eq', value: false }] }, []);
    const pages = await listAll(session);
    const all = pages.flat();
    assert.equal(all.length, 2475);
    assert.equal(pages.length, 25);
    assert.ok(pages.every((p) => p.length <= 100));
    assert.equal(new Set(all.map((o) => o.locator)).size, all.length);
    const keys = all.map((o) => JSON.parse(o.locator.slice(o.locator.indexOf(':') + 1)) as { a: number; b: string });
    for (let i = 1; i < keys.length; i++) {
      const [p, c] = [keys[i - 1]!, keys[i]!];
      assert.ok(p.a < c.a || (p.a === c.a && p.b < c.b), `order at ${i}`);
    }
    const expect = await db.q(`SELECT count(*)::int AS n FROM ${db.schema}.items WHERE NOT keep`);
    assert.equal(all.length, expect.rows[0].n);
  });
});

describe('PostgresBackend: destroy', () => {
  const USERS = [
    'CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL, region text)',
    "INSERT INTO users SELECT i, 'user' || i || '@example.com', CASE WHEN i % 3 = 0 THEN 'EU' ELSE 'US' END FROM generate_series(1, 30) i",
  ];
  const loc = (db: Db, id: number) => `${db.schema}.users:{"id":${id}}`;
  const count = async (db: Db, where = 'true') => (await db.q(`SELECT count(*)::int AS n FROM ${db.schema}.users WHERE ${where}`)).rows[0].n as number;

  it('never deletes held rows: listed as held, refused at hash and at destroy, even when the hold starts after hashing', async (t) => {
    const db = await freshSchema(t, USERS);
    const session = await db.backend.openTarget({ table: `${db.schema}.users`, where: [{ column: 'id', op: 'range', value: { gte: 1, lte: 30 } }] }, [
      hold([{ column: 'region', op: 'eq', value: 'EU' }], 'eu-hold'),
    ]);
    const all = (await listAll(session)).flat();
    assert.equal(all.filter((o) => o.heldBy === 'eu-hold').length, 10);
    const hashes = await session.hash(all);
    const items = all.map((o, i) => ({ locator: o.locator, fingerprint: (hashes[i] as { fingerprint?: string }).fingerprint ?? 'x' }));
    // row 1 comes under the hold after it was hashed
    await db.q(`UPDATE ${db.schema}.users SET region = 'EU' WHERE id = 1`);
    const out = await session.destroy(items);
    all.forEach((o, i) => {
      const id = Number(/"id":(\d+)/.exec(o.locator)![1]);
      const want = id === 1 || id % 3 === 0 ? 'held' : 'destroyed';
      assert.equal(out[i]!.status, want, `${o.locator}: ${JSON.stringify(out[i])}`);
    });
    assert.equal(await count(db), 11);
    assert.equal(await count(db, "region = 'EU'"), 11);
  });

  it("answers 'changed' for a row updated between hash and destroy and leaves it with its new content; 'out-of-scope' for one that left the scope", async (t) => {
    const db = await freshSchema(t, USERS);
    const session = await db.backend.openTarget({ table: `${db.schema}.users`, where: [{ column: 'region', op: 'eq', value: 'US' }] }, []);
    const items = [1, 2, 4].map((id) => ({ locator: loc(db, id) }));
    const hashes = await session.hash(items);
    await db.q(`UPDATE ${db.schema}.users SET email = 'new@example.com' WHERE id = 1`);
    await db.q(`UPDATE ${db.schema}.users SET region = 'EU' WHERE id = 2`);
    const out = await session.destroy(items.map((it, i) => ({ ...it, fingerprint: (hashes[i] as { fingerprint: string }).fingerprint })));
    assert.deepEqual(
      out.map((o) => o.status),
      ['changed', 'out-of-scope', 'destroyed'],
    );
    assert.equal((await db.q(`SELECT email FROM ${db.schema}.users WHERE id = 1`)).rows[0].email, 'new@example.com');
    assert.equal(await count(db, 'id IN (1, 2)'), 2);
    assert.deepEqual(
      (await session.probe(items)).map((p) => p.status),
      ['present', 'present', 'absent'],
    );
  });

  it('isolates a row that a restricting foreign key protects: that row is a permanent 23503 error, the rest of the batch is destroyed', async (t) => {
    const db = await freshSchema(t, [...USERS, 'CREATE TABLE orders (id integer PRIMARY KEY, user_id integer REFERENCES users(id))', 'INSERT INTO orders VALUES (1, 2)']);
    const session = await db.backend.openTarget({ table: `${db.schema}.users`, where: [{ column: 'id', op: 'in', values: [1, 2, 4] }] }, []);
    const items = [1, 2, 4].map((id) => ({ locator: loc(db, id) }));
    const hashes = await session.hash(items);
    const out = await session.destroy(items.map((it, i) => ({ ...it, fingerprint: (hashes[i] as { fingerprint: string }).fingerprint })));
    assert.equal(out[0]!.status, 'destroyed');
    assert.deepEqual({ ...out[1], message: undefined }, { status: 'error', code: '23503', transient: false, message: undefined });
    assert.equal(out[2]!.status, 'destroyed');
    assert.equal(await count(db, 'id IN (1, 2, 4)'), 1);
  });

  it('reports permission denied as a permanent error with SQLSTATE 42501 and deletes nothing', async (t) => {
    const db = await freshSchema(t, USERS);
    const role = `sp_ro_${randomBytes(4).toString('hex')}`;
    await db.q(`CREATE ROLE ${role} LOGIN`);
    await db.q(`GRANT USAGE ON SCHEMA ${db.schema} TO ${role}; GRANT SELECT ON ${db.schema}.users TO ${role}`);
    const ro = new PostgresBackend({ name: 'ro', connectionString: URL.replace(/\/\/[^@/]*@/, `//${role}@`) });
    db.cleanups.push(async () => {
      await ro.close();
      await db.q(`DROP OWNED BY ${role}; DROP ROLE ${role}`);
    });
    const session = await ro.openTarget({ table: `${db.schema}.users`, where: [{ column: 'id', op: 'eq', value: 4 }] }, []);
    const [h] = await session.hash([{ locator: loc(db, 4) }]);
    assert.equal(h?.status, 'hashed');
    const [d] = await session.destroy([{ locator: loc(db, 4), fingerprint: (h as { fingerprint: string }).fingerprint }]);
    assert.deepEqual({ ...d, message: undefined }, { status: 'error', code: '42501', transient: false, message: undefined });
    assert.equal(await count(db, 'id = 4'), 1);
  });

  it('treats SQL in values as data: it matches nothing, and LIKE metacharacters in a prefix are literal', async (t) => {
    const db = await freshSchema(t, [
      'CREATE TABLE x (id text PRIMARY KEY, email text)',
      "INSERT INTO x VALUES ('a', 'a%b'), ('b', 'abc'), ('c', 'a_c'), ('d', 'a!x'), ('e', '''; DROP TABLE x; --')",
    ]);
    const evil = "'; DROP TABLE x; --";
    const table = `${db.schema}.x`;
    const listFor = async (where: unknown[]) => (await listAll(await db.backend.openTarget({ table, where }, []))).flat().map((o) => o.locator);
    assert.deepEqual(await listFor([{ column: 'email', op: 'eq', value: `${evil}x` }]), []);
    assert.deepEqual(await listFor([{ column: 'id', op: 'in', values: [evil, "a' OR '1'='1"] }]), []);
    assert.deepEqual(await listFor([{ column: 'email', op: 'eq', value: evil }]), [`${table}:{"id":"e"}`]);
    assert.deepEqual(await listFor([{ column: 'email', op: 'prefix', value: 'a%' }]), [`${table}:{"id":"a"}`]);
    assert.deepEqual(await listFor([{ column: 'email', op: 'prefix', value: 'a_' }]), [`${table}:{"id":"c"}`]);
    assert.deepEqual(await listFor([{ column: 'email', op: 'prefix', value: 'a!' }]), [`${table}:{"id":"d"}`]);
    // a hostile locator is a key value like any other
    const session = await db.backend.openTarget({ table, where: [], allowWholeTable: true }, []);
    const out = await session.hash([{ locator: `${table}:{"id":"x'); DELETE FROM ${table}; --"}` }, { locator: `${table}:{"id":1}` }, { locator: `other.t:{"id":"a"}` }]);
    assert.equal(out[0]!.status, 'absent');
    assert.deepEqual(
      out.slice(1).map((o) => o.status === 'error' && o.code),
      ['LOCATOR_INVALID', 'LOCATOR_INVALID'],
    );
    assert.equal((await db.q(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n, 5);
  });

  it('never probes a present row as absent, whatever the spelling of its key; hash refuses a non-canonical spelling', async (t) => {
    const db = await freshSchema(t, ['CREATE TABLE u (id uuid PRIMARY KEY, n numeric)', "INSERT INTO u VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 1)"]);
    const session = await db.backend.openTarget({ table: `${db.schema}.u`, where: [], allowWholeTable: true }, []);
    const upper = { locator: `${db.schema}.u:{"id":"A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"}` };
    const lower = { locator: `${db.schema}.u:{"id":"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"}` };
    assert.deepEqual(
      (await session.probe([upper, lower, lower])).map((p) => p.status),
      ['present', 'present', 'present'],
    );
    const h = await session.hash([upper, lower]);
    assert.equal(h[0]!.status === 'error' && h[0]!.code, 'LOCATOR_NOT_CANONICAL');
    assert.equal(h[1]!.status, 'hashed');
  });

  it('destroys in batches larger than one statement (batchSize 7) and VACUUMs the table afterwards', async (t) => {
    const db = await freshSchema(t, USERS, { batchSize: 7 });
    const scope = { table: `${db.schema}.users`, where: [{ column: 'region', op: 'eq', value: 'US' }] };
    const session = await db.backend.openTarget(scope, []);
    const all = (await listAll(session)).flat();
    const hashes = await session.hash(all);
    const out = await session.destroy(all.map((o, i) => ({ locator: o.locator, fingerprint: (hashes[i] as { fingerprint: string }).fingerprint })));
    assert.ok(out.every((o) => o.status === 'destroyed'));
    assert.ok((await session.probe(all)).every((p) => p.status === 'absent'));
    assert.equal(await count(db), 10);
    const report = await db.backend.vacuum(scope);
    assert.equal(report.step, 'postgres-vacuum');
    assert.equal(report.table, `${db.schema}.users`);
  });
});

/** The problems of a refused openTarget, by path; fails when it is not refused with a ValidationError. */
async function refusedWith(db: Db, scope: unknown): Promise<Map<string, string[]>> {
  const e = await db.backend.openTarget(scope, []).then(
    () => assert.fail(`expected ${JSON.stringify(scope)} to be refused`),
    (err: unknown) => err,
  );
  assert.ok(e instanceof ValidationError, String(e));
  const out = new Map<string, string[]>();
  for (const f of e.fields) out.set(f.path, [...(out.get(f.path) ?? []), f.problem]);
  return out;
}

describe('PostgresBackend: partitions, inheritance children and system schemas (issue 11)', () => {
  const whole = (db: Db, table: string) => ({ table: `${db.schema}.${table}`, where: [], allowWholeTable: true });

  it('refuses a partitioned table when a partition, at any depth, has a DELETE trigger or rule, or a cascading foreign key points at one', async (t) => {
    const db = await freshSchema(t, [
      'CREATE TABLE log (id integer PRIMARY KEY)',
      'CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELETE FROM log; RETURN OLD; END $$',
      'CREATE TABLE events (id integer, region text, PRIMARY KEY (id, region)) PARTITION BY LIST (region)',
      "CREATE TABLE events_eu PARTITION OF events FOR VALUES IN ('EU')",
      "CREATE TABLE events_us PARTITION OF events FOR VALUES IN ('US') PARTITION BY RANGE (id)",
      'CREATE TABLE events_us_low PARTITION OF events_us FOR VALUES FROM (0) TO (1000)',
      "INSERT INTO events VALUES (1, 'EU'), (2, 'US')",
      'CREATE TRIGGER eu_on_delete AFTER DELETE ON events_eu FOR EACH ROW EXECUTE FUNCTION f()',
    ]);
    const eu = (await refusedWith(db, whole(db, 'events'))).get('$.scope.table')!;
    assert.equal(eu.length, 1, eu.join('\n'));
    assert.match(eu[0]!, new RegExp(`trigger "eu_on_delete" on ${db.schema}\\.events_eu \\(a partition or child of ${db.schema}\\.events\\) runs on DELETE`));
    await db.q('DROP TRIGGER eu_on_delete ON events_eu');
    // A rule two levels down, and a cascading foreign key that references a partition, not the parent.
    await db.q('CREATE RULE keep AS ON DELETE TO events_us_low DO INSTEAD NOTHING');
    await db.q('CREATE TABLE notes (id integer PRIMARY KEY, event_id integer, region text, CONSTRAINT notes_event FOREIGN KEY (event_id, region) REFERENCES events_eu (id, region) ON DELETE CASCADE)');
    const deep = (await refusedWith(db, whole(db, 'events'))).get('$.scope.table')!.join('\n');
    assert.match(deep, new RegExp(`rule "keep" on ${db.schema}\\.events_us_low`));
    assert.match(deep, /"notes_event" of \S+\.notes references .*ON DELETE CASCADE/);
    await db.q('DROP RULE keep ON events_us_low');
    await db.q('DROP TABLE notes');
    // Without them the partitioned table is a target like any other, and its rows can be destroyed.
    const session = await db.backend.openTarget(whole(db, 'events'), []);
    const rows = (await listAll(session)).flat();
    assert.deepEqual(rows.map((r) => r.locator), [`${db.schema}.events:{"id":1,"region":"EU"}`, `${db.schema}.events:{"id":2,"region":"US"}`]);
  });

  it('names a row trigger of the parent once, not once per partition, and refuses a partition that inherits it', async (t) => {
    const db = await freshSchema(t, [
      'CREATE TABLE log (id integer PRIMARY KEY)',
      'CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELETE FROM log; RETURN OLD; END $$',
      'CREATE TABLE m (id integer PRIMARY KEY) PARTITION BY RANGE (id)',
      'CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (10)',
      'CREATE TABLE m2 PARTITION OF m FOR VALUES FROM (10) TO (20)',
      'CREATE TRIGGER m_on_delete AFTER DELETE ON m FOR EACH ROW EXECUTE FUNCTION f()',
    ]);
    assert.deepEqual((await refusedWith(db, whole(db, 'm'))).get('$.scope.table'), [
      `trigger "m_on_delete" runs on DELETE from ${db.schema}.m and may change rows that nobody recorded`,
    ]);
    assert.match((await refusedWith(db, whole(db, 'm1'))).get('$.scope.table')!.join('\n'), /trigger "m_on_delete" runs on DELETE/);
  });

  // (A partitioned table with a primary key cannot have a foreign partition; a foreign table can inherit.)
  it('names the DELETE triggers of inheritance children, and refuses a child that is a foreign table', async (t) => {
    const db = await freshSchema(t, [
      'CREATE TABLE log (id integer PRIMARY KEY)',
      'CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELETE FROM log; RETURN OLD; END $$',
      'CREATE TABLE parent (id integer PRIMARY KEY)',
      'CREATE TABLE kid (extra text) INHERITS (parent)',
      'CREATE TRIGGER kid_on_delete AFTER DELETE ON kid FOR EACH ROW EXECUTE FUNCTION f()',
    ]);
    const kid = (await refusedWith(db, whole(db, 'parent'))).get('$.scope.table')!.join('\n');
    assert.match(kid, /inherited by \S+\.kid/);
    assert.match(kid, new RegExp(`trigger "kid_on_delete" on ${db.schema}\\.kid`));
    const fdw = `sp_fdw_${randomBytes(4).toString('hex')}`;
    await db.q(`CREATE FOREIGN DATA WRAPPER ${fdw}`);
    db.cleanups.push(() => db.q(`DROP FOREIGN DATA WRAPPER ${fdw} CASCADE`));
    await db.q(`CREATE SERVER ${fdw}_srv FOREIGN DATA WRAPPER ${fdw}`);
    await db.q('DROP TABLE kid');
    await db.q(`CREATE FOREIGN TABLE kid_remote () INHERITS (parent) SERVER ${fdw}_srv`);
    assert.match((await refusedWith(db, whole(db, 'parent'))).get('$.scope.table')!.join('\n'), /kid_remote is a foreign table/);
  });

  it('refuses the system schemas, pg_catalog and information_schema above all, before reading their catalog', async (t) => {
    const db = await freshSchema(t, []);
    for (const table of ['pg_catalog.pg_class', 'pg_catalog.pg_authid', 'pg_catalog.pg_database', 'information_schema.sql_features', 'pg_toast.pg_toast_1262', 'PG_CATALOG.pg_class']) {
      const problems = await refusedWith(db, { table, where: [{ column: 'oid', op: 'eq', value: 1 }] });
      assert.match(problems.get('$.scope.table')?.join('\n') ?? '', /is a system schema/, table);
    }
    const other = new PostgresBackend({ name: 'pg-catalog-default', connectionString: URL, defaultSchema: 'pg_catalog' });
    t.after(() => other.close());
    await assert.rejects(other.openTarget({ table: 'pg_class', where: [], allowWholeTable: true }, []), (e: unknown) => e instanceof ValidationError && /system schema/.test(e.fields[0]!.problem));
    assert.ok((await db.q('SELECT count(*)::int AS n FROM pg_catalog.pg_class')).rows[0].n > 0);
  });
});

describe('PostgresBackend: errors and configuration', () => {
  it('classifies SQLSTATEs: serialization, deadlock, shutdown, connection loss are transient; permission denied is permanent', () => {
    const c = (e: unknown) => postgresDialect.classifyError(e);
    for (const code of ['40001', '40P01', '57P01', '08006', '55P03']) assert.equal(c(Object.assign(new Error('x'), { code })).transient, true, code);
    assert.deepEqual(
      { ...c(Object.assign(new Error('permission denied for table users'), { code: '42501' })), message: '' },
      { code: '42501', transient: false, data: false, message: '' },
    );
    assert.equal(c(new Error('Connection terminated unexpectedly')).transient, true);
    assert.equal(c(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })).transient, true);
    assert.equal(c(new TypeError('bug')).transient, false);
    assert.equal(c(Object.assign(new Error('bad'), { code: '22P02' })).data, true);
  });

  it('fails openTarget with a connection error (not a ValidationError) when the server cannot be reached', async (t) => {
    const backend = new PostgresBackend({ name: 'down', connectionString: 'postgres://postgres@127.0.0.1:1/test' });
    t.after(() => backend.close());
    await assert.rejects(backend.openTarget({ table: 'public.x', where: [], allowWholeTable: true }, []), (e: Error) => !('fields' in e));
  });

  it('builds the backend from its config and the environment, naming a missing variable but never printing the URL', () => {
    const cfg = PostgresBackendConfig.parse({ kind: 'postgres', urlEnv: 'SP_TEST_PG_URL', poolSize: 2 });
    assert.throws(() => createPostgresBackend('db', cfg, {}), /SP_TEST_PG_URL/);
    assert.equal(PostgresBackendConfig.safeParse({ kind: 'postgres', urlEnv: 'X', url: 'postgres://u:secret@h/db' }).success, false);
    const b = createPostgresBackend('db', cfg, { SP_TEST_PG_URL: URL });
    assert.equal(b.kind, 'postgres');
    assert.equal(b.method, 'sql-delete');
    return b.close();
  });
});
