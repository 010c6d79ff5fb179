// Checking a certificate's receipt (docs/FORMAT.md section 12.8): that the
// certificate is an entry of the issuer's transparency log, at a checkpoint
// the log's key signed and, when the trust root asks for them, witnesses
// cosigned. Offline: the receipt carries the inclusion proof and the
// checkpoint; the trust root carries the log's origin and keys.
import { hashLeaf } from './merkle-hash.js';
import { verifyInclusion } from './merkle-proof.js';
import { parseCheckpointText } from './checkpoint.js';
import { type Cosignature, verifyCosignatures } from './cosignature.js';
import { bytesToHex } from './bytes.js';
import { isVerificationError, VerificationError } from './errors.js';
import { certificateLogEvent, logEntryBytes } from './log-entry.js';
import { NOTE_KEY_COSIGNATURE_V1, NOTE_KEY_ED25519, parseSignedNote, parseVerifierKey, verifyNote } from './signed-note.js';
import type { DsseEnvelope } from './dsse.js';
import type { AnyCertificateStatement } from './statement-v2.js';
import { compareTimes } from './time.js';
import { parseTlogProof } from './tlog-proof.js';
import type { TrustLog, TrustRoot } from './trust-root.js';

export const RECEIPT_FILE = 'receipt.tlog-proof';

export interface ReceiptFacts {
  /** The entry's index in the log, and the checkpoint that includes it. */
  index: number;
  treeSize: number;
  rootHash: string;
  origin: string;
  /** The log keys whose signature on the checkpoint verified (name+hint). */
  logKeys: string[];
  /** The witnesses whose cosignatures verified, with the time each signed (POSIX seconds). */
  cosignatures: Array<{ witness: string; time: number }>;
}

const hint8 = (n: number) => n.toString(16).padStart(8, '0');

/**
 * Verifies `receipt` (a tlog-proof) for the log entry `leafInput` against
 * the trust root's log: NOTE_MALFORMED for a receipt or checkpoint that is
 * not in its format, NOTE_UNVERIFIED when no log key of the trust root
 * signed the checkpoint or it is of another origin, NOTE_SIGNATURE_INVALID
 * for a failing signature, COSIGNATURE_MISSING below the witness quorum,
 * RECEIPT_MISMATCH when the proof does not lead to the checkpoint's root.
 */
export function verifyReceipt(log: TrustLog, receipt: Uint8Array | string, leafInput: Uint8Array): ReceiptFacts {
  const proof = parseTlogProof(receipt);
  const note = parseSignedNote(proof.checkpoint);
  // Read whole before any signature is checked (section 12.8, step 2), as the independent verifiers do.
  const checkpoint = parseCheckpointText(note.text);
  const verified = verifyNote(note, log.keys.map((k) => parseVerifierKey(k, NOTE_KEY_ED25519)));
  if (checkpoint.origin !== log.origin) {
    throw new VerificationError('NOTE_UNVERIFIED', `the receipt's checkpoint is of the log ${JSON.stringify(checkpoint.origin)}; the trust root's log is ${JSON.stringify(log.origin)}`);
  }
  const cosigned: Cosignature[] = verifyCosignatures(note, log.witnesses.map((w) => parseVerifierKey(w, NOTE_KEY_COSIGNATURE_V1)));
  if (cosigned.length < log.witnessQuorum) {
    throw new VerificationError(
      'COSIGNATURE_MISSING',
      `the receipt's checkpoint (size ${checkpoint.size}) is cosigned by ${cosigned.length} of the trust root's witnesses (${cosigned.map((c) => c.key.name).join(', ') || 'none'}); it requires ${log.witnessQuorum}`,
    );
  }
  if (proof.index >= checkpoint.size) throw new VerificationError('RECEIPT_MISMATCH', `index ${proof.index} is not in a tree of ${checkpoint.size} entries`);
  try {
    verifyInclusion(proof.index, checkpoint.size, hashLeaf(leafInput), proof.hashes, checkpoint.rootHash);
  } catch (e) {
    if (!isVerificationError(e)) throw e;
    throw new VerificationError('RECEIPT_MISMATCH', `the receipt does not prove this certificate is entry ${proof.index} of the log at size ${checkpoint.size}: ${e.message}`, { cause: e });
  }
  return {
    index: proof.index,
    treeSize: checkpoint.size,
    rootHash: bytesToHex(checkpoint.rootHash),
    origin: checkpoint.origin,
    logKeys: verified.map((k) => `${k.name}+${hint8(k.keyHint)}`),
    cosignatures: cosigned.map((c) => ({ witness: c.key.name, time: c.time })),
  };
}

/**
 * Section 12.8 for one certificate under its trust root: with no `log` in
 * the root, nothing to check (undefined). A missing receipt is
 * RECEIPT_MISSING when the root requires receipts from before issuedAt; a
 * receipt, present, must verify (verifyReceipt) for exactly this
 * certificate's entry. A signing key revoked in the log at an index below
 * the receipt's is KEY_REVOKED: the certificate was logged after it.
 */
export function checkCertificateReceipt(
  root: TrustRoot,
  envelope: Pick<DsseEnvelope, 'payload'>,
  statement: AnyCertificateStatement,
  receipt: Uint8Array | string | undefined,
): ReceiptFacts | undefined {
  const log = root.log;
  if (!log) return undefined;
  if (receipt === undefined) {
    if (log.receiptsRequiredFrom !== undefined && compareTimes(statement.issuedAt, log.receiptsRequiredFrom) >= 0) {
      throw new VerificationError('RECEIPT_MISSING', `issued at ${statement.issuedAt}; the trust root requires a receipt (${RECEIPT_FILE}) of its log for every certificate from ${log.receiptsRequiredFrom}`);
    }
    return undefined;
  }
  const facts = verifyReceipt(log, receipt, logEntryBytes(certificateLogEvent(envelope, statement)));
  const key = root.certificateKeys.find((k) => k.keyid === statement.issuer.keyid);
  if (key?.revocationLogIndex !== undefined && facts.index > key.revocationLogIndex) {
    throw new VerificationError(
      'KEY_REVOKED',
      `logged at index ${facts.index}, after key ${key.keyid} was revoked in the log at index ${key.revocationLogIndex} (${key.revokedAt}): ${JSON.stringify(key.revocationReason ?? '')}`,
    );
  }
  return facts;
}
