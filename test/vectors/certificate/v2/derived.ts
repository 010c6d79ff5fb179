// The derived-artifact vectors of test/vectors/certificate/v2 (docs/FORMAT.md
// section 5.10; README.md here): valid-derived/, the example bundle of an
// order that reached what was derived from its data, and invalid/derived-*
// and invalid/vendor-*, each with one thing changed. generate.ts writes them.
//
// valid-derived/ destroys two models (each its own target derived:<name>,
// with records), keeps one feature table with an approver's signed
// justification (its target derived:face-eval-scores destroyed nothing; its
// object is in retained.ndjson), and leaves one copy at a vendor, whose own certificate
// bundle (signed with the vendor's TEST key, seed 0x06 x 32) is in
// vendors/labels-at-acme/ and is bound into our statement by SHA-256.
import { sha256 } from '@noble/hashes/sha2.js';
import {
  approvalSubjectOf,
  bytesToHex,
  canonicalize,
  canonicalizeToBytes,
  type DerivedArtifactEntry,
  type DestructionRecord,
  type DispositionDecision,
  hashLeaf,
  publicKeyToPem,
  rootFromLeafHashes,
  seedSigner,
  signApproval,
  signCertificate,
  signDisposition,
  signEnvelope,
  type Signer,
  utf8Encode,
  type VendorEvidence,
} from '../../../../packages/verify/src/core/index.js';
import { ListBuilder } from '../../../../packages/verify/src/core/list.js';
import { StatementBuilderV2 } from '../../../../packages/verify/src/core/statement-builder-v2.js';
import { CERTIFICATE_PAYLOAD_TYPE_V2, type CertificateStatementV2 } from '../../../../packages/verify/src/core/statement-v2.js';
import { buildExample } from '../../../../scripts/example-certificate.js';
import { type BundleFiles, bundleFiles, EXAMPLE_ORDER, EXAMPLE_SEED, type ExampleV2, proofsFor, trustText } from '../../../../scripts/example-certificate-v2.js';
import type { Expected, InvalidVectorV2, ValidBundleV2 } from './generate.js';

type Statement = Record<string, any>;

/** The published TEST seeds: bob@example.com approves (as in valid-approved/), alice@example.com performs, a stranger, the vendor. */
const APPROVER_SEED = new Uint8Array(32).fill(2);
const PERFORMER_SEED = new Uint8Array(32).fill(3);
const STRANGER_SEED = new Uint8Array(32).fill(4);
export const VENDOR_SEED = new Uint8Array(32).fill(6);
export const VENDOR_ARTIFACT = 'labels-at-acme';
export const VENDOR_DIR = `vendors/${VENDOR_ARTIFACT}`;

const h = (s: string) => bytesToHex(sha256(utf8Encode(s)));
const sha = (b: string | Uint8Array) => bytesToHex(sha256(typeof b === 'string' ? utf8Encode(b) : b));
const salt = (label: string) => h(`derived vector salt ${label}`).slice(0, 32);
const PERSISTENCE = ['unlink does not overwrite blocks; backups and snapshots may keep copies'];

interface PlannedObject {
  target: string;
  locator: string;
  content: string;
  destroyedAt: string;
}

/** Records and inventory entries of these objects, numbered from `first`, with real content hashes. */
function recordsOf(objects: PlannedObject[], first: number, label: string): { records: DestructionRecord[]; inventory: Statement[] } {
  const records = objects.map((o, i) => {
    const content = utf8Encode(o.content);
    return { index: first + i, target: o.target, locator: o.locator, sha256: sha(content), size: content.length, destroyedAt: o.destroyedAt, method: 'unlink', salt: salt(`${label} ${i}`) };
  });
  return { records, inventory: records.map((r) => ({ target: r.target, locator: r.locator, size: r.size, salt: r.salt })) };
}

const inventoryHead = (entries: Statement[], plannedAt: string) => ({
  algorithm: 'rfc6962-sha256' as const,
  treeSize: entries.length,
  rootHash: bytesToHex(rootFromLeafHashes(entries.map((e, index) => hashLeaf(canonicalizeToBytes({ index, ...e }))))),
  bytes: entries.reduce((a, e) => a + (e.size as number), 0),
  plannedAt,
});

/** What a vendor bundle variant changes: the reference of its order, its certificate id, its trust root's issuer line, a record line. */
export interface VendorVariant {
  reference?: string;
  certificateId?: string;
  trustIssuer?: string;
  records?: (lines: string[]) => string[];
}

/** The vendor's own bundle (section 10), as files under vendors/labels-at-acme/, and the evidence our statement binds. */
export function vendorBundle(ourOrderId: string, v: VendorVariant = {}): { files: BundleFiles; evidence: VendorEvidence } {
  const signer = seedSigner(VENDOR_SEED);
  const reference = v.reference ?? `Example Corp order ${ourOrderId} (FTC Docket No. C-0000): the copies of its October exports at Acme`;
  const order = { reference, description: "Destroy Acme's copies of Example Corp's October face-training exports.", targets: [{ backend: 'labelled-exports', scope: { include: ['example-corp/2026-10/**'] } }], holds: [], derived: [] };
  const orderJson = canonicalize(order);
  const objects = ['faces-000.tar', 'faces-001.tar'].map((f, i) => ({
    target: 'labelled-exports',
    locator: `example-corp/2026-10/${f}`,
    content: ['a training shard', 'another training shard'][i]!,
    destroyedAt: `2026-11-19T15:00:0${i}.000Z`,
  }));
  const { records, inventory } = recordsOf(objects, 0, 'acme');
  const builder = new StatementBuilderV2();
  const lines = records.map((r) => builder.add(r));
  const lists = { retained: new ListBuilder('retained'), exceptions: new ListBuilder('exceptions'), rescan: new ListBuilder('rescan') };
  const statement = builder.build({
    certificateId: v.certificateId ?? 'acme-cert-0001',
    issuedAt: '2026-11-19T16:00:00.000Z',
    issuer: { name: 'Acme Labeling Ltd (TEST KEY)', keyid: signer.keyid },
    tool: { name: 'shredproof', version: '0.1.0' },
    order: { id: 'acme-ord-0001', reference, sha256: sha(orderJson), createdBy: 'dana@acme.example', approvedBy: 'erin@acme.example', approvedAt: '2026-11-19T13:00:00.000Z' },
    inventory: inventoryHead(inventory, '2026-11-19T14:00:00.000Z'),
    execution: { startedAt: '2026-11-19T14:59:59.000Z', finishedAt: '2026-11-19T15:00:02.000Z' },
    targets: [{ name: 'labelled-exports', kind: 'filesystem', system: 'nas-1.acme.example:/srv/labelling/example-corp', persistence: PERSISTENCE, planned: 2, retained: 0, exceptions: 0 }],
    retained: lists.retained.head(),
    exceptions: lists.exceptions.head(),
    rescan: { completedAt: '2026-11-19T15:01:00.000Z', items: lists.rescan.head(), statuses: lists.rescan.countsByStatus() },
  });
  const envelope = signCertificate(statement, signer);
  const spki = publicKeyToPem(signer.publicKey).split('\n')[1]!;
  const trust = { type: 'shredproof.trust-root', version: 1, issuer: v.trustIssuer ?? 'Acme Labeling Ltd (TEST KEY)', certificateKeys: [{ keyid: signer.keyid, publicKey: spki, validFrom: '2026-01-01T00:00:00Z' }] };
  const files = bundleFiles({
    envelope,
    lines: { records: v.records ? v.records(lines) : lines, retained: [], exceptions: [], rescan: [] },
    orderJson,
    trust,
    trustJson: trustText(trust),
    publicKeyPem: publicKeyToPem(signer.publicKey),
    proofs: {},
  });
  const evidence = {
    name: 'Acme Labeling Ltd (TEST)',
    certificateId: statement.certificateId,
    certificateSha256: sha(files['certificate.json']!),
    keyid: signer.keyid,
    trustSha256: sha(files['trust.json']!),
  };
  return { files, evidence };
}

export const DERIVED_ORDER = { ...EXAMPLE_ORDER, description: 'Destroy the photos of users 1041 and 2200, the October face-training exports, and what was derived from them.', includeDerived: true };
const ORDER_ID = 'ord-example-0003';
const ORDER_JSON = canonicalize(DERIVED_ORDER);
const ORDER_SHA256 = sha(ORDER_JSON);
const JUSTIFICATION = 'Kept for the court-ordered bias audit of case 26-cv-123 until 2027-06-30; it holds match scores only, no image and no embedding.';

/** Our bundle's parts that the derived vectors change. */
interface DerivedChange {
  /** Changes to the derived section, after it was signed (so a signature may no longer hold). */
  artifacts?: (a: DerivedArtifactEntry[]) => void;
  /** The vendor bundle our statement binds, and the files under vendors/labels-at-acme/ (the bound ones unless given). */
  vendor?: VendorVariant;
  vendorFiles?: (files: BundleFiles) => BundleFiles;
  /** Who signs the retained artifact's disposition. */
  retainedSigner?: Signer;
}

/**
 * valid-derived/ and its invalid variants: our statement over the example's
 * records and the models' records, its approvals signed over that plan, the
 * derived section with its signed dispositions, re-signed with the example key.
 */
export function derivedBundle(ex: ExampleV2, approvedTrust: unknown, c: DerivedChange = {}): { files: BundleFiles; statement: CertificateStatementV2 } {
  const signer = seedSigner(EXAMPLE_SEED);
  const approver = seedSigner(APPROVER_SEED);
  const v1 = buildExample();
  const models: PlannedObject[] = [
    { target: 'derived:face-model-v1', locator: 'face-model-v1/weights.safetensors', content: 'weights of the face model, version 1 (TEST)', destroyedAt: '2026-11-20T10:00:04.200Z' },
    { target: 'derived:face-model-v1', locator: 'face-model-v1/config.json', content: '{"layers": 12}', destroyedAt: '2026-11-20T10:00:04.400Z' },
    { target: 'derived:face-model-v1-ft', locator: 'face-model-v1-ft/weights.safetensors', content: 'fine-tuned weights (TEST)', destroyedAt: '2026-11-20T10:00:04.600Z' },
  ];
  const ours = recordsOf(models, ex.lines.records.length, 'models');
  const builder = new StatementBuilderV2();
  const records = [...ex.lines.records.map((l) => builder.add(JSON.parse(l) as DestructionRecord)), ...ours.records.map((r) => builder.add(r))];
  // The example's plan of 7 objects (scripts/example-certificate.ts), then the models' 3.
  const v1Inventory = v1.lines.map((l) => JSON.parse(l) as Statement).map((r) => ({ target: r.target, locator: r.locator, size: r.size, salt: r.salt }));
  const exSalt = (i: number) => h(`example salt ${i}`).slice(0, 32);
  const held = [
    { target: 'photos', locator: 'user-3001/evidence.jpg', size: 1200, salt: exSalt(5) },
    { target: 'training-exports', locator: '2026-10/locked.tar', size: 4096, salt: exSalt(6) },
  ];
  // face-eval-scores is here too: an approver retained it before execution, so its one object is in
  // retained.ndjson under the hold derived.face-eval-scores, and its target destroyed nothing.
  const scoresContent = utf8Encode('user,score (TEST)');
  const scores = { target: 'derived:face-eval-scores', locator: 'face-eval-scores/2026-10.parquet', size: scoresContent.length, salt: salt('scores') };
  const inventory = inventoryHead([...v1Inventory, ...held, ...ours.inventory, scores], v1.statement.inventory.plannedAt);
  const lists = { retained: new ListBuilder('retained'), exceptions: new ListBuilder('exceptions'), rescan: new ListBuilder('rescan') };
  const listLines = {
    retained: [
      ...ex.lines.retained.map((l) => lists.retained.add(JSON.parse(l))),
      lists.retained.add({
        index: ex.lines.retained.length,
        ...scores,
        holdId: 'derived.face-eval-scores',
        reason: 'derived artifact face-eval-scores retained with justification, signed by bob@example.com (derivedArtifacts)',
        salt: salt('retained scores'),
        sha256: sha(scoresContent),
        size: scoresContent.length,
      }),
    ],
    exceptions: ex.lines.exceptions.map((l) => lists.exceptions.add(JSON.parse(l))),
    rescan: [
      ...ex.lines.rescan.map((l) => lists.rescan.add(JSON.parse(l))),
      lists.rescan.add({ index: ex.lines.rescan.length, target: scores.target, locator: scores.locator, status: 'held', salt: salt('rescan scores') }),
    ],
  };
  const system = 'models-01.example.com:/srv/models';
  const s = ex.statement;
  const vendor = vendorBundle(ORDER_ID, c.vendor);
  const order = { ...s.order, id: ORDER_ID, sha256: ORDER_SHA256 };
  const decide = (d: Omit<DispositionDecision, 'orderId' | 'orderSha256'>, signedAt: string, by = approver) =>
    signDisposition(by, { orderId: ORDER_ID, orderSha256: ORDER_SHA256, ...d }, { person: s.order.approvedBy, signedAt });
  const { certificateSha256, trustSha256 } = vendor.evidence;
  const artifacts: DerivedArtifactEntry[] = [
    { name: 'face-model-v1', kind: 'model', description: 'face recognition model trained on the October exports', lineage: ['training-exports', 'face-model-v1'], disposition: 'destroyed', target: 'derived:face-model-v1' },
    { name: 'face-model-v1-ft', kind: 'model', description: 'face-model-v1 fine-tuned on the same exports', lineage: ['training-exports', 'face-model-v1', 'face-model-v1-ft'], disposition: 'destroyed', target: 'derived:face-model-v1-ft' },
    {
      name: VENDOR_ARTIFACT,
      kind: 'vendor-copy',
      description: 'the October exports as sent to Acme Labeling for annotation',
      lineage: ['training-exports', VENDOR_ARTIFACT],
      disposition: 'held-by-vendor',
      vendor: vendor.evidence,
      signedBy: decide({ artifact: VENDOR_ARTIFACT, disposition: 'held-by-vendor', vendor: { certificateSha256, trustSha256 } }, '2026-11-20T10:02:00.000Z'),
    },
    {
      name: 'face-eval-scores',
      kind: 'feature-table',
      description: "per-user match scores of face-model-v1's October evaluation",
      lineage: ['training-exports', 'face-model-v1', 'face-eval-scores'],
      disposition: 'retained-with-justification',
      target: 'derived:face-eval-scores',
      justification: JUSTIFICATION,
      signedBy: decide({ artifact: 'face-eval-scores', disposition: 'retained-with-justification', justification: JUSTIFICATION }, '2026-11-20T10:03:00.000Z', c.retainedSigner),
    },
  ];
  const subject = approvalSubjectOf({ order, inventory });
  const approval = (seed: Uint8Array, role: 'approver' | 'performer', person: string, signedAt: string) => signApproval(seedSigner(seed), subject, { role, person, signedAt });
  const statement = builder.build({
    certificateId: 'cert-example-0003',
    issuedAt: s.issuedAt,
    issuer: s.issuer,
    tool: s.tool,
    order,
    inventory,
    execution: { startedAt: s.execution.startedAt, finishedAt: s.execution.finishedAt },
    targets: [
      ...s.targets.map((t) => ({ ...t })),
      { name: 'derived:face-model-v1', kind: 'filesystem', system, persistence: PERSISTENCE, planned: 2, retained: 0, exceptions: 0 },
      { name: 'derived:face-model-v1-ft', kind: 'filesystem', system, persistence: PERSISTENCE, planned: 1, retained: 0, exceptions: 0 },
      { name: 'derived:face-eval-scores', kind: 'filesystem', system, persistence: PERSISTENCE, planned: 1, retained: 1, exceptions: 0 },
    ],
    retained: lists.retained.head(),
    exceptions: lists.exceptions.head(),
    rescan: { completedAt: s.rescan.completedAt, items: lists.rescan.head(), statuses: lists.rescan.countsByStatus() },
    approvals: [approval(APPROVER_SEED, 'approver', s.order.approvedBy, '2026-11-20T09:25:00.000Z'), approval(PERFORMER_SEED, 'performer', s.order.createdBy, '2026-11-20T09:10:00.000Z')],
    derivedArtifacts: artifacts,
  });
  // The change comes after the builder's validation: an invalid vector's statement is signed all the same.
  const changed = structuredClone(statement);
  c.artifacts?.(changed.derivedArtifacts!);
  return { statement: changed, files: filesOf(ex, changed, signer, { records, ...listLines }, approvedTrust, vendor.files, c) };
}

function filesOf(ex: ExampleV2, statement: CertificateStatementV2, signer: Signer, lines: ExampleV2['lines'], trust: unknown, vendorFiles: BundleFiles, c: DerivedChange): BundleFiles {
  const envelope = signEnvelope(CERTIFICATE_PAYLOAD_TYPE_V2, canonicalizeToBytes(statement), [signer]);
  const ours = bundleFiles({ ...ex, envelope, lines, orderJson: ORDER_JSON, trustJson: trustText(trust), proofs: proofsFor(envelope, lines) });
  const theirs = c.vendorFiles ? c.vendorFiles(vendorFiles) : vendorFiles;
  return { ...ours, ...Object.fromEntries(Object.entries(theirs).map(([f, b]) => [`${VENDOR_DIR}/${f}`, b])) };
}

/** valid-derived/ with its three verdicts, and the invalid vectors of section 5.10, each one change to it. */
export function buildDerivedVectors(ex: ExampleV2, approvedTrust: unknown): { valid: ValidBundleV2; invalid: InvalidVectorV2[] } {
  const base = derivedBundle(ex, approvedTrust);
  const s = base.statement;
  const entries = s.derivedArtifacts!;
  const common = {
    approvals: s.approvals!.map(({ role, person, keyid }) => ({ role, person, keyid })),
    approvalsRequired: true,
    dispositions: entries.filter((a) => a.signedBy).map((a) => ({ artifact: a.name, disposition: a.disposition, person: a.signedBy!.person, keyid: a.signedBy!.keyid })),
    vendors: entries.filter((a) => a.vendor).map((a) => ({ artifact: a.name, dir: `vendors/${a.name}/`, certificateId: a.vendor!.certificateId, keyid: a.vendor!.keyid })),
  };
  const said = 'two models destroyed, a feature table retained and a vendor copy held by Acme (its bundle verified with its trust.json pinned by the statement), approved by bob and performed by alice';
  const expected: Expected[] = [
    { code: null, pin: { keyid: s.issuer.keyid }, pinned: true, ...common, description: `pinned by the signing key's id: valid, pinned; ${said}` },
    { code: null, pin: { trustSha256: sha(base.files['trust.json']!) }, pinned: true, ...common, description: `pinned by the SHA-256 of trust.json: valid, pinned; ${said}` },
    { code: null, pin: null, pinned: false, ...common, description: `no pin: valid, not pinned (the keys come from the bundle's own trust.json); ${said}` },
  ];
  const v = (name: string, code: Expected['code'], file: string, description: string, c: DerivedChange): InvalidVectorV2 => ({
    name,
    files: derivedBundle(ex, approvedTrust, c).files,
    expected: { code, pin: null, file, description },
  });
  const vendorFile = (f: string, variant: VendorVariant) => (files: BundleFiles) => ({ ...files, [f]: vendorBundle(ORDER_ID, variant).files[f]! });
  const otherOrder = 'Example Corp order ord-example-0099 (FTC Docket No. C-0001): the copies of its October exports at Acme';
  const invalid = [
    // The statement's own rules (STATEMENT_INVALID, the core's).
    v('derived-lineage-not-from-target', 'STATEMENT_INVALID', 'certificate.json', 'face-model-v1-ft\'s lineage starts at face-model-v1, not at one of the order\'s targets; re-signed certificate', {
      artifacts: (a) => (a[1]!.lineage = ['face-model-v1', 'face-model-v1-ft']),
    }),
    v('derived-target-unaccounted', 'STATEMENT_INVALID', 'certificate.json', 'the entry of face-model-v1-ft removed from derivedArtifacts; its target derived:face-model-v1-ft (with its record) stays; re-signed certificate', {
      artifacts: (a) => a.splice(1, 1),
    }),
    v('derived-retained-but-destroyed', 'STATEMENT_INVALID', 'certificate.json', 'face-model-v1 is said retained-with-justification (bob\'s signature of face-eval-scores copied), but its target derived:face-model-v1 destroyed its 2 objects; re-signed certificate', {
      artifacts: (a) => Object.assign(a[0]!, { disposition: 'retained-with-justification', justification: JUSTIFICATION, signedBy: a[3]!.signedBy }),
    }),
    // The signed dispositions, against trust.json (verifyTrusted).
    v('derived-disposition-signature-wrong', 'APPROVAL_INVALID', 'certificate.json', 'face-eval-scores\'s justification changed after bob signed the disposition; re-signed certificate', {
      artifacts: (a) => (a[3]!.justification = 'Kept for the bias audit, with no end date.'),
    }),
    v('derived-disposition-key-untrusted', 'APPROVER_UNTRUSTED', 'certificate.json', 'face-eval-scores\'s disposition is signed as bob with a key trust.json does not list (seed 0x04 x 32); re-signed certificate', {
      retainedSigner: seedSigner(STRANGER_SEED),
    }),
    // The vendor's bundle (section 5.10, vendors/labels-at-acme/).
    v('vendor-bundle-missing', 'VENDOR_CERTIFICATE_MISMATCH', `${VENDOR_DIR}/`, `no ${VENDOR_DIR}/: the statement says ${VENDOR_ARTIFACT} is held by a vendor, whose bundle is not there`, {
      vendorFiles: () => ({}),
    }),
    v('vendor-certificate-other', 'VENDOR_CERTIFICATE_MISMATCH', `${VENDOR_DIR}/certificate.json`, `${VENDOR_DIR}/certificate.json is another valid certificate of the vendor (acme-cert-0002, over the same records), not the one the statement binds`, {
      vendorFiles: vendorFile('certificate.json', { certificateId: 'acme-cert-0002' }),
    }),
    v('vendor-trust-other', 'VENDOR_CERTIFICATE_MISMATCH', `${VENDOR_DIR}/trust.json`, `${VENDOR_DIR}/trust.json is another valid trust root of the vendor (the same key, another issuer line), not the one the statement pins`, {
      vendorFiles: vendorFile('trust.json', { trustIssuer: 'Acme Labeling Ltd, Example Corp account (TEST KEY)' }),
    }),
    v('vendor-order-other', 'VENDOR_CERTIFICATE_MISMATCH', `${VENDOR_DIR}/certificate.json`, `the vendor's certificate (bound by the statement, its disposition signed by bob) is for an order whose reference names ord-example-0099, not ${ORDER_ID}: ${otherOrder}`, {
      vendor: { reference: otherOrder },
    }),
    v('vendor-bundle-tampered', 'MERKLE_ROOT_MISMATCH', `${VENDOR_DIR}/records.ndjson`, `the sha256 of the vendor's record 1 changed (still canonical) in ${VENDOR_DIR}/records.ndjson`, {
      vendor: { records: (lines) => lines.map((l, i) => (i === 1 ? canonicalize({ ...(JSON.parse(l) as Statement), sha256: 'f'.repeat(64) }) : l)) },
    }),
  ];
  return { valid: { files: base.files, expected }, invalid };
}
