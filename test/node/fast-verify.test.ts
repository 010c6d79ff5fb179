// verifyRecordsFile (the fast path the CLI uses) against the core's
// RecordsVerifier fed by a naive reader of the same bytes (the reference,
// ./records-reference.ts): the same verdict and code on every certificate
// vector, on generated records files of every shape, and on every kind of
// tampering with them; the same summary when valid. Lines that straddle the
// reader's 1 MiB chunks and lines near the 64 KiB limit are covered too.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { type CertificateStatement, RECORD_MAX_LINE_BYTES } from '../../packages/verify/src/core/index.js';
import { verifyRecordsFile } from '../../packages/verify/src/node/fast-verify.js';
import { arbRecord, buildSet, plainRecord } from './records-fixture.js';
import { MUTATIONS, nearLimitSet, outcome, plainSummary, recordsVectors, referenceVerify, STATEMENT_CHANGES, statementChangeSet } from './records-reference.js';

const dir = mkdtempSync(join(tmpdir(), 'sp-fastverify-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let fileNo = 0;
/** Both verdicts on the same bytes; they must be equal, summaries included. Returns the code. */
async function compare(statement: CertificateStatement, bytes: Buffer): Promise<string> {
  const path = join(dir, `records-${fileNo++}.ndjson`);
  writeFileSync(path, bytes);
  const fast = await outcome(() => verifyRecordsFile(statement, path));
  const ref = await outcome(() => referenceVerify(statement, bytes));
  rmSync(path);
  assert.equal(fast.code, ref.code, `fast path ${fast.code}, core ${ref.code}`);
  if (ref.value) assert.deepEqual(plainSummary(fast.value!), plainSummary(ref.value));
  return ref.code;
}

describe('verifyRecordsFile gives the core verdict', () => {
  it('on every certificate vector', async () => {
    const { vectors, all } = recordsVectors();
    let checked = 0;
    for (const v of vectors) {
      const code = await compare(v.statement, v.records);
      if (v.name.startsWith('invalid/records-')) assert.equal(code, v.expected, v.name);
      checked++;
    }
    assert.equal(checked, 1 + all.filter((v) => v.startsWith('invalid/records-')).length);
  });

  it('on generated records files, untouched and tampered', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(arbRecord, fc.nat(1000).map((i) => plainRecord(i))), { minLength: 1, maxLength: 40 }),
        fc.constantFrom(...Object.keys(MUTATIONS)),
        fc.nat(),
        fc.nat(255),
        async (inputs, mutation, pick, byte) => {
          const set = buildSet(inputs);
          const lines = set.lines.map((l) => Buffer.from(l));
          await compare(set.statement, MUTATIONS[mutation]!(lines, Buffer.from(set.text), pick, byte));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('when the statement is what was changed', async () => {
    const set = statementChangeSet();
    const s = set.statement;
    const text = Buffer.from(set.text);
    const codes = new Set<string>();
    for (const change of STATEMENT_CHANGES) {
      const copy = structuredClone(s);
      change(copy);
      codes.add(await compare(copy, text));
    }
    assert.deepEqual([...codes].sort(), ['MERKLE_ROOT_MISMATCH', 'RECORDS_DIGEST_MISMATCH', 'RECORD_COUNT_MISMATCH', 'RECORD_INVALID']);
  });

  it('across the reader chunk boundaries, with lines near the 64 KiB limit', async () => {
    const set = nearLimitSet();
    assert.ok(set.text.length > 3 * 2 ** 20);
    assert.equal(Buffer.byteLength(set.lines.at(-1)!), RECORD_MAX_LINE_BYTES, 'the last line is exactly at the limit');
    assert.equal(await compare(set.statement, Buffer.from(set.text)), 'ok');
    const lines = set.lines.map((l) => Buffer.from(l));
    for (const p of [0, 5, 37, 61, 119, 239, 240]) {
      for (const m of ['flipBit', 'dropLine', 'longLine', 'noFinalNewline']) await compare(set.statement, MUTATIONS[m]!(lines, Buffer.from(set.text), p * 9973, p));
    }
    const over = Buffer.from(set.text.replace('"pad":"q', '"pad":"qq'));
    assert.equal(await compare(set.statement, over), 'RECORD_TOO_LONG');
  });
});
