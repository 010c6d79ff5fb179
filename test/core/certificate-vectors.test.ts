// The certificate vectors: on disk exactly as the generator writes them;
// the valid set verifies; each invalid set fails with its expected code, in
// the core API and through the `shredproof verify` command line. Files are
// read as bytes, as the verifiers read them: some vectors are not UTF-8.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  canonicalizeToBytes,
  CERTIFICATE_PAYLOAD_TYPE,
  publicKeyFromPem,
  seedSigner,
  signCertificate,
  signEnvelope,
  trustedKey,
  utf8Encode,
  ValidationError,
  VerificationError,
  verifyCertificate,
  verifyRecords,
} from '../../packages/verify/src/core/index.js';
import { buildExample, EXAMPLE_SEED } from '../../scripts/example-certificate.js';
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

// What a signer may put in the payload is as hostile as any input: a buggy or lying issuer signs it.
describe('signed statements that are not certificates', () => {
  const { statement } = buildExample();
  const signer = seedSigner(EXAMPLE_SEED);
  const keys = [trustedKey(signer.publicKey)];
  const signed = (payload: Uint8Array) => signEnvelope(CERTIFICATE_PAYLOAD_TYPE, payload, [signer]);
  const signedValue = (value: unknown) => signed(canonicalizeToBytes(value as never));
  const failure = (envelope: unknown): VerificationError => {
    try {
      verifyCertificate(envelope, keys);
    } catch (e) {
      assert.ok(e instanceof VerificationError, String(e));
      return e;
    }
    assert.fail('verified');
  };

  it('the example, signed here, verifies', () => {
    assert.deepEqual(verifyCertificate(signedValue(statement), keys), { statement, keyid: signer.keyid });
  });

  it('an invalid statement is STATEMENT_INVALID, its cause listing the bad fields by path', () => {
    const bad = { ...structuredClone(statement), status: 'done', issuedAt: 'today' };
    const e = failure(signedValue(bad));
    assert.equal(e.code, 'STATEMENT_INVALID');
    assert.ok(e.cause instanceof ValidationError, String(e.cause));
    assert.deepEqual(e.cause.fields.map((f) => f.path).sort(), ['$.issuedAt', '$.status']);
    const sums = structuredClone(statement);
    sums.completeness.planned += 1;
    const cause = failure(signedValue(sums)).cause;
    assert.ok(cause instanceof ValidationError);
    assert.deepEqual(cause.fields.map((f) => f.path).sort(), ['$.completeness', '$.inventory.treeSize', '$.targets']);
  });

  it('refuses each payload that is not a v1 statement in its canonical form', () => {
    const cases: Array<[string, Uint8Array, string]> = [
      ['version 2', canonicalizeToBytes({ ...statement, version: 2 } as never), 'VERSION_UNSUPPORTED'],
      ['version "1"', canonicalizeToBytes({ ...statement, version: '1' } as never), 'VERSION_UNSUPPORTED'],
      ['no version', canonicalizeToBytes(Object.fromEntries(Object.entries(statement).filter(([k]) => k !== 'version')) as never), 'VERSION_UNSUPPORTED'],
      ['an array', utf8Encode('[]'), 'STATEMENT_INVALID'],
      ['a string', utf8Encode('"certificate"'), 'STATEMENT_INVALID'],
      ['null', utf8Encode('null'), 'STATEMENT_INVALID'],
      ['not JSON', utf8Encode('{"type":'), 'STATEMENT_INVALID'],
      ['empty', new Uint8Array(0), 'STATEMENT_INVALID'],
      ['not UTF-8', Uint8Array.from([0x22, 0xff, 0x22]), 'UTF8_INVALID'],
      ['indented', utf8Encode(JSON.stringify(statement, null, 1)), 'STATEMENT_NOT_CANONICAL'],
      ['a member twice', utf8Encode(new TextDecoder().decode(canonicalizeToBytes(statement)).replace('{', '{"audit":1,"audit":2,')), 'JSON_DUPLICATE_MEMBER'],
      ['__proto__', utf8Encode(new TextDecoder().decode(canonicalizeToBytes(statement)).replace('{', '{"__proto__":{},')), 'MEMBER_FORBIDDEN'],
    ];
    for (const [what, payload, code] of cases) assert.equal(failure(signed(payload)).code, code, what);
  });

  it('a statement naming another issuer key is refused when signed, and when verified', () => {
    const other = seedSigner(new Uint8Array(32).fill(9));
    assert.notEqual(other.keyid, signer.keyid);
    try {
      signCertificate(statement, other);
      assert.fail('signed');
    } catch (e) {
      assert.ok(e instanceof ValidationError, String(e));
      assert.equal(e.fields.length, 1);
      assert.equal(e.fields[0]!.path, '$.issuer.keyid');
      // the problem names both keys, so that a person can see which is which
      for (const k of [statement.issuer.keyid, other.keyid]) assert.ok(e.fields[0]!.problem.includes(k), e.fields[0]!.problem);
    }
    const claimsOther = { ...structuredClone(statement), issuer: { ...statement.issuer, keyid: other.keyid } };
    assert.equal(failure(signedValue(claimsOther)).code, 'STATEMENT_INVALID');
  });
});
