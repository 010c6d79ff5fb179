// The byte scanner of the fast records verifier against the core, the
// reference: whenever scanRecord accepts a line, the core's parseRecordLine
// accepts it too, with the same values. (When it declines, the core decides,
// so a decline can never change a verdict.) And it does accept the usual
// records, or the fast path would be dead weight.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { canonicalize, parseRecordLine, VerificationError } from '../../packages/verify/src/core/index.js';
import { isRfc3339Utc } from '../../packages/verify/src/core/validate.js';
import { isTime, newScannedRecord, type ScannedRecord, scanRecord } from '../../packages/verify/src/core/record-scan.js';
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
