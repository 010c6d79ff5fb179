// The history of certificate keys (src/app/ports/signing-keys.ts) in the ledger.
import type { SigningKeyRow, SigningKeyStore } from '../../../app/ports/signing-keys.js';
import type { LedgerConnection } from './connection.js';

const COLUMNS = `keyid, public_key_pem AS publicKeyPem, valid_from AS validFrom, valid_until AS validUntil,
                 revoked_at AS revokedAt, revocation_reason AS revocationReason`;

export class SqliteSigningKeyStore implements SigningKeyStore {
  constructor(private readonly conn: LedgerConnection) {}

  signingKeys(): SigningKeyRow[] {
    return this.conn.sql(`SELECT ${COLUMNS} FROM signing_keys ORDER BY valid_from, keyid`).all() as SigningKeyRow[];
  }

  recordSigningKey(keyid: string, publicKeyPem: string, validFrom: string): SigningKeyRow {
    return this.conn.atomically(() => {
      this.conn.sql('INSERT INTO signing_keys (keyid, public_key_pem, valid_from) VALUES (?,?,?) ON CONFLICT (keyid) DO NOTHING').run(keyid, publicKeyPem, validFrom);
      return this.conn.sql(`SELECT ${COLUMNS} FROM signing_keys WHERE keyid = ?`).get(keyid) as SigningKeyRow;
    });
  }

  retireSigningKey(keyid: string, at: string): SigningKeyRow | undefined {
    return this.conn.atomically(() => {
      this.conn.sql('UPDATE signing_keys SET valid_until = ? WHERE keyid = ? AND valid_until IS NULL').run(at, keyid);
      return this.conn.sql(`SELECT ${COLUMNS} FROM signing_keys WHERE keyid = ?`).get(keyid) as SigningKeyRow | undefined;
    });
  }

  revokeSigningKey(keyid: string, since: string, reason: string): SigningKeyRow | undefined {
    return this.conn.atomically(() => {
      // A later revocation may move revokedAt earlier (more was found to be compromised), never later.
      this.conn
        .sql('UPDATE signing_keys SET revoked_at = ?, revocation_reason = ? WHERE keyid = ? AND (revoked_at IS NULL OR revoked_at > ?)')
        .run(since, reason, keyid, since);
      return this.conn.sql(`SELECT ${COLUMNS} FROM signing_keys WHERE keyid = ?`).get(keyid) as SigningKeyRow | undefined;
    });
  }

  earliestIssuedBy(keyid: string): string | undefined {
    // Certificates are few (one per order) and this runs once at start-up: reading every envelope is fine.
    const rows = this.conn.db.prepare('SELECT issued_at AS issuedAt, envelope FROM certificates ORDER BY issued_at').iterate() as IterableIterator<{ issuedAt: string; envelope: string }>;
    for (const row of rows) {
      let signatures: unknown;
      try {
        signatures = (JSON.parse(row.envelope) as { signatures?: unknown }).signatures;
      } catch {
        continue; // the ledger wrote it; a row that is not JSON names no key
      }
      if (Array.isArray(signatures) && signatures.some((s) => (s as { keyid?: unknown } | null)?.keyid === keyid)) {
        rows.return?.();
        return row.issuedAt;
      }
    }
    return undefined;
  }
}
