// The certificate keys the issuer has signed with, and when each may sign:
// what the trust root (docs/FORMAT.md section 5.7) publishes. A key enters
// the history the first time the coordinator starts with it; rotation and
// revocation change the rows (docs/FORMAT.md section 5.7: validUntil,
// revokedAt), never remove one, so that every certificate ever issued keeps a
// key to verify it with.

export interface SigningKeyRow {
  keyid: string;
  /** PEM SubjectPublicKeyInfo. */
  publicKeyPem: string;
  validFrom: string;
  validUntil: string | null;
  revokedAt: string | null;
  revocationReason: string | null;
}

export interface SigningKeyStore {
  /** Every certificate key, oldest first. */
  signingKeys(): SigningKeyRow[];
  /**
   * Records `keyid` valid from `validFrom`, unless it is recorded already:
   * then the row is left as it is. Returns the row as stored.
   */
  recordSigningKey(keyid: string, publicKeyPem: string, validFrom: string): SigningKeyRow;
  /** When the earliest certificate signed by `keyid` was issued, if any (from its envelope's signatures). */
  earliestIssuedBy(keyid: string): string | undefined;
  /** Ends the key's window at `at` (validUntil), unless it has ended already. Returns the row, or undefined for an unknown key. */
  retireSigningKey(keyid: string, at: string): SigningKeyRow | undefined;
  /** Marks the key compromised since `since`: its signatures from then on mean nothing. Returns the row, or undefined for an unknown key. */
  revokeSigningKey(keyid: string, since: string, reason: string): SigningKeyRow | undefined;
}

/** What a key is now: the one that signs, one that signed and retired, or one whose signatures after revokedAt mean nothing. */
export function keyStatus(k: SigningKeyRow, now: string): 'active' | 'retired' | 'revoked' | 'not yet valid' {
  if (k.revokedAt !== null) return 'revoked';
  if (k.validUntil !== null && k.validUntil <= now) return 'retired';
  return k.validFrom > now ? 'not yet valid' : 'active';
}
