// Issue 16: the derived section on the offline page (docs/FORMAT.md section
// 5.10), in real Chromium with folders dragged from disk. valid-derived/
// shows as a tree a regulator reads: the order's target at the root, each
// artifact under what it was derived from, with its kind and what became of
// it (destroyed: its target and how many objects; retained: why, and who
// signed it with which key; held by a vendor: the vendor's certificate and
// key, and whether the vendor's own bundle in vendors/<artifact>/ verified).
// A vendor bundle that is not the one bound is INVALID
// VENDOR_CERTIFICATE_MISMATCH at its path, a broken one INVALID with its own
// code at its path; vendors of vendors are followed to a depth of four, as
// `shredproof verify --bundle` follows them (a chain built here with the
// core's functions, checked by both).
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  bytesToHex,
  canonicalize,
  canonicalizeToBytes,
  type DerivedArtifactEntry,
  type DestructionRecord,
  hashLeaf,
  ListBuilder,
  publicKeyToPem,
  rootFromLeafHashes,
  seedSigner,
  signCertificate,
  signDisposition,
  StatementBuilderV2,
  utf8Encode,
} from '../../packages/verify/src/core/index.js';
import { verifyBundle } from '../../packages/verify/src/cli/verify-bundle.js';
import { type BundleFiles, bundleFiles, trustText } from '../../scripts/example-certificate-v2.js';
import { sortBundle } from '../../src/verifier-page/bundle-drop.js';
import { openVerifierPage, type VerifierPage, verifyInPage } from '../helpers/browser.js';
import { bundleStatus, dropPaths, fileReports, removeAllFiles, setPins } from './page-actions.js';

const V2 = join(import.meta.dirname, '..', 'vectors', 'certificate', 'v2');
const DERIVED = join(V2, 'valid-derived');
/** SHA-256 of valid-derived/trust.json, as its expected.json pins it. */
const DERIVED_TRUST_SHA256 = '0729d9a2f4658638233d0420e7b93829701cf2092c5abd8333aa7933b6e3342d';
const BOB = '6a3803d5f059902a1c6dafbc9ba4729212f7caac08634cc3ae76b27529f03827'; // bob@example.com, seed 0x02 x 32
const ACME = '72456720412037a6b339f884ce6d91bb4cc163a7dc3e4c58c658e6c2097b92a2'; // the vendor's key, seed 0x06 x 32
const VENDOR_FILES = ['certificate.json', 'records.ndjson', 'retained.ndjson', 'exceptions.ndjson', 'rescan.ndjson', 'order.json', 'trust.json', 'public-key.pem'];
const JUSTIFICATION = 'Kept for the court-ordered bias audit of case 26-cv-123 until 2027-06-30; it holds match scores only, no image and no embedding.';

const bobSigned = (at: string, pinned: boolean) =>
  ` Decided and signed by bob@example.com with their own key ${BOB} (signed 2026-11-20 ${at} UTC).` +
  (pinned ? ' The trust root lists this key as bob@example.com’s, an approver’s.' : ' The bundle’s trust.json lists this key as bob@example.com’s, an approver’s; nothing you gave pins that trust.json.');
const acme = (bundle: string) =>
  'labels-at-acme (vendor-copy): HELD BY A VENDOR, Acme Labeling Ltd (TEST). Its destruction is certified by the vendor’s own certificate acme-cert-0001, ' +
  `signed by the vendor’s key ${ACME}: its bundle, vendors/labels-at-acme/, ${bundle}`;

/** valid-derived/'s tree, each node as "depth node-text [description]", pinned or not. */
const derivedTree = (pinned: boolean, vendorBundle = 'verified, with its trust.json pinned by the SHA-256 this certificate signed, and it is for an order that names this one.') => [
  '0 training-exports: the order’s own data (a target of this order)',
  '1 face-model-v1 (model): DESTROYED. Its objects are target derived:face-model-v1: 2 objects destroyed. [face recognition model trained on the October exports]',
  '2 face-model-v1-ft (model): DESTROYED. Its objects are target derived:face-model-v1-ft: 1 object destroyed. [face-model-v1 fine-tuned on the same exports]',
  `2 face-eval-scores (feature-table): RETAINED, not destroyed. Why, in the approver’s words: “${JUSTIFICATION}” Its objects are target derived:face-eval-scores: 1 object kept, each in retained.ndjson with its content hash; none destroyed.${bobSigned('10:03:00', pinned)} [per-user match scores of face-model-v1's October evaluation]`,
  `1 ${acme(vendorBundle)}${bobSigned('10:02:00', pinned)} [the October exports as sent to Acme Labeling for annotation]`,
];

describe('verifier page: derived artifacts and vendors’ bundles (docs/FORMAT.md section 5.10)', () => {
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

  /** The derived tree as read: each list item's depth, its own line and its description, in document order. */
  function readTree(): Promise<string[]> {
    return p.page.locator('#statement .derived-tree li').evaluateAll((items) =>
      items.map((li) => {
        let depth = 0;
        for (let a = li.parentElement; a && !a.classList.contains('derived-tree'); a = a.parentElement) if (a.tagName === 'LI') depth++;
        const description = li.querySelector(':scope > .derived-description')?.textContent;
        return `${depth} ${li.querySelector(':scope > .derived-node')?.textContent ?? ''}${description ? ` [${description}]` : ''}`;
      }),
    );
  }

  it('valid-derived dropped, trust.json pinned: VALID, and the derived section a tree from the order’s target, each artifact under what it came from', async () => {
    await setPins(p.page, { trustSha256: DERIVED_TRUST_SHA256 });
    const { status, verdict } = await dropAndVerify(DERIVED);
    assert.match(status, /^From the folder “valid-derived”: 11 file\(s\) of the bundle sorted into their boxes below\. With a vendor’s own bundle, checked with it: vendors\/labels-at-acme\/ \(8 file\(s\)\)\./);
    assert.equal(verdict.verdict, 'valid', verdict.detail);
    assert.equal(verdict.word, 'VALID');
    assert.equal(
      await text('#verdict-derived'),
      '4 derived artifacts: 2 destroyed, 1 retained with a signed justification, 1 held by a vendor. The vendor’s own certificate bundle verified. See “Derived artifacts” below.',
    );
    assert.match(await text('#verdict-checked'), /, the vendor’s bundle vendors\/labels-at-acme\/ \(certificate acme-cert-0001\)\. Took /);
    assert.deepEqual(await readTree(), derivedTree(true));
    assert.equal(await text('#derived-summary'), '4 derived artifacts: 2 destroyed, 1 retained with a signed justification, 1 held by a vendor. Each is shown under what it was derived from, starting from the order’s own data.');
    // Semantic HTML: nested lists under the section's heading, which names the tree.
    assert.equal(await p.page.getAttribute('#statement .derived-tree', 'aria-labelledby'), 'derived-title');
    assert.equal(await text('#derived-title'), 'Derived artifacts, and what became of each');
    assert.equal(await p.page.locator('#statement .derived-tree > li > ul > li > ul > li').count(), 2, 'the fine-tuned model and the scores sit under face-model-v1');
    // The vendor's files in the file table, by their path in the bundle, each verified.
    const rows = await fileReports(p.page);
    assert.deepEqual(
      rows.filter((r) => r.file.startsWith('vendors/')).map((r) => `${r.file} ${r.status}`),
      VENDOR_FILES.map((f) => `vendors/labels-at-acme/${f} valid`),
    );
    assert.match(rows.find((r) => r.file === 'vendors/labels-at-acme/certificate.json')!.detail, /^certificate acme-cert-0001, version 2, signed by key 7245\S+; the vendor’s certificate this certificate binds for labels-at-acme, for the vendor’s order "Example Corp order ord-example-0003 /);
    await p.screenshot('derived-valid');
  });

  it('without a trust root (public-key.pem only): the signed decisions are said not to be checked; the vendor’s bundle still verifies, pinned by our statement', async () => {
    await setPins(p.page, {});
    await p.page.click('button.clear[data-clear="trust"]');
    const v = await verifyInPage(p.page);
    assert.equal(v.verdict, 'unpinned', v.detail);
    const tree = await readTree();
    assert.match(tree[3]!, /with their own key 6a3803d5\S+ \(signed 2026-11-20 10:03:00 UTC\)\. Not checked: no trust root says whose key this is\. \[/);
    assert.match(tree[4]!, /its bundle, vendors\/labels-at-acme\/, verified, with its trust\.json pinned /);
  });

  it('vendor-trust-other dropped: INVALID VENDOR_CERTIFICATE_MISMATCH at vendors/labels-at-acme/trust.json, with what it means', async () => {
    await setPins(p.page, {});
    const { verdict } = await dropAndVerify(join(V2, 'invalid', 'vendor-trust-other'));
    assert.equal(verdict.verdict, 'invalid', verdict.detail);
    assert.equal(verdict.word, 'INVALID');
    assert.equal(verdict.code, 'VENDOR_CERTIFICATE_MISMATCH');
    assert.match(verdict.detail, /^VENDOR_CERTIFICATE_MISMATCH: vendors\/labels-at-acme\/trust\.json: has SHA-256 [0-9a-f]{64}; the statement pins df7a1699a0c60d0276ef758cafbc3a48bc24cdcc89b6faf5b2be60c035df20e3What this means: /);
    assert.equal(
      await text('#verdict-explain'),
      'What this means: A derived artifact is said to be held by a vendor, but the vendor’s own certificate bundle is missing, or is not the one this certificate names (another certificate, another trust root or key, or one for another order): nothing shows the vendor destroyed it.',
    );
    const rows = await fileReports(p.page);
    const vendorRows = rows.filter((r) => r.file.startsWith('vendors/'));
    assert.deepEqual(vendorRows[0], { file: 'vendors/labels-at-acme/trust.json', status: 'invalid', code: 'VENDOR_CERTIFICATE_MISMATCH', detail: vendorRows[0]!.detail });
    assert.deepEqual(new Set(vendorRows.slice(1).map((r) => `${r.status}: ${r.detail}`)), new Set(['not checked: not the vendor’s bundle the certificate binds']));
    assert.ok(rows.filter((r) => !r.file.startsWith('vendors/') && r.file !== 'expected.json').every((r) => r.status === 'valid'), 'our own files verified');
    // Our certificate verified: its statement is shown, the vendor's node saying what failed and where.
    assert.equal(await p.page.isHidden('#statement-box'), false);
    assert.deepEqual(await readTree(), derivedTree(false, 'did NOT verify: VENDOR_CERTIFICATE_MISMATCH at vendors/labels-at-acme/trust.json.'));
    await p.screenshot('derived-vendor-trust-other');
  });

  it('a tampered vendor bundle is INVALID with the vendor bundle’s own code at its path; a missing one is VENDOR_CERTIFICATE_MISMATCH at vendors/labels-at-acme/', async () => {
    const tampered = await dropAndVerify(join(V2, 'invalid', 'vendor-bundle-tampered'));
    assert.equal(tampered.verdict.code, 'MERKLE_ROOT_MISMATCH');
    assert.match(tampered.verdict.detail, /^MERKLE_ROOT_MISMATCH: vendors\/labels-at-acme\/records\.ndjson: /);
    assert.ok((await readTree())[4]!.includes('its bundle, vendors/labels-at-acme/, did NOT verify: MERKLE_ROOT_MISMATCH at vendors/labels-at-acme/records.ndjson.'));
    const missing = await dropAndVerify(join(V2, 'invalid', 'vendor-bundle-missing'));
    assert.equal(missing.verdict.code, 'VENDOR_CERTIFICATE_MISMATCH');
    assert.match(missing.verdict.detail, /^VENDOR_CERTIFICATE_MISMATCH: vendors\/labels-at-acme\/: missing: /);
    assert.ok((await readTree())[4]!.includes('its bundle, vendors/labels-at-acme/, was not given, so nothing shows the vendor destroyed it.'));
  });

  it('vendors of vendors: four deep, every file verified by its path, as the CLI; five deep, the fifth is VENDOR_CERTIFICATE_MISMATCH at its path', async () => {
    for (const vendors of [4, 5]) {
      const dir = join(p.dir, `chain-${vendors}`);
      for (const [path, contents] of Object.entries(chain(vendors))) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), contents);
      }
      const { verdict } = await dropAndVerify(dir);
      const cli = await verifyBundle(dir, {});
      const rows = await fileReports(p.page);
      const compared = (r: Array<{ file: string; status: string; code?: string }>) => r.filter((f) => f.status !== 'not checked').map((f) => ({ file: f.file, status: f.status, code: f.code }));
      assert.deepEqual(compared(rows), compared(cli.files), `${vendors} deep: the page's rows are the CLI's`);
      const deepest = `${'vendors/copy-'}${[1, 2, 3, 4].join('/vendors/copy-')}/`;
      if (vendors === 4) {
        assert.equal(verdict.verdict, 'unpinned', verdict.detail);
        assert.equal(rows.filter((r) => r.status === 'valid').length, 5 * 8);
        assert.equal(rows.find((r) => r.file === `${deepest}certificate.json`)?.status, 'valid');
      } else {
        assert.equal(verdict.code, 'VENDOR_CERTIFICATE_MISMATCH');
        assert.match(verdict.detail, new RegExp(`^VENDOR_CERTIFICATE_MISMATCH: ${deepest}vendors/copy-5/: vendors nest deeper than 4`));
        assert.equal(cli.failure?.file, `${deepest}vendors/copy-5/`);
      }
    }
  });

  it('a dropped folder is sorted into its bundle and each vendor’s, vendors of vendors included; a stray file in vendors/ is ignored', () => {
    const f = (path: string) => ({ path: `b/${path}`, file: new File(['x'], path.split('/').pop()!) });
    const sorted = sortBundle(['certificate.json', 'vendors/a/certificate.json', 'vendors/a/proofs/p.json', 'vendors/a/vendors/b/trust.json', 'vendors/README', 'vendors/a/notes.txt'].map(f));
    assert.equal(sorted.folder, 'b');
    assert.deepEqual(sorted.ignored, ['vendors/README']);
    assert.deepEqual(sorted.vendors.map((v) => v.artifact), ['a']);
    const a = sorted.vendors[0]!.bundle;
    assert.ok(a.certificate && !a.trust);
    assert.deepEqual(a.proofs.map((x) => x.name), ['proofs/p.json']);
    assert.deepEqual(a.ignored, ['notes.txt']);
    assert.deepEqual(a.vendors.map((v) => [v.artifact, !!v.bundle.trust]), [['b', true]]);
  });

  it('made no network request and logged no error', () => {
    assert.deepEqual(p.networkRequests(), []);
    assert.deepEqual(p.errors, []);
  });
});

const sha = (b: string | Uint8Array) => bytesToHex(sha256(typeof b === 'string' ? utf8Encode(b) : b));
const seed = (n: number) => new Uint8Array(32).fill(n);
const spki = (publicKey: Uint8Array) => publicKeyToPem(publicKey).split('\n')[1]!;

/**
 * Our bundle with a chain of `vendors` vendors, each holding a copy for the
 * one above it (vendors/copy-1/vendors/copy-2/...): each level's statement
 * has one record and, but the last, one held-by-vendor artifact bound to the
 * next level's bundle and signed by that level's approver, whom its
 * trust.json lists. TEST keys of seeds 0x20 + level (certificates) and 0x40
 * + level (approvers).
 */
function chain(vendors: number, level = 0): BundleFiles {
  const below = level < vendors ? chain(vendors, level + 1) : undefined;
  const signer = seedSigner(seed(0x20 + level));
  const approver = seedSigner(seed(0x40 + level));
  const orderId = `ord-chain-${level}`;
  const reference = level === 0 ? 'Chain test order' : `copy of ord-chain-${level - 1}'s data`;
  const orderJson = canonicalize({ reference, description: `level ${level}`, targets: [{ backend: 'data', scope: { include: ['**'] } }], holds: [], derived: [] });
  const record: DestructionRecord = { index: 0, target: 'data', locator: `level-${level}.bin`, sha256: sha(`level ${level}`), size: 7, destroyedAt: '2026-11-19T15:00:00.000Z', method: 'unlink', salt: sha(`salt ${level}`).slice(0, 32) };
  const builder = new StatementBuilderV2();
  const line = builder.add(record);
  const lists = { retained: new ListBuilder('retained'), exceptions: new ListBuilder('exceptions'), rescan: new ListBuilder('rescan') };
  const order = { id: orderId, reference, sha256: sha(orderJson), createdBy: 'dana@example.com', approvedBy: 'erin@example.com', approvedAt: '2026-11-19T13:00:00.000Z' };
  const artifact = `copy-${level + 1}`;
  const evidence = below && {
    name: `Vendor ${level + 1} (TEST)`,
    certificateId: `cert-chain-${level + 1}`,
    certificateSha256: sha(below['certificate.json']!),
    keyid: seedSigner(seed(0x20 + level + 1)).keyid,
    trustSha256: sha(below['trust.json']!),
  };
  const held: DerivedArtifactEntry[] = evidence
    ? [{
        name: artifact,
        kind: 'vendor-copy',
        description: `the data as sent to vendor ${level + 1}`,
        lineage: ['data', artifact],
        disposition: 'held-by-vendor',
        vendor: evidence,
        signedBy: signDisposition(approver, { orderId, orderSha256: order.sha256, artifact, disposition: 'held-by-vendor', vendor: evidence }, { person: 'erin@example.com', signedAt: '2026-11-19T16:30:00.000Z' }),
      }]
    : [];
  const inventory = { target: 'data', locator: record.locator, size: record.size, salt: record.salt };
  const statement = builder.build({
    certificateId: `cert-chain-${level}`,
    issuedAt: '2026-11-19T17:00:00.000Z',
    issuer: { name: `Level ${level} (TEST KEY)`, keyid: signer.keyid },
    tool: { name: 'shredproof', version: '0.1.0' },
    order,
    inventory: { algorithm: 'rfc6962-sha256', treeSize: 1, rootHash: bytesToHex(rootFromLeafHashes([hashLeaf(canonicalizeToBytes({ index: 0, ...inventory }))])), bytes: 7, plannedAt: '2026-11-19T14:00:00.000Z' },
    execution: { startedAt: '2026-11-19T14:59:59.000Z', finishedAt: '2026-11-19T15:00:01.000Z' },
    targets: [{ name: 'data', kind: 'filesystem', system: `host-${level}:/srv/data`, persistence: [], planned: 1, retained: 0, exceptions: 0 }],
    retained: lists.retained.head(),
    exceptions: lists.exceptions.head(),
    rescan: { completedAt: '2026-11-19T15:01:00.000Z', items: lists.rescan.head(), statuses: lists.rescan.countsByStatus() },
    ...(held.length ? { derivedArtifacts: held } : {}),
  });
  const trust = {
    type: 'shredproof.trust-root',
    version: 1,
    issuer: `Level ${level} (TEST KEY)`,
    certificateKeys: [{ keyid: signer.keyid, publicKey: spki(signer.publicKey), validFrom: '2026-01-01T00:00:00Z' }],
    approvalKeys: [{ keyid: approver.keyid, publicKey: spki(approver.publicKey), validFrom: '2026-01-01T00:00:00Z', person: 'erin@example.com', roles: ['approver'] }],
  };
  const files = bundleFiles({
    envelope: signCertificate(statement, signer),
    lines: { records: [line], retained: [], exceptions: [], rescan: [] },
    orderJson,
    trust,
    trustJson: trustText(trust),
    publicKeyPem: publicKeyToPem(signer.publicKey),
    proofs: {},
  });
  return { ...files, ...Object.fromEntries(Object.entries(below ?? {}).map(([f, b]) => [`vendors/${artifact}/${f}`, b])) };
}
