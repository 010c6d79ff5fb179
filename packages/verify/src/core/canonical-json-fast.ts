// RFC 8785 canonical JSON, the fast paths (canonical-json.ts has the rules
// and the public functions): fast() writes the canonical text of an ordinary
// value, match() compares a text with what fast() would write, in place.
// Neither builds paths or keeps the ancestors: at the first thing they do not
// handle (a non-finite number, a lone surrogate, a custom prototype, deep
// nesting) they throw BAIL, and canonical-json.ts decides again on its
// checked path, which gives the same text or names every bad field. So a
// fast path may give up more often than it must (slower, same answer), but
// must never write or accept a text the checked path would not.

/** Thrown by the fast path at the first thing it does not handle; never escapes canonical-json.ts. */
export const BAIL: unique symbol = Symbol('bail');
/** The fast path gives up past this depth; the checked path then detects cycles exactly. */
const FAST_MAX_DEPTH = 64;
/** Strings without `"`, `\`, controls or surrogates are emitted between quotes as they are. */
const NEEDS_CARE = /[\u0000-\u001f"\\\ud800-\udfff]/;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function fast(v: unknown, depth: number): string {
  switch (typeof v) {
    case 'string':
      return fastString(v);
    case 'number':
      if (!Number.isFinite(v)) throw BAIL;
      return String(v); // Number::toString; String(-0) is "0" (RFC 8785 §3.2.2.3)
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (v === null) return 'null';
      if (depth >= FAST_MAX_DEPTH) throw BAIL;
      if (Array.isArray(v)) {
        const n = v.length;
        if (n === 0) return '[]';
        let out = '[' + fast(v[0], depth + 1);
        for (let i = 1; i < n; i++) out += ',' + fast(v[i], depth + 1);
        return out + ']';
      }
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) throw BAIL;
      if (Object.getOwnPropertySymbols(v).length > 0) throw BAIL;
      const obj = v as Record<string, unknown>;
      const keys = Object.keys(obj);
      if (keys.length === 0) return '{}';
      const { sorted, prefixes } = shapeOf(keys);
      let out = '';
      for (let i = 0; i < sorted.length; i++) out += prefixes[i]! + fast(obj[sorted[i]!], depth + 1);
      return out + '}';
    }
    default:
      throw BAIL; // undefined, function, symbol, bigint
  }
}

/**
 * Records come in few shapes, so the sorted member names of a shape and their
 * serialized prefixes (`{"a":`, `,"b":`) are kept, found by the first name in
 * insertion order and reused only when every name matches.
 */
interface Shape {
  readonly keys: readonly string[]; // Object.keys order
  readonly sorted: readonly string[]; // UTF-16 code unit order (RFC 8785 §3.2.3)
  readonly prefixes: readonly string[];
}
const shapes = new Map<string, Shape>();
const MAX_SHAPES = 256;
const MAX_SHAPE_KEYS = 64;

/** The sorted names and member prefixes of an object with these names (Object.keys order). */
function shapeOf(keys: string[]): Shape {
  const cacheable = keys.length <= MAX_SHAPE_KEYS;
  const cached = cacheable ? shapes.get(keys[0]!) : undefined;
  if (cached !== undefined && sameKeys(cached.keys, keys)) return cached;
  const sorted = [...keys].sort(); // UTF-16 code unit order (RFC 8785 §3.2.3)
  const shape = { keys, sorted, prefixes: sorted.map((k, i) => (i === 0 ? '{' : ',') + fastString(k) + ':') };
  if (cacheable && (shapes.size < MAX_SHAPES || shapes.has(keys[0]!))) shapes.set(keys[0]!, shape);
  return shape;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function fastString(s: string): string {
  if (!NEEDS_CARE.test(s)) return '"' + s + '"';
  if (LONE_SURROGATE.test(s)) throw BAIL;
  // For well-formed strings JSON.stringify escapes exactly as RFC 8785 §3.2.2.2
  // (ECMA-262 QuoteJSONString): \b \t \n \f \r \" \\ and lowercase \u00xx.
  return JSON.stringify(s);
}

/**
 * parseCanonical's fast path: compares the pieces that fast() would emit with
 * `text` in place, without building the string. Returns the offset after `v`,
 * or -1 at the first difference; throws BAIL like fast(). `v` comes from
 * JSON.parse, so it holds only plain objects, arrays and primitives.
 */
export function match(v: unknown, text: string, at: number, depth: number): number {
  if (typeof v === 'string') {
    if (NEEDS_CARE.test(v)) return matchPiece(fastString(v), text, at);
    const end = at + 1 + v.length;
    return text.charCodeAt(at) === 0x22 && text.charCodeAt(end) === 0x22 && text.slice(at + 1, end) === v ? end + 1 : -1;
  }
  if (typeof v !== 'object' || v === null) return matchPiece(fast(v, depth), text, at);
  if (depth >= FAST_MAX_DEPTH) throw BAIL;
  if (Array.isArray(v)) {
    if (text.charCodeAt(at++) !== 0x5b) return -1; // [
    for (let i = 0; i < v.length; i++) {
      if (i > 0 && text.charCodeAt(at++) !== 0x2c) return -1; // ,
      at = match(v[i], text, at, depth + 1);
      if (at < 0) return -1;
    }
    return text.charCodeAt(at) === 0x5d ? at + 1 : -1; // ]
  }
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 0) return matchPiece('{}', text, at);
  const { sorted, prefixes } = shapeOf(keys);
  for (let i = 0; i < sorted.length; i++) {
    at = matchPiece(prefixes[i]!, text, at);
    if (at >= 0) at = match(obj[sorted[i]!], text, at, depth + 1);
    if (at < 0) return -1;
  }
  return text.charCodeAt(at) === 0x7d ? at + 1 : -1; // }
}

function matchPiece(piece: string, text: string, at: number): number {
  // slice and === rather than startsWith, which V8 runs slowly on external strings (file contents)
  const end = at + piece.length;
  return text.slice(at, end) === piece ? end : -1;
}
