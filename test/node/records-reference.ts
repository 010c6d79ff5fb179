// The reference verdict on a records file, for the tests of the fast
// verifiers (the CLI's packages/verify/src/node/fast-verify.ts and the page's
// src/verifier-page/records-check.ts): each line in order checked for
// length, "\n" and strict UTF-8, then the core's RecordsVerifier with its
// noble hashes. And the kinds of tampering both are tried on.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CertificateStatement,
  publicKeyFromPem,
  RECORD_MAX_LINE_BYTES,
  type RecordsSummary,
  RecordsVerifier,
  trustedKey,
  VerificationError,
  verifyCertificate,
} from '../../packages/verify/src/core/index.js';
import { VECTOR_DIR } from '../vectors/certificate/generate.js';
import { buildSet, plainRecord, type RecordInput, type RecordsSet } from './records-fixture.js';

export function referenceVerify(statement: CertificateStatement, bytes: Buffer): RecordsSummary {
  const v = new RecordsVerifier(statement);
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  for (let start = 0, n = 1; start < bytes.length; n++) {
    const nl = bytes.indexOf(10, start);
    const end = nl === -1 ? bytes.length : nl;
    if (end - start > RECORD_MAX_LINE_BYTES) throw new VerificationError('RECORD_TOO_LONG', `line ${n}`);
    if (nl === -1) throw new VerificationError('RECORD_INVALID', `line ${n} has no "\\n"`);
    let line: string;
    try {
      line = decoder.decode(bytes.subarray(start, end));
    } catch {
      throw new VerificationError('UTF8_INVALID', `line ${n} is not UTF-8`);
    }
    v.push(line);
    start = nl + 1;
  }
  return v.finish();
}

/** 'ok' and the value, or the code of the VerificationError thrown; anything else is rethrown. */
export async function outcome<T>(f: () => T | Promise<T>): Promise<{ code: string; value?: T }> {
  try {
    return { code: 'ok', value: await f() };
  } catch (e) {
    if (e instanceof VerificationError) return { code: e.code };
    throw e;
  }
}

/** A summary as plain data, for deepEqual and for JSON. */
export function plainSummary(s: RecordsSummary) {
  return { count: s.count, bytes: s.bytes, perTarget: [...s.perTarget].map(([k, t]) => [k, { count: t.count, bytes: t.bytes, methods: [...t.methods] }] as const) };
}

export type Mutation = (lines: Buffer[], text: Buffer, pick: number, byte: number) => Buffer;
const joinLines = (lines: Buffer[]) => Buffer.concat(lines.flatMap((l) => [l, Buffer.of(10)]));
export const MUTATIONS: Record<string, Mutation> = {
  none: (_l, t) => t,
  flipBit: (_l, t, p, b) => Buffer.from(t.map((x, i) => (i === p % t.length ? x ^ (1 << (b % 8)) : x))),
  setByte: (_l, t, p, b) => Buffer.from(t.map((x, i) => (i === p % t.length ? b : x))),
  insertByte: (_l, t, p, b) => Buffer.concat([t.subarray(0, p % (t.length + 1)), Buffer.of(b), t.subarray(p % (t.length + 1))]),
  deleteByte: (_l, t, p) => Buffer.concat([t.subarray(0, p % t.length), t.subarray((p % t.length) + 1)]),
  dropLine: (l, _t, p) => joinLines(l.filter((_, i) => i !== p % l.length)),
  duplicateLine: (l, _t, p) => joinLines(l.flatMap((x, i) => (i === p % l.length ? [x, x] : [x]))),
  swapLines: (l, _t, p) => joinLines(l.map((x, i) => (i === p % l.length ? l[(i + 1) % l.length]! : i === (p + 1) % l.length ? l[p % l.length]! : x))),
  crlf: (l) => joinLines(l.map((x) => Buffer.concat([x, Buffer.of(13)]))),
  noFinalNewline: (_l, t) => t.subarray(0, -1),
  bom: (_l, t) => Buffer.concat([Buffer.of(0xef, 0xbb, 0xbf), t]),
  blankLine: (l, _t, p) => joinLines([...l.slice(0, p % l.length), Buffer.alloc(0), ...l.slice(p % l.length)]),
  extraLine: (l, t) => Buffer.concat([t, l[0]!, Buffer.of(10)]),
  extraInvalidUtf8Line: (_l, t) => Buffer.concat([t, Buffer.of(0xff, 10)]),
  longLine: (l, _t, p) => joinLines(l.map((x, i) => (i === p % l.length ? Buffer.alloc(RECORD_MAX_LINE_BYTES + 1, 0x20) : x))),
};

/** Three records over two targets and two methods, for the statement changes below. */
export function statementChangeSet(): RecordsSet {
  return buildSet([plainRecord(1), plainRecord(2, 'exports'), { ...plainRecord(3), method: 'crypto-erase' }]);
}

/** Changes to a statement that its records no longer match, one check after the last record each. */
export const STATEMENT_CHANGES: Array<(s: CertificateStatement) => void> = [
  (x) => (x.merkle.treeSize = 2), (x) => (x.merkle.treeSize = 4), (x) => (x.merkle.rootHash = '0'.repeat(64)),
  (x) => (x.records.sha256 = '0'.repeat(64)), (x) => (x.records.bytes += 1), (x) => (x.targets[0]!.destroyed.count -= 1),
  (x) => (x.targets[0]!.destroyed.bytes += 1), (x) => (x.targets[0]!.methods = ['unlink']), (x) => x.targets[0]!.methods.push('shred'),
  (x) => (x.targets = x.targets.filter((t) => t.name !== 'exports')), (x) => (x.merkle.treeSize = 0),
];

/**
 * About 3 MiB of records: lines of every length up to the limit, so that some
 * straddle a reader's 1 MiB chunks, and a last line of exactly
 * RECORD_MAX_LINE_BYTES (its padding a run of "q").
 */
export function nearLimitSet(): RecordsSet {
  const inputs: RecordInput[] = [];
  for (let i = 0; inputs.length < 240; i++) {
    const pad = i % 2 === 0 ? 'p'.repeat((i * 7919) % 60_000) : '';
    inputs.push({ ...plainRecord(i), attributes: pad ? { pad } : {} });
  }
  const near = { ...plainRecord(999), attributes: { pad: '' } };
  const bare = Buffer.byteLength(JSON.stringify({ ...near, index: 240 }));
  inputs.push({ ...near, attributes: { pad: 'q'.repeat(RECORD_MAX_LINE_BYTES - bare) } });
  return buildSet(inputs);
}

/** A certificate vector whose certificate verifies, so that its records have a verdict to compare. */
export interface RecordsVector {
  name: string;
  statement: CertificateStatement;
  records: Buffer;
  /** The code test/vectors expects of the records: 'ok' for the valid vector, '' when the vector is about something else. */
  expected: string;
}

/**
 * The certificate vectors (test/vectors/certificate) with a records verdict:
 * the valid one and every invalid one whose certificate still verifies (a
 * certificate-level vector has no records verdict). `all` is every vector's
 * name, for the caller's count of which were kept.
 */
export function recordsVectors(): { vectors: RecordsVector[]; all: string[] } {
  const all = ['valid', ...readdirSync(join(VECTOR_DIR, 'invalid')).map((n) => `invalid/${n}`)];
  const vectors: RecordsVector[] = [];
  for (const name of all) {
    const read = (f: string) => readFileSync(join(VECTOR_DIR, name, f));
    const key = trustedKey(publicKeyFromPem(read('public-key.pem').toString()));
    let statement: CertificateStatement;
    try {
      statement = verifyCertificate(read('certificate.json'), [key]).statement as CertificateStatement;
    } catch {
      continue;
    }
    const expected = name === 'valid' ? 'ok' : name.startsWith('invalid/records-') ? (JSON.parse(read('expected.json').toString()) as { code: string }).code : '';
    vectors.push({ name, statement, records: read('records.ndjson'), expected });
  }
  return { vectors, all };
}
