// SqlExecutor over one better-sqlite3 connection to a database file. The
// driver is synchronous; each call runs whole inside one promise, and calls
// are serialized (a transaction's statements never interleave with another
// caller's). Integers arrive as bigint (safeIntegers), so nothing is rounded.
// Destroy transactions are BEGIN IMMEDIATE: the write lock is taken before
// the rows are read, so they cannot change before the DELETE.

import Database from 'better-sqlite3';
import type { RawRow, SqlExecutor } from '../sql/dialect.js';

export interface SqliteExecutorOptions {
  /** Path of an existing database file (it is never created). */
  path: string;
  /** How long a statement waits for another connection's lock before SQLITE_BUSY (a transient error). Default 1000 ms; the wait blocks the event loop. */
  busyTimeoutMs?: number;
}

const STATEMENT_CACHE = 64;

export class SqliteExecutor implements SqlExecutor {
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private tail: Promise<unknown> = Promise.resolve();

  constructor(options: SqliteExecutorOptions) {
    this.db = new Database(options.path, { fileMustExist: true });
    this.db.defaultSafeIntegers(true);
    this.db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 1000))}`);
    // Restricting foreign keys protect their rows (SQLITE_CONSTRAINT_FOREIGNKEY) as the application expects.
    this.db.pragma('foreign_keys = ON');
    // Our deletes overwrite the deleted content with zeros in the pages they write (docs/backends/sql.md).
    this.db.pragma('secure_delete = ON');
  }

  private run(sql: string, params: readonly (string | null)[]): { rows: RawRow[]; rowCount: number } {
    let st = this.statements.get(sql);
    if (st) this.statements.delete(sql);
    else st = this.db.prepare(sql);
    this.statements.set(sql, st);
    if (this.statements.size > STATEMENT_CACHE) this.statements.delete(this.statements.keys().next().value!);
    if (st.reader) {
      const rows = st.raw(true).all(...params) as RawRow[];
      return { rows, rowCount: rows.length };
    }
    return { rows: [], rowCount: st.run(...params).changes };
  }

  /** Runs `fn` after every earlier call has finished. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }

  query(sql: string, params: readonly (string | null)[]): Promise<{ rows: RawRow[]; rowCount: number }> {
    return this.serial(async () => this.run(sql, params));
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.serial(async () => {
      const tx: SqlExecutor = {
        query: async (sql, params) => this.run(sql, params),
        transaction: () => Promise.reject(new Error('nested transactions are not supported')),
        close: () => Promise.resolve(),
      };
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(tx);
        this.db.exec('COMMIT');
        return result;
      } catch (e) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw e;
      }
    });
  }

  async close(): Promise<void> {
    await this.serial(async () => {
      this.statements.clear();
      this.db.close();
    });
  }
}
