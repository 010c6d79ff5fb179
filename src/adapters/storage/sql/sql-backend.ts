// The StorageBackend adapter shared by every SQL database: validation of
// scopes and holds (shape, then catalog, then the server's own type
// conversion of each value), compilation, and sessions. A database brings a
// SqlDialect and a SqlExecutor (see dialect.ts).

import { ValidationError, type FieldProblem } from '@shredproof/verify';
import type { DestructionMethod, HoldSpec, StorageBackend, TargetSession } from '../../../app/ports/storage-backend.js';
import { catalogProblems, type ValueRef } from './catalog-check.js';
import type { SqlDialect, SqlExecutor, TableInfo } from './dialect.js';
import { holdShapeProblems, isPlainObject, scopeShapeProblems, splitTableName, type Condition, type SqlScope } from './filter-model.js';
import { toParam } from './filter-values.js';
import type { CompiledTarget } from './sql-statements.js';
import { SqlTargetSession } from './sql-target-session.js';

export interface SqlBackendOptions {
  name: string;
  kind: string;
  dialect: SqlDialect;
  executor: SqlExecutor;
  persistence: readonly string[];
  /** Schema of an unqualified table name in a scope. */
  defaultSchema: string;
  /**
   * Why a scope may not name a table in `schema`, or undefined. `qualified`:
   * the scope wrote the schema itself ('schema.table'). Checked before the
   * catalog is read, so a refused schema is never looked into.
   */
  schemaProblem?: (schema: string, qualified: boolean) => string | undefined;
  /** Rows per page of list() (default 1000). */
  pageSize?: number;
  /** Keys per statement or transaction (default 500). */
  batchSize?: number;
}

export class SqlBackend implements StorageBackend {
  readonly name: string;
  readonly kind: string;
  readonly method: DestructionMethod = 'sql-delete';
  readonly persistence: readonly string[];
  /** Its name and kind: the registry (src/adapters/storage/registry.ts) names a configured backend by its system identity instead. */
  readonly system: string;
  protected readonly dialect: SqlDialect;
  protected readonly executor: SqlExecutor;
  private readonly defaultSchema: string;
  private readonly schemaProblem: SqlBackendOptions['schemaProblem'];
  private readonly pageSize: number;
  private readonly batchSize: number;
  private closed = false;

  constructor(options: SqlBackendOptions) {
    if (typeof options.name !== 'string' || options.name.length === 0) throw new TypeError(`${options.kind} backend: name must be a non-empty string`);
    const pageSize = options.pageSize ?? 1000;
    const batchSize = options.batchSize ?? 500;
    if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`${options.kind} backend: pageSize must be a positive integer, got ${pageSize}`);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 5000) throw new RangeError(`${options.kind} backend: batchSize must be 1 to 5000, got ${batchSize}`);
    this.name = options.name;
    this.kind = options.kind;
    this.system = `${options.name} (${options.kind})`;
    this.dialect = options.dialect;
    this.executor = options.executor;
    this.persistence = options.persistence;
    this.defaultSchema = options.defaultSchema;
    this.schemaProblem = options.schemaProblem;
    this.pageSize = pageSize;
    this.batchSize = batchSize;
  }

  /** Validates scope and holds against the live catalog (ValidationError naming every bad field) and binds them. */
  async openTarget(scope: unknown, holds: readonly HoldSpec[]): Promise<TargetSession> {
    if (this.closed) throw new Error(`${this.kind} backend ${this.name} is closed`);
    const target = await this.compile(scope, holds);
    return new SqlTargetSession(this.executor, this.dialect, target, { pageSize: this.pageSize, batchSize: this.batchSize });
  }

  /** Validates and compiles a scope and holds; exposed for post-steps that need the table (e.g. VACUUM). */
  protected async compile(scope: unknown, holds: readonly HoldSpec[]): Promise<CompiledTarget> {
    // Every hold given is applied, whatever its `target` says: retaining too much is safe.
    const problems: FieldProblem[] = [...scopeShapeProblems(scope), ...holdShapeProblems(holds)];
    const table = await this.lookUpTable(scope, problems);
    if (table && isPlainObject(scope)) {
      const values: ValueRef[] = [];
      problems.push(...catalogProblems(scope, holds, table, values));
      problems.push(...(await this.serverValueProblems(values)));
    }
    if (problems.length > 0) throw new ValidationError(`invalid ${this.kind} target`, problems);
    const s = scope as SqlScope;
    const t = table!;
    const byName = new Map(t.columns.map((c) => [c.name, c]));
    return {
      table: t,
      locatorPrefix: `${t.schema}.${t.name}:`,
      keyColumns: t.primaryKey.map((k) => byName.get(k)!),
      scope: s.where,
      holds: holds.map((h) => ({ id: h.id, where: (h.match as { where: Condition[] }).where })),
    };
  }

  private async lookUpTable(scope: unknown, problems: FieldProblem[]): Promise<TableInfo | undefined> {
    if (!isPlainObject(scope) || typeof scope.table !== 'string' || problems.some((p) => p.path === '$.scope.table')) return undefined;
    const parts = splitTableName(scope.table, this.defaultSchema);
    if (!parts) {
      problems.push({ path: '$.scope.table', problem: "must be 'schema.table' or 'table'" });
      return undefined;
    }
    const refused = this.schemaProblem?.(parts.schema, parts.table !== scope.table);
    if (refused !== undefined) {
      problems.push({ path: '$.scope.table', problem: refused });
      return undefined;
    }
    const table = await this.dialect.loadTable(this.executor, parts.schema, parts.table);
    if (!table) problems.push({ path: '$.scope.table', problem: `no table ${parts.schema}.${parts.table} (names are exact and case-sensitive)` });
    return table;
  }

  /** The server converts each value to its column's type; a value it refuses is named by its path. */
  private async serverValueProblems(values: readonly ValueRef[]): Promise<FieldProblem[]> {
    const byColumn = new Map<string, ValueRef[]>();
    for (const v of values) {
      const list = byColumn.get(v.column.name) ?? [];
      list.push(v);
      byColumn.set(v.column.name, list);
    }
    const problems: FieldProblem[] = [];
    for (const refs of byColumn.values()) {
      const bad = await this.dialect.checkValues(
        this.executor,
        refs[0]!.column,
        refs.map((r) => toParam(r.value)),
      );
      for (const [i, problem] of bad) problems.push({ path: refs[i]!.path, problem });
    }
    return problems;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.executor.close();
  }
}
