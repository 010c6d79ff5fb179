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
} from '../../packages/verify/src/core/bytes.js';

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
  it('accepts exactly 0-9 and a-f, in the first and in the second place of a pair, of every UTF-16 code unit', () => {
    // The neighbours matter: 'W' to '`' sit just below 'a', '/' and ':' around the digits.
    for (let code = 0; code <= 0xffff; code++) {
      const c = String.fromCharCode(code);
      const digit = '0123456789abcdef'.indexOf(c);
      const label = `U+${code.toString(16).padStart(4, '0')}`;
      if (digit < 0) {
        assert.equal(tryHexToBytes(`${c}0`), undefined, `${label} first`);
        assert.equal(tryHexToBytes(`0${c}`), undefined, `${label} second`);
      } else {
        assert.deepEqual(tryHexToBytes(`${c}0`), Uint8Array.of(digit << 4), label);
        assert.deepEqual(tryHexToBytes(`0${c}`), Uint8Array.of(digit), label);
      }
    }
  });
  it('isHex without a length accepts lowercase hex of any even length, and only strings', () => {
    for (const good of ['', '00', 'deadbeef', 'ab'.repeat(33)]) assert.equal(isHex(good), true, good);
    for (const bad of ['0', 'abc', 'ab'.repeat(32) + 'a', 'DEADBEEF', 'gg']) assert.equal(isHex(bad), false, bad);
    // Values whose string form is hex are still not hex strings.
    for (const notString of [10, 1234, ['ab'], { length: 2, toString: () => 'ab' }, null, undefined]) {
      assert.equal(isHex(notString), false, String(notString));
      assert.equal(isHex(notString, 1), false, String(notString));
    }
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
  it('each alphabet accepts exactly its 64 characters, and one string never mixes the two', () => {
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    const alphabets = { standard: `${letters}+/`, urlSafe: `${letters}-_` };
    for (let code = 0; code <= 0xffff; code++) {
      const c = String.fromCharCode(code);
      // Once with only standard characters around c, once with a '-' that makes the string URL-safe.
      for (const s of [`${c}AAA`, `${c}A-A`]) {
        const alphabet = /[-_]/.test(s) ? alphabets.urlSafe : alphabets.standard;
        const got = tryBase64Decode(s);
        const label = `U+${code.toString(16).padStart(4, '0')} in ${JSON.stringify(s)}`;
        if (alphabet.includes(c)) assert.deepEqual(got, new Uint8Array(Buffer.from(s, 'base64')), label);
        else assert.equal(got, undefined, label);
      }
    }
  });
  it('padding completes a group of four or is left out: YQ== and YQ decode, YQ= and == do not', () => {
    const a = Uint8Array.of(0x61);
    const ab = Uint8Array.of(0x61, 0x62);
    assert.deepEqual(tryBase64Decode('YQ=='), a);
    assert.deepEqual(tryBase64Decode('YQ'), a);
    assert.deepEqual(tryBase64Decode('YWI='), ab);
    assert.deepEqual(tryBase64Decode('YWI'), ab);
    for (const bad of ['YQ=', 'YWI==', '==', '=', 'YQ===', 'YQ==YQ==']) assert.equal(tryBase64Decode(bad), undefined, bad);
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
