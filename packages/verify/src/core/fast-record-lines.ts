// What the fast records verifiers (the CLI's, packages/verify/src/node/fast-verify.ts, and the
// page's, src/verifier-page/records-check.ts) check of each line before they
// hash it, in the core RecordsVerifier's order and with its codes: the usual
// record is read in place by the byte scanner (./record-scan.ts), any other
// line is parsed by the core. Also the summary the core keeps, with each
// target and method found by its bytes, without a string per line. Each
// verifier ends with the core's checkRecordsSummary over this summary.
import { utf8Encode } from './bytes.js';
import { VerificationError } from './errors.js';
import { type DestructionRecord, parseRecordLine } from './record.js';
import { decodeLine, newScannedRecord, scanRecord } from './record-scan.js';
import type { RecordsSummary } from './records-verifier.js';
import type { AnyCertificateStatement } from './statement-v2.js';

export interface TargetTally {
  name: string;
  nameBytes: Uint8Array;
  tally: { count: number; bytes: number; methods: Set<string> };
  /** The methods seen on the fast path, as bytes, so that a known one is found without making a string. */
  methodBytes: Uint8Array[];
}

/** The line just checked. Reused from line to line: valid until the next check. */
export interface CheckedLine {
  target: TargetTally;
  /** The record's content size. */
  size: number;
  /** The core's reading when the line was not the usual shape; undefined when the scanner read it (see `scanned`). */
  record: DestructionRecord | undefined;
}

export class FastRecordLines {
  readonly summary: RecordsSummary = { count: 0, bytes: 0, perTarget: new Map() };
  /** Where the scanner found the values of the last line it read. */
  readonly scanned = newScannedRecord();
  readonly #statement: AnyCertificateStatement;
  readonly #targets: TargetTally[];
  readonly #checked: CheckedLine = { target: undefined as unknown as TargetTally, size: 0, record: undefined };

  constructor(statement: AnyCertificateStatement) {
    this.#statement = statement;
    this.#targets = statement.targets.map((t) => ({ name: t.name, nameBytes: utf8Encode(t.name), tally: { count: 0, bytes: 0, methods: new Set<string>() }, methodBytes: [] }));
  }

  /**
   * Checks bytes[s, e), line number `lineNumber` (from 1, without its "\n"),
   * as the next record: not one too many, a valid canonical record, the next
   * index, a certified target. Tallies its method; the caller hashes it, then
   * calls add().
   */
  check(bytes: Uint8Array, s: number, e: number, lineNumber: number): CheckedLine {
    const n = this.summary.count;
    if (n >= this.#statement.merkle.treeSize) {
      decodeLine(bytes.subarray(s, e), lineNumber); // the reader's UTF-8 check comes first in the core path
      throw new VerificationError('RECORD_COUNT_MISMATCH', `more than ${this.#statement.merkle.treeSize} records`);
    }
    const r = this.scanned;
    const out = this.#checked;
    const t = scanRecord(bytes, s, e, r) ? this.#byBytes(bytes, r.target, r.targetEnd) : undefined;
    if (t) {
      if (r.index !== n) throw new VerificationError('RECORD_INDEX_WRONG', `line ${lineNumber} has index ${r.index}, want ${n}`);
      this.#addMethodBytes(t, bytes, r.method, r.methodEnd);
      out.target = t;
      out.size = r.size;
      out.record = undefined;
      return out;
    }
    // Not the usual shape (escapes, non-ASCII, unknown members) or not valid: the core decides.
    const record = parseRecordLine(decodeLine(bytes.subarray(s, e), lineNumber), lineNumber);
    if (record.index !== n) throw new VerificationError('RECORD_INDEX_WRONG', `line ${lineNumber} has index ${record.index}, want ${n}`);
    // By name, as the core compares them: a name is a string, and strings that differ may encode alike (lone surrogates).
    const named = this.#targets.find((x) => x.name === record.target);
    if (!named) throw new VerificationError('RECORD_INVALID', `line ${lineNumber} names target ${JSON.stringify(record.target)}, which the certificate does not list`);
    named.tally.methods.add(record.method);
    out.target = named;
    out.size = record.size;
    out.record = record;
    return out;
  }

  /** Counts the line just checked; targets enter the summary in order of first use, as in the core. */
  add(line: CheckedLine): void {
    const t = line.target;
    this.summary.count++;
    this.summary.bytes += line.size;
    if (t.tally.count++ === 0) this.summary.perTarget.set(t.name, t.tally);
    t.tally.bytes += line.size;
  }

  #byBytes(bytes: Uint8Array, s: number, e: number): TargetTally | undefined {
    for (const t of this.#targets) if (sameBytes(t.nameBytes, bytes, s, e)) return t;
    return undefined;
  }

  /** A method the scanner read: [a-z0-9-] bytes only. */
  #addMethodBytes(t: TargetTally, bytes: Uint8Array, s: number, e: number): void {
    for (const m of t.methodBytes) if (sameBytes(m, bytes, s, e)) return;
    // A copy, not .slice(): on Node's subclass of Uint8Array that is a view, and the reader reuses its bytes.
    const method = new Uint8Array(bytes.subarray(s, e));
    t.methodBytes.push(method);
    t.tally.methods.add(String.fromCharCode(...method));
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array, s: number, e: number): boolean {
  if (a.length !== e - s) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[s + i]) return false;
  return true;
}
