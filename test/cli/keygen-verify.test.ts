import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { keyIdOf, publicKeyFromPem } from '../../packages/verify/src/core/index.js';
import { VECTOR_DIR } from '../vectors/certificate/generate.js';
import { runCli, spawnCli } from '../helpers/run-cli.js';
import { HOSTILE, hostileSet } from '../node/records-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'sp-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const V = (f: string) => join(VECTOR_DIR, 'valid', f);

describe('shredproof keygen', () => {
  it('writes a 0600 private key and the public key, prints the keyid, refuses to overwrite', async () => {
    const k = join(dir, 'keys');
    const r = await runCli('keygen', '--dir', k);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(statSync(join(k, 'signing-key.pem')).mode & 0o777, 0o600);
    const pub = readFileSync(join(k, 'public-key.pem'), 'utf8');
    assert.match(r.stdout, new RegExp(`keyid ${keyIdOf(publicKeyFromPem(pub))}`));
    const before = readFileSync(join(k, 'signing-key.pem'));
    const again = await runCli('keygen', '--dir', k);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /refusing to overwrite/);
    assert.deepEqual(readFileSync(join(k, 'signing-key.pem')), before);
  });

  it('encrypts with a passphrase from the environment, readable by openssl with it only', async () => {
    const k = join(dir, 'enc');
    process.env.SP_TEST_PASS = 'correct horse battery staple';
    const r = await runCli('keygen', '--dir', k, '--passphrase-env', 'SP_TEST_PASS');
    assert.equal(r.code, 0, r.stderr);
    const pem = readFileSync(join(k, 'signing-key.pem'), 'utf8');
    assert.match(pem, /^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    const pub = execFileSync('openssl', ['pkey', '-in', join(k, 'signing-key.pem'), '-passin', 'env:SP_TEST_PASS', '-pubout'], { encoding: 'utf8' });
    assert.equal(pub, readFileSync(join(k, 'public-key.pem'), 'utf8'));
    assert.throws(() => execFileSync('openssl', ['pkey', '-in', join(k, 'signing-key.pem'), '-passin', 'pass:wrong'], { stdio: 'pipe' }));
    const missing = await runCli('keygen', '--dir', join(dir, 'enc2'), '--passphrase-env', 'SP_NOT_SET_ANYWHERE');
    assert.equal(missing.code, 2);
  });
});

describe('shredproof verify: usage and unreadable input exit 2', () => {
  const cases: Array<[string, string[]]> = [
    ['no arguments', ['verify']],
    ['no certificate or proof', ['verify', '--public-key', V('public-key.pem')]],
    ['missing certificate file', ['verify', '--certificate', join(dir, 'nope.json'), '--public-key', V('public-key.pem')]],
    ['missing records file', ['verify', '--certificate', V('certificate.json'), '--public-key', V('public-key.pem'), '--records', join(dir, 'nope')]],
    ['missing public key', ['verify', '--certificate', V('certificate.json'), '--public-key', join(dir, 'nope.pem')]],
    ['public key of the wrong length', ['verify', '--certificate', V('certificate.json'), '--public-key', V('records.ndjson')]],
    ['unknown option', ['verify', '--certificate', V('certificate.json'), '--public-key', V('public-key.pem'), '--bogus']],
    ['records without certificate', ['verify', '--public-key', V('public-key.pem'), '--records', V('records.ndjson'), '--proof', V('certificate.json')]],
    // Issue 11, finding 20: a directory is input that cannot be read, whichever option names it.
    ['records is a directory', ['verify', '--certificate', V('certificate.json'), '--public-key', V('public-key.pem'), '--records', dir]],
    ['certificate is a directory', ['verify', '--certificate', dir, '--public-key', V('public-key.pem')]],
    ['proof is a directory', ['verify', '--proof', dir, '--public-key', V('public-key.pem')]],
    ['public key is a directory', ['verify', '--certificate', V('certificate.json'), '--public-key', dir]],
  ];
  for (const [name, args] of cases) {
    it(name, async () => {
      const r = await runCli(...args);
      assert.equal(r.code, 2, `${r.stdout}\n${r.stderr}`);
      assert.doesNotMatch(r.stdout, /^VALID/);
    });
  }
});

/** C0 and C1 controls, DEL, and the bidi controls: none may reach a terminal raw. */
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('shredproof verify: untrusted strings reach the terminal escaped (issue 11, finding 2)', () => {
  const escapeVector = join(VECTOR_DIR, 'invalid', 'envelope-keyid-terminal-escape');
  const cert = join(escapeVector, 'certificate.json');

  it('an unsigned keyid that would erase INVALID and print VALID is shown as \\u001b...', () => {
    // The real binary, so that the bytes checked are the bytes a terminal gets.
    const r = spawnCli(['verify', '--certificate', cert, '--public-key', V('public-key.pem')]);
    assert.equal(r.code, 1, r.stderr);
    assert.doesNotMatch(r.stdout, UNSAFE);
    assert.equal(r.stdout, 'INVALID KEY_UNTRUSTED: no signature by a trusted key (signed by: \\u001b[1A\\u001b[2K\\u000dVALID)\n');
  });

  it('--json stays JSON, with the keyid intact once parsed, and no raw control character', async () => {
    const r = await runCli('verify', '--certificate', cert, '--public-key', V('public-key.pem'), '--json');
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.stdout, UNSAFE);
    const json = JSON.parse(r.stdout) as { valid: boolean; code: string; message: string };
    assert.equal(json.code, 'KEY_UNTRUSTED');
    assert.ok(json.message.includes('\u001b[1A\u001b[2K\rVALID'), json.message);
  });

  it('a proof whose locator would erase a line and print another hash is shown escaped, and --json keeps it', async () => {
    const set = hostileSet();
    const files = join(dir, 'hostile');
    mkdirSync(files);
    writeFileSync(join(files, 'proof.json'), JSON.stringify(set.proof));
    writeFileSync(join(files, 'public-key.pem'), set.publicKeyPem);
    const args = ['verify', '--proof', join(files, 'proof.json'), '--public-key', join(files, 'public-key.pem')];
    const r = spawnCli(args);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout, UNSAFE);
    assert.match(r.stdout, new RegExp(`^  locator      photos/a\\.jpg\\\\u001b\\[1A\\\\u001b\\[2Ksha256: f{64}$`, 'm'));
    assert.match(r.stdout, /^VALID \(inclusion of photos:photos\/a\.jpg\\u001b\[1A/);
    const json = await runCli(...args, '--json');
    assert.doesNotMatch(json.stdout, UNSAFE); // JSON escapes C0; the C1 and bidi controls are escaped too
    const parsed = JSON.parse(json.stdout) as { record: { locator: string }; statement: { exceptions: Array<{ locator: string; reason: string }> } };
    assert.equal(parsed.record.locator, HOSTILE.locator);
    assert.deepEqual(parsed.statement.exceptions.map((e) => [e.locator, e.reason]), [[HOSTILE.exceptionLocator, HOSTILE.reason]]);
  });
});

describe('shredproof verify: hostile records files exit 1, never valid', () => {
  const verify = (records: string) =>
    runCli('verify', '--certificate', V('certificate.json'), '--public-key', V('public-key.pem'), '--records', records);

  it('a 1 GB line is refused after 64 KiB, without reading it all', async () => {
    const huge = join(dir, 'huge.ndjson');
    writeFileSync(huge, '');
    truncateSync(huge, 1024 ** 3); // sparse: no disk used
    const started = process.hrtime.bigint();
    const r = await verify(huge);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^INVALID RECORD_TOO_LONG/);
    // Not a timing target: reading 1 GB would take seconds; bailing at 64 KiB takes milliseconds.
    assert.ok(process.hrtime.bigint() - started < 5_000_000_000n);
  });

  it('invalid UTF-8 is UTF8_INVALID', async () => {
    const p = join(dir, 'utf8.ndjson');
    const lines = readFileSync(V('records.ndjson'));
    writeFileSync(p, Buffer.concat([Buffer.from([0xff, 0xfe]), lines]));
    const r = await verify(p);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^INVALID UTF8_INVALID/);
  });

  it('flipping any bit of records.ndjson makes it invalid', async () => {
    const original = readFileSync(V('records.ndjson'));
    const p = join(dir, 'flip.ndjson');
    await fc.assert(
      fc.asyncProperty(fc.nat(original.length - 1), fc.integer({ min: 0, max: 7 }), async (pos, bit) => {
        const b = Buffer.from(original);
        b[pos]! ^= 1 << bit;
        writeFileSync(p, b);
        const r = await verify(p);
        assert.equal(r.code, 1, `byte ${pos} bit ${bit}: ${r.stdout}`);
      }),
      { numRuns: 150 },
    );
  });

  it('a proof file verifies alone and with its certificate, and not with another', async () => {
    const { buildExample } = await import('../../scripts/example-certificate.js');
    const { buildObjectProof } = await import('../../packages/verify/src/core/index.js');
    const ex = buildExample();
    const p = join(dir, 'proof.json');
    writeFileSync(p, JSON.stringify(buildObjectProof(ex.lines[3]!, 3, 5, ex.tree.inclusionProof(3), ex.envelope)));
    const alone = spawnCli(['verify', '--proof', p, '--public-key', V('public-key.pem')]);
    assert.equal(alone.code, 0, alone.stdout + alone.stderr);
    assert.match(alone.stdout, /inclusion of training-exports:2026-10\/faces-000.tar/);
    const both = await runCli('verify', '--proof', p, '--certificate', V('certificate.json'), '--public-key', V('public-key.pem'));
    assert.equal(both.code, 0, both.stdout);
    const otherCert = join(VECTOR_DIR, 'invalid', 'statement-sums-wrong', 'certificate.json');
    copyFileSync(otherCert, join(dir, 'other.json'));
    const mismatch = await runCli('verify', '--proof', p, '--certificate', join(dir, 'other.json'), '--public-key', V('public-key.pem'));
    assert.equal(mismatch.code, 1);
  });
});
