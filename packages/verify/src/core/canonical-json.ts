// JSON Canonicalization Scheme (JCS), RFC 8785: the one byte string that every
// record, statement and certificate of shredproof is hashed and signed as.
//
//  - §3.1     the data must be I-JSON (RFC 7493): finite IEEE 754 numbers and
//             well-formed Unicode, so NaN, ±Infinity and lone surrogates are
//             rejected rather than coerced.
//  - §3.2.1   no whitespace between tokens.
//  - §3.2.2.2 strings: only `"`, `\` and U+0000..U+001F are escaped (\b \t \n
//             \f \r, else \u00xx in lowercase hex); everything else as is.
//  - §3.2.2.3 numbers: ECMAScript Number::toString, which is what String(n)
//             computes for a finite n (and -0 gives "0").
//  - §3.2.3   object members sorted by property name as UTF-16 code units,
//             which is what Array.prototype.sort does without a comparator.
//
// Pure and synchronous: no node:*, no Buffer, so that the browser verifier
// runs the same code.

import { utf8Encode } from './bytes.js';
import { BAIL, fast, fastString, LONE_SURROGATE, match } from './canonical-json-fast.js';
import { ValidationError, type FieldProblem } from './errors.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

/** Arrays and objects nested deeper than this are rejected (the walk is recursive). */
export const MAX_DEPTH = 1000;
/** At most this many bad fields are listed in one ValidationError; the rest are counted. */
const MAX_PROBLEMS = 100;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** RFC 8785 canonical text of `value`; throws ValidationError listing every field that JSON cannot represent. */
export function canonicalize(value: unknown): string {
  try {
    return fast(value, 0);
  } catch (e) {
    if (e !== BAIL) throw e;
  }
  return checkedCanonicalize(value);
}

/**
 * Something is unusual (a bad value, or deep nesting): walk again with paths,
 * cycle detection and every problem collected.
 */
function checkedCanonicalize(value: unknown): string {
  const walk: Walk = { problems: [], dropped: 0, ancestors: new Set() };
  const text = checked(value, '$', 0, walk);
  if (walk.problems.length > 0) {
    const fields = walk.dropped > 0 ? [...walk.problems, { path: '$', problem: `${walk.dropped} more problems not listed` }] : walk.problems;
    throw new ValidationError('value is not representable as RFC 8785 JSON', fields);
  }
  return text;
}

/** UTF-8 of canonicalize(value): the bytes to hash or sign. */
export function canonicalizeToBytes(value: unknown): Uint8Array {
  return utf8Encode(canonicalize(value));
}

/**
 * Parses one JSON text and returns [value, isCanonical]; isCanonical means the
 * input is byte-for-byte canonicalize(value).
 *
 * The text is attacker controlled: invalid JSON, non-finite numbers (1e400) and
 * lone surrogate escapes ("\ud800") throw ValidationError; duplicate property
 * names (JSON.parse keeps the last), insignificant whitespace, other escapes or
 * number spellings, and integers beyond double precision all give canonical=false,
 * because re-serializing the parsed value cannot reproduce the text.
 */
export function parseCanonical(text: string): { value: JsonValue; canonical: boolean } {
  if (typeof text !== 'string') {
    throw new ValidationError('invalid JSON', [{ path: '$', problem: `expected a string, got ${typeof text}` }]);
  }
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch (e) {
    const problem = e instanceof Error ? e.message : String(e);
    throw new ValidationError('invalid JSON', [{ path: '$', problem }], { cause: e });
  }
  try {
    if (match(value, text, 0, 0) === text.length) return { value, canonical: true };
  } catch (e) {
    if (e !== BAIL) throw e;
  }
  // Not canonical, or unusual: canonicalize still rejects what JSON cannot carry.
  return { value, canonical: canonicalize(value) === text };
}

// ---------------------------------------------------------------------------
// Checked path: the same output, plus a JSON path and a problem for every bad field.

interface Walk {
  problems: FieldProblem[];
  dropped: number;
  ancestors: Set<object>;
}

function report(walk: Walk, path: string, problem: string): '' {
  if (walk.problems.length < MAX_PROBLEMS) walk.problems.push({ path, problem });
  else walk.dropped++;
  return '';
}

function checked(v: unknown, path: string, depth: number, walk: Walk): string {
  switch (typeof v) {
    case 'string': {
      const bad = loneSurrogate(v);
      return bad === undefined ? fastString(v) : report(walk, path, `string has a ${bad}`);
    }
    case 'number':
      return Number.isFinite(v) ? String(v) : report(walk, path, `${v} is not a finite number`);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'undefined':
      return report(walk, path, 'undefined is not a JSON value');
    case 'bigint':
      return report(walk, path, `bigint ${v} is not a JSON number (convert it explicitly)`);
    case 'function':
    case 'symbol':
      return report(walk, path, `${typeof v} is not a JSON value`);
  }
  if (v === null) return 'null';
  const o = v as object;
  if (depth >= MAX_DEPTH) return report(walk, path, `nested deeper than ${MAX_DEPTH} levels`);
  if (walk.ancestors.has(o)) return report(walk, path, 'cycle: refers to an enclosing object');
  walk.ancestors.add(o);
  try {
    return Array.isArray(o) ? checkedArray(o, path, depth, walk) : checkedObject(o, path, depth, walk);
  } finally {
    walk.ancestors.delete(o);
  }
}

function checkedArray(a: readonly unknown[], path: string, depth: number, walk: Walk): string {
  let out = '[';
  for (let i = 0; i < a.length; i++) out += (i === 0 ? '' : ',') + checked(a[i], `${path}[${i}]`, depth + 1, walk);
  return out + ']';
}

function checkedObject(o: object, path: string, depth: number, walk: Walk): string {
  const proto: unknown = Object.getPrototypeOf(o);
  if (proto !== Object.prototype && proto !== null) {
    return report(walk, path, `${kindOf(o)} is not a plain object or array`);
  }
  for (const sym of Object.getOwnPropertySymbols(o)) {
    if (Object.prototype.propertyIsEnumerable.call(o, sym)) {
      report(walk, `${path}[${String(sym)}]`, 'symbol-keyed property has no JSON form');
    }
  }
  const obj = o as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const at = memberPath(path, k);
    const bad = loneSurrogate(k);
    if (bad !== undefined) report(walk, at, `property name has a ${bad}`);
    out += (i === 0 ? '' : ',') + (bad === undefined ? fastString(k) : '') + ':' + checked(obj[k], at, depth + 1, walk);
  }
  return out + '}';
}

/** Describes the first lone surrogate of `s`, or undefined when `s` is well-formed UTF-16. */
function loneSurrogate(s: string): string | undefined {
  const m = LONE_SURROGATE.exec(s);
  if (!m) return undefined;
  const unit = s.charCodeAt(m.index);
  return `lone surrogate U+${unit.toString(16).toUpperCase()} at index ${m.index}`;
}

/** `$.a` for identifier-like names, else `$["a b"]` (the name JSON-quoted, lone surrogates escaped). */
function memberPath(path: string, key: string): string {
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function kindOf(o: object): string {
  const ctor: unknown = (Object.getPrototypeOf(o) as { constructor?: unknown }).constructor;
  if (typeof ctor === 'function' && ctor !== Object && ctor.name) return ctor.name;
  return 'object with a custom prototype';
}
