// Pinning (docs/FORMAT.md sections 5.7, 5.8 and 10) with real keys and real
// signed certificates: which keys are used, when a certificate counts as
// pinned, and each pin kind matching and mismatching.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  base64Decode,
  buildObjectProof,
  type DsseEnvelope,
  publicKeyFromPem,
  seedSigner,
  type Signer,
  signCertificate,
  signEnvelope,
  trustedKey,
  verifyCertificate,
  verifyObjectProof,
} from '../../packages/verify/src/core/index.js';
import { VerificationError } from '../../packages/verify/src/core/errors.js';
import { requirePin, resolveTrust, type TrustSources, verifyTrusted } from '../../packages/verify/src/core/pin.js';
import { buildTrustRoot, type TrustRootKeyInput, trustRootText } from '../../packages/verify/src/core/trust-root.js';
import { buildExample } from '../../scripts/example-certificate.js';
import { assertFails } from './fails-with.js';

const ex = buildExample();
const a = seedSigner(new Uint8Array(32).fill(2));
const b = seedSigner(new Uint8Array(32).fill(3));
const example = seedSigner(new Uint8Array(32).fill(1));
const FROM = '2026-01-01T00:00:00Z';
const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** The example statement, signed by `signer`. */
const certBy = (signer: Signer): DsseEnvelope => signCertificate({ ...ex.statement, issuer: { ...ex.statement.issuer, keyid: signer.keyid } }, signer);
const certA = certBy(a);
const certB = certBy(b);

const rootText = (...keys: Array<Signer | (Omit<TrustRootKeyInput, 'publicKey'> & { signer: Signer })>) =>
  trustRootText(
    buildTrustRoot({
      issuer: 'Example Corp',
      keys: keys.map((k) => {
        if (!('signer' in k)) return { publicKey: k.publicKey, validFrom: FROM };
        const { signer, ...dates } = k;
        return { ...dates, publicKey: signer.publicKey };
      }),
    }),
  );
const rootA = rootText(a);
const rootB = rootText(b);

/** Verifies `cert` (default: signed by a) with the trust resolved from `sources`, as the CLI and the page do. */
const check = (sources: TrustSources, cert: DsseEnvelope = certA) => verifyTrusted(resolveTrust(sources), (keys) => verifyCertificate(cert, keys));

describe('pinning (section 5.8)', () => {
  it('keys alone, or the bundle trust.json alone, verify but are not pinned', () => {
    const byKeys = check({ keys: [trustedKey(a.publicKey)] });
    assert.equal(byKeys.pinned, false);
    assert.equal(byKeys.pin, undefined);
    assert.equal(byKeys.keyid, a.keyid);
    assert.equal(byKeys.statement.certificateId, ex.statement.certificateId);
    const byBundle = check({ bundleRoot: rootA });
    assert.equal(byBundle.pinned, false);
    assert.equal(resolveTrust({ bundleRoot: rootA, keys: [trustedKey(b.publicKey)] }).keySource, 'bundle-root');
    assertFails(() => requirePin(byKeys), 'PIN_MISSING');
    assertFails(() => requirePin(byBundle), 'PIN_MISSING');
  });

  it('a trust root the verifier holds pins: a key of it must have signed', () => {
    const r = check({ pinnedRoot: rootA });
    assert.equal(r.pinned, true);
    assert.deepEqual(r.pin, { kind: 'trust-root', value: sha256Hex(rootA) });
    assert.equal(requirePin(r), r);
    assert.equal(check({ pinnedRoot: new TextEncoder().encode(rootA) }).pinned, true);
    assertFails(() => check({ pinnedRoot: rootB }), 'PIN_MISMATCH', 'trust-root');
    // Keys given with a pinned root are not used: the pinned root's keys are.
    assertFails(() => check({ pinnedRoot: rootB, keys: [trustedKey(a.publicKey)] }), 'PIN_MISMATCH');
  });

  it("the SHA-256 of trust.json pins the bundle's exact bytes", () => {
    const r = check({ bundleRoot: rootA, trustSha256: sha256Hex(rootA) });
    assert.equal(r.pinned, true);
    assert.deepEqual(r.pin, { kind: 'trust-sha256', value: sha256Hex(rootA) });
    assert.equal(check({ bundleRoot: rootA, trustSha256: sha256Hex(rootA).toUpperCase() }).pinned, true);
    assertFails(() => check({ bundleRoot: rootA, trustSha256: sha256Hex(rootB) }), 'PIN_MISMATCH', sha256Hex(rootB));
    // The same trust root written another way is other bytes.
    const compact = JSON.stringify(JSON.parse(rootA));
    assertFails(() => check({ bundleRoot: compact, trustSha256: sha256Hex(rootA) }), 'PIN_MISMATCH');
    // The pinned trust.json must also have signed: a certificate by a key it does not list.
    assertFails(() => check({ bundleRoot: rootA, trustSha256: sha256Hex(rootA) }, certB), 'PIN_MISMATCH');
    assertFails(() => check({ keys: [trustedKey(a.publicKey)], trustSha256: sha256Hex(rootA) }), 'PIN_MISMATCH', 'no trust.json');
  });

  it('a key id pins the signing key', () => {
    const r = check({ keys: [trustedKey(a.publicKey)], keyid: a.keyid });
    assert.equal(r.pinned, true);
    assert.deepEqual(r.pin, { kind: 'keyid', value: a.keyid });
    assert.equal(check({ bundleRoot: rootA, keyid: a.keyid }).pinned, true);
    assertFails(() => check({ keys: [trustedKey(a.publicKey)], keyid: b.keyid }), 'PIN_MISMATCH', b.keyid);
    // With both keys trusted, a signature by a does not satisfy a pin on b.
    assertFails(() => check({ keys: [trustedKey(a.publicKey), trustedKey(b.publicKey)], keyid: b.keyid }), 'PIN_MISMATCH', b.keyid);
    assert.equal(check({ pinnedRoot: rootA, keyid: a.keyid }).pinned, true);
    // Signed by a and b, the statement naming b: the pin makes b's signature the one that counts.
    const both = signEnvelope(certB.payloadType, base64Decode(certB.payload), [a, b]);
    assert.equal(check({ pinnedRoot: rootText(a, b), keyid: b.keyid }, both).keyid, b.keyid);
    assertFails(() => check({ pinnedRoot: rootText(a, b), keyid: b.keyid }), 'PIN_MISMATCH');
  });

  it('without a pin, a key nobody trusts stays KEY_UNTRUSTED; other failures keep their codes', () => {
    assertFails(() => check({ bundleRoot: rootB }), 'KEY_UNTRUSTED');
    assertFails(() => check({ keys: [trustedKey(b.publicKey)] }), 'KEY_UNTRUSTED');
    const tampered = { ...certA, signatures: [{ ...certA.signatures[0]!, sig: certB.signatures[0]!.sig }] };
    assertFails(() => check({ pinnedRoot: rootA }, tampered), 'SIGNATURE_INVALID');
  });

  it('the pinned root wins over a bundle trust.json that disagrees on dates', () => {
    const revoked = rootText({ signer: a, validFrom: FROM, revokedAt: '2026-02-01T00:00:00Z', revocationReason: 'lost' });
    const r = check({ pinnedRoot: rootA, bundleRoot: revoked });
    assert.equal(r.pinned, true);
    assert.equal(resolveTrust({ pinnedRoot: rootA, bundleRoot: revoked }).root?.certificateKeys[0]?.revokedAt, undefined);
    assertFails(() => check({ pinnedRoot: revoked, bundleRoot: rootA }), 'KEY_REVOKED', '2026-02-01T00:00:00Z');
    const expired = rootText({ signer: a, validFrom: FROM, validUntil: '2026-11-20T10:05:00Z' });
    assertFails(() => check({ pinnedRoot: expired, bundleRoot: rootA }), 'KEY_OUTSIDE_VALIDITY');
    assert.equal(check({ pinnedRoot: rootA, bundleRoot: expired }).pinned, true);
  });

  it('with a pin, the bundle trust.json must list the signing key with the same public key', () => {
    assert.equal(check({ pinnedRoot: rootA, bundleRoot: rootText(b, a) }).pinned, true);
    assertFails(() => check({ pinnedRoot: rootA, bundleRoot: rootB }), 'PIN_MISMATCH', a.keyid);
    // Listing a's key id with b's public key breaks section 5.7 (a key id that is not the hash of its key): the file is invalid.
    const swapped = JSON.parse(rootB) as { certificateKeys: Array<{ keyid: string }> };
    swapped.certificateKeys[0]!.keyid = a.keyid;
    assertFails(() => check({ pinnedRoot: rootA, bundleRoot: JSON.stringify(swapped) }), 'TRUST_ROOT_INVALID', '$.certificateKeys[0].keyid');
    assertFails(() => check({ pinnedRoot: rootA, bundleRoot: '{}' }), 'TRUST_ROOT_INVALID');
    // A resolved trust built by hand, past the parser: the public keys are compared, not only the key ids.
    const trust = resolveTrust({ pinnedRoot: rootA, bundleRoot: rootA });
    const forged = { ...trust.bundleRoot!, certificateKeys: [{ ...JSON.parse(rootB).certificateKeys[0], keyid: a.keyid }] };
    assertFails(() => verifyTrusted({ ...trust, bundleRoot: forged }, (keys) => verifyCertificate(certA, keys)), 'PIN_MISMATCH');
    assertFails(() => check({ pinnedRoot: '{"type":"shredproof.trust-root","version":2}', bundleRoot: rootA }), 'VERSION_UNSUPPORTED');
  });

  it('the bundle root alone still applies its dates, unpinned', () => {
    const revoked = rootText({ signer: a, validFrom: FROM, revokedAt: '2026-11-20T10:05:00.000Z', revocationReason: 'r' });
    assertFails(() => check({ bundleRoot: revoked }), 'KEY_REVOKED');
    assert.equal(check({ keys: [trustedKey(a.publicKey)] }).pinned, false);
  });

  it('pinned is exactly "some pin was given", over every combination of sources that hold', () => {
    for (let mask = 0; mask < 32; mask++) {
      const sources: TrustSources = {};
      if (mask & 1) sources.pinnedRoot = rootA;
      if (mask & 2) sources.bundleRoot = rootA;
      if (mask & 4) sources.trustSha256 = sha256Hex(rootA);
      if (mask & 8) sources.keyid = a.keyid;
      if (mask & 16) sources.keys = [trustedKey(a.publicKey)];
      const pinGiven = Boolean(mask & (1 | 4 | 8));
      const usable = mask & (1 | 2 | 16) && (!(mask & 4) || mask & 2);
      if (!usable) {
        assert.throws(() => check(sources), `mask ${mask}`);
        continue;
      }
      const r = check(sources);
      assert.equal(r.pinned, pinGiven, `mask ${mask}`);
      assert.equal(r.pin?.kind, mask & 1 ? 'trust-root' : mask & 4 ? 'trust-sha256' : mask & 8 ? 'keyid' : undefined, `mask ${mask}`);
    }
  });

  it('a usage problem is a plain Error, not a verification failure', () => {
    for (const sources of [{}, { keys: [] }, { keyid: a.keyid }, { keys: [trustedKey(a.publicKey)], keyid: 'abc' }, { bundleRoot: rootA, trustSha256: `${sha256Hex(rootA)}0` }]) {
      assert.throws(
        () => resolveTrust(sources),
        (e: unknown) => e instanceof Error && !(e instanceof VerificationError),
        JSON.stringify(sources),
      );
    }
  });

  it('verifies per-object proofs the same way', () => {
    const root = rootText(example);
    const proof = buildObjectProof(ex.lines[2]!, 2, ex.lines.length, ex.tree.inclusionProof(2), ex.envelope);
    const r = verifyTrusted(resolveTrust({ pinnedRoot: root }), (keys) => verifyObjectProof(proof, keys));
    assert.equal(r.pinned, true);
    assert.equal(r.record!.index, 2);
    const unpinned = verifyTrusted(resolveTrust({ keys: [trustedKey(publicKeyFromPem(ex.publicKeyPem))] }), (keys) => verifyObjectProof(proof, keys));
    assert.equal(unpinned.pinned, false);
    assertFails(() => verifyTrusted(resolveTrust({ pinnedRoot: rootA }), (keys) => verifyObjectProof(proof, keys)), 'PIN_MISMATCH');
  });
});
