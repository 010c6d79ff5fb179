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
  type CertificateStatement,
  checkRecordsSummary,
  hashLeaf,
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
