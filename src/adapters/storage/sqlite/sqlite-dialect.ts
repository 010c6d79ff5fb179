// The SQLite dialect of the SQL core: double-quote quoting (only of names the
// catalog confirmed), `?` placeholders (SQLite's affinity rules convert the
// bound text to the column's type), the catalog from sqlite_master and the
// table-valued pragmas, the per-value type mapping (sqlite-types.ts) and
// classification of SQLite result codes. There is one schema, `main`.

import type { JsonValue } from '@shredproof/verify';
import type { ClassifiedError, ColumnInfo, ReferencingForeignKey, SqlDialect, SqlExecutor, TableInfo } from '../sql/dialect.js';
import { kindOfDeclaredType, sqliteToJson } from './sqlite-types.js';

const TABLE = `SELECT type, name, sql FROM main.sqlite_master WHERE name = ? AND type IN ('table', 'view')`;
const COLUMNS = `SELECT name, type, pk, hidden FROM pragma_table_xinfo(?, 'main') ORDER BY cid`;
// Every table's foreign keys that point at this one (SQLite matches the parent name case-insensitively).
const CHANGING_FKS = `
SELECT DISTINCT m.name, f.id, f.on_delete FROM main.sqlite_master m JOIN pragma_foreign_key_list(m.name, 'main') f
WHERE m.type = 'table' AND f."table" = ? COLLATE NOCASE AND upper(f.on_delete) IN ('CASCADE', 'SET NULL', 'SET DEFAULT')
ORDER BY m.name, f.id`;
const TRIGGERS = `SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger' AND tbl_name = ? COLLATE NOCASE ORDER BY name`;

const ON_DELETE: Record<string, ReferencingForeignKey['onDelete']> = { CASCADE: 'cascade', 'SET NULL': 'set-null', 'SET DEFAULT': 'set-default' };

/** Result codes worth retrying: the database is locked by another connection. */
const TRANSIENT = /^SQLITE_(BUSY|LOCKED|PROTOCOL)/;
/** Data errors: a constraint (a restricting foreign key) or a value the column refuses. */
const DATA = /^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG)/;

/** Quotes a SQLite identifier: double quotes, embedded quotes doubled. */
export function quoteSqliteIdent(name: string): string {
  if (name.includes('\0')) throw new TypeError('identifier contains NUL');
  return `"${name.replace(/"/g, '""')}"`;
}

/** True when a trigger's header (before BEGIN) names DELETE as its event. Conservative: any DELETE there counts. */
export function isDeleteTrigger(sql: string): boolean {
  const header = sql.split(/\bBEGIN\b/i)[0] ?? sql;
  return /\bDELETE\b/i.test(header);
}

const str = (v: unknown): string => String(v);

export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  quoteIdent: quoteSqliteIdent,
  param: () => '?',
  // A column declared COLLATE NOCASE or RTRIM must not widen a scope: conditions compare text bytewise
  // (on the left side: `x IN (...)` uses the collation of x).
  filterColumn: (columnSql: string, column: ColumnInfo) => (column.kind === 'text' ? `${columnSql} COLLATE BINARY` : columnSql),
  // GLOB is case-sensitive (LIKE is not, for ASCII); escapeLike brackets its metacharacters.
  prefixMatch: (columnSql: string, paramSql: string) => `${columnSql} GLOB ${paramSql}`,
  escapeLike: (value: string) => `${value.replace(/[*?[]/g, (c) => `[${c}]`)}*`,
  // No row locks: destroy runs in BEGIN IMMEDIATE, which holds the database's write lock.
  lockRows: () => '',
  valuesTable: (rows, alias, columns) =>
    `(SELECT ${columns.map((c, i) => `column${i + 1} AS ${c}`).join(', ')} FROM (VALUES ${rows.map((r) => `(${r.join(', ')})`).join(', ')})) AS ${alias}`,
  // SQLite accepts a row value IN only against a subquery
  inTuples: (left: string, tuples: readonly string[]) => `${left} IN (VALUES ${tuples.join(', ')})`,

  async loadTable(exec: SqlExecutor, schema: string, name: string): Promise<TableInfo | undefined> {
    if (schema !== 'main') return undefined;
    const { rows } = await exec.query(TABLE, [name]);
    const row = rows[0];
    if (!row) return undefined;
    const type = str(row[0]);
    const sql = row[2] === null ? '' : str(row[2]);
    const relation = type === 'view' ? 'view' : /^\s*CREATE\s+VIRTUAL\b/i.test(sql) || name.startsWith('sqlite_') ? 'other' : 'table';
    const [cols, fks, triggers] = await Promise.all([exec.query(COLUMNS, [name]), exec.query(CHANGING_FKS, [name]), exec.query(TRIGGERS, [name])]);
    const columns: ColumnInfo[] = cols.rows.map((r) => ({ name: str(r[0]), sqlType: str(r[1]) || '(none)', kind: kindOfDeclaredType(str(r[1])) }));
    const primaryKey = cols.rows
      .filter((r) => Number(r[2]) > 0)
      .sort((a, b) => Number(a[2]) - Number(b[2]))
      .map((r) => str(r[0]));
    const refusals: string[] = [];
    for (const k of primaryKey) {
      const c = columns.find((x) => x.name === k)!;
      // NUMERIC affinity stores 1 and 1.0 alike and '1.50' as 1.5: its values have no single locator spelling
      if (c.kind === 'numeric') refusals.push(`primary key column ${JSON.stringify(k)} has NUMERIC affinity (${c.sqlType}), which cannot be named in a locator`);
    }
    return {
      schema,
      name,
      relation,
      columns,
      primaryKey,
      changingForeignKeys: fks.rows.map((r) => ({
        constraint: `foreign key #${str(r[1])}`,
        table: `main.${str(r[0])}`,
        onDelete: ON_DELETE[str(r[2]).toUpperCase()]!,
      })),
      deleteHooks: triggers.rows.filter((r) => isDeleteTrigger(str(r[1]))).map((r) => ({ kind: 'trigger' as const, name: str(r[0]) })),
      inheritedBy: [],
      refusals,
    };
  },

  /** SQLite converts nothing that could fail; only values no stored value can equal are refused. */
  async checkValues(_exec: SqlExecutor, column: ColumnInfo, values: readonly string[]): Promise<Map<number, string>> {
    const bad = new Map<number, string>();
    if (column.kind === 'float' || column.kind === 'numeric') {
      values.forEach((v, i) => {
        if (!/^-?[0-9]/.test(v) || !Number.isFinite(Number(v))) bad.set(i, `must be a finite number for ${column.sqlType}`);
      });
    }
    return bad;
  },

  toJson: (_column: ColumnInfo, raw: unknown): JsonValue => sqliteToJson(raw),

  classifyError(e: unknown): ClassifiedError {
    const err = e as { code?: unknown; message?: unknown } | null;
    const message = String(err?.message ?? e).slice(0, 300);
    const code = typeof err?.code === 'string' ? err.code : undefined;
    if (code !== undefined && code.startsWith('SQLITE_')) return { code, message, transient: TRANSIENT.test(code), data: DATA.test(code) };
    if ((e as { name?: unknown } | null)?.name === 'ValidationError') return { code: 'ROW_NOT_REPRESENTABLE', message, transient: false, data: false };
    return { code: 'INTERNAL', message, transient: false, data: false };
  },
};
