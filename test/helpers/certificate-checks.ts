// What a truthful certificate means, checked against the files themselves
// (hashed by the test before the run), not against shredproof's own ledger.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CertificateStatement, parseRecordLine, publicKeyFromPem, trustedKey, verifyCertificate } from '../../packages/verify/src/core/index.js';
import { certificateFiles } from '../../src/app/finalize-order.js';
import { verifyRecordsFile } from '../../packages/verify/src/node/fast-verify.js';
import type { Dataset } from '../../src/demo/dataset.js';

export interface TruthOptions {
  /** Every in-scope object must be destroyed and certified (no exceptions). */
  complete: boolean;
}

export async function assertTruthfulCertificate(dataDir: string, orderId: string, ds: Dataset, opts: TruthOptions): Promise<CertificateStatement> {
  const files = certificateFiles(dataDir, orderId);
  const key = trustedKey(publicKeyFromPem(readFileSync(files.publicKey, 'utf8')));
  const { statement } = verifyCertificate(readFileSync(files.certificate, 'utf8'), [key]);
  await verifyRecordsFile(statement, files.records);
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
