// Checks a shape-valid scope and holds against the table's catalog entry: the
// table exists and is a table, it has a primary key of a nameable type, no
// foreign key or trigger would change rows nobody recorded, every column
// exists, every op suits its column and every value its column's type.
// Every problem is collected, with its JSON path, for one ValidationError.

import type { FieldProblem } from '@shredproof/verify';
import type { ColumnInfo, TableInfo } from './dialect.js';
import { conditionShape, isCondition, isPlainObject, MAX_CONDITIONS, type Condition } from './filter-model.js';
import { keyKindProblem, opProblem, valueProblem } from './filter-values.js';

/** One value of a condition, with the path it came from (for server-side conversion checks). */
export interface ValueRef {
  path: string;
  column: ColumnInfo;
  value: string | number | boolean;
}

function conditionValues(c: Condition, path: string): Array<{ path: string; value: string | number | boolean }> {
  switch (c.op) {
    case 'eq':
    case 'prefix':
      return [{ path: `${path}.value`, value: c.value }];
    case 'in':
      return c.values.map((value, i) => ({ path: `${path}.values[${i}]`, value }));
    case 'range':
      return (['gte', 'gt', 'lte', 'lt'] as const)
        .filter((k) => c.value[k] !== undefined)
        .map((k) => ({ path: `${path}.value.${k}`, value: c.value[k]! }));
  }
}

/** Column, op and value problems of a where list; collects the values that passed for a server check. */
function whereCatalogProblems(where: unknown, path: string, table: TableInfo, problems: FieldProblem[], values: ValueRef[]): void {
  if (!Array.isArray(where)) return;
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  where.slice(0, MAX_CONDITIONS).forEach((c: unknown, i) => {
    const at = `${path}[${i}]`;
    // Shape problems are reported by filter-model.ts; only shape-valid conditions are checked here.
    const shape: FieldProblem[] = [];
    conditionShape(c, at, shape);
    if (shape.length > 0 || !isCondition(c)) return;
    const column = byName.get(c.column);
    if (!column) {
      problems.push({ path: `${at}.column`, problem: `no column ${JSON.stringify(c.column)} in ${table.schema}.${table.name}` });
      return;
    }
    const op = opProblem(column, c.op);
    if (op !== undefined) {
      problems.push({ path: `${at}.op`, problem: op });
      return;
    }
    for (const v of conditionValues(c, at)) {
      if (c.op === 'prefix') continue;
      const p = valueProblem(column, v.value);
      if (p !== undefined) problems.push({ path: v.path, problem: p });
      else values.push({ path: v.path, column, value: v.value });
    }
  });
}

/** Problems of the table itself: relation kind, primary key, foreign keys, delete hooks, inheritance. */
export function tableProblems(table: TableInfo, path: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const qualified = `${table.schema}.${table.name}`;
  if (table.relation !== 'table' && table.relation !== 'partitioned') {
    problems.push({ path, problem: `${qualified} is a ${table.relation}, not a table` });
    return problems;
  }
  if (table.primaryKey.length === 0) {
    problems.push({ path, problem: `${qualified} has no primary key: a row that cannot be named cannot be recorded or probed` });
  }
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  for (const k of table.primaryKey) {
    const p = keyKindProblem(byName.get(k) ?? { name: k, kind: 'other', sqlType: 'unknown' });
    if (p !== undefined) problems.push({ path, problem: p });
  }
  for (const fk of table.changingForeignKeys) {
    problems.push({
      path,
      problem: `foreign key ${JSON.stringify(fk.constraint)} of ${fk.table} references ${qualified} with ON DELETE ${fk.onDelete.replace('-', ' ').toUpperCase()}: deleting here would change rows in ${fk.table} that nobody recorded (allowCascade is not supported)`,
    });
  }
  for (const hook of table.deleteHooks) {
    const where = hook.on === undefined ? '' : ` on ${hook.on} (a partition or child of ${qualified})`;
    problems.push({ path, problem: `${hook.kind} ${JSON.stringify(hook.name)}${where} runs on DELETE from ${qualified} and may change rows that nobody recorded` });
  }
  for (const r of table.refusals ?? []) problems.push({ path, problem: `${qualified}: ${r}` });
  if (table.inheritedBy.length > 0) {
    problems.push({ path, problem: `${qualified} is inherited by ${table.inheritedBy.join(', ')}: its primary key does not name one row across them` });
  }
  return problems;
}

/** Catalog problems of scope and holds; `values` receives every value that still needs the server's conversion check. */
export function catalogProblems(scope: Record<string, unknown>, holds: unknown, table: TableInfo, values: ValueRef[]): FieldProblem[] {
  const problems = tableProblems(table, '$.scope.table');
  if (Array.isArray(scope.where)) whereCatalogProblems(scope.where, '$.scope.where', table, problems, values);
  if (Array.isArray(holds)) {
    holds.forEach((h: unknown, i) => {
      const where = isPlainObject(h) && isPlainObject(h.match) ? h.match.where : undefined;
      if (Array.isArray(where)) whereCatalogProblems(where, `$.holds[${i}].match.where`, table, problems, values);
    });
  }
  return problems;
}
