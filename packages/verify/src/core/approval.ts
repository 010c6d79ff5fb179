// Signed approvals (docs/FORMAT.md section 5.9). An approver signs, with a
// personal Ed25519 key that the server never holds, one exact thing: this
// order document (its SHA-256), this plan (the inventory tree's root and
// size), this order id, in this role. The certificate carries the signature,
// and the trust root lists whose keys may sign and in which roles, so that a
// verifier checks the two-person rule itself instead of trusting a name.
//
// What is signed is rebuilt from the certificate's own statement, never read
// from the approval: a signature over any other plan root or order hash
// cannot hold.
import { canonicalizeToBytes } from './canonical-json.js';
import { base64Encode, tryBase64Decode } from './bytes.js';
import { pae } from './dsse.js';
import { type Signer, verifySignature } from './ed25519.js';
import { VerificationError } from './errors.js';
import { PERSON_NAME_RE, samePerson } from './person.js';
import { compareTimes } from './time.js';
import { type ApprovalKey, publicKeyOf, type TrustRoot } from './trust-root.js';
import type { Checker } from './validate.js';

export const APPROVAL_PAYLOAD_TYPE = 'application/vnd.shredproof.approval.v1+json';
export const APPROVAL_TYPE = 'shredproof.approval';
export const APPROVAL_VERSION = 1;
/** approver: the second person, who approves the plan. performer: the order's creator, who may sign the plan too. */
export const APPROVAL_ROLES = ['approver', 'performer'] as const;
export type ApprovalRole = (typeof APPROVAL_ROLES)[number];

/** What an approval signs, besides who and when: the statement states each of these. */
export interface ApprovalSubject {
  orderId: string;
  /** SHA-256 of the RFC 8785 form of the order document. */
  orderSha256: string;
  /** The plan: the RFC 6962 tree over the inventory (section 4). */
  inventory: { treeSize: number; rootHash: string };
}

/** One approval as a certificate statement carries it (`approvals[]`). */
export interface Approval {
  role: ApprovalRole;
  person: string;
  /** The key id (section 5.2) of the person's key that signed. */
  keyid: string;
  /** When the person signed, by their own clock; the key window is checked at order.approvedAt. */
  signedAt: string;
  /** Base64 of the 64-byte Ed25519 signature over PAE(APPROVAL_PAYLOAD_TYPE, approvalPayload(...)). */
  signature: string;
}

/** The subject of the certificate's own statement: what every approval in it must have signed. */
export function approvalSubjectOf(s: { order: { id: string; sha256: string }; inventory: { treeSize: number; rootHash: string } }): ApprovalSubject {
  return { orderId: s.order.id, orderSha256: s.order.sha256, inventory: { treeSize: s.inventory.treeSize, rootHash: s.inventory.rootHash } };
}

/** The signed payload: the RFC 8785 bytes of section 5.9's object. */
export function approvalPayload(subject: ApprovalSubject, who: { role: ApprovalRole; person: string; signedAt: string }): Uint8Array {
  return canonicalizeToBytes({
    type: APPROVAL_TYPE,
    version: APPROVAL_VERSION,
    role: who.role,
    person: who.person,
    order: { id: subject.orderId, sha256: subject.orderSha256 },
    inventory: { treeSize: subject.inventory.treeSize, rootHash: subject.inventory.rootHash },
    signedAt: who.signedAt,
  });
}

/** The approver's side: signs the subject with the person's own key. */
export function signApproval(signer: Signer, subject: ApprovalSubject, who: { role: ApprovalRole; person: string; signedAt: string }): Approval {
  const message = pae(APPROVAL_PAYLOAD_TYPE, approvalPayload(subject, who));
  return { role: who.role, person: who.person, keyid: signer.keyid, signedAt: who.signedAt, signature: base64Encode(signer.sign(message)) };
}

/** True exactly when `approval.signature` is the strict Ed25519 signature of `publicKey` over the subject and the approval's role, person and time. */
export function approvalSignatureHolds(approval: Approval, subject: ApprovalSubject, publicKey: Uint8Array): boolean {
  const signature = tryBase64Decode(approval.signature);
  if (!signature) return false;
  const message = pae(APPROVAL_PAYLOAD_TYPE, approvalPayload(subject, approval));
  return verifySignature(signature, message, publicKey);
}

/** Field problems of one `approvals[]` entry (section 5.9); the entry, typed, when it has none. */
export function checkApprovalShape(c: Checker, v: unknown, path: string): Approval | undefined {
  const before = c.problems.length;
  const o = c.object(v, path);
  if (!o) return undefined;
  c.literal(o.role, `${path}.role`, APPROVAL_ROLES);
  c.string(o.person, `${path}.person`, { pattern: PERSON_NAME_RE });
  c.hex(o.keyid, `${path}.keyid`, 32);
  c.time(o.signedAt, `${path}.signedAt`);
  const sig = typeof o.signature === 'string' ? tryBase64Decode(o.signature) : undefined;
  if (!sig || sig.length !== 64) c.add(`${path}.signature`, 'must be the base64 of a 64-byte Ed25519 signature');
  return c.problems.length === before ? (o as unknown as Approval) : undefined;
}

/**
 * The statement's own rules for its approvals (section 5.9), without any key:
 * one approver, who is order.approvedBy; at most one performer, who is
 * order.createdBy; never the same person in both roles.
 */
export function checkApprovalsAgainstOrder(c: Checker, approvals: readonly Approval[], order: { createdBy: string; approvedBy: string }): void {
  const approvers = approvals.filter((a) => a.role === 'approver');
  const performers = approvals.filter((a) => a.role === 'performer');
  if (approvers.length !== 1) c.add('$.approvals', `must hold exactly one approval with role "approver", not ${approvers.length}`);
  if (performers.length > 1) c.add('$.approvals', `must hold at most one approval with role "performer", not ${performers.length}`);
  approvals.forEach((a, i) => {
    const want = a.role === 'approver' ? order.approvedBy : order.createdBy;
    const field = a.role === 'approver' ? 'order.approvedBy' : 'order.createdBy';
    if (a.person !== want) c.add(`$.approvals[${i}].person`, `is ${JSON.stringify(a.person)}, but ${field} is ${JSON.stringify(want)}`);
    if (a.role === 'approver' && samePerson(a.person, order.createdBy)) {
      c.add(`$.approvals[${i}].person`, `${JSON.stringify(a.person)} created the order and cannot approve it`);
    }
  });
}

/** An approval whose signature, key and role a trust root vouched for. */
export interface VerifiedApproval extends Approval {
  /** The trust root's entry for the key. */
  key: ApprovalKey;
}

/** What a verifier concluded about a certificate's approvals, under a trust root. */
export interface ApprovalVerdict {
  approvals: VerifiedApproval[];
  /** Whether the trust root demanded a signed approval for this certificate (order approved at or after approvalsRequiredFrom). */
  required: boolean;
}

/**
 * Section 5.9's checks of a statement's approvals against a trust root:
 *  - each approval's key is one of the root's approvalKeys (APPROVER_UNTRUSTED),
 *    belongs to the person the approval names, allows the role, is in force at
 *    order.approvedAt, and its signature holds over this statement's order id,
 *    order hash and plan (APPROVAL_INVALID);
 *  - an order approved at or after the root's approvalsRequiredFrom carries a
 *    signed approval by an approver (APPROVAL_MISSING).
 * The statement must have been validated (its approvals' shape and their
 * agreement with order.createdBy and order.approvedBy are checked there).
 */
export function checkApprovals(root: TrustRoot, statement: ApprovedStatement): ApprovalVerdict {
  const approvals = statementApprovals(statement) ?? [];
  const subject = approvalSubjectOf(statement);
  const at = statement.order.approvedAt;
  const verified = approvals.map((a, i): VerifiedApproval => {
    const where = `approvals[${i}] (${a.role} ${a.person})`;
    const index = root.approvalKeys.findIndex((k) => k.keyid === a.keyid);
    const key = root.approvalKeys[index];
    if (!key) throw new VerificationError('APPROVER_UNTRUSTED', `${where}: key ${a.keyid} is not among the trust root's approval keys`);
    const entry = `$.approvalKeys[${index}]`;
    const invalid = (why: string) => new VerificationError('APPROVAL_INVALID', `${where}: ${why}`);
    if (key.person !== a.person) throw invalid(`key ${a.keyid} belongs to ${JSON.stringify(key.person)} (${entry}.person)`);
    if (!key.roles.includes(a.role)) throw invalid(`${JSON.stringify(a.person)} may sign only as ${key.roles.join(', ')} (${entry}.roles)`);
    if (key.revokedAt !== undefined && compareTimes(at, key.revokedAt) >= 0) {
      throw invalid(`approved at ${at}, but key ${a.keyid} was revoked at ${key.revokedAt} (${entry}.revokedAt): ${JSON.stringify(key.revocationReason ?? '')}`);
    }
    if (compareTimes(at, key.validFrom) < 0) throw invalid(`approved at ${at}, before key ${a.keyid} is valid from ${key.validFrom} (${entry}.validFrom)`);
    if (key.validUntil !== undefined && compareTimes(at, key.validUntil) >= 0) {
      throw invalid(`approved at ${at}, but key ${a.keyid} is valid only until ${key.validUntil} (${entry}.validUntil)`);
    }
    if (!approvalSignatureHolds(a, subject, publicKeyOf(key))) {
      throw invalid(
        `the signature does not hold over order ${subject.orderId}, order document ${subject.orderSha256} and plan ${subject.inventory.rootHash} (${subject.inventory.treeSize} objects)`,
      );
    }
    return { ...a, key };
  });
  const required = root.approvalsRequiredFrom !== undefined && compareTimes(at, root.approvalsRequiredFrom) >= 0;
  if (required && !verified.some((a) => a.role === 'approver')) {
    throw new VerificationError(
      'APPROVAL_MISSING',
      `order ${subject.orderId} was approved at ${at}, and the trust root requires an approval signed by an approver's own key from ${root.approvalsRequiredFrom} on (approvalsRequiredFrom); the certificate carries none`,
    );
  }
  return { approvals: verified, required };
}

/**
 * What checkApprovals reads of a validated statement (either version). Typed
 * here rather than imported, so that statement-v2.ts can use this module.
 */
export interface ApprovedStatement {
  version: number;
  order: { id: string; sha256: string; createdBy: string; approvedBy: string; approvedAt: string };
  inventory: { treeSize: number; rootHash: string };
  approvals?: readonly Approval[];
}

/** The statement's approvals: version 2 may carry them (validated with it); in version 1 the member means nothing. */
export function statementApprovals(statement: ApprovedStatement): readonly Approval[] | undefined {
  return statement.version === 2 ? statement.approvals : undefined;
}
