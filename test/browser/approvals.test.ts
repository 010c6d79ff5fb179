// Issue 15 item 2: signed approvals on the offline page. Bundles of
// test/vectors/certificate/v2 dropped on the page in real Chromium, as a
// person drags a folder: valid-approved/ names its approver and its
// performer, each with the key id of their own key and when they signed;
// with a key id pin only, the page says that those keys come from a
// trust.json nothing pins. A bundle whose approval fails is INVALID with
// its code and what the code means, and nothing of its statement is shown.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openVerifierPage, type VerifierPage, verifyInPage } from '../helpers/browser.js';
import { bundleStatus, dropPaths, EXAMPLE_KEYID, fileReports, removeAllFiles, setPins } from './page-actions.js';

const V2 = join(import.meta.dirname, '..', 'vectors', 'certificate', 'v2');
const APPROVED = join(V2, 'valid-approved');
/** SHA-256 of valid-approved/trust.json, as its expected.json pins it. */
const APPROVED_TRUST_SHA256 = '0729d9a2f4658638233d0420e7b93829701cf2092c5abd8333aa7933b6e3342d';
const BOB_KEYID = '6a3803d5f059902a1c6dafbc9ba4729212f7caac08634cc3ae76b27529f03827'; // seed 0x02 x 32
const ALICE_KEYID = 'b62e867fa2f33afe62d5d6b1642e1621d543307846b2a57b897e710919b76709';

const SIGNED =
  'Approved by bob@example.com with their own key 6a3803d5f059902a (signed 2026-11-20 09:25:00 UTC). ' +
  'Plan signed by the performer alice@example.com with their own key b62e867fa2f33afe (signed 2026-11-20 09:10:00 UTC).';

describe('verifier page: approvals signed with people’s own keys (issue 15 item 2)', () => {
  let p: VerifierPage;
  before(async () => {
    p = await openVerifierPage();
  });
  after(() => p?.close());

  async function dropAndVerify(dir: string) {
    await removeAllFiles(p.page);
    await dropPaths(p.page, '.bundle-drop', [dir]);
    await bundleStatus(p.page);
    return verifyInPage(p.page);
  }

  const text = async (selector: string) => (await p.page.textContent(selector)) ?? '';

  it('valid-approved dropped, trust.json pinned by its SHA-256: VALID, naming the approver and the performer with their own key ids', async () => {
    await setPins(p.page, { trustSha256: APPROVED_TRUST_SHA256 });
    const v = await dropAndVerify(APPROVED);
    assert.equal(v.verdict, 'valid', v.detail);
    assert.equal(await text('#verdict-approval'), SIGNED);
    const statement = await text('#statement');
    assert.ok(statement.includes(`Approval signed bybob@example.com, the approver, with their own key ${BOB_KEYID} (signed 2026-11-20 09:25:00 UTC); the trust root lists this key as bob@example.com’s`), statement);
    assert.ok(statement.includes(`Plan signed by the performeralice@example.com, who created the order, with their own key ${ALICE_KEYID} (signed 2026-11-20 09:10:00 UTC)`), statement);
    assert.ok(statement.includes('Signed approval requiredyes: the trust root requires one'), statement);
    assert.match((await fileReports(p.page)).find((r) => r.file === 'trust.json')?.detail ?? '', /^1 key\(s\), 2 approval key\(s\); the keys were taken from it$/);
    await p.screenshot('approvals-valid');
  });

  it('pinned by the certificate key id only: still VALID, and the approval keys are said to come from a trust.json nothing pins', async () => {
    await setPins(p.page, { keyid: EXAMPLE_KEYID });
    const v = await verifyInPage(p.page);
    assert.equal(v.verdict, 'valid', v.detail);
    assert.equal(
      await text('#verdict-approval'),
      `${SIGNED} Those keys are listed in the bundle’s trust.json, which nothing you gave pins: they hold only if that trust.json is the issuer’s (pin its SHA-256 to rely on them).`,
    );
  });

  it('approval-key-untrusted dropped: INVALID APPROVER_UNTRUSTED, with what it means, and no statement shown', async () => {
    await setPins(p.page, {});
    const v = await dropAndVerify(join(V2, 'invalid', 'approval-key-untrusted'));
    assert.equal(v.verdict, 'invalid', v.detail);
    assert.equal(v.word, 'INVALID');
    assert.equal(v.code, 'APPROVER_UNTRUSTED');
    assert.match(v.detail, /^APPROVER_UNTRUSTED: certificate\.json: approvals\[0\] \(approver bob@example\.com\): key [0-9a-f]{64} is not among the trust root's approval keys/);
    assert.equal(
      await text('#verdict-explain'),
      'What this means: The approval was signed with a key that the trust root does not list as a key of someone who may approve: nothing shows that the person named as approver signed it.',
    );
    assert.equal(await p.page.locator('#verdict-approval').count(), 0);
    assert.equal(await p.page.isHidden('#statement-box'), true, 'nothing of the statement is shown as if it held');
    assert.equal(await p.page.locator('[data-verdict="valid"], [data-verdict="unpinned"]').count(), 0);
    await p.screenshot('approvals-untrusted');
  });

  it('APPROVAL_INVALID and APPROVAL_MISSING read in plain language too', async () => {
    const cases = [
      ['approval-other-plan', 'APPROVAL_INVALID', /^What this means: A signed approval does not hold: it is not a signature over this order and this plan, /],
      ['approval-missing', 'APPROVAL_MISSING', /^What this means: The trust root requires the approver to sign each order with their own key, and this certificate carries no such approval/],
    ] as const;
    for (const [name, code, explained] of cases) {
      const v = await dropAndVerify(join(V2, 'invalid', name));
      assert.equal(v.code, code, `${name}: ${v.detail}`);
      assert.match(await text('#verdict-explain'), explained, name);
    }
  });

  it('made no network request and logged no error', () => {
    assert.deepEqual(p.networkRequests(), []);
    assert.deepEqual(p.errors, []);
  });
});
