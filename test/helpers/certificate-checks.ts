// What a truthful certificate means, checked against the files themselves
// (hashed by the test before the run), not against shredproof's own ledger.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CertificateStatementV2,
  type ExceptionEntry,
  isStatementV2,
  type ListName,
  parseListEntryLine,
  parseRecordLine,
  publicKeyFromPem,
  type RescanEntry,
  type RetainedEntry,
  resolveTrust,
  trustedKey,
  verifyCertificate,
  verifyListFile,
  verifyOrderFile,
  verifyTrusted,
} from '../../packages/verify/src/core/index.js';
import { certificateFiles } from '../../src/app/finalize-order.js';
import { verifyRecordsFile } from '../../packages/verify/src/node/fast-verify.js';
import type { Dataset } from '../../src/demo/dataset.js';

export interface TruthOptions {
  /** Every in-scope object must be destroyed and certified (no exceptions). */
  complete: boolean;
}

/**
 * A version 2 certificate with its lists read from their files: what the
 * statement's v1 form held inline (retained[], exceptions[], rescan.items[]),
 * so that tests read one shape. Each list is checked against its head first.
 */
export type CertificateView = Omit<CertificateStatementV2, 'retained' | 'exceptions' | 'rescan'> & {
  retained: RetainedEntry[];
  exceptions: ExceptionEntry[];
  rescan: Omit<CertificateStatementV2['rescan'], 'items'> & { items: RescanEntry[] };
};

const entries = <T>(list: ListName, bytes: Buffer): T[] => {
  const text = bytes.toString('utf8');
  return (text === '' ? [] : text.slice(0, -1).split('\n')).map((l, i) => parseListEntryLine(list, l, i + 1) as T);
};

/**
 * Reads and verifies a certificate directory the way a regulator would, with
 * the core: the certificate against the directory's trust root (and its
 * public key, which must be the signing key), order.json, every list, and
 * the records file. Returns the statement with its lists read in.
 */
export async function readCertificateView(dir: string): Promise<CertificateView> {
  const read = (f: string) => readFileSync(join(dir, f));
  const trust = resolveTrust({ bundleRoot: read('trust.json') });
  const { statement, keyid } = verifyTrusted(trust, (keys) => verifyCertificate(read('certificate.json'), keys));
  assert.equal(trustedKey(publicKeyFromPem(read('public-key.pem').toString('utf8'))).keyid, keyid, 'public-key.pem is the signing key');
  assert.ok(isStatementV2(statement), 'shredproof issues version 2 certificates');
  verifyOrderFile(read('order.json'), statement);
  for (const list of ['retained', 'exceptions', 'rescan'] as const) verifyListFile(list, statement, read(`${list}.ndjson`));
  await verifyRecordsFile(statement, join(dir, 'records.ndjson'));
  return {
    ...statement,
    retained: entries('retained', read('retained.ndjson')),
    exceptions: entries('exceptions', read('exceptions.ndjson')),
    rescan: { ...statement.rescan, items: entries('rescan', read('rescan.ndjson')) },
  };
}

export async function assertTruthfulCertificate(dataDir: string, orderId: string, ds: Dataset, opts: TruthOptions): Promise<CertificateView> {
  const files = certificateFiles(dataDir, orderId);
  const statement = await readCertificateView(files.dir);
  const recorded = new Set<string>();
  const text = readFileSync(files.records, 'utf8');
  for (const line of text.length ? text.slice(0, -1).split('\n') : []) {
    const r = parseRecordLine(line);
    // Invariant 2: nothing certified that still exists; and the hash is the true content hash.
    assert.equal(existsSync(join(ds.root, r.locator)), false, `${r.locator} is certified destroyed but exists`);
    assert.equal(r.sha256, ds.inScope.get(r.locator), `${r.locator}: certified hash is not the file's`);
    // Invariant 3: exactly once.
    assert.ok(!recorded.has(r.locator), `${r.locator} certified twice`);
    recorded.add(r.locator);
  }
  // Invariant 1: held and out-of-scope files untouched.
  for (const [l, sha] of [...ds.held, ...ds.outOfScope]) {
    assert.ok(existsSync(join(ds.root, l)), `${l} must survive`);
    assert.equal(sha.length, 64);
  }
  // Invariant 5: every planned object is destroyed, retained or an exception.
  const exceptions = new Set(statement.exceptions.map((e) => e.locator));
  for (const l of ds.inScope.keys()) {
    assert.ok(recorded.has(l) || exceptions.has(l), `${l} is neither certified nor an exception`);
    if (!recorded.has(l) && existsSync(join(ds.root, l)) === false) {
      // destroyed but not certified: only acceptable as a named exception (e.g. OUTCOME_LOST after Redis lost state)
      assert.ok(exceptions.has(l));
    }
  }
  assert.equal(statement.completeness.retained, ds.held.size);
  if (opts.complete) {
    assert.equal(statement.completeness.exceptions, 0, JSON.stringify(statement.exceptions.slice(0, 5)));
    assert.equal(recorded.size, ds.inScope.size);
  }
  return statement;
}
