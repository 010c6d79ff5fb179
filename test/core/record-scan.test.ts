// The byte scanner of the fast records verifier against the core, the
// reference: whenever scanRecord accepts a line, the core's parseRecordLine
// accepts it too, with the same values. (When it declines, the core decides,
// so a decline can never change a verdict.) And it does accept the usual
// records, or the fast path would be dead weight.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { canonicalize, type DestructionRecord, parseRecordLine, RECORD_MAX_LINE_BYTES, VerificationError } from '../../packages/verify/src/core/index.js';
import { isRfc3339Utc } from '../../packages/verify/src/core/validate.js';
import { decodeLine, isTime, newScannedRecord, type ScannedRecord, scanRecord } from '../../packages/verify/src/core/record-scan.js';
import { arbRecord, plainRecord, toRecord } from '../node/records-fixture.js';

const out = (): ScannedRecord => (newScannedRecord());

/** Scans `line` placed inside other bytes (so that reads past the line would be caught), then checks against the core. */
function agree(line: string): boolean {
  const body = Buffer.from(line, 'utf8');
  const b = Buffer.concat([Buffer.from('}"\n'), body, Buffer.from('"}\n{')]);
  const r = out();
  if (!scanRecord(b, 3, 3 + body.length, r)) return false;
  const core = parseRecordLine(line); // throws if the core disagrees
  const s = (a: number, z: number) => b.toString('utf8', a, z);
  assert.equal(r.index, core.index);
  assert.equal(r.size, core.size);
  assert.equal(s(r.locator, r.locatorEnd), core.locator);
  assert.equal(s(r.target, r.targetEnd), core.target);
  assert.equal(s(r.method, r.methodEnd), core.method);
  assert.equal(s(r.sha256, r.sha256 + 64), core.sha256);
  return true;
}

const base = canonicalize(toRecord({ ...plainRecord(7), attributes: { etag: '"abc"', versionId: 'v1' } }, 7));

describe('scanRecord agrees with the core', () => {
  it('accepts the usual records, with and without attributes', () => {
    assert.ok(agree(canonicalize(toRecord(plainRecord(1), 1))));
    assert.ok(agree(canonicalize(toRecord({ ...plainRecord(2), attributes: {} }, 2))));
    assert.ok(agree(canonicalize(toRecord({ ...plainRecord(3), attributes: { recovered: 'true', versionId: 'null' } }, 3))));
    assert.ok(agree(canonicalize(toRecord({ ...plainRecord(4), size: Number.MAX_SAFE_INTEGER, destroyedAt: '2024-02-29T23:59:60.123456789Z' }, 0))));
  });

  const edit = (from: RegExp | string, to: string) => {
    const line = base.replace(from, to);
    assert.notEqual(line, base, `edit ${String(from)} did not apply`);
    return line;
  };
  const ATTRS = '"etag":"\\"abc\\"","versionId":"v1"';
  const TIME = '2026-11-20T10:00:00.000Z';

  it('accepts the valid edges of the format', () => {
    const valid: Array<[RegExp | string, string]> = [
      ['"index":7', '"index":9007199254740991'], ['"index":7', '"index":0'], ['"method":"unlink"', `"method":"${'a'.repeat(64)}"`],
      ['"method":"unlink"', '"method":"a-"'], [/"salt":"[0-9a-f]+"/, `"salt":"${'ab'.repeat(17)}"`], ['"target":"photos"', `"target":"${'t'.repeat(256)}"`],
      [/"locator":"[^"]+"/, `"locator":"${'l'.repeat(4096)}"`], [/"locator":"[^"]+"/, '"locator":" ~{}[]:,#"'], [ATTRS, '"a":"x","ab":"y"'], [ATTRS, '"a":"\\\\\\""'], [ATTRS, '"":""'],
      [ATTRS, '"B":"","a":""'], [ATTRS, '"constructo":"x","prototypes":"y"'], [TIME, '2000-02-29T10:00:00Z'], [TIME, '2024-12-31T23:59:60.1Z'], [TIME, '0000-01-01T00:00:00.123456789Z'],
    ];
    for (const [from, to] of valid) assert.ok(agree(edit(from, to)), `${to} must take the fast path`);
  });

  it('declines everything else, and the core then decides', () => {
    const others: Array<[RegExp | string, string]> = [
      ['"index":7', '"index":07'], ['"index":7', '"index":-0'], ['"index":7', '"index":7.0'], ['"index":7', '"index":7e0'],
      ['"index":7', '"index":9007199254740992'], ['"index":7', '"index":99999999999999999'], ['"size":1007', '"size":1007 '],
      ['"method":"unlink"', '"method":"-unlink"'], ['"method":"unlink"', '"method":"Unlink"'], ['"method":"unlink"', `"method":"${'a'.repeat(65)}"`],
      ['"method":"unlink"', '"method":""'], [/"salt":"[0-9a-f]+"/, `"salt":"${'a'.repeat(31)}"`], [/"salt":"[0-9a-f]+"/, `"salt":"${'A'.repeat(32)}"`],
      [/"salt":"[0-9a-f]+"/, `"salt":"${'a'.repeat(33)}"`], [/"sha256":"[0-9a-f]+"/, `"sha256":"${'a'.repeat(63)}"`], [/"sha256":"[0-9a-f]+"/, `"sha256":"${'A'.repeat(64)}"`],
      [/"sha256":"[0-9a-f]+"/, `"sha256":"${'a'.repeat(65)}"`], ['"target":"photos"', '"target":""'], ['"target":"photos"', `"target":"${'t'.repeat(257)}"`],
      [/"locator":"[^"]+"/, `"locator":"${'l'.repeat(4097)}"`], [/"locator":"[^"]+"/, '"locator":"a\\"b"'], [/"locator":"[^"]+"/, '"locator":"a\\u0041"'],
      [/"locator":"[^"]+"/, '"locator":"é"'], [/"locator":"[^"]+"/, '"locator":"\u007f"'], [/"locator":"[^"]+"/, '"locator":"a\tb"'], [/"locator":"[^"]+"/, '"locator":""'],
      [ATTRS, '"versionId":"v1","etag":"x"'], [ATTRS, '"a":"x","a":"y"'], [ATTRS, '"a":1'], [ATTRS, '"a":"\\n"'], [ATTRS, '"a":"\\/"'], [ATTRS, '"a\\"b":"x"'], [ATTRS, '"a":"\\"'], [ATTRS, '"a":"x",'], [ATTRS, '"a":null'], [ATTRS, '"a" :"x"'],
      [TIME, '2026-02-29T10:00:00Z'], [TIME, '1900-02-29T10:00:00Z'], [TIME, '2026-04-31T10:00:00Z'], [TIME, '2026-11-20T24:00:00Z'], [TIME, '2026-11-20T10:60:00Z'],
      [TIME, '2026-11-20T10:00:61Z'], [TIME, '2026-11-20T10:00:00.Z'], [TIME, '2026-11-20T10:00:00.1234567890Z'], [TIME, '2026-11-20t10:00:00Z'],
      [TIME, '2026-11-20T10:00:00+00:00'], [TIME, '2026-00-20T10:00:00Z'], [TIME, '2026-11-00T10:00:00Z'], [TIME, '20261-11-20T10:00:00Z'],
      ['{"attributes"', '{"aaa":1,"attributes"'], ['"target":"photos"}', '"target":"photos","zz":null}'], ['"target":"photos"}', '"target":"photos"} '],
      ['{"attributes"', ' {"attributes"'], ['{"attributes"', '{ "attributes"'], ['"target":"photos"}', '"target":"photos"'], ['{"attributes":{', '{"attributes":{}, "x":{'],
    ];
    // agree() throws if the scanner accepts a line the core refuses, or reads it differently.
    for (const [from, to] of others) assert.equal(agree(edit(from, to)), false, to);
  });

  it('declines an attribute named __proto__, constructor or prototype, which the core refuses (issue 11)', () => {
    for (const name of ['__proto__', 'constructor', 'prototype']) {
      for (const to of [`"${name}":"x"`, `"a":"","${name}":"x"`, `"${name}":"x","z":""`]) {
        const line = edit(ATTRS, to);
        assert.equal(scanRecord(Buffer.from(line), 0, line.length, out()), false, to);
        assert.throws(() => parseRecordLine(line), (e: unknown) => e instanceof VerificationError && e.code === 'MEMBER_FORBIDDEN', to);
      }
    }
  });

  it('declines at the bounds: a line over the size limit, a size that is not a count, a backslash as the last byte', () => {
    // Each of these is a branch that the generated lines reach only by chance.
    assert.equal(agree(edit(ATTRS, `"a":"${'x'.repeat(70_000)}"`)), false, 'over RECORD_MAX_LINE_BYTES');
    assert.equal(agree('{'), false, 'shorter than any record');
    for (const time of ['2026-11-20T10:00:00x1Z', '2026-11-20T10:00:00.1aZ', '2026-11-20T10:00:00.000Z0']) assert.equal(agree(edit(TIME, time)), false, time);
    for (const size of ['"1007"', '-1', 'x', '']) assert.equal(agree(edit('"size":1007', `"size":${size}`)), false, `size ${size}`);
    const etag = base.indexOf('"etag":"') + '"etag":"'.length;
    assert.equal(agree(`${base.slice(0, etag)}\\`), false, 'an escaped backslash, then the end of the line');
    assert.equal(agree(`${base.slice(0, etag)}\\`.slice(0, -1)), false, 'a backslash as the last byte');
  });

  it('on generated records of every shape, and on every one-byte change of them', () => {
    fc.assert(
      fc.property(arbRecord, fc.nat(), fc.nat(255), fc.constantFrom('replace', 'insert', 'delete'), (input, pos, byte, how) => {
        const line = canonicalize(toRecord(input, pos % 1000));
        const accepted = agree(line);
        const plain = input.extra === undefined && /^[ -~]*$/.test(line) && !line.includes('\\');
        if (plain) assert.ok(accepted, `the usual shape must be accepted: ${line}`);
        const b = Buffer.from(line);
        const at = pos % b.length;
        const changed =
          how === 'replace' ? Buffer.concat([b.subarray(0, at), Buffer.of(byte), b.subarray(at + 1)])
          : how === 'insert' ? Buffer.concat([b.subarray(0, at), Buffer.of(byte), b.subarray(at)])
          : Buffer.concat([b.subarray(0, at), b.subarray(at + 1)]);
        agree(changed.toString('latin1')); // throws when the scanner accepts what the core refuses or reads differently
      }),
      { numRuns: 3000 },
    );
  });

  it('isTime is the core isRfc3339Utc on bytes', () => {
    const arbTime = fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.tuple(fc.nat(9999), fc.nat(13), fc.nat(32), fc.nat(25), fc.nat(61), fc.nat(61), fc.nat(11)).map(
        ([y, mo, d, h, mi, s, f]) => `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}:${String(s).padStart(2, '0')}${f === 0 ? '' : '.' + '1'.repeat(f - 1)}Z`,
      ),
      fc.string({ unit: fc.constantFrom(...'0123456789-T:.Zz+ '), maxLength: 32 }),
    );
    fc.assert(
      fc.property(arbTime, (t) => {
        const b = Buffer.from(t, 'latin1');
        assert.equal(isTime(b, 0, b.length), isRfc3339Utc(t), t);
      }),
      { numRuns: 5000 },
    );
  });
});

// Issue 21 (mutation testing): the scanner against the core in both
// directions. Sound: a line it accepts, the core accepts with the same
// values. Complete: a line of the usual shape that the core accepts, it
// accepts too (else the fast path silently stops being fast).
const KNOWN = new Set(['attributes', 'destroyedAt', 'index', 'locator', 'method', 'salt', 'sha256', 'size', 'target']);
const plainText = (v: string) => /^[ -~]*$/.test(v);
const plainName = (v: string) => plainText(v) && !/["\\]/.test(v);

/** The usual shape the scanner promises to read: printable ASCII, known members, escapes only \" and \\ in attribute values. */
function usual(body: Uint8Array, r: DestructionRecord): boolean {
  if (!body.every((c) => c >= 0x20 && c <= 0x7e)) return false;
  if (!Object.keys(r).every((k) => KNOWN.has(k)) || !plainName(r.locator) || !plainName(r.target)) return false;
  return Object.entries(r.attributes ?? {}).every(([k, v]) => plainName(k) && plainText(v));
}

/**
 * `b` seen through a Proxy that throws on a read of any index outside
 * [start, end): record-scan.ts promises that every read is bounded by the
 * line, and the bytes around a line are another line's (or past the buffer).
 */
function bounded(b: Uint8Array, start: number, end: number): Uint8Array {
  return new Proxy(b, {
    get(target, key) {
      if (typeof key === 'string' && /^-?\d+$/.test(key)) {
        const i = Number(key);
        if (i < start || i >= end) throw new RangeError(`scanRecord read byte ${i}, outside the line [${start}, ${end})`);
        return target[i];
      }
      return Reflect.get(target, key, target);
    },
  });
}

/** The scanner's and the core's verdicts on `body` placed at `at` in `buffer` (bytes around it must not matter); asserts they agree. */
function scanEqualsCore(body: Uint8Array, around: [Uint8Array, Uint8Array] = [Buffer.from('}"\n'), Buffer.from('"}\n{')]): boolean {
  const b = Buffer.concat([around[0], body, around[1]]);
  const s = around[0].length;
  const r = newScannedRecord();
  const fast = scanRecord(bounded(b, s, s + body.length), s, s + body.length, r);
  let core: DestructionRecord | undefined;
  try {
    core = parseRecordLine(decodeLine(body, 1), 1);
  } catch (e) {
    if (!(e instanceof VerificationError)) throw e;
  }
  const shown = () => Buffer.from(body).toString('latin1');
  if (fast) {
    assert.ok(core, `the scanner accepts what the core refuses: ${shown()}`);
    const str = (x: number, z: number) => b.toString('latin1', x, z);
    assert.deepEqual(
      [r.index, r.size, str(r.locator, r.locatorEnd), str(r.target, r.targetEnd), str(r.method, r.methodEnd), str(r.sha256, r.sha256 + 64)],
      [core.index, core.size, core.locator, core.target, core.method, core.sha256],
      shown(),
    );
  } else if (core) {
    assert.ok(!usual(body, core), `the scanner declines a usual record the core accepts: ${shown()}`);
  }
  return fast;
}

const bytesOf = (s: string) => Buffer.from(s, 'utf8');
/** Bytes an edit puts in: JSON's structure, digits and letters at the edges of each class, controls, DEL, UTF-8 lead and continuation bytes. */
const EDIT_BYTES = [...Buffer.from(' !"#,-./09:;AZ[\\]`afgz{|}~Tt.eE+'), 0x00, 0x0a, 0x1f, 0x7f, 0x80, 0xc3, 0xff];

describe('scanRecord against the core: every one-byte change of the usual records', () => {
  const bases = [
    base,
    canonicalize(toRecord({ ...plainRecord(5), attributes: { '': '\\', a: 'x', 'a!': '"', ab: 'q\\"', ac: '' } }, 5)),
    canonicalize(toRecord({ ...plainRecord(6), size: 0, destroyedAt: '2024-02-29T23:59:60.123456789Z' }, Number.MAX_SAFE_INTEGER)),
    canonicalize({ ...toRecord({ ...plainRecord(8), size: Number.MAX_SAFE_INTEGER, destroyedAt: '2000-12-31T00:00:00Z' }, 0), method: 'a' }),
  ];
  for (const line of bases) {
    it(`cuts short, replaces, inserts or deletes each byte of ${line.slice(0, 40)}...`, () => {
      const b = bytesOf(line);
      assert.ok(scanEqualsCore(b), 'the base line takes the fast path');
      for (let at = 0; at <= b.length; at++) {
        scanEqualsCore(b.subarray(0, at)); // every prefix: a line cut short ends inside each sub-scanner
        if (at < b.length) scanEqualsCore(Buffer.concat([b.subarray(0, at), b.subarray(at + 1)]));
        for (const c of EDIT_BYTES) {
          if (at < b.length) scanEqualsCore(Buffer.concat([b.subarray(0, at), Buffer.of(c), b.subarray(at + 1)]));
          scanEqualsCore(Buffer.concat([b.subarray(0, at), Buffer.of(c), b.subarray(at)]));
        }
      }
    });
  }

  it('attribute names in any order, prefixes of each other, around the byte of `"`', () => {
    const rest = base.slice(base.indexOf('"destroyedAt"'));
    const key = fc.string({ unit: fc.constantFrom(' ', '!', '#', 'a', 'b', '~'), maxLength: 3 });
    fc.assert(
      fc.property(fc.array(fc.tuple(key, fc.constantFrom('', 'v', '\\"', '\\\\')), { maxLength: 4 }), (members) => {
        const attrs = members.map(([k, v]) => `"${k}":"${v}"`).join(',');
        scanEqualsCore(bytesOf(`{"attributes":{${attrs}},${rest}`));
      }),
      { numRuns: 3000 },
    );
  });

  it('generated records, in other bytes or alone in their buffer', () => {
    fc.assert(
      fc.property(arbRecord, fc.nat(), (input, index) => {
        const body = bytesOf(canonicalize(toRecord({ ...input, extra: undefined }, index % 3 === 0 ? Number.MAX_SAFE_INTEGER - index : index)));
        const none = new Uint8Array(0);
        assert.equal(scanEqualsCore(body), scanEqualsCore(body, [none, none]));
      }),
      { numRuns: 1000 },
    );
  });

  it('a line of exactly RECORD_MAX_LINE_BYTES bytes takes the fast path, anywhere in a buffer; one byte more does not', () => {
    const pad = (n: number) => base.replace('"v1"', `"v1${'x'.repeat(n)}"`);
    const exact = bytesOf(pad(RECORD_MAX_LINE_BYTES - base.length));
    assert.equal(exact.length, RECORD_MAX_LINE_BYTES);
    assert.ok(scanEqualsCore(exact));
    const far = new Uint8Array(RECORD_MAX_LINE_BYTES + 10).fill(0x0a);
    assert.ok(scanEqualsCore(bytesOf(base), [far, far]), 'a line that starts after RECORD_MAX_LINE_BYTES bytes of buffer');
    assert.equal(scanEqualsCore(bytesOf(pad(RECORD_MAX_LINE_BYTES - base.length + 1))), false);
    assert.throws(() => parseRecordLine(pad(RECORD_MAX_LINE_BYTES - base.length + 1)), (e: unknown) => e instanceof VerificationError && e.code === 'RECORD_TOO_LONG');
  });

  it('isTime on every one-character change of valid times', () => {
    const times = ['2026-11-20T10:00:00Z', '2024-02-29T23:59:60.123456789Z', '1900-12-31T00:00:00.0Z'];
    fc.assert(
      fc.property(fc.constantFrom(...times), fc.nat(29), fc.integer({ min: 0x20, max: 0x7e }), (t, pos, c) => {
        const at = pos % t.length;
        const changed = t.slice(0, at) + String.fromCharCode(c) + t.slice(at + 1);
        const b = Buffer.from(changed, 'latin1');
        assert.equal(isTime(b, 0, b.length), isRfc3339Utc(changed), changed);
      }),
      { numRuns: 5000 },
    );
  });

  it('newScannedRecord has every field, at 0; decodeLine names the line it refuses', () => {
    assert.deepEqual(newScannedRecord(), { index: 0, size: 0, locator: 0, locatorEnd: 0, target: 0, targetEnd: 0, method: 0, methodEnd: 0, sha256: 0 });
    assert.equal(decodeLine(Buffer.from('{"a":"é"}'), 3), '{"a":"é"}');
    assert.throws(
      () => decodeLine(Uint8Array.of(0x7b, 0xff, 0x7d), 7),
      (e: unknown) => e instanceof VerificationError && e.code === 'UTF8_INVALID' && e.message.startsWith('line 7 '),
    );
  });
});
