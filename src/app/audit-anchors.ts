// The audit heads that signed certificates carry, as anchors for checking the
// audit log (AccessStore.verifyChain). Only certificates whose signature
// verifies with this coordinator's key count: a row added to the ledger file by
// someone without the key anchors nothing.
import { parseCertificate, trustedKey, verifyCertificate } from '@shredproof/verify';
import { type AuditAnchor, checkpointAnchors } from './audit-checkpoints.js';
import type { EngineDeps } from './deps.js';

export type { AuditAnchor };

/** Certificates and signed checkpoints (audit-checkpoints.ts): every head the coordinator ever signed. */
export function auditAnchors(deps: Pick<EngineDeps, 'ledger' | 'signer' | 'dataDir'>): AuditAnchor[] {
  return [...certificateAnchors(deps), ...checkpointAnchors(deps)];
}

export function certificateAnchors(deps: Pick<EngineDeps, 'ledger' | 'signer'>): AuditAnchor[] {
  const key = trustedKey(deps.signer.publicKey);
  const out: AuditAnchor[] = [];
  for (const row of deps.ledger.certificateEnvelopes()) {
    try {
      const { statement } = verifyCertificate(parseCertificate(row.envelope), [key]);
      if (statement.audit) out.push({ ...statement.audit, source: row.certificateId });
    } catch {
      // Signed by an older key, or not ours: not an anchor.
    }
  }
  return out;
}
