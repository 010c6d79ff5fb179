// The command line says what is wrong (issue 12, item 2): a misspelled option
// is reported as unknown (with the option it resembles), not as a missing
// required one; `verify --json` and `prove --json` print one JSON document
// whatever happens, exit 2 included; `(compare: sha256sum FILE)` is shown for
// file records only; `--version` is package.json's, read when the command runs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, runCli, spawnCli } from '../helpers/run-cli.js';
import { buildSet, plainRecord } from '../node/records-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'sp-options-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const F = (f: string) => join(dir, f);
const [C, R, K] = [F('certificate.json'), F('records.ndjson'), F('public-key.pem')];
const files = ['--certificate', C, '--records', R, '--public-key', K];
// One record in a target of each kind; the statement says each target's kind.
const KINDS = { photos: 'filesystem', bucket: 's3', db: 'postgres', cache: 'redis' } as const;
const records = Object.keys(KINDS).map((target, i) => ({ ...plainRecord(i, target), locator: `${target}/object-${i}` }));

before(() => {
  const targets = Object.entries(KINDS).map(([name, kind]) => ({ name, kind, planned: 1, persistence: [] }));
  const set = buildSet(records, Object.keys(KINDS), { targets });
  writeFileSync(C, JSON.stringify(set.envelope));
  writeFileSync(R, set.text);
  writeFileSync(K, set.publicKeyPem);
  writeFileSync(F('tampered.ndjson'), set.text.replace('"size":1000', '"size":1001'));
});

const json = (stdout: string) => JSON.parse(stdout) as Record<string, unknown>;

describe('a misspelled option', () => {
  it('is reported as unknown, with the option it resembles, not as a missing required option', async () => {
    const cases: string[][] = [
      ['verify', '--certificate', C, '--public-kee', K],
      ['prove', '--certificate', C, '--records', R, '--pubilc-key', K, '--locator', 'x'],
      ['token', 'create', '--role', 'admin', '--nmae', 'ada', '--data-dir', F('data')],
    ];
    for (const args of cases) {
      const r = await runCli(...args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, /^error: unknown option '--(public-kee|pubilc-key|nmae)'\n\(Did you mean --(public-key|name)\?\)/, r.stderr);
      assert.doesNotMatch(r.stderr, /required option/, args.join(' '));
    }
    // What is really missing is still said so (a key source: --public-key is one of three since issue 14); and --help still shows the help.
    assert.match((await runCli('verify', '--certificate', C)).stderr, /verify: give --public-key, --trust or --bundle/);
    assert.match((await runCli('prove', '--certificate', C, '--records', R, '--locator', 'x')).stderr, /required option '--public-key <file>' not specified/);
    assert.equal((await runCli('verify', '--public-kee', K, '--help')).code, 0);
  });
});

describe('verify --json and prove --json: one JSON document on stdout, whatever the exit code', () => {
  it('verify exits 2 with {valid: false, error, message}: unreadable input, usage, unknown or missing option', async () => {
    const cases: Array<[string, string[], string]> = [
      ['a missing certificate', ['--certificate', F('missing.json'), '--public-key', K], 'unreadable-input'],
      ['a key that is not one', ['--certificate', C, '--public-key', R], 'unreadable-input'],
      ['neither --certificate nor --proof', ['--public-key', K], 'usage'],
      ['--records without --certificate', ['--records', R, '--public-key', K], 'usage'],
      ['an unknown option', ['--certificate', C, '--public-kee', K], 'usage'],
      ['no --public-key', ['--certificate', C], 'usage'],
    ];
    for (const [name, args, error] of cases) {
      const r = await runCli('verify', ...args, '--json');
      assert.equal(r.code, 2, name);
      const doc = json(r.stdout);
      assert.deepEqual(Object.keys(doc), ['valid', 'error', 'message'], name);
      assert.deepEqual([doc.valid, doc.error], [false, error], name);
      assert.ok(typeof doc.message === 'string' && doc.message.length > 10 && r.stderr.includes(doc.message.replace(/^verify: /, '')), `${name}: ${doc.message} / ${r.stderr}`);
    }
    // Exit 0 and 1 keep their documents.
    assert.equal(json((await runCli('verify', ...files, '--json')).stdout).valid, true);
    const invalid = await runCli('verify', '--certificate', C, '--records', F('tampered.ndjson'), '--public-key', K, '--json');
    assert.equal(invalid.code, 1);
    assert.deepEqual([json(invalid.stdout).valid, json(invalid.stdout).code], [false, 'MERKLE_ROOT_MISMATCH']);
  });

  it('prove --json: found (with the proof, or the files written), not found, invalid, and exit 2', async () => {
    const found = await runCli('prove', ...files, '--locator', 'bucket/object-1', '--json');
    assert.equal(found.code, 0, found.stderr);
    const doc = json(found.stdout);
    assert.deepEqual([doc.valid, doc.found, doc.certificateId, doc.treeSize, doc.matches], [true, true, 'cert-test', 4, [1]]);
    assert.equal((doc.record as { locator: string }).locator, 'bucket/object-1');
    assert.equal((doc.proof as { leafIndex: number }).leafIndex, 1);
    assert.match(found.stderr, /^certificate cert-test verified/, 'the report goes to stderr');
    const out = await runCli('prove', ...files, '--locator', 'photos/object-0', '--out', F('p.json'), '--json');
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(json(out.stdout).written, [F('p.json')]);
    assert.equal(JSON.parse(readFileSync(F('p.json'), 'utf8')).leafIndex, 0);
    const missing = await runCli('prove', ...files, '--locator', 'nowhere', '--json');
    assert.equal(missing.code, 1);
    assert.deepEqual([json(missing.stdout).valid, json(missing.stdout).found, json(missing.stdout).query], [true, false, 'locator nowhere']);
    const invalid = await runCli('prove', '--certificate', C, '--records', F('tampered.ndjson'), '--public-key', K, '--locator', 'x', '--json');
    assert.equal(invalid.code, 1);
    assert.deepEqual([json(invalid.stdout).valid, json(invalid.stdout).code], [false, 'MERKLE_ROOT_MISMATCH']);
    for (const [args, error] of [[['--locator', 'x', '--sha256', 'ab'], 'usage'], [['--file', F('missing')], 'unreadable-input'], [['--locator', 'bucket/object-1', '--out', F('no/such/dir/p.json')], 'unwritable-output']] as const) {
      const r = await runCli('prove', ...files, ...args, '--json');
      assert.equal(r.code, 2, args.join(' '));
      assert.deepEqual([json(r.stdout).valid, json(r.stdout).error], [false, error], args.join(' '));
    }
  });
});

describe('the sha256sum hint', () => {
  it('is shown for records of filesystem targets only, not for S3, SQL or Redis records', async () => {
    for (const [i, r] of records.entries()) {
      const p = await runCli('prove', ...files, '--locator', r.locator, '--out', F(`proof-${i}.json`));
      assert.equal(p.code, 0, p.stderr);
      const line = p.stdout.split('\n').find((l) => l.startsWith('  sha256 '));
      const want = `  sha256       ${r.sha256}${KINDS[r.target as keyof typeof KINDS] === 'filesystem' ? '   (compare: sha256sum FILE)' : ''}`;
      assert.equal(line, want, `${r.target}: ${p.stdout}`);
      const v = await runCli('verify', '--proof', F(`proof-${i}.json`), '--public-key', K);
      assert.equal(v.code, 0, v.stdout);
      assert.ok(v.stdout.split('\n').includes(want), `verify --proof, ${r.target}: ${v.stdout}`);
    }
  });
});

describe('--version', () => {
  it("is package.json's version, read when the command runs, from the package it runs from", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const here = spawnCli(['--version']);
    assert.equal(here.code, 0, here.stderr);
    assert.equal(here.stdout.trim(), pkg.version);
    // A copy of the checkout whose package.json says another version.
    const copy = F('package-copy');
    mkdirSync(copy);
    for (const d of ['bin', 'src', 'packages', 'tsconfig.json']) cpSync(join(ROOT, d), join(copy, d), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    writeFileSync(join(copy, 'package.json'), JSON.stringify({ ...pkg, version: '7.8.9-test.1' }));
    const there = spawnSync(process.execPath, [join(copy, 'bin', 'shredproof.js'), '--version'], { cwd: tmpdir(), encoding: 'utf8' });
    assert.equal(there.status, 0, there.stderr);
    assert.equal(there.stdout, '7.8.9-test.1\n');
  });
});
