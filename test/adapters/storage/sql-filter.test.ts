// Validation of SQL scopes and holds: shape (pure) and catalog (against the
// machine's PostgreSQL, a fresh schema per test). Tests assert paths and
// codes, not messages, except where a message must name a table or constraint.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it, type TestContext } from 'node:test';
import pg from 'pg';
import { PostgresBackend } from '../../../src/adapters/storage/postgres/postgres-backend.js';
import { holdShapeProblems, scopeShapeProblems } from '../../../src/adapters/storage/sql/filter-model.js';
import { ValidationError } from '../../../packages/verify/src/core/errors.js';
import type { HoldSpec } from '../../../src/app/ports/storage-backend.js';

const URL = process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Db {
  schema: string;
  admin: pg.Client;
  backend: PostgresBackend;
}

async function freshSchema(t: TestContext, ddl: string[] = []): Promise<Db> {
  const schema = `sp_filter_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: URL });
  await admin.connect().catch((e: Error) => {
    throw new Error(`PostgreSQL is not reachable at ${URL} (start it or set PG_TEST_URL): ${e.message}`);
  });
  await admin.query(`CREATE SCHEMA ${schema}; SET search_path = ${schema}`);
  await admin.query(`CREATE TABLE users (id integer PRIMARY KEY, email text, region varchar(8), code char(3), score numeric, big bigint, flag boolean,
    uid uuid, born date, seen timestamptz, data jsonb, tags text[], photo bytea)`);
  for (const d of ddl) await admin.query(d);
  const backend = new PostgresBackend({ name: 'pg', connectionString: URL, poolSize: 2 });
  t.after(async () => {
    await backend.close();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  });
  return { schema, admin, backend };
}

async function problemsOf(db: Db, scope: unknown, holds: readonly HoldSpec[] = []): Promise<Map<string, string>> {
  const e = await db.backend.openTarget(scope, holds).then(
    () => undefined,
    (err: unknown) => err,
  );
  assert.ok(e instanceof ValidationError, `expected a ValidationError, got ${String(e)}`);
  return new Map(e.fields.map((f) => [f.path, f.problem]));
}

const hold = (where: unknown, id = 'h1'): HoldSpec => ({ id, reason: 'litigation', target: 'pg', match: { where } });

describe('SQL filter shape (no database)', () => {
  it('names every bad field of a scope at once', () => {
    const problems = scopeShapeProblems({
      table: '',
      where: [
        { column: 'a', op: 'eq' },
        { column: 7, op: 'in', values: [] },
        { column: 'b', op: 'prefix', value: '' },
        { column: 'c', op: 'between', value: 1 },
        { column: 'd', op: 'range', value: { gte: 1, gt: 2, lt: null } },
        { column: 'e', op: 'in', values: [1, {}, null] },
        'x = 1',
      ],
      extra: true,
    });
    assert.deepEqual(problems.map((p) => p.path).sort(), [
      '$.scope.extra',
      '$.scope.table',
      '$.scope.where[0].value',
      '$.scope.where[1].column',
      '$.scope.where[1].values',
      '$.scope.where[2].value',
      '$.scope.where[3].op',
      '$.scope.where[4].value',
      '$.scope.where[4].value.lt',
      '$.scope.where[5].values[1]',
      '$.scope.where[5].values[2]',
      '$.scope.where[6]',
    ].sort());
    assert.equal(problems.filter((p) => p.path === '$.scope.where[4].value').length, 1, 'gte and gt together');
  });

  it('refuses an empty where unless allowWholeTable, and an empty prefix unless allowEmptyPrefix', () => {
    assert.deepEqual(scopeShapeProblems({ table: 't', where: [] }).map((p) => p.path), ['$.scope.where']);
    assert.deepEqual(scopeShapeProblems({ table: 't', where: [], allowWholeTable: true }), []);
    assert.deepEqual(scopeShapeProblems({ table: 't', where: [{ column: 'a', op: 'prefix', value: '', allowEmptyPrefix: true }] }), []);
    assert.deepEqual(scopeShapeProblems({ table: 't', where: 'id = 1' }).map((p) => p.path), ['$.scope.where']);
  });

  it('names the bad fields of holds', () => {
    const problems = holdShapeProblems([{ id: '', match: { where: [{ column: 'a', op: 'eq', value: [1] }] } }, { id: 'x', match: { include: ['**'] } }]);
    assert.deepEqual(problems.map((p) => p.path).sort(), ['$.holds[0].id', '$.holds[0].match.where[0].value', '$.holds[1].match.include', '$.holds[1].match.where'].sort());
  });
});

describe('SQL filter against the PostgreSQL catalog', () => {
  it('accepts a valid scope and holds over every filterable type', async (t) => {
    const db = await freshSchema(t);
    const session = await db.backend.openTarget(
      {
        table: `${db.schema}.users`,
        where: [
          { column: 'email', op: 'prefix', value: 'a%_!' },
          { column: 'id', op: 'range', value: { gte: 1, lt: '100' } },
          { column: 'big', op: 'in', values: ['9007199254740993', 5] },
          { column: 'score', op: 'eq', value: '1.50' },
          { column: 'flag', op: 'eq', value: true },
          { column: 'uid', op: 'eq', value: '6F9619FF-8B86-D011-B42D-00C04FC964FF' },
          { column: 'born', op: 'range', value: { gt: '2000-01-01' } },
          { column: 'seen', op: 'range', value: { lte: '2024-01-02T03:04:05.5Z' } },
          { column: 'code', op: 'eq', value: 'ab' },
        ],
      },
      [hold([{ column: 'region', op: 'in', values: ['EU', 'UK'] }])],
    );
    await session.close();
  });

  it('names every bad field at once: unknown column, bad op, empty prefix, wrong value types, bad hold column', async (t) => {
    const db = await freshSchema(t);
    const problems = await problemsOf(
      db,
      {
        table: `${db.schema}.users`,
        where: [
          { column: 'nope', op: 'eq', value: 1 },
          { column: 'email', op: 'prefix', value: '' },
          { column: 'id', op: 'like', value: '1%' },
          { column: 'id', op: 'eq', value: 'abc' },
          { column: 'flag', op: 'eq', value: 1 },
          { column: 'id', op: 'prefix', value: '1' },
          { column: 'id', op: 'in', values: [1, 3_000_000_000, 2.5] },
          { column: 'born', op: 'eq', value: '2024-02-30' },
          { column: 'data', op: 'eq', value: '{}' },
          { column: 'uid', op: 'eq', value: 'not-a-uuid' },
        ],
      },
      [hold([{ column: 'ghost', op: 'eq', value: 'x' }])],
    );
    assert.deepEqual([...problems.keys()].sort(), [
      '$.holds[0].match.where[0].column',
      '$.scope.where[0].column',
      '$.scope.where[1].value',
      '$.scope.where[2].op',
      '$.scope.where[3].value',
      '$.scope.where[4].value',
      '$.scope.where[5].op',
      '$.scope.where[6].values[1]',
      '$.scope.where[6].values[2]',
      '$.scope.where[7].value', // a date the server's own cast refuses
      '$.scope.where[8].op',
      '$.scope.where[9].value',
    ]);
  });

  it('refuses an unknown table, together with the other problems', async (t) => {
    const db = await freshSchema(t);
    const problems = await problemsOf(db, { table: `${db.schema}.nope`, where: [{ column: 'a', op: 'eq' }] });
    assert.deepEqual([...problems.keys()].sort(), ['$.scope.table', '$.scope.where[0].value']);
    // Names are exact: no case folding, no search_path.
    assert.ok((await problemsOf(db, { table: `${db.schema}.USERS`, where: [], allowWholeTable: true })).has('$.scope.table'));
    assert.ok((await problemsOf(db, { table: 'users', where: [], allowWholeTable: true })).has('$.scope.table'));
    assert.ok((await problemsOf(db, { table: 'a.b.c', where: [], allowWholeTable: true })).has('$.scope.table'));
  });

  it('refuses a table without a primary key, a view, and an inherited table', async (t) => {
    const db = await freshSchema(t, [
      'CREATE TABLE nopk (a integer, b text)',
      'CREATE VIEW v AS SELECT id FROM users',
      'CREATE TABLE parent (id integer PRIMARY KEY)',
      'CREATE TABLE kid () INHERITS (parent)',
      'CREATE TABLE fpk (x double precision, y bytea, PRIMARY KEY (y))',
    ]);
    for (const [table, pattern] of [
      ['nopk', /no primary key/],
      ['v', /view/],
      ['parent', /inherited by .*kid/],
      ['fpk', /cannot be named in a locator/],
    ] as const) {
      const problems = await problemsOf(db, { table: `${db.schema}.${table}`, where: [], allowWholeTable: true });
      assert.match(problems.get('$.scope.table') ?? '', pattern, table);
    }
  });

  it('refuses ON DELETE CASCADE / SET NULL / SET DEFAULT foreign keys, naming the referencing table and constraint; NO ACTION passes', async (t) => {
    const db = await freshSchema(t, [
      'CREATE TABLE orders (id integer PRIMARY KEY, user_id integer CONSTRAINT orders_user_fk REFERENCES users(id) ON DELETE CASCADE)',
      'CREATE TABLE notes (id integer PRIMARY KEY, user_id integer CONSTRAINT notes_user_fk REFERENCES users(id) ON DELETE SET NULL)',
      'CREATE TABLE audit (id integer PRIMARY KEY, user_id integer CONSTRAINT audit_user_fk REFERENCES users(id))',
    ]);
    const e = await db.backend.openTarget({ table: `${db.schema}.users`, where: [{ column: 'id', op: 'eq', value: 1 }] }, []).catch((err: unknown) => err);
    assert.ok(e instanceof ValidationError);
    const messages = e.fields.filter((f) => f.path === '$.scope.table').map((f) => f.problem);
    assert.equal(messages.length, 2, messages.join('\n'));
    assert.ok(messages.some((m) => m.includes('orders_user_fk') && m.includes(`${db.schema}.orders`) && m.includes('CASCADE')));
    assert.ok(messages.some((m) => m.includes('notes_user_fk') && m.includes(`${db.schema}.notes`) && m.includes('SET NULL')));
    // the referencing tables themselves may be targets
    await (await db.backend.openTarget({ table: `${db.schema}.orders`, where: [], allowWholeTable: true }, [])).close();
  });

  it('refuses a self-referencing cascade, DELETE triggers and DELETE rules', async (t) => {
    const db = await freshSchema(t, [
      'CREATE TABLE tree (id integer PRIMARY KEY, parent integer CONSTRAINT tree_parent_fk REFERENCES tree(id) ON DELETE CASCADE)',
      'CREATE TABLE log (id integer PRIMARY KEY)',
      'CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELETE FROM log; RETURN OLD; END $$',
      'CREATE TRIGGER users_on_delete AFTER DELETE ON users FOR EACH ROW EXECUTE FUNCTION f()',
      'CREATE TABLE ruled (id integer PRIMARY KEY)',
      'CREATE RULE keep AS ON DELETE TO ruled DO INSTEAD NOTHING',
      'CREATE TABLE upd (id integer PRIMARY KEY)',
      'CREATE TRIGGER upd_on_update AFTER UPDATE ON upd FOR EACH ROW EXECUTE FUNCTION f()',
    ]);
    const whole = (table: string) => ({ table: `${db.schema}.${table}`, where: [], allowWholeTable: true });
    assert.match((await problemsOf(db, whole('tree'))).get('$.scope.table') ?? '', /tree_parent_fk/);
    assert.match((await problemsOf(db, whole('users'))).get('$.scope.table') ?? '', /trigger "users_on_delete"/);
    assert.match((await problemsOf(db, whole('ruled'))).get('$.scope.table') ?? '', /rule "keep"/);
    await (await db.backend.openTarget(whole('upd'), [])).close(); // an UPDATE trigger does not fire on DELETE
  });

  it('treats SQL in identifiers as names that do not exist, and never runs it', async (t) => {
    const db = await freshSchema(t);
    const problems = await problemsOf(
      db,
      { table: `${db.schema}.users; DROP TABLE ${db.schema}.users; --`, where: [{ column: 'id', op: 'eq', value: 1 }] },
      [],
    );
    assert.ok(problems.has('$.scope.table'));
    const p2 = await problemsOf(db, {
      table: `${db.schema}.users`,
      where: [
        { column: 'id" = 1 OR 1=1 --', op: 'eq', value: 1 },
        { column: 'id) OR (1=1', op: 'in', values: [1] },
      ],
    });
    assert.deepEqual([...p2.keys()].sort(), ['$.scope.where[0].column', '$.scope.where[1].column']);
    const alive = await db.admin.query(`SELECT count(*) FROM ${db.schema}.users`);
    assert.equal(alive.rowCount, 1);
  });

  it('allows the whole table only with allowWholeTable, and an empty prefix only with allowEmptyPrefix', async (t) => {
    const db = await freshSchema(t);
    assert.ok((await problemsOf(db, { table: `${db.schema}.users`, where: [] })).has('$.scope.where'));
    await (await db.backend.openTarget({ table: `${db.schema}.users`, where: [], allowWholeTable: true }, [])).close();
    await (await db.backend.openTarget({ table: `${db.schema}.users`, where: [{ column: 'email', op: 'prefix', value: '', allowEmptyPrefix: true }] }, [])).close();
  });
});
