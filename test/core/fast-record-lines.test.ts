// FastRecordLines (packages/verify/src/core/fast-record-lines.ts), the per-line checks of the
// CLI's and the page's fast records verifiers, against the core's
// RecordsVerifier on the same bytes. The byte scanner finds a record's target
// and method by comparing bytes with the names it knows: a name that is a
// prefix of another ("export" and "exports", "unlink" and "unlinkx") must
// never match the longer one (issue 21: without the length check in
// sameBytes, a target the certificate does not list was "ok" here and
// RECORD_INVALID in the core).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  bytesToHex,
  canonicalize,
  type CertificateStatement,
  checkRecordsSummary,
  hashLeaf,
  type MerkleHasher,
  nobleHasher,
  parseRecordLine,
  RECORD_MAX_LINE_BYTES,
  ValidationError,
  rootFromLeafHashes,
  utf8Encode,
  VerificationError,
  verifyRecords,
} from '../../packages/verify/src/core/index.js';
import { type CheckedLine, FastRecordLines } from '../../packages/verify/src/core/fast-record-lines.js';
import { buildSet, plainRecord, type RecordInput, type RecordsSet } from '../node/records-fixture.js';

/** A record with a method of its own: the format allows any [a-z0-9-] name, the fixture's type lists the usual ones. */
const withMethod = (r: RecordInput, method: string) => ({ ...r, method }) as unknown as RecordInput;

interface Verdict {
  code: string;
  /** Per target: count, bytes and methods, when valid. */
  perTarget?: Array<[string, number, number, string[]]>;
}

function verdict(f: () => { perTarget: Map<string, { count: number; bytes: number; methods: Set<string> }> }): Verdict {
  try {
    const s = f();
    return { code: 'ok', perTarget: [...s.perTarget].map(([k, t]) => [k, t.count, t.bytes, [...t.methods].sort()]) };
  } catch (e) {
    if (e instanceof VerificationError) return { code: e.code };
    throw e;
  }
}

/** The fast verifiers' loop, as packages/verify/src/node/fast-verify.ts runs it: check, hash, add; then the core's summary checks. */
function fastVerdict(statement: CertificateStatement, text: string, seen: CheckedLine[] = []): Verdict {
  return verdict(() => {
    const bytes = utf8Encode(text);
    const lines = new FastRecordLines(statement);
    const leaves: Uint8Array[] = [];
    for (let s = 0, n = 1; s < bytes.length; n++) {
      const e = bytes.indexOf(0x0a, s);
      const checked = lines.check(bytes, s, e, n);
      seen.push({ ...checked });
      leaves.push(hashLeaf(bytes.subarray(s, e)));
      lines.add(checked);
      s = e + 1;
    }
    return checkRecordsSummary(statement, lines.summary, () => bytesToHex(rootFromLeafHashes(leaves)), () => bytesToHex(sha256(bytes)));
  });
}

const coreVerdict = (set: { statement: CertificateStatement; lines: string[] }) => verdict(() => verifyRecords(set.statement, set.lines));

/** Both verdicts; they must agree, and every line must have been read by the byte scanner (the path under test). */
function both(set: Pick<RecordsSet, 'statement' | 'lines' | 'text'>): Verdict {
  const seen: CheckedLine[] = [];
  const fast = fastVerdict(set.statement, set.text, seen);
  const core = coreVerdict(set);
  assert.deepEqual(fast, core, `fast path ${JSON.stringify(fast)}, core ${JSON.stringify(core)}`);
  for (const line of seen) assert.equal(line.record, undefined, 'the line took the byte scanner, not the core parser');
  return core;
}

describe('FastRecordLines: names that are prefixes of each other', () => {
  it('a record naming target "exports" under a certificate that lists only "export" is RECORD_INVALID, as in the core', () => {
    const set = buildSet([plainRecord(0, 'exports'), plainRecord(1, 'exports')], ['exports']);
    const statement = structuredClone(set.statement);
    statement.targets[0]!.name = 'export'; // the certificate lists "export"; the records name "exports"
    const v = both({ ...set, statement });
    assert.equal(v.code, 'RECORD_INVALID');
  });

  it('a record naming "export" under a certificate that lists only "exports" is RECORD_INVALID, as in the core', () => {
    const set = buildSet([plainRecord(0, 'export')], ['export']);
    const statement = structuredClone(set.statement);
    statement.targets[0]!.name = 'exports';
    assert.equal(both({ ...set, statement }).code, 'RECORD_INVALID');
  });

  it('records naming "exports" count for "exports", not for "export" listed before it', () => {
    const set = buildSet([plainRecord(0, 'exports'), plainRecord(1, 'export'), plainRecord(2, 'exports')], ['export', 'exports']);
    const seen: CheckedLine[] = [];
    assert.equal(fastVerdict(set.statement, set.text, seen).code, 'ok');
    assert.deepEqual(seen.map((l) => l.target.name), ['exports', 'export', 'exports']);
    assert.deepEqual(both(set).perTarget, [
      ['exports', 2, 1000 + 1002, ['unlink']],
      ['export', 1, 1001, ['unlink']],
    ]);
  });

  it('a method that extends a method seen before ("unlink", then "unlinkx") is a method of its own', () => {
    const set = buildSet([plainRecord(0), withMethod(plainRecord(1), 'unlinkx'), plainRecord(2)], ['photos']);
    assert.deepEqual(set.statement.targets[0]!.methods, ['unlink', 'unlinkx']);
    assert.deepEqual(both(set), { code: 'ok', perTarget: [['photos', 3, 1000 + 1001 + 1002, ['unlink', 'unlinkx']]] });
  });

  it('a method that is a prefix of one seen before ("unlinkx", then "unlink") is a method of its own', () => {
    const set = buildSet([withMethod(plainRecord(0), 'unlinkx'), plainRecord(1)], ['photos']);
    assert.deepEqual(both(set), { code: 'ok', perTarget: [['photos', 2, 1000 + 1001, ['unlink', 'unlinkx']]] });
  });
});

/** The error `f` throws, which must be a VerificationError. */
function caught(f: () => unknown): VerificationError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof VerificationError, String(e));
    return e;
  }
  assert.fail('no error');
}

describe('FastRecordLines: the core path and the count (issue 21)', () => {
  const base = [plainRecord(0), plainRecord(1), plainRecord(2)];

  it('a line the scanner declines (non-ASCII) is read by the core: the target is found by name, and a wrong index is RECORD_INDEX_WRONG', () => {
    const set = buildSet([plainRecord(0), { ...plainRecord(1), locator: 'photos/été.jpg' }], ['photos']);
    const seen: CheckedLine[] = [];
    const fast = fastVerdict(set.statement, set.text, seen);
    assert.deepEqual(fast, coreVerdict(set));
    assert.deepEqual(fast, { code: 'ok', perTarget: [['photos', 2, 1000 + 1001, ['unlink']]] });
    assert.equal(seen[0]!.record, undefined);
    assert.equal(seen[1]!.record?.locator, 'photos/été.jpg');
    const lines = [set.lines[0]!, canonicalize({ ...JSON.parse(set.lines[1]!), index: 5 })];
    const bad = { ...set, lines, text: lines.map((l) => l + '\n').join('') };
    assert.equal(fastVerdict(bad.statement, bad.text).code, 'RECORD_INDEX_WRONG');
    assert.equal(coreVerdict(bad).code, 'RECORD_INDEX_WRONG');
  });

  it('names of the same length that differ are different targets and methods', () => {
    const set = buildSet(base, ['photos']);
    const statement = structuredClone(set.statement);
    statement.targets[0]!.name = 'photoz';
    assert.equal(both({ ...set, statement }).code, 'RECORD_INVALID');
    const two = buildSet([withMethod(plainRecord(0), 'aaaa'), withMethod(plainRecord(1), 'bbbb'), withMethod(plainRecord(2), 'aaaa')], ['photos']);
    assert.deepEqual(both(two), { code: 'ok', perTarget: [['photos', 3, 1000 + 1001 + 1002, ['aaaa', 'bbbb']]] });
  });

  it('keeps each method it saw once, as bytes', () => {
    const set = buildSet([...base, withMethod(plainRecord(3), 'unlinkx'), plainRecord(4)], ['photos']);
    const seen: CheckedLine[] = [];
    assert.equal(fastVerdict(set.statement, set.text, seen).code, 'ok');
    assert.deepEqual(seen[4]!.target.methodBytes.map((m) => Buffer.from(m).toString()), ['unlink', 'unlinkx']);
  });

  it('a line after the last certified record is RECORD_COUNT_MISMATCH before anything else is checked of it, as in the core', () => {
    const set = buildSet(base, ['photos']);
    for (const extra of [canonicalize({ ...JSON.parse(set.lines[0]!), index: 9 }), '{}', 'x', canonicalize({ ...JSON.parse(set.lines[0]!), index: 3 })]) {
      const lines = [...set.lines, extra];
      const more = { ...set, lines, text: lines.map((l) => l + '\n').join('') };
      const v = caught(() => verifyRecords(more.statement, more.lines));
      assert.equal(v.code, 'RECORD_COUNT_MISMATCH', extra);
      assert.match(v.message, /^more than 3 records/);
      assert.equal(fastVerdict(more.statement, more.text).code, 'RECORD_COUNT_MISMATCH', extra);
    }
  });
});

describe('RecordsVerifier (issue 21)', () => {
  it('uses the hasher it is given', () => {
    const set = buildSet([plainRecord(0), plainRecord(1)], ['photos']);
    let leaves = 0;
    const hasher: MerkleHasher = { ...nobleHasher, hashLeaf: (b) => (leaves++, nobleHasher.hashLeaf(b)) };
    verifyRecords(set.statement, set.lines, { hasher });
    assert.equal(leaves, 2);
  });

  it('names the line, from 1, in RECORD_INDEX_WRONG and RECORD_INVALID', () => {
    const set = buildSet([plainRecord(0), plainRecord(1)], ['photos']);
    const wrong = caught(() => verifyRecords(set.statement, [set.lines[0]!, set.lines[0]!]));
    assert.equal(wrong.code, 'RECORD_INDEX_WRONG');
    assert.match(wrong.message, /^line 2 has index 0, want 1/);
    const other = buildSet([plainRecord(0), plainRecord(1, 'exports')], ['photos', 'exports']);
    const invalid = caught(() => verifyRecords(set.statement, other.lines));
    assert.equal(invalid.code, 'RECORD_INVALID');
    assert.match(invalid.message, /^line 2 names target "exports"/);
    assert.match(caught(() => verifyRecords(set.statement, [set.lines[0]!, '{}'])).message, /^line 2 is not a valid record/);
  });

  it('a method the records used that the certificate does not list is RECORD_INVALID, even when every listed one was used', () => {
    const set = buildSet([plainRecord(0), withMethod(plainRecord(1), 'shred')], ['photos']);
    const statement = structuredClone(set.statement);
    statement.targets[0]!.methods = ['unlink'];
    const v = both({ ...set, statement });
    assert.equal(v.code, 'RECORD_INVALID');
    assert.match(caught(() => verifyRecords(statement, set.lines)).message, /method shred is not among the certified methods/);
  });
});

describe('parseRecordLine: the field problems and the message (issue 21)', () => {
  const line = canonicalize({ ...plainRecord(0), index: 0 });
  const record = JSON.parse(line) as Record<string, unknown>;
  const problems = (text: string, lineNumber?: number) => {
    const e = caught(() => parseRecordLine(text, lineNumber));
    assert.equal(e.code, 'RECORD_INVALID', text);
    assert.ok(e.cause instanceof ValidationError, 'the cause lists the fields');
    const fields = e.cause.fields;
    const where = lineNumber === undefined ? 'record' : `line ${lineNumber}`;
    assert.equal(e.message, `${where} is not a valid record: ${fields.map((p) => `${p.path}: ${p.problem}`).join('; ')}`);
    return fields.map((p) => [p.path, p.problem]);
  };

  it('names each bad field by its path', () => {
    assert.deepEqual(problems('[]'), [['$', 'must be an object']]);
    assert.deepEqual(problems('7', 3), [['$', 'must be an object']]);
    assert.deepEqual(problems(canonicalize({ ...record, method: 'unlink!' })).map(([p]) => p), ['$.method']);
    assert.deepEqual(problems(canonicalize({ ...record, attributes: 5 })), [['$.attributes', 'must be an object']]);
    assert.deepEqual(problems(canonicalize({ ...record, attributes: { a: 1, b: 'x', c: null } }), 4), [
      ['$.attributes.a', 'must be a string'],
      ['$.attributes.c', 'must be a string'],
    ]);
    assert.deepEqual(problems(canonicalize({ ...record, index: -1, size: 'x' })).map(([p]) => p), ['$.index', '$.size']);
  });

  it('names the line in its other errors', () => {
    assert.match(caught(() => parseRecordLine(' ' + line, 9)).message, /^line 9 /);
    assert.match(caught(() => parseRecordLine(' ' + line)).message, /^record /);
  });

  it('takes a line of exactly RECORD_MAX_LINE_BYTES UTF-8 bytes, not one more', () => {
    const pad = (n: number) => canonicalize({ ...record, attributes: { a: 'x'.repeat(n) } });
    const fill = RECORD_MAX_LINE_BYTES - pad(0).length;
    assert.equal(parseRecordLine(pad(fill)).attributes?.a?.length, fill);
    assert.equal(caught(() => parseRecordLine(pad(fill + 1))).code, 'RECORD_TOO_LONG');
    // Two bytes per character: fewer characters than the limit, more bytes.
    const wide = canonicalize({ ...record, attributes: { a: 'é'.repeat((fill >> 1) + 1) } });
    assert.equal(caught(() => parseRecordLine(wide)).code, 'RECORD_TOO_LONG');
  });
});
