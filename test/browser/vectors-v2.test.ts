// Issue 14: every version 2 bundle of test/vectors/certificate/v2, chosen in
// the offline page (Chromium, from file://) with the folder picker as a
// person would, with each pin its expected.json gives. The page's verdict is
// the vector's: VALID when pinned, "Signature valid, key NOT pinned" when
// not, INVALID with the expected code and what it means otherwise; and its
// verdict on each file is the one `shredproof verify --bundle` gives (its
// verifyBundle, run here on the same folder). A valid bundle's approvals
// (issue 15 item 2) are named in the verdict and the statement, each with
// the key id of its signer; valid-derived/'s signed dispositions and its
// vendor's bundle (docs/FORMAT.md section 5.10) in the derived section's
// tree; valid-logged/'s receipt (section 12.8) in the verdict, by its entry
// and log. An invalid vector that names its file is INVALID at that path, a
// vendor's file by its path in vendors/<artifact>/.
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
  /** Valid verdicts of a bundle with signed approvals: each approval the trust root vouched for, and whether it demanded one. */
  approvals?: Array<{ role: 'approver' | 'performer'; person: string; keyid: string }>;
  approvalsRequired?: boolean;
  /** valid-derived/: the signed dispositions and the vendor bundles verified, in the statement's order. */
  dispositions?: Array<{ artifact: string; disposition: string; person: string; keyid: string }>;
  vendors?: Array<{ artifact: string; dir: string; certificateId: string; keyid: string }>;
  /** valid-logged/: what its receipt proved. */
  receipt?: { index: number; treeSize: number; origin: string };
  /** Invalid vectors of sections 5.10 and 12: the file the verdict names. */
  file?: string;
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

  const valid = readdirSync(V2).filter((n) => /^valid(-|$)/.test(n)).sort();
  it('there are the valid bundles: valid/, valid-approved/ with signed approvals, valid-derived/ with derived artifacts and a vendor, valid-logged/ with a receipt', () => {
    assert.deepEqual(valid, ['valid', 'valid-approved', 'valid-derived', 'valid-logged']);
  });

  for (const name of valid) {
    it(`${name}/ with each pin of its expected.json: VALID when pinned, "Signature valid, key NOT pinned" without, and its approvals shown`, async () => {
      const dir = join(V2, name);
      const status = await chooseBundleFolder(p.page, dir);
      const receipt = name === 'valid-logged' ? 1 : 0;
      assert.match(status, new RegExp(`^From the folder “${name}”: ${11 + receipt} file\\(s\\) of the bundle sorted`));
      assert.match(status, /Ignored, not files of a certificate bundle: expected\.json\./);
      const vendorFiles = name === 'valid-derived' ? 8 : 0;
      if (vendorFiles) assert.match(status, / With a vendor’s own bundle, checked with it: vendors\/labels-at-acme\/ \(8 file\(s\)\)\./);
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
        assert.equal(cli.files.filter((f) => f.status === 'valid').length, 11 + vendorFiles + receipt, 'every file of the bundle verified, its vendor’s and its receipt too');
        await assertApprovalsShown(e);
        await assertDerivedShown(e);
        await assertReceiptShown(e);
      }
    });
  }

  /** The verdict and the statement name each approval the vector expects, with its key id; with none, "approved by" is the issuer's word. */
  async function assertApprovalsShown(e: Expected): Promise<void> {
    const line = (await p.page.textContent('#verdict-approval')) ?? '';
    const statement = (await p.page.textContent('#statement')) ?? '';
    const approvals = e.approvals ?? [];
    if (approvals.length === 0) assert.match(line, /^Approved by \S+ \(not signed by the approver: this trust root does not require signed approvals\)\. That is only the issuer’s word\.$/, e.description);
    for (const a of approvals) {
      const lead = a.role === 'approver' ? 'Approved by' : 'Plan signed by the performer';
      assert.ok(line.includes(`${lead} ${a.person} with their own key ${a.keyid.slice(0, 16)} (signed `), `${e.description}: ${line}`);
      assert.ok(statement.includes(`${a.person}, ${a.role === 'approver' ? 'the approver' : 'who created the order'}, with their own key ${a.keyid} (signed `), e.description);
    }
    assert.match(statement, e.approvalsRequired ? /Signed approval requiredyes: / : /Signed approval requiredno: /, e.description);
  }

  /** valid-derived/: each signed disposition with its signer's key id, each vendor with its certificate, key and bundle verified. */
  async function assertDerivedShown(e: Expected): Promise<void> {
    const tree = await p.page.locator('#statement .derived-tree').count();
    assert.equal(tree, e.vendors || e.dispositions ? 1 : 0, `${e.description}: a derived section exactly when the vector has one`);
    const node = async (artifact: string) => (await p.page.textContent(`#statement li[data-artifact="${artifact}"] > .derived-node`)) ?? '';
    for (const d of e.dispositions ?? []) {
      assert.ok((await node(d.artifact)).includes(`Decided and signed by ${d.person} with their own key ${d.keyid} (signed `), `${e.description}: ${d.artifact}`);
    }
    for (const v of e.vendors ?? []) {
      const text = await node(v.artifact);
      assert.ok(text.includes(`the vendor’s own certificate ${v.certificateId}, signed by the vendor’s key ${v.keyid}: its bundle, ${v.dir}, verified, with its trust.json pinned`), `${e.description}: ${text}`);
    }
  }

  /** valid-logged/: the verdict says which entry of which log the receipt proved; a bundle with no receipt and no log says nothing of one. */
  async function assertReceiptShown(e: Expected): Promise<void> {
    const line = await p.page.locator('#verdict-log').allTextContents();
    if (!e.receipt) return assert.deepEqual(line, [], e.description);
    assert.ok(line[0]?.startsWith(`Published in the issuer’s transparency log: this certificate is entry ${e.receipt.index} of ${e.receipt.origin}, in a checkpoint of its first ${e.receipt.treeSize} entries `), `${e.description}: ${line[0]}`);
  }

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
      if (e!.file !== undefined) assert.ok(v.detail.startsWith(`${e!.code}: ${e!.file}: `), `${name}: the verdict names ${e!.file}: ${v.detail}`);
      assert.match((await p.page.textContent('#verdict-explain')) ?? '', /^What this means: \S.+\.$/, `${name}: the code in plain language`);
      const cli = await cliFiles(dir, e!.pin);
      assert.equal(cli.code, e!.code, `${name}: the CLI`);
      const rows = await fileReports(p.page);
      assert.deepEqual(compared(rows), cli.files, `${name}: the page's verdict on each file is the CLI's`);
      // The verdict is the first failure, in the CLI's order.
      assert.equal(rows.find((r) => r.status === 'invalid')?.code, e!.code, name);
      if (e!.file !== undefined) assert.equal(rows.find((r) => r.file === e!.file)?.code, e!.code, `${name}: the row of ${e!.file}`);
      if (name === 'pin-keyid-other-key' || name === 'records-line-altered') await p.screenshot(`v2-invalid-${name}`);
    }
  });

  it('made no network request and logged no error', () => {
    assert.deepEqual(p.networkRequests(), []);
    assert.deepEqual(p.errors, []);
  });
});
