import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  base64Encode,
  bytesToHex,
  concatBytes,
  constantTimeEqual,
  hexToBytes,
  isHex,
  tryBase64Decode,
  tryHexToBytes,
  utf8Decode,
  utf8Encode,
} from '../../src/core/bytes.js';

describe('hex', () => {
  it('round-trips any bytes and writes lowercase', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        const h = bytesToHex(b);
        assert.equal(h, Buffer.from(b).toString('hex'));
        assert.deepEqual(hexToBytes(h), b);
      }),
    );
  });
  it('rejects uppercase, odd length and other characters', () => {
    for (const bad of ['ABCD', 'abc', 'zz', '0x00', ' 00', '00 ']) assert.equal(tryHexToBytes(bad), undefined, bad);
    assert.throws(() => hexToBytes('AB'), TypeError);
    assert.equal(isHex('00'.repeat(32), 32), true);
    assert.equal(isHex('00'.repeat(31), 32), false);
    assert.equal(isHex(42, 1), false);
  });
});

describe('base64', () => {
  it('encodes as node does and decodes both alphabets', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
        const std = base64Encode(b);
        assert.equal(std, Buffer.from(b).toString('base64'));
        assert.deepEqual(tryBase64Decode(std), b);
        assert.deepEqual(tryBase64Decode(Buffer.from(b).toString('base64url')), b);
        assert.deepEqual(tryBase64Decode(std.replace(/=+$/, '')), b);
      }),
    );
  });
  it('rejects invalid encodings', () => {
    const cases = ['a', 'ab=c', 'a b=', 'ab\n==', 'YW=', 'YR==', '*AAA', 'A-A+', 'AAAAA', '====', 'é'];
    for (const bad of cases) assert.equal(tryBase64Decode(bad), undefined, JSON.stringify(bad));
    assert.deepEqual(tryBase64Decode(''), new Uint8Array());
  });
});

describe('utf8 and comparisons', () => {
  it('decodes strictly', () => {
    assert.equal(utf8Decode(utf8Encode('naïve ✓ 𝄞')), 'naïve ✓ 𝄞');
    assert.throws(() => utf8Decode(Uint8Array.of(0xc3)), TypeError);
    assert.throws(() => utf8Decode(Uint8Array.of(0xed, 0xa0, 0x80)), TypeError); // encoded surrogate
  });
  it('compares', () => {
    assert.equal(constantTimeEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2)), true);
    assert.equal(constantTimeEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 3)), false);
    assert.equal(constantTimeEqual(Uint8Array.of(1), Uint8Array.of(1, 2)), false);
    assert.deepEqual(concatBytes(Uint8Array.of(1), new Uint8Array(), Uint8Array.of(2, 3)), Uint8Array.of(1, 2, 3));
  });
});
