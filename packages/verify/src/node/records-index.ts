// An index over a verified records.ndjson for serving per-object proofs
// (docs/FORMAT.md section 7) and lookups by locator or content hash, compact
// enough to keep several in memory: a few bytes per record for the tree and
// the line offsets, and a lookup pair per record for each key (figures:
// bench/RESULTS.md, 'Measurements behind the code').
//
// - Tree: the one verifying pass (verifyRecordsFile) reports every node it
//   builds; only heights >= 4 are kept (subtrees of 16 leaves and up, 2 bytes
//   per leaf). The 16 leaves under a proof's lowest nodes are re-read from the
//   file (one read of 16 lines) and re-hashed; the block must hash to the node
//   kept at load, so a file changed since then is detected, never served.
// - Lines: the file offset of every 16th line.
// - Lookups: sorted (32-bit key, leaf index) pairs for sha256 (its first 32
//   bits) and locator (FNV-1a of its bytes); every candidate is confirmed by
//   reading its line.
import { closeSync, openSync, readSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import {
  base64Decode,
  buildObjectProof,
  buildObjectProofV2,
  CERTIFICATE_PAYLOAD_TYPE_V2,
  type AnyCertificateStatement,
  type DsseEnvelope,
  hexToBytes,
  inclusionProof,
  MERKLE_HASH_SIZE,
  type NodeRange,
  type ObjectProof,
  type ObjectProofV2,
  parseJsonInput,
  parseRecordLine,
  rootFromLeafHashes,
  utf8Decode,
  utf8Encode,
  VerificationError,
  verifyInclusion,
} from '../core/index.js';
import { locatorKey, sha256Key, verifyRecordsFile } from './fast-verify.js';
import { KeyIndex } from './key-index.js';
import { nodeHasher } from './merkle-hasher.js';
import { decodeLine, newScannedRecord, type ScannedRecord, scanRecord } from '../core/record-scan.js';

export type RecordSelector = { locator: string; target?: string } | { sha256: string };

const BLOCK_HEIGHT = 4;
const BLOCK = 2 ** BLOCK_HEIGHT;
const H = MERKLE_HASH_SIZE;
const MIN_LINE_BYTES = 200;
interface Block {
  bytes: Buffer;
  /** Line k of the block is bytes[starts[k], starts[k + 1] - 1). */
  starts: number[];
  leafHashes: Uint8Array[];
}

export class RecordsIndex {
  readonly treeSize: number;
  readonly #path: string;
  readonly #root: Uint8Array;
  /** #levels[h] for h >= BLOCK_HEIGHT: the roots of the aligned perfect subtrees of 2^h leaves, 32 bytes each. */
  readonly #levels: Buffer[] = [];
  /** Leaf hashes of the last, partial block (it has no node at BLOCK_HEIGHT). */
  readonly #tail: Buffer;
  readonly #tailStart: number;
  /** File offset of line 16b, for every block b, then the file's length. */
  readonly #blockOffsets: Float64Array;
  readonly #bySha256: KeyIndex;
  readonly #byLocator: KeyIndex;

  private constructor(path: string, statement: AnyCertificateStatement) {
    const n = statement.merkle.treeSize;
    if (n >= 2 ** 32) throw new RangeError(`a records index holds fewer than 2^32 records, this file has ${n}`);
    this.treeSize = n;
    this.#path = path;
    this.#root = hexToBytes(statement.merkle.rootHash);
    for (let h = BLOCK_HEIGHT; 2 ** h <= n; h++) this.#levels[h] = Buffer.alloc(Math.floor(n / 2 ** h) * H);
    this.#tailStart = n - (n % BLOCK);
    this.#tail = Buffer.alloc((n % BLOCK) * H);
    this.#blockOffsets = new Float64Array(Math.ceil(n / BLOCK) + 1);
    this.#bySha256 = new KeyIndex(n);
    this.#byLocator = new KeyIndex(n);
  }

  /** Streams records.ndjson once, checks it against the (already verified) statement (same checks as verifyRecordsFile, root must match), and keeps a compact index. */
  static async load(recordsPath: string, statement: AnyCertificateStatement): Promise<RecordsIndex> {
    // Allocate for what the file can hold, not for what a statement claims: a valid line takes 216 bytes or more.
    if (statement.merkle.treeSize * MIN_LINE_BYTES > (await stat(recordsPath)).size) {
      await verifyRecordsFile(statement, recordsPath); // fails, with the verifier's own code
      throw new VerificationError('RECORD_COUNT_MISMATCH', `records.ndjson is too short for ${statement.merkle.treeSize} records`);
    }
    const ix = new RecordsIndex(recordsPath, statement);
    await verifyRecordsFile(statement, recordsPath, {
      record: (i, offset, length, leafHash, shaKey, locKey) => {
        if (i % BLOCK === 0) ix.#blockOffsets[i / BLOCK] = offset;
        if (i + 1 === ix.treeSize) ix.#blockOffsets[ix.#blockOffsets.length - 1] = offset + length + 1;
        if (i >= ix.#tailStart) ix.#tail.write(leafHash, (i - ix.#tailStart) * H, 'latin1');
        ix.#bySha256.set(i, shaKey);
        ix.#byLocator.set(i, locKey);
      },
      node: (height, position, hash) => void ix.#levels[height]?.write(hash, position * H, 'latin1'),
    });
    ix.#bySha256.pairs.sort();
    ix.#byLocator.pairs.sort();
    return ix;
  }

  /** Approximate bytes held, for an LRU cache. */
  get memoryBytes(): number {
    const levels = this.#levels.reduce((sum, l) => sum + l.length, 0);
    return levels + this.#tail.length + this.#blockOffsets.byteLength + this.#bySha256.pairs.byteLength + this.#byLocator.pairs.byteLength;
  }

  /**
   * Leaf indices whose record matches, ascending (a locator may appear once
   * per target; a sha256 may match several records). Throws TypeError for a
   * malformed selector: a sha256 that is not 64 hex digits, an empty locator.
   * With `limit`, stops after that many matches: each candidate costs a block
   * read and its hashes, synchronously, and 100,000 identical files would
   * otherwise be confirmed one by one in a single stall of the event loop.
   */
  async find(sel: RecordSelector, limit = Infinity): Promise<number[]> {
    let candidates: number[];
    let matches: (r: { locator: string; target: string; sha256: string }) => boolean;
    if ('sha256' in sel) {
      if (typeof sel.sha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(sel.sha256)) throw new TypeError('sha256 must be 64 hex digits');
      const want = sel.sha256.toLowerCase();
      candidates = this.#bySha256.lookup(sha256Key(want));
      matches = (r) => r.sha256 === want;
    } else {
      if (typeof sel.locator !== 'string' || sel.locator === '') throw new TypeError('locator must be a non-empty string');
      candidates = this.#byLocator.lookup(locatorKey(utf8Encode(sel.locator)));
      matches = (r) => r.locator === sel.locator && (sel.target === undefined || r.target === sel.target);
    }
    const found: number[] = [];
    if (candidates.length === 0) return found;
    this.#withFile((fd) => {
      let block: Block | undefined;
      let blockIndex = -1;
      for (const i of candidates) {
        if (Math.floor(i / BLOCK) !== blockIndex) {
          blockIndex = Math.floor(i / BLOCK);
          block = this.#readBlock(fd, blockIndex);
        }
        const k = i % BLOCK;
        if (matches(fields(block!.bytes, block!.starts[k]!, block!.starts[k + 1]! - 1, i + 1)) && found.push(i) >= limit) break;
      }
    });
    return found;
  }

  /** The exact record line (without "\n"), read from the file by offset. */
  async line(leafIndex: number): Promise<string> {
    this.#checkIndex(leafIndex);
    const block = this.#withFile((fd) => this.#readBlock(fd, Math.floor(leafIndex / BLOCK)));
    return lineOf(block, leafIndex % BLOCK, leafIndex);
  }

  /**
   * A complete proof (docs/FORMAT.md section 7) for that leaf, with the given
   * certificate envelope: of version 2 for a version 2 certificate (section
   * 7.1: a proof's version follows its certificate's), else version 1.
   */
  async proof(leafIndex: number, certificate: DsseEnvelope): Promise<ObjectProof | ObjectProofV2> {
    this.#checkIndex(leafIndex);
    this.#checkCertificate(certificate);
    const b = Math.floor(leafIndex / BLOCK);
    const block = this.#withFile((fd) => this.#readBlock(fd, b));
    const path = inclusionProof(leafIndex, this.treeSize, (r) => new Uint8Array(this.#rangeHash(r, b, block)));
    const leafHash = block.leafHashes[leafIndex % BLOCK]!;
    verifyInclusion(leafIndex, this.treeSize, leafHash, path, this.#root, nodeHasher); // never hand out a proof that does not verify
    const line = lineOf(block, leafIndex % BLOCK, leafIndex);
    if (certificate.payloadType === CERTIFICATE_PAYLOAD_TYPE_V2) return buildObjectProofV2('records', line, leafIndex, this.treeSize, path, certificate);
    return buildObjectProof(line, leafIndex, this.treeSize, path, certificate);
  }

  /** MTH(D[r.start:r.end]): kept at load for 16 leaves and up, else from the leaves of block b (read) or of the tail. */
  #rangeHash({ start, end }: NodeRange, b: number, block: Block): Uint8Array {
    const width = end - start;
    if (width === 1) {
      if (start >= this.#tailStart) return this.#tail.subarray((start - this.#tailStart) * H, (start - this.#tailStart + 1) * H);
      const leaf = block.leafHashes[start - b * BLOCK];
      if (!leaf) throw new Error(`internal: leaf ${start} is neither in block ${b} nor in the tail`);
      return leaf;
    }
    let k = 1; // the split point of RFC 6962 section 2.1
    let height = 1;
    for (; k * 2 < width; k *= 2) height++;
    if (k * 2 === width && start % width === 0 && height >= BLOCK_HEIGHT) {
      return this.#levels[height]!.subarray((start / width) * H, (start / width + 1) * H);
    }
    return nodeHasher.hashChildren(this.#rangeHash({ start, end: start + k }, b, block), this.#rangeHash({ start: start + k, end }, b, block));
  }

  /**
   * Reads block b's lines, hashes them, and checks them against what was
   * verified at load. The read is synchronous on purpose: a block is one
   * pread of a few KiB from a file the page cache usually holds, while each
   * asynchronous open, read and close waited for a turn of an event loop
   * shared with the coordinator, whose ingest steps are long on a loaded
   * machine: a proof by sha256 took several such turns, and waited far longer
   * than its work took (figures: bench/RESULTS.md, 'Measurements behind the code').
   */
  #readBlock(fd: number, b: number): Block {
    const from = this.#blockOffsets[b]!;
    const length = this.#blockOffsets[b + 1]! - from;
    const bytes = Buffer.alloc(length);
    for (let got = 0; got < length; ) {
      const bytesRead = readSync(fd, bytes, got, length - got, from + got);
      if (bytesRead === 0) throw changed();
      got += bytesRead;
    }
    const count = Math.min(BLOCK, this.treeSize - b * BLOCK);
    const starts = [0];
    for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) starts.push(at + 1);
    if (starts.length !== count + 1 || starts[count] !== length) throw changed();
    const leafHashes = starts.slice(0, -1).map((s, k) => nodeHasher.hashLeaf(bytes.subarray(s, starts[k + 1]! - 1)));
    const tail = b * BLOCK >= this.#tailStart;
    const kept = tail ? this.#tail : this.#levels[BLOCK_HEIGHT]!.subarray(b * H, (b + 1) * H);
    const got = tail ? Buffer.concat(leafHashes) : rootFromLeafHashes(leafHashes, nodeHasher);
    if (!kept.equals(got)) throw changed();
    return { bytes, starts, leafHashes };
  }

  /** The records file, open for `f` only (see #readBlock for why synchronously). */
  #withFile<T>(f: (fd: number) => T): T {
    const fd = openSync(this.#path, 'r');
    try {
      return f(fd);
    } finally {
      closeSync(fd);
    }
  }

  #checkIndex(leafIndex: number): void {
    if (!Number.isSafeInteger(leafIndex) || leafIndex < 0 || leafIndex >= this.treeSize) {
      throw new RangeError(`leaf index ${leafIndex} out of range for tree size ${this.treeSize}`);
    }
  }

  /** The envelope must be the certificate of this tree: a proof with another would not verify. */
  #checkCertificate(certificate: DsseEnvelope): void {
    let merkle: { treeSize?: unknown; rootHash?: unknown } | undefined;
    try {
      merkle = (parseJsonInput(utf8Decode(base64Decode(certificate.payload)), 'the statement', 'STATEMENT_INVALID').value as { merkle?: typeof merkle }).merkle;
    } catch {
      merkle = undefined;
    }
    if (merkle?.treeSize !== this.treeSize || merkle.rootHash !== Buffer.from(this.#root).toString('hex')) {
      throw new VerificationError('PROOF_CERTIFICATE_MISMATCH', 'the certificate given is not the one this records file was indexed for');
    }
  }
}

function changed(): VerificationError {
  return new VerificationError('MERKLE_ROOT_MISMATCH', 'the records file changed since it was indexed');
}

function lineOf(block: Block, k: number, leafIndex: number): string {
  return decodeLine(block.bytes.subarray(block.starts[k]!, block.starts[k + 1]! - 1), leafIndex + 1);
}

const scanned = newScannedRecord();

/** A verified line's locator, target and sha256: read in place for the usual shape, else parsed by the core. */
function fields(bytes: Buffer, s: number, e: number, lineNumber: number): { locator: string; target: string; sha256: string } {
  if (scanRecord(bytes, s, e, scanned)) {
    return {
      locator: bytes.toString('latin1', scanned.locator, scanned.locatorEnd),
      target: bytes.toString('latin1', scanned.target, scanned.targetEnd),
      sha256: bytes.toString('latin1', scanned.sha256, scanned.sha256 + 64),
    };
  }
  return parseRecordLine(decodeLine(bytes.subarray(s, e), lineNumber), lineNumber);
}
