// The PostgreSQL adapter of the StorageBackend port: the SQL core with the
// PostgreSQL dialect over a pg Pool. Destroys rows with DELETE by primary key
// ('sql-delete'), and can VACUUM a target's table afterwards as a recorded
// post-step (see vacuum()).

import type { HoldSpec } from '../../../app/ports/storage-backend.js';
import { SqlBackend } from '../sql/sql-backend.js';
import { postgresDialect } from './postgres-dialect.js';
import { PgExecutor } from './postgres-executor.js';

export interface PostgresBackendOptions {
  name: string;
  /** Connection URL (may carry a password: never log it). */
  connectionString: string;
  poolSize?: number;
  /** Schema of an unqualified table name (default 'public'; search_path is not consulted). */
  defaultSchema?: string;
  pageSize?: number;
  batchSize?: number;
  onError?: (e: Error) => void;
}

export const POSTGRES_PERSISTENCE: readonly string[] = [
  'DELETE marks rows dead; their tuples stay in the table heap (and its TOAST table) until VACUUM makes the space reusable, and the bytes stay in the data files until new rows overwrite them; VACUUM FULL writes a new file and unlinks the old one without overwriting it',
  'index entries pointing at deleted rows stay in index pages until VACUUM removes them; index pages keep the key values until overwritten',
  'the write-ahead log (WAL) holds the rows as written and the deletes; WAL segments stay until checkpoints recycle them, and archived WAL (PITR) keeps them as long as the archive does',
  'physical replicas keep the rows until they replay the deletes (delayed replicas later), and their own dead tuples until their VACUUM',
  'logical replication subscribers, change-data-capture consumers (Debezium, wal2json) and anything they fed keep their copies; a DELETE reaches them only if they replicate deletes',
  'backups (pg_dump files, base backups, volume snapshots) taken before the deletion keep the rows',
  'the server log, pg_stat_statements and temporary files may hold values that appeared in statements or sorts',
  'this is a logical delete, not a NIST SP 800-88 Clear or Purge: no overwrite, no cryptographic erase',
];

/**
 * PostgreSQL's own schemas: the catalogs (pg_catalog, whose tables have had
 * primary keys since PostgreSQL 14), TOAST and temporary schemas (the prefix
 * pg_ is reserved for them) and information_schema. An order never reaches
 * into them; any other schema is the account's to grant.
 */
export function postgresSchemaProblem(schema: string): string | undefined {
  if (schema.toLowerCase().startsWith('pg_') || schema.toLowerCase() === 'information_schema') {
    return `${schema} is a system schema: orders may only name tables of the application's schemas`;
  }
  return undefined;
}

export interface VacuumReport {
  step: 'postgres-vacuum';
  table: string;
  startedAt: string;
  finishedAt: string;
}

export class PostgresBackend extends SqlBackend {
  constructor(options: PostgresBackendOptions) {
    if (typeof options.connectionString !== 'string' || options.connectionString.length === 0) {
      throw new TypeError(`postgres backend ${options.name}: the connection URL is missing`);
    }
    super({
      name: options.name,
      kind: 'postgres',
      dialect: postgresDialect,
      executor: new PgExecutor({
        connectionString: options.connectionString,
        ...(options.poolSize !== undefined ? { poolSize: options.poolSize } : {}),
        ...(options.onError ? { onError: options.onError } : {}),
      }),
      persistence: POSTGRES_PERSISTENCE,
      defaultSchema: options.defaultSchema ?? 'public',
      schemaProblem: postgresSchemaProblem,
      ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
      ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    });
  }

  /**
   * Optional post-step after an order's execution: plain VACUUM of the target's
   * table, which makes the dead tuples' space reusable (it does not overwrite
   * them, and does nothing for WAL, replicas or backups). The scope is
   * validated as in openTarget; the table name in the statement is the
   * catalog's, quoted. VACUUM cannot run inside a transaction block.
   */
  async vacuum(scope: unknown, holds: readonly HoldSpec[] = [], now: () => Date = () => new Date()): Promise<VacuumReport> {
    const target = await this.compile(scope, holds);
    const table = `${postgresDialect.quoteIdent(target.table.schema)}.${postgresDialect.quoteIdent(target.table.name)}`;
    const startedAt = now().toISOString();
    await this.executor.query(`VACUUM ${table}`, []);
    return { step: 'postgres-vacuum', table: `${target.table.schema}.${target.table.name}`, startedAt, finishedAt: now().toISOString() };
  }
}
