// One verification, in the worker, in the order and with the codes of
// `shredproof verify` (src/cli/commands/verify.ts, docs/FORMAT.md section 8):
// key, certificate (signature, then statement), records file, proof file.
// It stops at the first failure. What verified is kept for the photo check.
import {
  bytesToHex,
  canonicalize,
  type CertificateStatement,
  type DestructionRecord,
  parseCertificate,
  publicKeyFromPem,
  trustedKey,
  type TrustedKey,
  VerificationError,
  verifyCertificate,
  verifyObjectProof,
} from '@shredproof/verify';
import { forEachBlobLine } from './blob-lines.js';
import { LeafHashes } from './leaf-hashes.js';
import type { KeyInfo, ProgressFn, VerifyOutcome, VerifyRequest } from './protocol.js';
import { PageRecordsVerifier } from './records-check.js';

/** What the last successful verification established; the photo check searches it. */
export interface VerifiedSession {
  statement: CertificateStatement;
  records?: VerifiedRecords;
  proof?: { record: DestructionRecord; proofLength: number };
}

export interface VerifiedRecords {
  file: File;
  count: number;
  leaves: LeafHashes;
}

/** A file that cannot be read is not a verdict on the certificate (the CLI exits 2 for it). */
class Unreadable extends Error {}

/** The file's bytes: the core decodes them strictly (file.text() would replace invalid UTF-8 and drop a byte order mark). */
async function readBytes(file: File, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await file.arrayBuffer());
  } catch (e) {
    throw new Unreadable(`cannot read the ${what} ${file.name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function verifyRecordsBlob(statement: CertificateStatement, file: File, progress: ProgressFn): Promise<VerifiedRecords> {
  const leaves = new LeafHashes();
  // The CLI's fast path, not the core's RecordsVerifier: the same verdicts and codes, several times as fast (./records-check.ts).
  const verifier = new PageRecordsVerifier(statement, leaves);
  try {
    await forEachBlobLine(file, (bytes, start, end, lineNumber) => verifier.line(bytes, start, end, lineNumber), {
      onLines: (bytes, start, end) => verifier.fileBytes(bytes, start, end),
      progress: (bytes, lines) => progress('records', bytes, file.size, lines),
    });
  } catch (e) {
    if (e instanceof VerificationError) throw e;
    throw new Unreadable(`cannot read the records file ${file.name}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const summary = verifier.finish();
  return { file, count: summary.count, leaves };
}

export async function runVerify(req: VerifyRequest, progress: ProgressFn): Promise<{ outcome: VerifyOutcome; session?: VerifiedSession }> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let key: KeyInfo | undefined;
  let statement: CertificateStatement | undefined;
  try {
    if (!req.certificate && !req.proof) return { outcome: { verdict: 'error', message: 'Load a certificate (or a proof file, which carries one).' } };
    if (req.records && !req.certificate) return { outcome: { verdict: 'error', message: 'A records file is checked against a certificate: load the certificate too.' } };
    let trusted: TrustedKey;
    try {
      trusted = trustedKey(publicKeyFromPem(new TextDecoder().decode(await readBytes(req.publicKey, 'public key'))));
    } catch (e) {
      if (e instanceof VerificationError) throw new VerificationError(e.code, `the public key: ${e.message}`, { cause: e });
      throw e;
    }
    key = { keyid: trusted.keyid, publicKeyHex: bytesToHex(trusted.publicKey) };
    const checked: string[] = [];
    let certificateBytes: Uint8Array | undefined;
    let records: VerifiedRecords | undefined;
    if (req.certificate) {
      certificateBytes = await readBytes(req.certificate, 'certificate');
      ({ statement } = verifyCertificate(certificateBytes, [trusted]));
      checked.push('signature', 'statement');
      if (req.records) {
        records = await verifyRecordsBlob(statement, req.records, progress);
        checked.push('records');
      }
    }
    let proved: VerifiedSession['proof'];
    if (req.proof) {
      const verified = verifyObjectProof(await readBytes(req.proof, 'proof file'), [trusted]);
      if (certificateBytes !== undefined && canonicalize(parseCertificate(certificateBytes)) !== canonicalize(verified.proof.certificate)) {
        throw new VerificationError('PROOF_CERTIFICATE_MISMATCH', 'the proof carries a different certificate than the one loaded');
      }
      statement ??= verified.statement;
      proved = { record: verified.record, proofLength: verified.proof.auditPath.length };
      checked.push('proof');
    }
    if (!statement) throw new Error('unreachable: a certificate or a proof was verified');
    const session: VerifiedSession = { statement };
    const outcome: VerifyOutcome = { verdict: 'valid', key, statement, checked, elapsedMs: elapsed() };
    if (records) {
      session.records = records;
      outcome.records = records.count;
    }
    if (proved) {
      session.proof = proved;
      outcome.proofRecord = proved.record;
    }
    return { outcome, session };
  } catch (e) {
    if (e instanceof VerificationError) {
      const outcome: VerifyOutcome = { verdict: 'invalid', code: e.code, message: e.message, elapsedMs: elapsed() };
      if (key) outcome.key = key;
      if (statement) outcome.statement = statement;
      return { outcome };
    }
    if (e instanceof Unreadable) return { outcome: { verdict: 'error', message: e.message } };
    throw e;
  }
}
