// The pages the API serves, in real Chromium over HTTP: /verify (the offline
// verifier, with its own strict CSP sent as the header) verifies a
// certificate fetched from the API; /docs renders the OpenAPI document with
// locally served assets. No console errors: a CSP violation would be one.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type BrowserContext, chromium } from 'playwright-core';
import { demoOrder } from '../../src/demo/dataset.js';
import { type ApiHarness, startApiHarness, waitForState } from '../helpers/api-harness.js';
import { CHROMIUM, chooseFiles, requireChromium, SCREENSHOT_DIR, verifyInPage } from '../helpers/browser.js';

describe('pages served by the API, in Chromium', () => {
  let api: ApiHarness;
  let context: BrowserContext;
  let dir: string;
  let id: string;
  before(async () => {
    requireChromium();
    api = await startApiHarness({ objects: 20 });
    dir = mkdtempSync(join(tmpdir(), 'sp-served-'));
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    id = ((await (await api.call('/v1/orders', { method: 'POST', json: demoOrder('photos') })).json()) as { id: string }).id;
    await api.call(`/v1/orders/${id}/plan`, { method: 'POST' });
    const planned = await waitForState(api, id, ['planned']);
    await api.call(`/v1/orders/${id}/approve`, { method: 'POST', as: 'bob', json: { planRoot: planned.plan.root } });
    await api.call(`/v1/orders/${id}/execute`, { method: 'POST' });
    await waitForState(api, id, ['certified']);
  });
  after(async () => {
    await context?.close();
    await api?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('/verify verifies a certificate and records fetched from the API, under the page\'s own CSP header', async () => {
    const res = await fetch(`${api.url}/verify`);
    const html = await res.text();
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1];
    assert.equal(res.headers.get('content-security-policy'), meta);
    assert.match(meta!, /default-src 'none'/);
    const files = {
      certificate: join(dir, 'certificate.json'),
      publicKey: join(dir, 'public-key.pem'),
      records: join(dir, 'records.ndjson'),
    };
    writeFileSync(files.certificate, await (await api.call(`/v1/orders/${id}/certificate`, { as: 'audrey' })).text());
    writeFileSync(files.records, await (await api.call(`/v1/orders/${id}/records`, { as: 'audrey' })).text());
    writeFileSync(files.publicKey, await (await fetch(`${api.url}/v1/keys/${api.runtime.deps.signer.keyid}`, { headers: { accept: 'application/x-pem-file' } })).text());
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`${api.url}/verify`);
    await chooseFiles(page, files);
    await page.fill('#pin-keyid', api.runtime.deps.signer.keyid); // the key id as published out of band (docs/FORMAT.md section 5.8)
    const verdict = await verifyInPage(page);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'served-verify-valid.png'), fullPage: true });
    assert.equal(verdict.verdict, 'valid', JSON.stringify(verdict));
    assert.deepEqual(errors, []);
    assert.deepEqual(requests.filter((u) => !u.startsWith('blob:')), [`${api.url}/verify`], 'the page asks for nothing but itself');
    await page.close();
  });

  it('/docs renders every operation of the OpenAPI document from local assets', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    const external: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => {
      if (!r.url().startsWith(api.url) && !r.url().startsWith('data:')) external.push(r.url());
    });
    page.on('response', (r) => r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`));
    await page.goto(`${api.url}/docs`);
    await page.waitForSelector('.opblock', { timeout: 30_000 });
    const operations = await page.locator('.opblock').count();
    const doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as { paths: Record<string, object> };
    const expected = Object.values(doc.paths).reduce((n, p) => n + Object.keys(p).length, 0);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'served-docs.png') });
    assert.equal(operations, expected);
    assert.deepEqual(errors, []);
    assert.deepEqual(external, []);
    await page.close();
  });
});
