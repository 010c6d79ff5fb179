// SqlExecutor over a mysql2 pool. Statements are server-side prepared
// (execute): every value is a real bind parameter. The typeCast hands over
// numbers and dates in the server's own text form and every string or binary
// value as its raw bytes (decoded by the dialect, per column), so nothing
// loses precision (bigint, decimal, float) or passes through a JS Date. Each
// connection gets fixed session settings before its first statement, so the
// forms are the documented ones whatever the server's or account's defaults.

import mysql from 'mysql2/promise';
import type { RawRow, SqlExecutor } from '../sql/dialect.js';
import { shortestFloat32 } from './mariadb-types.js';

/**
 * Session settings the canonical row form and the locking depend on:
 * UTC for TIMESTAMP, a sql_mode without PAD_CHAR_TO_FULL_LENGTH, ANSI_QUOTES,
 * ORACLE, EMPTY_STRING_IS_NULL or NO_BACKSLASH_ESCAPES (whatever the server's
 * default), no row limit on SELECT, and a 10 s lock wait (error 1205, transient).
 */
export const SESSION_SQL =
  "SET NAMES utf8mb4, time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION', " +
  'innodb_lock_wait_timeout = 10, sql_select_limit = 18446744073709551615, autocommit = 1';

interface CastField {
  type: string;
  string(encoding?: string): string | null;
  buffer(): Buffer | null;
}

/** Numbers and dates as text, everything else as bytes (strings are decoded per column by the dialect). */
function typeCast(field: CastField, next: () => unknown): unknown {
  switch (field.type) {
    case 'TINY':
    case 'SHORT':
    case 'LONG':
    case 'INT24':
    case 'LONGLONG': // a decimal string (bigNumberStrings)
    case 'YEAR':
    case 'DOUBLE': {
      const v = next();
      return v === null ? null : String(v); // a double's String() is its shortest round-trip text
    }
    case 'FLOAT': {
      const v = next();
      return v === null ? null : shortestFloat32(Number(v)); // what MariaDB prints for the 32-bit value
    }
    case 'DATE':
    case 'NEWDATE':
    case 'DATETIME':
    case 'TIMESTAMP':
    case 'TIME':
    case 'DECIMAL':
    case 'NEWDECIMAL':
      return field.string();
    default:
      return field.buffer();
  }
}

export interface MariadbExecutorOptions {
  /** mysql://user:password@host:port/database (never logged). */
  url: string;
  poolSize?: number;
}

type Conn = mysql.PoolConnection;

/** mysql2 marks errors after which the connection is unusable as fatal. */
const isFatal = (e: unknown): boolean => (e as { fatal?: unknown } | null)?.fatal === true;

async function run(conn: Conn, sql: string, params: readonly (string | null)[]): Promise<{ rows: RawRow[]; rowCount: number }> {
  const [result] = await conn.execute({ sql, values: [...params], rowsAsArray: true });
  if (Array.isArray(result)) return { rows: result as unknown as RawRow[], rowCount: result.length };
  return { rows: [], rowCount: (result as mysql.ResultSetHeader).affectedRows };
}

export class MariadbExecutor implements SqlExecutor {
  private readonly pool: mysql.Pool;
  /** Connections (the driver's own objects) whose session settings are in place. */
  private readonly ready = new WeakSet<object>();

  constructor(options: MariadbExecutorOptions) {
    this.pool = mysql.createPool({
      uri: options.url,
      connectionLimit: options.poolSize ?? 4,
      typeCast: typeCast as unknown as mysql.PoolOptions['typeCast'],
      supportBigNumbers: true,
      bigNumberStrings: true,
      dateStrings: true,
      charset: 'utf8mb4_general_ci',
      connectTimeout: 10_000,
      multipleStatements: false,
      // prepared statements stay cached per connection; the server's max_prepared_stmt_count is global
      maxPreparedStatements: 128,
      enableKeepAlive: true,
    });
  }

  private async acquire(): Promise<Conn> {
    const conn = await this.pool.getConnection();
    const core = (conn as unknown as { connection: object }).connection;
    if (!this.ready.has(core)) {
      try {
        await conn.query(SESSION_SQL);
      } catch (e) {
        conn.destroy(); // never hand out a connection without the fixed settings
        throw e;
      }
      this.ready.add(core);
    }
    return conn;
  }

  async query(sql: string, params: readonly (string | null)[]): Promise<{ rows: RawRow[]; rowCount: number }> {
    const conn = await this.acquire();
    try {
      const r = await run(conn, sql, params);
      conn.release();
      return r;
    } catch (e) {
      if (isFatal(e)) conn.destroy();
      else conn.release();
      throw e;
    }
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const conn = await this.acquire();
    const tx: SqlExecutor = {
      query: (sql, params) => run(conn, sql, params),
      transaction: () => Promise.reject(new Error('nested transactions are not supported')),
      close: () => Promise.resolve(),
    };
    let broken = false;
    try {
      await conn.query('START TRANSACTION');
      const result = await fn(tx);
      await conn.query('COMMIT');
      return result;
    } catch (e) {
      broken = isFatal(e);
      if (!broken) {
        try {
          await conn.query('ROLLBACK');
        } catch {
          broken = true; // the connection is unusable: drop it from the pool
        }
      }
      throw e;
    } finally {
      if (broken) conn.destroy();
      else conn.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
