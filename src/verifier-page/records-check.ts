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
  MERKLE_HASH_SIZE,
  parseRecordLine,
  type RecordsSummary,
  utf8Encode,
  VerificationError,
} from '../core/index.js';
import { type ScannedRecord, scanRecord } from '../core/record-scan.js';
import { decodeLine } from './blob-lines.js';
import type { LeafHashes } from './leaf-hashes.js';
import { MerkleScratch } from './page-hasher.js';
import { Sha256 } from './sha256.js';

interface TargetTally {
  name: string;
  nameBytes: Uint8Array;
  tally: { count: number; bytes: number; methods: Set<string> };
  /** The methods seen on the fast path, as bytes, so that a known one is found without making a string. */
  methodBytes: Uint8Array[];
}

/** Hashes on the stack: one perfect subtree root per 1-bit of the size, and a tree holds under 2^53 leaves. */
const MAX_STACK = 53;

export class PageRecordsVerifier {
  readonly #statement: CertificateStatement;
  readonly #leaves: LeafHashes | undefined;
  readonly #targets: TargetTally[];
  readonly #summary: RecordsSummary = { count: 0, bytes: 0, perTarget: new Map() };
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
    this.#targets = statement.targets.map((t) => ({ name: t.name, nameBytes: utf8Encode(t.name), tally: { count: 0, bytes: 0, methods: new Set<string>() }, methodBytes: [] }));
  }

  /** Every byte of the file, in order, in pieces of any size (the reader's whole reads: fewer calls than a line each). */
  fileBytes(bytes: Uint8Array, start: number, end: number): void {
    this.#digest.update(bytes.subarray(start, end));
  }

  /** bytes[s, e) is line number `lineNumber` (from 1), without its "\n". Checks in the core's order. */
  line(bytes: Uint8Array, s: number, e: number, lineNumber: number): void {
    const n = this.#summary.count;
    if (n >= this.#statement.merkle.treeSize) {
      decodeLine(bytes.subarray(s, e), lineNumber); // the reader's UTF-8 check comes first in the core path
      throw new VerificationError('RECORD_COUNT_MISMATCH', `more than ${this.#statement.merkle.treeSize} records`);
    }
    const r = this.#scanned;
    let t = scanRecord(bytes, s, e, r) ? this.#targetBytes(bytes, r.target, r.targetEnd) : undefined;
    let size: number;
    if (t) {
      if (r.index !== n) throw new VerificationError('RECORD_INDEX_WRONG', `line ${lineNumber} has index ${r.index}, want ${n}`);
      size = r.size;
      this.#addMethod(t, bytes, r.method, r.methodEnd);
    } else {
      // Not the usual shape (escapes, non-ASCII, unknown members) or not valid: the core decides.
      const record = parseRecordLine(decodeLine(bytes.subarray(s, e), lineNumber), lineNumber);
      if (record.index !== n) throw new VerificationError('RECORD_INDEX_WRONG', `line ${lineNumber} has index ${record.index}, want ${n}`);
      // By name, as the core compares them: a name is a string, and strings that differ may encode alike (lone surrogates).
      t = this.#targets.find((x) => x.name === record.target);
      if (!t) throw new VerificationError('RECORD_INVALID', `line ${lineNumber} names target ${JSON.stringify(record.target)}, which the certificate does not list`);
      size = record.size;
      t.tally.methods.add(record.method);
    }
    this.#hash.leaf(bytes, s, e, this.#leaf, 0);
    this.#leaves?.add(this.#leaf);
    this.#push();
    this.#summary.count = n + 1;
    this.#summary.bytes += size;
    if (t.tally.count++ === 0) this.#summary.perTarget.set(t.name, t.tally); // the core's order: first use
    t.tally.bytes += size;
  }

  get count(): number {
    return this.#summary.count;
  }

  /** The core's RecordsVerifier.finish, check for check and in the same order. */
  finish(): RecordsSummary {
    const s = this.#statement;
    const summary = this.#summary;
    if (summary.count !== s.merkle.treeSize) {
      throw new VerificationError('RECORD_COUNT_MISMATCH', `${summary.count} records, the certificate says ${s.merkle.treeSize}`);
    }
    if (this.#rootHex() !== s.merkle.rootHash) {
      throw new VerificationError('MERKLE_ROOT_MISMATCH', 'the records do not hash to the certified Merkle root');
    }
    if (bytesToHex(this.#digest.digest()) !== s.records.sha256) {
      throw new VerificationError('RECORDS_DIGEST_MISMATCH', 'records.ndjson differs from the certified file (bytes outside the records, such as line endings)');
    }
    if (summary.bytes !== s.records.bytes) {
      throw new VerificationError('RECORD_COUNT_MISMATCH', `records total ${summary.bytes} bytes, the certificate says ${s.records.bytes}`);
    }
    for (const t of s.targets) {
      const got = summary.perTarget.get(t.name) ?? { count: 0, bytes: 0, methods: new Set<string>() };
      if (got.count !== t.destroyed.count || got.bytes !== t.destroyed.bytes) {
        throw new VerificationError('RECORD_COUNT_MISMATCH', `target ${t.name}: ${got.count} records of ${got.bytes} bytes, the certificate says ${t.destroyed.count} of ${t.destroyed.bytes}`);
      }
      for (const m of got.methods) {
        if (!t.methods.includes(m)) throw new VerificationError('RECORD_INVALID', `target ${t.name}: method ${m} is not among the certified methods`);
      }
      for (const m of t.methods) {
        if (!got.methods.has(m)) throw new VerificationError('RECORD_INVALID', `target ${t.name}: the certificate names method ${m}, which no record used`);
      }
    }
    return summary;
  }

  #targetBytes(bytes: Uint8Array, s: number, e: number): TargetTally | undefined {
    for (const t of this.#targets) if (sameBytes(t.nameBytes, bytes, s, e)) return t;
    return undefined;
  }

  #addMethod(t: TargetTally, bytes: Uint8Array, s: number, e: number): void {
    for (const m of t.methodBytes) if (sameBytes(m, bytes, s, e)) return;
    const method = bytes.slice(s, e);
    t.methodBytes.push(method);
    t.tally.methods.add(String.fromCharCode(...method)); // scanRecord accepts only [a-z0-9-] methods
  }

  /** Adds #leaf: like a binary counter, one merge per trailing 1-bit of the old size (the core's MerkleRootBuilder). */
  #push(): void {
    const stack = this.#stack;
    const leaf = this.#leaf;
    for (let size = this.#summary.count; size % 2 === 1; size = (size - 1) / 2) {
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

function sameBytes(a: Uint8Array, b: Uint8Array, s: number, e: number): boolean {
  if (a.length !== e - s) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[s + i]) return false;
  return true;
}
