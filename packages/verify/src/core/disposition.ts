// An approver's signed disposition of a derived artifact (docs/FORMAT.md
// section 5.10): "this artifact is retained, because ..." or "this artifact
// is held by a vendor, whose certificate is this one". Signed like an
// approval (section 5.9), with the approver's own key, over this order, this
// artifact and exactly this decision, so that neither the issuer nor anyone
// else can change what was decided after the approver signed it.
import { base64Encode, tryBase64Decode } from './bytes.js';
import { canonicalizeToBytes } from './canonical-json.js';
import type { DerivedArtifactEntry, Disposition, DispositionSignature, VendorEvidence } from './derived-artifacts.js';
import { pae } from './dsse.js';
import { type Signer, verifySignature } from './ed25519.js';
import { VerificationError } from './errors.js';
import { compareTimes } from './time.js';
import { publicKeyOf, type TrustRoot } from './trust-root.js';

export const DISPOSITION_PAYLOAD_TYPE = 'application/vnd.shredproof.disposition.v1+json';

/** What a disposition decides: the artifact, the disposition, and its reason or evidence. */
export interface DispositionDecision {
  orderId: string;
  orderSha256: string;
  artifact: string;
  disposition: Exclude<Disposition, 'destroyed' | 'not-in-plan'>;
  /** retained-with-justification. */
  justification?: string;
  /** held-by-vendor: the vendor certificate's and trust root's digests. */
  vendor?: Pick<VendorEvidence, 'certificateSha256' | 'trustSha256'>;
}

/** The signed payload: RFC 8785 bytes of section 5.10's object. */
export function dispositionPayload(d: DispositionDecision, who: { person: string; signedAt: string }): Uint8Array {
  return canonicalizeToBytes({
    type: 'shredproof.disposition',
    version: 1,
    order: { id: d.orderId, sha256: d.orderSha256 },
    artifact: d.artifact,
    disposition: d.disposition,
    ...(d.justification !== undefined ? { justification: d.justification } : {}),
    ...(d.vendor !== undefined ? { vendor: { certificateSha256: d.vendor.certificateSha256, trustSha256: d.vendor.trustSha256 } } : {}),
    person: who.person,
    signedAt: who.signedAt,
  });
}

export function signDisposition(signer: Signer, d: DispositionDecision, who: { person: string; signedAt: string }): DispositionSignature {
  const signature = signer.sign(pae(DISPOSITION_PAYLOAD_TYPE, dispositionPayload(d, who)));
  return { person: who.person, keyid: signer.keyid, signedAt: who.signedAt, signature: base64Encode(signature) };
}

export function dispositionSignatureHolds(s: DispositionSignature, d: DispositionDecision, publicKey: Uint8Array): boolean {
  const sig = tryBase64Decode(s.signature);
  return sig !== undefined && verifySignature(sig, pae(DISPOSITION_PAYLOAD_TYPE, dispositionPayload(d, s)), publicKey);
}

/** The decision a statement's entry states, for its order. */
export function decisionOf(order: { id: string; sha256: string }, e: DerivedArtifactEntry): DispositionDecision | undefined {
  if (e.disposition === 'destroyed' || e.disposition === 'not-in-plan') return undefined;
  const d: DispositionDecision = { orderId: order.id, orderSha256: order.sha256, artifact: e.name, disposition: e.disposition };
  if (e.justification !== undefined) d.justification = e.justification;
  if (e.vendor !== undefined) d.vendor = { certificateSha256: e.vendor.certificateSha256, trustSha256: e.vendor.trustSha256 };
  return d;
}

/**
 * Section 5.10's checks of each signed disposition against a trust root: the
 * key is one of its approval keys (APPROVER_UNTRUSTED), the person's, allowed
 * to approve, in force at signedAt, and the signature holds over this
 * order, artifact and decision (APPROVAL_INVALID).
 */
export function checkDispositions(root: TrustRoot, statement: { order: { id: string; sha256: string }; derivedArtifacts?: readonly DerivedArtifactEntry[] }): void {
  for (const [i, e] of (statement.derivedArtifacts ?? []).entries()) {
    const d = decisionOf(statement.order, e);
    if (!d || !e.signedBy) continue;
    const s = e.signedBy;
    const where = `derivedArtifacts[${i}] (${e.name}, ${e.disposition})`;
    const index = root.approvalKeys.findIndex((k) => k.keyid === s.keyid);
    const key = root.approvalKeys[index];
    if (!key) throw new VerificationError('APPROVER_UNTRUSTED', `${where}: key ${s.keyid} is not among the trust root's approval keys`);
    const invalid = (why: string) => new VerificationError('APPROVAL_INVALID', `${where}: ${why}`);
    const entry = `$.approvalKeys[${index}]`;
    if (key.person !== s.person) throw invalid(`key ${s.keyid} belongs to ${JSON.stringify(key.person)} (${entry}.person), not ${JSON.stringify(s.person)}`);
    if (!key.roles.includes('approver')) throw invalid(`${JSON.stringify(s.person)} may not decide a disposition: only an approver may (${entry}.roles)`);
    if (key.revokedAt !== undefined && compareTimes(s.signedAt, key.revokedAt) >= 0) throw invalid(`signed at ${s.signedAt}, but key ${s.keyid} was revoked at ${key.revokedAt}`);
    if (compareTimes(s.signedAt, key.validFrom) < 0 || (key.validUntil !== undefined && compareTimes(s.signedAt, key.validUntil) >= 0)) {
      throw invalid(`signed at ${s.signedAt}, outside key ${s.keyid}'s window (${entry})`);
    }
    if (!dispositionSignatureHolds(s, d, publicKeyOf(key))) throw invalid(`the signature does not hold over this order, this artifact and this ${e.disposition}`);
  }
}
