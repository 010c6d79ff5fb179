// `shredproof prove` and `verify --proof`: a round trip on a real `shredproof
// demo` output (checked by shredproof and independently by python3 + openssl);
// by locator, by sha256, by a file's content; not found; several matches;
// bad selectors and unreadable input (exit 2); an invalid certificate or
// records file (exit 1); and tampered proofs failing with their codes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { publicKeyFromPem, trustedKey, type ObjectProof, type ObjectProofV2, verifyObjectProof } from '../../packages/verify/src/core/index.js';
import { runCli, spawnCli } from '../helpers/run-cli.js';
import { requireRedis } from '../helpers/services.js';
import { buildSet, HOSTILE, hostileSet, plainRecord } from '../node/records-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'sp-prove-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const CHECK_PROOF = fileURLToPath(new URL('../independent/check_proof.py', import.meta.url));

const demo = join(dir, 'demo');
const D = (f: string) => join(demo, f);
const demoArgs = ['--certificate', D('certificate.json'), '--records', D('records.ndjson'), '--public-key', D('public-key.pem')];
const demoRecords = () => readFileSync(D('records.ndjson'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { locator: string; sha256: string; target: string });

// A small set whose contents the test holds: a.bin twice (two records), b.bin once.
const own = join(dir, 'own');
const O = (f: string) => join(own, f);
const ownArgs = ['--certificate', O('certificate.json'), '--records', O('records.ndjson'), '--public-key', O('public-key.pem')];
const content = { 'a.bin': 'photo A bytes', 'b.bin': 'photo B bytes', 'c.bin': 'never destroyed' };
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

function independent(proofPath: string, keyPath: string): string {
  const pae = join(dir, 'pae.bin');
  const sig = join(dir, 'sig.bin');
  const py = spawnSync('python3', [CHECK_PROOF, proofPath, keyPath, pae, sig], { encoding: 'utf8' });
  const ossl = spawnSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', keyPath, '-rawin', '-in', pae, '-sigfile', sig], { encoding: 'utf8' });
  return `python ${py.status} openssl ${ossl.status}: ${py.stdout}${py.stderr}${ossl.stdout}${ossl.stderr}`;
}

before(async () => {
  await requireRedis();
  const r = spawnCli(['demo', '--out', demo, '--objects', '60'], { env: { LOG_LEVEL: 'warn' } });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  mkdirSync(own);
  for (const [f, c] of Object.entries(content)) writeFileSync(O(f), c);
  const set = buildSet([
    { ...plainRecord(0), sha256: sha(content['a.bin']), locator: 'x/a.jpg' },
    { ...plainRecord(1), sha256: sha(content['b.bin']), locator: 'x/b.jpg' },
    { ...plainRecord(2, 'exports'), sha256: sha(content['a.bin']), locator: 'x/a.jpg' },
  ]);
  writeFileSync(O('certificate.json'), JSON.stringify(set.envelope));
  writeFileSync(O('records.ndjson'), set.text);
  writeFileSync(O('public-key.pem'), set.publicKeyPem);
});

describe('shredproof prove', () => {
  it('round trip on a demo output: prove by locator, verify --proof, and the independent check', async () => {
    const rec = demoRecords()[7]!;
    const out = join(dir, 'p1.json');
    const r = await runCli('prove', ...demoArgs, '--locator', rec.locator, '--out', out);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^certificate cert-\S+ verified with key [0-9a-f]{64}; records.ndjson matches its Merkle root \(\d+ records\)$/m);
    assert.match(r.stdout, new RegExp(`^  locator      ${rec.locator}$`, 'm'));
    assert.match(r.stdout, new RegExp(`wrote ${out}$`));
    const v = spawnCli(['verify', '--proof', out, '--public-key', D('public-key.pem')]);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /^VALID \(inclusion of photos:/);
    assert.match(v.stdout, /^the certified tree holds this record at leaf 7 \(of \d+, counted from 0\):$/m);
    assert.match(v.stdout, new RegExp(`^  sha256       ${rec.sha256} `, 'm'));
    assert.match(v.stdout, /^signed by key [0-9a-f]{64}$/m);
    const json = JSON.parse((await runCli('verify', '--proof', out, '--public-key', D('public-key.pem'), '--json')).stdout);
    assert.equal(json.valid, true);
    assert.equal(json.leafIndex, 7);
    assert.equal(json.record.locator, rec.locator);
    assert.equal(json.keyid, json.statement.issuer.keyid);
    assert.match(independent(out, D('public-key.pem')), /^python 0 openssl 0: proof OK: photos /);
  });

  it('by sha256 (any case) to stdout, with the report on stderr; --target narrows a locator', async () => {
    const rec = demoRecords()[3]!;
    const r = await runCli('prove', ...demoArgs, '--sha256', rec.sha256.toUpperCase());
    assert.equal(r.code, 0, r.stderr);
    const proof = JSON.parse(r.stdout) as ObjectProof;
    assert.equal(proof.leafIndex, 3);
    assert.equal(verifyObjectProof(proof, [trustedKey(publicKeyFromPem(readFileSync(D('public-key.pem'), 'utf8')))]).record!.sha256, rec.sha256);
    assert.match(r.stderr, /verified with key/);
    assert.equal((await runCli('prove', ...demoArgs, '--locator', rec.locator, '--target', 'photos')).code, 0);
    const other = await runCli('prove', ...demoArgs, '--locator', rec.locator, '--target', 'exports', '--out', join(dir, 'none.json'));
    assert.equal(other.code, 1);
    assert.match(other.stdout, /^NOT FOUND: no destroyed object with locator \S+ in target exports$/m);
  });

  it('by a file held: found, several matches, and not found', async () => {
    const b = await runCli('prove', ...ownArgs, '--file', O('b.bin'), '--out', join(dir, 'b.json'));
    assert.equal(b.code, 0, b.stdout + b.stderr);
    assert.match(b.stdout, /locator      x\/b\.jpg/);
    const a = await runCli('prove', ...ownArgs, '--file', O('a.bin'), '--out', join(dir, 'a.json'));
    assert.equal(a.code, 0, a.stdout + a.stderr);
    assert.equal(JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8')).leafIndex, 0);
    assert.match(a.stdout, /^1 more records match, at leaves 2; --all DIR writes a proof for each$/m);
    const all = await runCli('prove', ...ownArgs, '--file', O('a.bin'), '--all', join(dir, 'all'));
    assert.equal(all.code, 0, all.stdout + all.stderr);
    assert.deepEqual(readdirSync(join(dir, 'all')).sort(), ['proof-0.json', 'proof-2.json']);
    for (const f of ['proof-0.json', 'proof-2.json']) {
      const v = await runCli('verify', '--proof', join(dir, 'all', f), '--public-key', O('public-key.pem'));
      assert.equal(v.code, 0, v.stdout);
    }
    const c = await runCli('prove', ...ownArgs, '--file', O('c.bin'));
    assert.equal(c.code, 1);
    assert.equal(c.stdout, '');
    assert.match(c.stderr, new RegExp(`^NOT FOUND: no destroyed object with sha256 ${sha(content['c.bin'])} \\(of ${O('c.bin')}\\)$`, 'm'));
  });

  it('usage errors and unreadable input exit 2', async () => {
    const missing = join(dir, 'missing');
    const cases: Array<[string, string[]]> = [
      ['no selector', ownArgs],
      ['two selectors', [...ownArgs, '--locator', 'x/a.jpg', '--sha256', sha('x')]],
      ['--target without --locator', [...ownArgs, '--sha256', sha('x'), '--target', 'photos']],
      ['a short sha256', [...ownArgs, '--sha256', 'abc123']],
      ['an empty locator', [...ownArgs, '--locator', '']],
      ['--out and --all', [...ownArgs, '--locator', 'x/a.jpg', '--out', join(dir, 'o.json'), '--all', join(dir, 'o')]],
      ['no public key', ['--certificate', O('certificate.json'), '--records', O('records.ndjson'), '--locator', 'x/a.jpg']],
      ['missing certificate', ['--certificate', missing, '--records', O('records.ndjson'), '--public-key', O('public-key.pem'), '--locator', 'x/a.jpg']],
      ['missing records', ['--certificate', O('certificate.json'), '--records', missing, '--public-key', O('public-key.pem'), '--locator', 'x/a.jpg']],
      ['records is a directory', ['--certificate', O('certificate.json'), '--records', own, '--public-key', O('public-key.pem'), '--locator', 'x/a.jpg']],
      ['missing public key', ['--certificate', O('certificate.json'), '--records', O('records.ndjson'), '--public-key', missing, '--locator', 'x/a.jpg']],
      ['a public key that is not one', ['--certificate', O('certificate.json'), '--records', O('records.ndjson'), '--public-key', O('a.bin'), '--locator', 'x/a.jpg']],
      ['missing --file', [...ownArgs, '--file', missing]],
      ['--file is a directory', [...ownArgs, '--file', own]],
      ['certificate is a directory', ['--certificate', own, '--records', O('records.ndjson'), '--public-key', O('public-key.pem'), '--locator', 'x/a.jpg']],
      ['public key is a directory', ['--certificate', O('certificate.json'), '--records', O('records.ndjson'), '--public-key', own, '--locator', 'x/a.jpg']],
    ];
    for (const [name, args] of cases) {
      const r = await runCli('prove', ...args);
      assert.equal(r.code, 2, `${name}: ${r.stdout}\n${r.stderr}`);
      assert.equal(r.stdout, '', name);
    }
    const unwritable = await runCli('prove', ...ownArgs, '--locator', 'x/b.jpg', '--out', join(missing, 'proof.json'));
    assert.equal(unwritable.code, 2, unwritable.stdout + unwritable.stderr);
    assert.match(unwritable.stderr, /^prove: cannot write .*proof\.json: ENOENT$/m);
    const outIsDir = await runCli('prove', ...ownArgs, '--locator', 'x/b.jpg', '--out', own);
    assert.equal(outIsDir.code, 2, outIsDir.stdout + outIsDir.stderr);
    assert.match(outIsDir.stderr, /^prove: cannot write .*: EISDIR$/m);
  });

  it('a locator that would hide the real sha256 line is shown escaped (issue 11, finding 2)', async () => {
    const set = hostileSet();
    const h = join(dir, 'hostile');
    mkdirSync(h);
    writeFileSync(join(h, 'certificate.json'), JSON.stringify(set.envelope));
    writeFileSync(join(h, 'records.ndjson'), set.text);
    writeFileSync(join(h, 'public-key.pem'), set.publicKeyPem);
    const args = ['prove', '--certificate', join(h, 'certificate.json'), '--records', join(h, 'records.ndjson'), '--public-key', join(h, 'public-key.pem')];
    // The real binary: these are the bytes a terminal would get.
    const r = spawnCli([...args, '--locator', HOSTILE.locator, '--out', join(h, 'proof.json')]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    assert.match(r.stdout, new RegExp(`^  locator      photos/a\\.jpg\\\\u001b\\[1A\\\\u001b\\[2Ksha256: f{64}$`, 'm'));
    assert.match(r.stdout, new RegExp(`^  sha256       ${plainRecord(0).sha256}   \\(compare`, 'm'));
    // The proof on stdout is JSON whose value is the record as certified.
    const out = spawnCli([...args, '--sha256', plainRecord(0).sha256]);
    assert.equal(out.code, 0, out.stderr);
    assert.doesNotMatch(out.stdout + out.stderr, /\u001b/);
    assert.equal((JSON.parse(out.stdout) as ObjectProof).record, set.lines[0]);
    assert.match(out.stderr, /locator      photos\/a\.jpg\\u001b\[1A/);
  });

  it('an invalid certificate or records file exits 1 with its code, and writes no proof', async () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    const env = JSON.parse(readFileSync(O('certificate.json'), 'utf8'));
    const sig = Buffer.from(env.signatures[0].sig, 'base64');
    sig[5]! ^= 1;
    writeFileSync(join(bad, 'sig.json'), JSON.stringify({ ...env, signatures: [{ ...env.signatures[0], sig: sig.toString('base64') }] }));
    writeFileSync(join(bad, 'records.ndjson'), readFileSync(O('records.ndjson'), 'utf8').replace('"size":1001', '"size":1002'));
    const out = join(bad, 'proof.json');
    const cases: Array<[string, string[]]> = [
      ['SIGNATURE_INVALID', ['--certificate', join(bad, 'sig.json'), '--records', O('records.ndjson'), '--public-key', O('public-key.pem')]],
      ['KEY_UNTRUSTED', ['--certificate', O('certificate.json'), '--records', O('records.ndjson'), '--public-key', D('public-key.pem')]],
      ['MERKLE_ROOT_MISMATCH', ['--certificate', O('certificate.json'), '--records', join(bad, 'records.ndjson'), '--public-key', O('public-key.pem')]],
      ['RECORD_COUNT_MISMATCH', ['--certificate', O('certificate.json'), '--records', D('records.ndjson'), '--public-key', O('public-key.pem')]],
    ];
    for (const [code, args] of cases) {
      const r = await runCli('prove', ...args, '--locator', 'x/a.jpg', '--out', out);
      assert.equal(r.code, 1, `${code}: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^INVALID ${code}: `, 'm'));
      assert.throws(() => readFileSync(out));
    }
  });

  it('a proof file that is not strict JSON fails verify --proof with its code, and the independent check (issue 11)', async () => {
    const good = readFileSync(join(dir, 'p1.json'), 'utf8');
    const bytes = (s: string) => Buffer.from(s);
    // A second, unsigned signature whose keyid holds the byte 0xff: read lossily (U+FFFD) it would be ignored and the proof pass.
    const proof = JSON.parse(good) as ObjectProof;
    const withSecond = JSON.stringify({ ...proof, certificate: { ...proof.certificate, signatures: [...proof.certificate.signatures, { keyid: 'NOT-UTF8', sig: proof.certificate.signatures[0]!.sig }] } });
    assert.match(withSecond, /^[\x20-\x7e]*$/);
    const notUtf8 = Buffer.from(withSecond.replace('NOT-UTF8', '\u00ff'), 'latin1');
    const cases: Array<[string, Buffer]> = [
      ['JSON_DUPLICATE_MEMBER', bytes(good.replace('{\n', '{\n  "leafIndex": 0,\n'))],
      ['MEMBER_FORBIDDEN', bytes(good.replace('{\n', '{\n  "__proto__": {},\n'))],
      ['MEMBER_UNKNOWN', bytes(good.replace('{\n', '{\n  "note": "unsigned text",\n'))],
      ['UTF8_INVALID', notUtf8],
    ];
    for (const [code, content] of cases) {
      const p = join(dir, `strict-${code}.json`);
      writeFileSync(p, content);
      const r = await runCli('verify', '--proof', p, '--public-key', D('public-key.pem'));
      assert.equal(r.code, 1, `${code}: ${r.stdout}`);
      assert.match(r.stdout, new RegExp(`^INVALID ${code}: `));
      assert.doesNotMatch(independent(p, D('public-key.pem')), /^python 0 openssl 0/, code);
    }
  });

  it('a tampered proof fails verify --proof with its code, and the independent check', async () => {
    // shredproof issues version 2 certificates, and so version 2 proofs: the line is `entry` (docs/FORMAT.md section 7.1).
    const good = JSON.parse(readFileSync(join(dir, 'p1.json'), 'utf8')) as ObjectProofV2;
    assert.equal(good.version, 2);
    const flipped = good.auditPath[0]!.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    const cases: Array<[string, ObjectProofV2, string]> = [
      ['MERKLE_ROOT_MISMATCH', { ...good, entry: good.entry.replace(/"size":(\d+)/, (_, n) => `"size":${Number(n) + 1}`) }, D('public-key.pem')],
      ['MERKLE_ROOT_MISMATCH', { ...good, auditPath: [flipped, ...good.auditPath.slice(1)] }, D('public-key.pem')],
      ['PROOF_SIZE_WRONG', { ...good, auditPath: good.auditPath.slice(1) }, D('public-key.pem')],
      ['RECORD_INDEX_WRONG', { ...good, leafIndex: good.leafIndex + 1 }, D('public-key.pem')],
      ['PROOF_CERTIFICATE_MISMATCH', { ...good, treeSize: good.treeSize + 1 }, D('public-key.pem')],
      ['KEY_UNTRUSTED', good, O('public-key.pem')],
    ];
    for (const [code, proof, key] of cases) {
      const p = join(dir, `tampered-${code}.json`);
      writeFileSync(p, JSON.stringify(proof));
      const r = await runCli('verify', '--proof', p, '--public-key', key);
      assert.equal(r.code, 1, `${code}: ${r.stdout}`);
      assert.match(r.stdout, new RegExp(`^INVALID ${code}: `));
      assert.doesNotMatch(independent(p, key), /^python 0 openssl 0/, code);
    }
  });
});
