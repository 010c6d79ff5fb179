// The page's records verifier: the CLI's fast path (src/node/fast-verify.ts)
// for a browser, with the same verdicts and codes as the core's
// RecordsVerifier, the reference. Running the core per line (JSON.parse, the
// canonical check, string re-encoding) and noble's SHA-256 was the cost in
// Chromium: here the core's byte scanner (src/core/record-scan.ts) accepts
// the usual record in place, any other line goes through the core's
// parseRecordLine, and the hashes are ./sha256.ts, written into preallocated
// memory. test/browser/records-check.test.ts holds it to the core's verdicts.
import {
  bytesToHex,
  type CertificateStatement,
  checkRecordsSummary,
  MERKLE_HASH_SIZE,
  parseRecordLine,
  type RecordsSummary,
  VerificationError,
} from '../core/index.js';
import { type ScannedRecord, scanRecord } from '../core/record-scan.js';
import { RecordTallies } from '../core/record-tallies.js';
import { decodeLine } from './blob-lines.js';
import type { LeafHashes } from './leaf-hashes.js';
import { MerkleScratch } from './page-hasher.js';
import { Sha256 } from './sha256.js';

/** Hashes on the stack: one perfect subtree root per 1-bit of the size, and a tree holds under 2^53 leaves. */
const MAX_STACK = 53;

export class PageRecordsVerifier {
  readonly #statement: CertificateStatement;
  readonly #leaves: LeafHashes | undefined;
  readonly #tallies: RecordTallies;
  readonly #scanned: ScannedRecord = { index: 0, size: 0, locator: 0, locatorEnd: 0, target: 0, targetEnd: 0, method: 0, methodEnd: 0, sha256: 0 };
  readonly #digest = new Sha256();
  readonly #hash = new MerkleScratch();
  /** The leaf hash of the line being added. */
  readonly #leaf = new Uint8Array(MERKLE_HASH_SIZE);
  // The streaming MTH of the core's MerkleRootBuilder, flat: #depth hashes of 32 bytes, largest (leftmost) subtree first.
  readonly #stack = new Uint8Array(MAX_STACK * MERKLE_HASH_SIZE);
  #depth = 0;

  /** `leaves`, when given, receives every line's leaf hash in order (for the photo check's proofs). */
  constructor(statement: CertificateStatement, leaves?: LeafHashes) {
    this.#statement = statement;
    this.#leaves = leaves;
    this.#tallies = new RecordTallies(statement);
  }

  /** Every byte of the file, in order, in pieces of any size (the reader's whole reads: fewer calls than a line each). */
  fileBytes(bytes: Uint8Array, start: number, end: number): void {
    this.#digest.update(bytes.subarray(start, end));
  }

  /** bytes[s, e) is line number `lineNumber` (from 1), without its "\n". Checks in the core's order. */
  line(bytes: Uint8Array, s: number, e: number, lineNumber: number): void {
    const n = this.#tallies.summary.count;
    if (n >= this.#statement.merkle.treeSize) {
      decodeLine(bytes.subarray(s, e), lineNumber); // the reader's UTF-8 check comes first in the core path
      throw new VerificationError('RECORD_COUNT_MISMATCH', `more than ${this.#statement.merkle.treeSize} records`);
    }
    const r = this.#scanned;
    let t = scanRecord(bytes, s, e, r) ? this.#tallies.byBytes(bytes, r.target, r.targetEnd) : undefined;
    let size: number;
    if (t) {
      if (r.index !== n) throw new VerificationError('RECORD_INDEX_WRONG', `line ${lineNumber} has index ${r.index}, want ${n}`);
      size = r.size;
      this.#tallies.addMethodBytes(t, bytes, r.method, r.methodEnd);
    } else {
      // Not the usual shape (escapes, non-ASCII, unknown members) or not valid: the core decides.
      const record = parseRecordLine(decodeLine(bytes.subarray(s, e), lineNumber), lineNumber);
      if (record.index !== n) throw new VerificationError('RECORD_INDEX_WRONG', `line ${lineNumber} has index ${record.index}, want ${n}`);
      t = this.#tallies.byName(record.target);
      if (!t) throw new VerificationError('RECORD_INVALID', `line ${lineNumber} names target ${JSON.stringify(record.target)}, which the certificate does not list`);
      size = record.size;
      t.tally.methods.add(record.method);
    }
    this.#hash.leaf(bytes, s, e, this.#leaf, 0);
    this.#leaves?.add(this.#leaf);
    this.#push();
    this.#tallies.add(t, size);
  }

  get count(): number {
    return this.#tallies.summary.count;
  }

  /** The core's checks after the last record (checkRecordsSummary), the same function. */
  finish(): RecordsSummary {
    return checkRecordsSummary(this.#statement, this.#tallies.summary, () => this.#rootHex(), () => bytesToHex(this.#digest.digest()));
  }

  /** Adds #leaf: like a binary counter, one merge per trailing 1-bit of the old size (the core's MerkleRootBuilder). */
  #push(): void {
    const stack = this.#stack;
    const leaf = this.#leaf;
    for (let size = this.#tallies.summary.count; size % 2 === 1; size = (size - 1) / 2) {
      this.#depth--;
      this.#hash.node(stack, this.#depth * MERKLE_HASH_SIZE, leaf, 0, leaf, 0);
    }
    stack.set(leaf, this.#depth * MERKLE_HASH_SIZE);
    this.#depth++;
  }

  /** MTH = H(P1, H(P2, ... H(Pk-1, Pk))) over the stack; SHA-256("") for no leaves. */
  #rootHex(): string {
    const stack = this.#stack;
    if (this.#depth === 0) return bytesToHex(this.#hash.plain(new Uint8Array(0)));
    const root = stack.slice((this.#depth - 1) * MERKLE_HASH_SIZE, this.#depth * MERKLE_HASH_SIZE);
    for (let i = this.#depth - 2; i >= 0; i--) this.#hash.node(stack, i * MERKLE_HASH_SIZE, root, 0, root, 0);
    return bytesToHex(root);
  }
}
