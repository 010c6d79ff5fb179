// RFC 8785 (JCS): reference vectors, Appendix B numbers, every rejection, and
// properties cross-checked against a naive reference implementation.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { canonicalize, canonicalizeToBytes, MAX_DEPTH, parseCanonical, type JsonValue } from '../../packages/verify/src/core/canonical-json.js';
import { escapeForDisplay, jsonForDisplay } from '../../packages/verify/src/core/display-text.js';
import { ValidationError, type VerificationCode, VerificationError } from '../../packages/verify/src/core/errors.js';
import { decodeInput, parseJsonInput } from '../../packages/verify/src/core/strict-json.js';

const VECTORS = new URL('../vectors/canonical-json/', import.meta.url);
const readText = (rel: string): string => new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(new URL(rel, VECTORS)));
const readJson = <T>(rel: string): T => JSON.parse(readText(rel)) as T;
const listJson = (dir: string): string[] => readdirSync(new URL(dir, VECTORS)).filter((f) => f.endsWith('.json')).sort();

function assertRejects(fn: () => unknown, paths: string[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ValidationError, `expected ValidationError, got ${String(err)}`);
    assert.equal(err.code, 'VALIDATION_FAILED');
    assert.deepEqual(err.fields.map((f) => f.path), paths);
    for (const f of err.fields) assert.ok(f.problem.length > 0);
    return true;
  });
}

/** A double from its IEEE 754 bit pattern in hex (big-endian, leading zeros optional). */
function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

const nest = (v: unknown, levels: number): unknown => (levels === 0 ? v : [nest(v, levels - 1)]);

// Naive reference: character by character, with an explicit code-unit comparator.
const SHORT_ESCAPES: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r', 34: '\\"', 92: '\\\\' };
function referenceString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += SHORT_ESCAPES[c] ?? (c < 0x20 ? `\\u${c.toString(16).padStart(4, '0')}` : s[i]);
  }
  return out + '"';
}
function compareCodeUnits(a: string, b: string): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a.charCodeAt(i) !== b.charCodeAt(i)) return a.charCodeAt(i) - b.charCodeAt(i);
  }
  return a.length - b.length;
}
function reference(v: JsonValue): string {
  if (v === null || typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return Object.is(v, -0) ? '0' : String(v);
  if (typeof v === 'string') return referenceString(v);
  if (Array.isArray(v)) return `[${v.map(reference).join(',')}]`;
  const keys = Object.keys(v).sort(compareCodeUnits);
  return `{${keys.map((k) => `${referenceString(k)}:${reference(v[k]!)}`).join(',')}}`;
}

/** Deterministic PRNG (mulberry32), so that fast-check can shrink on the seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Same value, other text: shuffled members, random whitespace, strings sometimes fully \u-escaped. */
function messyStringify(v: JsonValue, rnd: () => number): string {
  const ws = (): string => {
    let s = '';
    while (rnd() < 0.3) s += ' \t\n\r'[Math.floor(rnd() * 4)];
    return s;
  };
  const str = (s: string): string =>
    rnd() < 0.3 ? `"${[...Array(s.length).keys()].map((i) => `\\u${s.charCodeAt(i).toString(16).padStart(4, '0')}`).join('')}"` : JSON.stringify(s);
  const go = (x: JsonValue): string => {
    if (x === null || typeof x !== 'object') return ws() + (typeof x === 'string' ? str(x) : JSON.stringify(x)) + ws();
    if (Array.isArray(x)) return `${ws()}[${x.length === 0 ? ws() : x.map(go).join(',')}]${ws()}`;
    const keys = Object.keys(x).sort(() => rnd() - 0.5);
    return `${ws()}{${keys.length === 0 ? ws() : keys.map((k) => `${ws()}${str(k)}${ws()}:${go(x[k]!)}`).join(',')}}${ws()}`;
  };
  return go(v);
}

/** The same object with members defined in another order (defineProperty: "__proto__" stays a member). */
function reorder(v: JsonValue, rnd: () => number): JsonValue {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => reorder(x, rnd));
  const out: { [k: string]: JsonValue } = {};
  for (const k of Object.keys(v).sort(() => rnd() - 0.5)) {
    Object.defineProperty(out, k, { value: reorder(v[k]!, rnd), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Offsets of a canonical text where JSON allows whitespace: around every structural token, outside strings. */
function whitespacePositions(text: string): number[] {
  const at = new Set([0, text.length]);
  for (let i = 0, inString = false; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') (inString = false), at.add(i + 1);
    } else if (ch === '"') (inString = true), at.add(i);
    else if ('{}[],:'.includes(ch)) at.add(i).add(i + 1);
  }
  return [...at];
}

const jsonArb = fc.oneof(fc.jsonValue(), fc.jsonValue({ stringUnit: 'binary' }), fc.jsonValue({ stringUnit: 'grapheme' })).map((v) => v as JsonValue);
const codeUnitString = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 12 });

// ---------------------------------------------------------------------------
// The fast paths (issue 21). canonicalize() tries fast() and parseCanonical() tries match()
// first; both give up (BAIL) on anything unusual and let the checked path decide. The shape
// cache tests (first in the file) and the last describe compare both with jcs(), a reference
// written from RFC 8785, on values and texts that reach every branch of the fast paths:
// strings that need escapes, surrogate pairs and lone surrogates, names that sort differently
// by code unit, objects that share their first name but not the others (the shape cache),
// objects wider than the cache keeps, more shapes than it holds, nesting on both sides of the
// fast path's depth limit (64), and texts one change away from canonical.

const WELL_FORMED = /^(?:[^\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff])*$/;
/** RFC 8785 from the spec: names by UTF-16 code units (§3.2.3), JSON.stringify for strings and numbers; undefined for what I-JSON cannot carry. */
function jcs(v: unknown): string | undefined {
  if (v === null || typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : undefined;
  if (typeof v === 'string') return WELL_FORMED.test(v) ? JSON.stringify(v) : undefined;
  if (typeof v !== 'object') return undefined;
  const parts: (string | undefined)[] = [];
  if (Array.isArray(v)) {
    for (const x of v) parts.push(jcs(x));
    return parts.includes(undefined) ? undefined : `[${parts.join(',')}]`;
  }
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o).sort(compareCodeUnits)) {
    const value = jcs(o[k]);
    parts.push(WELL_FORMED.test(k) && value !== undefined ? `${JSON.stringify(k)}:${value}` : undefined);
  }
  return parts.includes(undefined) ? undefined : `{${parts.join(',')}}`;
}

/** canonicalize(v) is jcs(v), or a ValidationError where jcs says I-JSON cannot carry v. */
function agreesOnValue(v: unknown): string | undefined {
  const want = jcs(v);
  if (want === undefined) assert.throws(() => canonicalize(v), ValidationError);
  else assert.equal(canonicalize(v), want);
  return want;
}

/** parseCanonical(t) says canonical exactly when t is jcs(JSON.parse(t)), and refuses what JSON.parse or I-JSON refuses. */
function agreesOnText(t: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(t);
  } catch {
    assert.throws(() => parseCanonical(t), ValidationError, t);
    return;
  }
  const want = jcs(parsed);
  if (want === undefined) {
    assert.throws(() => parseCanonical(t), ValidationError, t);
    return;
  }
  const got = parseCanonical(t);
  assert.equal(got.canonical, t === want, JSON.stringify(t));
  assert.deepEqual(got.value, parsed);
}

// Strings: printable ASCII (mostly without anything to escape, so that the in-place comparison
// runs), controls, quote and backslash, other BMP characters, surrogate pairs, and rarely a lone surrogate.
// size 'max': fast-check's default size would keep strings under about 10 units.
const plainText = fc.string({ unit: fc.constantFrom(...'abcxyzABZ019 _-./~$'), maxLength: 40, size: 'max' });
const anyUnit = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)) },
  { weight: 2, arbitrary: fc.constantFrom('"', '\\', '/', '\u007f', '\u2028', '\ufeff') },
  { weight: 2, arbitrary: fc.integer({ min: 0x80, max: 0xffff }).filter((c) => c < 0xd800 || c > 0xdfff).map((c) => String.fromCharCode(c)) },
  { weight: 2, arbitrary: fc.tuple(fc.integer({ min: 0xd800, max: 0xdbff }), fc.integer({ min: 0xdc00, max: 0xdfff })).map(([h, l]) => String.fromCharCode(h, l)) },
);
const careText = fc.array(anyUnit, { maxLength: 20, size: 'max' }).map((a) => a.join(''));
const loneText = fc.tuple(careText, fc.integer({ min: 0xd800, max: 0xdfff }), careText).map(([a, c, b]) => a + String.fromCharCode(c) + b);
const textArb = fc.oneof({ weight: 6, arbitrary: plainText }, { weight: 4, arbitrary: careText }, { weight: 1, arbitrary: loneText });
const numberArb = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.integer({ min: 0, max: 1e6 }).map((n) => n / 1000),
  fc.constantFrom(0, -0, 1, -1, 1e21, 1e20, 1e-7, 1e-6, 5e-324, Number.MAX_VALUE, Number.MAX_SAFE_INTEGER + 2, NaN, Infinity),
);
/** Names that sort differently by code unit, digits (array-like), and "__proto__", which JSON.parse makes an own member. */
const NAMES = ['', '0', '1', '10', '2', 'a', 'b', 'B', 'ab', 'id', 'é', '\ud83d\ude00', '\ufb33', 'a b', '"', '\\', '\n', '__proto__', 'constructor', 'length'];
const nameArb = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...NAMES) }, { weight: 1, arbitrary: textArb });
const scalarArb = fc.oneof(textArb, numberArb, fc.constantFrom(null, true, false));
const ownObject = (entries: ReadonlyArray<readonly [string, unknown]>): Record<string, unknown> => Object.fromEntries(entries);

const { json: valueArb } = fc.letrec<{ json: unknown; array: unknown[]; object: Record<string, unknown> }>((tie) => ({
  json: fc.oneof({ maxDepth: 4, depthIdentifier: 'fast-path' }, scalarArb, tie('array'), tie('object')),
  array: fc.array(tie('json'), { maxLength: 6, depthIdentifier: 'fast-path' }),
  object: fc.oneof(
    fc.array(fc.tuple(nameArb, tie('json')), { maxLength: 6, depthIdentifier: 'fast-path' }).map(ownObject),
    // Members of one pool in any order and any subset: many objects with the same first name and other members.
    fc.shuffledSubarray(NAMES.slice(0, 12), { minLength: 1 }).chain((names) => fc.tuple(...names.map((n) => fc.tuple(fc.constant(n), scalarArb))).map(ownObject)),
  ),
}));

/** `v` inside `levels` arrays and objects ([x], [0, x] or {"n": x}, as `kinds` says), to reach both sides of the depth limits. */
function wrap(v: unknown, kinds: readonly number[]): unknown {
  return kinds.reduceRight<unknown>((x, k) => (k === 0 ? [x] : k === 1 ? [0, x] : { n: x }), v);
}
const deepArb = fc.tuple(valueArb, fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 55, maxLength: 70 })).map(([v, kinds]) => wrap(v, kinds));
const wideArb = fc.uniqueArray(fc.tuple(nameArb, scalarArb), { minLength: 60, maxLength: 90, selector: ([k]) => k }).map(ownObject);

/** Number of values in `v`, each a place where `variant` can make its change. */
function countNodes(v: unknown): number {
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + countNodes(x), 1);
  if (typeof v === 'object' && v !== null) return Object.values(v).reduce((n: number, x) => n + countNodes(x), 1);
  return 1;
}

/** A string literal for `s` with the code unit at `i` spelled otherwise: \uXXXX in lower or upper case, or \/ for "/". */
function respell(s: string, i: number, upper: boolean): string {
  if (s.length === 0) return '""';
  const at = i % s.length;
  const c = s.charCodeAt(at);
  const hex = c.toString(16).padStart(4, '0');
  const alt = c === 0x2f && upper ? '\\/' : `\\u${upper ? hex.toUpperCase() : hex}`;
  return JSON.stringify(s.slice(0, at)).slice(0, -1) + alt + JSON.stringify(s.slice(at + 1)).slice(1);
}

/**
 * The canonical text of `v` (jcs) with one change at the value numbered `target` (pre-order):
 * another spelling of a string, number or name, whitespace, members swapped or repeated, an
 * element repeated or dropped. Most results are not canonical; some are (a dropped element),
 * and agreesOnText tells which.
 */
function variant(v: unknown, target: number, how: number): string {
  let n = 0;
  const go = (x: unknown): string => {
    const here = n++ === target;
    if (typeof x === 'string') return here ? respell(x, how >> 2, (how & 1) === 1) : JSON.stringify(x);
    if (typeof x === 'number') {
      const c = JSON.stringify(x);
      if (!here) return c;
      return [`${c}e0`, x.toExponential(), `${c}.0`, `-${c}`, ` ${c}`, `${c} `, c.replace('e+', 'e'), c.replace('e', 'E')][how % 8]!;
    }
    if (typeof x !== 'object' || x === null) return here ? [` ${String(x)}`, `${String(x)}\n`][how % 2]! : String(x);
    if (Array.isArray(x)) {
      const items = x.map(go);
      if (here) {
        const i = (how >> 3) % Math.max(items.length, 1);
        if (how % 4 === 0 && items.length > 0) items.splice(i, 0, items[i]!); // repeated element: still canonical
        else if (how % 4 === 1 && items.length > 0) items.splice(i, 1); // dropped element: still canonical
        else if (how % 4 === 2) return `[ ${items.join(',')}]`;
        else return `[${items.join(', ')}]`;
      }
      return `[${items.join(',')}]`;
    }
    const o = x as Record<string, unknown>;
    const names = Object.keys(o).sort(compareCodeUnits);
    const members = names.map((k) => `${JSON.stringify(k)}:${go(o[k])}`);
    if (here && members.length > 0) {
      const i = (how >> 3) % members.length;
      const k = names[i]!;
      switch (how % 8) {
        case 0: // two neighbours swapped, or the only member moved behind a copy of itself
          if (members.length > 1) [members[i], members[(i + 1) % members.length]] = [members[(i + 1) % members.length]!, members[i]!];
          else members.push(members[0]!);
          break;
        case 1: // a member repeated with the value that JSON.parse keeps
          members.splice(i, 0, `${JSON.stringify(k)}:null`);
          break;
        case 2: // a member repeated after itself
          members.splice(i + 1, 0, members[i]!);
          break;
        case 3: // the name spelled with an escape
          members[i] = `${respell(k, how >> 5, (how & 16) === 16)}:${go(o[k])}`;
          n -= countNodes(o[k]); // go() above numbered the value again
          break;
        case 4:
          members[i] = members[i]!.replace(':', ' :');
          break;
        case 5:
          return `{${members.join(', ')}}`;
        case 6: // a member left out: another, canonical text
          members.splice(i, 1);
          break;
        default:
          return ` {${members.join(',')}}`;
      }
    } else if (here) {
      return ['{ }', ' {}'][how % 2]!;
    }
    return `{${members.join(',')}}`;
  };
  return go(v);
}

// First in the file: the shape cache (canonical-json.ts) keeps the member names of objects by
// their first name, and takes new first names only until it holds 256 of them, which the tests
// below reach. Here it is still empty, so these tests decide what goes into it.
describe('the shape cache of the fast paths (issue 21)', () => {
  it('objects that share their first member name but not the others are written with their own members', () => {
    // JSON.parse makes "__proto__" an own member. An object without one reads the inherited
    // accessor instead (Object.prototype, which is written {}), so only a comparison of every
    // name tells these shapes apart: same first name, same number of members.
    const withProto = JSON.parse('{"first":1,"__proto__":2}') as Record<string, unknown>;
    assert.equal(canonicalize(withProto), '{"__proto__":2,"first":1}');
    assert.equal(canonicalize({ first: 1, second: 2 }), '{"first":1,"second":2}');
    assert.equal(canonicalize(withProto), '{"__proto__":2,"first":1}');
    assert.equal(parseCanonical('{"first":1,"second":2}').canonical, true);
    assert.equal(parseCanonical('{"__proto__":2,"first":1}').canonical, true);
    assert.equal(parseCanonical('{"__proto__":{},"first":1}').canonical, true);
    // the same names in another order are the same shape and the same text
    assert.equal(canonicalize({ second: 2, first: 1 }), '{"first":1,"second":2}');
    assert.equal(canonicalize({ first: 1, second: 2, third: 3 }), '{"first":1,"second":2,"third":3}');
    assert.equal(canonicalize({ first: 1, third: 3 }), '{"first":1,"third":3}');
  });

  it('more shapes than the cache holds, each seen with other members under the same first name', () => {
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 300; i++) {
        const first = `s${i}`;
        agreesOnValue(ownObject([[first, i], ['__proto__', 'p'], ['b', round]]));
        agreesOnValue({ [first]: i, b: round, a: 'x' });
        agreesOnValue({ [first]: i, a: 'x', b: round });
        agreesOnText(`{"__proto__":"p","b":${round},"${first}":${i}}`);
        agreesOnText(`{"a":"x","b":${round},"${first}":${i}}`);
        agreesOnText(`{"b":${round},"${first}":${i}}`);
      }
    }
  });
});

describe('RFC 8785 reference vectors (cyberphone/json-canonicalization testdata)', () => {
  const names = listJson('input/');
  it('has every upstream vector', () => {
    assert.deepEqual(names, ['arrays.json', 'french.json', 'structures.json', 'unicode.json', 'values.json', 'weird.json']);
  });
  for (const name of names) {
    it(name, () => {
      const input = readText(`input/${name}`);
      const output = readFileSync(new URL(`output/${name}`, VECTORS));
      const hex = readText(`outhex/${name.replace(/\.json$/, '.txt')}`).trim().split(/\s+/);
      assert.deepEqual([...output], hex.map((h) => parseInt(h, 16)), 'output file differs from outhex');
      assert.deepEqual(canonicalizeToBytes(JSON.parse(input)), new Uint8Array(output));
      const outputText = readText(`output/${name}`);
      assert.equal(canonicalize(JSON.parse(outputText)), outputText);
      assert.equal(parseCanonical(outputText).canonical, true);
      assert.equal(parseCanonical(input).canonical, false);
    });
  }
});

describe('number serialization (RFC 8785 section 3.2.2.3)', () => {
  type Row = { ieee754: string; json: string | null; comment?: string };
  const tables: [string, Row[]][] = [
    ['Appendix B', readJson<Row[]>('numbers/rfc8785-appendix-b.json')],
    ['es6testfile samples', readJson<Row[]>('numbers/es6testfile-samples.json')],
  ];
  it('has both tables', () => assert.deepEqual(tables.map(([, rows]) => rows.length), [26, 7]));
  for (const [table, rows] of tables) {
    for (const { ieee754, json, comment } of rows) {
      it(`${table} ${ieee754} -> ${json ?? 'rejected'} ${comment ?? ''}`, () => {
        const x = fromBits(ieee754);
        if (json === null) {
          assertRejects(() => canonicalize(x), ['$']);
          assertRejects(() => canonicalize({ n: [x] }), ['$.n[0]']);
          return;
        }
        assert.equal(canonicalize(x), json);
        assert.equal(canonicalize({ n: [x] }), `{"n":[${json}]}`);
        assert.equal(parseCanonical(json).canonical, true);
      });
    }
  }
});

describe('parseCanonical vectors', () => {
  type Case = { description: string; text: string; canonical?: boolean; canonicalized?: string; error?: { path: string } };
  const names = listJson('parse-canonical/');
  it('has the vectors', () => assert.ok(names.length >= 20, `only ${names.length}`));
  for (const name of names) {
    const c = readJson<Case>(`parse-canonical/${name}`);
    it(`${name}: ${c.description}`, () => {
      if (c.error) return assertRejects(() => parseCanonical(c.text), [c.error.path]);
      const { value, canonical } = parseCanonical(c.text);
      assert.equal(canonical, c.canonical);
      assert.equal(canonicalize(value), c.canonicalized ?? c.text);
    });
  }
  it('rejects a non-string argument', () => assertRejects(() => parseCanonical(42 as unknown as string), ['$']));
  it('keeps the parser error as the cause of invalid JSON', () => {
    assert.throws(() => parseCanonical('{"a":'), (e: unknown) => e instanceof ValidationError && e.cause instanceof SyntaxError);
  });
});

describe('canonicalize', () => {
  it('escapes exactly U+0000..U+001F, " and \\ (section 3.2.2.2)', () => {
    for (let c = 0; c < 0x80; c++) {
      const ch = String.fromCharCode(c);
      const want = SHORT_ESCAPES[c] ?? (c < 0x20 ? `\\u00${c.toString(16).padStart(2, '0')}` : ch);
      assert.equal(canonicalize(ch), `"${want}"`, `U+${c.toString(16)}`);
    }
    assert.equal(canonicalize('\u001f\u000b\u007f\u0080\u2028\u2029\ufeff\u00e9\u20ac\ud83d\ude00'), '"\\u001f\\u000b\u007f\u0080\u2028\u2029\ufeff\u00e9\u20ac\ud83d\ude00"');
  });
  it('sorts names by UTF-16 code units, recursively (section 3.2.3)', () => {
    const v = { '\ufb33': 1, '\ud83d\ude00': 2, b: { z: 1, Z: 2, '': 3 }, '10': 4, '2': 5, '1': 6, a: [{ y: 1, x: 2 }] };
    assert.equal(canonicalize(v), '{"1":6,"10":4,"2":5,"a":[{"x":2,"y":1}],"b":{"":3,"Z":2,"z":1},"\ud83d\ude00":2,"\ufb33":1}');
  });
  it('writes literals and -0', () => {
    assert.equal(canonicalize([null, true, false, -0, 0, 1.5, -1e-7, 1e21, 1e20]), '[null,true,false,0,0,1.5,-1e-7,1e+21,100000000000000000000]');
    assert.equal(canonicalize({}), '{}');
    assert.equal(canonicalize([]), '[]');
  });
  it('accepts null-prototype objects and shared (acyclic) references', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { b: 1, a: 2 });
    const shared = { k: 1 };
    assert.equal(canonicalize({ bare, x: [shared, shared], y: shared }), '{"bare":{"a":2,"b":1},"x":[{"k":1},{"k":1}],"y":{"k":1}}');
  });
  it('ignores non-enumerable properties, as JSON.stringify does', () => {
    const o = Object.defineProperty({ a: 1 }, 'hidden', { value: 2, enumerable: false });
    Object.defineProperty(o, Symbol('hidden'), { value: 3, enumerable: false });
    assert.equal(canonicalize(o), '{"a":1}');
  });
  it(`accepts ${MAX_DEPTH} nested levels and rejects one more`, () => {
    assert.equal(canonicalize(nest(7, MAX_DEPTH)), `${'['.repeat(MAX_DEPTH)}7${']'.repeat(MAX_DEPTH)}`);
    assertRejects(() => canonicalize(nest(7, MAX_DEPTH + 1)), [`$${'[0]'.repeat(MAX_DEPTH)}`]);
    // the same through objects, and through arrays by a later element
    const inObjects = (levels: number): unknown => (levels === 0 ? 7 : { a: inObjects(levels - 1) });
    const inSecond = (levels: number): unknown => (levels === 0 ? 7 : [0, inSecond(levels - 1)]);
    assert.equal(canonicalize(inObjects(MAX_DEPTH)), `${'{"a":'.repeat(MAX_DEPTH)}7${'}'.repeat(MAX_DEPTH)}`);
    assertRejects(() => canonicalize(inObjects(MAX_DEPTH + 1)), [`$${'.a'.repeat(MAX_DEPTH)}`]);
    assert.equal(canonicalize(inSecond(MAX_DEPTH)), `${'[0,'.repeat(MAX_DEPTH)}7${']'.repeat(MAX_DEPTH)}`);
    assertRejects(() => canonicalize(inSecond(MAX_DEPTH + 1)), [`$${'[1]'.repeat(MAX_DEPTH)}`]);
    // and parseCanonical refuses such text too, however far its fast path would go
    const objectText = (levels: number): string => `${'{"a":'.repeat(levels)}7${'}'.repeat(levels)}`;
    assert.equal(parseCanonical(objectText(MAX_DEPTH)).canonical, true);
    assertRejects(() => parseCanonical(objectText(MAX_DEPTH + 1)), [`$${'.a'.repeat(MAX_DEPTH)}`]);
  });
  it('accepts below the fast path depth what it accepts above: null-prototype objects, shared references', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { b: 1, a: 2 });
    const shared = { k: [1] };
    const value = { bare, x: [shared, shared], y: shared };
    const text = '{"bare":{"a":2,"b":1},"x":[{"k":[1]},{"k":[1]}],"y":{"k":[1]}}';
    assert.equal(canonicalize(value), text);
    assert.equal(canonicalize(nest(value, 70)), `${'['.repeat(70)}${text}${']'.repeat(70)}`);
  });
  it('encodes UTF-8', () => {
    assert.deepEqual(canonicalizeToBytes({ '\u20ac': '\ud83d\ude00' }), new Uint8Array([0x7b, 0x22, 0xe2, 0x82, 0xac, 0x22, 0x3a, 0x22, 0xf0, 0x9f, 0x98, 0x80, 0x22, 0x7d]));
  });
});

describe('canonicalize rejects what JSON cannot carry', () => {
  const sym = Symbol('k');
  const self: Record<string, unknown> = { a: 1 };
  self['self'] = self;
  const loop: unknown[] = [];
  loop.push(loop);
  const later: unknown[] = [1];
  later.push(later);
  const outer: Record<string, unknown> = { b: { c: null } };
  (outer['b'] as Record<string, unknown>)['c'] = outer;
  class Point {
    x = 1;
  }
  const cases: [string, unknown, string[]][] = [
    ['NaN', NaN, ['$']],
    ['Infinity', { a: Infinity }, ['$.a']],
    ['-Infinity', [1, -Infinity], ['$[1]']],
    ['undefined at the root', undefined, ['$']],
    ['undefined member', { a: 1, b: undefined }, ['$.b']],
    ['undefined element', [undefined], ['$[0]']],
    ['array hole', [1, , 3], ['$[1]']],
    ['function', { f: () => 1 }, ['$.f']],
    ['function at the root', () => 1, ['$']],
    ['symbol', { s: Symbol('x') }, ['$.s']],
    ['symbol-keyed member', { a: 1, [sym]: 1 }, ['$[Symbol(k)]']],
    ['bigint', { n: 10n }, ['$.n']],
    ['Date', { d: new Date(0) }, ['$.d']],
    ['Map', new Map([[1, 2]]), ['$']],
    ['Set', [new Set()], ['$[0]']],
    ['class instance', { p: new Point() }, ['$.p']],
    ['typed array', { t: new Uint8Array(2) }, ['$.t']],
    ['boxed string', { s: new String('x') }, ['$.s']],
    ['RegExp', /x/, ['$']],
    ['object with a plain-object prototype', Object.create({}), ['$']],
    ['object whose prototype has no constructor', Object.create(Object.create(null)), ['$']],
    ['object whose prototype has a constructor that is not a function', { o: Object.create({ constructor: 5 }) }, ['$.o']],
    ['lone high surrogate', { s: '\ud800' }, ['$.s']],
    ['lone low surrogate inside', { s: 'a\udc00b' }, ['$.s']],
    ['reversed pair', ['\udc00\ud800'], ['$[0]']],
    ['high surrogate at the end', 'abc\ud83d', ['$']],
    ['lone surrogate in a name', { '\ud800': 1 }, ['$["\\ud800"]']],
    ['lone surrogate in a nested name', { a: { 'x\udfff': 1 } }, ['$.a["x\\udfff"]']],
    ['self cycle', self, ['$.self']],
    ['array cycle', loop, ['$[0]']],
    ['indirect cycle', outer, ['$.b.c']],
    ['cycle below the fast path depth', nest(self, 70), [`$${'[0]'.repeat(70)}.self`]],
    ['array cycle through a later element', later, ['$[1]']],
    ['non-identifier names in paths', { 'a b': { '': NaN }, '0': [undefined] }, ['$["0"][0]', '$["a b"][""]']],
    [
      'every bad field at once',
      { a: NaN, b: [undefined, 1n], c: { d: Symbol('x') }, '\udc00': new Date(0), e: () => 1 },
      ['$.a', '$.b[0]', '$.b[1]', '$.c.d', '$.e', '$["\\udc00"]', '$["\\udc00"]'],
    ],
  ];
  for (const [name, value, paths] of cases) it(name, () => assertRejects(() => canonicalize(value), paths));
  it('lists 100 problems and counts the rest', () => {
    assertRejects(() => canonicalize(new Array(250).fill(undefined)), [...Array.from({ length: 100 }, (_, i) => `$[${i}]`), '$']);
  });
});

describe('properties', () => {
  it('matches the naive reference, is idempotent through JSON.parse, and parses back as canonical', () => {
    fc.assert(
      fc.property(jsonArb, (v) => {
        const c = canonicalize(v);
        assert.equal(c, reference(v));
        assert.equal(canonicalize(JSON.parse(c)), c);
        assert.equal(parseCanonical(c).canonical, true);
      }),
      { numRuns: 500 },
    );
  });
  it('escapes any well-formed string like the reference and rejects any string with a lone surrogate', () => {
    const wellFormed = (s: string): boolean => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
    fc.assert(
      fc.property(codeUnitString, codeUnitString, (s, k) => {
        const path = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? `$.${k}` : `$[${JSON.stringify(k)}]`;
        const paths = [...(wellFormed(k) ? [] : [path]), ...(wellFormed(s) ? [] : [path])];
        if (paths.length > 0) assertRejects(() => canonicalize({ [k]: s }), paths);
        else assert.equal(canonicalize({ [k]: s }), `{${referenceString(k)}:${referenceString(s)}}`);
      }),
    );
  });
  it('canonicalizes identically whatever the member order, whitespace and escapes', () => {
    fc.assert(
      fc.property(jsonArb, fc.integer(), (v, seed) => {
        const rnd = prng(seed);
        const c = canonicalize(v);
        assert.equal(canonicalize(reorder(v, rnd)), c);
        const messy = messyStringify(v, rnd);
        assert.equal(canonicalize(parseCanonical(messy).value), c);
        assert.equal(parseCanonical(messy).canonical, messy === c);
      }),
      { numRuns: 300 },
    );
  });
  it('reports canonical=false after any inserted whitespace', () => {
    const whitespace = fc.array(fc.constantFrom(' ', '\t', '\n', '\r'), { minLength: 1, maxLength: 3 }).map((a) => a.join(''));
    fc.assert(
      fc.property(jsonArb, fc.nat(), whitespace, (v, pick, ws) => {
        const c = canonicalize(v);
        const positions = whitespacePositions(c);
        const at = positions[pick % positions.length]!;
        const text = c.slice(0, at) + ws + c.slice(at);
        const parsed = parseCanonical(text);
        assert.equal(parsed.canonical, false);
        assert.equal(canonicalize(parsed.value), c);
      }),
      { numRuns: 300 },
    );
  });
  it('says canonical exactly when the text equals canonicalize(JSON.parse(text)), for mutated texts', () => {
    const edit = fc.tuple(fc.nat(), fc.constantFrom('', ' ', '0', '1', '-', '.', 'e', '"', '\\', 'u', ',', ':', '[', ']', '{', '}', 'a', '\u00e9'), fc.boolean());
    fc.assert(
      fc.property(jsonArb, fc.array(edit, { minLength: 1, maxLength: 3 }), (v, edits) => {
        let text = canonicalize(v);
        for (const [pick, ch, replace] of edits) {
          const at = pick % (text.length + 1);
          text = text.slice(0, at) + ch + text.slice(replace ? at + 1 : at);
        }
        let expected: boolean;
        try {
          expected = canonicalize(JSON.parse(text)) === text;
        } catch {
          return assert.throws(() => parseCanonical(text), ValidationError);
        }
        assert.equal(parseCanonical(text).canonical, expected);
      }),
      { numRuns: 500 },
    );
  });
  it('gives the same text on the deep (checked) path as on the fast path', () => {
    fc.assert(
      fc.property(jsonArb, (v) => {
        assert.equal(canonicalize(nest(v, 80)), `${'['.repeat(80)}${canonicalize(v)}${']'.repeat(80)}`);
      }),
      { numRuns: 100 },
    );
  });
});

describe('strict JSON for what verifiers read (strict-json.ts, issue 11)', () => {
  /** 'ok', or the code parseJsonInput throws (with `message` kept for the path checks). */
  let message = '';
  const codeOf = (text: string, syntaxCode: VerificationCode = 'JSON_INVALID'): string => {
    try {
      parseJsonInput(text, 'the input', syntaxCode);
      return 'ok';
    } catch (e) {
      assert.ok(e instanceof VerificationError, String(e));
      message = e.message;
      return e.code;
    }
  };

  it('refuses a member name twice in one object, at any depth, however it is spelled, and names the object', () => {
    const twice: Array<[string, string]> = [
      ['{"a":1,"a":2}', '$'],
      ['{"a":1, "a":1}', '$'],
      ['{"x":[{"b":1},{"b":1,"b":2}]}', '$.x[1]'],
      ['{"a":1,"\\u0061":2}', '$'],
      ['{"a b":{"k":1,"k":2}}', '$["a b"]'],
      ['[[],{"q":{},"q":[]}]', '$[1]'],
      ['{"k\\\\":1,"k\\\\":2}', '$'],
      ['{"s":"\\"","":1,"":2}', '$'],
      ['{"o":{"p":{}},"o":0}', '$'],
      ['{"ab":[{"k":1,"k":2}]}', '$.ab[0]'],
      ['{"a_1":{"$b":{"k":1, "k":2}}}', '$.a_1.$b'],
      ['{"1a":{"k":1,"k":2}}', '$["1a"]'],
    ];
    for (const [text, path] of twice) {
      assert.equal(codeOf(text), 'JSON_DUPLICATE_MEMBER', text);
      assert.ok(message.startsWith(`the input: ${path} has the member `), `${text}: ${message}`);
    }
  });

  it('accepts one name in several objects, and names that only look alike', () => {
    // (also texts that are not canonical and hold strings outside any object: the scan expects a name only inside one)
    for (const text of ['{"a":{"a":1},"b":{"a":2}}', '{"a":"\\"a\\":1,\\"a\\":2"}', '{"a":1,"A":2}', '{"a\\\\":1,"a":2}', '[{"a":1},{"a":1}]', '{"a":[1,{"b":{}}],"b":2}', '{ }', '[ ]', '[ "a"]', '"\\u0061"', ' "a"']) {
      assert.equal(codeOf(text), 'ok', text);
    }
  });

  it('refuses __proto__, constructor and prototype as member names anywhere, and only as names', () => {
    for (const text of ['{"__proto__":{}}', '{"a":[{"constructor":1}]}', '{ "prototype": 1 }', '{"\\u005f_proto__":1}', '[{"x":{"prototype":null}}]']) {
      assert.equal(codeOf(text), 'MEMBER_FORBIDDEN', text);
    }
    assert.match(message, /^the input: \$\[0\]\.x has a member named prototype/);
    // Values, longer names, and a canonical name that only contains the text "constructor": (the quick test's false alarm).
    for (const text of ['{"a":"__proto__"}', '{"a":"constructor"}', '["prototype"]', '{"constructors":1}', '{"a\\"constructor":1}']) {
      assert.equal(codeOf(text), 'ok', text);
    }
  });

  it("says whether the text is canonical, and gives what is not JSON (or not I-JSON) the caller's code", () => {
    assert.deepEqual(parseJsonInput('{"a":[1,"x"]}', 'x', 'JSON_INVALID'), { value: { a: [1, 'x'] }, canonical: true });
    assert.deepEqual(parseJsonInput('{"a": [1, "x"]}', 'x', 'JSON_INVALID'), { value: { a: [1, 'x'] }, canonical: false });
    assert.equal(codeOf('{"a":1', 'RECORD_INVALID'), 'RECORD_INVALID');
    assert.equal(codeOf('"\\ud800"', 'STATEMENT_INVALID'), 'STATEMENT_INVALID');
    assert.equal(codeOf('1e400', 'PROOF_MALFORMED'), 'PROOF_MALFORMED');
    // Not JSON is reported as such even when a name also repeats: the syntax is checked first.
    assert.equal(codeOf('{"a":1,"a":2'), 'JSON_INVALID');
  });

  it('keeps what the parser threw as the cause', () => {
    assert.throws(
      () => parseJsonInput('{"a":', 'x', 'JSON_INVALID'),
      (e: unknown) => e instanceof VerificationError && e.cause instanceof ValidationError && e.cause.cause instanceof SyntaxError,
    );
    assert.throws(() => decodeInput(Uint8Array.of(0xff), 'x'), (e: unknown) => e instanceof VerificationError && e.cause instanceof TypeError);
  });

  it('decodeInput is strict UTF-8 (UTF8_INVALID) and keeps a byte order mark, which JSON then refuses', () => {
    const bad = [[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]];
    for (const b of bad) assert.throws(() => decodeInput(Uint8Array.from([0x7b, ...b, 0x7d]), 'x'), (e: unknown) => e instanceof VerificationError && e.code === 'UTF8_INVALID', String(b));
    const bom = decodeInput(Uint8Array.of(0xef, 0xbb, 0xbf, 0x7b, 0x7d), 'x');
    assert.equal(bom, '\ufeff{}');
    assert.equal(codeOf(bom), 'JSON_INVALID');
  });

  it('agrees with JSON.parse on texts without repeated names, and refuses each text with one repeated', () => {
    const object = fc.dictionary(fc.string(), jsonArb, { minKeys: 1, maxKeys: 5 }).filter((o) => !/"(?:__proto__|constructor|prototype)":/.test(JSON.stringify(o)));
    fc.assert(
      fc.property(object, fc.constantFrom(undefined, 1), (o, space) => {
        const text = JSON.stringify(o, null, space);
        const { value } = parseJsonInput(text, 'x', 'JSON_INVALID');
        assert.deepEqual(value, JSON.parse(text));
        const first = JSON.stringify(Object.keys(o)[0]);
        assert.equal(codeOf(`{${first}:null,${text.slice(1)}`), 'JSON_DUPLICATE_MEMBER');
        assert.equal(codeOf(`[${text},{"n":${text}}]`), 'ok');
      }),
      { numRuns: 300 },
    );
  });
});

describe('escapeForDisplay and jsonForDisplay (display-text.ts, issue 11)', () => {
  it('escapes C0, DEL, C1 and the bidi controls as \\uXXXX, and leaves other text as it is', () => {
    assert.equal(escapeForDisplay('\u001b[1A\u001b[2K\rVALID'), '\\u001b[1A\\u001b[2K\\u000dVALID');
    assert.equal(escapeForDisplay('a\u0000\u007f\u0085\u009bz\n\t'), 'a\\u0000\\u007f\\u0085\\u009bz\\u000a\\u0009');
    assert.equal(escapeForDisplay('\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c\u200e\u200f\u2028\u2029'), '\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069\\u061c\\u200e\\u200f\\u2028\\u2029');
    for (const plain of ['users/a b\\c.jpg', 'é€😀 ~', '\u00a0\u200b\u2065\u206a\u202f']) assert.equal(escapeForDisplay(plain), plain);
  });

  it('jsonForDisplay is JSON of the same value with no unsafe character left', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: fc.integer({ min: 0, max: 0x2070 }).map((c) => String.fromCharCode(c)) }), fc.constantFrom(undefined, 2), (v, s, space) => {
        const text = jsonForDisplay({ v, s }, space);
        assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify({ v, s })));
        assert.doesNotMatch(text.replace(/\n/g, ''), /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
      }),
      { numRuns: 300 },
    );
  });
});

describe('fast paths agree with an RFC 8785 reference (issue 21)', () => {
  it('reads each member of a plain value once: the fast path walks it to the end, without starting over on the checked path', () => {
    // A getter counts the reads: a fast path that gave up (BAIL) where it should not would still
    // give the right text, from the checked path, but after reading the member a second time.
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { k: 'v' });
    const samples: unknown[] = ['text', 'needs "care"\n', '', 0, -0, 1.5, true, false, null, [], {}, [1, 'a', [null]], { b: 1, a: [true] }, bare, [{ x: {} }, []]];
    for (const x of samples) {
      let reads = 0;
      const read = (): unknown => {
        reads++;
        return x;
      };
      const member = Object.defineProperty({}, 'm', { get: read, enumerable: true });
      const element = Object.defineProperty([], 0, { get: read, enumerable: true });
      assert.equal(canonicalize(member), `{"m":${jcs(x)}}`);
      assert.equal(canonicalize(element), `[${jcs(x)}]`);
      assert.equal(reads, 2, JSON.stringify(x));
    }
  });

  it('canonicalize and parseCanonical agree with the reference on values of every shape', () => {
    fc.assert(
      fc.property(valueArb, (v) => {
        const want = agreesOnValue(v);
        if (want !== undefined) agreesOnText(want);
      }),
      { numRuns: 2000 },
    );
  });

  it('and on values nested around the fast path depth limit, and on objects wider than the shape cache keeps', () => {
    fc.assert(
      fc.property(fc.oneof(deepArb, wideArb, fc.array(wideArb, { maxLength: 4 })), (v) => {
        const want = agreesOnValue(v);
        if (want !== undefined) agreesOnText(want);
      }),
      { numRuns: 400 },
    );
  });

  it('parseCanonical says canonical exactly when the text is the reference text of its value, for texts with one change', () => {
    fc.assert(
      fc.property(fc.oneof({ weight: 4, arbitrary: valueArb }, { weight: 1, arbitrary: deepArb }, { weight: 1, arbitrary: wideArb }), fc.nat(), fc.nat(), (v, pick, how) => {
        if (jcs(v) === undefined) return;
        agreesOnText(variant(v, pick % countNodes(v), how));
      }),
      { numRuns: 3000 },
    );
  });

  it('and for texts with characters replaced, inserted or deleted anywhere', () => {
    const edit = fc.tuple(fc.nat(), fc.constantFrom('', ' ', '0', '1', '-', 'e', '"', '\\', 'u', ',', ':', '[', ']', '{', '}', 'a', '/', '\u00e9'), fc.boolean());
    fc.assert(
      fc.property(fc.oneof({ weight: 4, arbitrary: valueArb }, { weight: 1, arbitrary: deepArb }), fc.array(edit, { minLength: 1, maxLength: 2 }), (v, edits) => {
        const canonical = jcs(v);
        if (canonical === undefined) return;
        let text = canonical;
        for (const [pick, ch, replace] of edits) {
          const at = pick % (text.length + 1);
          text = text.slice(0, at) + ch + text.slice(replace ? at + 1 : at);
        }
        agreesOnText(text);
      }),
      { numRuns: 2000 },
    );
  });
});
