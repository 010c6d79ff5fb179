// The page's records verifier: the CLI's fast path (packages/verify/src/node/fast-verify.ts)
// for a browser, with the same verdicts and codes as the core's
// RecordsVerifier, the reference. Running the core per line (JSON.parse, the
// canonical check, string re-encoding) and noble's SHA-256 was the cost in
// Chromium: here the core's line checks for the fast paths
// (packages/verify/src/core/fast-record-lines.ts: the byte scanner for the usual record in
// place, the core's parseRecordLine for any other line) and the hashes of
// ./sha256.ts, written into preallocated memory. test/browser/records-check.test.ts holds it to the core's verdicts.
import { type AnyCertificateStatement, bytesToHex, checkRecordsSummary, FastRecordLines, MERKLE_HASH_SIZE, type RecordsSummary } from '@shredproof/verify';
import type { LeafHashes } from './leaf-hashes.js';
import { MerkleScratch } from './page-hasher.js';
import { Sha256 } from './sha256.js';

/** Hashes on the stack: one perfect subtree root per 1-bit of the size, and a tree holds under 2^53 leaves. */
const MAX_STACK = 53;

export class PageRecordsVerifier {
  readonly #statement: AnyCertificateStatement;
  readonly #leaves: LeafHashes | undefined;
  readonly #lines: FastRecordLines;
  readonly #digest = new Sha256();
  readonly #hash = new MerkleScratch();
  /** The leaf hash of the line being added. */
  readonly #leaf = new Uint8Array(MERKLE_HASH_SIZE);
  // The streaming MTH of the core's MerkleRootBuilder, flat: #depth hashes of 32 bytes, largest (leftmost) subtree first.
  readonly #stack = new Uint8Array(MAX_STACK * MERKLE_HASH_SIZE);
  #depth = 0;

  /** `leaves`, when given, receives every line's leaf hash in order (for the photo check's proofs). */
  constructor(statement: AnyCertificateStatement, leaves?: LeafHashes) {
    this.#statement = statement;
    this.#leaves = leaves;
    this.#lines = new FastRecordLines(statement);
  }

  /** Every byte of the file, in order, in pieces of any size (the reader's whole reads: fewer calls than a line each). */
  fileBytes(bytes: Uint8Array, start: number, end: number): void {
    this.#digest.update(bytes.subarray(start, end));
  }

  /** bytes[s, e) is line number `lineNumber` (from 1), without its "\n". Checks in the core's order. */
  line(bytes: Uint8Array, s: number, e: number, lineNumber: number): void {
    const checked = this.#lines.check(bytes, s, e, lineNumber);
    this.#hash.leaf(bytes, s, e, this.#leaf, 0);
    this.#leaves?.add(this.#leaf);
    this.#push();
    this.#lines.add(checked);
  }

  get count(): number {
    return this.#lines.summary.count;
  }

  /** The core's checks after the last record (checkRecordsSummary), the same function. */
  finish(): RecordsSummary {
    return checkRecordsSummary(this.#statement, this.#lines.summary, () => this.#rootHex(), () => bytesToHex(this.#digest.digest()));
  }

  /** Adds #leaf: like a binary counter, one merge per trailing 1-bit of the old size (the core's MerkleRootBuilder). */
  #push(): void {
    const stack = this.#stack;
    const leaf = this.#leaf;
    for (let size = this.#lines.summary.count; size % 2 === 1; size = (size - 1) / 2) {
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
