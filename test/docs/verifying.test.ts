// docs/VERIFYING.md runs as written. Its ```sh blocks run one by one with bash
// (-e, pipefail) in a directory holding a real certificate under the guide's
// file names, with `shredproof` on PATH; a block followed by an
// `<!-- output -->` block must print exactly that (stdout and stderr as a
// terminal shows them; `<n>`, `<keyid>`... match what varies). Blocks marked
// `<!-- file: NAME -->` are saved as NAME first, and must equal
// test/independent/NAME, so the guide shows the scripts the tests use. Then
// the guide's openssl + python3 blocks run against a tampered certificate,
// records file and proof, and must reject each.
//
// The certificate comes from the demo order on the demo dataset through the
// real engine (queue, ledger, worker), as `shredproof demo` runs it, except
// that a copy of one photo is kept before it is destroyed: the guide checks it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { keyIdOf, publicKeyFromPem } from '../../packages/verify/src/core/index.js';
import { certificateFiles } from '../../src/app/finalize-order.js';
import { executeDemoOrder, type Harness, startHarness } from '../helpers/engine-harness.js';
import { BIN, ROOT as REPO } from '../helpers/run-cli.js';

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
before(async () => {
  harness = await startHarness({ objects: 40 });
  const locator = [...harness.dataset.inScope.keys()][9]!; // a medium-sized photo, in the middle of the tree
  mkdirSync(home);
  mkdirSync(binDir);
  copyFileSync(join(harness.dataset.root, locator), join(home, 'photo.jpg')); // the copy a regulator holds
  const id = await executeDemoOrder(harness);
  harness.runtime.coordinator.start();
  const done = await harness.runtime.coordinator.waitFor(id);
  assert.match(done.state, /^certified/);
  const files = certificateFiles(harness.config.dataDir, id);
  copyFileSync(files.certificate, join(home, 'certificate.json'));
  copyFileSync(files.records, join(home, 'records.ndjson'));
  copyFileSync(files.publicKey, join(home, 'public-key.pem'));
  const keyid = keyIdOf(publicKeyFromPem(readFileSync(files.publicKey, 'utf8')));
  writeFileSync(join(home, 'published-keyid.txt'), keyid + '\n');
  writeFileSync(join(binDir, 'shredproof'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, { mode: 0o755 });
  // The verifier package's command, as `npm install @shredproof/verify` puts it on PATH
  // (test/packaging/verify-package.test.ts installs the packed tarball itself).
  writeFileSync(join(binDir, 'shredproof-verify'), `#!/bin/sh\nexec "${process.execPath}" "${VERIFY_BIN}" "$@"\n`, { mode: 0o755 });
});
after(() => harness?.close());

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

  it('its openssl and python3 path rejects a tampered certificate, records file and proof', () => {
    // photo-proof.json is the proof the guide's commands wrote in the test before this one.
    const block = (script: string) => independentBlocks.find((b) => b.includes(`python3 ${script}`))!;
    const reSign = (env: { payload: string }, change: (s: Record<string, any>) => void) => {
      const s = JSON.parse(Buffer.from(env.payload, 'base64').toString());
      change(s);
      return { ...env, payload: Buffer.from(JSON.stringify(s)).toString('base64') }; // the signature is kept
    };
    const cases: Array<[string, (dir: string) => void, string, RegExp]> = [
      ['statement changed after signing', (d) => edit(d, 'certificate.json', (t) => JSON.stringify(reSign(JSON.parse(t), (s) => (s.issuer.name += ' (edited)')))), 'check_certificate.py', /Signature Verification Failure/],
      ['a record changed', (d) => edit(d, 'records.ndjson', (t) => t.replace(/"size":(\d+)/, (_, n) => `"size":${Number(n) + 1}`)), 'check_certificate.py', /^FAIL: records\.sha256$/],
      ['a record dropped', (d) => edit(d, 'records.ndjson', (t) => t.replace(/^.*\n/, '')), 'check_certificate.py', /^FAIL: records\.sha256$/],
      ['another key', (d) => copyFileSync(join(INDEPENDENT, '..', 'vectors', 'certificate', 'valid', 'public-key.pem'), join(d, 'public-key.pem')), 'check_certificate.py', /^FAIL: key id$/],
      ['the record in the proof changed', (d) => edit(d, 'photo-proof.json', (t) => t.replace(/\\"size\\":(\d+)/, (_, n) => `\\"size\\":${Number(n) + 1}`)), 'check_proof.py', /^FAIL: the audit path does not lead to the certified root$/],
      ['a hash on the proof\'s path changed', (d) => edit(d, 'photo-proof.json', (t) => t.replace(/"auditPath": \[\n\s*"(.)/, (m, c: string) => m.slice(0, -1) + (c === '0' ? '1' : '0'))), 'check_proof.py', /^FAIL: the audit path does not lead to the certified root$/],
      ['the proof\'s leaf index changed', (d) => edit(d, 'photo-proof.json', (t) => t.replace(/"leafIndex": (\d+)/, (_, n) => `"leafIndex": ${Number(n) + 1}`)), 'check_proof.py', /^FAIL: leaf index or tree size$/],
      ['the certificate in the proof changed', (d) => edit(d, 'photo-proof.json', (t) => {
        const proof = JSON.parse(t);
        return JSON.stringify({ ...proof, certificate: reSign(proof.certificate, (s) => (s.order.reference += ' (edited)')) });
      }), 'check_proof.py', /Signature Verification Failure/],
      ['another key, for the proof', (d) => copyFileSync(join(INDEPENDENT, '..', 'vectors', 'certificate', 'valid', 'public-key.pem'), join(d, 'public-key.pem')), 'check_proof.py', /^FAIL: key id$/],
    ];
    for (const [name, tamper, script, want] of cases) {
      const dir = join(work, `tampered-${name.replace(/\W+/g, '-')}`);
      cpSync(home, dir, { recursive: true });
      tamper(dir);
      const r = bash(block(script), dir);
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
