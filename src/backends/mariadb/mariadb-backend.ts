// The MariaDB (and MySQL-family) adapter of the StorageBackend port: the SQL
// core with the MariaDB dialect over a mysql2 pool. Destroys rows with DELETE
// by primary key ('sql-delete') inside a transaction that locks them first.

import { SqlBackend } from '../sql/sql-backend.js';
import { mariadbDialect } from './mariadb-dialect.js';
import { MariadbExecutor } from './mariadb-executor.js';

export interface MariadbBackendOptions {
  name: string;
  /** mysql://user:password@host:port/database (may carry a password: never log it). */
  url: string;
  poolSize?: number;
  /** Database of an unqualified table name (default: the URL's database). */
  defaultSchema?: string;
  pageSize?: number;
  batchSize?: number;
}

export const MARIADB_PERSISTENCE: readonly string[] = [
  'InnoDB only delete-marks a row; purge removes it later (after no open transaction can still see it), and the bytes stay in the tablespace pages (and in secondary-index pages) until new rows overwrite them; OPTIMIZE TABLE rebuilds the file without overwriting the old one',
  'the InnoDB undo log keeps the before-image of every deleted row until purge; undo tablespaces (or the system tablespace ibdata1) keep the bytes until they are reused or truncated',
  'the InnoDB redo log (ib_logfile) holds the rows as written and the deletes until the circular log overwrites them; the doublewrite buffer may hold copies of pages',
  'the binary log, in ROW format, holds the full before-image of each deleted row (and earlier inserts and updates) until the binlogs expire or are purged (binlog_expire_logs_seconds / expire_logs_days), and anything that archived them keeps them',
  'replicas keep the rows until they apply the deletes (delayed replicas later, replicas with replication filters or skipped errors maybe never), and their own binlogs, undo and redo logs as above; change-data-capture consumers (Debezium, Maxwell) keep their copies',
  'backups (mariadb-dump/mysqldump files, mariabackup/xtrabackup copies, volume snapshots) taken before the deletion keep the rows',
  'the general query log, slow query log, audit plugin logs and temporary files may hold values that appeared in statements or sorts',
  'this is a logical delete, not a NIST SP 800-88 Clear or Purge: no overwrite, no cryptographic erase',
];

/** The database named by a mysql:// URL's path, or undefined. */
export function databaseOfUrl(url: string): string | undefined {
  try {
    const db = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
    return db.length > 0 ? db : undefined;
  } catch {
    return undefined;
  }
}

export class MariadbBackend extends SqlBackend {
  constructor(options: MariadbBackendOptions) {
    if (typeof options.url !== 'string' || options.url.length === 0) throw new TypeError(`mariadb backend ${options.name}: the connection URL is missing`);
    const defaultSchema = options.defaultSchema ?? databaseOfUrl(options.url);
    if (defaultSchema === undefined) throw new TypeError(`mariadb backend ${options.name}: the connection URL names no database (mysql://user@host:3306/database)`);
    super({
      name: options.name,
      kind: 'mariadb',
      dialect: mariadbDialect,
      executor: new MariadbExecutor({ url: options.url, ...(options.poolSize !== undefined ? { poolSize: options.poolSize } : {}) }),
      persistence: MARIADB_PERSISTENCE,
      defaultSchema,
      ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
      ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    });
  }
}
