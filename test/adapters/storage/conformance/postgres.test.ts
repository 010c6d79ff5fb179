// The conformance suite against the PostgresBackend, on a fresh schema per
// case in the machine's PostgreSQL (PG_TEST_URL, default
// postgres://postgres@127.0.0.1:5432/test). A server that is down fails the
// run; it is never skipped. The backend talks to the server through a
// loopback TCP proxy owned by the fixture, so that failNext breaks real
// connections: a transient fault met exactly as a network reset would be.
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { PostgresBackend } from '../../../../src/adapters/storage/postgres/postgres-backend.js';
import type { BackendFixture } from './fixture.js';
import { faultyProxy } from '../../../helpers/faulty-proxy.js';
import { runConformance } from './suite.js';

const PG_URL = process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Row content of a seed: body length varies, and every seventh body is NULL. */
function rowOf(name: string, seed: number): { name: string; kind: string; seed: number; body: string | null; big: string } {
  const body = seed % 7 === 0 ? null : `${'é\n"'.repeat(seed % 13)}body-${seed}`;
  return { name, kind: name.split('/')[0]!, seed, body, big: String(9007199254740993n + BigInt(seed)) };
}

/**
 * The canonical form written out by hand, independently of the backend's
 * canonicalize(): members in code-unit order (big, body, kind, name, seed),
 * int8 as a decimal string, int4 as a number; JSON.stringify escapes these
 * strings exactly as RFC 8785 does.
 */
function canonicalOf(r: ReturnType<typeof rowOf>): string {
  return `{"big":${JSON.stringify(r.big)},"body":${r.body === null ? 'null' : JSON.stringify(r.body)},"kind":${JSON.stringify(r.kind)},"name":${JSON.stringify(r.name)},"seed":${r.seed}}`;
}

async function postgresFixture(): Promise<BackendFixture> {
  const schema = `sp_conf_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  try {
    await admin.connect();
  } catch (e) {
    throw new Error(`PostgreSQL is not reachable at ${PG_URL} (start it, e.g. 'service postgresql start', or set PG_TEST_URL): ${(e as Error).message}`);
  }
  await admin.query(`CREATE SCHEMA ${schema}`);
  let proxy: Awaited<ReturnType<typeof faultyProxy>>;
  try {
    await admin.query(`CREATE TABLE ${schema}.objects (name text PRIMARY KEY, kind text NOT NULL, seed integer NOT NULL, body text, big bigint NOT NULL)`);
    proxy = await faultyProxy(new URL(PG_URL), 5432);
  } catch (e) {
    // close() will never be called: clean up here
    await admin.query(`DROP SCHEMA ${schema} CASCADE`).finally(() => admin.end());
    throw e;
  }
  const backend = new PostgresBackend({ name: 'pg', connectionString: proxy.url, poolSize: 2, pageSize: 5 });
  const table = `${schema}.objects`;
  const nameOf = (locator: string): string => {
    const prefix = `${table}:`;
    if (!locator.startsWith(prefix)) throw new Error(`not a locator of ${table}: ${locator}`);
    return (JSON.parse(locator.slice(prefix.length)) as { name: string }).name;
  };
  return {
    backend,
    scope: { table, where: [{ column: 'kind', op: 'in', values: ['in', 'held'] }] },
    hold: { id: 'hold-1', reason: 'litigation', target: 'pg', match: { where: [{ column: 'kind', op: 'eq', value: 'held' }] } },
    badScopes: [
      { label: 'not an object', scope: 'objects' },
      { label: 'unknown table', scope: { table: `${schema}.nope`, where: [{ column: 'kind', op: 'eq', value: 'in' }] } },
      { label: 'unknown column', scope: { table, where: [{ column: 'knd', op: 'eq', value: 'in' }] } },
      { label: 'empty prefix', scope: { table, where: [{ column: 'name', op: 'prefix', value: '' }] } },
      { label: 'bad op', scope: { table, where: [{ column: 'kind', op: 'like', value: 'in%' }] } },
      { label: 'wrong value type', scope: { table, where: [{ column: 'seed', op: 'eq', value: 'ten' }] } },
      { label: 'whole table without allowWholeTable', scope: { table, where: [] } },
      { label: 'raw SQL in where', scope: { table, where: "kind = 'in'" } },
    ],
    async seed(objects) {
      const out = [];
      for (const { name, seed } of objects) {
        const r = rowOf(name, seed);
        await admin.query(`INSERT INTO ${table} (name, kind, seed, body, big) VALUES ($1, $2, $3, $4, $5)`, [r.name, r.kind, r.seed, r.body, r.big]);
        const text = canonicalOf(r);
        out.push({ locator: `${table}:${JSON.stringify({ name })}`, sha256: createHash('sha256').update(text, 'utf8').digest('hex'), size: Buffer.byteLength(text) });
      }
      return out;
    },
    async exists(locator) {
      const r = await admin.query(`SELECT 1 FROM ${table} WHERE name = $1`, [nameOf(locator)]);
      return r.rowCount === 1;
    },
    async mutate(locator) {
      const r = await admin.query(`UPDATE ${table} SET body = coalesce(body, '') || '!' WHERE name = $1`, [nameOf(locator)]);
      if (r.rowCount !== 1) throw new Error(`mutate: no row ${locator}`);
    },
    async remove(locator) {
      const r = await admin.query(`DELETE FROM ${table} WHERE name = $1`, [nameOf(locator)]);
      if (r.rowCount !== 1) throw new Error(`remove: no row ${locator}`);
    },
    async failNext(n) {
      proxy.failNext(n);
    },
    async close() {
      await backend.close();
      await proxy.close();
      try {
        await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      } finally {
        await admin.end();
      }
    },
  };
}

runConformance('postgres', postgresFixture);
