// Verifies a records file against a certificate statement: every line is a
// valid canonical record, indices run 0..n-1 in order, the RFC 6962 root over
// the lines equals merkle.rootHash, and the counts, bytes and file digest
// match. Streaming: push lines one at a time, memory stays O(log n).
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8Encode } from './bytes.js';
import { VerificationError } from './errors.js';
import { type MerkleHasher, MerkleRootBuilder, nobleHasher } from './merkle.js';
import { parseRecordLine } from './record.js';
import type { AnyCertificateStatement } from './statement-v2.js';

/** An incremental SHA-256 of the file bytes; node:crypto is faster on a server, noble runs anywhere. */
export interface FileDigest {
  update(bytes: Uint8Array): void;
  digestHex(): string;
}

export interface RecordsVerifierOptions {
  hasher?: MerkleHasher;
  fileDigest?: FileDigest;
}

function nobleFileDigest(): FileDigest {
  const h = sha256.create();
  return { update: (b) => void h.update(b), digestHex: () => bytesToHex(h.digest()) };
}

const NEWLINE = Uint8Array.of(0x0a);

export interface RecordsSummary {
  count: number;
  bytes: number;
  perTarget: Map<string, { count: number; bytes: number; methods: Set<string> }>;
}

export class RecordsVerifier {
  private readonly builder: MerkleRootBuilder;
  private readonly digest: FileDigest;
  private readonly summary: RecordsSummary = { count: 0, bytes: 0, perTarget: new Map() };
  private readonly targets: Set<string>;

  constructor(
    private readonly statement: AnyCertificateStatement,
    options: RecordsVerifierOptions = {},
  ) {
    this.builder = new MerkleRootBuilder(options.hasher ?? nobleHasher);
    this.digest = options.fileDigest ?? nobleFileDigest();
    this.targets = new Set(statement.targets.map((t) => t.name));
  }

  /** One line of records.ndjson, without its "\n". */
  push(line: string): void {
    const n = this.summary.count;
    if (n >= this.statement.merkle.treeSize) {
      throw new VerificationError('RECORD_COUNT_MISMATCH', `more than ${this.statement.merkle.treeSize} records`);
    }
    const record = parseRecordLine(line, n + 1);
    if (record.index !== n) {
      throw new VerificationError('RECORD_INDEX_WRONG', `line ${n + 1} has index ${record.index}, want ${n}`);
    }
    if (!this.targets.has(record.target)) {
      throw new VerificationError('RECORD_INVALID', `line ${n + 1} names target ${JSON.stringify(record.target)}, which the certificate does not list`);
    }
    const bytes = utf8Encode(line);
    this.builder.addLeaf(bytes);
    this.digest.update(bytes);
    this.digest.update(NEWLINE);
    this.summary.count = n + 1;
    this.summary.bytes += record.size;
    let t = this.summary.perTarget.get(record.target);
    if (!t) this.summary.perTarget.set(record.target, (t = { count: 0, bytes: 0, methods: new Set() }));
    t.count++;
    t.bytes += record.size;
    t.methods.add(record.method);
  }

  get count(): number {
    return this.summary.count;
  }

  /** Call after the last line. Throws unless everything matches the statement. */
  finish(): RecordsSummary {
    return checkRecordsSummary(this.statement, this.summary, () => bytesToHex(this.builder.root()), () => this.digest.digestHex());
  }
}

/**
 * The checks after the last record, in their order: count, Merkle root, file
 * digest, bytes, then per target the counts and the methods. Every records
 * verifier ends with this one function (this one; the fast paths of the CLI,
 * packages/verify/src/node/fast-verify.ts, and of the page, src/verifier-page/records-check.ts),
 * so that all give the same verdict, code and message. The root and the digest
 * (lowercase hex, as the statement holds them) are computed only when reached.
 */
export function checkRecordsSummary(s: AnyCertificateStatement, summary: RecordsSummary, rootHex: () => string, digestHex: () => string): RecordsSummary {
  if (summary.count !== s.merkle.treeSize) {
    throw new VerificationError('RECORD_COUNT_MISMATCH', `${summary.count} records, the certificate says ${s.merkle.treeSize}`);
  }
  if (rootHex() !== s.merkle.rootHash) {
    throw new VerificationError('MERKLE_ROOT_MISMATCH', 'the records do not hash to the certified Merkle root');
  }
  if (digestHex() !== s.records.sha256) {
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
    // The certified methods must be exactly those the records used: a certificate may not claim a method it did not apply.
    for (const m of got.methods) {
      if (!t.methods.includes(m)) throw new VerificationError('RECORD_INVALID', `target ${t.name}: method ${m} is not among the certified methods`);
    }
    for (const m of t.methods) {
      if (!got.methods.has(m)) throw new VerificationError('RECORD_INVALID', `target ${t.name}: the certificate names method ${m}, which no record used`);
    }
  }
  return summary;
}

/** Verifies a whole records file given as lines (without "\n"). */
export function verifyRecords(statement: AnyCertificateStatement, lines: Iterable<string>, options?: RecordsVerifierOptions): RecordsSummary {
  const v = new RecordsVerifier(statement, options);
  for (const line of lines) v.push(line);
  return v.finish();
}
