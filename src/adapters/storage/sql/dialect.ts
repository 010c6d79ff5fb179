// What a SQL database adapter must provide beyond the dialect-independent core
// (filter model, catalog checks, canonical rows, batching, sessions). A new
// database (MariaDB with mysql2, SQLite with better-sqlite3) is one SqlDialect
// plus one SqlExecutor; nothing else changes.

import type { JsonValue } from '@shredproof/verify';

/**
 * Column kinds the core knows: they decide which filter operations and value
 * types a column accepts, and (through the dialect) the canonical JSON form.
 */
export type ColumnKind =
  | 'int16'
  | 'int32'
  | 'int64'
  | 'integer' // any width up to 64 bits whose JSON is a number when safe (|n| < 2^53), else a decimal string (SQLite)
  | 'numeric'
  | 'float'
  | 'boolean'
  | 'text' // variable-length text: every filter op
  | 'fixed-text' // blank-padded char(n): no prefix
  | 'bytes'
  | 'date'
  | 'timestamp'
  | 'timestamptz'
  | 'json'
  | 'uuid'
  | 'array'
  | 'other';

export interface ColumnInfo {
  name: string;
  kind: ColumnKind;
  /** The dialect's SQL type for casts, taken from the catalog (never from an order). */
  sqlType: string;
  /** For arrays: the element column. */
  element?: ColumnInfo;
}

export interface ReferencingForeignKey {
  /** 'schema.table' of the referencing table. */
  table: string;
  constraint: string;
  /** What a DELETE here does there. */
  onDelete: 'cascade' | 'set-null' | 'set-default';
}

export interface TableInfo {
  schema: string;
  name: string;
  /** 'table' or 'partitioned' can be destroyed from; anything else is refused. */
  relation: 'table' | 'partitioned' | 'view' | 'other';
  /** In the catalog's column order. */
  columns: ColumnInfo[];
  /** Primary key column names, in key order; empty when there is none. */
  primaryKey: string[];
  /** Foreign keys in other tables (or this one) whose ON DELETE changes rows. */
  changingForeignKeys: ReferencingForeignKey[];
  /**
   * Triggers, rules or the like that run on DELETE and may change other rows:
   * the table's own, and those of every partition and inheritance child a
   * DELETE from it reaches (`on` names that relation).
   */
  deleteHooks: Array<{ kind: 'trigger' | 'rule'; name: string; on?: string }>;
  /** Tables that inherit from this one (a primary key is not unique across them). */
  inheritedBy: string[];
  /** Other reasons the dialect refuses to destroy from this table (e.g. a storage engine without transactions). */
  refusals?: string[];
  /**
   * False when the server has no `DELETE ... RETURNING` (MySQL, MariaDB before
   * 10.5): the session then offers no consume(), and the engine hashes and
   * destroys in two passes. Absent means it has one.
   */
  deleteReturning?: boolean;
}

/** Raw values as the driver returns them with every type parser off (text forms, or null). */
export type RawRow = readonly unknown[];

export interface SqlExecutor {
  /** Runs one statement; `params` are bound, never interpolated. */
  query(sql: string, params: readonly (string | null)[]): Promise<{ rows: RawRow[]; rowCount: number }>;
  /** Runs `fn` in one transaction on one connection; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface ClassifiedError {
  /** SQLSTATE when the server gave one, else a client-side code. */
  code: string;
  message: string;
  transient: boolean;
  /** A data error (bad value for a type): retrying the batch item by item isolates it. */
  data: boolean;
}

export interface SqlDialect {
  readonly name: string;
  /** Quotes one identifier that the catalog has confirmed. */
  quoteIdent(name: string): string;
  /** A bind placeholder for parameter `n` (1-based), typed as `column` where the dialect needs it. */
  param(n: number, column: ColumnInfo): string;
  /**
   * Optional: the placeholder for a value of an order's condition (scope, holds) when it must
   * compare more strictly than a key value (MariaDB: a binary collation, while key values use
   * the column's own collation, consistent with ORDER BY). Defaults to `param`.
   */
  filterParam?(n: number, column: ColumnInfo): string;
  /** Optional: the column expression compared in an order's condition (SQLite: `col COLLATE BINARY`, since `IN` takes the left side's collation). Defaults to the column. */
  filterColumn?(columnSql: string, column: ColumnInfo): string;
  /** Optional: `left IN (tuples)` for a composite key (SQLite needs `IN (VALUES ...)`). Defaults to `left IN (t1, t2, ...)`. */
  inTuples?(left: string, tuples: readonly string[]): string;
  /** SQL that is true when `columnSql` matches the pattern bound at `paramSql` (made by escapeLike), case- and accent-sensitively. */
  prefixMatch(columnSql: string, paramSql: string): string;
  /** The LIKE pattern matching values that start with `prefix`: metacharacters escaped, then a trailing wildcard. */
  escapeLike(prefix: string): string;
  /** Row locking clause for a SELECT in destroy that locks the rows of the table aliased `alias` (and only those). */
  lockRows(alias: string): string;
  /**
   * A derived table of literal rows with named columns, aliased: PostgreSQL
   * `(VALUES (a, b), (c, d)) AS r(n, k0)`; MySQL 8 `(VALUES ROW(a, b), ...) AS r(n, k0)`;
   * SQLite `(SELECT column1 AS n, column2 AS k0 FROM (VALUES (a, b), ...)) AS r`.
   */
  valuesTable(rows: readonly (readonly string[])[], alias: string, columns: readonly string[]): string;
  /** Reads the table's catalog entry; undefined when there is no such table. */
  loadTable(exec: SqlExecutor, schema: string, table: string): Promise<TableInfo | undefined>;
  /** Asks the server whether each value converts to the column's type; a problem per bad value (by index). */
  checkValues(exec: SqlExecutor, column: ColumnInfo, values: readonly string[]): Promise<Map<number, string>>;
  /** The canonical JSON value of one raw column value (see docs/backends/sql.md). */
  toJson(column: ColumnInfo, raw: unknown): JsonValue;
  classifyError(e: unknown): ClassifiedError;
}
