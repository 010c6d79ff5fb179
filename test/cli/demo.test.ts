// The README's quick start: `shredproof demo` through the installed command,
// then its outputs checked by `shredproof verify` and by the independent
// openssl + python3 check.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { independentCheck } from '../helpers/independent-check.js';
import { spawnCli } from '../helpers/run-cli.js';
import { requireRedis } from '../helpers/services.js';

const dir = mkdtempSync(join(tmpdir(), 'sp-demo-'));

/** The user folder of the held photo: retained.ndjson's one target's locator starts with it. */
function heldUser(out: string): string {
  const first = readFileSync(join(out, 'retained.ndjson'), 'utf8').split('\n')[0]!;
  return (JSON.parse(first) as { locator: string }).locator.split('/').slice(0, 2).join('_');
}
after(() => rmSync(dir, { recursive: true, force: true }));

describe('shredproof demo', () => {
  it('runs a whole order and writes outputs that verify, with shredproof and independently', async () => {
    await requireRedis();
    const out = join(dir, 'out');
    const demo = spawnCli(['demo', '--out', out, '--objects', '400'], { env: { LOG_LEVEL: 'warn' } });
    assert.equal(demo.code, 0, demo.stdout + demo.stderr);
    assert.match(demo.stdout, /VERIFIED certificate cert-/);
    assert.match(demo.stdout, /held and out-of-scope files still present: (\d+) of \1; in-scope files left: 0/);
    const keyid = /key id ([0-9a-f]{64}) \(pinned\)/.exec(demo.stdout)?.[1];
    assert.ok(keyid, demo.stdout);
    // The whole bundle, pinned by the key id the demo printed: every file valid, and the pin said.
    const verify = spawnCli(['verify', '--bundle', out, '--keyid', keyid]);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /^VALID \(/);
    assert.match(verify.stdout, new RegExp(`key pinned: yes, by the key id ${keyid}`));
    for (const f of ['certificate.json', 'records.ndjson', 'retained.ndjson', 'exceptions.ndjson', 'rescan.ndjson', 'order.json', 'trust.json', 'public-key.pem']) {
      assert.match(verify.stdout, new RegExp(`^  ${f.replace('.', '\\.')} +VALID`, 'm'), f);
    }
    // 380 photos (20 held) and the face model's 2 files, derived from them.
    assert.match(verify.stdout, /destroyed 382 of 402 planned objects/);
    // The derived section: the model destroyed, the vendor's copies held by the vendor whose certificate came
    // with the bundle and verified, pinned by the SHA-256 our signed statement gives.
    assert.match(verify.stdout, /^ +vendors\/labelling-copies\/certificate\.json +VALID/m);
    assert.match(verify.stdout, /face-model-v1.*destroyed/);
    assert.match(verify.stdout, /labelling-copies.*held by/i);
    // Without the pin it is still valid, and says plainly that the key was not pinned.
    const unpinned = spawnCli(['verify', '--bundle', out]);
    assert.equal(unpinned.code, 0, unpinned.stdout + unpinned.stderr);
    assert.match(unpinned.stdout, /key NOT pinned/);
    // The copies of photos taken before the run: a destroyed one is FOUND by its content.
    const photos = readdirSync(join(out, 'photos-to-check'));
    assert.equal(photos.length, 4);
    const found = spawnCli(['prove', '--certificate', join(out, 'certificate.json'), '--records', join(out, 'records.ndjson'), '--public-key', join(out, 'public-key.pem'), '--file', join(out, 'photos-to-check', photos.find((p) => !p.includes(heldUser(out)))!)]);
    assert.equal(found.code, 0, found.stdout + found.stderr);
    const [py, ossl, text] = independentCheck(out);
    assert.equal(py, 0, text);
    assert.equal(ossl, 0, text);
    assert.equal(readFileSync(join(out, 'records.ndjson'), 'utf8').split('\n').length - 1, 382);
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
