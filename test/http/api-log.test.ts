// The transparency log through the running server (issue 17; docs/FORMAT.md
// section 12, docs/API.md "The transparency log"): an order certified by the
// real engine is logged in the transaction that records its certificate; its
// bundle carries a receipt that the core verifies against the bundle's own
// trust root; /log/ serves the checkpoint, tiles and entry bundles without a
// token, with the cache headers tlog-tiles recommends, and the tiles are the
// tree the checkpoint signs; a listed witness's cosignature is taken back
// and served, and a forged one is refused.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  checkCertificateReceipt,
  cosignatureLine,
  formatVerifierKey,
  NOTE_KEY_COSIGNATURE_V1,
  parseCertificate,
  parseCheckpointText,
  parseLogEntry,
  parseSignedNote,
  parseTrustRoot,
  RECEIPT_FILE,
  rootFromLeafHashes,
  seedSigner,
  verifyCertificate,
  trustRootKeys,
  bytesToHex,
  hashLeaf,
} from '../../packages/verify/src/core/index.js';
import { addWitness } from '../../src/app/transparency-log.js';
import { certificateFiles } from '../../src/app/finalize-order.js';
import { approvalBody, type ApiHarness, startApiHarness, waitForState } from '../helpers/api-harness.js';
import { demoOrder } from '../helpers/engine-harness.js';

describe('the transparency log through the API', { timeout: 120_000 }, () => {
  let api: ApiHarness;
  let orderId: string;
  const witness = seedSigner(new Uint8Array(32).fill(8));
  const witnessName = 'witness.example.org/w1';
  before(async () => {
    api = await startApiHarness({ objects: 10, env: { SHREDPROOF_LOG_ORIGIN: 'log.test.example/shredproof' } });
    const created = (await (await api.call('/v1/orders', { method: 'POST', json: demoOrder('photos') })).json()) as { id: string };
    orderId = created.id;
    await api.call(`/v1/orders/${orderId}/plan`, { method: 'POST' });
    const planned = await waitForState(api, orderId, ['planned']);
    await api.call(`/v1/orders/${orderId}/approve`, { method: 'POST', as: 'bob', json: approvalBody(planned as never, 'bob') });
    await api.call(`/v1/orders/${orderId}/execute`, { method: 'POST' });
    await waitForState(api, orderId, ['certified', 'certified-with-exceptions']);
  });
  after(() => api?.close());

  it('logs the certificate and puts a receipt in its bundle, which verifies against the bundle\'s trust root', () => {
    const files = certificateFiles(api.config.dataDir, orderId);
    const root = parseTrustRoot(readFileSync(files.trust));
    assert.equal(root.log?.origin, 'log.test.example/shredproof');
    assert.ok(root.log?.receiptsRequiredFrom, 'the log began with the server\'s first key');
    const envelope = parseCertificate(readFileSync(files.certificate)) as { payload: string };
    const { statement } = verifyCertificate(envelope, trustRootKeys(root));
    const facts = checkCertificateReceipt(root, envelope, statement, readFileSync(join(files.dir, RECEIPT_FILE)))!;
    assert.ok(facts.index >= 1, 'after the signing key\'s own entry');
    assert.equal(facts.origin, 'log.test.example/shredproof');
    // Without the receipt, the trust root that requires one refuses the certificate.
    assert.throws(() => checkCertificateReceipt(root, envelope, statement, undefined), (e: unknown) => (e as { code?: string }).code === 'RECEIPT_MISSING');
  });

  it('serves the checkpoint, tiles and entries without a token, with tlog-tiles\' cache headers; the tiles are the tree it signs', async () => {
    const cp = await fetch(`${api.url}/log/checkpoint`);
    assert.equal(cp.status, 200);
    assert.equal(cp.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(cp.headers.get('cache-control'), 'no-cache');
    const checkpoint = parseCheckpointText(parseSignedNote(await cp.text()).text);
    assert.equal(checkpoint.origin, 'log.test.example/shredproof');
    const w = checkpoint.size;
    const tile = await fetch(`${api.url}/log/tile/0/000.p/${w}`);
    assert.equal(tile.status, 200);
    assert.equal(tile.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    const hashes = new Uint8Array(await tile.arrayBuffer());
    assert.equal(hashes.length, 32 * w);
    const leafHashes = Array.from({ length: w }, (_, i) => hashes.subarray(32 * i, 32 * i + 32));
    assert.equal(bytesToHex(rootFromLeafHashes(leafHashes)), bytesToHex(checkpoint.rootHash), 'the level-0 tile makes the signed root');
    const bundle = new Uint8Array(await (await fetch(`${api.url}/log/tile/entries/000.p/${w}`)).arrayBuffer());
    const types: string[] = [];
    for (let at = 0, i = 0; at < bundle.length; i++) {
      const n = (bundle[at]! << 8) | bundle[at + 1]!;
      const entry = bundle.subarray(at + 2, at + 2 + n);
      assert.equal(bytesToHex(hashLeaf(entry)), bytesToHex(leafHashes[i]!), `entry ${i} hashes to its tile hash`);
      types.push(parseLogEntry(entry).type);
      at += 2 + n;
    }
    assert.ok(types.includes('certificate') && types.includes('key'), types.join(', '));
    for (const [path, status] of [[`/log/tile/0/000.p/${w + 1}`, 404], ['/log/tile/0/000', 404], ['/log/tile/0/0', 404], ['/log/tile/1/000.p/1', 404], ['/log/nothing', 404]] as const) {
      assert.equal((await fetch(api.url + path)).status, status, path);
    }
  });

  it('gives the newest receipt by certificate id, and takes a listed witness\'s cosignature, which it then serves', async () => {
    const id = JSON.parse(Buffer.from((parseCertificate(readFileSync(certificateFiles(api.config.dataDir, orderId).certificate)) as { payload: string }).payload, 'base64').toString()).certificateId as string;
    const r = await fetch(`${api.url}/log/proof/${id}`);
    assert.equal(r.status, 200);
    assert.match(await r.text(), /^c2sp\.org\/tlog-proof@v1\nindex \d+\n/);
    assert.equal((await fetch(`${api.url}/log/proof/cert-unknown`)).status, 404);
    assert.equal((await fetch(`${api.url}/log/proof/${encodeURIComponent('../x')}`)).status, 400);

    const note = await (await fetch(`${api.url}/log/checkpoint`)).text();
    const text = note.slice(0, note.indexOf('\n\n') + 1);
    const line = cosignatureLine(text, witnessName, witness, Math.floor(Date.now() / 1000));
    const post = (body: string) => fetch(`${api.url}/log/cosignature`, { method: 'POST', body, headers: { 'content-type': 'text/plain' } });
    const unlisted = await post(note + line);
    assert.equal(unlisted.status, 409);
    assert.equal(((await unlisted.json()) as { code: string }).code, 'LOG_REFUSED');
    addWitness(api.runtime.deps, formatVerifierKey(witnessName, NOTE_KEY_COSIGNATURE_V1, witness.publicKey), 'test');
    const forged = await post(note + line.slice(0, 60) + (line[60] === 'A' ? 'B' : 'A') + line.slice(61));
    assert.equal(forged.status, 409);
    const ok = await post(note + line);
    assert.equal(ok.status, 200, await ok.clone().text());
    assert.deepEqual(await ok.json(), { accepted: [witnessName] });
    assert.ok((await (await fetch(`${api.url}/log/checkpoint`)).text()).endsWith(line), 'served with its cosignature');
    assert.equal((await post('')).status, 400);
  });
});
