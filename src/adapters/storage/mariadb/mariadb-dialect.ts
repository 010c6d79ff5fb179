// The MariaDB dialect of the SQL core: backtick quoting (only of names the
// catalog confirmed), `?` placeholders with explicit casts, the catalog from
// information_schema (through bind parameters, names compared exactly),
// value checks, the type mapping (mariadb-types.ts) and error classification
// by MariaDB error number.

import type { JsonValue } from '@shredproof/verify';
import type { ClassifiedError, ColumnInfo, ReferencingForeignKey, SqlDialect, SqlExecutor, TableInfo } from '../sql/dialect.js';
import { decimalFits, filterParam, intRange, isMariaColumn, keyParam, kindOfMariaType, mariaToJson, type MariaColumn } from './mariadb-types.js';

const TABLE = `SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?`;

const COLUMNS = `
SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, CHARACTER_SET_NAME, COLLATION_NAME, NUMERIC_PRECISION, NUMERIC_SCALE
FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`;

const PRIMARY_KEY = `
SELECT COLUMN_NAME FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX`;

// Only constraints on tables this account has some privilege on are visible (see docs: known gap).
const CHANGING_FKS = `
SELECT CONSTRAINT_NAME, CONSTRAINT_SCHEMA, TABLE_NAME, DELETE_RULE, UNIQUE_CONSTRAINT_SCHEMA, REFERENCED_TABLE_NAME
FROM information_schema.REFERENTIAL_CONSTRAINTS
WHERE UNIQUE_CONSTRAINT_SCHEMA = ? AND REFERENCED_TABLE_NAME = ? AND DELETE_RULE IN ('CASCADE', 'SET NULL', 'SET DEFAULT')
ORDER BY CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME`;

// Only triggers of tables on which this account has the TRIGGER privilege are visible (see docs: known gap).
const DELETE_TRIGGERS = `
SELECT TRIGGER_NAME, EVENT_OBJECT_SCHEMA, EVENT_OBJECT_TABLE FROM information_schema.TRIGGERS
WHERE EVENT_OBJECT_SCHEMA = ? AND EVENT_OBJECT_TABLE = ? AND EVENT_MANIPULATION LIKE '%DELETE%' ORDER BY TRIGGER_NAME`;

const CHECKS = `SELECT CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?`;

const ON_DELETE: Record<string, ReferencingForeignKey['onDelete']> = { CASCADE: 'cascade', 'SET NULL': 'set-null', 'SET DEFAULT': 'set-default' };

/** Error numbers worth retrying: deadlock, lock wait timeout, the server going away or shutting down, too many connections, interrupted or timed-out statements. */
const TRANSIENT_ERRNOS = new Set([1205, 1213, 1040, 1053, 1077, 1079, 1152, 1153, 1158, 1159, 1160, 1161, 1317, 1927, 1969, 2002, 2003, 2006, 2013, 2055, 4031]);
/** Client-side codes of a lost or unreachable connection. */
const CONNECTION_CODES = new Set(['PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

const str = (v: unknown): string => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v));
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(str(v)));

/**
 * Whether a server of this VERSION() has `DELETE ... RETURNING`: MariaDB from
 * 10.5 ("10.11.19-MariaDB-0+deb12u1"); MySQL ("8.0.36") has none.
 */
export function hasDeleteReturning(version: string): boolean {
  const m = /^(\d+)\.(\d+)\.\d+-MariaDB/i.exec(version);
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > 10 || (major === 10 && minor >= 5);
}

/** Quotes a MariaDB identifier: backticks, embedded backticks doubled. */
export function quoteMariaIdent(name: string): string {
  if (name.includes('\0')) throw new TypeError('identifier contains NUL');
  return `\`${name.replace(/`/g, '``')}\``;
}

const DATE_CAST: Partial<Record<string, string>> = { date: 'DATE', datetime: 'DATETIME(6)', timestamp: 'DATETIME(6)' };
const ZONE = /(Z|[+-][0-9]{2}(:?[0-9]{2})?)$/;

export const mariadbDialect: SqlDialect = {
  name: 'mariadb',
  quoteIdent: quoteMariaIdent,
  param: (_n: number, column: ColumnInfo) => keyParam(column),
  filterParam: (_n: number, column: ColumnInfo) => filterParam(column),
  // By code point on both sides, whatever the column's collation; '!' escapes the metacharacters.
  prefixMatch: (columnSql: string, paramSql: string) =>
    `CONVERT(${columnSql} USING utf8mb4) COLLATE utf8mb4_nopad_bin LIKE CONVERT(${paramSql} USING utf8mb4) COLLATE utf8mb4_nopad_bin ESCAPE '!'`,
  escapeLike: (value: string) => `${value.replace(/[!%_]/g, (c) => `!${c}`)}%`,
  // MariaDB has no FOR UPDATE OF: the derived table of keys holds no rows to lock, so this locks the table's rows only.
  lockRows: () => 'FOR UPDATE',
  valuesTable: (rows, alias, columns) => {
    const [first, ...rest] = rows;
    const head = `SELECT ${first!.map((v, i) => `${v} AS ${columns[i]}`).join(', ')}`;
    return `(${[head, ...rest.map((r) => `SELECT ${r.join(', ')}`)].join(' UNION ALL ')}) AS ${alias}`;
  },

  async loadTable(exec: SqlExecutor, schema: string, name: string): Promise<TableInfo | undefined> {
    const { rows } = await exec.query(TABLE, [schema, name]);
    // information_schema may compare names case-insensitively: names are exact here
    const row = rows.find((r) => str(r[0]) === schema && str(r[1]) === name);
    if (!row) return undefined;
    const type = str(row[2]);
    const engine = row[3] === null ? null : str(row[3]);
    const relation = type === 'BASE TABLE' || type === 'SYSTEM VERSIONED' ? 'table' : type === 'VIEW' ? 'view' : 'other';
    const [cols, pk, fks, triggers, checks, version] = await Promise.all([
      exec.query(COLUMNS, [schema, name]),
      exec.query(PRIMARY_KEY, [schema, name]),
      exec.query(CHANGING_FKS, [schema, name]),
      exec.query(DELETE_TRIGGERS, [schema, name]),
      exec.query(CHECKS, [schema, name]),
      exec.query('SELECT VERSION()', []),
    ]);
    const checkByName = new Map(checks.rows.map((r) => [str(r[0]), str(r[1])]));
    const refusals: string[] = [];
    if (type === 'SYSTEM VERSIONED') refusals.push('it is system-versioned: DELETE moves rows into its history instead of removing them');
    if (relation === 'table' && engine !== 'InnoDB') {
      refusals.push(`its storage engine ${engine ?? 'unknown'} has no transactions or row locks (only InnoDB is supported): a row could change between the fingerprint check and the DELETE`);
    }
    return {
      schema,
      name,
      relation,
      columns: cols.rows.map((r): MariaColumn => {
        const colName = str(r[0]);
        const dataType = str(r[1]).toLowerCase();
        const columnType = str(r[2]);
        const unsigned = /\bunsigned\b/i.test(columnType);
        // MariaDB's JSON is LONGTEXT with the column check json_valid(`c`): only then is it parsed as JSON.
        const isJson = dataType === 'longtext' && checkByName.get(colName) === `json_valid(${quoteMariaIdent(colName)})`;
        return {
          name: colName,
          sqlType: columnType,
          kind: kindOfMariaType(dataType, unsigned, isJson),
          dataType,
          unsigned,
          charset: r[3] === null ? null : str(r[3]),
          collation: r[4] === null ? null : str(r[4]),
          precision: num(r[5]),
          scale: num(r[6]),
        };
      }),
      primaryKey: pk.rows.map((r) => str(r[0])),
      changingForeignKeys: fks.rows
        .filter((r) => str(r[4]) === schema && str(r[5]) === name)
        .map((r) => ({ constraint: str(r[0]), table: `${str(r[1])}.${str(r[2])}`, onDelete: ON_DELETE[str(r[3])]! })),
      deleteHooks: triggers.rows.filter((r) => str(r[1]) === schema && str(r[2]) === name).map((r) => ({ kind: 'trigger' as const, name: str(r[0]) })),
      inheritedBy: [],
      refusals,
      deleteReturning: hasDeleteReturning(str(version.rows[0]?.[0] ?? '')),
    };
  },

  /**
   * MariaDB's casts never fail (they warn, truncate or wrap around), so a value
   * is checked here against the column's exact type: integers by the type's
   * range, decimals by precision and scale (no rounding), floats finite, dates
   * and datetimes by the server's CAST (NULL = not a valid value), time zones
   * only Z or +00:00 (a CAST ignores any offset).
   */
  async checkValues(exec: SqlExecutor, column: ColumnInfo, values: readonly string[]): Promise<Map<number, string>> {
    const bad = new Map<number, string>();
    if (!isMariaColumn(column)) return bad;
    const range = intRange(column);
    const dateCast = DATE_CAST[column.dataType];
    const pending: number[] = [];
    values.forEach((v, i) => {
      if (range) {
        if (!/^-?(0|[1-9][0-9]*)$/.test(v)) bad.set(i, `must be an integer for ${column.sqlType}`);
        else if (BigInt(v) < range[0] || BigInt(v) > range[1]) bad.set(i, `out of range for ${column.sqlType}`);
      } else if (column.dataType === 'decimal') {
        if (!decimalFits(v, column.precision ?? 65, column.scale ?? 0)) bad.set(i, `not exactly representable in ${column.sqlType} (no rounding is done)`);
      } else if (column.kind === 'float') {
        if (!Number.isFinite(Number(v)) || !/^-?[0-9]/.test(v)) bad.set(i, `must be a finite number for ${column.sqlType} (MariaDB has no NaN or Infinity)`);
      } else if (dateCast) {
        const zone = ZONE.exec(v)?.[1];
        if (column.kind === 'timestamptz' && zone !== undefined && zone !== 'Z' && !/^\+00:?(00)?$/.test(zone)) {
          bad.set(i, `give ${column.sqlType} values in UTC (Z or +00:00)`);
        } else pending.push(i);
      }
    });
    for (let start = 0; start < pending.length; start += 1000) {
      const chunk = pending.slice(start, start + 1000);
      const { rows } = await exec.query(`SELECT ${chunk.map(() => `CAST(? AS ${dateCast})`).join(', ')}`, chunk.map((i) => values[i]!));
      chunk.forEach((i, k) => {
        if (rows[0]?.[k] === null || rows[0]?.[k] === undefined) bad.set(i, `not a valid ${column.sqlType}`);
      });
    }
    return bad;
  },

  toJson: (column: ColumnInfo, raw: unknown): JsonValue => mariaToJson(column, raw),

  classifyError(e: unknown): ClassifiedError {
    const err = e as { errno?: unknown; code?: unknown; sqlState?: unknown; fatal?: unknown; message?: unknown; sqlMessage?: unknown } | null;
    const message = String(err?.sqlMessage ?? err?.message ?? e).slice(0, 300);
    const errno = typeof err?.errno === 'number' ? err.errno : undefined;
    const code = typeof err?.code === 'string' ? err.code : undefined;
    const state = typeof err?.sqlState === 'string' ? err.sqlState : '';
    if (errno !== undefined && errno >= 1000 && errno < 5000 && !(code !== undefined && CONNECTION_CODES.has(code))) {
      // A server error: its number is the code (1142 denied, 1451 a restricting foreign key).
      const cls = state.slice(0, 2);
      return { code: String(errno), message, transient: TRANSIENT_ERRNOS.has(errno) || cls === '08', data: cls === '22' || cls === '23' };
    }
    if (e instanceof TypeError || e instanceof RangeError || e instanceof SyntaxError) return { code: 'INTERNAL', message, transient: false, data: false };
    if ((e as { name?: unknown } | null)?.name === 'ValidationError') return { code: 'ROW_NOT_REPRESENTABLE', message, transient: false, data: false };
    // Anything else is the connection (reset, refused, closed, a fatal protocol error).
    return { code: code ?? 'CONNECTION_ERROR', message, transient: true, data: false };
  },
};
