// Certificates: what the use cases ask the ledger to keep of each signed one.

export interface CertificateRow {
  certificateId: string;
  issuedAt: string;
  rootHash: string;
  treeSize: number;
  /** The signed envelope, as written to certificate.json. */
  envelope: string;
  recordsPath: string;
}

export interface CertificateStore {
  saveCertificate(id: string, c: CertificateRow): void;
  /** The certificate of an order, if it has one. */
  certificate(id: string): CertificateRow | undefined;
  /** Every certificate's envelope, oldest first (for the audit anchors). */
  certificateEnvelopes(): IterableIterator<{ certificateId: string; envelope: string }>;
}
