// docs/VERIFYING.md runs as written. Its ```sh blocks run one by one with bash
// (-e, pipefail) in a directory holding what the guide says the regulator
// has, with `shredproof` and `shredproof-verify` on PATH; a block followed by
// an `<!-- output -->` block must print exactly that (stdout and stderr as a
// terminal shows them; `<n>`, `<keyid>`... match what varies). Blocks marked
// `<!-- file: NAME -->` are saved as NAME first, and must equal
// test/independent/NAME, so the guide shows the scripts the tests use. Then
// the guide's openssl + python3 blocks run against tampered copies of the
// bundle, the pin and the proofs, and must reject each.
//
// The directory holds: bundle/, a real version 2 certificate bundle from the
// demo order on the demo dataset through the real engine (queue, ledger,
// worker), as `shredproof demo` runs it, except that copies of one destroyed
// photo and one held photo are kept first (photo.jpg, held.jpg); the pins, as
// the issuer would publish them (published-keyid.txt,
// published-trust-sha256.txt); example/, the worked example of
// docs/FORMAT.md section 11 (test/vectors/certificate/v2/valid/ without its
// expected.json); old/, the version 1 example
// (test/vectors/certificate/valid/); and published-log-url.txt, the URL of
// the issuer's transparency log, served by the same engine over HTTP (for
// the witness of section 8).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { keyIdOf, publicKeyFromPem } from '../../packages/verify/src/core/index.js';
import { certificateFiles } from '../../src/app/finalize-order.js';
import { executeDemoOrder, type Harness, startHarness } from '../helpers/engine-harness.js';
import { BIN, ROOT as REPO } from '../helpers/run-cli.js';
import { VECTOR_DIR } from '../vectors/certificate/generate.js';
import { V2_VECTOR_DIR } from '../vectors/certificate/v2/generate.js';

const VERIFY_BIN = join(REPO, 'packages', 'verify', 'bin', 'shredproof-verify.js');

const GUIDE = fileURLToPath(new URL('../../docs/VERIFYING.md', import.meta.url));
const INDEPENDENT = fileURLToPath(new URL('../independent/', import.meta.url));

interface Block {
  lang: string;
  marker: string;
  body: string;
}

/** Fenced blocks in order, each with the `<!-- ... -->` marker on the line before it (if any). */
function blocks(markdown: string): Block[] {
  const out: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.indexOf('```', i + 1);
    assert.ok(end > i, `unclosed block at line ${i + 1}`);
    const before = lines.slice(0, i).reverse().find((l) => l.trim() !== '') ?? '';
    out.push({ lang: open[1]!, marker: /^<!-- (.*) -->$/.exec(before)?.[1] ?? '', body: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return out;
}

const PLACEHOLDERS: Record<string, string> = {
  keyid: '[0-9a-f]{64}',
  root: '[0-9a-f]{64}',
  sha256: '[0-9a-f]{64}',
  n: '[0-9]+',
  time: '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?Z',
};

/** An expected-output block as a regular expression over the whole output. */
function outputPattern(expected: string): RegExp {
  const parts = expected.split(/(<[a-z0-9-]+>)/);
  const re = parts.map((p, i) => (i % 2 === 1 ? (PLACEHOLDERS[p.slice(1, -1)] ?? '.+?') : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${re.join('')}$`);
}

const work = mkdtempSync(join(tmpdir(), 'sp-verifying-'));
const binDir = join(work, 'bin');
const home = join(work, 'regulator');
after(() => rmSync(work, { recursive: true, force: true }));

function bash(script: string, cwd: string): { code: number; output: string } {
  const r = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', `exec 2>&1\n${script}`], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${binDir}:${process.env.PATH}`, LOG_LEVEL: 'silent' },
    timeout: 120_000,
  });
  return { code: r.status ?? -1, output: r.stdout.replace(/\n$/, '') };
}

const guide = blocks(readFileSync(GUIDE, 'utf8'));
const runnable = guide.flatMap((b, i) => (b.lang === 'sh' ? [{ block: b, expected: guide[i + 1]?.marker === 'output' ? guide[i + 1]!.body : undefined }] : []));
const independentBlocks = runnable.filter((r) => r.block.body.includes('python3 check_')).map((r) => r.block.body);

let harness: Harness | undefined;
let logServer: ChildProcess | undefined;
before(async () => {
  harness = await startHarness({ objects: 40 });
  const locator = [...harness.dataset.inScope.keys()][9]!; // a medium-sized photo, in the middle of the tree
  const held = [...harness.dataset.held.keys()][0]!;
  mkdirSync(home);
  mkdirSync(binDir);
  copyFileSync(join(harness.dataset.root, locator), join(home, 'photo.jpg')); // the copies a regulator holds
  copyFileSync(join(harness.dataset.root, held), join(home, 'held.jpg'));
  const id = await executeDemoOrder(harness);
  harness.runtime.coordinator.start();
  const done = await harness.runtime.coordinator.waitFor(id);
  assert.match(done.state, /^certified/);
  const files = certificateFiles(harness.config.dataDir, id);
  cpSync(files.dir, join(home, 'bundle'), { recursive: true });
  const keyid = keyIdOf(publicKeyFromPem(readFileSync(files.publicKey, 'utf8')));
  writeFileSync(join(home, 'published-keyid.txt'), keyid + '\n');
  writeFileSync(join(home, 'published-trust-sha256.txt'), createHash('sha256').update(readFileSync(files.trust)).digest('hex') + '\n');
  // In a process of its own: the guide's commands run with spawnSync, which blocks this one.
  logServer = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../helpers/serve-log.ts', import.meta.url)), harness.config.ledgerPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => logServer!.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
  writeFileSync(join(home, 'published-log-url.txt'), `http://127.0.0.1:${port}/log\n`);
  cpSync(join(V2_VECTOR_DIR, 'valid'), join(home, 'example'), { recursive: true });
  rmSync(join(home, 'example', 'expected.json'));
  cpSync(join(VECTOR_DIR, 'valid'), join(home, 'old'), { recursive: true });
  writeFileSync(join(binDir, 'shredproof'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, { mode: 0o755 });
  // The verifier package's command, as `npm install @shredproof/verify` puts it on PATH
  // (test/packaging/verify-package.test.ts installs the packed tarball itself).
  writeFileSync(join(binDir, 'shredproof-verify'), `#!/bin/sh\nexec "${process.execPath}" "${VERIFY_BIN}" "$@"\n`, { mode: 0o755 });
});
after(async () => {
  logServer?.kill();
  await harness?.close();
});

describe('docs/VERIFYING.md', () => {
  it('shows the independent scripts exactly as the tests use them', () => {
    const files = guide.filter((b) => b.marker.startsWith('file: '));
    assert.deepEqual(files.map((b) => b.marker).sort(), ['file: check_certificate.py', 'file: check_proof.py']);
    for (const b of files) {
      const name = b.marker.slice('file: '.length);
      assert.equal(b.body + '\n', readFileSync(join(INDEPENDENT, name), 'utf8'), `${name} in the guide differs from test/independent/${name}`);
    }
  });

  it('shows what every command prints', () => {
    assert.ok(runnable.length >= 10, `only ${runnable.length} command blocks`);
    assert.deepEqual(runnable.filter((r) => r.expected === undefined).map((r) => r.block.body), []);
  });

  it('runs every command as written, and each prints what the guide says', () => {
    for (const b of guide.filter((x) => x.marker.startsWith('file: '))) writeFileSync(join(home, b.marker.slice('file: '.length)), b.body + '\n');
    for (const { block, expected } of runnable) {
      const r = bash(block.body, home);
      assert.equal(r.code, 0, `exit ${r.code} from:\n${block.body}\n---\n${r.output}`);
      if (expected !== undefined) assert.match(r.output, outputPattern(expected), `from:\n${block.body}`);
    }
    assert.match(readFileSync(join(home, 'verify.html'), 'utf8'), /^<!doctype html>/i, 'the page was built');
  });

  it('its openssl and python3 path rejects a tampered bundle, pin and proof', () => {
    // photo-proof.json and key.pem are what the guide's commands wrote in the test before this one.
    const block = (text: string) => {
      const found = independentBlocks.find((b) => b.includes(text));
      assert.ok(found, `no block runs ${text}`);
      return found;
    };
    const bundleCheck = block('python3 check_certificate.py --bundle bundle ');
    const proofCheck = block('python3 check_proof.py photo-proof.json ');
    const v1Check = block('python3 check_certificate.py old/');
    const reSign = (env: { payload: string }, change: (s: Record<string, any>) => void) => {
      const s = JSON.parse(Buffer.from(env.payload, 'base64').toString());
      change(s);
      return { ...env, payload: Buffer.from(JSON.stringify(s)).toString('base64') }; // the signature is kept
    };
    const otherKey = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
    const otherPem = `-----BEGIN PUBLIC KEY-----\n${otherKey.toString('base64')}\n-----END PUBLIC KEY-----\n`;
    const otherKeyid = createHash('sha256').update(otherKey.subarray(12)).digest('hex');
    const trustEdit = (f: (key: Record<string, any>) => void) => (t: string) => {
      const root = JSON.parse(t);
      f(root.certificateKeys[0]);
      return JSON.stringify(root, null, 2) + '\n';
    };
    const cases: Array<[string, (dir: string) => void, string, RegExp]> = [
      ['statement changed after signing', (d) => edit(d, 'bundle/certificate.json', (t) => JSON.stringify(reSign(JSON.parse(t), (s) => (s.issuer.name += ' (edited)')))), bundleCheck, /^(Signature Verification Failure|FAIL: SIGNATURE_INVALID: certificate\.json: openssl: the signature does not hold)$/],
      ['a record changed', (d) => edit(d, 'bundle/records.ndjson', (t) => t.replace(/"size":(\d+)/, (_, n) => `"size":${Number(n) + 1}`)), bundleCheck, /^FAIL: MERKLE_ROOT_MISMATCH: records\.ndjson: /],
      ['a record dropped', (d) => edit(d, 'bundle/records.ndjson', (t) => t.replace(/^.*\n/, '')), bundleCheck, /^FAIL: RECORD_INDEX_WRONG: records\.ndjson line 0 has index 1$/],
      ['a retained entry dropped', (d) => edit(d, 'bundle/retained.ndjson', (t) => t.replace(/[^\n]*\n$/, '')), bundleCheck, /^FAIL: RECORD_COUNT_MISMATCH: retained\.ndjson has \d+ lines, the statement says \d+$/],
      ['order.json pretty-printed', (d) => edit(d, 'bundle/order.json', (t) => JSON.stringify(JSON.parse(t), null, 2)), bundleCheck, /^FAIL: ORDER_MISMATCH: /],
      ['another public key in the bundle', (d) => writeFileSync(join(d, 'bundle/public-key.pem'), otherPem), bundleCheck, /^FAIL: KEY_UNTRUSTED: public-key\.pem is not the signing key /],
      ['a trust root of another key', (d) => edit(d, 'bundle/trust.json', trustEdit((k) => Object.assign(k, { keyid: otherKeyid, publicKey: otherKey.toString('base64') }))), bundleCheck, /^FAIL: PIN_MISMATCH: /],
      ['the key revoked before issuedAt', (d) => edit(d, 'bundle/trust.json', trustEdit((k) => Object.assign(k, { revokedAt: k.validFrom, revocationReason: 'stolen' }))), bundleCheck, /^FAIL: KEY_REVOKED: /],
      ['another published key id', (d) => writeFileSync(join(d, 'published-keyid.txt'), otherKeyid + '\n'), bundleCheck, /^FAIL: PIN_MISMATCH: /],
      ['the entry in the proof changed', (d) => edit(d, 'photo-proof.json', (t) => t.replace(/\\"size\\":(\d+)/, (_, n) => `\\"size\\":${Number(n) + 1}`)), proofCheck, /^FAIL: MERKLE_ROOT_MISMATCH: the audit path does not lead to the certified root$/],
      ['a hash on the proof\'s path changed', (d) => edit(d, 'photo-proof.json', (t) => t.replace(/"auditPath": \[\n\s*"(.)/, (m, c: string) => m.slice(0, -1) + (c === '0' ? '1' : '0'))), proofCheck, /^FAIL: MERKLE_ROOT_MISMATCH: the audit path does not lead to the certified root$/],
      ['the proof\'s leaf index changed', (d) => edit(d, 'photo-proof.json', (t) => t.replace(/"leafIndex": (\d+)/, (_, n) => `"leafIndex": ${Number(n) + 1}`)), proofCheck, /^FAIL: RECORD_INDEX_WRONG: /],
      ['the certificate in the proof changed', (d) => edit(d, 'photo-proof.json', (t) => {
        const proof = JSON.parse(t);
        return JSON.stringify({ ...proof, certificate: reSign(proof.certificate, (s) => (s.order.reference += ' (edited)')) });
      }), proofCheck, /^Signature Verification Failure$/],
      ['another key, for the proof', (d) => writeFileSync(join(d, 'key.pem'), otherPem), proofCheck, /^FAIL: KEY_UNTRUSTED: the signature is not by this key$/],
      ['version 1: a record changed', (d) => edit(d, 'old/records.ndjson', (t) => t.replace(/"size":(\d+)/, (_, n) => `"size":${Number(n) + 1}`)), v1Check, /^FAIL: records\.sha256$/],
      ['version 1: another key', (d) => writeFileSync(join(d, 'old/public-key.pem'), otherPem), v1Check, /^FAIL: key id$/],
    ];
    for (const [name, tamper, script, want] of cases) {
      const dir = join(work, `tampered-${name.replace(/\W+/g, '-')}`);
      cpSync(home, dir, { recursive: true });
      tamper(dir);
      const r = bash(script, dir);
      assert.notEqual(r.code, 0, `${name}: ${r.output}`);
      assert.match(r.output, new RegExp(want.source, 'm'), name);
    }
    // and the key pin refuses a key that is not the published one
    const pin = runnable.find((r) => r.block.body.includes('published-keyid.txt'))!.block.body;
    const dir = join(work, 'tampered-pin');
    cpSync(home, dir, { recursive: true });
    writeFileSync(join(dir, 'published-keyid.txt'), '0'.repeat(64) + '\n');
    const r = bash(pin, dir);
    assert.notEqual(r.code, 0);
    assert.doesNotMatch(r.output, /matches/);
  });
});

function edit(dir: string, file: string, f: (text: string) => string): void {
  const path = join(dir, file);
  const before = readFileSync(path, 'utf8');
  const after = f(before);
  assert.notEqual(after, before, `the tampering of ${file} changed nothing`);
  writeFileSync(path, after);
}
