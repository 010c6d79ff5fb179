// Signed approvals (docs/FORMAT.md section 5.9, issue 15 item 2) with real
// keys: what an approval signs, the statement's own rules for its approvals,
// each check against the trust root with its code and the field it names,
// the key window at its exact edges, approvalsRequiredFrom, the approval keys
// of trust.json, and verifyTrusted's approvalCheck.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type Approval,
  APPROVAL_PAYLOAD_TYPE,
  type ApprovalRole,
  type ApprovalSubject,
  approvalPayload,
  approvalSignatureHolds,
  approvalSubjectOf,
  type ApprovedStatement,
  checkApprovals,
  signApproval,
  statementApprovals,
} from '../../packages/verify/src/core/approval.js';
import { base64Decode, base64Encode, utf8Decode } from '../../packages/verify/src/core/bytes.js';
import { canonicalizeToBytes } from '../../packages/verify/src/core/canonical-json.js';
import { signCertificate, verifyCertificate } from '../../packages/verify/src/core/certificate.js';
import { pae, signEnvelope } from '../../packages/verify/src/core/dsse.js';
import { publicKeyToPem, seedSigner, type Signer, trustedKey, verifySignature } from '../../packages/verify/src/core/ed25519.js';
import { ValidationError } from '../../packages/verify/src/core/errors.js';
import { verifyObjectProof } from '../../packages/verify/src/core/object-proof.js';
import { resolveTrust, type TrustSources, verifyTrusted } from '../../packages/verify/src/core/pin.js';
import { CERTIFICATE_PAYLOAD_TYPE } from '../../packages/verify/src/core/statement.js';
import { CERTIFICATE_PAYLOAD_TYPE_V2, type CertificateStatementV2, validateStatementV2 } from '../../packages/verify/src/core/statement-v2.js';
import { buildTrustRoot, parseTrustRoot, type TrustRoot, trustRootText } from '../../packages/verify/src/core/trust-root.js';
import { buildExample } from '../../scripts/example-certificate.js';
import { buildExampleV2, EXAMPLE_SEED, proofsFor } from '../../scripts/example-certificate-v2.js';
import { assertFails, codeOf, failure } from './fails-with.js';

const ex = buildExampleV2();
const issuer = seedSigner(EXAMPLE_SEED);
const bob = seedSigner(new Uint8Array(32).fill(2));
const alice = seedSigner(new Uint8Array(32).fill(3));
const carol = seedSigner(new Uint8Array(32).fill(4));
const FROM = '2026-01-01T00:00:00Z';
const APPROVED_AT = ex.statement.order.approvedAt; // 2026-11-20T09:30:00.000Z
const subject = approvalSubjectOf(ex.statement);

const sign = (signer: Signer, role: ApprovalRole, person: string, signedAt: string, over: ApprovalSubject = subject): Approval =>
  signApproval(signer, over, { role, person, signedAt });
const byBob = sign(bob, 'approver', 'bob@example.com', '2026-11-20T09:25:00.000Z');
const byAlice = sign(alice, 'performer', 'alice@example.com', '2026-11-20T09:10:00.000Z');

/** The example v2 statement carrying `approvals`, changed by `f`. */
function statementWith(approvals: readonly Approval[] | undefined, f: (s: any) => void = () => {}): CertificateStatementV2 {
  const s: any = structuredClone(ex.statement);
  if (approvals !== undefined) s.approvals = structuredClone(approvals);
  f(s);
  return s;
}

const spki = (raw: Uint8Array) => publicKeyToPem(raw).split('\n')[1]!;
const keyEntry = (signer: Signer, extra: Record<string, unknown> = {}) => ({ keyid: signer.keyid, publicKey: spki(signer.publicKey), validFrom: FROM, ...extra });
const approvalKey = (signer: Signer, person: string, roles: unknown, extra: Record<string, unknown> = {}) => ({ ...keyEntry(signer, extra), person, roles });
const BOB_KEY = approvalKey(bob, 'bob@example.com', ['approver']);
const ALICE_KEY = approvalKey(alice, 'alice@example.com', ['performer']);
const rootJson = (approvalKeys: unknown[] | undefined, top: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'shredproof.trust-root', version: 1, issuer: 'Example Corp', certificateKeys: [keyEntry(issuer)], approvalKeys, ...top });
const rootOf = (approvalKeys: unknown[] | undefined, top: Record<string, unknown> = {}): TrustRoot => parseTrustRoot(rootJson(approvalKeys, top));
const ROOT = rootOf([BOB_KEY, ALICE_KEY]);

/** checkApprovals of `root` over the example statement carrying `approvals`. */
const check = (root: TrustRoot, approvals: readonly Approval[] | undefined, f?: (s: any) => void) => () => checkApprovals(root, statementWith(approvals, f));

/** The statement's RFC 8785 bytes signed by the example key, without signCertificate's own validation (which would refuse a bad one). */
const signedAnyway = (statement: unknown, payloadType = CERTIFICATE_PAYLOAD_TYPE_V2) => signEnvelope(payloadType, canonicalizeToBytes(statement), [issuer]);
const verifyAnyway = (statement: unknown, payloadType?: string) => () => verifyCertificate(signedAnyway(statement, payloadType), [trustedKey(issuer.publicKey)]);

/** The paths of the ValidationError that `f` throws, in order. */
function pathsOf(f: () => unknown): string[] {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ValidationError, String(e));
    return e.fields.map((x) => x.path);
  }
  assert.fail('accepted');
}

describe('approvals: what is signed (section 5.9)', () => {
  it('signs the RFC 8785 object of section 5.9 under its DSSE payload type, with the statement\'s order and plan', () => {
    assert.equal(APPROVAL_PAYLOAD_TYPE, 'application/vnd.shredproof.approval.v1+json');
    const payload = approvalPayload(subject, byBob);
    const { order, inventory } = ex.statement;
    assert.equal(
      utf8Decode(payload),
      `{"inventory":{"rootHash":"${inventory.rootHash}","treeSize":7},"order":{"id":"ord-example-0002","sha256":"${order.sha256}"},` +
        '"person":"bob@example.com","role":"approver","signedAt":"2026-11-20T09:25:00.000Z","type":"shredproof.approval","version":1}',
    );
    assert.deepEqual(subject, { orderId: order.id, orderSha256: order.sha256, inventory: { treeSize: inventory.treeSize, rootHash: inventory.rootHash } });
    assert.deepEqual(Object.keys(byBob).sort(), ['keyid', 'person', 'role', 'signature', 'signedAt']);
    assert.equal(byBob.keyid, bob.keyid);
    assert.ok(verifySignature(base64Decode(byBob.signature), pae(APPROVAL_PAYLOAD_TYPE, payload), bob.publicKey));
    // The same bytes without DSSE's pre-authentication encoding, or under another payload type, are another message.
    assert.ok(!verifySignature(base64Decode(byBob.signature), payload, bob.publicKey));
    assert.ok(!verifySignature(base64Decode(byBob.signature), pae('application/vnd.shredproof.certificate.v2+json', payload), bob.publicKey));
    assert.equal(approvalSignatureHolds(byBob, subject, bob.publicKey), true);
    assert.equal(approvalSignatureHolds(byBob, subject, alice.publicKey), false);
  });

  it('sign then verify: checkApprovals returns each approval with the trust root\'s entry for its key', () => {
    const statement = statementWith([byBob, byAlice]);
    assert.deepEqual(validateStatementV2(statement), statement);
    assert.deepEqual(checkApprovals(ROOT, statement), {
      approvals: [{ ...byBob, key: ROOT.approvalKeys[0] }, { ...byAlice, key: ROOT.approvalKeys[1] }],
      required: false,
    });
    // An approver alone is enough; one key may hold both roles.
    const both = rootOf([approvalKey(bob, 'bob@example.com', ['performer', 'approver'])]);
    assert.deepEqual(checkApprovals(both, statementWith([byBob])).approvals.map((a) => a.keyid), [bob.keyid]);
    // Without approvals and without approvalsRequiredFrom there is nothing to check.
    assert.deepEqual(checkApprovals(ROOT, statementWith(undefined)), { approvals: [], required: false });
  });

  it('a signature over another plan root, tree size, order hash, order id, role, person or signedAt does not hold', () => {
    const twoRoles = rootOf([approvalKey(bob, 'bob@example.com', ['approver', 'performer']), ALICE_KEY]);
    const other = (f: (s: ApprovalSubject) => void): ApprovalSubject => {
      const s = structuredClone(subject);
      f(s);
      return s;
    };
    const cases: Array<[string, Approval]> = [
      ['another plan root', sign(bob, 'approver', 'bob@example.com', byBob.signedAt, other((s) => (s.inventory.rootHash = 'ab'.repeat(32))))],
      ['another tree size', sign(bob, 'approver', 'bob@example.com', byBob.signedAt, other((s) => (s.inventory.treeSize = 8)))],
      ['another order hash', sign(bob, 'approver', 'bob@example.com', byBob.signedAt, other((s) => (s.orderSha256 = 'cd'.repeat(32))))],
      ['another order id', sign(bob, 'approver', 'bob@example.com', byBob.signedAt, other((s) => (s.orderId = 'ord-example-0003')))],
      ['another role', { ...sign(bob, 'performer', 'bob@example.com', byBob.signedAt), role: 'approver' }],
      ['another person', { ...sign(bob, 'approver', 'robert@example.com', byBob.signedAt), person: 'bob@example.com' }],
      ['another signedAt', { ...byBob, signedAt: '2026-11-20T09:25:00.001Z' }],
      // The same instant written another way is other bytes: the signature is over the text.
      ['signedAt written another way', { ...byBob, signedAt: '2026-11-20T09:25:00Z' }],
      ['another key\'s signature', { ...sign(alice, 'approver', 'bob@example.com', byBob.signedAt), keyid: bob.keyid }],
      ['a signature of zeros', { ...byBob, signature: base64Encode(new Uint8Array(64)) }],
    ];
    for (const [what, approval] of cases) {
      assert.deepEqual(validateStatementV2(statementWith([approval])).approvals, [approval], `${what}: the statement itself is valid`);
      assertFails(check(twoRoles, [approval]), 'APPROVAL_INVALID', 'approvals[0] (approver bob@example.com)', 'signature does not hold', subject.inventory.rootHash, subject.orderSha256);
    }
    // Each was a good signature, over what it was signed over.
    assert.ok(approvalSignatureHolds(cases[0]![1], other((s) => (s.inventory.rootHash = 'ab'.repeat(32))), bob.publicKey));
  });

  it('flipping any bit of the signature makes it fail', () => {
    const sig = base64Decode(byBob.signature);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 64 * 8 - 1 }), (bit) => {
        const flipped = sig.slice();
        flipped[bit >> 3] = flipped[bit >> 3]! ^ (1 << (bit & 7));
        assert.equal(approvalSignatureHolds({ ...byBob, signature: base64Encode(flipped) }, subject, bob.publicKey), false);
      }),
      { numRuns: 64 },
    );
    assert.equal(approvalSignatureHolds({ ...byBob, signature: '%%' }, subject, bob.publicKey), false);
  });
});

describe('approvals: the statement\'s own rules (STATEMENT_INVALID)', () => {
  const fieldsOf = (s: unknown) => pathsOf(() => validateStatementV2(s));
  const sig63 = base64Encode(base64Decode(byBob.signature).subarray(0, 63));

  it('each bad member of an approval is named by its path', () => {
    const cases: Array<[unknown, string[]]> = [
      [{ ...byBob, role: 'witness' }, ['$.approvals[0].role']],
      [{ ...byBob, person: 'bob example' }, ['$.approvals[0].person']],
      [{ ...byBob, person: '' }, ['$.approvals[0].person']],
      [{ ...byBob, keyid: bob.keyid.toUpperCase() }, ['$.approvals[0].keyid']],
      [{ ...byBob, keyid: bob.keyid.slice(2) }, ['$.approvals[0].keyid']],
      [{ ...byBob, signedAt: '2026-11-20 09:25:00Z' }, ['$.approvals[0].signedAt']],
      [{ ...byBob, signature: sig63 }, ['$.approvals[0].signature']],
      [{ ...byBob, signature: base64Encode(new Uint8Array(65)) }, ['$.approvals[0].signature']],
      [{ ...byBob, signature: 'not base64!' }, ['$.approvals[0].signature']],
      [{ ...byBob, signature: 64 }, ['$.approvals[0].signature']],
      [{ role: 'approver' }, ['$.approvals[0].person', '$.approvals[0].keyid', '$.approvals[0].signedAt', '$.approvals[0].signature']],
      ['bob', ['$.approvals[0]']],
    ];
    for (const [approval, paths] of cases) assert.deepEqual(fieldsOf(statementWith([approval as Approval])), paths, JSON.stringify(approval));
    assert.deepEqual(fieldsOf(statementWith(undefined, (s) => (s.approvals = byBob))), ['$.approvals']);
    // A malformed signature is the statement's fault, found before any key: through verifyCertificate, STATEMENT_INVALID.
    const e = failure(verifyAnyway(statementWith([{ ...byBob, signature: sig63 }])));
    assert.equal(e.code, 'STATEMENT_INVALID');
    assert.ok(e.cause instanceof ValidationError);
    assert.deepEqual(e.cause.fields, [{ path: '$.approvals[0].signature', problem: 'must be the base64 of a 64-byte Ed25519 signature' }]);
  });

  it('one approver, who is order.approvedBy; at most one performer, who is order.createdBy', () => {
    const asApprover = sign(alice, 'approver', 'alice@example.com', byBob.signedAt);
    const asPerformer = sign(bob, 'performer', 'bob@example.com', byBob.signedAt);
    assert.deepEqual(fieldsOf(statementWith([])), ['$.approvals']);
    assert.deepEqual(fieldsOf(statementWith([byAlice])), ['$.approvals']);
    assert.deepEqual(fieldsOf(statementWith([byBob, byBob])), ['$.approvals']);
    assert.deepEqual(fieldsOf(statementWith([byBob, byAlice, byAlice])), ['$.approvals']);
    assert.deepEqual(fieldsOf(statementWith([byAlice, asPerformer])), ['$.approvals', '$.approvals', '$.approvals[1].person']);
    assertFails(verifyAnyway(statementWith([byBob, asPerformer])), 'STATEMENT_INVALID', '$.approvals[1].person', 'order.createdBy');
    // The creator approving: not order.approvedBy, and the creator besides.
    assert.deepEqual(fieldsOf(statementWith([asApprover])), ['$.approvals[0].person', '$.approvals[0].person']);
    assertFails(verifyAnyway(statementWith([asApprover])), 'STATEMENT_INVALID', 'order.approvedBy', 'created the order');
    // Either order of the two approvals is the same statement rule.
    assert.ok(validateStatementV2(statementWith([byAlice, byBob])));
  });

  it('the creator cannot approve under another spelling of their name (samePerson), though order.approvedBy says so', () => {
    const spelled = (s: any) => (s.order.approvedBy = 'Alice@Example.com');
    // Without approvals the statement only compares the two names exactly, as before section 5.9.
    assert.ok(validateStatementV2(statementWith(undefined, spelled)));
    const byCreator = sign(alice, 'approver', 'Alice@Example.com', byBob.signedAt);
    assert.deepEqual(fieldsOf(statementWith([byCreator], spelled)), ['$.approvals[0].person']);
    assertFails(verifyAnyway(statementWith([byCreator], spelled)), 'STATEMENT_INVALID', '"Alice@Example.com" created the order and cannot approve it');
  });

  it('a version 1 statement with an `approvals` member: the member means nothing, whatever it holds', () => {
    const v1 = buildExample();
    const junk = [{ ...byBob, signature: sig63 }, 'not an approval'];
    const statement = { ...structuredClone(v1.statement), approvals: junk } as unknown as ApprovedStatement;
    assert.equal(statementApprovals(statement), undefined);
    assert.deepEqual(statementApprovals(statementWith([byBob])), [byBob]);
    const { statement: verified } = verifyAnyway(statement, CERTIFICATE_PAYLOAD_TYPE)();
    assert.equal(verified.version, 1);
    assert.deepEqual((verified as unknown as ApprovedStatement).approvals, junk, 'the member is kept, and means nothing');
    assert.deepEqual(checkApprovals(ROOT, verified), { approvals: [], required: false });
    // A root that requires approvals finds none in it.
    assertFails(() => checkApprovals(rootOf(undefined, { approvalsRequiredFrom: FROM }), verified), 'APPROVAL_MISSING', v1.statement.order.id);
  });
});

describe('approvals against the trust root (section 5.9)', () => {
  it('a key the root does not list as an approval key is APPROVER_UNTRUSTED, also the certificate key', () => {
    const byCarol = sign(carol, 'approver', 'bob@example.com', byBob.signedAt);
    assertFails(check(ROOT, [byCarol]), 'APPROVER_UNTRUSTED', 'approvals[0] (approver bob@example.com)', carol.keyid);
    assertFails(check(ROOT, [byBob, sign(carol, 'performer', 'alice@example.com', byBob.signedAt)]), 'APPROVER_UNTRUSTED', 'approvals[1] (performer alice@example.com)');
    assertFails(check(rootOf(undefined), [byBob]), 'APPROVER_UNTRUSTED', bob.keyid);
    // The service's own key never approves, even listed as a certificate key.
    assertFails(check(ROOT, [sign(issuer, 'approver', 'bob@example.com', byBob.signedAt)]), 'APPROVER_UNTRUSTED', issuer.keyid);
  });

  it('a key of another person is APPROVAL_INVALID, naming the entry\'s person; names compare exactly', () => {
    const aliceAsBob = sign(alice, 'approver', 'bob@example.com', byBob.signedAt);
    assertFails(check(ROOT, [aliceAsBob]), 'APPROVAL_INVALID', '$.approvalKeys[1].person', '"alice@example.com"', alice.keyid);
    assertFails(check(rootOf([approvalKey(bob, 'Bob@example.com', ['approver'])]), [byBob]), 'APPROVAL_INVALID', '$.approvalKeys[0].person');
  });

  it('a role the key does not allow is APPROVAL_INVALID, naming the entry\'s roles', () => {
    assertFails(check(rootOf([approvalKey(bob, 'bob@example.com', ['performer']), ALICE_KEY]), [byBob]), 'APPROVAL_INVALID', '$.approvalKeys[0].roles', 'only as performer');
    assertFails(check(rootOf([BOB_KEY, approvalKey(alice, 'alice@example.com', ['approver'])]), [byBob, byAlice]), 'APPROVAL_INVALID', '$.approvalKeys[1].roles', 'approvals[1]');
  });

  describe('the key window, at order.approvedAt', () => {
    const withBob = (extra: Record<string, unknown>) => rootOf([approvalKey(bob, 'bob@example.com', ['approver'], extra), ALICE_KEY]);
    const codeAt = (extra: Record<string, unknown>) => codeOf(check(withBob(extra), [byBob, byAlice]));

    it('validFrom exactly approvedAt is in force; 1 ms later is not', () => {
      assert.equal(codeAt({ validFrom: APPROVED_AT }), 'ok');
      assert.equal(codeAt({ validFrom: '2026-11-20T09:30:00Z' }), 'ok');
      assertFails(check(withBob({ validFrom: '2026-11-20T09:30:00.001Z' }), [byBob]), 'APPROVAL_INVALID', '$.approvalKeys[0].validFrom', APPROVED_AT);
    });

    it('validUntil exactly approvedAt is not in force; 1 ms later is', () => {
      assertFails(check(withBob({ validUntil: APPROVED_AT }), [byBob]), 'APPROVAL_INVALID', '$.approvalKeys[0].validUntil', APPROVED_AT);
      assert.equal(codeAt({ validUntil: '2026-11-20T09:30:00Z' }), 'APPROVAL_INVALID');
      assert.equal(codeAt({ validUntil: '2026-11-20T09:30:00.001Z' }), 'ok');
    });

    it('revokedAt exactly approvedAt is revoked, with its reason; 1 ms later is not; revoked is said before expired', () => {
      const revoked = (at: string, extra: Record<string, unknown> = {}) => ({ revokedAt: at, revocationReason: 'laptop stolen', ...extra });
      assertFails(check(withBob(revoked(APPROVED_AT)), [byBob]), 'APPROVAL_INVALID', '$.approvalKeys[0].revokedAt', 'laptop stolen', APPROVED_AT);
      assert.equal(codeAt(revoked('2026-11-20T09:30:00Z')), 'APPROVAL_INVALID');
      assert.equal(codeAt(revoked('2026-11-20T09:30:00.001Z')), 'ok');
      assertFails(check(withBob(revoked('2026-11-01T00:00:00Z', { validUntil: '2026-11-02T00:00:00Z' })), [byBob]), 'APPROVAL_INVALID', '$.approvalKeys[0].revokedAt');
    });

    it('is checked at order.approvedAt, not at signedAt nor at issuedAt', () => {
      // Revoked after the approval, before the certificate was issued (10:05): the approval stands.
      assert.equal(codeAt({ revokedAt: '2026-11-20T10:00:00Z', revocationReason: 'left the company' }), 'ok');
      // Valid only from after bob signed (09:25), before the order was approved (09:30): in force.
      assert.equal(codeAt({ validFrom: '2026-11-20T09:29:00Z' }), 'ok');
      assert.equal(codeOf(check(withBob({ validFrom: '2026-11-20T09:29:00Z' }), [byBob], (s) => (s.order.approvedAt = '2026-11-20T09:28:00.000Z'))), 'APPROVAL_INVALID');
    });
  });

  it('approvalsRequiredFrom: an order approved at or after it needs an approver\'s approval (APPROVAL_MISSING); 1 ms before it, none', () => {
    const requiring = (from: string) => rootOf(undefined, { approvalsRequiredFrom: from });
    assertFails(check(requiring(APPROVED_AT), undefined), 'APPROVAL_MISSING', 'ord-example-0002', APPROVED_AT, 'approvalsRequiredFrom');
    assertFails(check(requiring('2026-11-20T09:30:00Z'), undefined), 'APPROVAL_MISSING');
    assert.deepEqual(checkApprovals(requiring('2026-11-20T09:30:00.001Z'), statementWith(undefined)), { approvals: [], required: false });
    const required = rootOf([BOB_KEY, ALICE_KEY], { approvalsRequiredFrom: '2026-11-01T00:00:00Z' });
    assert.deepEqual(checkApprovals(required, statementWith([byBob, byAlice])), { approvals: [{ ...byBob, key: required.approvalKeys[0] }, { ...byAlice, key: required.approvalKeys[1] }], required: true });
    // A performer's approval is not an approver's (a statement the statement rules would refuse, checked here alone).
    assertFails(check(required, [byAlice]), 'APPROVAL_MISSING');
    // A bad approval is reported as itself, not as missing.
    assertFails(check(required, [sign(carol, 'approver', 'bob@example.com', byBob.signedAt)]), 'APPROVER_UNTRUSTED');
  });
});

describe('trust root: approvalKeys and approvalsRequiredFrom (sections 5.7 and 5.9)', () => {
  const parse = (keys: unknown[] | undefined, top: Record<string, unknown> = {}) => () => parseTrustRoot(rootJson(keys, top));

  it('round-trips what buildTrustRoot writes; an entry is a key entry with person and roles', () => {
    const root = buildTrustRoot({
      issuer: 'Example Corp',
      keys: [{ publicKey: issuer.publicKey, validFrom: FROM }],
      approvalKeys: [
        { publicKey: bob.publicKey, validFrom: FROM, person: 'bob@example.com', roles: ['approver'] },
        { publicKey: alice.publicKey, validFrom: FROM, validUntil: '2027-01-01T00:00:00Z', person: 'alice@example.com', roles: ['performer', 'approver'] },
      ],
      approvalsRequiredFrom: '2026-11-01T00:00:00Z',
    });
    assert.deepEqual(parseTrustRoot(trustRootText(root)), root);
    assert.deepEqual(root.approvalKeys.map((k) => [k.keyid, k.person, k.roles]), [[bob.keyid, 'bob@example.com', ['approver']], [alice.keyid, 'alice@example.com', ['performer', 'approver']]]);
    assert.equal(root.approvalsRequiredFrom, '2026-11-01T00:00:00Z');
    assert.deepEqual(JSON.parse(trustRootText(root)).approvalKeys[0], { keyid: bob.keyid, publicKey: spki(bob.publicKey), validFrom: FROM, person: 'bob@example.com', roles: ['approver'] });
    // Members it does not know are ignored in an approval key too; approvalsRequiredFrom may come without keys.
    const plain = parseTrustRoot(rootJson([{ ...BOB_KEY, phone: '+1 555' }], { approvalsRequiredFrom: FROM }));
    assert.deepEqual(Object.keys(plain.approvalKeys[0]!).sort(), ['keyid', 'person', 'publicKey', 'roles', 'validFrom']);
    assert.equal(rootOf(undefined, { approvalsRequiredFrom: FROM }).approvalsRequiredFrom, FROM);
  });

  it('refuses a bad person, empty, unknown or repeated roles, naming $.approvalKeys[i]', () => {
    const cases: Array<[unknown, string, string?]> = [
      [approvalKey(alice, 'alice example', ['performer']), '$.approvalKeys[1].person'],
      [approvalKey(alice, '', ['performer']), '$.approvalKeys[1].person'],
      [approvalKey(alice, `a${'b'.repeat(64)}`, ['performer']), '$.approvalKeys[1].person'],
      [approvalKey(alice, 42 as unknown as string, ['performer']), '$.approvalKeys[1].person'],
      [{ ...ALICE_KEY, person: undefined }, '$.approvalKeys[1].person'],
      [approvalKey(alice, 'alice@example.com', []), '$.approvalKeys[1].roles', 'at least one role'],
      [approvalKey(alice, 'alice@example.com', ['auditor']), '$.approvalKeys[1].roles[0]', '"approver", "performer"'],
      [approvalKey(alice, 'alice@example.com', ['performer', 'Approver']), '$.approvalKeys[1].roles[1]'],
      [approvalKey(alice, 'alice@example.com', ['performer', 'performer']), '$.approvalKeys[1].roles', 'must not repeat a role'],
      [approvalKey(alice, 'alice@example.com', 'performer'), '$.approvalKeys[1].roles'],
      [{ ...ALICE_KEY, roles: undefined }, '$.approvalKeys[1].roles'],
      [approvalKey(alice, 'alice@example.com', ['performer'], { validUntil: FROM }), '$.approvalKeys[1].validUntil'],
      [approvalKey(alice, 'alice@example.com', ['performer'], { revokedAt: FROM }), '$.approvalKeys[1].revocationReason'],
      [{ ...ALICE_KEY, keyid: carol.keyid }, '$.approvalKeys[1].keyid', 'SHA-256'],
      [{ ...ALICE_KEY, publicKey: spki(bob.publicKey) }, '$.approvalKeys[1].keyid'],
      ['alice', '$.approvalKeys[1]'],
    ];
    for (const [key, path, words] of cases) assertFails(parse([BOB_KEY, key]), 'TRUST_ROOT_INVALID', path, ...(words ? [words] : []));
  });

  it('refuses an approval key that repeats a certificate key or another approval key', () => {
    assertFails(parse([BOB_KEY, approvalKey(issuer, 'carol@example.com', ['approver'])]), 'TRUST_ROOT_INVALID', '$.approvalKeys[1].keyid', '$.certificateKeys[0].keyid', 'a certificate key cannot approve');
    assertFails(parse([BOB_KEY, ALICE_KEY, approvalKey(bob, 'carol@example.com', ['performer'])]), 'TRUST_ROOT_INVALID', '$.approvalKeys[2].keyid', '$.approvalKeys[0].keyid');
    // Same person, same key, another window: still one key listed twice.
    assertFails(parse([BOB_KEY, approvalKey(bob, 'bob@example.com', ['approver'], { validFrom: '2027-01-01T00:00:00Z' })]), 'TRUST_ROOT_INVALID', '$.approvalKeys[1].keyid');
    // buildTrustRoot refuses what verifiers would refuse.
    const keys = [{ publicKey: issuer.publicKey, validFrom: FROM }];
    assert.deepEqual(pathsOf(() => buildTrustRoot({ issuer: 'x', keys, approvalKeys: [{ ...keys[0]!, person: 'bob', roles: ['approver'] }] })), ['$.approvalKeys[0].keyid']);
    assert.deepEqual(pathsOf(() => buildTrustRoot({ issuer: 'x', keys, approvalKeys: [{ publicKey: bob.publicKey, validFrom: FROM, person: 'bob', roles: [] }] })), ['$.approvalKeys[0].roles']);
  });

  it('refuses approvalKeys that is not an array and approvalsRequiredFrom that is not a time; names every bad field at once', () => {
    assertFails(parse(undefined, { approvalKeys: {} }), 'TRUST_ROOT_INVALID', '$.approvalKeys');
    assertFails(parse(undefined, { approvalsRequiredFrom: '2026-11-01' }), 'TRUST_ROOT_INVALID', '$.approvalsRequiredFrom');
    assertFails(parse(undefined, { approvalsRequiredFrom: 1 }), 'TRUST_ROOT_INVALID', '$.approvalsRequiredFrom');
    assertFails(parse([approvalKey(bob, 'bob', []), approvalKey(alice, 'a b', ['approver'])], { approvalsRequiredFrom: 'soon' }), 'TRUST_ROOT_INVALID', '$.approvalKeys[0].roles', '$.approvalKeys[1].person', '$.approvalsRequiredFrom');
  });
});

describe('verifyTrusted: approvalCheck (section 5.9 through the pins of section 5.8)', () => {
  const approvedCert = signCertificate(statementWith([byBob, byAlice]), issuer);
  const requiredText = rootJson([BOB_KEY, ALICE_KEY], { approvalsRequiredFrom: '2026-11-01T00:00:00Z' });
  const bareText = rootJson(undefined);
  const run = (sources: TrustSources, cert: unknown = approvedCert) => verifyTrusted(resolveTrust(sources), (keys) => verifyCertificate(cert, keys));

  it('checks the approvals against the trust root in force and returns the verdict', () => {
    const r = run({ bundleRoot: requiredText });
    const root = parseTrustRoot(requiredText);
    assert.deepEqual(r.approvalCheck, { approvals: [{ ...byBob, key: root.approvalKeys[0] }, { ...byAlice, key: root.approvalKeys[1] }], required: true });
    assert.equal(r.pinned, false);
    assert.equal(run({ bundleRoot: requiredText, keyid: issuer.keyid }).approvalCheck?.required, true);
    // Without approvals, a root that requires none says so; one that requires them refuses.
    assert.deepEqual(run({ bundleRoot: bareText }, ex.envelope).approvalCheck, { approvals: [], required: false });
    assertFails(() => run({ bundleRoot: requiredText }, ex.envelope), 'APPROVAL_MISSING');
  });

  it('the pinned root decides, not the bundle\'s', () => {
    assertFails(() => run({ pinnedRoot: bareText, bundleRoot: requiredText }), 'APPROVER_UNTRUSTED', bob.keyid);
    assert.equal(run({ pinnedRoot: requiredText, bundleRoot: bareText }).approvalCheck?.approvals.length, 2);
    assertFails(() => run({ pinnedRoot: requiredText, bundleRoot: bareText }, ex.envelope), 'APPROVAL_MISSING');
  });

  it('with keys alone there is no root to check approvals with: no approvalCheck', () => {
    const byCarol = signCertificate(statementWith([sign(carol, 'approver', 'bob@example.com', byBob.signedAt)]), issuer);
    const r = run({ keys: [trustedKey(issuer.publicKey)] }, byCarol);
    assert.equal(r.approvalCheck, undefined);
    assert.ok(!('approvalCheck' in r));
    assertFails(() => run({ bundleRoot: requiredText }, byCarol), 'APPROVER_UNTRUSTED');
  });

  it('object proofs carrying the certificate are checked alike', () => {
    const proofs = proofsFor(approvedCert, ex.lines);
    const proof = proofs['record-2.json']!;
    const verify = (text: string) => verifyTrusted(resolveTrust({ bundleRoot: text }), (keys) => verifyObjectProof(proof, keys));
    assert.equal(verify(requiredText).approvalCheck?.approvals[0]?.person, 'bob@example.com');
    assertFails(() => verify(rootJson([ALICE_KEY])), 'APPROVER_UNTRUSTED');
  });
});

describe('approvals: the person is a name of people, not any text (Stryker, part approval)', () => {
  it('refuses an approval whose person is not a person\'s name, naming the field', () => {
    for (const person of ['bob smith', '.bob', 'bob\n', 'b'.repeat(65)]) {
      const statement = statementWith([{ ...byBob, person }], (s) => (s.order.approvedBy = person));
      assert.ok(pathsOf(() => validateStatementV2(statement)).includes('$.approvals[0].person'), person);
    }
  });
});
