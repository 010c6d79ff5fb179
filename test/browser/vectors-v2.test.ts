// Issue 14: every version 2 bundle of test/vectors/certificate/v2, chosen in
// the offline page (Chromium, from file://) with the folder picker as a
// person would, with each pin its expected.json gives. The page's verdict is
// the vector's: VALID when pinned, "Signature valid, key NOT pinned" when
// not, INVALID with the expected code otherwise; and its verdict on each
// file is the one `shredproof verify --bundle` gives (its verifyBundle, run
// here on the same folder).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { verifyBundle } from '../../packages/verify/src/cli/verify-bundle.js';
import { openVerifierPage, type VerifierPage, verifyInPage } from '../helpers/browser.js';
import { chooseBundleFolder, fileReports, setPins } from './page-actions.js';

const V2 = join(import.meta.dirname, '..', 'vectors', 'certificate', 'v2');

interface Expected {
  code: string | null;
  pin: { keyid: string } | { trustSha256: string } | null;
  pinned?: boolean;
  description: string;
}

const expectations = (dir: string): Expected[] => [JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'))].flat();

/** The CLI's verdict on each file, valid, invalid and ignored ones (its not-checked lines name folders, not files). */
async function cliFiles(dir: string, pin: Expected['pin']) {
  const r = await verifyBundle(dir, { ...(pin ?? {}) });
  const files = r.files.filter((f) => f.status !== 'not checked').map((f) => ({ file: f.file, status: f.status, code: f.code }));
  return { files, code: r.failure?.error.code ?? null, pinned: r.pinned };
}

const compared = (rows: Array<{ file: string; status: string; code: string | undefined }>) =>
  rows.filter((f) => f.status !== 'not checked').map((f) => ({ file: f.file, status: f.status, code: f.code }));

describe('verifier page: the version 2 bundle vectors, as `shredproof verify --bundle` answers them', () => {
  let p: VerifierPage;
  before(async () => {
    p = await openVerifierPage();
  });
  after(() => p?.close());

  it('valid/ with each pin of its expected.json: VALID when pinned, "Signature valid, key NOT pinned" without', async () => {
    const dir = join(V2, 'valid');
    const status = await chooseBundleFolder(p.page, dir);
    assert.match(status, /^From the folder “valid”: 11 file\(s\) of the bundle sorted/);
    assert.match(status, /Ignored, not files of a certificate bundle: expected\.json\./);
    const cases = expectations(dir);
    assert.equal(cases.length, 3);
    for (const e of cases) {
      await setPins(p.page, e.pin ?? {});
      const v = await verifyInPage(p.page);
      assert.equal(e.code, null);
      assert.equal(v.verdict, e.pinned ? 'valid' : 'unpinned', `${e.description}: ${v.word} ${v.detail}`);
      assert.equal(v.word, e.pinned ? 'VALID' : 'Signature valid, key NOT pinned');
      const cli = await cliFiles(dir, e.pin);
      assert.equal(cli.pinned, e.pinned);
      assert.deepEqual(compared(await fileReports(p.page)), cli.files, e.description);
      assert.ok(cli.files.filter((f) => f.status === 'valid').length === 11, 'every file of the bundle verified');
    }
  });

  const invalid = readdirSync(join(V2, 'invalid')).sort();
  it(`each of the ${invalid.length} invalid bundles is INVALID with its expected code, file by file as the CLI`, async () => {
    assert.ok(invalid.length >= 40, `${invalid.length} vectors`);
    for (const name of invalid) {
      const dir = join(V2, 'invalid', name);
      const [e] = expectations(dir);
      await setPins(p.page, e!.pin ?? {});
      await chooseBundleFolder(p.page, dir);
      const v = await verifyInPage(p.page);
      assert.equal(v.verdict, 'invalid', `${name}: ${v.word} ${v.detail}`);
      assert.equal(v.word, 'INVALID', name);
      assert.equal(v.code, e!.code, `${name} (${e!.description}): ${v.detail}`);
      assert.match(v.detail, new RegExp(`^${e!.code}: \\S+: .+`), name);
      const cli = await cliFiles(dir, e!.pin);
      assert.equal(cli.code, e!.code, `${name}: the CLI`);
      const rows = await fileReports(p.page);
      assert.deepEqual(compared(rows), cli.files, `${name}: the page's verdict on each file is the CLI's`);
      // The verdict is the first failure, in the CLI's order.
      assert.equal(rows.find((r) => r.status === 'invalid')?.code, e!.code, name);
      if (name === 'pin-keyid-other-key' || name === 'records-line-altered') await p.screenshot(`v2-invalid-${name}`);
    }
  });

  it('made no network request and logged no error', () => {
    assert.deepEqual(p.networkRequests(), []);
    assert.deepEqual(p.errors, []);
  });
});
