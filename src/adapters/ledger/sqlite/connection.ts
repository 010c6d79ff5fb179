// One connection to the ledger file (better-sqlite3, WAL), shared by every
// store in this folder: opened with its file mode and pragmas, migrated, with
// one statement cache and one transaction helper. Only the coordinator (and
// `shredproof token`) opens it.
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StateConflictError } from '../../../app/errors.js';
import { migrate } from './migrations.js';
import { type Prepare, statementCache } from './statements.js';

export class LedgerConnection {
  readonly db: Database.Database;
  /** Prepared once, reused (./statements.ts). */
  readonly sql: Prepare;

  constructor(path: string) {
    if (path !== ':memory:') {
      // Token hashes and the audit log: only the owner reads them. SQLite gives the -wal and -shm
      // files the mode of the database file, so creating that one 0600 covers all three.
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      closeSync(openSync(path, 'a', 0o600));
      chmodSync(path, 0o600);
    }
    this.db = new Database(path);
    // Before the migrations: they take the write lock, and another process may hold it for a moment.
    this.db.pragma('busy_timeout = 5000');
    try {
      migrate(this.db); // first: a file from a newer shredproof is refused before anything is changed
    } catch (e) {
      this.db.close();
      throw e;
    }
    this.db.pragma('journal_mode = WAL');
    // FULL: a commit survives power loss. Outcomes reach the ledger only here.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.sql = statementCache(this.db);
  }

  /**
   * Runs `f` in one transaction. Every write transaction here is BEGIN
   * IMMEDIATE: it takes the write lock first and waits (busy_timeout) for
   * another process to release it. A deferred one that reads first fails at
   * once with SQLITE_BUSY when it tries to upgrade while `shredproof token`
   * writes to the same file. Nested in another transaction, it is part of it.
   */
  atomically<T>(f: () => T): T {
    return this.db.transaction(f).immediate();
  }

  /** The row number of an order; throws StateConflictError when there is no such order. */
  orderNum(id: string): number {
    const r = this.sql('SELECT num FROM orders WHERE id = ?').get(id) as { num: number } | undefined;
    if (!r) throw new StateConflictError(`no order ${id}`, undefined);
    return r.num;
  }

  close(): void {
    this.db.close();
  }
}
