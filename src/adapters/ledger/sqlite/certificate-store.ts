// Certificates in the ledger: one per order, with its signed envelope.
import type { CertificateRow, CertificateStore } from '../../../app/ports/certificates.js';
import type { LedgerConnection } from './connection.js';

export class SqliteCertificateStore implements CertificateStore {
  constructor(private readonly conn: LedgerConnection) {}

  saveCertificate(id: string, c: CertificateRow): void {
    this.conn
      .sql('INSERT INTO certificates (order_num, certificate_id, issued_at, root_hash, tree_size, envelope, records_path) VALUES (?,?,?,?,?,?,?)')
      .run(this.conn.orderNum(id), c.certificateId, c.issuedAt, c.rootHash, c.treeSize, c.envelope, c.recordsPath);
  }

  /** Every certificate's envelope, oldest first (for the audit anchors). */
  *certificateEnvelopes(): IterableIterator<{ certificateId: string; envelope: string }> {
    // Its own statement, not a cached one: the iteration keeps it busy until it ends (./statements.ts).
    yield* this.conn.db.prepare('SELECT certificate_id AS certificateId, envelope FROM certificates ORDER BY issued_at').iterate() as IterableIterator<never>;
  }

  certificate(id: string): CertificateRow | undefined {
    return this.conn
      .sql(
        `SELECT certificate_id AS certificateId, issued_at AS issuedAt, root_hash AS rootHash, tree_size AS treeSize,
                envelope, records_path AS recordsPath FROM certificates c JOIN orders o ON o.num = c.order_num WHERE o.id = ?`,
      )
      .get(id) as CertificateRow | undefined;
  }
}
