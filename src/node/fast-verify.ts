// The server-side fast path for verification: node:crypto behind the core's
// hasher and digest interfaces (identical results, cross-checked by tests).
import { createHash } from 'node:crypto';
import type { CertificateStatement, FileDigest, RecordsSummary } from '../core/index.js';
import { RecordsVerifier } from '../core/index.js';
import { nodeHasher } from './merkle-hasher.js';
import { readLines } from './line-reader.js';

export function nodeFileDigest(): FileDigest {
  const h = createHash('sha256');
  return { update: (b) => void h.update(b), digestHex: () => h.digest('hex') };
}

/** Streams records.ndjson from disk and verifies it against the statement. */
export async function verifyRecordsFile(statement: CertificateStatement, path: string): Promise<RecordsSummary> {
  const verifier = new RecordsVerifier(statement, { hasher: nodeHasher, fileDigest: nodeFileDigest() });
  for await (const line of readLines(path)) verifier.push(line);
  return verifier.finish();
}
