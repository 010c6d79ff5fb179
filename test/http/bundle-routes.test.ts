// The rest of a certificate bundle over HTTP (issue 14; docs/API.md): the
// trust root, order.json, the list files of a version 2 certificate and
// proofs of one list entry, on a real order run through the engine; and
// `shredproof order fetch`, whose bundle then verifies, pinned.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseTrustRoot, trustedKey, verifyObjectProof, publicKeyFromPem } from '../../packages/verify/src/core/index.js';
import { executeDemoOrder } from '../helpers/engine-harness.js';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.js';
import { runCli } from '../helpers/run-cli.js';

describe('bundle routes', { timeout: 180_000 }, () => {
  let api: ApiHarness;
  let id: string;
  const out = mkdtempSync(join(tmpdir(), 'sp-bundle-http-'));

  before(async () => {
    api = await startApiHarness({ objects: 60, batchSize: 25 });
    id = await executeDemoOrder(api);
    const done = await api.runtime.coordinator.waitFor(id);
    assert.match(done.state, /^certified/);
  });
  after(async () => {
    await api?.close();
    rmSync(out, { recursive: true, force: true });
  });

  it('GET /v1/trust.json: public, the signing key valid from before the certificate; the same bytes every time', async () => {
    const r = await api.call('/v1/trust.json', { as: null });
    assert.equal(r.status, 200);
    const text = await r.text();
    const root = parseTrustRoot(text);
    assert.deepEqual(root.certificateKeys.map((k) => k.keyid), [api.runtime.deps.signer.keyid]);
    const cert = api.runtime.deps.ledger.certificate(id)!;
    assert.ok(root.certificateKeys[0]!.validFrom <= cert.issuedAt);
    assert.equal(await (await api.call('/v1/trust.json', { as: null })).text(), text);
  });

  it('GET order.json: the exact bytes whose SHA-256 is the certificate\'s order.sha256', async () => {
    const r = await api.call(`/v1/orders/${id}/order.json`, { as: 'audrey' });
    assert.equal(r.status, 200);
    const bytes = Buffer.from(await r.arrayBuffer());
    assert.equal(createHash('sha256').update(bytes).digest('hex'), api.runtime.deps.ledger.getOrder(id)!.documentSha256);
    assert.equal((await api.call(`/v1/orders/${id}/order.json`, { as: null })).status, 401);
  });

  it('GET lists/{list}: each list file; an unknown list is 400 naming the field', async () => {
    for (const list of ['retained', 'exceptions', 'rescan']) {
      const r = await api.call(`/v1/orders/${id}/lists/${list}`, { as: 'audrey' });
      assert.equal(r.status, 200, list);
      assert.match(r.headers.get('content-type') ?? '', /application\/x-ndjson/);
      const text = await r.text();
      assert.ok(text === '' || text.endsWith('\n'), list);
    }
    const bad = await api.call(`/v1/orders/${id}/lists/secrets`, { as: 'audrey' });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(await bad.json()), /list/);
  });

  it('GET proof?list=retained: a held photo found by its own hash, with a proof that names nobody else', async () => {
    const [locator, sha256] = [...api.dataset.held][0]!;
    const r = await api.call(`/v1/orders/${id}/proof?list=retained&sha256=${sha256}`, { as: 'audrey' });
    assert.equal(r.status, 200, await r.clone().text());
    const proof = (await r.json()) as { list: string; entry: string };
    const keys = [trustedKey(api.runtime.deps.signer.publicKey)];
    const v = verifyObjectProof(proof, keys);
    assert.equal(v.list, 'retained');
    assert.equal(v.entry.locator, locator);
    // No other held object's locator is in the proof's bytes (the statement names none, siblings are hashes).
    const text = JSON.stringify(proof);
    for (const other of [...api.dataset.held.keys()].filter((l) => l !== locator)) assert.ok(!text.includes(other), other);
    assert.equal((await api.call(`/v1/orders/${id}/proof?list=retained&locator=no/such/photo.jpg`, { as: 'audrey' })).status, 404);
    assert.equal((await api.call(`/v1/orders/${id}/proof?list=nonsense&leafIndex=0`, { as: 'audrey' })).status, 400);
  });

  it('order fetch writes the whole bundle, and it verifies pinned by the key id', async () => {
    const dir = join(out, 'fetched');
    writeFileSync(join(out, 'audrey.token'), api.tokens.audrey, { mode: 0o600 });
    const f = await runCli('order', 'fetch', id, '--out', dir, '--server', api.url, '--token-file', join(out, 'audrey.token'));
    assert.equal(f.code, 0, f.stdout + f.stderr);
    assert.deepEqual(readdirSync(dir).sort(), ['certificate.json', 'exceptions.ndjson', 'order.json', 'public-key.pem', 'receipt.tlog-proof', 'records.ndjson', 'rescan.ndjson', 'retained.ndjson', 'trust.json']);
    const keyid = trustedKey(publicKeyFromPem(readFileSync(join(dir, 'public-key.pem'), 'utf8'))).keyid;
    const v = await runCli('verify', '--bundle', dir, '--keyid', keyid);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /^key pinned: yes/m);
    // A second fetch into the same directory refuses, naming the file; --force overwrites.
    assert.equal((await runCli('order', 'fetch', id, '--out', dir, '--server', api.url, '--token-file', join(out, 'audrey.token'))).code, 2);
  });
});
