// Issue 14: a whole certificate bundle given to the page at once, as
// `shredproof verify --bundle` takes a folder. Real files from disk, dragged
// by Chromium's own drag and drop (./page-actions.ts): the bundle's folder,
// or its files and its proofs folder together, or one file on its box; and
// the pickers for several files. The page sorts them by name, verifies each
// and reports one verdict per file; the first failure is its verdict.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openVerifierPage, type VerifierPage, verifyInPage } from '../helpers/browser.js';
import { bundleStatus, dropPaths, EXAMPLE_KEYID, fileReports, removeAllFiles, setPins } from './page-actions.js';

const V2 = join(import.meta.dirname, '..', 'vectors', 'certificate', 'v2');
const VALID = join(V2, 'valid');
const BUNDLE_FILES = ['certificate.json', 'records.ndjson', 'retained.ndjson', 'exceptions.ndjson', 'rescan.ndjson', 'order.json', 'trust.json', 'public-key.pem'];
const PROOFS = ['proofs/exception-0.json', 'proofs/record-2.json', 'proofs/retained-0.json'];

describe('verifier page: a whole bundle, dropped or chosen at once', () => {
  let p: VerifierPage;
  before(async () => {
    p = await openVerifierPage();
    await setPins(p.page, { keyid: EXAMPLE_KEYID });
  });
  after(() => p?.close());

  async function dropAndVerify(paths: string[], target = '.bundle-drop') {
    await removeAllFiles(p.page);
    await dropPaths(p.page, target, paths);
    const status = await bundleStatus(p.page);
    return { status, verdict: await verifyInPage(p.page), files: await fileReports(p.page) };
  }

  it('the bundle folder dropped: every file sorted into its box, each verified, VALID', async () => {
    const { status, verdict, files } = await dropAndVerify([VALID]);
    assert.match(status, /^From the folder “valid”: 11 file\(s\) of the bundle sorted into their boxes below\. Ignored, not files of a certificate bundle: expected\.json\.$/);
    assert.equal(verdict.verdict, 'valid', verdict.detail);
    assert.deepEqual(
      files.map((f) => `${f.file} ${f.status}`),
      [...BUNDLE_FILES, ...PROOFS].map((f) => `${f} valid`).concat('expected.json ignored'),
    );
    for (const [slot, name] of [['certificate', 'certificate.json'], ['trust', 'trust.json'], ['rescan', 'rescan.ndjson'], ['proof', '3 proof files']] as const) {
      assert.match((await p.page.textContent(`#chosen-${slot}`)) ?? '', new RegExp(`^${name}`), slot);
    }
    assert.equal(await p.page.locator('#file-proof').evaluate((i) => (i as HTMLInputElement).files?.length), 3, 'the proofs show in their picker');
    await p.screenshot('bundle-dropped');
  });

  it('its files and its proofs folder dropped together (several items at once): the same', async () => {
    const { status, verdict, files } = await dropAndVerify([...BUNDLE_FILES.map((f) => join(VALID, f)), join(VALID, 'proofs')]);
    assert.match(status, /^11 file\(s\) of the bundle sorted into their boxes below\.$/);
    assert.equal(verdict.verdict, 'valid', verdict.detail);
    assert.deepEqual(files.map((f) => f.file), [...BUNDLE_FILES, ...PROOFS]);
  });

  it('dropped beside the boxes, anywhere in "Choose the files": taken as the bundle too', async () => {
    const { verdict } = await dropAndVerify([VALID], '#each-title');
    assert.equal(verdict.verdict, 'valid', verdict.detail);
  });

  it('a tampered bundle dropped: INVALID with the first failure’s code, the other files still checked', async () => {
    const { verdict, files } = await dropAndVerify([join(V2, 'invalid', 'records-line-altered')]);
    assert.equal(verdict.code, 'MERKLE_ROOT_MISMATCH');
    assert.match(verdict.detail, /^MERKLE_ROOT_MISMATCH: records\.ndjson: /);
    const byFile = Object.fromEntries(files.map((f) => [f.file, f.code ?? f.status]));
    assert.equal(byFile['records.ndjson'], 'MERKLE_ROOT_MISMATCH');
    assert.equal(byFile['retained.ndjson'], 'valid', 'a failure does not stop the other files, as in the CLI');
    assert.equal(byFile['order.json'], 'valid');
    assert.equal(byFile['proofs/record-2.json'], 'MERKLE_ROOT_MISMATCH', 'made over the altered file, the proof leads to another root');
  });

  it('the proofs folder alone: its proofs carry the certificate; a key is still needed', async () => {
    await removeAllFiles(p.page);
    await dropPaths(p.page, '.bundle-drop', [join(VALID, 'proofs')]);
    assert.match(await bundleStatus(p.page), /^3 file\(s\) of the bundle sorted into their boxes below\.$/);
    assert.equal(await p.page.isDisabled('#verify'), true);
    assert.match((await p.page.textContent('#inputs-hint')) ?? '', /^Choose a key: public-key\.pem, the bundle’s trust\.json, or a trust\.json of your own\.$/);
    await dropPaths(p.page, '[data-slot="publicKey"]', [join(VALID, 'public-key.pem')]);
    await p.page.waitForFunction(() => !(document.getElementById('verify') as HTMLButtonElement).disabled);
    const v = await verifyInPage(p.page);
    assert.equal(v.verdict, 'valid', v.detail);
    assert.deepEqual((await fileReports(p.page)).map((f) => `${f.file} ${f.status}`), [...PROOFS.map((f) => `${f} valid`), 'public-key.pem valid']);
  });

  it('a folder with nothing to verify says so', async () => {
    await removeAllFiles(p.page);
    await dropPaths(p.page, '.bundle-drop', [join(VALID, 'order.json'), join(VALID, 'expected.json')]);
    assert.match(await bundleStatus(p.page), /^1 file\(s\) .* Ignored, not files of a certificate bundle: expected\.json\. It has no certificate\.json, and no proof that carries one: there is nothing to verify\.$/);
    assert.match((await p.page.textContent('#inputs-hint')) ?? '', /^order\.json is checked against its certificate: choose the certificate too\.$/);
  });

  it('one file dropped on its own box goes in that box, as if chosen there', async () => {
    await removeAllFiles(p.page);
    await dropPaths(p.page, '[data-slot="certificate"]', [join(VALID, 'certificate.json')]);
    await p.page.waitForFunction(() => /^certificate\.json/.test(document.getElementById('chosen-certificate')!.textContent ?? ''));
    assert.equal(await p.page.locator('#file-certificate').evaluate((i) => (i as HTMLInputElement).files?.[0]?.name), 'certificate.json');
    await dropPaths(p.page, '[data-slot="trust"]', [join(VALID, 'trust.json')]);
    await p.page.waitForFunction(() => /^trust\.json/.test(document.getElementById('chosen-trust')!.textContent ?? ''));
    const v = await verifyInPage(p.page);
    assert.equal(v.verdict, 'valid', v.detail);
    assert.deepEqual((await fileReports(p.page)).map((f) => f.file), ['certificate.json', 'trust.json']);
  });

  it('the files picker takes several files at once', async () => {
    await removeAllFiles(p.page);
    await p.page.setInputFiles('#file-bundle', readdirSync(VALID).filter((f) => f !== 'proofs').map((f) => join(VALID, f)));
    assert.match((await p.page.textContent('#bundle-status')) ?? '', /^8 file\(s\) of the bundle sorted .* Ignored, not files of a certificate bundle: expected\.json\.$/);
    await p.page.setInputFiles('#file-proof', PROOFS.map((f) => join(VALID, f)));
    assert.match((await p.page.textContent('#chosen-proof')) ?? '', /^3 proof files: exception-0\.json, record-2\.json, retained-0\.json$/);
    const v = await verifyInPage(p.page);
    assert.equal(v.verdict, 'valid', v.detail);
    assert.equal((await fileReports(p.page)).length, 12);
  });

  it('made no network request and logged no error', () => {
    assert.deepEqual(p.networkRequests(), []);
    assert.deepEqual(p.errors, []);
  });
});
