// Typing of filter values and primary-key values against a column's kind, and
// their conversion to bind parameters (text). Values always travel as bind
// parameters; this only decides which JSON values make sense for a column,
// so that a wrong type is a ValidationError at openTarget, not a failed query.

import type { JsonValue } from '@shredproof/verify';
import type { ColumnInfo, ColumnKind } from './dialect.js';

const INT = /^-?(0|[1-9][0-9]*)$/;
const DECIMAL = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const DATE = /^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}$/;
const TIMESTAMP = /^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?)?$/;
const TIMESTAMPTZ = /^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)$/;

const INT_RANGE: Partial<Record<ColumnKind, [bigint, bigint]>> = {
  int16: [-32768n, 32767n],
  int32: [-2147483648n, 2147483647n],
  int64: [-9223372036854775808n, 9223372036854775807n],
  integer: [-9223372036854775808n, 9223372036854775807n],
};

/** Column kinds a filter may name, and the ops each allows. */
const FILTER_OPS: Partial<Record<ColumnKind, ReadonlySet<string>>> = {
  int16: new Set(['eq', 'in', 'range']),
  int32: new Set(['eq', 'in', 'range']),
  int64: new Set(['eq', 'in', 'range']),
  integer: new Set(['eq', 'in', 'range']),
  numeric: new Set(['eq', 'in', 'range']),
  float: new Set(['eq', 'in', 'range']),
  boolean: new Set(['eq', 'in']),
  text: new Set(['eq', 'in', 'prefix', 'range']),
  'fixed-text': new Set(['eq', 'in', 'range']),
  date: new Set(['eq', 'in', 'range']),
  timestamp: new Set(['eq', 'in', 'range']),
  timestamptz: new Set(['eq', 'in', 'range']),
  uuid: new Set(['eq', 'in', 'range']),
};

/** Why `op` cannot be used on this column, or undefined. */
export function opProblem(column: ColumnInfo, op: string): string | undefined {
  const ops = FILTER_OPS[column.kind];
  if (!ops) return `filters on columns of type ${column.sqlType} are not supported`;
  if (!ops.has(op)) return `op ${op} is not supported on a ${column.sqlType} column (allowed: ${[...ops].join(', ')})`;
  return undefined;
}

/** Why this JSON value cannot stand for a value of the column, or undefined. Also used for primary-key values in locators. */
export function valueProblem(column: ColumnInfo, value: unknown): string | undefined {
  const kind = column.kind;
  const range = INT_RANGE[kind];
  if (range) {
    let text: string;
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) return `must be an integer (a safe integer number or a decimal string) for ${column.sqlType}`;
      text = String(value);
    } else if (typeof value === 'string' && INT.test(value)) text = value;
    else return `must be an integer (a number or a decimal string) for ${column.sqlType}`;
    const n = BigInt(text);
    if (n < range[0] || n > range[1]) return `out of range for ${column.sqlType}`;
    return undefined;
  }
  switch (kind) {
    case 'numeric':
      if (typeof value === 'number' && Number.isFinite(value)) return undefined;
      if (typeof value === 'string' && (DECIMAL.test(value) || value === 'NaN' || value === 'Infinity' || value === '-Infinity')) return undefined;
      return `must be a number or a decimal string for ${column.sqlType}`;
    case 'float':
      if (typeof value === 'number' && Number.isFinite(value)) return undefined;
      if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return undefined;
      return `must be a number (or "NaN", "Infinity", "-Infinity") for ${column.sqlType}`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `must be a boolean for ${column.sqlType}`;
    case 'text':
    case 'fixed-text':
      return typeof value === 'string' ? undefined : `must be a string for ${column.sqlType}`;
    case 'uuid':
      return typeof value === 'string' && UUID.test(value) ? undefined : `must be a UUID string for ${column.sqlType}`;
    case 'date':
      return typeof value === 'string' && DATE.test(value) ? undefined : `must be a date string YYYY-MM-DD for ${column.sqlType}`;
    case 'timestamp':
      return typeof value === 'string' && TIMESTAMP.test(value) ? undefined : `must be an RFC 3339 timestamp without offset for ${column.sqlType}`;
    case 'timestamptz':
      return typeof value === 'string' && TIMESTAMPTZ.test(value) ? undefined : `must be an RFC 3339 timestamp with Z or an offset for ${column.sqlType}`;
    default:
      return `values of type ${column.sqlType} are not supported here`;
  }
}

/** The text a valid value is bound as (the server converts it to the column type). */
export function toParam(value: JsonValue | string | number | boolean): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new TypeError(`not a scalar bind value: ${typeof value}`);
}

/** Column kinds a primary key may have: those whose canonical JSON value converts back to the same key. */
export function keyKindProblem(column: ColumnInfo): string | undefined {
  return FILTER_OPS[column.kind] ? undefined : `primary key column ${JSON.stringify(column.name)} has type ${column.sqlType}, which cannot be named in a locator`;
}

/**
 * Why a primary-key value in a locator is not one that list() could have
 * written: strict JSON types per the canonical mapping (int64 and numeric as
 * strings, int16/int32 as numbers), then the same checks as filter values.
 */
export function keyValueProblem(column: ColumnInfo, value: unknown): string | undefined {
  switch (column.kind) {
    case 'int16':
    case 'int32':
      if (typeof value !== 'number') return `must be a number for ${column.sqlType}`;
      break;
    case 'int64':
    case 'numeric':
      if (typeof value !== 'string') return `must be a decimal string for ${column.sqlType}`;
      break;
    case 'integer':
      // a number when safe, a decimal string only beyond 2^53 (one spelling per value)
      if (typeof value === 'string' && INT.test(value) && Number.isSafeInteger(Number(value))) return `must be a number for ${column.sqlType} values within 2^53`;
      break;
    default:
      break;
  }
  return valueProblem(column, value);
}
