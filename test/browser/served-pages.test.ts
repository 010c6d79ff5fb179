// The pages the API serves, in real Chromium over HTTP: /verify (the offline
// verifier, with its own strict CSP sent as the header) verifies a
// certificate fetched from the API, and the whole bundle with the approvals
// signed by the people's own keys (checked against the served trust.json)
// and the certificate's receipt from the log (docs/FORMAT.md section 12.8);
// /docs renders the OpenAPI document with locally served assets. No console
// errors: a CSP violation would be one.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type BrowserContext, chromium } from 'playwright-core';
import { demoOrder } from '../../src/demo/dataset.js';
import { type ApiHarness, approvalBody, startApiHarness, waitForState } from '../helpers/api-harness.js';
import { personSigner, signedBy } from '../helpers/approvals.js';
import { CHROMIUM, chooseFiles, requireChromium, SCREENSHOT_DIR, verifyInPage } from '../helpers/browser.js';
import { chooseBundleFolder, setPins } from './page-actions.js';

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
    const planned = (await waitForState(api, id, ['planned'])) as Parameters<typeof approvalBody>[0];
    // alice signs her plan as its performer, bob approves it: each with their own (test) key.
    const row = { id, documentSha256: planned.documentSha256, planRoot: planned.plan.root, planCount: planned.plan.objects } as Parameters<typeof signedBy>[1];
    const { keyid, signedAt, signature } = signedBy({ clock: { now: () => new Date() } }, row, 'alice', 'performer');
    const signed = await api.call(`/v1/orders/${id}/sign-plan`, { method: 'POST', json: { planRoot: planned.plan.root, signature: { keyid, signedAt, signature } } });
    assert.equal(signed.status, 200, await signed.text());
    const approved = await api.call(`/v1/orders/${id}/approve`, { method: 'POST', as: 'bob', json: approvalBody(planned, 'bob') });
    assert.equal(approved.status, 200, await approved.text());
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

  it('/verify verifies the bundle fetched from the API, and says who approved and who signed the plan, with their own keys', async () => {
    const bundle = join(dir, 'bundle');
    mkdirSync(bundle);
    const save = async (file: string, path: string, as: 'audrey' | null = 'audrey') => {
      const r = await api.call(path, { as });
      assert.equal(r.status, 200, path);
      const text = await r.text();
      writeFileSync(join(bundle, file), text);
      return text;
    };
    const certificate = JSON.parse(await save('certificate.json', `/v1/orders/${id}/certificate`)) as { payload: string };
    await save('records.ndjson', `/v1/orders/${id}/records`);
    await save('order.json', `/v1/orders/${id}/order.json`);
    for (const list of ['retained', 'exceptions', 'rescan']) await save(`${list}.ndjson`, `/v1/orders/${id}/lists/${list}`);
    const trust = await save('trust.json', '/v1/trust.json', null);
    // The trust root names the log and requires receipts: the receipt is the log's, public like it.
    const { certificateId } = JSON.parse(Buffer.from(certificate.payload, 'base64').toString('utf8')) as { certificateId: string };
    await save('receipt.tlog-proof', `/log/proof/${certificateId}`, null);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${api.url}/verify`);
    await chooseBundleFolder(page, bundle);
    // The SHA-256 of trust.json as published out of band: it vouches for the signing key and the people's keys alike.
    await setPins(page, { trustSha256: createHash('sha256').update(trust).digest('hex') });
    const verdict = await verifyInPage(page);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'served-verify-approvals.png'), fullPage: true });
    assert.equal(verdict.verdict, 'valid', JSON.stringify(verdict));
    const short = (name: string) => personSigner(name).keyid.slice(0, 16);
    assert.match(
      (await page.textContent('#verdict-approval')) ?? '',
      new RegExp(`^Approved by bob with their own key ${short('bob')} \\(signed [^)]+\\)\\. Plan signed by the performer alice with their own key ${short('alice')} \\(signed [^)]+\\)\\.$`),
    );
    const statement = (await page.textContent('#statement')) ?? '';
    assert.ok(statement.includes(`bob, the approver, with their own key ${personSigner('bob').keyid}`), statement);
    assert.ok(statement.includes(`alice, who created the order, with their own key ${personSigner('alice').keyid}`), statement);
    assert.match((await page.textContent('#verdict-log')) ?? '', /^Published in the issuer’s transparency log: this certificate is entry \d+ of /);
    assert.deepEqual(errors, []);
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
    // Every operation opened, its example values shown: what Swagger UI makes up when a schema has no example
    // (additionalProp1, "string", dates thousands of years away) must appear nowhere (issue 20).
    for (const summary of await page.locator('.opblock-summary-control').all()) await summary.click();
    await page.waitForFunction((n) => document.querySelectorAll('.opblock-body').length === n, expected, { timeout: 30_000 });
    const examples = await page.locator('.opblock-body .microlight, .opblock-body .highlight-code').allTextContents();
    assert.ok(examples.length >= expected, `${examples.length} example blocks for ${expected} operations`);
    const shown = examples.join('\n');
    assert.doesNotMatch(shown, /additionalProp\d/);
    assert.doesNotMatch(shown, /"string"/);
    assert.doesNotMatch(shown, /"\d{5,}-\d\d-\d\dT|"[3-9]\d{3}-\d\d-\d\dT/, 'a date far from 2026');
    assert.deepEqual(errors, []);
    assert.deepEqual(external, []);
    await page.close();
  });
});
