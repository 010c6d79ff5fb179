// The issuer's trust root (docs/FORMAT.md section 5.7): every certificate key
// of the ledger's history with its validity. The current signing key enters
// the history here the first time it is asked for, valid from the earliest
// certificate it already signed (a key in use before the history existed),
// else from now; rotation and revocation (shredproof key) change the rows.
import { buildTrustRoot, publicKeyFromPem, publicKeyToPem, trustRootText } from '@shredproof/verify';
import type { EngineDeps } from './deps.js';

/** Records the signing key in the ledger's history if it is not there yet. */
export function registerSigningKey(deps: Pick<EngineDeps, 'ledger' | 'signer' | 'clock'>): void {
  const now = deps.clock.now().toISOString();
  const earliest = deps.ledger.keys.earliestIssuedBy(deps.signer.keyid);
  deps.ledger.keys.recordSigningKey(deps.signer.keyid, publicKeyToPem(deps.signer.publicKey), earliest !== undefined && earliest < now ? earliest : now);
}

/** trust.json as served and written into bundles: its bytes are what a regulator pins by SHA-256. */
export function trustRootFile(deps: Pick<EngineDeps, 'ledger' | 'signer' | 'clock' | 'issuerName'>): string {
  registerSigningKey(deps);
  const keys = deps.ledger.keys.signingKeys().map((k) => ({
    publicKey: publicKeyFromPem(k.publicKeyPem),
    validFrom: k.validFrom,
    ...(k.validUntil !== null ? { validUntil: k.validUntil } : {}),
    ...(k.revokedAt !== null ? { revokedAt: k.revokedAt, revocationReason: k.revocationReason ?? '' } : {}),
  }));
  return trustRootText(buildTrustRoot({ issuer: deps.issuerName, keys }));
}
