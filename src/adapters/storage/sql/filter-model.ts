// The structured filter of SQL scopes and holds, and its shape validation.
// Pure: no I/O, no catalog. Orders come from people (and through Redis), so
// every field is checked and every bad one is reported at once, with its JSON
// path. No SQL text ever comes from an order: columns are names checked
// against the catalog later (catalog-check.ts), values are bind parameters.
//
// Scope: { table: 'schema.table' | 'table', where: Condition[], allowWholeTable?: true }
// Hold match: { where: Condition[] }   (an empty where holds the whole table)
// Condition: { column, op: 'eq', value } | { column, op: 'in', values }
//          | { column, op: 'prefix', value, allowEmptyPrefix?: true }
//          | { column, op: 'range', value: { gte?, gt?, lte?, lt? } }

import type { FieldProblem } from '@shredproof/verify';
import { holdMatchProblems, isPlainObject, propPath, unknownKeys } from '../shape.js';

export { isPlainObject, propPath };

/** A filter value as an order writes it: JSON scalars only. Typed against the column later. */
export type FilterValue = string | number | boolean;

export interface RangeBounds {
  gte?: FilterValue;
  gt?: FilterValue;
  lte?: FilterValue;
  lt?: FilterValue;
}

export type Condition =
  | { column: string; op: 'eq'; value: FilterValue }
  | { column: string; op: 'in'; values: FilterValue[] }
  | { column: string; op: 'prefix'; value: string; allowEmptyPrefix?: boolean }
  | { column: string; op: 'range'; value: RangeBounds };

export interface SqlScope {
  table: string;
  where: Condition[];
  allowWholeTable?: boolean;
}

export interface SqlHoldMatch {
  where: Condition[];
}

export const OPS = ['eq', 'in', 'prefix', 'range'] as const;
/** Most values one `in` condition may carry (bind parameters are limited: 65535 in PostgreSQL). */
export const MAX_IN_VALUES = 10_000;
export const MAX_CONDITIONS = 64;
const MAX_NAME_LENGTH = 128;
const MAX_STRING_VALUE = 10_000;

const CONDITION_KEYS: Record<(typeof OPS)[number], ReadonlySet<string>> = {
  eq: new Set(['column', 'op', 'value']),
  in: new Set(['column', 'op', 'values']),
  prefix: new Set(['column', 'op', 'value', 'allowEmptyPrefix']),
  range: new Set(['column', 'op', 'value']),
};
const RANGE_KEYS = new Set(['gte', 'gt', 'lte', 'lt']);
const SCOPE_KEYS = new Set(['table', 'where', 'allowWholeTable']);
const HOLD_MATCH_KEYS = new Set(['where']);
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;



/** Why a table or column name is refused before any catalog look-up, or undefined. */
export function nameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return 'must be a string';
  if (name.length === 0) return 'must not be empty';
  if (name.length > MAX_NAME_LENGTH) return `too long (${name.length} characters, max ${MAX_NAME_LENGTH})`;
  if (name.includes('\0')) return 'must not contain NUL';
  if (LONE_SURROGATE.test(name)) return 'must be well-formed Unicode';
  return undefined;
}

/** Why a scalar filter value is refused on shape alone (its type is checked against the column later). */
export function scalarProblem(value: unknown): string | undefined {
  if (typeof value === 'string') {
    if (value.length > MAX_STRING_VALUE) return `string too long (${value.length} characters, max ${MAX_STRING_VALUE})`;
    if (value.includes('\0')) return 'must not contain NUL';
    if (LONE_SURROGATE.test(value)) return 'must be well-formed Unicode';
    return undefined;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : 'must be a finite number';
  if (typeof value === 'boolean') return undefined;
  if (value === null) return 'null is not a filter value (NULL matches nothing in SQL)';
  return `must be a string, number or boolean, got ${Array.isArray(value) ? 'an array' : typeof value}`;
}


/** Shape problems of one condition, appended to `problems`. */
export function conditionShape(c: unknown, path: string, problems: FieldProblem[]): void {
  if (!isPlainObject(c)) {
    problems.push({ path, problem: 'must be an object { column, op, value | values }' });
    return;
  }
  const np = nameProblem(c.column);
  if (np !== undefined) problems.push({ path: `${path}.column`, problem: np });
  const op = c.op;
  if (typeof op !== 'string' || !(OPS as readonly string[]).includes(op)) {
    problems.push({ path: `${path}.op`, problem: `must be one of ${OPS.join(', ')}` });
    return;
  }
  unknownKeys(c, CONDITION_KEYS[op as (typeof OPS)[number]], path, problems);
  switch (op) {
    case 'eq': {
      const p = 'value' in c ? scalarProblem(c.value) : 'is required';
      if (p !== undefined) problems.push({ path: `${path}.value`, problem: p });
      break;
    }
    case 'in': {
      if (!Array.isArray(c.values)) {
        problems.push({ path: `${path}.values`, problem: 'must be a non-empty array of values' });
        break;
      }
      if (c.values.length === 0) problems.push({ path: `${path}.values`, problem: 'must not be empty' });
      if (c.values.length > MAX_IN_VALUES) problems.push({ path: `${path}.values`, problem: `too many values (${c.values.length}, max ${MAX_IN_VALUES})` });
      c.values.slice(0, MAX_IN_VALUES).forEach((v, i) => {
        const p = scalarProblem(v);
        if (p !== undefined) problems.push({ path: `${path}.values[${i}]`, problem: p });
      });
      break;
    }
    case 'prefix': {
      if (typeof c.value !== 'string') problems.push({ path: `${path}.value`, problem: 'must be a string' });
      else {
        const p = scalarProblem(c.value);
        if (p !== undefined) problems.push({ path: `${path}.value`, problem: p });
        else if (c.value === '' && c.allowEmptyPrefix !== true) {
          problems.push({ path: `${path}.value`, problem: 'an empty prefix matches every row; set allowEmptyPrefix: true if that is meant' });
        }
      }
      if ('allowEmptyPrefix' in c && typeof c.allowEmptyPrefix !== 'boolean') problems.push({ path: `${path}.allowEmptyPrefix`, problem: 'must be a boolean' });
      break;
    }
    case 'range': {
      const r = c.value;
      if (!isPlainObject(r)) {
        problems.push({ path: `${path}.value`, problem: 'must be an object { gte?, gt?, lte?, lt? }' });
        break;
      }
      unknownKeys(r, RANGE_KEYS, `${path}.value`, problems);
      const bounds = Object.keys(r).filter((k) => RANGE_KEYS.has(k));
      if (bounds.length === 0) problems.push({ path: `${path}.value`, problem: 'needs at least one of gte, gt, lte, lt' });
      if ('gte' in r && 'gt' in r) problems.push({ path: `${path}.value`, problem: 'gte and gt together' });
      if ('lte' in r && 'lt' in r) problems.push({ path: `${path}.value`, problem: 'lte and lt together' });
      for (const k of bounds) {
        const p = scalarProblem(r[k]);
        if (p !== undefined) problems.push({ path: `${path}.value.${k}`, problem: p });
      }
      break;
    }
  }
}

/** True for a value that conditionShape found nothing wrong with (call that first). */
export function isCondition(c: unknown): c is Condition {
  return isPlainObject(c) && typeof c.column === 'string' && typeof c.op === 'string' && (OPS as readonly string[]).includes(c.op);
}

function whereProblems(where: unknown, path: string, problems: FieldProblem[]): void {
  if (!Array.isArray(where)) {
    problems.push({ path, problem: 'must be an array of conditions' });
    return;
  }
  if (where.length > MAX_CONDITIONS) problems.push({ path, problem: `too many conditions (${where.length}, max ${MAX_CONDITIONS})` });
  where.slice(0, MAX_CONDITIONS).forEach((c, i) => conditionShape(c, `${path}[${i}]`, problems));
}

/** Shape problems of a scope, each with its JSON path under `path`. */
export function scopeShapeProblems(scope: unknown, path = '$.scope'): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!isPlainObject(scope)) return [{ path, problem: 'must be an object { table, where, allowWholeTable? }' }];
  unknownKeys(scope, SCOPE_KEYS, path, problems);
  if (!('table' in scope)) problems.push({ path: `${path}.table`, problem: 'is required' });
  else {
    const p = nameProblem(scope.table);
    if (p !== undefined) problems.push({ path: `${path}.table`, problem: p });
  }
  if ('allowWholeTable' in scope && typeof scope.allowWholeTable !== 'boolean') problems.push({ path: `${path}.allowWholeTable`, problem: 'must be a boolean' });
  if (!('where' in scope)) problems.push({ path: `${path}.where`, problem: 'is required (use [] with allowWholeTable: true for the whole table)' });
  else {
    whereProblems(scope.where, `${path}.where`, problems);
    if (Array.isArray(scope.where) && scope.where.length === 0 && scope.allowWholeTable !== true) {
      problems.push({ path: `${path}.where`, problem: 'is empty, which selects the whole table; set allowWholeTable: true if that is meant' });
    }
  }
  return problems;
}

/** Shape problems of the holds given to one SQL target: `$.holds[i].match.where[j].column` etc. */
export function holdShapeProblems(holds: unknown, path = '$.holds'): FieldProblem[] {
  return holdMatchProblems(holds, path, '{ where } for a SQL target', (match, at, problems) => {
    unknownKeys(match, HOLD_MATCH_KEYS, at, problems);
    if (!('where' in match)) problems.push({ path: `${at}.where`, problem: 'is required' });
    else whereProblems(match.where, `${at}.where`, problems);
  });
}

/** Splits 'schema.table' or 'table' (then defaultSchema). A name with more than one dot is refused. */
export function splitTableName(table: string, defaultSchema: string): { schema: string; table: string } | undefined {
  const parts = table.split('.');
  if (parts.length === 1) return { schema: defaultSchema, table };
  if (parts.length === 2 && parts[0] !== '' && parts[1] !== '') return { schema: parts[0]!, table: parts[1]! };
  return undefined;
}
