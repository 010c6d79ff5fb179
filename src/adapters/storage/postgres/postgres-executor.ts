// SqlExecutor over a pg Pool. Every type parser is off (values arrive in
// PostgreSQL's text form, nothing rounded), and each connection starts with
// fixed settings so that the text forms are the documented ones whatever the
// server's or role's defaults are.

import pg from 'pg';
import type { RawRow, SqlExecutor } from '../sql/dialect.js';

/** Session settings the canonical row form depends on (docs/backends/sql.md). */
export const SESSION_OPTIONS = [
  'TimeZone=UTC',
  'DateStyle=ISO,YMD',
  'IntervalStyle=postgres',
  'bytea_output=hex',
  'extra_float_digits=1',
  'standard_conforming_strings=on',
  // A row lock held elsewhere fails the batch transiently instead of hanging the worker.
  'lock_timeout=10000',
]
  .map((s) => `-c ${s}`)
  .join(' ');

const TEXT: pg.CustomTypesConfig = { getTypeParser: (() => (value: string) => value) as unknown as pg.CustomTypesConfig['getTypeParser'] };

export interface PgExecutorOptions {
  connectionString: string;
  poolSize?: number;
  /** Told about errors of idle connections (the pool replaces them). */
  onError?: (e: Error) => void;
}

type Queryable = Pick<pg.PoolClient, 'query'>;

async function run(q: Queryable, sql: string, params: readonly (string | null)[]): Promise<{ rows: RawRow[]; rowCount: number }> {
  const r = await q.query<unknown[]>({ text: sql, values: [...params], rowMode: 'array', types: TEXT });
  return { rows: r.rows, rowCount: r.rowCount ?? 0 };
}

export class PgExecutor implements SqlExecutor {
  private readonly pool: pg.Pool;

  constructor(options: PgExecutorOptions) {
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 4,
      options: SESSION_OPTIONS,
      application_name: 'shredproof',
      connectionTimeoutMillis: 10_000,
    });
    // Without a listener an idle connection's error would crash the process.
    this.pool.on('error', (e) => options.onError?.(e));
  }

  query(sql: string, params: readonly (string | null)[]): Promise<{ rows: RawRow[]; rowCount: number }> {
    return run(this.pool, sql, params);
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    // A checked-out client emits connection errors itself; unheard, they would crash the process.
    // The statement in flight rejects with the same error, which is what the caller sees.
    const onError = (e: Error) => {
      broken = e;
    };
    client.on('error', onError);
    const tx: SqlExecutor = {
      query: (sql, params) => run(client, sql, params),
      transaction: () => Promise.reject(new Error('nested transactions are not supported')),
      close: () => Promise.resolve(),
    };
    try {
      await client.query('BEGIN');
      const result = await fn(tx);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError as Error; // the connection is unusable: drop it from the pool
      }
      throw e;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
