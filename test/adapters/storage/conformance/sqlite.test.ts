// The conformance suite against the SqliteBackend, on a fresh database file in
// a temp dir per case. Transient faults are real: failNext takes an EXCLUSIVE
// lock on the file from a second connection (the database stays in rollback
// journal mode, where an exclusive lock keeps readers out too), so the
// backend's next statements meet SQLITE_BUSY after its 20 ms busy timeout,
// exactly as they would with another writer; the lock is released shortly after.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteBackend } from '../../../../src/adapters/storage/sqlite/sqlite-backend.js';
import type { BackendFixture } from './fixture.js';
import { runConformance } from './suite.js';

/** Row content of a seed: body length varies, and every seventh body is NULL. */
function rowOf(name: string, seed: number): { name: string; kind: string; seed: number; body: string | null; big: bigint } {
  const body = seed % 7 === 0 ? null : `${'é\n"'.repeat(seed % 13)}body-${seed}`;
  return { name, kind: name.split('/')[0]!, seed, body, big: 9007199254740993n + BigInt(seed) };
}

/** The canonical form written out by hand: INTEGER beyond 2^53 as a decimal string, small INTEGER as a number. */
function canonicalOf(r: ReturnType<typeof rowOf>): string {
  return `{"big":"${r.big}","body":${r.body === null ? 'null' : JSON.stringify(r.body)},"kind":${JSON.stringify(r.kind)},"name":${JSON.stringify(r.name)},"seed":${r.seed}}`;
}

async function sqliteFixture(): Promise<BackendFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'sp-sqlite-conf-'));
  const path = join(dir, 'store.db');
  const admin = new Database(path);
  admin.defaultSafeIntegers(true);
  admin.exec('CREATE TABLE objects (name TEXT PRIMARY KEY, kind TEXT NOT NULL, seed INTEGER NOT NULL, body TEXT, big INTEGER NOT NULL)');
  const locker = new Database(path);
  locker.pragma('busy_timeout = 0');
  const backend = new SqliteBackend({ name: 'lite', path, busyTimeoutMs: 20, pageSize: 5 });
  const table = 'main.objects';
  const timers = new Set<NodeJS.Timeout>();
  const nameOf = (locator: string): string => {
    const prefix = `${table}:`;
    if (!locator.startsWith(prefix)) throw new Error(`not a locator of ${table}: ${locator}`);
    return (JSON.parse(locator.slice(prefix.length)) as { name: string }).name;
  };
  return {
    backend,
    scope: { table: 'objects', where: [{ column: 'kind', op: 'in', values: ['in', 'held'] }] },
    hold: { id: 'hold-1', reason: 'litigation', target: 'lite', match: { where: [{ column: 'kind', op: 'eq', value: 'held' }] } },
    badScopes: [
      { label: 'not an object', scope: 'objects' },
      { label: 'unknown table', scope: { table: 'nope', where: [{ column: 'kind', op: 'eq', value: 'in' }] } },
      { label: 'attached schema', scope: { table: 'temp.objects', where: [{ column: 'kind', op: 'eq', value: 'in' }] } },
      { label: 'unknown column', scope: { table, where: [{ column: 'knd', op: 'eq', value: 'in' }] } },
      { label: 'empty prefix', scope: { table, where: [{ column: 'name', op: 'prefix', value: '' }] } },
      { label: 'bad op', scope: { table, where: [{ column: 'kind', op: 'like', value: 'in%' }] } },
      { label: 'wrong value type', scope: { table, where: [{ column: 'seed', op: 'eq', value: 'ten' }] } },
      { label: 'whole table without allowWholeTable', scope: { table, where: [] } },
      { label: 'raw SQL in where', scope: { table, where: "kind = 'in'" } },
    ],
    async seed(objects) {
      const insert = admin.prepare('INSERT INTO objects (name, kind, seed, body, big) VALUES (?, ?, ?, ?, ?)');
      return objects.map(({ name, seed }) => {
        const r = rowOf(name, seed);
        insert.run(r.name, r.kind, r.seed, r.body, r.big);
        const text = canonicalOf(r);
        return { locator: `${table}:${JSON.stringify({ name })}`, sha256: createHash('sha256').update(text, 'utf8').digest('hex'), size: Buffer.byteLength(text) };
      });
    },
    async exists(locator) {
      return admin.prepare('SELECT 1 FROM objects WHERE name = ?').get(nameOf(locator)) !== undefined;
    },
    async mutate(locator) {
      if (admin.prepare("UPDATE objects SET body = coalesce(body, '') || '!' WHERE name = ?").run(nameOf(locator)).changes !== 1) throw new Error(`mutate: no row ${locator}`);
    },
    async remove(locator) {
      if (admin.prepare('DELETE FROM objects WHERE name = ?').run(nameOf(locator)).changes !== 1) throw new Error(`remove: no row ${locator}`);
    },
    async failNext(n) {
      // Another connection holds the whole file for a while: n is approximated by time (about one call per 100 ms).
      locker.exec('BEGIN EXCLUSIVE');
      const timer = setTimeout(
        () => {
          timers.delete(timer);
          if (locker.inTransaction) locker.exec('COMMIT');
        },
        100 * Math.max(1, n),
      );
      timers.add(timer);
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      if (locker.inTransaction) locker.exec('ROLLBACK');
      await backend.close();
      locker.close();
      admin.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

runConformance('sqlite', sqliteFixture);
