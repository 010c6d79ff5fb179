// The SQLite adapter of the StorageBackend port: the SQL core with the SQLite
// dialect over one better-sqlite3 connection to an existing database file.
// Destroys rows with DELETE by primary key ('sql-delete') in BEGIN IMMEDIATE
// transactions; the connection runs with PRAGMA secure_delete = ON.

import { SqlBackend } from '../sql/sql-backend.js';
import { sqliteDialect } from './sqlite-dialect.js';
import { SqliteExecutor } from './sqlite-executor.js';

export interface SqliteBackendOptions {
  name: string;
  /** Path of the database file; it must exist. */
  path: string;
  busyTimeoutMs?: number;
  pageSize?: number;
  batchSize?: number;
}

export const SQLITE_PERSISTENCE: readonly string[] = [
  "this backend's connection runs with PRAGMA secure_delete = ON, so the cells it deletes are overwritten with zeros in the database file's pages it writes; content deleted earlier by connections without secure_delete stays in free pages and free space inside pages until VACUUM (which writes a new file through the journal) or until reused",
  'in WAL mode the -wal file holds the page images written before the deletion (with the rows) until a checkpoint copies the pages back and later transactions overwrite the WAL from its start; a rollback journal (-journal) is deleted, truncated or zeroed after each transaction depending on journal_mode, and its bytes may remain in the filesystem\'s free blocks',
  'the filesystem and the disk may keep old copies of overwritten blocks (copy-on-write filesystems, snapshots, SSD wear leveling): the zeroing is not a media sanitization',
  'backups and copies of the database file (sqlite3 .backup, VACUUM INTO, Litestream or other replication, file copies, volume snapshots) taken before the deletion keep the rows',
  'this is a logical delete, not a NIST SP 800-88 Clear or Purge',
];

export class SqliteBackend extends SqlBackend {
  constructor(options: SqliteBackendOptions) {
    if (typeof options.path !== 'string' || options.path.length === 0) throw new TypeError(`sqlite backend ${options.name}: path is missing`);
    super({
      name: options.name,
      kind: 'sqlite',
      dialect: sqliteDialect,
      executor: new SqliteExecutor({ path: options.path, ...(options.busyTimeoutMs !== undefined ? { busyTimeoutMs: options.busyTimeoutMs } : {}) }),
      persistence: SQLITE_PERSISTENCE,
      defaultSchema: 'main',
      ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
      ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    });
  }
}
