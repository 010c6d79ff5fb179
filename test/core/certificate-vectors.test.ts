// The certificate vectors: on disk exactly as the generator writes them;
// the valid set verifies; each invalid set fails with its expected code, in
// the core API and through the `shredproof verify` command line. Files are
// read as bytes, as the verifiers read them: some vectors are not UTF-8.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  publicKeyFromPem,
  trustedKey,
  VerificationError,
  verifyCertificate,
  verifyRecords,
} from '../../packages/verify/src/core/index.js';
import { decodeLine } from '../../packages/verify/src/core/record-scan.js';
import { buildVectors, bytesOf, VECTOR_DIR } from '../vectors/certificate/generate.js';
import { runCli, spawnCli } from '../helpers/run-cli.js';

const read = (dir: string, f: string) => readFileSync(join(VECTOR_DIR, dir, f), 'utf8');
const readBytes = (dir: string, f: string) => new Uint8Array(readFileSync(join(VECTOR_DIR, dir, f)));
const invalidNames = readdirSync(join(VECTOR_DIR, 'invalid')).sort();
const args = (dir: string) => [
  'verify',
  '--certificate', join(VECTOR_DIR, dir, 'certificate.json'),
  '--public-key', join(VECTOR_DIR, dir, 'public-key.pem'),
  '--records', join(VECTOR_DIR, dir, 'records.ndjson'),
];

/** Core-API verification of a set given as file contents; returns 'ok' or the error code. */
function verifyCore(cert: Uint8Array, pem: string, records: Uint8Array): string {
  try {
    const { statement } = verifyCertificate(cert, [trustedKey(publicKeyFromPem(pem))]);
    if (records.length > 0 && records[records.length - 1] !== 0x0a) throw new VerificationError('RECORD_INVALID', 'last line has no newline');
    const lines = records.length === 0 ? [] : Buffer.from(records.subarray(0, -1)).toString('latin1').split('\n');
    // Each line decoded as the readers decode it: strictly (decodeLine), so that invalid UTF-8 is UTF8_INVALID.
    verifyRecords(statement, lines.map((l, i) => decodeLine(Buffer.from(l, 'latin1'), i + 1)));
    return 'ok';
  } catch (e) {
    if (e instanceof VerificationError) return e.code;
    throw e;
  }
}

describe('certificate vectors', () => {
  const { valid, invalid } = buildVectors();

  it('are on disk exactly as generate.ts writes them', () => {
    assert.deepEqual(readBytes('valid', 'certificate.json'), bytesOf(valid.certificate));
    assert.deepEqual(readBytes('valid', 'records.ndjson'), bytesOf(valid.records));
    assert.equal(read('valid', 'public-key.pem'), valid.publicKey);
    assert.deepEqual(invalidNames, invalid.map((v) => v.name).sort());
    for (const v of invalid) {
      assert.deepEqual(readBytes(`invalid/${v.name}`, 'certificate.json'), bytesOf(v.certificate), v.name);
      assert.deepEqual(readBytes(`invalid/${v.name}`, 'records.ndjson'), bytesOf(v.records), v.name);
      assert.equal(JSON.parse(read(`invalid/${v.name}`, 'expected.json')).code, v.expected, v.name);
    }
  });

  it('valid/ verifies in the core', () => {
    assert.equal(verifyCore(bytesOf(valid.certificate), valid.publicKey, bytesOf(valid.records)), 'ok');
  });

  for (const name of invalidNames) {
    it(`invalid/${name} fails with its code in the core and in the CLI (exit 1)`, async () => {
      const expected = JSON.parse(read(`invalid/${name}`, 'expected.json')).code;
      const dir = `invalid/${name}`;
      assert.equal(verifyCore(readBytes(dir, 'certificate.json'), read(dir, 'public-key.pem'), readBytes(dir, 'records.ndjson')), expected);
      const r = await runCli(...args(dir));
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, new RegExp(`^INVALID ${expected}:`));
    });
  }

  it('the installed command: valid exits 0, a tampered set exits 1, --json reports the code', () => {
    const ok = spawnCli(args('valid'));
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^VALID \(signature, statement, records\)/);
    const bad = spawnCli([...args('invalid/records-line-altered'), '--json']);
    assert.equal(bad.code, 1, bad.stderr);
    assert.deepEqual(JSON.parse(bad.stdout).code, 'MERKLE_ROOT_MISMATCH');
  });
});
