// The conformance suite against the MariadbBackend, on a fresh database
// (sp_conf_<random>) per case in the machine's MariaDB (MARIADB_TEST_URL,
// default mysql://root@127.0.0.1:3306/test). A server that is down fails the
// run; it is never skipped. The backend talks to the server through a
// loopback TCP proxy owned by the fixture, so that failNext breaks real
// connections: a transient fault met exactly as a network reset would be.
import { createHash, randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { MariadbBackend } from '../../../../src/adapters/storage/mariadb/mariadb-backend.js';
import type { BackendFixture } from './fixture.js';
import { faultyProxy } from '../../../helpers/faulty-proxy.js';
import { runConformance } from './suite.js';

const BASE = process.env.MARIADB_TEST_URL ?? 'mysql://root@127.0.0.1:3306/test';

/** Row content of a seed: body length varies, and every seventh body is NULL. */
function rowOf(name: string, seed: number): { name: string; kind: string; seed: number; body: string | null; big: string } {
  const body = seed % 7 === 0 ? null : `${'é\n"'.repeat(seed % 13)}body-${seed}`;
  return { name, kind: name.split('/')[0]!, seed, body, big: String(9007199254740993n + BigInt(seed)) };
}

/**
 * The canonical form written out by hand, independently of the backend's
 * canonicalize(): members in code-unit order (big, body, kind, name, seed),
 * bigint as a decimal string, int as a number.
 */
function canonicalOf(r: ReturnType<typeof rowOf>): string {
  return `{"big":${JSON.stringify(r.big)},"body":${r.body === null ? 'null' : JSON.stringify(r.body)},"kind":${JSON.stringify(r.kind)},"name":${JSON.stringify(r.name)},"seed":${r.seed}}`;
}

async function mariadbFixture(): Promise<BackendFixture> {
  const db = `sp_conf_${randomBytes(6).toString('hex')}`;
  let admin: mysql.Connection;
  try {
    admin = await mysql.createConnection({ uri: BASE });
  } catch (e) {
    throw new Error(`MariaDB is not reachable at ${BASE} (start it, e.g. 'service mariadb start', or set MARIADB_TEST_URL): ${(e as Error).message}`);
  }
  await admin.query(`CREATE DATABASE ${db}`);
  let proxy: Awaited<ReturnType<typeof faultyProxy>>;
  const base = new URL(BASE);
  try {
    await admin.query(`CREATE TABLE ${db}.objects (name varchar(64) PRIMARY KEY, kind varchar(16) NOT NULL, seed int NOT NULL, body text, big bigint NOT NULL) ENGINE=InnoDB`);
    proxy = await faultyProxy(base, 3306);
  } catch (e) {
    await admin.query(`DROP DATABASE ${db}`).finally(() => admin.end());
    throw e;
  }
  const url = new URL(BASE);
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  url.pathname = `/${db}`;
  const backend = new MariadbBackend({ name: 'maria', url: url.href, poolSize: 2, pageSize: 5 });
  const table = `${db}.objects`;
  const nameOf = (locator: string): string => {
    const prefix = `${table}:`;
    if (!locator.startsWith(prefix)) throw new Error(`not a locator of ${table}: ${locator}`);
    return (JSON.parse(locator.slice(prefix.length)) as { name: string }).name;
  };
  const affected = async (sql: string, params: unknown[]) => ((await admin.query(sql, params))[0] as mysql.ResultSetHeader).affectedRows;
  return {
    backend,
    scope: { table, where: [{ column: 'kind', op: 'in', values: ['in', 'held'] }] },
    hold: { id: 'hold-1', reason: 'litigation', target: 'maria', match: { where: [{ column: 'kind', op: 'eq', value: 'held' }] } },
    badScopes: [
      { label: 'not an object', scope: 'objects' },
      { label: 'unknown table', scope: { table: `${db}.nope`, where: [{ column: 'kind', op: 'eq', value: 'in' }] } },
      { label: 'unknown column', scope: { table, where: [{ column: 'knd', op: 'eq', value: 'in' }] } },
      { label: 'empty prefix', scope: { table, where: [{ column: 'name', op: 'prefix', value: '' }] } },
      { label: 'bad op', scope: { table, where: [{ column: 'kind', op: 'like', value: 'in%' }] } },
      { label: 'wrong value type', scope: { table, where: [{ column: 'seed', op: 'eq', value: 'ten' }] } },
      { label: 'whole table without allowWholeTable', scope: { table, where: [] } },
      { label: 'raw SQL in where', scope: { table, where: "kind = 'in'" } },
      { label: 'backtick in the table name', scope: { table: `${db}.objects\` WHERE 1 --`, where: [{ column: 'kind', op: 'eq', value: 'in' }] } },
    ],
    async seed(objects) {
      const out = [];
      for (const { name, seed } of objects) {
        const r = rowOf(name, seed);
        await admin.query(`INSERT INTO ${table} (name, kind, seed, body, big) VALUES (?, ?, ?, ?, ?)`, [r.name, r.kind, r.seed, r.body, r.big]);
        const text = canonicalOf(r);
        out.push({ locator: `${table}:${JSON.stringify({ name })}`, sha256: createHash('sha256').update(text, 'utf8').digest('hex'), size: Buffer.byteLength(text) });
      }
      return out;
    },
    async exists(locator) {
      const [rows] = await admin.query(`SELECT 1 FROM ${table} WHERE name = ?`, [nameOf(locator)]);
      return (rows as unknown[]).length === 1;
    },
    async mutate(locator) {
      if ((await affected(`UPDATE ${table} SET body = CONCAT(COALESCE(body, ''), '!') WHERE name = ?`, [nameOf(locator)])) !== 1) throw new Error(`mutate: no row ${locator}`);
    },
    async remove(locator) {
      if ((await affected(`DELETE FROM ${table} WHERE name = ?`, [nameOf(locator)])) !== 1) throw new Error(`remove: no row ${locator}`);
    },
    async failNext(n) {
      proxy.failNext(n);
    },
    async close() {
      await backend.close();
      await proxy.close();
      try {
        await admin.query(`DROP DATABASE ${db}`);
      } finally {
        await admin.end();
      }
    },
  };
}

runConformance('mariadb', mariadbFixture);
