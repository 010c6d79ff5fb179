// The PostgreSQL dialect of the SQL core: identifier quoting, typed
// placeholders, the catalog (pg_catalog, by exact name, through bind
// parameters), value checks by the server's own casts, the text-form type
// mapping and SQLSTATE classification.

import type { JsonValue } from '@shredproof/verify';
import type { ClassifiedError, ColumnInfo, ReferencingForeignKey, SqlDialect, SqlExecutor, TableInfo } from '../sql/dialect.js';
import { kindOfPgType, pgTextToJson } from './postgres-types.js';

const TABLE = `
SELECT c.oid, c.relkind FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1::text AND c.relname = $2::text`;

// Domains resolve to their base type for the mapping; the cast type stays the column's own.
const COLUMNS = `
SELECT a.attname, pg_catalog.format_type(a.atttypid, NULL), bt.typname, bt.typcategory,
       et.typname, et.typcategory, pg_catalog.format_type(et.oid, NULL)
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
JOIN pg_catalog.pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
LEFT JOIN pg_catalog.pg_type et ON et.oid = bt.typelem AND bt.typcategory = 'A'
WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum`;

const PRIMARY_KEY = `
SELECT a.attname FROM pg_catalog.pg_index i
CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
WHERE i.indrelid = $1::oid AND i.indisprimary
ORDER BY k.ord`;

// Every relation a DELETE from the table reaches: the table, its partitions
// and its inheritance children, at any depth (a partition may be partitioned
// in turn). A DELETE trigger, rule or cascading foreign key on any of them
// changes rows nobody recorded, so each of the checks below covers them all.
const DESCENDANTS = `
WITH RECURSIVE d(oid, parent) AS (
  SELECT $1::oid, 0::oid
  UNION
  SELECT i.inhrelid, i.inhparent FROM pg_catalog.pg_inherits i JOIN d ON i.inhparent = d.oid
)
SELECT d.oid, d.parent, n.nspname, c.relname, c.relkind FROM d
JOIN pg_catalog.pg_class c ON c.oid = d.oid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
ORDER BY n.nspname, c.relname`;

// confdeltype: a = no action, r = restrict, c = cascade, n = set null, d = set default.
const CHANGING_FKS = `
SELECT DISTINCT con.conname, n.nspname, c.relname, con.confdeltype
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE con.contype = 'f' AND con.confrelid = ANY($1::oid[]) AND con.confdeltype IN ('c', 'n', 'd')
ORDER BY n.nspname, c.relname, con.conname`;

// tgtype bit 8 = DELETE. Internal triggers with a constraint are the foreign
// keys' own (checked above); an internal one without is a partition's clone of
// its parent's row trigger before PostgreSQL 13, and counts. Disabled ones count
// too: they can be enabled.
const DELETE_TRIGGERS = `
SELECT tgname, tgrelid FROM pg_catalog.pg_trigger
WHERE tgrelid = ANY($1::oid[]) AND (NOT tgisinternal OR tgconstraint = 0) AND (tgtype::int & 8) <> 0
ORDER BY tgname`;

// ev_type 4 = DELETE
const DELETE_RULES = `SELECT rulename, ev_class FROM pg_catalog.pg_rewrite WHERE ev_class = ANY($1::oid[]) AND ev_type = '4' ORDER BY rulename`;

const ON_DELETE: Record<string, ReferencingForeignKey['onDelete']> = { c: 'cascade', n: 'set-null', d: 'set-default' };

/** SQLSTATEs worth retrying: the same statement may well succeed later. */
const TRANSIENT_STATES = new Set(['40001', '40P01', '55P03', '57014', '57P01', '57P02', '57P03', '53300', '53400', '58000', '58030']);

const str = (v: unknown): string => String(v);

/** Quotes a PostgreSQL identifier: double quotes, embedded quotes doubled. */
export function quotePgIdent(name: string): string {
  if (name.includes('\0')) throw new TypeError('identifier contains NUL');
  return `"${name.replace(/"/g, '""')}"`;
}

/** A PostgreSQL array literal of text values, for one bind parameter. */
function textArrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

interface Reached {
  name: string;
  relkind: string;
  /** The oid of the parent it was reached through; undefined for the table itself. */
  parent?: string;
}

/** The table and every partition and inheritance child under it, by oid. */
async function reachable(exec: SqlExecutor, oid: string): Promise<Map<string, Reached>> {
  const { rows } = await exec.query(DESCENDANTS, [oid]);
  const out = new Map<string, Reached>();
  for (const r of rows) {
    if (out.has(str(r[0]))) continue; // multiple inheritance: reached twice
    out.set(str(r[0]), { name: `${str(r[2])}.${str(r[3])}`, relkind: str(r[4]), ...(str(r[1]) === '0' ? {} : { parent: str(r[1]) }) });
  }
  return out;
}

export const postgresDialect: SqlDialect = {
  name: 'postgres',
  quoteIdent: quotePgIdent,
  // The cast type is format_type() output from the catalog, never text from an order.
  param: (n: number, column: ColumnInfo) => `$${n}::${column.sqlType}`,
  prefixMatch: (columnSql: string, paramSql: string) => `${columnSql} LIKE ${paramSql} ESCAPE '!'`,
  escapeLike: (value: string) => `${value.replace(/[!%_]/g, (c) => `!${c}`)}%`,
  lockRows: (alias: string) => `FOR UPDATE OF ${alias}`,
  valuesTable: (rows, alias, columns) => `(VALUES ${rows.map((r) => `(${r.join(', ')})`).join(', ')}) AS ${alias}(${columns.join(', ')})`,

  async loadTable(exec: SqlExecutor, schema: string, name: string): Promise<TableInfo | undefined> {
    const { rows } = await exec.query(TABLE, [schema, name]);
    const row = rows[0];
    if (!row) return undefined;
    const oid = str(row[0]);
    const relkind = str(row[1]);
    const relation = relkind === 'r' ? 'table' : relkind === 'p' ? 'partitioned' : relkind === 'v' || relkind === 'm' ? 'view' : 'other';
    const reach = await reachable(exec, oid);
    const all = `{${[...reach.keys()].join(',')}}`;
    const [cols, pk, fks, triggers, rules] = await Promise.all([
      exec.query(COLUMNS, [oid]),
      exec.query(PRIMARY_KEY, [oid]),
      exec.query(CHANGING_FKS, [all]),
      exec.query(DELETE_TRIGGERS, [all]),
      exec.query(DELETE_RULES, [all]),
    ]);
    const on = (rel: unknown) => (str(rel) === oid ? {} : { on: reach.get(str(rel))!.name });
    // A partition's clone of its parent's row trigger has the parent's trigger's name: reported once, on the parent.
    const triggerKey = (name: string, rel: string) => `${rel}\u0000${name}`;
    const triggerSet = new Set(triggers.rows.map((r) => triggerKey(str(r[0]), str(r[1]))));
    const ownTriggers = triggers.rows.filter((r) => {
      const parent = reach.get(str(r[1]))!.parent;
      return !(parent !== undefined && triggerSet.has(triggerKey(str(r[0]), parent)));
    });
    const refusals = [...reach.values()]
      .filter((d) => d.parent !== undefined && d.relkind !== 'r' && d.relkind !== 'p')
      .map((d) => `its partition or child ${d.name} is ${d.relkind === 'f' ? 'a foreign table, whose rows are deleted on another server' : `a relation of kind '${d.relkind}', not a table`}`);
    return {
      schema,
      name,
      relation,
      columns: cols.rows.map((r) => {
        const column: ColumnInfo = { name: str(r[0]), sqlType: str(r[1]), kind: kindOfPgType(str(r[2]), str(r[3])) };
        if (column.kind === 'array' && r[4] !== null) {
          column.element = { name: column.name, sqlType: str(r[6]), kind: kindOfPgType(str(r[4]), str(r[5])) };
        }
        return column;
      }),
      primaryKey: pk.rows.map((r) => str(r[0])),
      changingForeignKeys: fks.rows.map((r) => ({ constraint: str(r[0]), table: `${str(r[1])}.${str(r[2])}`, onDelete: ON_DELETE[str(r[3])]! })),
      deleteHooks: [
        ...ownTriggers.map((r) => ({ kind: 'trigger' as const, name: str(r[0]), ...on(r[1]) })),
        ...rules.rows.map((r) => ({ kind: 'rule' as const, name: str(r[0]), ...on(r[1]) })),
      ],
      // Inheritance children (a plain table's); partitions share the partitioned table's primary key.
      inheritedBy: relkind === 'r' ? [...reach.values()].filter((d) => d.parent === oid).map((d) => d.name) : [],
      refusals,
    };
  },

  async checkValues(exec: SqlExecutor, column: ColumnInfo, values: readonly string[]): Promise<Map<number, string>> {
    const bad = new Map<number, string>();
    const cast = (list: readonly string[]) => exec.query(`SELECT CAST(v AS ${column.sqlType}) FROM unnest($1::text[]) AS v`, [textArrayLiteral(list)]);
    try {
      await cast(values);
      return bad;
    } catch (e) {
      if (!this.classifyError(e).data) throw e;
    }
    // One at a time only when some value failed: name each bad one.
    for (let i = 0; i < values.length; i++) {
      try {
        await cast([values[i]!]);
      } catch (e) {
        const c = this.classifyError(e);
        if (!c.data) throw e;
        bad.set(i, `not a valid ${column.sqlType} (${c.code})`);
      }
    }
    return bad;
  },

  toJson: (column: ColumnInfo, raw: unknown): JsonValue => pgTextToJson(column, raw),

  classifyError(e: unknown): ClassifiedError {
    const err = e as { code?: unknown; message?: unknown } | null;
    const code = typeof err?.code === 'string' ? err.code : undefined;
    const message = String(err?.message ?? e).slice(0, 300);
    if (code !== undefined && /^[0-9A-Z]{5}$/.test(code)) {
      const cls = code.slice(0, 2);
      return { code, message, transient: cls === '08' || TRANSIENT_STATES.has(code), data: cls === '22' || cls === '23' };
    }
    // Programming errors are not retried; anything else without a SQLSTATE is the connection (ECONNRESET, "Connection terminated").
    if (e instanceof TypeError || e instanceof RangeError || e instanceof SyntaxError) return { code: 'INTERNAL', message, transient: false, data: false };
    if ((e as { name?: unknown } | null)?.name === 'ValidationError') return { code: 'ROW_NOT_REPRESENTABLE', message, transient: false, data: false };
    return { code: code ?? 'CONNECTION_ERROR', message, transient: true, data: false };
  },
};
