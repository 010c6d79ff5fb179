// RecordsIndex: every proof it makes verifies with the core's
// verifyObjectProof; lookups by locator, target and sha256 find exactly the
// leaves a naive scan finds; a records file that does not match the statement
// is refused with its code; a file changed after loading is detected, never
// served; memory stays near 21 bytes per record.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import {
  type DestructionRecord,
  publicKeyFromPem,
  trustedKey,
  VerificationError,
  verifyCertificate,
  verifyObjectProof,
} from '../../packages/verify/src/core/index.js';
import { RecordsIndex } from '../../packages/verify/src/node/records-index.js';
import { VECTOR_DIR } from '../vectors/certificate/generate.js';
import { arbRecord, buildSet, plainRecord, type RecordInput, type RecordsSet, TARGETS } from './records-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'sp-index-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;

async function load(set: RecordsSet, text = set.text): Promise<{ ix: RecordsIndex; path: string }> {
  const path = join(dir, `records-${fileNo++}.ndjson`);
  writeFileSync(path, text);
  return { ix: await RecordsIndex.load(path, set.statement), path };
}

const codeOf = async (f: () => Promise<unknown>): Promise<string> => {
  try {
    await f();
    return 'ok';
  } catch (e) {
    if (e instanceof VerificationError) return e.code;
    throw e;
  }
};

// Small pools, so that locators repeat across targets and contents repeat across records.
const LOCATORS = ['a.jpg', 'users/7/b.jpg', 'dir/ünïcode €.jpg', 'quote"and\\backslash', 'x#null'];
const SHAS = ['e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'ab'.repeat(32), '0'.repeat(64), 'f'.repeat(64)];
const arbPooled = fc.tuple(arbRecord, fc.nat(LOCATORS.length - 1), fc.nat(SHAS.length - 1)).map(([r, l, s]): RecordInput => ({ ...r, locator: LOCATORS[l]!, sha256: SHAS[s]! }));

describe('RecordsIndex', () => {
  it('proves every leaf and finds exactly the right leaves, for every tree shape', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.nat(70), fc.constantFrom(1, 15, 16, 17, 31, 32, 33, 48, 63, 64, 65)),
        fc.array(fc.oneof(arbPooled, arbRecord), { minLength: 70, maxLength: 70 }),
        async (n, pool) => {
          const set = buildSet(pool.slice(0, n));
          const { ix } = await load(set);
          const keys = [trustedKey(publicKeyFromPem(set.publicKeyPem))];
          const records = set.lines.map((l) => JSON.parse(l) as DestructionRecord);
          assert.equal(ix.treeSize, n);
          for (let i = 0; i < n; i++) {
            assert.equal(await ix.line(i), set.lines[i]);
            const proof = JSON.parse(JSON.stringify(await ix.proof(i, set.envelope)));
            assert.equal(verifyObjectProof(proof, keys).record!.index, i);
          }
          const where = (f: (r: DestructionRecord) => boolean) => records.flatMap((r, i) => (f(r) ? [i] : []));
          for (const locator of [...LOCATORS, ...records.slice(0, 5).map((r) => r.locator), 'absent']) {
            assert.deepEqual(await ix.find({ locator }), where((r) => r.locator === locator), locator);
            for (const target of TARGETS) assert.deepEqual(await ix.find({ locator, target }), where((r) => r.locator === locator && r.target === target));
          }
          for (const sha256 of [...SHAS, ...records.slice(0, 5).map((r) => r.sha256), '1'.repeat(64)]) {
            assert.deepEqual(await ix.find({ sha256 }), where((r) => r.sha256 === sha256));
            assert.deepEqual(await ix.find({ sha256: sha256.toUpperCase() }), where((r) => r.sha256 === sha256));
            assert.deepEqual(await ix.find({ sha256 }, 2), where((r) => r.sha256 === sha256).slice(0, 2), 'the first two, with limit 2');
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses a records file that does not match the statement, with its code', async () => {
    const names = readdirSync(join(VECTOR_DIR, 'invalid')).filter((n) => n.startsWith('records-'));
    assert.ok(names.length >= 10);
    for (const name of names) {
      const read = (f: string) => readFileSync(join(VECTOR_DIR, 'invalid', name, f)); // bytes: some vectors are not UTF-8
      const { statement } = verifyCertificate(read('certificate.json'), [trustedKey(publicKeyFromPem(read('public-key.pem').toString()))]);
      const path = join(dir, `${name}.ndjson`);
      writeFileSync(path, read('records.ndjson'));
      assert.equal(await codeOf(() => RecordsIndex.load(path, statement)), JSON.parse(read('expected.json').toString()).code, name);
    }
    // a statement claiming far more records than the file can hold is refused before anything is allocated for them
    const set = buildSet([plainRecord(0), plainRecord(1)]);
    const path = join(dir, 'short.ndjson');
    writeFileSync(path, set.text);
    const claim = structuredClone(set.statement);
    claim.merkle.treeSize = 2 ** 31;
    assert.equal(await codeOf(() => RecordsIndex.load(path, claim)), 'RECORD_COUNT_MISMATCH');
  });

  it('detects a file changed after loading, block by block', async () => {
    const set = buildSet(Array.from({ length: 40 }, (_, i) => plainRecord(i)));
    const { ix, path } = await load(set);
    // Same length, one character of line 20 changed: block 1 (lines 16-31) no longer matches.
    writeFileSync(path, set.text.replace('"index":20,"locator":"users/user-20/', '"index":20,"locator":"users/user-21/'));
    assert.equal(await codeOf(() => ix.line(20)), 'MERKLE_ROOT_MISMATCH');
    assert.equal(await codeOf(() => ix.proof(17, set.envelope)), 'MERKLE_ROOT_MISMATCH');
    assert.equal(await codeOf(() => ix.find({ locator: 'users/user-20/photo-20.jpg' })), 'MERKLE_ROOT_MISMATCH');
    assert.equal(await ix.line(3), set.lines[3]);
    writeFileSync(path, set.text.slice(0, -100));
    assert.equal(await codeOf(() => ix.line(39)), 'MERKLE_ROOT_MISMATCH');
  });

  it('refuses another certificate, an index out of range and a malformed selector', async () => {
    const set = buildSet([plainRecord(0), plainRecord(1)]);
    const other = buildSet([plainRecord(0), plainRecord(2)]);
    const { ix } = await load(set);
    assert.equal(await codeOf(() => ix.proof(0, other.envelope)), 'PROOF_CERTIFICATE_MISMATCH');
    assert.equal(await codeOf(() => ix.proof(0, { ...set.envelope, payload: '!' })), 'PROOF_CERTIFICATE_MISMATCH');
    for (const i of [-1, 2, 1.5, Number.NaN]) {
      await assert.rejects(ix.proof(i, set.envelope), RangeError);
      await assert.rejects(ix.line(i), RangeError);
    }
    for (const sel of [{ sha256: 'abc' }, { sha256: 'g'.repeat(64) }, { locator: '' }]) await assert.rejects(ix.find(sel), TypeError);
    const empty = await load(buildSet([]), '');
    assert.equal(empty.ix.treeSize, 0);
    assert.deepEqual(await empty.ix.find({ sha256: SHAS[0]! }), []);
    await assert.rejects(empty.ix.line(0), RangeError);
  });

  it('holds about 21 bytes per record', async () => {
    const n = 5000;
    const { ix } = await load(buildSet(Array.from({ length: n }, (_, i) => plainRecord(i))));
    // 16 for the two lookup arrays, ~4 for the tree above 16 leaves, 0.5 for block offsets
    assert.ok(ix.memoryBytes > 20 * n && ix.memoryBytes < 21 * n + 1024, `${ix.memoryBytes} bytes for ${n} records`);
  });
});
