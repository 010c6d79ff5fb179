// trust.json (docs/FORMAT.md section 5.7): every rule fails with its code and
// names the field, and the key window follows section 5.4's time comparison
// at its exact edges.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { base64Encode, utf8Encode } from '../../packages/verify/src/core/bytes.js';
import { keyIdOf, publicKeyToPem, seedSigner } from '../../packages/verify/src/core/ed25519.js';
import { ValidationError } from '../../packages/verify/src/core/errors.js';
import {
  buildTrustRoot,
  checkKeyWindow,
  parseTrustRoot,
  type TrustRoot,
  trustRootKeys,
  trustRootText,
} from '../../packages/verify/src/core/trust-root.js';
import { compareTimes } from '../../packages/verify/src/core/time.js';
import { assertFails, failure } from './fails-with.js';

const a = seedSigner(new Uint8Array(32).fill(2));
const b = seedSigner(new Uint8Array(32).fill(3));
const FROM = '2026-01-01T00:00:00Z';
const spki = (raw: Uint8Array) => publicKeyToPem(raw).split('\n')[1]!;
const entry = (signer = a, extra: Record<string, unknown> = {}) => ({ keyid: signer.keyid, publicKey: spki(signer.publicKey), validFrom: FROM, ...extra });
const rootJson = (keys: unknown[], top: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'shredproof.trust-root', version: 1, issuer: 'Example Corp', certificateKeys: keys, ...top });

const parse = (text: string | Uint8Array) => () => parseTrustRoot(text);

describe('trust root: parsing (section 5.7)', () => {
  it('round-trips what buildTrustRoot writes, and yields the keys of section 5.2', () => {
    const root = buildTrustRoot({
      issuer: 'Example Corp',
      keys: [
        { publicKey: a.publicKey, validFrom: FROM, validUntil: '2027-01-01T00:00:00Z' },
        { publicKey: b.publicKey, validFrom: FROM, revokedAt: '2026-06-01T00:00:00Z', revocationReason: 'laptop stolen' },
      ],
    });
    const text = trustRootText(root);
    // Without approval keys the text is what version 1 wrote before section 5.9: no approvalKeys member.
    const { approvalKeys, ...written } = root;
    assert.deepEqual(approvalKeys, []);
    assert.equal(text, JSON.stringify(written, null, 2) + '\n');
    assert.deepEqual(parseTrustRoot(text), root);
    assert.deepEqual(parseTrustRoot(utf8Encode(text)), root);
    // Section 5.2's 12 DER bytes, then the raw key: what a PEM file holds between its two lines.
    assert.equal(Buffer.from(root.certificateKeys[0]!.publicKey, 'base64').toString('hex'), `302a300506032b6570032100${Buffer.from(a.publicKey).toString('hex')}`);
    const keys = trustRootKeys(root);
    assert.deepEqual(keys.map((k) => k.keyid), [a.keyid, b.keyid]);
    assert.deepEqual(keys[1]!.publicKey, b.publicKey);
  });

  it('ignores members it does not know, at the top and in a key, and returns only the known ones', () => {
    const root = parseTrustRoot(rootJson([entry(a, { transparency: { url: 'x' } })], { logKeys: [] }));
    assert.deepEqual(Object.keys(root).sort(), ['approvalKeys', 'certificateKeys', 'issuer', 'type', 'version']);
    assert.deepEqual(root.approvalKeys, []);
    assert.deepEqual(Object.keys(root.certificateKeys[0]!).sort(), ['keyid', 'publicKey', 'validFrom']);
  });

  it('reads publicKey as section 1 reads base64: URL-safe and unpadded too', () => {
    const der = spki(a.publicKey);
    const urlSafe = der.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    assert.equal(trustRootKeys(parseTrustRoot(rootJson([entry(a, { publicKey: urlSafe })])))[0]!.keyid, a.keyid);
  });

  it('refuses a key id that is not the SHA-256 of the key, or not lowercase hex', () => {
    assertFails(parse(rootJson([entry(a, { keyid: b.keyid })])), 'TRUST_ROOT_INVALID', '$.certificateKeys[0].keyid', 'SHA-256');
    assertFails(parse(rootJson([entry(a, { keyid: a.keyid.toUpperCase() })])), 'TRUST_ROOT_INVALID', '$.certificateKeys[0].keyid');
    // The key id of section 5.2 is over the raw 32 bytes, not over the DER.
    const derId = keyIdOf(Buffer.from(spki(a.publicKey), 'base64'));
    assertFails(parse(rootJson([entry(a, { keyid: derId })])), 'TRUST_ROOT_INVALID', '$.certificateKeys[0].keyid');
  });

  it('refuses a key that is not Ed25519, and malformed DER or base64', () => {
    const spkiOf = (type: 'x25519' | 'ec') => {
      const { publicKey } = type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('x25519');
      return publicKey.export({ type: 'spki', format: 'der' });
    };
    // X25519's SPKI has Ed25519's length (44 bytes) and another OID: the length alone would not catch it.
    const x25519 = spkiOf('x25519');
    assert.equal(x25519.length, 44);
    const cases = [
      x25519.toString('base64'),
      spkiOf('ec').toString('base64'),
      base64Encode(Buffer.from(spki(a.publicKey), 'base64').subarray(0, 43)),
      base64Encode(a.publicKey),
      `${spki(a.publicKey).slice(0, 30)}\n${spki(a.publicKey).slice(30)}`,
      ` ${spki(a.publicKey)}`,
      '',
    ];
    for (const publicKey of cases) {
      assertFails(parse(rootJson([entry(a, { publicKey })])), 'TRUST_ROOT_INVALID', '$.certificateKeys[0].publicKey');
    }
    assertFails(parse(rootJson([entry(a, { publicKey: 42 })])), 'TRUST_ROOT_INVALID', '$.certificateKeys[0].publicKey');
  });

  it('refuses a key id twice', () => {
    assertFails(parse(rootJson([entry(a), entry(b), entry(a, { validFrom: '2027-01-01T00:00:00Z' })])), 'TRUST_ROOT_INVALID', '$.certificateKeys[2].keyid', '$.certificateKeys[0]');
  });

  it('refuses validUntil not after validFrom, and times that are not times', () => {
    assertFails(parse(rootJson([entry(a, { validUntil: FROM })])), 'TRUST_ROOT_INVALID', '$.certificateKeys[0].validUntil');
    assertFails(parse(rootJson([entry(a, { validUntil: '2025-12-31T23:59:59.999Z' })])), 'TRUST_ROOT_INVALID', '$.certificateKeys[0].validUntil');
    // Equal instants written differently are still not "after".
    assertFails(parse(rootJson([entry(a, { validUntil: '2026-01-01T00:00:00.000Z' })])), 'TRUST_ROOT_INVALID', '$.certificateKeys[0].validUntil');
    assert.ok(parseTrustRoot(rootJson([entry(a, { validUntil: '2026-01-01T00:00:00.000000001Z' })])));
    assertFails(parse(rootJson([entry(a, { validFrom: '2026-01-01T00:00:00+01:00' })])), 'TRUST_ROOT_INVALID', '$.certificateKeys[0].validFrom');
    assertFails(parse(rootJson([entry(a, { validFrom: undefined })])), 'TRUST_ROOT_INVALID', '$.certificateKeys[0].validFrom');
    assertFails(parse(rootJson([entry(a, { revokedAt: 'yesterday', revocationReason: 'x' })])), 'TRUST_ROOT_INVALID', '$.certificateKeys[0].revokedAt');
  });

  it('refuses revokedAt without a reason, and a reason without revokedAt', () => {
    assertFails(parse(rootJson([entry(a), entry(b, { revokedAt: FROM })])), 'TRUST_ROOT_INVALID', '$.certificateKeys[1].revocationReason');
    assertFails(parse(rootJson([entry(a, { revocationReason: 'stolen' })])), 'TRUST_ROOT_INVALID', '$.certificateKeys[0].revokedAt');
    assertFails(parse(rootJson([entry(a, { revokedAt: FROM, revocationReason: 7 })])), 'TRUST_ROOT_INVALID', '$.certificateKeys[0].revocationReason');
  });

  it('refuses zero keys, a wrong type, a missing issuer and a non-object; names every bad field at once', () => {
    assertFails(parse(rootJson([])), 'TRUST_ROOT_INVALID', '$.certificateKeys');
    assertFails(parse(rootJson([entry()], { certificateKeys: {} })), 'TRUST_ROOT_INVALID', '$.certificateKeys');
    assertFails(parse(rootJson([entry()], { type: 'shredproof.certificate' })), 'TRUST_ROOT_INVALID', '$.type');
    assertFails(parse(rootJson([entry()], { issuer: undefined })), 'TRUST_ROOT_INVALID', '$.issuer');
    assertFails(parse('[]'), 'TRUST_ROOT_INVALID', '$');
    assertFails(parse(rootJson([entry(a, { keyid: b.keyid }), 'x'], { issuer: 1 })), 'TRUST_ROOT_INVALID', '$.issuer', '$.certificateKeys[0].keyid', '$.certificateKeys[1]');
  });

  it('refuses a version it does not read: VERSION_UNSUPPORTED, whatever else the file holds', () => {
    assertFails(parse(rootJson([entry()], { version: 2 })), 'VERSION_UNSUPPORTED', '2');
    assertFails(parse(rootJson([], { version: 2 })), 'VERSION_UNSUPPORTED');
    assertFails(parse(rootJson([entry()], { version: '1' })), 'VERSION_UNSUPPORTED');
  });

  it('reads the file under section 1: strict UTF-8, JSON, no member twice, no refused name', () => {
    const text = rootJson([entry()]);
    assertFails(parse(Uint8Array.of(...utf8Encode(text.slice(0, -1)), 0xff, 0x7d)), 'UTF8_INVALID');
    assertFails(parse(`\ufeff${text}`), 'TRUST_ROOT_INVALID');
    assertFails(parse(text.slice(0, -1)), 'TRUST_ROOT_INVALID');
    assertFails(parse(`{"issuer":"x",${text.slice(1)}`), 'JSON_DUPLICATE_MEMBER', 'issuer');
    assertFails(parse(text.replace('"validFrom"', '"keyid":"00","validFrom"')), 'JSON_DUPLICATE_MEMBER', '$.certificateKeys[0]');
    assertFails(parse(text.replace('"validFrom"', '"__proto__":{},"validFrom"')), 'MEMBER_FORBIDDEN');
  });

  it('buildTrustRoot refuses what verifiers would refuse, naming the fields', () => {
    const fields = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        assert.ok(e instanceof ValidationError, String(e));
        return e.fields.map((p) => p.path);
      }
      assert.fail('accepted');
    };
    assert.deepEqual(fields(() => buildTrustRoot({ issuer: 'x', keys: [] })), ['$.certificateKeys']);
    assert.deepEqual(
      fields(() => buildTrustRoot({ issuer: 'x', keys: [{ publicKey: a.publicKey, validFrom: FROM, validUntil: FROM, revokedAt: FROM }] })),
      ['$.certificateKeys[0].validUntil', '$.certificateKeys[0].revocationReason'],
    );
    assert.deepEqual(fields(() => buildTrustRoot({ issuer: 'x', keys: [{ publicKey: a.publicKey.subarray(1), validFrom: FROM }] })), ['$.certificateKeys[0].publicKey']);
    assert.deepEqual(fields(() => buildTrustRoot({ issuer: 'x', keys: [{ publicKey: a.publicKey, validFrom: FROM }, { publicKey: a.publicKey, validFrom: FROM }] })), ['$.certificateKeys[1].keyid']);
  });
});

describe('trust root: the key window (section 5.7, times as section 5.4 compares them)', () => {
  const rootWith = (extra: Record<string, unknown>, validFrom = FROM): TrustRoot => parseTrustRoot(rootJson([entry(b), entry(a, { validFrom, ...extra })]));
  const window = (root: TrustRoot, issuedAt: string) => () => checkKeyWindow(root, a.keyid, issuedAt);

  it('revokedAt: issued exactly then is revoked, 1 ms before is valid', () => {
    const root = rootWith({ revokedAt: '2026-06-01T12:00:00.000Z', revocationReason: 'key leaked' });
    assertFails(window(root, '2026-06-01T12:00:00.000Z'), 'KEY_REVOKED', '2026-06-01T12:00:00.000Z', '$.certificateKeys[1].revokedAt', 'key leaked');
    assertFails(window(root, '2026-06-01T12:00:00Z'), 'KEY_REVOKED');
    assertFails(window(root, '2030-01-01T00:00:00Z'), 'KEY_REVOKED');
    assert.equal(checkKeyWindow(root, a.keyid, '2026-06-01T11:59:59.999Z').keyid, a.keyid);
  });

  it('validFrom is inside, validUntil is outside; revoked is reported before outside', () => {
    const root = rootWith({ validUntil: '2027-01-01T00:00:00Z' });
    assert.ok(checkKeyWindow(root, a.keyid, FROM));
    assert.ok(checkKeyWindow(root, a.keyid, '2026-12-31T23:59:59.999999999Z'));
    assertFails(window(root, '2025-12-31T23:59:59.999Z'), 'KEY_OUTSIDE_VALIDITY', '$.certificateKeys[1].validFrom', FROM);
    assertFails(window(root, '2027-01-01T00:00:00Z'), 'KEY_OUTSIDE_VALIDITY', '$.certificateKeys[1].validUntil');
    assertFails(window(root, '2027-01-01T00:00:00.000Z'), 'KEY_OUTSIDE_VALIDITY');
    const both = rootWith({ validUntil: '2027-01-01T00:00:00Z', revokedAt: '2026-06-01T00:00:00Z', revocationReason: 'r' });
    assertFails(window(both, '2028-01-01T00:00:00Z'), 'KEY_REVOKED');
    assertFails(window(both, '2025-01-01T00:00:00Z'), 'KEY_OUTSIDE_VALIDITY');
  });

  it('a key the root does not list is KEY_UNTRUSTED', () => {
    assertFails(() => checkKeyWindow(rootWith({}), keyIdOf(new Uint8Array(32)), FROM), 'KEY_UNTRUSTED');
  });

  it('a leap second :60 sorts after :59 and before the next minute', () => {
    const root = rootWith({ validUntil: '2016-12-31T23:59:60Z' }, '2016-12-31T23:59:59.5Z');
    assert.ok(checkKeyWindow(root, a.keyid, '2016-12-31T23:59:59.999Z'));
    assertFails(window(root, '2016-12-31T23:59:60Z'), 'KEY_OUTSIDE_VALIDITY');
    assertFails(window(root, '2016-12-31T23:59:60.5Z'), 'KEY_OUTSIDE_VALIDITY');
    assertFails(window(root, '2017-01-01T00:00:00Z'), 'KEY_OUTSIDE_VALIDITY');
    assertFails(window(root, '2016-12-31T23:59:59.4Z'), 'KEY_OUTSIDE_VALIDITY');
    const after = rootWith({}, '2016-12-31T23:59:60.25Z');
    assert.ok(checkKeyWindow(after, a.keyid, '2017-01-01T00:00:00Z'));
    assertFails(window(after, '2016-12-31T23:59:60.2Z'), 'KEY_OUTSIDE_VALIDITY');
  });

  it('fractions compare as decimals, missing digits zeros', () => {
    const root = rootWith({ validUntil: '2026-06-01T00:00:00.5Z' }, '2026-06-01T00:00:00.09Z');
    assert.ok(checkKeyWindow(root, a.keyid, '2026-06-01T00:00:00.090Z'));
    assert.ok(checkKeyWindow(root, a.keyid, '2026-06-01T00:00:00.1Z'));
    assert.ok(checkKeyWindow(root, a.keyid, '2026-06-01T00:00:00.499999999Z'));
    assertFails(window(root, '2026-06-01T00:00:00.50Z'), 'KEY_OUTSIDE_VALIDITY');
    assertFails(window(root, '2026-06-01T00:00:00.500000000Z'), 'KEY_OUTSIDE_VALIDITY');
    assertFails(window(root, '2026-06-01T00:00:00.0899Z'), 'KEY_OUTSIDE_VALIDITY');
    assertFails(window(root, '2026-06-01T00:00:00Z'), 'KEY_OUTSIDE_VALIDITY');
    assert.equal(compareTimes('2026-06-01T00:00:00Z', '2026-06-01T00:00:00.000000000Z'), 0);
    assert.equal(compareTimes('2026-06-01T00:00:00.9Z', '2026-06-01T00:00:00.10Z'), 1);
  });

  /** A millisecond time written as section 1 allows: 3 digits, trailing zeros trimmed, padded to 9, or none when whole. */
  const arbTime = fc
    .tuple(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2199-12-31T23:59:59.999Z'), noInvalidDate: true }), fc.integer({ min: 0, max: 2 }))
    .map(([d, style]) => {
      const iso = d.toISOString();
      const fraction = iso.slice(20, 23);
      const written = style === 0 ? fraction : style === 1 ? fraction.replace(/0+$/, '') : fraction.padEnd(9, '0');
      return { ms: d.getTime(), text: `${iso.slice(0, 19)}${written ? `.${written}` : ''}Z` };
    });

  it('the comparison agrees with Date.parse on millisecond times, however the fraction is written', () => {
    fc.assert(
      fc.property(arbTime, arbTime, (x, y) => {
        assert.equal(Date.parse(x.text), x.ms);
        assert.equal(Math.sign(compareTimes(x.text, y.text)), Math.sign(x.ms - y.ms));
      }),
      { numRuns: 2000 },
    );
  });

  it('the window agrees with Date.parse: outside exactly when issuedAt < validFrom or >= validUntil', () => {
    fc.assert(
      fc.property(arbTime, arbTime, arbTime, (from, until, issued) => {
        fc.pre(until.ms > from.ms);
        const root = parseTrustRoot(rootJson([entry(a, { validFrom: from.text, validUntil: until.text })]));
        const outside = issued.ms < from.ms || issued.ms >= until.ms;
        if (outside) assertFails(window(root, issued.text), 'KEY_OUTSIDE_VALIDITY');
        else assert.equal(checkKeyWindow(root, a.keyid, issued.text).keyid, a.keyid);
      }),
      { numRuns: 300 },
    );
  });
});
