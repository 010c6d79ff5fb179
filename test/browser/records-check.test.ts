// The verifier page's records verifier (src/verifier-page/records-check.ts:
// the byte scanner for the usual line, the core for any other, the page's
// SHA-256) against the core's RecordsVerifier fed by a naive reader, the
// reference (test/node/records-reference.ts): the same verdict and code on
// every certificate vector, on generated records files of every shape and
// every kind of tampering with them, and when the statement is what changed;
// the same summary when valid. Read windows of many sizes cut lines across
// reads. The same checks run in Node and in Chromium, with identical results.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { RECORD_MAX_LINE_BYTES } from '../../packages/verify/src/core/index.js';
import { type ChecksPage, openChecksPage } from '../helpers/browser.js';
import { arbRecord, buildSet, plainRecord } from '../node/records-fixture.js';
import { MUTATIONS, nearLimitSet, outcome, plainSummary, recordsVectors, referenceVerify, STATEMENT_CHANGES, statementChangeSet } from '../node/records-reference.js';
import { type RecordsCase, type RecordsChecks, recordsChecks, type RecordsVerdict } from './records-check-checks.js';

const WINDOWS = [undefined, 1, 200, 1000, 4096, 150_000];

/** The page's verdicts in Node, each held to the core's; returned for the comparison with Chromium. */
async function checkInNode(cases: RecordsCase[]): Promise<RecordsVerdict[]> {
  const page = await recordsChecks.verdicts(cases);
  for (const [i, c] of cases.entries()) {
    const ref = await outcome(() => referenceVerify(c.statement, Buffer.from(c.hex, 'hex')));
    const got = page[i]!;
    assert.equal(got.code, ref.code, `case ${i} (window ${c.windowBytes ?? 'default'}): page ${got.code}, core ${ref.code}`);
    if (ref.value) {
      assert.deepEqual(got.summary, plainSummary(ref.value));
      assert.equal(got.leavesRoot, c.statement.merkle.treeSize === 0 ? '' : c.statement.merkle.rootHash, 'the kept leaf hashes make the certified tree');
    }
  }
  return page;
}

const hexOf = (b: Buffer) => b.toString('hex');

describe("the page's records verifier gives the core's verdict, in Node and in Chromium", () => {
  let checks: ChecksPage<RecordsChecks>;
  before(async () => {
    checks = await openChecksPage('records check', new URL('./records-check-browser.ts', import.meta.url), 'recordsChecks');
  });
  after(() => checks?.close());

  it('on every certificate vector', async () => {
    const cases: RecordsCase[] = [];
    const { vectors, all } = recordsVectors();
    const expected: string[] = [];
    for (const v of vectors) {
      for (const windowBytes of WINDOWS) {
        cases.push({ statement: v.statement, hex: hexOf(v.records), ...(windowBytes ? { windowBytes } : {}) });
        expected.push(v.expected);
      }
    }
    assert.equal(cases.length, WINDOWS.length * (1 + all.filter((v) => v.startsWith('invalid/records-')).length));
    const node = await checkInNode(cases);
    node.forEach((r, i) => expected[i] && assert.equal(r.code, expected[i], `vector case ${i}`));
    assert.deepEqual(await checks.call('verdicts', cases), node, 'Chromium and Node differ');
  });

  // Sets of every record shape, each tampered with one way, read through a window of some size.
  const arbCase = fc.record({
    inputs: fc.array(fc.oneof(arbRecord, fc.nat(1000).map((i) => plainRecord(i))), { minLength: 1, maxLength: 30 }),
    mutation: fc.constantFrom(...Object.keys(MUTATIONS)),
    pick: fc.nat(),
    byte: fc.nat(255),
    window: fc.constantFrom(...WINDOWS),
  });
  const toCase = ({ inputs, mutation, pick, byte, window }: typeof arbCase extends fc.Arbitrary<infer T> ? T : never): RecordsCase => {
    const set = buildSet(inputs);
    const bytes = MUTATIONS[mutation]!(set.lines.map((l) => Buffer.from(l)), Buffer.from(set.text), pick, byte);
    return { statement: set.statement, hex: hexOf(bytes), ...(window ? { windowBytes: window } : {}) };
  };

  it('on generated records files, untouched and tampered', async () => {
    await fc.assert(
      fc.asyncProperty(arbCase, async (c) => void (await checkInNode([toCase(c)]))),
      { numRuns: 400 },
    );
    // The same generated cases in both runtimes: a fixed seed, so that a failure can be replayed.
    const cases = fc.sample(arbCase, { numRuns: 200, seed: 20_260_611 }).map(toCase);
    const node = await checkInNode(cases);
    const codes = new Set(node.map((r) => r.code));
    for (const code of ['ok', 'RECORD_INVALID', 'RECORD_TOO_LONG', 'MERKLE_ROOT_MISMATCH', 'RECORD_INDEX_WRONG']) assert.ok(codes.has(code), `the sample reaches ${code}: ${[...codes].join(', ')}`);
    assert.deepEqual(await checks.call('verdicts', cases), node, 'Chromium and Node differ');
  });

  it('when the statement is what was changed', async () => {
    const set = statementChangeSet();
    const cases = STATEMENT_CHANGES.map((change) => {
      const statement = structuredClone(set.statement);
      change(statement);
      return { statement, hex: hexOf(Buffer.from(set.text)) };
    });
    const node = await checkInNode(cases);
    assert.deepEqual([...new Set(node.map((r) => r.code))].sort(), ['MERKLE_ROOT_MISMATCH', 'RECORDS_DIGEST_MISMATCH', 'RECORD_COUNT_MISMATCH', 'RECORD_INVALID']);
    assert.deepEqual(await checks.call('verdicts', cases), node, 'Chromium and Node differ');
  });

  it('an empty file against an empty tree, and against a tree of one', async () => {
    const empty = buildSet([]);
    const one = buildSet([plainRecord(0)]);
    const cases = [{ statement: empty.statement, hex: '' }, { statement: one.statement, hex: '' }];
    const node = await checkInNode(cases);
    assert.deepEqual(node.map((r) => r.code), ['ok', 'RECORD_COUNT_MISMATCH']);
    assert.deepEqual(await checks.call('verdicts', cases), node, 'Chromium and Node differ');
  });

  it('across read windows, with lines near the 64 KiB limit', async () => {
    const set = nearLimitSet();
    assert.equal(Buffer.byteLength(set.lines.at(-1)!), RECORD_MAX_LINE_BYTES, 'the last line is exactly at the limit');
    const lines = set.lines.map((l) => Buffer.from(l));
    const text = Buffer.from(set.text);
    const cases: RecordsCase[] = [undefined, 150_000].map((w) => ({ statement: set.statement, hex: hexOf(text), ...(w ? { windowBytes: w } : {}) }));
    for (const p of [0, 5, 61, 239, 240]) {
      for (const m of ['flipBit', 'dropLine', 'longLine', 'noFinalNewline']) cases.push({ statement: set.statement, hex: hexOf(MUTATIONS[m]!(lines, text, p * 9973, p)) });
    }
    cases.push({ statement: set.statement, hex: hexOf(Buffer.from(set.text.replace('"pad":"q', '"pad":"qq'))) });
    const node = await checkInNode(cases);
    assert.deepEqual([node[0]!.code, node[1]!.code, node.at(-1)!.code], ['ok', 'ok', 'RECORD_TOO_LONG']);
    // One case per call: each is 6 MB of hex, and all at once would be too much for the bridge to the browser.
    for (const [i, c] of cases.entries()) assert.deepEqual(await checks.call('verdicts', [c]), [node[i]], `case ${i}: Chromium and Node differ`);
  });

  it('made no network request and logged no error', () => {
    assert.deepEqual(checks.networkRequests(), []);
    assert.deepEqual(checks.pageErrors, []);
  });
});
