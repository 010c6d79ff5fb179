// The issuer's certificate keys over time, and the trust root built from them
// (docs/FORMAT.md section 5.7). The ledger keeps every key the issuer has
// signed with (src/app/ports/signing-keys.ts); a key's window ends when a
// newer key takes over (rotation) and its signatures mean nothing from the
// instant it is revoked. Every change is in the audit log.
import { buildTrustRoot, publicKeyFromPem, publicKeyToPem, trustRootText } from '@shredproof/verify';
import type { EngineDeps } from './deps.js';
import { appendToLog, revocationRef, trustLog } from './transparency-log.js';
import { keyStatus, type SigningKeyRow } from './ports/signing-keys.js';

type KeyDeps = Pick<EngineDeps, 'ledger' | 'signer' | 'clock'> & Partial<Pick<EngineDeps, 'logKey'>>;

/** The configured key cannot sign: it was retired or revoked (shredproof key list says which and when). */
export class KeyNotUsableError extends Error {
  override readonly name = 'KeyNotUsableError';
}

/**
 * Records the configured signing key in the history the first time it is
 * used. A new key takes over: every other key still in its window is retired
 * now, so that one key signs at a time (this is also what finishes a
 * `shredproof key rotate` interrupted after its files were swapped). A key
 * already in use before the history existed is valid from its first
 * certificate. Throws KeyNotUsableError for a key retired or revoked.
 */
export function registerSigningKey(deps: KeyDeps, actor = 'coordinator'): SigningKeyRow {
  const now = deps.clock.now().toISOString();
  const { keys, access } = deps.ledger;
  const known = keys.signingKeys().find((k) => k.keyid === deps.signer.keyid);
  if (known) {
    assertUsable(known, now);
    return known;
  }
  return deps.ledger.atomically(() => {
    for (const k of keys.signingKeys()) {
      if (keyStatus(k, now) !== 'active' && keyStatus(k, now) !== 'not yet valid') continue;
      keys.retireSigningKey(k.keyid, now);
      access.appendAudit({ at: now, actor, action: 'key.retire', detail: `key ${k.keyid} retired: key ${deps.signer.keyid} now signs` });
    }
    const earliest = keys.earliestIssuedBy(deps.signer.keyid);
    const row = keys.recordSigningKey(deps.signer.keyid, publicKeyToPem(deps.signer.publicKey), earliest !== undefined && earliest < now ? earliest : now);
    access.appendAudit({ at: now, actor, action: 'key.add', detail: `key ${row.keyid} signs certificates from ${row.validFrom}` });
    appendToLog(deps.ledger, [{ event: { type: 'key', role: 'certificate', keyid: row.keyid, validFrom: row.validFrom } }], now);
    return row;
  });
}

function assertUsable(k: SigningKeyRow, at: string): void {
  const status = keyStatus(k, at);
  if (status === 'revoked') throw new KeyNotUsableError(`the signing key ${k.keyid} was revoked (compromised since ${k.revokedAt}: ${k.revocationReason}); rotate to a new key (shredproof key rotate) and restart`);
  if (status === 'retired') throw new KeyNotUsableError(`the signing key ${k.keyid} was retired at ${k.validUntil}; point SHREDPROOF_KEY at the active key (shredproof key list) and restart`);
}

/**
 * Refuses to sign at `at` with a key the history says may not: a key rotated
 * away while this server ran, or revoked. The certificate would not verify
 * against the trust root, so none is issued; the order waits in finalizing
 * until the server runs with the active key.
 */
export function assertMaySign(deps: KeyDeps, at: string): void {
  assertUsable(registerSigningKey(deps), at);
}

/** trust.json as served and written into bundles: its bytes are what a regulator pins by SHA-256. */
export function trustRootFile(deps: KeyDeps & Pick<EngineDeps, 'issuerName'>): string {
  // The history is read, not changed: a retired configured key still lets the trust root be served.
  if (!deps.ledger.keys.signingKeys().some((k) => k.keyid === deps.signer.keyid)) registerSigningKey(deps);
  // A revocation in the log dates itself: a certificate logged after it is invalid whatever it says (section 12.8).
  const keys = deps.ledger.keys.signingKeys().map((k) => {
    const logIndex = k.revokedAt !== null ? deps.ledger.tlog.entryIndex(revocationRef(k.keyid)) : undefined;
    return { ...keyWindow(k), ...(logIndex !== undefined ? { revocationLogIndex: logIndex } : {}) };
  });
  // People's keys that may sign approvals (section 5.9): a key registered for a role that signs nothing is left out.
  const approvalKeys = deps.ledger.people
    .personKeys()
    .filter((k) => k.signs.length > 0)
    .map((k) => ({ ...keyWindow(k), person: k.person, roles: k.signs }));
  const log = trustLog(deps.ledger.tlog, deps.logKey);
  return trustRootText(buildTrustRoot({ issuer: deps.issuerName, keys, approvalKeys, approvalsRequiredFrom: deps.ledger.people.approvalsRequiredFrom(), ...(log ? { log } : {}) }));
}

/** A key row's public key and window, as buildTrustRoot takes them. */
function keyWindow(k: Pick<SigningKeyRow, 'publicKeyPem' | 'validFrom' | 'validUntil' | 'revokedAt' | 'revocationReason'>) {
  return {
    publicKey: publicKeyFromPem(k.publicKeyPem),
    validFrom: k.validFrom,
    ...(k.validUntil !== null ? { validUntil: k.validUntil } : {}),
    ...(k.revokedAt !== null ? { revokedAt: k.revokedAt, revocationReason: k.revocationReason ?? '' } : {}),
  };
}
