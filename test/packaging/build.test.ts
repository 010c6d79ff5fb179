// `npm run build` (issue 12, item 5): the compiled JavaScript runs without
// the sources and without tsx or esbuild, as an image or an installed package
// runs it. A copy of the checkout is built, its sources are removed, and its
// node_modules leaves out the development tools; then the compiled
// `shredproof` runs the demo (coordinator, worker, filesystem threads,
// ledger, signing), verifies the certificate, and writes the verifier page
// that the build made.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT } from '../helpers/run-cli.js';
import { sleep } from '../helpers/procs.js';
import { freePort } from '../helpers/redis-server.js';
import { dropPrefix, freshPrefix, REDIS_URL, requireRedis } from '../helpers/services.js';

const dir = mkdtempSync(join(tmpdir(), 'sp-build-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const copy = join(dir, 'shredproof');

/** Development tools that the compiled code must not need. */
const DEV_ONLY = ['tsx', 'esbuild', 'typescript', '@esbuild'];

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, args, { cwd: copy, encoding: 'utf8', timeout: 300_000, env: { ...process.env, TSX_TSCONFIG_PATH: '', ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

before(() => {
  mkdirSync(copy);
  for (const p of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'bin', 'src', 'workers', 'scripts/build.mjs', 'packages/verify/package.json', 'packages/verify/tsconfig.build.json', 'packages/verify/bin', 'packages/verify/src']) {
    cpSync(join(ROOT, p), join(copy, p), { recursive: true });
  }
  // node_modules: the checkout's packages, and the workspace link to this copy's packages/verify.
  const nm = join(copy, 'node_modules');
  mkdirSync(join(nm, '@shredproof'), { recursive: true });
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name === '@shredproof') continue;
    symlinkSync(join(ROOT, 'node_modules', name), join(nm, name));
  }
  symlinkSync(join(copy, 'packages', 'verify'), join(nm, '@shredproof', 'verify'));
  const build = run(['scripts/build.mjs']);
  assert.equal(build.code, 0, build.stdout + build.stderr);
  // What an image has: no sources, no development tools.
  for (const p of ['src', 'workers', 'packages/verify/src', 'tsconfig.json']) rmSync(join(copy, p), { recursive: true });
  for (const name of DEV_ONLY) rmSync(join(nm, name), { force: true, recursive: true });
});

describe('the build', () => {
  it('writes the server, the worker, the verifier package, the verifier page and the console', () => {
    for (const p of ['dist/src/cli/main.js', 'dist/workers/main.js', 'dist/src/adapters/storage/filesystem/fs-thread.js', 'dist/src/verifier-page/verifier.html', 'dist/src/console/console.html', 'dist/src/console/console.js', 'dist/src/console/console.css', 'dist/src/client/index.d.ts', 'packages/verify/dist/core/index.js', 'packages/verify/dist/core/index.d.ts']) {
      assert.ok(existsSync(join(copy, p)), `${p} was built`);
    }
  });

  it('runs compiled, without tsx and esbuild: --version, and a usage error for an unknown command', () => {
    const v = run(['bin/shredproof.js', '--version']);
    assert.equal(v.code, 0, v.stderr);
    assert.equal(v.stdout.trim(), (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
    assert.equal(run(['bin/shredproof.js', 'no-such-command']).code, 2);
  });

  it('runs the demo compiled, and the certificate verifies', async () => {
    await requireRedis();
    const out = join(dir, 'demo');
    const demo = run(['bin/shredproof.js', 'demo', '--out', out, '--objects', '60'], { LOG_LEVEL: 'warn' });
    assert.equal(demo.code, 0, demo.stdout + demo.stderr);
    assert.match(demo.stdout, /VERIFIED certificate cert-/);
    const verify = run(['bin/shredproof.js', 'verify', '--certificate', join(out, 'certificate.json'), '--public-key', join(out, 'public-key.pem'), '--records', join(out, 'records.ndjson')]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /^VALID \(signature, statement, records\)$/m);
  });

  it('serves compiled: /readyz is ready, /verify and /console are what the build made, /openapi.json has the package version', async () => {
    await requireRedis();
    const keys = run(['bin/shredproof.js', 'keygen', '--dir', join(dir, 'keys')]);
    assert.equal(keys.code, 0, keys.stderr);
    writeFileSync(join(dir, 'backends.json'), JSON.stringify({ backends: { photos: { kind: 'filesystem', root: dir } } }));
    const port = await freePort();
    const prefix = freshPrefix();
    const env = { ...process.env, TSX_TSCONFIG_PATH: '', DATA_DIR: join(dir, 'serve-data'), SHREDPROOF_KEY: join(dir, 'keys', 'signing-key.pem'), SHREDPROOF_BACKENDS: join(dir, 'backends.json'), SHREDPROOF_ISSUER: 'Build Test Ltd', SHREDPROOF_PREFIX: prefix, REDIS_URL, PORT: String(port), LOG_LEVEL: 'warn' };
    const child = spawn(process.execPath, ['bin/shredproof.js', 'serve'], { cwd: copy, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    try {
      const url = `http://127.0.0.1:${port}`;
      let ready: Response | undefined;
      for (let i = 0; i < 300 && ready?.status !== 200 && child.exitCode === null; i++) {
        ready = await fetch(`${url}/readyz`).catch(() => undefined);
        if (ready?.status !== 200) await sleep(100);
      }
      assert.equal(ready?.status, 200, output);
      const page = await fetch(`${url}/verify`);
      assert.equal(page.status, 200);
      assert.equal(await page.text(), readFileSync(join(copy, 'dist/src/verifier-page/verifier.html'), 'utf8'));
      for (const [path, file] of [['/console', 'console.html'], ['/console/console.js', 'console.js'], ['/console/console.css', 'console.css']]) {
        const r = await fetch(url + path!);
        assert.equal(r.status, 200, path);
        assert.equal(await r.text(), readFileSync(join(copy, 'dist/src/console', file!), 'utf8'), path);
      }
      const openapi = (await (await fetch(`${url}/openapi.json`)).json()) as { info: { version: string } };
      assert.equal(openapi.info.version, (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
    } finally {
      child.kill('SIGTERM');
      assert.equal(await exited, 0, output);
      await dropPrefix(prefix);
    }
  });

  it('writes the verifier page the build made, byte for byte', () => {
    const page = join(dir, 'verifier.html');
    const r = run(['bin/shredproof.js', 'verifier-page', '--out', page]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(page, 'utf8'), readFileSync(join(copy, 'dist/src/verifier-page/verifier.html'), 'utf8'));
    assert.match(readFileSync(page, 'utf8'), /Content-Security-Policy/);
  });
});

describe('npm pack of shredproof', () => {
  it('ships bin, the build, docs (the README\'s image of an exhibit page among them), README and LICENSE: no sources, tests, benchmarks or keys', () => {
    // --ignore-scripts: the listing, without running the build (prepack) into the checkout.
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const [result] = JSON.parse(r.stdout) as [{ files: Array<{ path: string }> }];
    const paths = result.files.map((f) => f.path);
    for (const p of ['package.json', 'README.md', 'LICENSE', 'bin/shredproof.js', 'docs/FORMAT.md', 'docs/VERIFYING.md']) assert.ok(paths.includes(p), `${p} is shipped`);
    const unexpected = paths.filter((p) => !/^(package\.json|README\.md|LICENSE|bin\/shredproof\.js|docs\/.+\.md|docs\/exhibit-page-1\.png|docs\/console\/[a-z-]+\.png|dist\/(src|workers)\/.+\.(js|d\.ts|html|css))$/.test(p));
    assert.deepEqual(unexpected, []);
    assert.ok(paths.length < 100, `${paths.length} files`);
  });
});
