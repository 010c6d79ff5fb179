// Key rotation and revocation with real processes' state (issue 15, item 1):
// three orders certified by three keys in turn (`shredproof key rotate`
// twice, the coordinator restarted with each new key); a server still holding
// a rotated-away key refuses to sign, a retired key refuses to start; then
// the current trust root verifies every bundle, pinned, with the CLI and with
// python3 + openssl, and `key revoke` turns exactly the certificates signed
// after the compromise INVALID (KEY_REVOKED). Each bundle is also fetched over
// HTTP (`order fetch`), an object of it proved (`prove`), and verified in the
// offline page in Chromium, before and after the revocation. Each order was
// approved with the approver's own key (test/helpers/approvals.ts), and every
// verifier checks that signature against the same trust root.
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { parseTrustRoot } from '../../packages/verify/src/core/index.js';
import { certificateFiles } from '../../src/app/finalize-order.js';
import { trustRootFile } from '../../src/app/trust-root.js';
import { loadConfig } from '../../src/config/config.js';
import { composeCoordinator, type CoordinatorRuntime } from '../../src/main/coordinator.js';
import { silentLogger } from '../../src/log.js';
import { createApp } from '../../src/http/app.js';
import { buildVerifierPage } from '../../src/verifier-page/build.js';
import { chooseBundleFolder, setPins } from '../browser/page-actions.js';
import { issueTestToken } from '../helpers/approvals.js';
import { openVerifierPage, type VerifierPage, verifyInPage } from '../helpers/browser.js';
import { executeDemoOrder, type Harness, startHarness } from '../helpers/engine-harness.js';
import { independentCheck } from '../helpers/independent-check.js';
import { runCli } from '../helpers/run-cli.js';

describe('key rotation and revocation', { timeout: 300_000 }, () => {
  let h: Harness;
  const runtimes: CoordinatorRuntime[] = [];
  let server: Server | undefined;
  let page: VerifierPage | undefined;
  after(async () => {
    await page?.close();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    for (const r of runtimes) await r.close();
    await h?.close();
  });

  const key = (...args: string[]) => runCli('key', ...args, '--data-dir', h.config.dataDir);
  /** Each order destroys the photos again (put back from a copy taken at the start), so that each certificate has records to prove. */
  const certify = async (runtime: CoordinatorRuntime) => {
    const copy = join(h.dir, 'store-copy');
    if (!existsSync(copy)) cpSync(h.dataset.root, copy, { recursive: true });
    else cpSync(copy, h.dataset.root, { recursive: true });
    const id = await executeDemoOrder({ ...h, runtime });
    const done = await runtime.coordinator.waitFor(id);
    assert.match(done.state, /^certified/, done.failure ?? '');
    return { id, issuedAt: runtime.deps.ledger.certificate(id)!.issuedAt, keyid: runtime.deps.signer.keyid };
  };
  /** A new coordinator on the same ledger, Redis prefix and key path: what a restart of `serve` is. */
  const restart = async (previous: CoordinatorRuntime) => {
    await previous.close();
    const r = await composeCoordinator(loadConfig(h.env), h.backends, silentLogger(), { intervalMs: 50 });
    runtimes.push(r);
    r.coordinator.start();
    return r;
  };
  const verifyBundle = (id: string, trust: string) => runCli('verify', '--bundle', certificateFiles(h.config.dataDir, id).dir, '--trust', trust);

  it('rotate twice, revoke once: every certificate keeps verifying until its key is revoked before it was issued', async () => {
    h = await startHarness({ objects: 12, batchSize: 50 });
    h.runtime.coordinator.start();
    const a = await certify(h.runtime);
    const firstKeyCopy = join(h.dir, 'first-key-copy.pem');
    copyFileSync(h.config.keyPath, firstKeyCopy);

    const r1 = await key('rotate', '--key', h.config.keyPath);
    assert.equal(r1.code, 0, r1.stdout + r1.stderr);
    assert.match(r1.stderr, /restart `shredproof serve` now/);
    // The server that still holds the rotated-away key refuses to sign: the order waits in finalizing.
    const stale = await executeDemoOrder(h);
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(h.runtime.deps.ledger.getOrder(stale)!.state, 'finalizing', 'no certificate from a retired key');
    assert.equal(h.runtime.deps.ledger.certificate(stale), undefined);
    let runtime = await restart(h.runtime);
    assert.equal((await runtime.coordinator.waitFor(stale)).state.startsWith('certified'), true, 'the restarted server certifies it with the new key');
    const b = await certify(runtime);
    assert.notEqual(b.keyid, a.keyid);

    assert.equal((await key('rotate', '--key', h.config.keyPath)).code, 0);
    runtime = await restart(runtime);
    const c = await certify(runtime);
    assert.equal(new Set([a.keyid, b.keyid, c.keyid]).size, 3);
    assert.equal(existsSync(join(h.dir, 'keys', `retired-${a.keyid.slice(0, 16)}-signing-key.pem`)), false, 'the retired private key is deleted');

    // A retired key refuses to start, with what to do.
    const stalled = loadConfig({ ...h.env, SHREDPROOF_KEY: firstKeyCopy });
    await assert.rejects(composeCoordinator(stalled, h.backends, silentLogger(), { intervalMs: 50 }), /was retired at .*point SHREDPROOF_KEY at the active key/);

    // The current trust root lists the three keys, each window ending where the next begins.
    const trust = join(h.dir, 'trust.json');
    writeFileSync(trust, trustRootFile(runtime.deps));
    const root = parseTrustRoot(trustRootFile(runtime.deps));
    assert.deepEqual(root.certificateKeys.map((k) => k.keyid), [a.keyid, b.keyid, c.keyid]);
    assert.equal(root.certificateKeys[0]!.validUntil, root.certificateKeys[1]!.validFrom);
    assert.equal(root.certificateKeys[2]!.validUntil, undefined);
    for (const o of [a, b, c]) {
      const v = await verifyBundle(o.id, trust);
      assert.equal(v.code, 0, `${o.id}: ${v.stdout}`);
      assert.match(v.stdout, /^key pinned: yes, by the trust root/m);
      // The independent check (python3 + openssl) agrees, with the same trust root pinned.
      const [py, ossl, text] = independentCheck(certificateFiles(h.config.dataDir, o.id).dir, { pin: ['--trust', trust] });
      assert.deepEqual([py, ossl], [0, 0], text);
    }

    // What a regulator does with each: fetch the bundle over HTTP, prove one destroyed object,
    // verify in the offline page with the same trust root pinned. Whatever key signed it.
    const app = createApp(runtime.deps, { http: { authFailuresPerMinute: 10_000 }, verifierPage: buildVerifierPage });
    server = await new Promise<Server>((resolve) => {
      const srv = app.listen(0, '127.0.0.1', () => resolve(srv));
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const token = issueTestToken(runtime.deps, { name: 'audrey', role: 'auditor', createdBy: 'test', now: new Date() }).token;
    page = await openVerifierPage();
    const fetched = new Map<string, string>();
    for (const o of [a, b, c]) {
      const dir = join(h.dir, `fetched-${o.id}`);
      const f = await runCli('order', 'fetch', o.id, '--out', dir, '--server', url, '--token', token);
      assert.equal(f.code, 0, f.stdout + f.stderr);
      fetched.set(o.id, dir);
      const v = await runCli('verify', '--bundle', dir, '--trust', trust);
      assert.equal(v.code, 0, v.stdout);
      assert.match(v.stdout, new RegExp(`^ +certificate.json +VALID: .* signed by key ${o.keyid}$`, 'm'));
      assert.match(v.stdout, /^approved by bob with their own key [0-9a-f]{64} \(signed .*; in the trust root\)$/m);
      const locator = (JSON.parse(readFileSync(join(dir, 'records.ndjson'), 'utf8').split('\n')[0]!) as { locator: string }).locator;
      const p = await runCli('prove', '--certificate', join(dir, 'certificate.json'), '--records', join(dir, 'records.ndjson'), '--public-key', join(dir, 'public-key.pem'), '--locator', locator, '--out', join(dir, 'proof.json'));
      assert.equal(p.code, 0, p.stdout + p.stderr);
      assert.equal((await runCli('verify', '--proof', join(dir, 'proof.json'), '--trust', trust)).code, 0, `${o.id}: the proof verifies with the trust root`);
      await chooseBundleFolder(page.page, dir);
      await setPins(page.page, { trust });
      const shown = await verifyInPage(page.page);
      assert.equal(shown.verdict, 'valid', `${o.id} in the page: ${JSON.stringify(shown)}`);
    }

    // key 2 compromised after B was issued: B stays valid. Then since before B: B is INVALID, A and C are not.
    const afterB = new Date(Date.parse(b.issuedAt) + 1).toISOString();
    assert.equal((await key('revoke', '--keyid', b.keyid, '--compromised-since', afterB, '--reason', 'laptop stolen (test)')).code, 0);
    writeFileSync(trust, trustRootFile(runtime.deps));
    assert.equal((await verifyBundle(b.id, trust)).code, 0);
    const beforeB = new Date(Date.parse(b.issuedAt) - 1).toISOString();
    assert.equal((await key('revoke', '--keyid', b.keyid, '--compromised-since', beforeB, '--reason', 'stolen earlier than thought (test)')).code, 0);
    writeFileSync(trust, trustRootFile(runtime.deps));
    const revoked = await verifyBundle(b.id, trust);
    assert.equal(revoked.code, 1, revoked.stdout);
    assert.match(revoked.stdout, /^INVALID KEY_REVOKED: /);
    const [py, , text] = independentCheck(certificateFiles(h.config.dataDir, b.id).dir, { pin: ['--trust', trust] });
    assert.equal(py, 1, text);
    assert.match(text, /FAIL: KEY_REVOKED/);
    for (const o of [a, c]) assert.equal((await verifyBundle(o.id, trust)).code, 0, o.id);
    // The page, given the new trust root, says so too, for B only. (A file of its own: a page holds
    // on to the file it was given, and one changed on disk since cannot be read again.)
    const revokedTrust = join(h.dir, 'trust-after-revocation.json');
    writeFileSync(revokedTrust, trustRootFile(runtime.deps));
    for (const o of [a, b, c]) {
      await chooseBundleFolder(page.page, fetched.get(o.id)!);
      await setPins(page.page, { trust: revokedTrust });
      const shown = await verifyInPage(page.page);
      assert.deepEqual([shown.verdict, shown.code], o === b ? ['invalid', 'KEY_REVOKED'] : ['valid', undefined], `${o.id}: ${JSON.stringify(shown)}`);
    }

    // key list says it; every change is in the audit log.
    const list = JSON.parse((await key('list', '--json')).stdout) as { keys: Array<{ keyid: string; status: string }> };
    assert.deepEqual(list.keys.map((k) => k.status), ['retired', 'revoked', 'active']);
    const actions = runtime.deps.ledger.access.audit({ limit: 1000 }).map((e) => e.action).filter((x) => x.startsWith('key.'));
    assert.deepEqual(actions, ['key.add', 'key.retire', 'key.add', 'key.retire', 'key.add', 'key.revoke', 'key.revoke']);
  });

  it('refuses bad input to key revoke and key rotate, naming the option, and changes nothing', async () => {
    const before = (await key('list', '--json')).stdout;
    for (const [args, pattern] of [
      [['revoke', '--keyid', 'XYZ', '--compromised-since', '2026-01-01T00:00:00Z', '--reason', 'r'], /--keyid must be 64 lowercase hex/],
      [['revoke', '--keyid', 'a'.repeat(64), '--compromised-since', 'yesterday', '--reason', 'r'], /--compromised-since must be an RFC 3339 time/],
      [['revoke', '--keyid', 'a'.repeat(64), '--compromised-since', '2999-01-01T00:00:00Z', '--reason', 'r'], /in the future/],
      [['revoke', '--keyid', 'a'.repeat(64), '--compromised-since', '2026-01-01T00:00:00Z', '--reason', '  '], /--reason must be 1 to 2000/],
      [['rotate', '--key', join(h.dir, 'nope.pem')], /no key at/],
    ] as const) {
      const r = await key(...args);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, pattern);
    }
    const unknown = await key('revoke', '--keyid', 'a'.repeat(64), '--compromised-since', '2026-01-01T00:00:00Z', '--reason', 'r');
    assert.equal(unknown.code, 1);
    assert.equal((await key('list', '--json')).stdout, before);
  });
});
