// The server-side records verifier: the same verdicts and codes as the core's
// RecordsVerifier (the reference, cross-checked by test/node/fast-verify.test.ts),
// several times as fast (bench/records.ts; figures: bench/RESULTS.md,
// 'Measurements behind the code'). The core's JSON.parse and
// re-serialization per line, and node:crypto's Buffer allocation per hash,
// were the cost: here a byte scanner accepts the usual record shape in place
// (anything else goes through the core's parseRecordLine), hashes are latin1
// strings (crypto.hash returns those without allocating a Buffer; 'binary' is
// Node's name for latin1), and the file digest sees whole chunks.
import { createHash, hash } from 'node:crypto';
import {
  type AnyCertificateStatement,
  checkRecordsSummary,
  type FileDigest,
  type RecordsSummary,
  RFC6962_LEAF_HASH_PREFIX,
  RFC6962_NODE_HASH_PREFIX,
  utf8Encode,
} from '../core/index.js';
import { FastRecordLines } from '../core/fast-record-lines.js';
import { forEachLine } from './line-reader.js';

export function nodeFileDigest(): FileDigest {
  const h = createHash('sha256');
  return { update: (b) => void h.update(b), digestHex: () => h.digest('hex') };
}

/** What RecordsIndex keeps from the one verifying pass. Hashes are 32-character latin1 strings. */
export interface RecordsVisitor {
  /** Line `index` is bytes [offset, offset + length) of the file, "\n" excluded. */
  record(index: number, offset: number, length: number, leafHash: string, sha256Key: number, locatorKey: number): void;
  /** MTH of the aligned perfect subtree of 2^height leaves at that position, as the root is built. */
  node(height: number, position: number, hash: string): void;
}

/** Streams records.ndjson from disk and verifies it against the statement. */
export async function verifyRecordsFile(statement: AnyCertificateStatement, path: string, visitor?: RecordsVisitor): Promise<RecordsSummary> {
  const v = new FastRecordsVerifier(statement, visitor);
  await forEachLine(path, (b, s, e, n) => v.line(b, s, e, n), (chunk) => v.digest.update(chunk));
  return v.finish();
}

/** First 32 bits of a record's sha256, for sorted lookup arrays. */
export function sha256Key(hex: string): number {
  return Number.parseInt(hex.slice(0, 8), 16) >>> 0;
}

/** FNV-1a over a locator's UTF-8 bytes: a 32-bit bucket for sorted lookup arrays; every hit is confirmed by reading its line. */
export function locatorKey(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

class FastRecordsVerifier {
  readonly digest = createHash('sha256');
  readonly #statement: AnyCertificateStatement;
  readonly #visitor: RecordsVisitor | undefined;
  readonly #lines: FastRecordLines;
  readonly #leaf = Buffer.alloc(1 + 4096);
  readonly #node = Buffer.alloc(65);
  // The streaming MTH of MerkleRootBuilder: one perfect subtree root per 1-bit of the size.
  readonly #stack: string[] = [];
  #offset = 0;

  constructor(statement: AnyCertificateStatement, visitor?: RecordsVisitor) {
    this.#statement = statement;
    this.#visitor = visitor;
    this.#lines = new FastRecordLines(statement);
    this.#leaf[0] = RFC6962_LEAF_HASH_PREFIX;
    this.#node[0] = RFC6962_NODE_HASH_PREFIX;
  }

  /** bytes[s, e) is line number `lineNumber` (from 1), without its "\n". Checks in the core's order. */
  line(bytes: Buffer, s: number, e: number, lineNumber: number): void {
    const n = this.#lines.summary.count;
    const checked = this.#lines.check(bytes, s, e, lineNumber);
    let shaKey = 0;
    let locKey = 0;
    if (this.#visitor) {
      const { record } = checked;
      const r = this.#lines.scanned;
      shaKey = record ? sha256Key(record.sha256) : hexKey(bytes, r.sha256);
      locKey = record ? locatorKey(utf8Encode(record.locator)) : locatorKey(bytes, r.locator, r.locatorEnd);
    }
    const leafHash = this.#hashLeaf(bytes, s, e);
    this.#visitor?.record(n, this.#offset, e - s, leafHash, shaKey, locKey);
    this.#push(leafHash);
    this.#offset += e - s + 1;
    this.#lines.add(checked);
  }

  /** The core's checks after the last record (checkRecordsSummary), the same function. */
  finish(): RecordsSummary {
    return checkRecordsSummary(this.#statement, this.#lines.summary, () => Buffer.from(this.#root(), 'latin1').toString('hex'), () => this.digest.digest('hex'));
  }

  #hashLeaf(bytes: Buffer, s: number, e: number): string {
    if (e - s + 1 > this.#leaf.length) return createHash('sha256').update(this.#leaf.subarray(0, 1)).update(bytes.subarray(s, e)).digest('binary');
    bytes.copy(this.#leaf, 1, s, e);
    return hash('sha256', this.#leaf.subarray(0, 1 + e - s), 'binary');
  }

  #hashChildren(left: string, right: string): string {
    this.#node.write(left, 1, 'latin1');
    this.#node.write(right, 33, 'latin1');
    return hash('sha256', this.#node, 'binary');
  }

  #push(leafHash: string): void {
    let h = leafHash;
    let height = 0;
    for (let size = this.#lines.summary.count; size % 2 === 1; size = (size - 1) / 2) {
      h = this.#hashChildren(this.#stack.pop()!, h);
      height++;
      this.#visitor?.node(height, (this.#lines.summary.count + 1) / 2 ** height - 1, h);
    }
    this.#stack.push(h);
  }

  #root(): string {
    const stack = this.#stack;
    if (stack.length === 0) return hash('sha256', '', 'binary');
    let h = stack[stack.length - 1]!;
    for (let i = stack.length - 2; i >= 0; i--) h = this.#hashChildren(stack[i]!, h);
    return h;
  }
}

/** sha256Key of 8 lowercase hex digits at bytes[at] (checked by scanRecord). */
function hexKey(bytes: Uint8Array, at: number): number {
  let k = 0;
  for (let i = at; i < at + 8; i++) {
    const c = bytes[i]!;
    k = k * 16 + (c <= 0x39 ? c - 0x30 : c - 0x57);
  }
  return k;
}
