// The canonical byte form of a SQL row and its locator (docs/backends/sql.md).
//
//   content bytes = UTF-8 of RFC 8785 canonical JSON of { column: value } over
//                   ALL columns of the table, values mapped by the dialect;
//   sha256        = SHA-256 of those bytes (also the fingerprint destroy compares);
//   locator       = `${schema}.${table}:${canonicalize({ pk column: value })}`.

import { hash } from 'node:crypto';
import { canonicalize, parseCanonical, type JsonValue } from '@shredproof/verify';
import type { ColumnInfo, RawRow, SqlDialect } from './dialect.js';
import { isPlainObject } from './filter-model.js';
import { keyValueProblem, toParam } from './filter-values.js';
import type { CompiledTarget } from './sql-statements.js';

export interface RowDigest {
  locator: string;
  sha256: string;
  size: number;
  /** The key columns as the database wrote them (for keyset pagination and DELETE). */
  rawKey: string[];
  inScope: boolean;
  /** Id of the first hold covering the row, if any. */
  heldBy: string | undefined;
}

/** What a row's canonical form weighs, without its hash: what a plan lists. */
export type RowSize = Omit<RowDigest, 'sha256'>;

/** The canonical content of a row: what is hashed. */
export function canonicalRow(dialect: SqlDialect, columns: readonly ColumnInfo[], raw: RawRow, offset = 0): string {
  const obj: Record<string, JsonValue> = {};
  columns.forEach((c, i) => {
    obj[c.name] = dialect.toJson(c, raw[offset + i]);
  });
  return canonicalize(obj);
}

/** SHA-256 of the UTF-8 of `text`, in hex (the one-shot hash: half the cost of createHash for a row). */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

/**
 * How a row was selected: `offset` prefix columns (e.g. the request index),
 * then every column, then (unless `flags` is false) the scope flag and one
 * flag per hold. A row without flags is one a DELETE returned, which matched
 * the scope and no hold: in scope, not held.
 */
export interface RowShape {
  offset?: number;
  flags?: boolean;
}

/** The size, locator, key and flags of a row, and its canonical text (not hashed). */
function describeRow(dialect: SqlDialect, target: CompiledTarget, raw: RawRow, shape: RowShape): RowSize & { text: string } {
  const offset = shape.offset ?? 0;
  const columns = target.table.columns;
  const text = canonicalRow(dialect, columns, raw, offset);
  const { locator, rawKey } = rowKey(dialect, target, raw, offset, (k) => columns.indexOf(k));
  const flags = offset + columns.length;
  const holdIndex = shape.flags === false ? -1 : target.holds.findIndex((_, h) => isSet(raw[flags + 1 + h]));
  return {
    text,
    locator,
    size: Buffer.byteLength(text, 'utf8'),
    rawKey,
    inScope: shape.flags === false || isSet(raw[flags]),
    heldBy: holdIndex >= 0 ? target.holds[holdIndex]!.id : undefined,
  };
}

/** Digests a row (see RowShape for the columns it was selected with): its canonical form hashed. */
export function digestRow(dialect: SqlDialect, target: CompiledTarget, raw: RawRow, shape: RowShape = {}): RowDigest {
  const { text, ...rest } = describeRow(dialect, target, raw, shape);
  return { ...rest, sha256: sha256Hex(text) };
}

/**
 * The size of a row's canonical form, without hashing it: list() needs only
 * the size, and it is the byte length of the very text digestRow hashes.
 */
export function sizeRow(dialect: SqlDialect, target: CompiledTarget, raw: RawRow, shape: RowShape = {}): RowSize {
  const { text: _text, ...rest } = describeRow(dialect, target, raw, shape);
  return rest;
}

/** A row selected as [prefix columns..., key columns..., scope flag, hold flags...]: its locator and flags. */
export function keyedFlags(dialect: SqlDialect, target: CompiledTarget, raw: RawRow, offset: number): { locator: string; inScope: boolean; heldBy: string | undefined } {
  const { locator } = rowKey(dialect, target, raw, offset, (k) => target.keyColumns.indexOf(k));
  const flags = offset + target.keyColumns.length;
  const holdIndex = target.holds.findIndex((_, h) => isSet(raw[flags + 1 + h]));
  return { locator, inScope: isSet(raw[flags]), heldBy: holdIndex >= 0 ? target.holds[holdIndex]!.id : undefined };
}

function rowKey(dialect: SqlDialect, target: CompiledTarget, raw: RawRow, offset: number, position: (k: ColumnInfo) => number): { locator: string; rawKey: string[] } {
  const key: Record<string, JsonValue> = {};
  const rawKey: string[] = [];
  for (const k of target.keyColumns) {
    const v = raw[offset + position(k)];
    key[k.name] = dialect.toJson(k, v);
    rawKey.push(String(v));
  }
  return { locator: target.locatorPrefix + canonicalize(key), rawKey };
}

function isSet(flag: unknown): boolean {
  return flag === 1 || flag === '1' || flag === true || flag === 1n;
}

/**
 * The key values (as bind texts) named by a locator of this target, or why it
 * is refused. Locators come back through Redis: untrusted, parsed defensively,
 * and only canonical JSON naming exactly the key columns is accepted.
 */
export function parseLocator(target: CompiledTarget, locator: unknown): string[] | string {
  if (typeof locator !== 'string') return 'locator must be a string';
  if (!locator.startsWith(target.locatorPrefix)) return `locator is not of table ${target.locatorPrefix.slice(0, -1)}`;
  const text = locator.slice(target.locatorPrefix.length);
  let parsed: { value: JsonValue; canonical: boolean };
  try {
    parsed = parseCanonical(text);
  } catch {
    return 'locator key is not JSON';
  }
  if (!parsed.canonical) return 'locator key is not canonical JSON';
  const key = parsed.value;
  if (!isPlainObject(key)) return 'locator key must be a JSON object';
  const names = target.keyColumns.map((k) => k.name);
  if (Object.keys(key).length !== names.length || !names.every((n) => Object.hasOwn(key, n))) {
    return `locator key must name exactly the primary key columns ${names.join(', ')}`;
  }
  const out: string[] = [];
  for (const k of target.keyColumns) {
    const v = key[k.name];
    const p = keyValueProblem(k, v);
    if (p !== undefined) return `locator key ${k.name}: ${p}`;
    out.push(toParam(v as string | number | boolean));
  }
  return out;
}
