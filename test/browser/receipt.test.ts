// The receipt of the issuer's transparency log on the offline page
// (docs/FORMAT.md section 12.8), in real Chromium with folders dragged from
// disk. valid-logged/ says, in plain words, what its receipt proves (its
// entry in the log, the checkpoint the log's key signed, the witness that
// cosigned it and when) and what it does not; with only a key id pin, that
// the log's keys come from a trust.json nothing pins. A receipt vector is
// INVALID with its code at receipt.tlog-proof, as `shredproof verify
// --bundle` says; a receipt under a trust root without a log is said to be
// NOT checked.
import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { verifyBundle } from '../../packages/verify/src/cli/verify-bundle.js';
import { openVerifierPage, type VerifierPage, verifyInPage } from '../helpers/browser.js';
import { bundleStatus, dropPaths, EXAMPLE_KEYID, fileReports, removeAllFiles, setPins } from './page-actions.js';

const V2 = join(import.meta.dirname, '..', 'vectors', 'certificate', 'v2');
const LOGGED = join(V2, 'valid-logged');
const expected = JSON.parse(readFileSync(join(LOGGED, 'expected.json'), 'utf8')) as Array<{ pin: { trustSha256?: string }; receipt: { rootHash: string } }>;
/** SHA-256 of valid-logged/trust.json, as its expected.json pins it. */
const TRUST_SHA256 = expected[1]!.pin.trustSha256!;

const PROVED =
  'Published in the issuer’s transparency log: this certificate is entry 3 of log.example.com/shredproof-test, in a checkpoint of its first 6 entries signed with the log’s key that the trust root names, ' +
  'and cosigned by witness.example.org/w1 on 2026-11-20 10:10:00 UTC, a witness the trust root names. ' +
  'So it was in the log by 2026-11-20 10:10:00 UTC, where anyone who reads the log sees it: the issuer cannot deny it or swap it unseen, and the log, not the issuer’s clock, places it before or after any revocation of its key. ' +
  'It does not prove that the objects were destroyed, nor that no other certificate was logged for this order: those who monitor the log check that.';
const UNPINNED = ' The log’s key and the witnesses’ are listed in the bundle’s trust.json, which nothing you gave pins: this holds only if that trust.json is the issuer’s.';

describe('verifier page: the receipt of the issuer’s transparency log (docs/FORMAT.md section 12.8)', () => {
  let p: VerifierPage;
  before(async () => {
    p = await openVerifierPage();
  });
  after(() => p?.close());

  const text = async (selector: string) => (await p.page.textContent(selector)) ?? '';

  async function dropAndVerify(dir: string) {
    await removeAllFiles(p.page);
    await dropPaths(p.page, '.bundle-drop', [dir]);
    const status = await bundleStatus(p.page);
    return { status, verdict: await verifyInPage(p.page) };
  }

  it('valid-logged dropped, trust.json pinned: VALID, saying what the receipt proves and what it does not, its facts in the statement', async () => {
    await setPins(p.page, { trustSha256: TRUST_SHA256 });
    const { status, verdict } = await dropAndVerify(LOGGED);
    assert.match(status, /^From the folder “valid-logged”: 12 file\(s\) of the bundle sorted into their boxes below\. /);
    assert.match(await text('#chosen-receipt'), /^receipt\.tlog-proof \(\d[\d,]* bytes\)$/);
    assert.equal(verdict.verdict, 'valid', verdict.detail);
    assert.equal(await text('#verdict-log'), PROVED);
    assert.match(await text('#verdict-checked'), /, receipt of the transparency log \(entry 3 of 6\)\. Took /);
    const row = (await fileReports(p.page)).find((r) => r.file === 'receipt.tlog-proof');
    assert.deepEqual(row, {
      file: 'receipt.tlog-proof',
      status: 'valid',
      code: undefined,
      detail: 'entry 3 of the log log.example.com/shredproof-test at its checkpoint of 6 entries, signed by log.example.com/shredproof-test+ba93deef, cosigned by witness.example.org/w1',
    });
    const statement = await text('#statement');
    for (const said of [
      'Transparency log',
      'Loglog.example.com/shredproof-test',
      'Entry of this certificate3 (counted from 0)',
      `Checkpointthe log’s first 6 entries, root ${expected[0]!.receipt.rootHash}`,
      'Checkpoint signed by the log keylog.example.com/shredproof-test+ba93deef (named in the trust root)',
      'Cosigned bywitness.example.org/w1 on 2026-11-20 10:10:00 UTC',
      'Witnesses required1, by the trust root',
    ]) {
      assert.ok(statement.includes(said), `${said}: ${statement}`);
    }
    // The page's verdict on each file is the CLI's.
    const cli = await verifyBundle(LOGGED, { trustSha256: TRUST_SHA256 });
    assert.deepEqual((await fileReports(p.page)).map((r) => [r.file, r.status, r.code]), cli.files.map((f) => [f.file, f.status, f.code]));
    await p.screenshot('receipt-valid-logged');
  });

  it('pinned by the key id only: VALID, and the log’s keys are said to come from a trust.json nothing pins', async () => {
    await setPins(p.page, { keyid: EXAMPLE_KEYID });
    const v = await verifyInPage(p.page);
    assert.equal(v.verdict, 'valid', v.detail);
    assert.equal(await text('#verdict-log'), PROVED + UNPINNED);
  });

  it('receipt-log-signature-altered dropped: INVALID NOTE_SIGNATURE_INVALID at receipt.tlog-proof, with what it means, as the CLI', async () => {
    await setPins(p.page, {});
    const dir = join(V2, 'invalid', 'receipt-log-signature-altered');
    const { verdict } = await dropAndVerify(dir);
    assert.equal(verdict.verdict, 'invalid', verdict.detail);
    assert.equal(verdict.code, 'NOTE_SIGNATURE_INVALID');
    assert.ok(verdict.detail.startsWith('NOTE_SIGNATURE_INVALID: receipt.tlog-proof: the signature of log.example.com/shredproof-test+ba93deef does not hold over the note\'s text'), verdict.detail);
    assert.equal(await text('#verdict-explain'), 'What this means: A signature of the log or of a witness on the checkpoint does not hold: the checkpoint was altered after it was signed.');
    assert.equal(await p.page.locator('#verdict-log').count(), 0, 'nothing said to be proved');
    const rows = await fileReports(p.page);
    assert.deepEqual(rows.filter((r) => r.status === 'invalid').map((r) => [r.file, r.code]), [['receipt.tlog-proof', 'NOTE_SIGNATURE_INVALID']]);
    const cli = await verifyBundle(dir, {});
    assert.deepEqual(rows.map((r) => [r.file, r.status, r.code]), cli.files.map((f) => [f.file, f.status, f.code]));
    assert.doesNotMatch(await text('#statement'), /Transparency log/);
  });

  it('receipt-missing dropped: INVALID RECEIPT_MISSING, its row naming the file that is not there', async () => {
    const { verdict } = await dropAndVerify(join(V2, 'invalid', 'receipt-missing'));
    assert.equal(verdict.code, 'RECEIPT_MISSING');
    assert.match(verdict.detail, /^RECEIPT_MISSING: receipt\.tlog-proof: issued at 2026-11-20T10:05:00\.000Z; the trust root requires a receipt/);
    assert.deepEqual((await fileReports(p.page)).find((r) => r.file === 'receipt.tlog-proof')?.code, 'RECEIPT_MISSING');
  });

  it('a receipt under a trust root without `log`: valid, and the receipt is said to be NOT checked', async () => {
    const dir = join(p.dir, 'logged-without-log');
    cpSync(LOGGED, dir, { recursive: true });
    cpSync(join(V2, 'valid-approved', 'trust.json'), join(dir, 'trust.json'));
    const { verdict } = await dropAndVerify(dir);
    assert.equal(verdict.verdict, 'unpinned', verdict.detail);
    assert.equal(
      await text('#verdict-log'),
      'The bundle carries a receipt from a transparency log (receipt.tlog-proof), but it was NOT checked: the trust root names no transparency log (it has no “log” member): there is no log key to check it with. Nothing here shows that the certificate was published in a log.',
    );
    const row = (await fileReports(p.page)).find((r) => r.file === 'receipt.tlog-proof');
    assert.deepEqual([row?.status, row?.detail], ['not checked', 'the trust root names no transparency log (it has no “log” member): there is no log key to check it with']);
    assert.match(await text('#statement'), /Transparency logReceiptNOT checked: the trust root names no transparency log/);
  });

  it('no receipt, and the log requires none for a certificate this old: valid, and said to be published nowhere that was checked', async () => {
    const dir = join(p.dir, 'logged-before-the-log');
    cpSync(LOGGED, dir, { recursive: true });
    rmSync(join(dir, 'receipt.tlog-proof'));
    const root = JSON.parse(readFileSync(join(dir, 'trust.json'), 'utf8')) as { log: Record<string, unknown> };
    root.log.receiptsRequiredFrom = '2027-01-01T00:00:00Z';
    writeFileSync(join(dir, 'trust.json'), JSON.stringify(root));
    const { verdict } = await dropAndVerify(dir);
    assert.equal(verdict.verdict, 'unpinned', verdict.detail);
    assert.equal(
      await text('#verdict-log'),
      'No receipt from the issuer’s transparency log (receipt.tlog-proof): absent, and not required: the trust root’s log requires a receipt for certificates issued from 2027-01-01T00:00:00Z, and this one says it was issued at 2026-11-20T10:05:00.000Z. Nothing shows that this certificate was published in the log.',
    );
  });

  it('made no network request and logged no error', () => {
    assert.deepEqual(p.networkRequests(), []);
    assert.deepEqual(p.errors, []);
  });
});
