// Issue 14: the page's three verdicts cannot be taken for one another. With
// the version 2 example bundle (test/vectors/certificate/v2/valid) in real
// Chromium: no pin is "Signature valid, key NOT pinned" (amber, saying what
// to compare and where), a pin that holds is VALID (green), a pin that does
// not hold is INVALID PIN_MISMATCH (red), for each kind of pin of
// docs/FORMAT.md section 5.8. Each has its own word, symbol, colours and
// data-verdict, inside the polite live region a screen reader reads. A valid
// verdict says how far "approved by" holds (docs/FORMAT.md section 5.9): here
// only by the issuer's word, or not checked at all without a trust root.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildTrustRoot, publicKeyFromSeed, trustRootText } from '../../packages/verify/src/core/index.js';
import { openVerifierPage, readVerdict, type VerifierPage, verifyInPage } from '../helpers/browser.js';
import { chooseBundleFolder, EXAMPLE_KEYID, fileReports, setPins } from './page-actions.js';

const VALID = join(import.meta.dirname, '..', 'vectors', 'certificate', 'v2', 'valid');
const TRUST_SHA256 = 'b7411a9f5a82966972bce030b6f4eb9ab158619ba8f6737e107f62a706b44883';
const OTHER_KEYID = '6a3803d5f059902a1c6dafbc9ba4729212f7caac08634cc3ae76b27529f03827'; // seed 0x02 x 32

interface Look {
  border: string;
  background: string;
  word: string;
  icon: string;
}

async function look(p: VerifierPage): Promise<Look> {
  return p.page.evaluate(() => {
    const box = getComputedStyle(document.getElementById('verdict')!);
    return {
      border: `${box.borderTopStyle} ${box.borderTopColor}`,
      background: box.backgroundColor,
      word: getComputedStyle(document.getElementById('verdict-word')!).color,
      icon: document.getElementById('verdict-icon')!.textContent ?? '',
    };
  });
}

describe('verifier page: VALID, "key NOT pinned" and INVALID cannot be confused (issue 14)', () => {
  let p: VerifierPage;
  const looks = new Map<string, Look>();
  before(async () => {
    p = await openVerifierPage();
    await chooseBundleFolder(p.page, VALID);
  });
  after(() => p?.close());

  it('no pin: "Signature valid, key NOT pinned", saying what to compare and where', async () => {
    await setPins(p.page, {});
    const v = await verifyInPage(p.page);
    assert.equal(v.verdict, 'unpinned');
    assert.equal(v.word, 'Signature valid, key NOT pinned');
    assert.equal(v.code, undefined);
    const compare = (await p.page.textContent('#verdict-compare')) ?? '';
    assert.ok(compare.includes(`key id ${EXAMPLE_KEYID}`), compare);
    assert.ok(compare.includes(`SHA-256 of trust.json ${TRUST_SHA256}`), compare);
    assert.match(compare, /with the ones published in the settlement or in the regulator’s or court’s docket/);
    assert.match(compare, /Never compare with a value from the same server, website or email as these files/);
    assert.equal(await p.page.getAttribute('#pin-result', 'data-match'), 'none');
    assert.match((await p.page.textContent('#pin-result')) ?? '', /^NOT pinned/);
    const facts = (await p.page.textContent('#key-facts')) ?? '';
    assert.ok(facts.includes(EXAMPLE_KEYID) && facts.includes(TRUST_SHA256), 'the page computed both for the person to compare');
    assert.match((await p.page.textContent('#statement-title')) ?? '', /key NOT pinned/);
    looks.set('unpinned', await look(p));
    await p.screenshot('verdict-unpinned');
  });

  it('pinned by the key id: VALID, naming the pin', async () => {
    await setPins(p.page, { keyid: ` ${EXAMPLE_KEYID.toUpperCase().replace(/(..)/g, '$1:').slice(0, -1)}\n` }); // as copied, with colons and spaces
    const v = await verifyInPage(p.page);
    assert.equal(v.verdict, 'valid', v.detail);
    assert.equal(v.word, 'VALID');
    assert.match(v.detail, new RegExp(`^Signed by key ${EXAMPLE_KEYID}: the key id you pinned\\.`));
    assert.match(v.detail, /Checked: signature, statement, records file \(5 records\), retained list \(1 entry\)/);
    assert.equal(await p.page.getAttribute('#pin-result', 'data-match'), 'yes');
    assert.equal(await p.page.isHidden('#verdict-compare'), true);
    // Its trust.json lists no approval keys and does not require them: "approved by" is the issuer's word, and the page says so.
    assert.equal(
      await p.page.textContent('#verdict-approval'),
      'Approved by bob@example.com (not signed by the approver: this trust root does not require signed approvals). That is only the issuer’s word.',
    );
    assert.match((await p.page.textContent('#statement')) ?? '', /Approvalapproved by bob@example\.com \(not signed by the approver: this trust root does not require signed approvals\); only the issuer says so/);
    looks.set('valid', await look(p));
    await p.screenshot('verdict-valid');
  });

  it('pinned by the SHA-256 of trust.json: VALID', async () => {
    await setPins(p.page, { trustSha256: TRUST_SHA256 });
    const v = await verifyInPage(p.page);
    assert.equal(v.verdict, 'valid', v.detail);
    assert.match(v.detail, new RegExp(`^Signed by key ${EXAMPLE_KEYID}, listed in trust\\.json, whose SHA-256 is the one you pinned \\(${TRUST_SHA256}\\)\\.`));
  });

  it('pinned by a trust.json of your own: VALID', async () => {
    await setPins(p.page, { trust: join(VALID, 'trust.json') });
    const v = await verifyInPage(p.page);
    assert.equal(v.verdict, 'valid', v.detail);
    assert.match(v.detail, new RegExp(`^Signed by key ${EXAMPLE_KEYID}, listed in your own trust\\.json \\(SHA-256 ${TRUST_SHA256}\\)\\.`));
    const trustRow = (await fileReports(p.page)).find((r) => r.file === 'trust.json');
    assert.match(trustRow?.detail ?? '', /checked against your own trust root/);
  });

  it('a key id that does not match: INVALID PIN_MISMATCH, with the key that did sign shown to compare', async () => {
    await setPins(p.page, { keyid: OTHER_KEYID });
    const v = await verifyInPage(p.page);
    assert.equal(v.verdict, 'invalid');
    assert.equal(v.word, 'INVALID');
    assert.equal(v.code, 'PIN_MISMATCH');
    assert.match(v.detail, /^PIN_MISMATCH: certificate\.json: /);
    assert.match(v.detail, new RegExp(`not signed by the key you pinned; it was signed by key ${EXAMPLE_KEYID}, which the bundle itself offers\\. Do not rely on it\\.`));
    assert.equal(await p.page.getAttribute('#pin-result', 'data-match'), 'no');
    assert.match((await p.page.textContent('#verdict-explain')) ?? '', /^What this means: What you pinned \(a key id, the SHA-256 of trust\.json, or a trust\.json of your own\) is not what signed these files\.$/);
    assert.equal(await p.page.locator('#verdict-approval').count(), 0, 'no word on approvals for a certificate that does not hold');
    assert.equal(await p.page.isHidden('#statement-box'), true, 'nothing of the statement is shown as if it held');
    const rows = await fileReports(p.page);
    assert.deepEqual(rows.map((r) => r.status), ['invalid', ...Array(rows.length - 1).fill('not checked')]);
    assert.equal(await p.page.locator('[data-verdict="valid"], [data-verdict="unpinned"]').count(), 0, 'no valid verdict anywhere on the page');
    looks.set('invalid', await look(p));
    await p.screenshot('verdict-pin-mismatch');
  });

  it('a trust.json SHA-256 or a trust root of your own that does not match: INVALID PIN_MISMATCH', async () => {
    await setPins(p.page, { trustSha256: 'ab'.repeat(32) });
    assert.equal((await verifyInPage(p.page)).code, 'PIN_MISMATCH');
    const other = join(p.dir, 'other-trust.json');
    writeFileSync(other, trustRootText(buildTrustRoot({ issuer: 'someone else (TEST KEY)', keys: [{ publicKey: publicKeyFromSeed(new Uint8Array(32).fill(2)), validFrom: '2026-01-01T00:00:00Z' }] })));
    await setPins(p.page, { trust: other });
    const v = await verifyInPage(p.page);
    assert.equal(v.code, 'PIN_MISMATCH', v.detail);
    assert.match((await p.page.textContent('#key-facts')) ?? '', /Your pin.*your own trust\.json/);
  });

  it('the three verdicts look different: word, symbol, border and colours, never colour alone', () => {
    const [valid, unpinned, invalid] = ['valid', 'unpinned', 'invalid'].map((k) => looks.get(k)!);
    assert.deepEqual([valid!.icon, unpinned!.icon, invalid!.icon], ['✓', '⚠', '✗']);
    for (const k of ['border', 'background', 'word'] as const) {
      assert.equal(new Set([valid![k], unpinned![k], invalid![k]]).size, 3, `${k}: ${valid![k]} / ${unpinned![k]} / ${invalid![k]}`);
    }
  });

  it('is announced: one polite, atomic live region holds the verdict, and every input has a label', async () => {
    const region = await p.page.locator('#verdict').evaluate((el) => [el.getAttribute('role'), el.getAttribute('aria-live'), el.getAttribute('aria-atomic')]);
    assert.deepEqual(region, ['status', 'polite', 'true']);
    assert.equal(await p.page.getByRole('status').filter({ hasText: 'PIN_MISMATCH' }).count(), 1);
    const unlabelled = await p.page.locator('input').evaluateAll((inputs) => inputs.filter((i) => (i as HTMLInputElement).labels?.length === 0).map((i) => i.id));
    assert.deepEqual(unlabelled, []);
    assert.equal(await p.page.locator('#verdict-icon').getAttribute('aria-hidden'), 'true', 'the symbol is decoration; the word is read');
  });

  it('a mistyped pin is no verdict: Verify waits, and the field says why', async () => {
    await setPins(p.page, { keyid: EXAMPLE_KEYID.slice(0, 40) });
    assert.equal(await p.page.isDisabled('#verify'), true);
    assert.match((await p.page.textContent('#pin-keyid-problem')) ?? '', /must be 64 hex digits .*this has 40 characters/);
    assert.equal(await p.page.getAttribute('#pin-keyid', 'aria-invalid'), 'true');
    assert.match((await p.page.textContent('#inputs-hint')) ?? '', /must be 64 hex digits/);
    assert.equal((await readVerdict(p.page)).verdict, 'idle', 'the earlier verdict is gone: it was about another pin');
    await setPins(p.page, { keyid: EXAMPLE_KEYID });
    await p.page.press('#pin-keyid', 'Enter');
    await p.page.waitForFunction(() => document.getElementById('verdict')!.dataset.verdict === 'valid');
  });

  it('version 1: the example certificate with its public-key.pem is not pinned; its key id pins it', async () => {
    const v1 = join(import.meta.dirname, '..', 'vectors', 'certificate', 'valid');
    await setPins(p.page, {});
    await chooseBundleFolder(p.page, v1);
    const unpinned = await verifyInPage(p.page);
    assert.equal(unpinned.verdict, 'unpinned', unpinned.detail);
    assert.ok(((await p.page.textContent('#verdict-compare')) ?? '').includes(EXAMPLE_KEYID));
    assert.match((await p.page.textContent('#verdict-approval')) ?? '', /^Approvals not checked: no trust root\. The certificate says bob@example\.com approved the order;/);
    assert.match((await p.page.textContent('#statement')) ?? '', /Approvalnot checked: no trust root/);
    assert.deepEqual((await fileReports(p.page)).map((r) => `${r.file} ${r.status}`), ['certificate.json valid', 'records.ndjson valid', 'public-key.pem valid']);
    await setPins(p.page, { keyid: EXAMPLE_KEYID });
    assert.equal((await verifyInPage(p.page)).verdict, 'valid');
    await setPins(p.page, { trust: join(VALID, 'trust.json') }); // the same TEST key, in a trust root the person holds
    assert.equal((await verifyInPage(p.page)).verdict, 'valid');
    await setPins(p.page, { keyid: OTHER_KEYID });
    assert.equal((await verifyInPage(p.page)).code, 'PIN_MISMATCH');
    assert.ok(readFileSync(join(v1, 'public-key.pem'), 'utf8').includes('MCowBQYDK2VwAyEAiojj3XQJ8ZX9UtstPLpdcspnCb8dlBIb83SIAbQPb1w='));
  });

  it('made no network request and logged no error', () => {
    assert.deepEqual(p.networkRequests(), []);
    assert.deepEqual(p.errors, []);
  });
});
