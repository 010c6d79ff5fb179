// Builds the statements of a SQL target from a compiled target and a dialect.
// Identifiers come only from the catalog (TableInfo) and are quoted by the
// dialect; every value from an order or a locator is a bind parameter. The
// only literals written into SQL text are the batch's own row indexes.

import type { ColumnInfo, SqlDialect, TableInfo } from './dialect.js';
import type { Condition } from './filter-model.js';
import { toParam } from './filter-values.js';

export interface CompiledHold {
  id: string;
  where: readonly Condition[];
}

export interface CompiledTarget {
  table: TableInfo;
  /** 'schema.table:' — every locator of this target starts with it. */
  locatorPrefix: string;
  keyColumns: readonly ColumnInfo[];
  scope: readonly Condition[];
  holds: readonly CompiledHold[];
}

export interface Statement {
  sql: string;
  params: (string | null)[];
}

/** Collects bind parameters and hands out their placeholders. */
class Binder {
  readonly params: string[] = [];
  constructor(private readonly dialect: SqlDialect) {}
  bind(value: string, column: ColumnInfo): string {
    this.params.push(value);
    return this.dialect.param(this.params.length, column);
  }
  /** A value of an order's condition (the dialect may compare it more strictly than a key). */
  bindFilter(value: string, column: ColumnInfo): string {
    this.params.push(value);
    return (this.dialect.filterParam ?? this.dialect.param).call(this.dialect, this.params.length, column);
  }
}

const T = 't'; // alias of the target table in every statement

export class SqlStatements {
  private readonly q: (name: string) => string;
  private readonly byName: Map<string, ColumnInfo>;
  readonly table: string;

  constructor(
    private readonly dialect: SqlDialect,
    private readonly target: CompiledTarget,
  ) {
    this.q = (n) => dialect.quoteIdent(n);
    this.byName = new Map(target.table.columns.map((c) => [c.name, c]));
    this.table = `${this.q(target.table.schema)}.${this.q(target.table.name)}`;
  }

  /** A column of the target, through the alias `t` (SELECT), or bare (`alias` false: a single-table DELETE, which MariaDB cannot alias). */
  private col(name: string, alias = true): string {
    return alias ? `${T}.${this.q(name)}` : this.q(name);
  }

  private condition(c: Condition, b: Binder, alias: boolean): string {
    const column = this.byName.get(c.column)!;
    const ref = this.col(c.column, alias);
    const col = this.dialect.filterColumn ? this.dialect.filterColumn(ref, column) : ref;
    switch (c.op) {
      case 'eq':
        return `${col} = ${b.bindFilter(toParam(c.value), column)}`;
      case 'in':
        return `${col} IN (${c.values.map((v) => b.bindFilter(toParam(v), column)).join(', ')})`;
      case 'prefix':
        return this.dialect.prefixMatch(col, b.bind(this.dialect.escapeLike(c.value), { name: c.column, kind: 'text', sqlType: 'text' }));
      case 'range': {
        const parts: string[] = [];
        const ops = { gte: '>=', gt: '>', lte: '<=', lt: '<' } as const;
        for (const k of ['gte', 'gt', 'lte', 'lt'] as const) {
          const v = c.value[k];
          if (v !== undefined) parts.push(`${col} ${ops[k]} ${b.bindFilter(toParam(v), column)}`);
        }
        return parts.join(' AND ');
      }
    }
  }

  /** The conjunction of conditions; `1 = 1` for none. */
  private where(conditions: readonly Condition[], b: Binder, alias = true): string {
    if (conditions.length === 0) return '1 = 1';
    return conditions.map((c) => `(${this.condition(c, b, alias)})`).join(' AND ');
  }

  /** 1 when the conjunction holds, else 0 (NULL comparisons count as not matching). */
  private flag(conditions: readonly Condition[], b: Binder, alias = true): string {
    return `CASE WHEN ${this.where(conditions, b, alias)} THEN 1 ELSE 0 END`;
  }

  /** The scope flag, then one flag per hold. */
  private flags(b: Binder): string[] {
    return [this.flag(this.target.scope, b), ...this.target.holds.map((h) => this.flag(h.where, b))];
  }

  /** Every column, then the flags. */
  private selectList(b: Binder): string {
    return [...this.target.table.columns.map((c) => this.col(c.name)), ...this.flags(b)].join(', ');
  }

  private orderBy(): string {
    return this.target.keyColumns.map((k) => this.col(k.name)).join(', ');
  }

  /** One page of the scope in key order, after the key `after` (raw key texts of the last row), or from the start. */
  listPage(after: readonly string[] | undefined, limit: number): Statement {
    const b = new Binder(this.dialect);
    const select = this.selectList(b);
    let where = this.where(this.target.scope, b);
    if (after) {
      const keys = this.target.keyColumns;
      const left = keys.map((k) => this.col(k.name));
      const right = keys.map((k, i) => b.bind(after[i]!, k));
      where = `(${where}) AND ${keys.length === 1 ? `${left[0]} > ${right[0]}` : `(${left.join(', ')}) > (${right.join(', ')})`}`;
    }
    // limit is our own positive integer, never from an order
    return { sql: `SELECT ${select} FROM ${this.table} AS ${T} WHERE ${where} ORDER BY ${this.orderBy()} LIMIT ${Math.trunc(limit)}`, params: b.params };
  }

  /**
   * Rows by key, joined to a literal table of (request index, key values...):
   * the first output column is the index of the request each row answers, so
   * duplicate and non-canonical keys are matched with the database's own equality.
   */
  byKeys(keys: readonly (readonly string[])[], mode: 'rows' | 'keys-only' | 'key-flags' | 'lock'): Statement {
    const b = new Binder(this.dialect);
    const keyList = () => this.target.keyColumns.map((k) => this.col(k.name));
    const select = mode === 'keys-only' ? keyList().join(', ') : mode === 'key-flags' ? [...keyList(), ...this.flags(b)].join(', ') : this.selectList(b);
    const rows = keys.map((key, i) => [String(i), ...this.target.keyColumns.map((k, j) => b.bind(key[j]!, k))]);
    const names = ['n', ...this.target.keyColumns.map((_, j) => `k${j}`)];
    const on = this.target.keyColumns.map((k, j) => `${this.col(k.name)} = r.k${j}`).join(' AND ');
    const lock = mode === 'lock' ? ` ${this.dialect.lockRows(T)}` : '';
    return {
      sql: `SELECT r.n, ${select} FROM ${this.dialect.valuesTable(rows, 'r', names)} JOIN ${this.table} AS ${T} ON ${on} ORDER BY r.n${lock}`,
      params: b.params,
    };
  }

  /** DELETE by raw key texts read inside the same transaction. */
  deleteByKeys(keys: readonly (readonly string[])[]): Statement {
    const b = new Binder(this.dialect);
    return { sql: `DELETE FROM ${this.table} WHERE ${this.keyIn(keys, b)}`, params: b.params };
  }

  /**
   * The one-pass DELETE of consume(): the rows of these keys (locator key
   * values, by the database's own key equality) that are in scope and under
   * no hold, answering every column in catalog order, so that the rows are
   * hashed as they were deleted. A hold counts through its flag, so that a
   * NULL comparison is "not held", exactly as in the flags of byKeys.
   */
  deleteReturning(keys: readonly (readonly string[])[]): Statement {
    const b = new Binder(this.dialect);
    const conditions = [this.keyIn(keys, b), `(${this.where(this.target.scope, b, false)})`, ...this.target.holds.map((h) => `${this.flag(h.where, b, false)} = 0`)];
    const returning = this.target.table.columns.map((c) => this.col(c.name, false)).join(', ');
    return { sql: `DELETE FROM ${this.table} WHERE ${conditions.join(' AND ')} RETURNING ${returning}`, params: b.params };
  }

  /** `key IN (...)` over bare key columns, every key value a bind parameter. */
  private keyIn(keys: readonly (readonly string[])[], b: Binder): string {
    const cols = this.target.keyColumns;
    const tuples = keys.map((key) => {
      const ps = cols.map((k, j) => b.bind(key[j]!, k));
      return cols.length === 1 ? ps[0]! : `(${ps.join(', ')})`;
    });
    const left = cols.length === 1 ? this.q(cols[0]!.name) : `(${cols.map((k) => this.q(k.name)).join(', ')})`;
    return cols.length > 1 && this.dialect.inTuples ? this.dialect.inTuples(left, tuples) : `${left} IN (${tuples.join(', ')})`;
  }
}
