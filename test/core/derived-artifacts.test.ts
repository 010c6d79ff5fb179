// The derived section of a version 2 statement (docs/FORMAT.md section
// 5.10): each rule of checkDerivedArtifacts with the path it names; the
// approver's signed disposition, which holds over exactly this order, this
// artifact and this decision (every field changed fails) and is checked
// against the trust root like an approval; and checkVendorBinding, which
// holds a vendor's bundle to the certificate, trust root, key, id and order
// our statement names. The statement is valid-derived/'s, read from the
// vectors (test/vectors/certificate/v2/README.md).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { base64Decode, base64Encode } from '../../packages/verify/src/core/bytes.js';
import { verifyCertificate } from '../../packages/verify/src/core/certificate.js';
import { checkDerivedArtifacts, checkVendorBinding, type DerivedArtifactEntry, referenceNames, type VendorBundleFacts } from '../../packages/verify/src/core/derived-artifacts.js';
import { checkDispositions, decisionOf, type DispositionDecision, dispositionSignatureHolds, signDisposition } from '../../packages/verify/src/core/disposition.js';
import { publicKeyFromPem, seedSigner, trustedKey } from '../../packages/verify/src/core/ed25519.js';
import { type CertificateStatementV2, validateStatementV2 } from '../../packages/verify/src/core/statement-v2.js';
import { parseTrustRoot, type TrustRoot } from '../../packages/verify/src/core/trust-root.js';
import { Checker } from '../../packages/verify/src/core/validate.js';
import { V2_VECTOR_DIR } from '../vectors/certificate/v2/generate.js';
import { assertFails, codeOf } from './fails-with.js';

const DIR = join(V2_VECTOR_DIR, 'valid-derived');
const read = (f: string) => readFileSync(join(DIR, f));
const statement = verifyCertificate(read('certificate.json'), [trustedKey(publicKeyFromPem(read('public-key.pem').toString('utf8')))]).statement as CertificateStatementV2;
const root = parseTrustRoot(read('trust.json'));
type TargetRow = { name: string; destroyed: { count: number } };
const TARGETS: readonly TargetRow[] = statement.targets;
const bob = seedSigner(new Uint8Array(32).fill(2));
const alice = seedSigner(new Uint8Array(32).fill(3));
const entries = (): DerivedArtifactEntry[] => structuredClone(statement.derivedArtifacts!);
const [MODEL, FINE_TUNED, VENDOR, RETAINED] = [0, 1, 2, 3];

/** The paths checkDerivedArtifacts names for these entries (and targets), sorted. */
function pathsOf(value: unknown, targets: readonly TargetRow[] = TARGETS): string[] {
  const c = new Checker();
  const got = checkDerivedArtifacts(c, value, targets);
  assert.equal(got === undefined, c.problems.length > 0, 'entries are returned exactly when no problem was found');
  return c.problems.map((p) => p.path).sort();
}
const changed = (f: (a: any[]) => void): DerivedArtifactEntry[] => {
  const a = entries();
  f(a);
  return a;
};

describe('checkDerivedArtifacts: the statement rules of section 5.10', () => {
  it('accepts the derived section of valid-derived/, and returns its entries', () => {
    const c = new Checker();
    assert.deepEqual(checkDerivedArtifacts(c, statement.derivedArtifacts, TARGETS), statement.derivedArtifacts);
    assert.deepEqual(c.problems, []);
  });

  it('a lineage starts at one of the order\'s own targets: not an artifact, not a derived: target, not an unknown name', () => {
    for (const first of ['face-model-v1', 'derived:face-model-v1', 'photos-elsewhere']) {
      assert.deepEqual(pathsOf(changed((a) => (a[FINE_TUNED].lineage = [first, 'face-model-v1-ft']))), ['$.derivedArtifacts[1].lineage[0]'], first);
    }
    assert.deepEqual(pathsOf(changed((a) => (a[MODEL].lineage = ['photos', 'face-model-v1']))), [], 'any of the own targets');
  });

  it('a lineage ends with the artifact, runs through artifacts of the section, names no step twice, and has two names at least', () => {
    assert.deepEqual(pathsOf(changed((a) => (a[MODEL].lineage = ['training-exports', 'face-model-v1-ft']))), ['$.derivedArtifacts[0].lineage']);
    assert.deepEqual(pathsOf(changed((a) => (a[FINE_TUNED].lineage = ['training-exports', 'face-model-v0', 'face-model-v1-ft']))), ['$.derivedArtifacts[1].lineage[1]']);
    assert.deepEqual(pathsOf(changed((a) => (a[FINE_TUNED].lineage = ['training-exports', 'face-model-v1-ft', 'face-model-v1-ft']))), ['$.derivedArtifacts[1].lineage']);
    assert.deepEqual(pathsOf(changed((a) => (a[MODEL].lineage = ['face-model-v1']))), ['$.derivedArtifacts[0].lineage']);
    assert.deepEqual(pathsOf(changed((a) => (a[MODEL].lineage = ['training-exports', 7]))), ['$.derivedArtifacts[0].lineage[1]']);
  });

  it('names: the registry\'s pattern, no two alike', () => {
    // The vendor's copy: no target, so the name is all that changes.
    for (const name of ['-model', 'Face', 'a'.repeat(101), '']) assert.deepEqual(pathsOf(changed((a) => (a[VENDOR].name = name))), ['$.derivedArtifacts[2].name'], name);
    assert.deepEqual(pathsOf(changed((a) => a.push(structuredClone(a[VENDOR])))), ['$.derivedArtifacts[4].name']);
  });

  it('a destroyed artifact is the target derived:<name> of the statement, and carries no signature', () => {
    assert.deepEqual(pathsOf(changed((a) => delete a[MODEL].target)), ['$.derivedArtifacts[0].target']);
    assert.deepEqual(pathsOf(changed((a) => (a[MODEL].target = 'derived:face-model-v1-ft'))), ['$.derivedArtifacts[0].target']);
    assert.deepEqual(pathsOf(entries(), TARGETS.filter((t) => t.name !== 'derived:face-model-v1')), ['$.derivedArtifacts[0].target']);
    assert.deepEqual(pathsOf(changed((a) => (a[MODEL].signedBy = a[RETAINED].signedBy))), ['$.derivedArtifacts[0].signedBy']);
  });

  it('a retained artifact names its target derived:<name> only when the plan listed its objects, and then that target destroyed none', () => {
    assert.equal(statement.derivedArtifacts![RETAINED]!.target, 'derived:face-eval-scores', 'the vector\'s retained artifact was planned here');
    assert.deepEqual(pathsOf(changed((a) => delete a[RETAINED].target), TARGETS.filter((t) => t.name !== 'derived:face-eval-scores')), [], 'one retained elsewhere (at a vendor) names none');
    assert.deepEqual(pathsOf(changed((a) => (a[RETAINED].target = 'derived:face-model-v1'))), ['$.derivedArtifacts[3].target']);
    assert.deepEqual(pathsOf(entries(), TARGETS.filter((t) => t.name !== 'derived:face-eval-scores')), ['$.derivedArtifacts[3].target']);
    const destroyedOne = TARGETS.map((t) => (t.name === 'derived:face-eval-scores' ? { ...t, destroyed: { count: 1 } } : t));
    assert.deepEqual(pathsOf(entries(), destroyedOne), ['$.derivedArtifacts[3].target'], 'retained whole: its target destroyed nothing');
    const model = changed((a) => Object.assign(a[MODEL], { disposition: 'retained-with-justification', justification: 'kept', signedBy: a[RETAINED].signedBy }));
    assert.deepEqual(pathsOf(model), ['$.derivedArtifacts[0].target'], 'a model whose target destroyed 2 objects is not retained');
    assert.deepEqual(pathsOf(changed((a) => Object.assign(a[RETAINED], { disposition: 'not-in-plan', justification: undefined, signedBy: undefined }))), ['$.derivedArtifacts[3].target']);
  });

  it('every derived: target is a destroyed or retained artifact\'s; none certifies objects of an artifact the section does not list', () => {
    assert.deepEqual(pathsOf(changed((a) => a.splice(FINE_TUNED, 1))), ['$.targets']);
    assert.deepEqual(pathsOf(entries(), [...TARGETS, { name: 'derived:logo-model', destroyed: { count: 0 } }]), ['$.targets']);
    const { derivedArtifacts: _gone, ...without } = structuredClone(statement);
    assert.throws(() => validateStatementV2(without), (e: Error & { fields?: Array<{ path: string }> }) => e.fields?.some((f) => f.path === '$.derivedArtifacts') === true);
  });

  it('each member belongs to its disposition: a justification, a vendor and a signature where they must be, and nowhere else', () => {
    assert.deepEqual(pathsOf(changed((a) => delete a[RETAINED].justification)), ['$.derivedArtifacts[3].justification']);
    assert.deepEqual(pathsOf(changed((a) => (a[RETAINED].justification = 'x'.repeat(5001)))), ['$.derivedArtifacts[3].justification']);
    assert.deepEqual(pathsOf(changed((a) => (a[VENDOR].justification = 'kept'))), ['$.derivedArtifacts[2].justification']);
    assert.deepEqual(pathsOf(changed((a) => (a[RETAINED].vendor = a[VENDOR].vendor))), ['$.derivedArtifacts[3].vendor']);
    assert.deepEqual(pathsOf(changed((a) => (a[VENDOR].target = 'derived:labels-at-acme'))), ['$.derivedArtifacts[2].target']);
    assert.deepEqual(pathsOf(changed((a) => delete a[VENDOR].vendor)), ['$.derivedArtifacts[2].vendor']);
    assert.deepEqual(pathsOf(changed((a) => (a[VENDOR].vendor.keyid = 'ab'))), ['$.derivedArtifacts[2].vendor.keyid']);
    assert.deepEqual(pathsOf(changed((a) => delete a[RETAINED].signedBy)), ['$.derivedArtifacts[3].signedBy']);
    assert.deepEqual(pathsOf(changed((a) => delete a[VENDOR].signedBy)), ['$.derivedArtifacts[2].signedBy']);
    const short = base64Encode(base64Decode(statement.derivedArtifacts![RETAINED]!.signedBy!.signature).subarray(0, 63));
    assert.deepEqual(pathsOf(changed((a) => (a[RETAINED].signedBy.signature = short))), ['$.derivedArtifacts[3].signedBy.signature']);
    assert.deepEqual(pathsOf(changed((a) => (a[RETAINED].disposition = 'deleted'))), ['$.derivedArtifacts[3].disposition', '$.derivedArtifacts[3].justification', '$.derivedArtifacts[3].target']);
  });
});

describe('signed dispositions (section 5.10)', () => {
  const decision = (i: number): DispositionDecision => decisionOf(statement.order, statement.derivedArtifacts![i]!)!;
  const signedBy = (i: number) => statement.derivedArtifacts![i]!.signedBy!;

  it('the vector\'s signatures hold under bob\'s key over exactly the statement\'s decision; destroyed has no decision to sign', () => {
    for (const i of [VENDOR, RETAINED]) assert.ok(dispositionSignatureHolds(signedBy(i), decision(i), bob.publicKey), String(i));
    assert.equal(decisionOf(statement.order, statement.derivedArtifacts![MODEL]!), undefined);
    const again = signDisposition(bob, decision(RETAINED), signedBy(RETAINED));
    assert.deepEqual(again, signedBy(RETAINED), 'Ed25519 is deterministic: the same decision, the same signature');
  });

  it('any field changed, the signature fails: order, document, artifact, disposition, justification, vendor digests, person, time, key', () => {
    const retained = decision(RETAINED);
    const vendor = decision(VENDOR);
    const other = 'f'.repeat(64);
    const cases: Array<[string, DispositionDecision, typeof retained]> = [
      ['orderId', { ...retained, orderId: 'ord-example-0002' }, retained],
      ['orderSha256', { ...retained, orderSha256: other }, retained],
      ['artifact', { ...retained, artifact: 'face-model-v1' }, retained],
      ['disposition', { ...retained, disposition: 'held-by-vendor' }, retained],
      ['justification', { ...retained, justification: `${retained.justification} ` }, retained],
      ['no justification', { ...retained, justification: undefined } as DispositionDecision, retained],
      ['vendor.certificateSha256', { ...vendor, vendor: { ...vendor.vendor!, certificateSha256: other } }, vendor],
      ['vendor.trustSha256', { ...vendor, vendor: { ...vendor.vendor!, trustSha256: other } }, vendor],
    ];
    for (const [what, d, signed] of cases) {
      const s = signed === retained ? signedBy(RETAINED) : signedBy(VENDOR);
      assert.ok(dispositionSignatureHolds(s, signed, bob.publicKey), `${what}: the original holds`);
      assert.ok(!dispositionSignatureHolds(s, d, bob.publicKey), what);
    }
    const s = signedBy(RETAINED);
    assert.ok(!dispositionSignatureHolds({ ...s, person: 'carol@example.com' }, retained, bob.publicKey), 'person');
    assert.ok(!dispositionSignatureHolds({ ...s, signedAt: '2026-11-20T10:03:00.001Z' }, retained, bob.publicKey), 'signedAt');
    assert.ok(!dispositionSignatureHolds(s, retained, alice.publicKey), 'another key');
    assert.ok(!dispositionSignatureHolds({ ...s, signature: 'not base64!' }, retained, bob.publicKey), 'not base64');
  });

  /** The statement with the retained artifact's entry changed, checked against `r`. */
  const check = (f: (e: any) => void = () => {}, r: TrustRoot = root) => () => checkDispositions(r, { ...statement, derivedArtifacts: changed((a) => f(a[RETAINED])) });
  const rootWithBob = (k: Record<string, unknown>): TrustRoot => ({ ...root, approvalKeys: root.approvalKeys.map((x) => (x.keyid === bob.keyid ? { ...x, ...k } : x)) });

  it('checkDispositions against the trust root: valid-derived/ passes; an unlisted key is APPROVER_UNTRUSTED', () => {
    assert.equal(codeOf(check()), 'ok');
    const stranger = seedSigner(new Uint8Array(32).fill(4));
    assertFails(check((e) => (e.signedBy = signDisposition(stranger, decision(RETAINED), e.signedBy))), 'APPROVER_UNTRUSTED', 'derivedArtifacts[3]', stranger.keyid);
  });

  it('APPROVAL_INVALID: the signature over another decision, another person\'s key, a key not allowed to approve, revoked or outside its window at signedAt', () => {
    assertFails(check((e) => (e.justification = 'changed after signing')), 'APPROVAL_INVALID', 'face-eval-scores', 'does not hold');
    // alice's key signs as alice: the key is hers, but the trust root lets her sign only as performer.
    assertFails(check((e) => (e.signedBy = signDisposition(alice, decision(RETAINED), { person: 'alice@example.com', signedAt: e.signedBy.signedAt }))), 'APPROVAL_INVALID', 'only an approver');
    assertFails(check((e) => (e.signedBy = { ...e.signedBy, person: 'carol@example.com' })), 'APPROVAL_INVALID', 'belongs to "bob@example.com"');
    const at = signedBy(RETAINED).signedAt;
    assertFails(check(undefined, rootWithBob({ revokedAt: at, revocationReason: 'lost' })), 'APPROVAL_INVALID', 'revoked');
    assert.equal(codeOf(check(undefined, rootWithBob({ revokedAt: '2026-11-20T10:03:00.001Z', revocationReason: 'lost' }))), 'ok', 'revoked after it signed');
    assertFails(check(undefined, rootWithBob({ validUntil: at })), 'APPROVAL_INVALID', 'window');
    assertFails(check(undefined, rootWithBob({ validFrom: '2026-11-20T10:03:00.001Z' })), 'APPROVAL_INVALID', 'window');
    assertFails(check(undefined, rootWithBob({ roles: ['performer'] })), 'APPROVAL_INVALID', 'only an approver');
  });
});

describe('checkVendorBinding (section 5.10)', () => {
  const entry = statement.derivedArtifacts![VENDOR]!;
  const v = entry.vendor!;
  const facts: VendorBundleFacts = { certificateSha256: v.certificateSha256, trustSha256: v.trustSha256, keyid: v.keyid, certificateId: v.certificateId, orderReference: `Example Corp order ${statement.order.id} (FTC Docket No. C-0000)` };
  const bind = (f: Partial<VendorBundleFacts>, e: DerivedArtifactEntry = entry) => () => checkVendorBinding(e, statement.order.id, { ...facts, ...f });

  it('holds for the bundle the statement binds, whose order reference names ours', () => {
    assert.equal(codeOf(bind({})), 'ok');
  });

  it('VENDOR_CERTIFICATE_MISMATCH for another certificate, trust root, key or certificate id, or an order that does not name ours', () => {
    const other = 'f'.repeat(64);
    assertFails(bind({ certificateSha256: other }), 'VENDOR_CERTIFICATE_MISMATCH', 'vendors/labels-at-acme', other, v.certificateSha256);
    assertFails(bind({ trustSha256: other }), 'VENDOR_CERTIFICATE_MISMATCH', other, v.trustSha256);
    assertFails(bind({ keyid: bob.keyid }), 'VENDOR_CERTIFICATE_MISMATCH', bob.keyid, v.keyid);
    assertFails(bind({ certificateId: 'acme-cert-0002' }), 'VENDOR_CERTIFICATE_MISMATCH', 'acme-cert-0002');
    assertFails(bind({ orderReference: 'Example Corp order ord-example-0099' }), 'VENDOR_CERTIFICATE_MISMATCH', 'ord-example-0099', statement.order.id);
    const { vendor: _none, ...unbound } = entry;
    assertFails(bind({}, unbound), 'VENDOR_CERTIFICATE_MISMATCH', 'binds no vendor certificate');
  });
});

describe('referenceNames: a vendor order names ours as a whole word (section 5.10)', () => {
  it('finds the id alone, at either end, or between spaces and punctuation; never inside a longer id', () => {
    for (const r of ['ord-1', 'under order ord-1', 'ord-1: photos', '(ord-1)', 'orders ord-9, ord-1 and ord-12']) assert.equal(referenceNames(r, 'ord-1'), true, r);
    for (const r of ['ord-12', 'xord-1', 'ord-1.5', 'ord-1_a', 'order ord-10 only', '']) assert.equal(referenceNames(r, 'ord-1'), false, r);
  });
});
