// Writes test/vectors/certificate/v2/valid/ (the version 2 bundle of
// scripts/example-certificate-v2.ts), valid-approved/ (the same bundle whose
// statement carries signed approvals, section 5.9), valid-derived/ (an order
// that reached derived artifacts, section 5.10: derived.ts), valid-logged/
// (valid-approved/ with the issuer's transparency log and its receipt,
// section 12: logged.ts) and invalid/<mutation>/ (each a full copy of one of
// the four with one thing changed), each with expected.json (README.md here
// describes it). Run:
//   node --import tsx test/vectors/certificate/v2/generate.ts
// test/core/certificate-vectors-v2.test.ts checks that the files on disk are
// what this script writes. Certificates are re-signed with the example key
// wherever a vector changes the statement, so that only the one change fails.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  type Approval,
  type ApprovalRole,
  type ApprovalSubject,
  approvalSubjectOf,
  base64Decode,
  base64Encode,
  bytesToHex,
  canonicalize,
  canonicalizeToBytes,
  CERTIFICATE_PAYLOAD_TYPE,
  concatBytes,
  type DsseEnvelope,
  hashLeaf,
  publicKeyToPem,
  rootFromLeafHashes,
  seedSigner,
  signApproval,
  signEnvelope,
  type Signer,
  utf8Encode,
  type ReceiptFacts,
  type VerificationCode,
} from '../../../../packages/verify/src/core/index.js';
import { buildObjectProof, buildObjectProofV2, type ProofList } from '../../../../packages/verify/src/core/object-proof.js';
import { CERTIFICATE_PAYLOAD_TYPE_V2 } from '../../../../packages/verify/src/core/statement-v2.js';
import { buildExample } from '../../../../scripts/example-certificate.js';
import {
  type BundleFiles,
  buildExampleV2,
  bundleFiles,
  EXAMPLE_ORDER,
  EXAMPLE_SEED,
  ndjson,
  proofsFor,
  trustRootFor,
  trustText,
} from '../../../../scripts/example-certificate-v2.js';
import { buildDerivedVectors } from './derived.js';
import { buildLoggedVectors } from './logged.js';

export type Pin = { keyid: string } | { trustSha256: string } | null;

/** One verdict of expected.json: the code a verifier gives with this pin (null: valid). */
export interface Expected {
  code: VerificationCode | null;
  pin: Pin;
  /** Valid verdicts only: whether the key was pinned (docs/FORMAT.md section 5.8). */
  pinned?: boolean;
  /** Valid verdicts of valid-approved/ only: the approvals verified under the bundle's trust.json (section 5.9), in the statement's order. */
  approvals?: Array<{ role: ApprovalRole; person: string; keyid: string }>;
  /** Valid verdicts of valid-approved/ only: whether that trust root required an approver's approval (approvalsRequiredFrom). */
  approvalsRequired?: boolean;
  /** Valid verdicts of valid-derived/ only: the signed dispositions verified under the bundle's trust.json (section 5.10), in the statement's order. */
  dispositions?: Array<{ artifact: string; disposition: string; person: string; keyid: string }>;
  /** Valid verdicts of valid-derived/ only: the vendor bundles verified and bound (section 5.10), in the statement's order. */
  vendors?: Array<{ artifact: string; dir: string; certificateId: string; keyid: string }>;
  /** Valid verdicts of valid-logged/ only: what the receipt proved under the bundle's trust.json (section 12.8), as the core's checkCertificateReceipt reports it. */
  receipt?: ReceiptFacts;
  /** The invalid vectors of sections 5.10 and 12 only: the bundle file a verifier names with the code. */
  file?: string;
  description: string;
}

export interface InvalidVectorV2 {
  name: string;
  files: BundleFiles;
  expected: Expected;
}

/**
 * Codes that the trust-root, pin and order-file checks decide (the approval codes through verifyTrusted,
 * against the trust root in force); every other code, the core's certificate, list and proof checks, but
 * the receipt vectors' (logged.ts: receipt-*, KEY_REVOKED by the log's index among them), which the receipt
 * check decides.
 */
export const TRUST_PIN_ORDER_CODES: readonly VerificationCode[] = [
  'ORDER_MISMATCH',
  'PIN_MISMATCH',
  'KEY_REVOKED',
  'KEY_OUTSIDE_VALIDITY',
  'TRUST_ROOT_INVALID',
  'APPROVER_UNTRUSTED',
  'APPROVAL_INVALID',
  'APPROVAL_MISSING',
];

export const V2_VECTOR_DIR = dirname(fileURLToPath(import.meta.url));

const OTHER_SEED = new Uint8Array(32).fill(2);
/** The published TEST seeds of valid-approved/'s people: bob@example.com approves (the pin vectors' "other key"), alice@example.com performs. */
export const APPROVER_SEED = new Uint8Array(32).fill(2);
export const PERFORMER_SEED = new Uint8Array(32).fill(3);
/** A key no trust root lists. */
const STRANGER_SEED = new Uint8Array(32).fill(4);
/** Another approver's key, carol@example.com's. */
const CAROL_SEED = new Uint8Array(32).fill(5);
/** valid-approved/'s trust.json: approvals required for orders approved from then on (the example's order.approvedAt is 2026-11-20T09:30:00.000Z). */
const APPROVALS_REQUIRED_FROM = '2026-11-01T00:00:00Z';
const sha = (b: Uint8Array | string) => bytesToHex(sha256(typeof b === 'string' ? utf8Encode(b) : b));

/** `text` as UTF-8 with the first `marker` (ASCII) replaced by the byte 0xff, which UTF-8 never holds. */
function withInvalidByte(text: string, marker: string): Uint8Array {
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`marker ${marker} not found`);
  return concatBytes(utf8Encode(text.slice(0, at)), Uint8Array.of(0xff), utf8Encode(text.slice(at + marker.length)));
}

/** The head section 5.4 gives a list file of these lines. */
function headOf(lines: ReadonlyArray<string | Uint8Array>) {
  const bytes = lines.map((l) => (typeof l === 'string' ? utf8Encode(l) : l));
  return {
    algorithm: 'rfc6962-sha256',
    treeSize: bytes.length,
    rootHash: bytesToHex(rootFromLeafHashes(bytes.map(hashLeaf))),
    sha256: sha(concatBytes(...bytes.flatMap((l) => [l, Uint8Array.of(0x0a)]))),
  };
}

type Statement = Record<string, any>;

/** An approvalKeys entry of section 5.9, its members in the order trustRootText writes them. */
function approvalKeyOf(signer: Signer, person: string, roles: ApprovalRole[]): Statement {
  return { keyid: signer.keyid, publicKey: publicKeyToPem(signer.publicKey).split('\n')[1]!, validFrom: '2026-01-01T00:00:00Z', person, roles };
}

export interface ValidBundleV2 {
  files: BundleFiles;
  expected: Expected[];
}

export function buildVectorsV2(): { valid: ValidBundleV2; validApproved: ValidBundleV2; validDerived: ValidBundleV2; validLogged: ValidBundleV2; invalid: InvalidVectorV2[] } {
  const ex = buildExampleV2();
  const v1 = buildExample();
  const signer = seedSigner(EXAMPLE_SEED);
  const other = seedSigner(OTHER_SEED);
  const sign = (s: unknown, type = CERTIFICATE_PAYLOAD_TYPE_V2) => signEnvelope(type, canonicalizeToBytes(s), [signer]);
  const changed = (f: (s: Statement) => void): Statement => {
    const s = structuredClone(ex.statement) as Statement;
    f(s);
    return s;
  };

  /** The bundle with these parts changed: a statement is signed, proofs are made over the lines and carry the certificate. */
  interface Change {
    statement?: Statement;
    envelope?: DsseEnvelope;
    lines?: Partial<Record<ProofList, string[]>>;
    orderJson?: string;
    trust?: unknown;
    proofs?: Record<string, unknown>;
    files?: BundleFiles;
  }
  const bundle = (c: Change = {}): BundleFiles => {
    const envelope = c.envelope ?? (c.statement ? sign(c.statement) : ex.envelope);
    const lines = { ...ex.lines, ...c.lines };
    const proofs = { ...proofsFor(envelope, lines), ...c.proofs } as typeof ex.proofs;
    const trustJson = c.trust === undefined ? ex.trustJson : trustText(c.trust);
    return { ...bundleFiles({ ...ex, envelope, lines, proofs, orderJson: c.orderJson ?? ex.orderJson, trustJson }), ...c.files };
  };
  /** List lines changed, and the statement's head of that list made to match them (validly signed). */
  const recertified = (list: 'retained' | 'exceptions' | 'rescan', lines: string[]): Change => ({
    lines: { [list]: lines },
    statement: changed((s) => (list === 'rescan' ? (s.rescan.items = headOf(lines)) : (s[list] = headOf(lines)))),
  });
  const entry = (list: ProofList, i: number) => JSON.parse(ex.lines[list][i]!) as Statement;
  const trustWith = (k: Statement) => {
    const root = structuredClone(ex.trust) as Statement;
    Object.assign(root.certificateKeys[0], k);
    return root;
  };
  const proof = (name: string) => structuredClone(ex.proofs[name]!) as Statement;
  const v = (name: string, code: VerificationCode, description: string, files: BundleFiles, pin: Pin = null): InvalidVectorV2 => ({
    name,
    files,
    expected: { code, pin, description },
  });
  const rescanBad = withInvalidByte(ex.lines.rescan[0]!, 'user-3001');

  // valid-approved/: the example statement with an approver's and a performer's approval (section 5.9),
  // each signed with the person's own TEST key over the statement's order and plan.
  const approverKey = seedSigner(APPROVER_SEED);
  const performerKey = seedSigner(PERFORMER_SEED);
  const { createdBy, approvedBy } = ex.statement.order;
  const subject = approvalSubjectOf(ex.statement);
  const approval = (signer: Signer, role: ApprovalRole, person: string, over: ApprovalSubject = subject): Approval =>
    signApproval(signer, over, { role, person, signedAt: role === 'approver' ? '2026-11-20T09:25:00.000Z' : '2026-11-20T09:10:00.000Z' });
  const approvals = [approval(approverKey, 'approver', approvedBy), approval(performerKey, 'performer', createdBy)];
  const approvedStatement = changed((s) => (s.approvals = approvals));
  const approvedTrust = {
    ...ex.trust,
    approvalKeys: [approvalKeyOf(approverKey, approvedBy, ['approver']), approvalKeyOf(performerKey, createdBy, ['performer'])],
    approvalsRequiredFrom: APPROVALS_REQUIRED_FROM,
  };
  /** The approved bundle with these parts changed (the approved statement and trust root unless given). */
  const approved = (c: Change = {}): BundleFiles => bundle({ statement: approvedStatement, trust: approvedTrust, ...c });
  /** The approved statement with approvals[0], the approver's, replaced. */
  const approverReplaced = (a: Approval, f: (s: Statement) => void = () => {}): Statement =>
    changed((s) => {
      s.approvals = [a, approvals[1]];
      f(s);
    });
  /** The approved trust root with approvalKeys[0], the approver's key, replaced or changed. */
  const approverKeyChanged = (k: Statement): Statement => {
    const root = structuredClone(approvedTrust) as Statement;
    root.approvalKeys[0] = { ...root.approvalKeys[0], ...k };
    return root;
  };
  const otherOrder = canonicalize({ ...EXAMPLE_ORDER, reference: 'FTC Docket No. C-0001 (another order)' });
  const creatorSpelled = 'Alice@example.com';

  const invalid: InvalidVectorV2[] = [
    // The certificate and its statement (section 8, steps 1-4).
    v('payload-type-unknown', 'PAYLOAD_TYPE_WRONG', 'payloadType application/vnd.shredproof.certificate.v3+json', bundle({ envelope: { ...ex.envelope, payloadType: 'application/vnd.shredproof.certificate.v3+json' } })),
    v('payload-tampered', 'SIGNATURE_INVALID', 'status changed to "complete" in the signed payload, signature kept', bundle({
      envelope: { ...ex.envelope, payload: base64Encode(canonicalizeToBytes({ ...ex.statement, status: 'complete' })) },
    })),
    v('statement-v2-under-v1-payload-type', 'VERSION_UNSUPPORTED', 'the v2 statement, validly signed under the v1 payload type', bundle({ envelope: sign(ex.statement, CERTIFICATE_PAYLOAD_TYPE) })),
    v('statement-v1-under-v2-payload-type', 'VERSION_UNSUPPORTED', 'the v1 example statement, validly signed under the v2 payload type', bundle({ envelope: sign(v1.statement) })),
    v('statement-rescan-statuses-wrong', 'STATEMENT_INVALID', 'rescan.statuses.held 2: the statuses add up to 3, rescan.remaining is 2', bundle({ statement: changed((s) => (s.rescan.statuses.held = 2)) })),
    v('statement-within-deadline-wrong', 'STATEMENT_INVALID', 'execution.withinDeadline false, but finishedAt is before order.deadline', bundle({ statement: changed((s) => (s.execution.withinDeadline = false)) })),
    v('statement-within-deadline-missing', 'STATEMENT_INVALID', 'order.deadline present, execution.withinDeadline absent', bundle({ statement: changed((s) => delete s.execution.withinDeadline) })),
    v('statement-target-no-system', 'STATEMENT_INVALID', 'targets[0] without system', bundle({ statement: changed((s) => delete s.targets[0].system) })),
    v('statement-retained-tree-size-wrong', 'STATEMENT_INVALID', 'retained.treeSize 2, completeness.retained 1', bundle({ statement: changed((s) => (s.retained.treeSize = 2)) })),
    // records.ndjson, as in version 1.
    v('records-line-altered', 'MERKLE_ROOT_MISMATCH', 'the sha256 of record 1 changed (still canonical); the record proof is made over the changed file', bundle({
      lines: { records: ex.lines.records.map((l, i) => (i === 1 ? canonicalize({ ...entry('records', 1), sha256: 'f'.repeat(64) }) : l)) },
    })),
    // The lists (section 5.5).
    v('retained-root-mismatch', 'MERKLE_ROOT_MISMATCH', 'retained.rootHash of the statement is another hash, validly signed', bundle({ statement: changed((s) => (s.retained.rootHash = sha('another tree'))) })),
    v('exceptions-line-altered', 'MERKLE_ROOT_MISMATCH', 'the reason of exception 0 changed (still canonical)', bundle({
      lines: { exceptions: [canonicalize({ ...entry('exceptions', 0), reason: 'no reason given' })] },
    })),
    v('rescan-line-dropped', 'RECORD_COUNT_MISMATCH', 'the last line of rescan.ndjson removed', bundle({ lines: { rescan: ex.lines.rescan.slice(0, 1) } })),
    v('rescan-extra-line', 'RECORD_COUNT_MISMATCH', 'a third rescan entry appended', bundle({
      lines: { rescan: [...ex.lines.rescan, canonicalize({ ...entry('rescan', 1), index: 2, status: 'unplanned' })] },
    })),
    v('rescan-lines-swapped', 'RECORD_INDEX_WRONG', 'the two rescan lines swapped', bundle({ lines: { rescan: [ex.lines.rescan[1]!, ex.lines.rescan[0]!] } })),
    v('retained-extra-member', 'RECORD_INVALID', 'retained entry 0 with a member "note" (canonical), in a validly signed tree', bundle(recertified('retained', [canonicalize({ ...entry('retained', 0), note: 'not in section 5.5' })]))),
    v('retained-short-salt', 'RECORD_INVALID', 'retained entry 0 with an 8-byte salt, in a validly signed tree', bundle(recertified('retained', [canonicalize({ ...entry('retained', 0), salt: '00'.repeat(8) })]))),
    v('exceptions-not-canonical', 'RECORD_NOT_CANONICAL', 'a space after a colon in exception 0, in a validly signed tree', bundle(recertified('exceptions', [ex.lines.exceptions[0]!.replace('":', '": ')]))),
    v('exceptions-no-final-newline', 'RECORD_INVALID', 'exceptions.ndjson without its final "\\n"', bundle({ files: { 'exceptions.ndjson': ex.lines.exceptions[0]! } })),
    v('rescan-unknown-target', 'RECORD_INVALID', 'rescan entry 1 names a target the statement does not list, in a validly signed tree', bundle(recertified('rescan', [
      ex.lines.rescan[0]!,
      canonicalize({ ...entry('rescan', 1), target: 'elsewhere' }),
    ]))),
    v('rescan-not-utf8', 'UTF8_INVALID', 'byte 0xff in the locator of rescan entry 0, in a validly signed tree', bundle({
      statement: changed((s) => (s.rescan.items = headOf([rescanBad, ex.lines.rescan[1]!]))),
      files: { 'rescan.ndjson': concatBytes(rescanBad, utf8Encode('\n' + ndjson(ex.lines.rescan.slice(1)))) },
    })),
    v('rescan-digest-mismatch', 'RECORDS_DIGEST_MISMATCH', 'rescan.items.sha256 of the statement is another hash, validly signed', bundle({ statement: changed((s) => (s.rescan.items.sha256 = sha('another file'))) })),
    v('rescan-status-counts-wrong', 'RECORD_COUNT_MISMATCH', 'rescan.statuses says 2 held and 0 exception (the sum holds); the file has one of each', bundle({
      statement: changed((s) => Object.assign(s.rescan.statuses, { held: 2, exception: 0 })),
    })),
    v('retained-target-counts-wrong', 'RECORD_COUNT_MISMATCH', 'targets[].retained says training-exports 1, photos 0 (the sums hold); the entry names photos', bundle({
      statement: changed((s) => ((s.targets[0].retained = 0), (s.targets[1].retained = 1))),
    })),
    // Per-object proofs (sections 7 and 7.1).
    v('proof-v1-with-v2-certificate', 'PROOF_CERTIFICATE_MISMATCH', 'proofs/record-2.json is a version 1 proof of record 2 carrying the v2 certificate', bundle({
      proofs: { 'record-2.json': buildObjectProof(ex.lines.records[2]!, 2, 5, v1.tree.inclusionProof(2), ex.envelope) },
    })),
    v('proof-v2-with-v1-certificate', 'PROOF_CERTIFICATE_MISMATCH', 'proofs/record-2.json is a version 2 proof of record 2 carrying the v1 example certificate', bundle({
      proofs: { 'record-2.json': buildObjectProofV2('records', v1.lines[2]!, 2, 5, v1.tree.inclusionProof(2), v1.envelope) },
    })),
    v('proof-retained-entry-altered', 'MERKLE_ROOT_MISMATCH', 'proofs/retained-0.json with holdId hold-8 (canonical)', bundle({
      proofs: { 'retained-0.json': { ...proof('retained-0.json'), entry: canonicalize({ ...entry('retained', 0), holdId: 'hold-8' }) } },
    })),
    v('proof-unknown-member', 'MEMBER_UNKNOWN', 'proofs/exception-0.json with a member "note"', bundle({ proofs: { 'exception-0.json': { ...proof('exception-0.json'), note: 'unsigned' } } })),
    v('proof-tree-size-wrong', 'PROOF_CERTIFICATE_MISMATCH', 'proofs/exception-0.json says treeSize 5 (the records\'), the exceptions list has 1', bundle({
      proofs: { 'exception-0.json': { ...proof('exception-0.json'), treeSize: 5 } },
    })),
    v('proof-list-wrong', 'RECORD_INVALID', 'proofs/retained-0.json says list "exceptions" (whose tree also has 1 leaf)', bundle({ proofs: { 'retained-0.json': { ...proof('retained-0.json'), list: 'exceptions' } } })),
    // order.json (section 5.6), trust.json (5.7) and pins (5.8): decided by their own checks.
    v('order-swapped', 'ORDER_MISMATCH', 'order.json is another order (another reference)', bundle({ orderJson: canonicalize({ ...EXAMPLE_ORDER, reference: 'FTC Docket No. C-0001 (another order)' }) })),
    v('order-reformatted', 'ORDER_MISMATCH', 'order.json indented: the same order, other bytes', bundle({ orderJson: JSON.stringify(JSON.parse(ex.orderJson), null, 2) })),
    ((order: string) =>
      v('order-deadline-differs', 'ORDER_MISMATCH', 'order.json has deadline 2026-12-31T23:59:59Z, the statement (re-signed with that order\'s sha256) 2026-11-30T23:59:59Z', bundle({
        orderJson: order,
        statement: changed((s) => (s.order.sha256 = sha(order))),
      })))(canonicalize({ ...EXAMPLE_ORDER, deadline: '2026-12-31T23:59:59Z' })),
    v('pin-keyid-other-key', 'PIN_MISMATCH', 'pinned key id is another key\'s (seed 0x02 x 32)', bundle(), { keyid: other.keyid }),
    v('pin-trust-sha256-other', 'PIN_MISMATCH', 'pinned trust root SHA-256 is that of a trust root for another key', bundle(), { trustSha256: sha(trustText(trustRootFor(other.publicKey, other.keyid))) }),
    v('key-revoked', 'KEY_REVOKED', 'trust.json revokes the key at 2026-11-25T00:00:00Z; the certificate, re-signed, says issuedAt 2026-11-26T09:00:00.000Z', bundle({
      trust: trustWith({ revokedAt: '2026-11-25T00:00:00Z', revocationReason: 'key retired after a suspected compromise' }),
      statement: changed((s) => (s.issuedAt = '2026-11-26T09:00:00.000Z')),
    })),
    v('key-not-yet-valid', 'KEY_OUTSIDE_VALIDITY', 'trust.json: validFrom 2026-12-01T00:00:00Z, after issuedAt', bundle({ trust: trustWith({ validFrom: '2026-12-01T00:00:00Z' }) })),
    v('key-expired', 'KEY_OUTSIDE_VALIDITY', 'trust.json: validUntil 2026-11-01T00:00:00Z, before issuedAt', bundle({ trust: trustWith({ validUntil: '2026-11-01T00:00:00Z' }) })),
    v('trust-keyid-not-key-hash', 'TRUST_ROOT_INVALID', 'trust.json lists the key under another key\'s id', bundle({ trust: trustWith({ keyid: other.keyid }) })),
    v('trust-revoked-without-reason', 'TRUST_ROOT_INVALID', 'trust.json: revokedAt (after issuedAt) without revocationReason', bundle({ trust: trustWith({ revokedAt: '2027-01-01T00:00:00Z' }) })),
    // Approvals (section 5.9), each a change to valid-approved/. The statement's own rules are the core's
    // (STATEMENT_INVALID); the approval codes and the trust root's rules, verifyTrusted's, against trust.json.
    v('approval-key-untrusted', 'APPROVER_UNTRUSTED', `the approver's approval is signed with a key trust.json does not list (seed 0x04 x 32), re-signed certificate`, approved({
      statement: approverReplaced(approval(seedSigner(STRANGER_SEED), 'approver', approvedBy)),
    })),
    v('approval-other-plan', 'APPROVAL_INVALID', `the approver's approval is signed over another plan (inventory.rootHash ${sha('another plan')}), re-signed certificate`, approved({
      statement: approverReplaced(approval(approverKey, 'approver', approvedBy, { ...subject, inventory: { ...subject.inventory, rootHash: sha('another plan') } })),
    })),
    v('approval-other-order-document', 'APPROVAL_INVALID', `the approver's approval is signed over another order document (order.sha256 ${sha(otherOrder)}), re-signed certificate`, approved({
      statement: approverReplaced(approval(approverKey, 'approver', approvedBy, { ...subject, orderSha256: sha(otherOrder) })),
    })),
    v('approval-role-not-allowed', 'APPROVAL_INVALID', `trust.json lets the approver's key sign only as performer`, approved({ trust: approverKeyChanged({ roles: ['performer'] }) })),
    ((carol: Signer) =>
      v('approval-key-of-other-person', 'APPROVAL_INVALID', `trust.json also lists carol@example.com's approver key (seed 0x05 x 32); the approver's approval names ${approvedBy} and is signed with carol's key; re-signed certificate`, approved({
        statement: approverReplaced(approval(carol, 'approver', approvedBy)),
        trust: { ...approvedTrust, approvalKeys: [...approvedTrust.approvalKeys, approvalKeyOf(carol, 'carol@example.com', ['approver'])] },
      })))(seedSigner(CAROL_SEED)),
    v('approval-key-revoked', 'APPROVAL_INVALID', `trust.json revokes the approver's key at 2026-11-15T00:00:00Z, before order.approvedAt ${ex.statement.order.approvedAt}`, approved({
      trust: approverKeyChanged({ revokedAt: '2026-11-15T00:00:00Z', revocationReason: 'approver key reported lost' }),
    })),
    v('approval-key-expired', 'APPROVAL_INVALID', `trust.json: the approver's key is valid until 2026-11-01T00:00:00Z, before order.approvedAt ${ex.statement.order.approvedAt}`, approved({
      trust: approverKeyChanged({ validUntil: '2026-11-01T00:00:00Z' }),
    })),
    v('approval-missing', 'APPROVAL_MISSING', `valid/'s certificate (no approvals) with valid-approved/'s trust.json, which requires approvals from ${APPROVALS_REQUIRED_FROM}`, approved({ envelope: ex.envelope })),
    v('approval-by-creator', 'STATEMENT_INVALID', `order.approvedBy "${creatorSpelled}" is the creator ${createdBy} spelled otherwise, and the approver's approval is signed as "${creatorSpelled}" (trust.json lists the key under that name); re-signed certificate`, approved({
      statement: approverReplaced(approval(approverKey, 'approver', creatorSpelled), (s) => (s.order.approvedBy = creatorSpelled)),
      trust: approverKeyChanged({ person: creatorSpelled }),
    })),
    v('approval-signature-malformed', 'STATEMENT_INVALID', `the approver's approval has a 63-byte signature (its last byte dropped), re-signed certificate`, approved({
      statement: approverReplaced({ ...approvals[0]!, signature: base64Encode(base64Decode(approvals[0]!.signature).subarray(0, 63)) }),
    })),
    v('trust-approval-key-is-certificate-key', 'TRUST_ROOT_INVALID', `trust.json lists the certificate key as ${approvedBy}'s approval key, and the approver's approval is signed with it; re-signed certificate`, approved({
      statement: approverReplaced(approval(signer, 'approver', approvedBy)),
      trust: approverKeyChanged(approvalKeyOf(signer, approvedBy, ['approver'])),
    })),
  ];
  const files = bundle();
  const expected: Expected[] = [
    { code: null, pin: { keyid: ex.statement.issuer.keyid }, pinned: true, description: 'pinned by the signing key\'s id: valid, pinned' },
    { code: null, pin: { trustSha256: sha(files['trust.json'] as string) }, pinned: true, description: 'pinned by the SHA-256 of trust.json: valid, pinned' },
    { code: null, pin: null, pinned: false, description: 'no pin: valid, not pinned (the keys come from the bundle\'s own trust.json)' },
  ];
  const approvedFiles = approved();
  const verified = approvals.map(({ role, person, keyid }) => ({ role, person, keyid }));
  const approvedExpected: Expected[] = [
    { code: null, pin: { keyid: ex.statement.issuer.keyid }, pinned: true, approvals: verified, approvalsRequired: true, description: 'pinned by the signing key\'s id: valid, pinned, approved by bob and performed by alice' },
    { code: null, pin: { trustSha256: sha(approvedFiles['trust.json'] as string) }, pinned: true, approvals: verified, approvalsRequired: true, description: 'pinned by the SHA-256 of trust.json: valid, pinned, approved by bob and performed by alice' },
    { code: null, pin: null, pinned: false, approvals: verified, approvalsRequired: true, description: 'no pin: valid, not pinned, approved by bob and performed by alice (the keys come from the bundle\'s own trust.json)' },
  ];
  const derived = buildDerivedVectors(ex, approvedTrust);
  const validApproved = { files: approvedFiles, expected: approvedExpected };
  const logged = buildLoggedVectors(validApproved, approvedTrust);
  return { valid: { files, expected }, validApproved, validDerived: derived.valid, validLogged: logged.valid, invalid: [...invalid, ...derived.invalid, ...logged.invalid] };
}

function writeBundle(dir: string, files: BundleFiles, expected: unknown): void {
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), contents);
  }
  writeFileSync(join(dir, 'expected.json'), JSON.stringify(expected, null, 2) + '\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { valid, validApproved, validDerived, validLogged, invalid } = buildVectorsV2();
  for (const d of ['valid', 'valid-approved', 'valid-derived', 'valid-logged', 'invalid']) rmSync(join(V2_VECTOR_DIR, d), { recursive: true, force: true });
  writeBundle(join(V2_VECTOR_DIR, 'valid'), valid.files, valid.expected);
  writeBundle(join(V2_VECTOR_DIR, 'valid-approved'), validApproved.files, validApproved.expected);
  writeBundle(join(V2_VECTOR_DIR, 'valid-derived'), validDerived.files, validDerived.expected);
  writeBundle(join(V2_VECTOR_DIR, 'valid-logged'), validLogged.files, validLogged.expected);
  for (const iv of invalid) writeBundle(join(V2_VECTOR_DIR, 'invalid', iv.name), iv.files, iv.expected);
  console.log(`wrote valid/, valid-approved/, valid-derived/, valid-logged/ and ${invalid.length} invalid bundles`);
}
