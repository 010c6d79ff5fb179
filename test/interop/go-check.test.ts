// The Go checker of test/interop, a first outside implementation of
// docs/FORMAT.md and the certificate vectors' codes (Go's standard library
// and transparency-dev/merkle, nothing of shredproof): built with -mod=readonly from the modules go.sum pins, it
// accepts a real `shredproof demo` certificate with its records and a
// `shredproof prove` proof, rejects each tampering with the code of FORMAT.md
// section 8, and gives every certificate vector its expected code.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { ROOT, runCli, spawnCli } from '../helpers/run-cli.js';
import { requireRedis } from '../helpers/services.js';

const INTEROP = fileURLToPath(new URL('.', import.meta.url));
const VECTORS = fileURLToPath(new URL('../vectors/certificate', import.meta.url));
const OTHER_KEY = join(VECTORS, 'valid', 'public-key.pem'); // FORMAT.md section 9's test key, not the demo's

const dir = mkdtempSync(join(tmpdir(), 'sp-go-check-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const checker = join(dir, 'go-check');
const demo = join(dir, 'demo');
const D = (f: string) => join(demo, f);
const T = (f: string) => join(dir, f);

interface Proof {
  record: string;
  leafIndex: number;
  treeSize: number;
  auditPath: string[];
  certificate: { payloadType: string; payload: string; signatures: Array<{ keyid: string; sig: string }> };
}

/** The go command, on PATH or where Go's own archive installs it. Missing, it fails the test: never a skip. */
function findGo(): string {
  for (const go of ['go', '/usr/local/go/bin/go']) {
    if (spawnSync(go, ['version'], { encoding: 'utf8' }).status === 0) return go;
  }
  throw new Error(
    'go is not installed: test/interop needs Go 1.22 or later on PATH. Install it, then run `bash scripts/services.sh` (it downloads the modules test/interop/go.sum pins).',
  );
}

function goCheck(...args: string[]): { code: number; out: string } {
  const r = spawnSync(checker, args, { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, out: r.stdout + r.stderr };
}

/** Flips every bit of one byte of the first signature. */
function flipSignatureByte<E extends Proof['certificate']>(env: E): E {
  const sig = Buffer.from(env.signatures[0]!.sig, 'base64');
  sig[10]! ^= 0xff;
  return { ...env, signatures: [{ ...env.signatures[0]!, sig: sig.toString('base64') }] };
}

const addOneToSize = (line: string) => line.replace(/"size":(\d+)/, (_, n) => `"size":${Number(n) + 1}`);

before(async () => {
  const go = findGo();
  const build = spawnSync(go, ['build', '-o', checker, '.'], {
    cwd: INTEROP,
    encoding: 'utf8',
    env: { ...process.env, GOFLAGS: '-mod=readonly -buildvcs=false' },
    timeout: 300_000,
  });
  assert.equal(build.status, 0, `go build in test/interop failed (run \`bash scripts/services.sh\` to download its modules):\n${build.stdout}${build.stderr}`);
  await requireRedis();
  const r = spawnCli(['demo', '--out', demo, '--objects', '40'], { env: { LOG_LEVEL: 'warn' } });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const locator = (JSON.parse(readFileSync(D('records.ndjson'), 'utf8').split('\n')[5]!) as { locator: string }).locator;
  const p = await runCli('prove', '--certificate', D('certificate.json'), '--records', D('records.ndjson'), '--public-key', D('public-key.pem'), '--locator', locator, '--out', T('proof.json'));
  assert.equal(p.code, 0, p.stdout + p.stderr);
});

describe('the Go checker (test/interop)', () => {
  it('accepts a demo certificate, its records and a per-object proof', () => {
    const all = goCheck('--certificate', D('certificate.json'), '--public-key', D('public-key.pem'), '--records', D('records.ndjson'), '--proof', T('proof.json'));
    assert.equal(all.code, 0, all.out);
    const n = readFileSync(D('records.ndjson'), 'utf8').split('\n').length - 1;
    assert.match(all.out, /^VALID\ncertificate cert-\S+ signed by key [0-9a-f]{64}\n/);
    assert.match(all.out, new RegExp(`^records: ${n}, merkle root [0-9a-f]{64}$`, 'm'));
    assert.match(all.out, new RegExp(`^proof: photos:\\S+ \\(sha256 [0-9a-f]{64}\\) at leaf 5 of ${n}, certificate cert-`, 'm'));
    const alone = goCheck('--proof', T('proof.json'), '--public-key', D('public-key.pem'));
    assert.equal(alone.code, 0, alone.out);
    // DSSE's keyid is an optional hint: a signature without one is tried against the key.
    const cert = JSON.parse(readFileSync(D('certificate.json'), 'utf8')) as Proof['certificate'];
    writeFileSync(T('no-keyid.json'), JSON.stringify({ ...cert, signatures: [{ sig: cert.signatures[0]!.sig }] }));
    const noKeyid = goCheck('--certificate', T('no-keyid.json'), '--public-key', D('public-key.pem'), '--records', D('records.ndjson'));
    assert.equal(noKeyid.code, 0, noKeyid.out);
  });

  it("accepts the proof of FORMAT.md section 9's worked example", () => {
    const doc = readFileSync(join(ROOT, 'docs', 'FORMAT.md'), 'utf8');
    const m = /per-object proof for leaf (\d+) carries this audit path[^\n]*\n\n```json\n([\s\S]*?)```/.exec(doc);
    assert.ok(m, 'FORMAT.md section 9 shows an audit path');
    const v = (f: string) => join(VECTORS, 'valid', f); // the example's certificate, records and key
    const lines = readFileSync(v('records.ndjson'), 'utf8').split('\n').slice(0, -1);
    const leafIndex = Number(m[1]);
    const proof = { type: 'shredproof.object-proof', version: 1, record: lines[leafIndex], leafIndex, treeSize: lines.length, auditPath: JSON.parse(m[2]!) as string[], certificate: JSON.parse(readFileSync(v('certificate.json'), 'utf8')) as unknown };
    writeFileSync(T('example-proof.json'), JSON.stringify(proof));
    const r = goCheck('--certificate', v('certificate.json'), '--public-key', v('public-key.pem'), '--records', v('records.ndjson'), '--proof', T('example-proof.json'));
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, new RegExp(`^proof: \\S+ \\(sha256 [0-9a-f]{64}\\) at leaf ${leafIndex} of ${lines.length}, certificate cert-example-0001$`, 'm'));
  });

  it('rejects each tampering with exit 1 and the code of FORMAT.md section 8', () => {
    const cert = JSON.parse(readFileSync(D('certificate.json'), 'utf8')) as Proof['certificate'];
    const proof = JSON.parse(readFileSync(T('proof.json'), 'utf8')) as Proof;
    const lines = readFileSync(D('records.ndjson'), 'utf8').split('\n');
    writeFileSync(T('sig-flipped.json'), JSON.stringify(flipSignatureByte(cert)));
    const flipped = flipSignatureByte(cert);
    writeFileSync(T('no-keyid-flipped.json'), JSON.stringify({ ...flipped, signatures: [{ sig: flipped.signatures[0]!.sig }] }));
    writeFileSync(T('records-tampered.ndjson'), lines.map((l, i) => (i === 3 ? addOneToSize(l) : l)).join('\n'));
    const path0 = proof.auditPath[0]!;
    const tampered: Record<string, Proof> = {
      'proof-sig-flipped': { ...proof, certificate: flipSignatureByte(proof.certificate) },
      'proof-record-tampered': { ...proof, record: addOneToSize(proof.record) },
      'proof-path-wrong': { ...proof, auditPath: [(path0[0] === '0' ? '1' : '0') + path0.slice(1), ...proof.auditPath.slice(1)] },
      'proof-path-short': { ...proof, auditPath: proof.auditPath.slice(0, -1) },
      'proof-index-wrong': { ...proof, leafIndex: proof.leafIndex + 1 },
      'proof-size-wrong': { ...proof, treeSize: proof.treeSize + 1 },
      'proof-member-unknown': { ...proof, note: 'x' } as Proof,
    };
    for (const [name, p] of Object.entries(tampered)) writeFileSync(T(`${name}.json`), JSON.stringify(p));
    const certArgs = (c: string, key: string, records: string) => ['--certificate', c, '--public-key', key, '--records', records];
    const cases: Array<[string, string[], string]> = [
      ['a flipped byte in the signature', certArgs(T('sig-flipped.json'), D('public-key.pem'), D('records.ndjson')), 'SIGNATURE_INVALID'],
      ["a flipped byte in the proof's certificate signature", ['--proof', T('proof-sig-flipped.json'), '--public-key', D('public-key.pem')], 'SIGNATURE_INVALID'],
      ['a tampered record line in records.ndjson', certArgs(D('certificate.json'), D('public-key.pem'), T('records-tampered.ndjson')), 'MERKLE_ROOT_MISMATCH'],
      ['a tampered record line in the proof', ['--proof', T('proof-record-tampered.json'), '--public-key', D('public-key.pem')], 'MERKLE_ROOT_MISMATCH'],
      ['a wrong proof path element', ['--proof', T('proof-path-wrong.json'), '--public-key', D('public-key.pem')], 'MERKLE_ROOT_MISMATCH'],
      ['a different public key, for the certificate', certArgs(D('certificate.json'), OTHER_KEY, D('records.ndjson')), 'KEY_UNTRUSTED'],
      ['a different public key, for the proof', ['--proof', T('proof.json'), '--public-key', OTHER_KEY], 'KEY_UNTRUSTED'],
      ['a proof path one short', ['--proof', T('proof-path-short.json'), '--public-key', D('public-key.pem')], 'PROOF_SIZE_WRONG'],
      ['a leafIndex that is not the record index', ['--proof', T('proof-index-wrong.json'), '--public-key', D('public-key.pem')], 'RECORD_INDEX_WRONG'],
      ['an unnamed signature that does not verify', certArgs(T('no-keyid-flipped.json'), D('public-key.pem'), D('records.ndjson')), 'KEY_UNTRUSTED'],
      ['a proof member that version 1 does not define', ['--proof', T('proof-member-unknown.json'), '--public-key', D('public-key.pem')], 'MEMBER_UNKNOWN'],
      ["a treeSize that is not the certificate's", ['--proof', T('proof-size-wrong.json'), '--public-key', D('public-key.pem')], 'PROOF_CERTIFICATE_MISMATCH'],
    ];
    for (const [name, args, code] of cases) {
      const r = goCheck(...args);
      assert.equal(r.code, 1, `${name}: ${r.out}`);
      assert.match(r.out, new RegExp(`^INVALID ${code}: `), name);
    }
  });

  it('gives every certificate vector its expected code', () => {
    const v = (d: string, f: string) => join(VECTORS, d, f);
    const valid = goCheck('--certificate', v('valid', 'certificate.json'), '--public-key', v('valid', 'public-key.pem'), '--records', v('valid', 'records.ndjson'));
    assert.equal(valid.code, 0, valid.out);
    const names = readdirSync(join(VECTORS, 'invalid')).sort();
    assert.ok(names.length >= 25, names.join());
    for (const name of names) {
      const d = join('invalid', name);
      const { code } = JSON.parse(readFileSync(v(d, 'expected.json'), 'utf8')) as { code: string };
      const r = goCheck('--certificate', v(d, 'certificate.json'), '--public-key', v(d, 'public-key.pem'), '--records', v(d, 'records.ndjson'));
      assert.equal(r.code, 1, `${name}: ${r.out}`);
      assert.match(r.out, new RegExp(`^INVALID ${code}: `), name);
    }
  });

  it('exits 2 for usage errors and input it cannot read', () => {
    const cases: Array<[string, string[]]> = [
      ['no arguments', []],
      ['no public key', ['--certificate', D('certificate.json')]],
      ['records without a certificate', ['--public-key', D('public-key.pem'), '--proof', T('proof.json'), '--records', D('records.ndjson')]],
      ['a missing certificate', ['--certificate', T('missing.json'), '--public-key', D('public-key.pem')]],
      ['a public key that is not one', ['--certificate', D('certificate.json'), '--public-key', D('records.ndjson')]],
    ];
    for (const [name, args] of cases) {
      const r = goCheck(...args);
      assert.equal(r.code, 2, `${name}: ${r.out}`);
      assert.doesNotMatch(r.out, /^(VALID|INVALID)/m, name);
    }
  });
});
