// The MariaDB (and MySQL-family) adapter of the StorageBackend port: the SQL
// core with the MariaDB dialect over a mysql2 pool. Destroys rows with DELETE
// by primary key ('sql-delete') inside a transaction that locks them first.
// Confined to the database its URL names: the account may well reach other
// databases (`other_db.t`, `mysql.user`), and an order must not (issue 11).

import { SqlBackend } from '../sql/sql-backend.js';
import { mariadbDialect } from './mariadb-dialect.js';
import { MariadbExecutor } from './mariadb-executor.js';

export interface MariadbBackendOptions {
  name: string;
  /** mysql://user:password@host:port/database (may carry a password: never log it). */
  url: string;
  poolSize?: number;
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

/** The server's own databases: never a backend's, never an order's. */
export const MARIADB_SYSTEM_DATABASES: ReadonlySet<string> = new Set(['mysql', 'information_schema', 'performance_schema', 'sys']);

/**
 * Why a scope may not name a table in `schema`: only the URL's database is
 * allowed, written or not ('t' or 'db.t'). Database names compare exactly (as
 * on Linux); on a server that folds their case, a differently cased name is
 * refused, which is the safe side.
 */
export function mariadbSchemaProblem(database: string, schema: string, qualified: boolean): string | undefined {
  if (MARIADB_SYSTEM_DATABASES.has(schema.toLowerCase())) return `${schema} is a system database: this backend works only in ${database}, its URL's database`;
  if (qualified && schema !== database) {
    return `names database ${JSON.stringify(schema)}; this backend works only in ${JSON.stringify(database)}, its URL's database (write the table name alone)`;
  }
  return undefined;
}

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
    const database = databaseOfUrl(options.url);
    if (database === undefined) throw new TypeError(`mariadb backend ${options.name}: the connection URL names no database (mysql://user@host:3306/database)`);
    if (MARIADB_SYSTEM_DATABASES.has(database.toLowerCase())) {
      throw new TypeError(`mariadb backend ${options.name}: the connection URL names the system database ${database}; name the application's database`);
    }
    super({
      name: options.name,
      kind: 'mariadb',
      dialect: mariadbDialect,
      executor: new MariadbExecutor({ url: options.url, ...(options.poolSize !== undefined ? { poolSize: options.poolSize } : {}) }),
      persistence: MARIADB_PERSISTENCE,
      defaultSchema: database,
      schemaProblem: (schema, qualified) => mariadbSchemaProblem(database, schema, qualified),
      ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
      ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    });
  }
}
