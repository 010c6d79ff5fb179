import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import {
  base64Encode,
  bytesToHex,
  hexToBytes,
  keyIdOf,
  pae,
  privateKeyFromPem,
  privateKeyToPem,
  publicKeyFromPem,
  publicKeyFromSeed,
  publicKeyToPem,
  seedSigner,
  signEnvelope,
  trustedKey,
  utf8Decode,
  utf8Encode,
  VerificationError,
  verifyEnvelope,
  verifySignature,
} from '../../packages/verify/src/core/index.js';
import { generateKeys, loadSigner } from '../../src/adapters/keys/pem-keys.js';

const dir = mkdtempSync(join(tmpdir(), 'sp-ed-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof VerificationError, `not a VerificationError: ${String(e)}`);
    return e.code;
  }
  assert.fail('did not throw');
}

// RFC 8032 section 7.1, TEST 1 and TEST 2.
const RFC8032 = [
  {
    secret: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    public: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    secret: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    public: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
];

describe('Ed25519', () => {
  it('matches the RFC 8032 test vectors', () => {
    for (const v of RFC8032) {
      assert.equal(bytesToHex(publicKeyFromSeed(hexToBytes(v.secret))), v.public);
      const signer = seedSigner(hexToBytes(v.secret));
      assert.equal(bytesToHex(signer.sign(hexToBytes(v.message))), v.signature);
      assert.equal(verifySignature(hexToBytes(v.signature), hexToBytes(v.message), hexToBytes(v.public)), true);
    }
  });

  it('is strict: rejects S >= L (non-canonical signatures) and malformed input without throwing', () => {
    const v = RFC8032[0]!;
    const sig = hexToBytes(v.signature);
    // add the group order L to S (little-endian): same point, non-canonical encoding
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    let s = 0n;
    for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(sig[i]!);
    s += L;
    const bad = sig.slice();
    for (let i = 32; i < 64; i++) {
      bad[i] = Number(s & 0xffn);
      s >>= 8n;
    }
    assert.equal(verifySignature(bad, new Uint8Array(), hexToBytes(v.public)), false);
    assert.equal(verifySignature(sig.subarray(0, 63), new Uint8Array(), hexToBytes(v.public)), false);
    assert.equal(verifySignature(sig, new Uint8Array(), new Uint8Array(31)), false);
    assert.equal(verifySignature(sig, new Uint8Array(), new Uint8Array(32)), false); // small-order key
  });

  it('node:crypto signatures equal noble ones (Ed25519 is deterministic)', async () => {
    const keys = await generateKeys(join(dir, 'k1'));
    const signer = await loadSigner(keys.privateKeyPath);
    assert.equal(signer.keyid, keys.keyid);
    const { readFileSync } = await import('node:fs');
    const seed = privateKeyFromPem(readFileSync(keys.privateKeyPath, 'utf8'));
    const noble = seedSigner(seed);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (m) => {
        assert.deepEqual(signer.sign(m), noble.sign(m));
      }),
      { numRuns: 50 },
    );
  });

  it('PEM SPKI round-trips, openssl reads it, and the keyid is SHA-256 of the raw key', () => {
    const signer = seedSigner(new Uint8Array(32).fill(7));
    const pem = publicKeyToPem(signer.publicKey);
    assert.deepEqual(publicKeyFromPem(pem), signer.publicKey);
    assert.equal(signer.keyid, keyIdOf(signer.publicKey));
    const path = join(dir, 'pub.pem');
    writeFileSync(path, pem);
    const der = execFileSync('openssl', ['pkey', '-pubin', '-in', path, '-outform', 'DER']);
    assert.deepEqual(new Uint8Array(der.subarray(12)), signer.publicKey);
    const seedPem = privateKeyToPem(new Uint8Array(32).fill(7));
    writeFileSync(join(dir, 'priv.pem'), seedPem);
    const pubFromOpenssl = execFileSync('openssl', ['pkey', '-in', join(dir, 'priv.pem'), '-pubout'], { encoding: 'utf8' });
    assert.equal(pubFromOpenssl, pem);
  });

  it('rejects keys that are not Ed25519 SPKI', () => {
    const ec = execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], { encoding: 'utf8' });
    writeFileSync(join(dir, 'ec.pem'), ec);
    const ecPub = execFileSync('openssl', ['pkey', '-in', join(dir, 'ec.pem'), '-pubout'], { encoding: 'utf8' });
    assert.equal(code(() => publicKeyFromPem(ecPub)), 'KEY_MALFORMED');
    const good = publicKeyToPem(new Uint8Array(32).fill(9));
    const body = good.split('\n')[1]!;
    const truncated = good.replace(body, Buffer.from(body, 'base64').subarray(0, 40).toString('base64'));
    assert.equal(code(() => publicKeyFromPem(truncated)), 'KEY_MALFORMED');
    const padded = good.replace(body, Buffer.concat([Buffer.from(body, 'base64'), Buffer.of(0)]).toString('base64'));
    assert.equal(code(() => publicKeyFromPem(padded)), 'KEY_MALFORMED');
    assert.equal(code(() => publicKeyFromPem('hello')), 'KEY_MALFORMED');
    assert.equal(code(() => trustedKey(new Uint8Array(33))), 'KEY_MALFORMED');
  });
});

describe('DSSE', () => {
  it('encodes PAE as the DSSE spec example', () => {
    assert.equal(
      utf8Decode(pae('http://example.com/HelloWorld', utf8Encode('hello world'))),
      'DSSEv1 29 http://example.com/HelloWorld 11 hello world',
    );
    // lengths are bytes, not characters
    assert.equal(utf8Decode(pae('t', utf8Encode('é'))), 'DSSEv1 1 t 2 é');
  });

  const signer = seedSigner(new Uint8Array(32).fill(3));
  const other = seedSigner(new Uint8Array(32).fill(4));
  const trusted = [trustedKey(signer.publicKey)];
  const TYPE = 'application/x-test';

  it('verifies what it signs and names the key', () => {
    const env = signEnvelope(TYPE, utf8Encode('{"a":1}'), [signer]);
    const v = verifyEnvelope(env, TYPE, trusted);
    assert.equal(v.keyid, signer.keyid);
    assert.equal(utf8Decode(v.payload), '{"a":1}');
  });

  it('fails with a specific code for every tampering', () => {
    const env = signEnvelope(TYPE, utf8Encode('{"a":1}'), [signer]);
    assert.equal(code(() => verifyEnvelope(null, TYPE, trusted)), 'ENVELOPE_MALFORMED');
    assert.equal(code(() => verifyEnvelope({ ...env, payload: 5 }, TYPE, trusted)), 'ENVELOPE_MALFORMED');
    assert.equal(code(() => verifyEnvelope({ ...env, signatures: [{ sig: 7 }] }, TYPE, trusted)), 'ENVELOPE_MALFORMED');
    assert.equal(code(() => verifyEnvelope({ ...env, signatures: [] }, TYPE, trusted)), 'SIGNATURE_MISSING');
    assert.equal(code(() => verifyEnvelope(env, 'other/type', trusted)), 'PAYLOAD_TYPE_WRONG');
    assert.equal(code(() => verifyEnvelope({ ...env, payload: env.payload + '!' }, TYPE, trusted)), 'BASE64_INVALID');
    assert.equal(code(() => verifyEnvelope({ ...env, payload: base64Encode(utf8Encode('{"a":2}')) }, TYPE, trusted)), 'SIGNATURE_INVALID');
    assert.equal(code(() => verifyEnvelope(signEnvelope(TYPE, utf8Encode('x'), [other]), TYPE, trusted)), 'KEY_UNTRUSTED');
    const forged = { ...env, signatures: [{ keyid: signer.keyid, sig: signEnvelope(TYPE, utf8Encode('{"a":1}'), [other]).signatures[0]!.sig }] };
    assert.equal(code(() => verifyEnvelope(forged, TYPE, trusted)), 'SIGNATURE_INVALID');
    assert.equal(code(() => verifyEnvelope({ ...env, signatures: [{ keyid: signer.keyid, sig: '%%%' }] }, TYPE, trusted)), 'BASE64_INVALID');
  });

  it("KEY_UNTRUSTED names every signature's keyid, '(none)' for one without: the line `shredproof verify` prints", () => {
    // The CLI prints `INVALID KEY_UNTRUSTED: <message>` (test/cli/keygen-verify.test.ts pins that line),
    // so the list of who signed is what a person reads to see which key to ask for.
    const stranger = seedSigner(new Uint8Array(32).fill(8));
    const env = signEnvelope(TYPE, utf8Encode('x'), [stranger, other]);
    const untrusted = { ...env, signatures: [env.signatures[0]!, { sig: env.signatures[1]!.sig }] };
    assert.throws(
      () => verifyEnvelope(untrusted, TYPE, trusted),
      (e: unknown) =>
        e instanceof VerificationError &&
        e.code === 'KEY_UNTRUSTED' &&
        e.message === `no signature by a trusted key (signed by: ${stranger.keyid}, (none))`,
    );
  });

  it('a good signature does not excuse a bad one under a trusted keyid', () => {
    const env = signEnvelope(TYPE, utf8Encode('x'), [signer]);
    const bad = { keyid: signer.keyid, sig: base64Encode(new Uint8Array(64)) };
    assert.equal(code(() => verifyEnvelope({ ...env, signatures: [env.signatures[0]!, bad] }, TYPE, trusted)), 'SIGNATURE_INVALID');
    // an untrusted extra signature is ignored
    const extra = signEnvelope(TYPE, utf8Encode('x'), [other]).signatures[0]!;
    assert.equal(verifyEnvelope({ ...env, signatures: [extra, env.signatures[0]!] }, TYPE, trusted).keyid, signer.keyid);
  });

  it('flipping any bit of the payload or signature fails', () => {
    const env = signEnvelope(TYPE, utf8Encode('{"destroyed":3}'), [signer]);
    const payload = Buffer.from(env.payload, 'base64');
    const sig = Buffer.from(env.signatures[0]!.sig, 'base64');
    fc.assert(
      fc.property(fc.boolean(), fc.nat(), fc.integer({ min: 0, max: 7 }), (inPayload, pos, bit) => {
        const buf = Buffer.from(inPayload ? payload : sig);
        buf[pos % buf.length]! ^= 1 << bit;
        const mutated = inPayload
          ? { ...env, payload: buf.toString('base64') }
          : { ...env, signatures: [{ keyid: signer.keyid, sig: buf.toString('base64') }] };
        assert.equal(code(() => verifyEnvelope(mutated, TYPE, trusted)), 'SIGNATURE_INVALID');
      }),
      { numRuns: 300 },
    );
  });
});
