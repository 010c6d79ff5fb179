// The verifier package as a regulator installs it (issue 12, item 1): packed
// from packages/verify with `npm pack` (its prepack compiles it), installed
// from the tarball into an empty directory that has nothing of this
// repository, and then run on the certificate of `shredproof demo`: the
// command line, the Node API, and a browser bundle of the main entry point.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bundleForBrowser } from '../../src/verifier-page/build.js';
import { ROOT, spawnCli } from '../helpers/run-cli.js';
import { requireRedis } from '../helpers/services.js';

const dir = mkdtempSync(join(tmpdir(), 'sp-verify-package-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const demo = join(dir, 'demo');
const regulator = join(dir, 'regulator');
const evidence = ['--certificate', join(demo, 'certificate.json'), '--public-key', join(demo, 'public-key.pem')];
let tarball = '';

interface PackResult {
  filename: string;
  files: Array<{ path: string }>;
}
let packed: PackResult;

function run(command: string, args: string[], cwd: string) {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 300_000, env: { ...process.env, npm_config_update_notifier: 'false' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
const verifyBin = (args: string[]) => run(join(regulator, 'node_modules', '.bin', 'shredproof-verify'), args, regulator);

before(async () => {
  await requireRedis();
  const d = spawnCli(['demo', '--out', demo, '--objects', '120'], { env: { LOG_LEVEL: 'warn' } });
  assert.equal(d.code, 0, d.stdout + d.stderr);
  // npm prints the prepack script's output before the JSON document. The prepack build writes
  // packages/verify/dist; a checkout that had none gets none back (processes that resolve the
  // package by name would otherwise run that build instead of the sources).
  const built = join(ROOT, 'packages', 'verify', 'dist');
  const hadBuild = existsSync(built);
  const pack = run('npm', ['pack', '--workspace', 'packages/verify', '--pack-destination', dir, '--json'], ROOT);
  if (!hadBuild) rmSync(built, { recursive: true, force: true });
  assert.equal(pack.code, 0, pack.stderr);
  packed = (JSON.parse(pack.stdout.slice(pack.stdout.indexOf('\n[') + 1)) as [PackResult])[0];
  tarball = join(dir, packed.filename);
  mkdirSync(regulator);
  writeFileSync(join(regulator, 'package.json'), JSON.stringify({ name: 'regulator-check', private: true, type: 'module' }));
  // From the tarball alone; its @noble dependencies come from npm's cache when they are there.
  const install = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], regulator);
  assert.equal(install.code, 0, install.stdout + install.stderr);
});

describe('the packed @shredproof/verify', () => {
  it('ships its compiled code, types, bin, README and licence, and no sources, tests or source maps', () => {
    const paths = packed.files.map((f) => f.path).sort();
    for (const p of ['LICENSE', 'README.md', 'package.json', 'bin/shredproof-verify.js', 'dist/core/index.js', 'dist/core/index.d.ts', 'dist/node/index.js', 'dist/cli/main.js']) {
      assert.ok(paths.includes(p), `${p} is in the tarball`);
    }
    const unexpected = paths.filter((p) => !/^(LICENSE|README\.md|package\.json|bin\/shredproof-verify\.js|dist\/.+\.(js|d\.ts))$/.test(p));
    assert.deepEqual(unexpected, []);
  });

  it('brings nothing beyond @noble: the installed tree is the package and its two dependencies', () => {
    const pkg = JSON.parse(readFileSync(join(regulator, 'node_modules', '@shredproof', 'verify', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    assert.deepEqual(Object.keys(pkg.dependencies).sort(), ['@noble/ed25519', '@noble/hashes']);
    const top = readdirSync(join(regulator, 'node_modules')).filter((n) => !n.startsWith('.'));
    assert.deepEqual(top.sort(), ['@noble', '@shredproof']);
    assert.deepEqual(readdirSync(join(regulator, 'node_modules', '@noble')).sort(), ['ed25519', 'hashes']);
  });

  it("is the verifier shredproof itself runs: the main package depends on this version", () => {
    const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const verify = JSON.parse(readFileSync(join(ROOT, 'packages', 'verify', 'package.json'), 'utf8')) as { version: string };
    assert.equal(root.dependencies['@shredproof/verify'], verify.version);
  });

  it('shredproof-verify verify: the demo certificate and its records are VALID, with the same report as shredproof verify', () => {
    const args = ['verify', ...evidence, '--records', join(demo, 'records.ndjson')];
    const r = verifyBin(args);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^VALID \(signature, statement, records\)$/m);
    const ours = spawnCli(args);
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(r.stdout, ours.stdout);
  });

  it('shredproof-verify verify: a records file with one size changed is INVALID, exit 1', () => {
    const tampered = join(dir, 'tampered.ndjson');
    const text = readFileSync(join(demo, 'records.ndjson'), 'utf8');
    const changed = text.replace(/"size":(\d+)/, (_, n: string) => `"size":${Number(n) + 1}`);
    assert.notEqual(changed, text);
    writeFileSync(tampered, changed);
    const r = verifyBin(['verify', ...evidence, '--records', tampered, '--json']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.equal((JSON.parse(r.stdout) as { valid: boolean }).valid, false);
  });

  it('shredproof-verify prove, then verify --proof: a per-object proof of a destroyed file', () => {
    const first = JSON.parse(readFileSync(join(demo, 'records.ndjson'), 'utf8').split('\n')[0]!) as { sha256: string; locator: string };
    const proof = join(dir, 'proof.json');
    const p = verifyBin(['prove', ...evidence, '--records', join(demo, 'records.ndjson'), '--sha256', first.sha256, '--out', proof]);
    assert.equal(p.code, 0, p.stdout + p.stderr);
    const v = verifyBin(['verify', '--public-key', join(demo, 'public-key.pem'), '--proof', proof]);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, new RegExp(`locator +${first.locator.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('shredproof-verify: a misspelled option is a usage error, exit 2; --version is the package version', () => {
    const r = verifyBin(['verify', '--public-kee', 'k.pem']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option '--public-kee'/);
    assert.equal(verifyBin(['--version']).stdout.trim(), '0.1.0');
  });

  it('the Node API: @shredproof/verify and @shredproof/verify/node check the certificate and the records', () => {
    const script = `
      import { readFileSync } from 'node:fs';
      import { verifyCertificate } from '@shredproof/verify';
      import { loadTrustedKey, verifyRecordsFile } from '@shredproof/verify/node';
      const key = await loadTrustedKey(${JSON.stringify(join(demo, 'public-key.pem'))});
      const { statement, keyid } = verifyCertificate(readFileSync(${JSON.stringify(join(demo, 'certificate.json'))}), [key]);
      const summary = await verifyRecordsFile(statement, ${JSON.stringify(join(demo, 'records.ndjson'))});
      console.log(JSON.stringify({ keyid, certificateId: statement.certificateId, treeSize: statement.merkle.treeSize, ok: summary !== undefined }));
    `;
    writeFileSync(join(regulator, 'check.mjs'), script);
    const out = JSON.parse(execFileSync(process.execPath, ['check.mjs'], { cwd: regulator, encoding: 'utf8' })) as { keyid: string; treeSize: number; ok: boolean };
    assert.match(out.keyid, /^[0-9a-f]{64}$/);
    assert.ok(out.treeSize > 0);
    assert.equal(out.ok, true);
  });

  it('the main entry point bundles for a browser without any Node built-in', async () => {
    const entry = join(regulator, 'browser-entry.js');
    writeFileSync(entry, "import { verifyCertificate, verifyObjectProof } from '@shredproof/verify';\nglobalThis.check = { verifyCertificate, verifyObjectProof };\n");
    const bundle = await bundleForBrowser(entry);
    assert.match(bundle, /verifyCertificate/);
    assert.doesNotMatch(bundle, /require\("node:|from "node:/);
  });
});
