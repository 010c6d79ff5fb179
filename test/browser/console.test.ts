// The console (/console) in real Chromium against a real API (real Redis,
// ledger, files and worker): an operator creates an order whose deadline has
// passed and sees the warning, plans it, and cannot approve it (no button,
// and the API refuses when forced); an approver reviews and searches the
// inventory and approves with a personal key file signed inside the page;
// the operator executes and watches progress reach 100% over SSE; the
// result verifies in the page with the verifier's code, and the bundle
// downloaded from the console verifies with the CLI; an approver refuses a
// second plan with a reason the operator then reads; an auditor reads the
// audit log and checks its chain; an admin sees people, tokens and keys.
// axe-core scans every screen (no serious or critical violation), the page
// asks nothing of any other origin, and no console error (a CSP violation is
// one) occurs. Screenshots go to test-output/console/, and to docs/console/
// with UPDATE_SCREENSHOTS=1 (how the README's pictures are made).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { CONSOLE_CSP } from '../../src/console/build.js';
import { demoOrder } from '../../src/demo/dataset.js';
import { type ApiHarness, approvalBody, type PEOPLE, startApiHarness, waitForState } from '../helpers/api-harness.js';
import { personKeyPem } from '../helpers/approvals.js';
import { CHROMIUM, requireChromium } from '../helpers/browser.js';
import { ROOT, runCli } from '../helpers/run-cli.js';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs', 'console') : join(ROOT, 'test-output', 'console');
const PAST_DEADLINE = '2026-01-15T17:00:00Z';
const BIDI = '\u202e';
const PLAIN_HOST = 'console.test';

interface Tab {
  page: Page;
  errors: string[];
  foreign: string[];
}

describe('the console, in Chromium, from order to certificate', () => {
  let api: ApiHarness;
  let context: BrowserContext;
  let dir: string;
  let id: string;
  const tabs: Tab[] = [];

  before(async () => {
    requireChromium();
    api = await startApiHarness({ objects: 60, batchSize: 10 });
    // A file whose name holds a right-to-left override: the console must show the character, not obey it.
    writeFileSync(join(api.dataset.root, 'users', 'user-0003', `photo-${BIDI}gpj.exe`), 'not a photo');
    dir = mkdtempSync(join(tmpdir(), 'sp-console-'));
    mkdirSync(SHOTS, { recursive: true });
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      acceptDownloads: true,
      viewport: { width: 1280, height: 900 },
      // console.test: this server by a name that is not localhost, so that a page from it is not a secure context.
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', `--host-resolver-rules=MAP ${PLAIN_HOST} 127.0.0.1`],
    });
  });
  after(async () => {
    for (const t of tabs) {
      assert.deepEqual(t.errors, [], 'no console error in any tab (a CSP violation would be one)');
      assert.deepEqual(t.foreign, [], 'the console asks nothing of any other origin');
    }
    await context?.close();
    await api?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A new tab (its own sessionStorage) signed in as `who`. */
  async function signIn(who: keyof typeof PEOPLE): Promise<Page> {
    const page = await context.newPage();
    const tab: Tab = { page, errors: [], foreign: [] };
    tabs.push(tab);
    page.on('console', (m) => m.type() === 'error' && tab.errors.push(m.text()));
    page.on('pageerror', (e) => tab.errors.push(e.message));
    page.on('request', (r) => {
      const u = r.url();
      if (!u.startsWith(api.url) && !u.startsWith('blob:') && !u.startsWith('data:')) tab.foreign.push(u);
    });
    await page.goto(`${api.url}/console`);
    await page.getByLabel('API token').fill(api.tokens[who]);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    return page;
  }

  /** axe-core on the screen as it is: no serious or critical violation; then a screenshot. */
  async function scan(page: Page, name: string): Promise<void> {
    // Evaluated through the DevTools protocol, which the page's CSP does not govern; the page itself could not load it.
    await page.evaluate(AXE);
    const violations = await page.evaluate(async () => {
      const r = await (globalThis as any).axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v: any) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n: any) => n.target.join(' ')).slice(0, 3) }));
    });
    const bad = (violations as Array<{ impact: string }>).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad, [], `${name}: ${JSON.stringify(violations)}`);
    // The top of the screen, at most 1,800 pixels: what a reader of the docs needs, at a size the package can ship.
    const height = Math.min(await page.evaluate(() => document.documentElement.scrollHeight), 1800);
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true, clip: { x: 0, y: 0, width: 1280, height } });
  }

  const openOrder = async (page: Page) => {
    await page.goto(`${api.url}/console#/orders/${encodeURIComponent(id)}`);
    await page.getByRole('heading', { level: 1 }).waitFor();
  };

  it('serves the page, its script and its style under a strict CSP, with nothing inline', async () => {
    for (const path of ['/console', '/console/console.js', '/console/console.css']) {
      const r = await fetch(api.url + path);
      assert.equal(r.status, 200, path);
      assert.equal(r.headers.get('content-security-policy'), CONSOLE_CSP, path);
    }
    const html = await (await fetch(`${api.url}/console`)).text();
    assert.doesNotMatch(html, /<script>|<style>| style=| on[a-z]+=/i, 'no inline script, style or handler');
    assert.match(CONSOLE_CSP, /default-src 'none'/);
    assert.doesNotMatch(CONSOLE_CSP, /unsafe|https?:|\*/);
  });

  it('sign-in refuses an unknown token and says so', async () => {
    const page = await context.newPage();
    await page.goto(`${api.url}/console`);
    await scan(page, 'sign-in');
    await page.getByLabel('API token').fill('sp_0123456789abcdef_nottherealsecretatall');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'does not accept this token' }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'a refused token is not kept');
    await page.close();
  });

  it('an operator creates an order whose deadline has passed: the warning shows, and the order is overdue', async () => {
    const page = await signIn('alice');
    await page.getByRole('link', { name: 'New order' }).click();
    await scan(page, 'new-order');
    const doc = { ...(demoOrder('photos') as object), deadline: PAST_DEADLINE };
    await page.getByLabel('Order document (JSON)').fill(JSON.stringify(doc, null, 2));
    await page.getByRole('button', { name: 'Create the order' }).click();
    const warning = page.getByRole('alert').filter({ hasText: 'DEADLINE_PASSED' });
    await warning.waitFor();
    id = decodeURIComponent(new URL(page.url()).hash.replace('#/orders/', ''));
    assert.match(id, /^ord-/);
    assert.match((await page.locator('.facts').textContent()) ?? '', /Overdue/);
    // The operator may plan, and has no approve button, here or anywhere.
    await page.getByRole('button', { name: 'Plan: list every object in scope' }).click();
    // No Refresh: the progress stream shows the state change, and the page reads the order again.
    await page.getByText(/The plan waits for an approver/).waitFor();
    await page.locator('table.inventory tbody tr').first().waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'order-title', 'focus moves to the order when its state changes');
    assert.equal(await page.getByRole('button', { name: /Approve/ }).count(), 0, 'no approve button for an operator');
    assert.equal(await page.getByLabel(/personal key file/).count(), 0);
    await scan(page, 'order-planned-operator');
    // Forced through the API with the operator's token: refused by role.
    const planned = await waitForState(api, id, ['planned']);
    const forced = await api.call(`/v1/orders/${id}/approve`, { method: 'POST', as: 'alice', json: approvalBody(planned as Parameters<typeof approvalBody>[0], 'alice') });
    assert.equal(forced.status, 403);
    assert.equal(((await forced.json()) as { code: string }).code, 'FORBIDDEN');
    await page.getByRole('link', { name: 'Orders' }).click();
    const row = page.getByRole('row').filter({ hasText: id });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /Overdue.*overdue by/);
    await scan(page, 'orders');
  });

  it('an approver reviews and searches the inventory, then approves with a personal key file signed in the page', async () => {
    const page = await signIn('bob');
    await page.getByRole('link', { name: /Demo order/ }).first().click();
    await openOrder(page);
    const inventory = page.locator('table.inventory tbody tr');
    await inventory.first().waitFor();
    assert.ok((await inventory.count()) > 0);
    await page.getByRole('searchbox').fill('user-0003');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText(/whose locator contains “user-0003”/).waitFor();
    const locators = await page.locator('table.inventory tbody tr td.mono').allTextContents();
    assert.ok(locators.length > 0, 'the search finds user-0003\'s objects');
    for (const l of locators) assert.match(l, /user-0003/);
    const tricky = locators.find((l) => l.includes('gpj.exe'));
    assert.equal(tricky, 'users/user-0003/photo-\\u202egpj.exe', 'the override is shown as an escape, as the verifier page shows it');
    await scan(page, 'order-review-approver');
    const keyPath = join(dir, 'bob.key.pem');
    writeFileSync(keyPath, personKeyPem('bob'), { mode: 0o600 });
    await page.getByLabel('Your personal key file (NAME.key.pem)').setInputFiles(keyPath);
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.postData() ?? ''));
    await page.getByRole('button', { name: 'Approve and sign' }).click();
    const approved = await waitForState(api, id, ['approved']);
    assert.equal(approved.approval.by, 'bob');
    assert.ok(!requests.some((b) => b.includes('PRIVATE KEY')), 'the key file never leaves the page');
    await page.getByText(/^Approved$/).waitFor();
  });

  it('the operator executes; progress over SSE reaches 100%; the result verifies with the verifier\'s code', async () => {
    const page = await signIn('alice');
    await openOrder(page);
    await page.getByRole('button', { name: 'Execute: destroy what the plan lists' }).click();
    await page.getByRole('heading', { name: /Progress/ }).waitFor();
    await page.getByText('100% done').waitFor({ timeout: 60_000 });
    assert.match((await page.locator('#progress-title ~ dl').textContent()) ?? '', /Rate\d[\d,]* objects\/s/, 'the rate is shown');
    await page.getByRole('heading', { name: 'Result' }).waitFor({ timeout: 60_000 });
    const verdict = page.locator('.verdict');
    await verdict.waitFor({ timeout: 60_000 });
    assert.equal(await verdict.textContent(), 'Verdict: Valid, but the key is not pinned');
    assert.match((await page.locator('.statement').textContent()) ?? '', /Approved by.*bob/s);
    await scan(page, 'order-result');
  });

  it('the bundle downloaded from the console verifies with the CLI, pinned to the server\'s key', async () => {
    const page = tabs[tabs.length - 1]!.page;
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'The certificate bundle (.tar)' }).click()]);
    const tarPath = join(dir, 'bundle.tar');
    await download.saveAs(tarPath);
    const out = join(dir, 'unpacked');
    mkdirSync(out);
    execFileSync('tar', ['-xf', tarPath, '-C', out]);
    const bundleDir = join(out, `${id}-bundle`);
    const r = await runCli('verify', '--bundle', bundleDir, '--keyid', api.runtime.deps.signer.keyid);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /VALID/);
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /The exhibit/ }).click()]);
    const pdfPath = join(dir, 'exhibit.pdf');
    await pdf.saveAs(pdfPath);
    assert.equal(readFileSync(pdfPath).subarray(0, 5).toString('latin1'), '%PDF-');
    assert.equal(await page.getByLabel(/A receipt for one data subject/).count(), 0, 'receipts are the auditor\'s to hand out');
  });

  it('an auditor downloads a receipt for one data subject', async () => {
    const page = await signIn('audrey');
    await openOrder(page);
    await page.getByRole('heading', { name: 'Result' }).waitFor();
    // The object asked about, destroyed.
    const destroyed = [...api.dataset.inScope.keys()][0]!;
    await page.getByLabel(/A receipt for one data subject/).fill(`photos:${destroyed}`);
    const [receipt] = await Promise.all([
      Promise.race([page.waitForEvent('download'), page.locator('form.receipt [role=alert]').waitFor().then(async () => assert.fail((await page.locator('form.receipt [role=alert]').textContent()) ?? 'an error'))]),
      page.getByRole('button', { name: 'Download the receipt' }).click(),
    ]);
    const receiptPath = join(dir, 'receipt.json');
    await receipt.saveAs(receiptPath);
    const r2 = JSON.parse(readFileSync(receiptPath, 'utf8')) as { order: { id: string }; objects: Array<{ query: { locator: string }; status: string }> };
    assert.equal(r2.order.id, id);
    assert.deepEqual(r2.objects.map((o) => [o.query.locator, o.status]), [[`photos:${destroyed}`, 'destroyed']]);
  });

  it('an approver refuses a plan with a reason, which the operator reads on the order', async () => {
    const created = await api.call('/v1/orders', { method: 'POST', json: { ...(demoOrder('photos') as object), reference: 'Order to refuse' } });
    const second = ((await created.json()) as { id: string }).id;
    await api.call(`/v1/orders/${second}/plan`, { method: 'POST' });
    await waitForState(api, second, ['planned']);
    const bob = await signIn('bob');
    await bob.goto(`${api.url}/console#/orders/${second}`);
    await bob.getByLabel('Why you refuse it').fill('the scope takes every user; the request names one');
    await bob.getByRole('button', { name: 'Refuse the plan' }).click();
    const back = await waitForState(api, second, ['draft']);
    assert.match(back.failure, /refused by bob: the scope takes every user; the request names one$/);
    assert.equal(back.plan, null);
    const alice = await signIn('alice');
    await alice.goto(`${api.url}/console#/orders/${second}`);
    await alice.getByText(/refused by bob: the scope takes every user/).first().waitFor();
    await scan(alice, 'order-refused-operator');
    // Planned again, the order shows the refusal still, to whoever approves next.
    await alice.getByRole('button', { name: 'Plan again' }).click();
    await waitForState(api, second, ['planned']);
    await bob.reload();
    await bob.getByRole('heading', { name: 'A plan of this order was refused' }).waitFor();
    assert.match((await bob.locator('.warning').first().textContent()) ?? '', /refused by bob: the scope takes every user; the request names one/);
    await bob.getByRole('button', { name: 'Approve and sign' }).waitFor();
  });

  it('the orders list pages through more orders than a page holds, and filters by state', async () => {
    for (let i = 0; i < 21; i++) {
      const r = await api.call('/v1/orders', { method: 'POST', as: 'olga', json: { ...(demoOrder('photos') as object), reference: `Paging order ${i}` } });
      assert.equal(r.status, 201);
    }
    const page = await signIn('audrey');
    const rows = page.locator('table.orders tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 20, 'a page holds 20 orders');
    const first = await rows.first().textContent();
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.waitForFunction((f) => document.querySelector('table.orders tbody tr')?.textContent !== f, first);
    assert.equal(await rows.count(), 3, '23 orders: 20, then 3');
    assert.ok(await page.getByRole('button', { name: 'Next page' }).isDisabled());
    await page.getByRole('button', { name: 'Previous page' }).click();
    await page.waitForFunction((f) => document.querySelector('table.orders tbody tr')?.textContent === f, first);
    await page.getByLabel('State').selectOption('certified');
    await page.waitForFunction(() => document.querySelectorAll('table.orders tbody tr').length === 1);
    assert.match((await rows.first().textContent()) ?? '', /certified/);
  });

  it('over plain http beyond localhost, the approver is told not to give the page a key, and cannot', async () => {
    const created = await api.call('/v1/orders', { method: 'POST', json: { ...(demoOrder('photos') as object), reference: 'Order over plain http' } });
    const third = ((await created.json()) as { id: string }).id;
    await api.call(`/v1/orders/${third}/plan`, { method: 'POST' });
    await waitForState(api, third, ['planned']);
    const page = await context.newPage();
    await page.goto(`${api.url.replace('127.0.0.1', PLAIN_HOST)}/console#/orders/${third}`);
    assert.equal(await page.evaluate(() => isSecureContext), false);
    await page.getByLabel('API token').fill(api.tokens.bob);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(/did not come over https/).waitFor();
    assert.ok(await page.getByRole('button', { name: 'Approve and sign' }).isDisabled());
    assert.ok(await page.getByLabel('Your personal key file (NAME.key.pem)').isDisabled());
    await page.close();
  });

  it('an auditor reads the audit log and checks its hash chain', async () => {
    const page = await signIn('audrey');
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.locator('table.audit tbody tr').first().waitFor();
    assert.ok(await page.getByRole('cell', { name: 'POST /v1/orders' }).count() > 0 || (await page.locator('table.audit').textContent())!.includes('POST /v1/orders'));
    await page.getByRole('button', { name: 'Verify the hash chain' }).click();
    await page.getByText(/^The chain holds: \d+ entries/).waitFor();
    await scan(page, 'audit');
    assert.equal(await page.getByRole('link', { name: 'People, tokens and keys' }).count(), 0, 'an auditor has no admin screen');
  });

  it('an admin sees people, tokens and keys, and makes a token shown once', async () => {
    const page = await signIn('ada');
    await page.getByRole('link', { name: 'People, tokens and keys' }).click();
    await page.getByRole('heading', { name: 'People', exact: true }).waitFor();
    await page.getByRole('cell', { name: 'bob' }).first().waitFor();
    await page.getByRole('cell', { name: api.runtime.deps.signer.keyid }).waitFor();
    await page.getByLabel('Person').fill('audrey');
    await page.getByLabel('Role').selectOption('auditor');
    await page.getByRole('button', { name: 'Make a token' }).click();
    const shown = (await page.getByText(/Token for audrey \(auditor\)/).textContent()) ?? '';
    const token = /sp_[A-Za-z0-9_-]+/.exec(shown)?.[0];
    assert.ok(token, shown);
    const whoami = await fetch(`${api.url}/v1/whoami`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(whoami.status, 200);
    await scan(page, 'admin');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'signing out forgets the token');
  });
});
