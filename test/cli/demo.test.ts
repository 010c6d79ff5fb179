// The README's quick start: `shredproof demo` through the installed command,
// then its outputs checked by `shredproof verify` and by the independent
// openssl + python3 check.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { independentCheck } from '../helpers/independent-check.js';
import { spawnCli } from '../helpers/run-cli.js';
import { requireRedis } from '../helpers/services.js';

const dir = mkdtempSync(join(tmpdir(), 'sp-demo-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('shredproof demo', () => {
  it('runs a whole order and writes outputs that verify, with shredproof and independently', async () => {
    await requireRedis();
    const out = join(dir, 'out');
    const demo = spawnCli(['demo', '--out', out, '--objects', '400'], { env: { LOG_LEVEL: 'warn' } });
    assert.equal(demo.code, 0, demo.stdout + demo.stderr);
    assert.match(demo.stdout, /VERIFIED certificate cert-/);
    assert.match(demo.stdout, /held and out-of-scope files still present: (\d+) of \1; in-scope files left: 0/);
    const verify = spawnCli(['verify', '--certificate', join(out, 'certificate.json'), '--public-key', join(out, 'public-key.pem'), '--records', join(out, 'records.ndjson')]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /destroyed 380 of 400 planned objects/);
    const [py, ossl, text] = independentCheck(out);
    assert.equal(py, 0, text);
    assert.equal(ossl, 0, text);
    assert.equal(readFileSync(join(out, 'records.ndjson'), 'utf8').split('\n').length - 1, 380);
    // a second run into the same directory refuses to overwrite
    const again = spawnCli(['demo', '--out', out, '--objects', '10']);
    assert.equal(again.code, 2, again.stdout + again.stderr);
  });

  it('refuses a bad --objects with a usage error', () => {
    const r = spawnCli(['demo', '--out', join(dir, 'x'), '--objects', 'lots']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--objects must be a whole number/);
  });
});
