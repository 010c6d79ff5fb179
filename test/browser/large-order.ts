// A large, valid certificate with its records file, made fast for the page's
// 1,000,000-record test and benchmark: the record lines are written already
// canonical (members in sorted order, nothing to escape) and hashed with
// node:crypto, instead of going through StatementBuilder one record at a time.
// The core then verifies the result, so a slip here cannot pass unnoticed.
import { createHash, hash } from 'node:crypto';
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CertificateStatement,
  MerkleRootBuilder,
  publicKeyToPem,
  seedSigner,
  signCertificate,
} from '../../packages/verify/src/core/index.js';
import { nodeHasher } from '../../packages/verify/src/node/merkle-hasher.js';

export interface LargeOrder {
  certificate: string;
  records: string;
  publicKey: string;
  /** Bytes of records.ndjson. */
  fileBytes: number;
  /** The canonical line of record i (without "\n"), to make a proof or a tampered copy. */
  line(i: number): string;
}

const AT = '2026-11-26T10:00:00.000Z';

/** The content record i certifies as destroyed: its sha256 and size are true, so a test can "hold" the photo. */
export function photoContent(i: number): Buffer {
  return Buffer.from(`synthetic photo ${i}\n`);
}

function record(i: number): { line: string; size: number } {
  const content = photoContent(i);
  const salt = ((i * 2654435761) >>> 0).toString(16).padStart(8, '0').repeat(4);
  const user = String(i % 50_000).padStart(5, '0');
  const line = `{"destroyedAt":"${AT}","index":${i},"locator":"users/user-${user}/photo-${String(i).padStart(8, '0')}.jpg","method":"unlink","salt":"${salt}","sha256":"${hash('sha256', content)}","size":${content.length},"target":"photos"}`;
  return { line, size: content.length };
}

export function writeLargeOrder(dir: string, n: number): LargeOrder {
  const records = join(dir, 'records.ndjson');
  const tree = new MerkleRootBuilder(nodeHasher);
  const digest = createHash('sha256');
  let bytes = 0;
  let fileBytes = 0;
  const fd = openSync(records, 'w');
  try {
    for (let start = 0; start < n; start += 10_000) {
      const lines: string[] = [];
      for (let i = start; i < Math.min(n, start + 10_000); i++) {
        const r = record(i);
        tree.addLeaf(Buffer.from(r.line));
        bytes += r.size;
        lines.push(r.line, '\n');
      }
      const chunk = Buffer.from(lines.join(''));
      digest.update(chunk);
      writeSync(fd, chunk);
      fileBytes += chunk.length;
    }
  } finally {
    closeSync(fd);
  }
  const signer = seedSigner(new Uint8Array(32).fill(9));
  const statement: CertificateStatement = {
    type: 'shredproof.certificate',
    version: 1,
    certificateId: `cert-large-${n}`,
    issuedAt: AT,
    issuer: { name: 'large test order (TEST KEY)', keyid: signer.keyid },
    order: { id: `ord-large-${n}`, reference: `Large test order, ${n} photos`, sha256: '0'.repeat(64), createdBy: 'alice', approvedBy: 'bob', approvedAt: AT },
    merkle: { algorithm: 'rfc6962-sha256', treeSize: n, rootHash: Buffer.from(tree.root()).toString('hex') },
    records: { sha256: digest.digest('hex'), bytes },
    inventory: { algorithm: 'rfc6962-sha256', treeSize: n, rootHash: '1'.repeat(64), bytes, plannedAt: AT },
    execution: { startedAt: AT, finishedAt: AT },
    targets: [{ name: 'photos', kind: 'filesystem', methods: ['unlink'], planned: n, destroyed: { count: n, bytes }, retained: 0, exceptions: 0, persistence: ['unlink does not overwrite blocks'] }],
    completeness: { planned: n, destroyed: n, retained: 0, exceptions: 0 },
    rescan: { completedAt: AT, remaining: 0, items: [] },
    exceptions: [],
    retained: [],
    derived: [],
    status: 'complete',
  };
  const certificate = join(dir, 'certificate.json');
  const publicKey = join(dir, 'public-key.pem');
  writeFileSync(certificate, JSON.stringify(signCertificate(statement, signer)));
  writeFileSync(publicKey, publicKeyToPem(signer.publicKey));
  return { certificate, records, publicKey, fileBytes, line: (i) => record(i).line };
}
