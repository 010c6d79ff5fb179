// The examples of /openapi.json, one story told throughout: the order of
// examples/order.json, created by alice, approved by bob, executed and
// certified in November 2026, so that an id, a key or a time read in one
// example is the same in the next. Values and what builds them, plus takes
// and answers, which attach an example to its schema: schemas.ts and
// order-document-doc.ts import them, never the other way (a cycle), and the
// call there types each example by the schema it goes on;
// test/http/openapi-examples.test.ts checks every one against its schema.
// OPERATION_EXAMPLES, at the end, is for the schemas written inline in a
// route file, which openapi.ts pairs with their examples itself.
import { createHash } from 'node:crypto';
import { canonicalize, keyIdOf, publicKeyFromPem } from '@shredproof/verify';
import type { z } from 'zod';
import { deadlineWarnings } from '../app/deadlines.js';
import { OrderDocumentSchema } from '../app/order-document.js';
import { RECEIPT_TYPE, RECEIPT_VERSION } from '../app/receipts.js';

/** A request schema with its example, typed as what a client sends. */
export function takes<T extends z.ZodType>(schema: T, example: z.input<T>, meta: Record<string, unknown> = {}): T {
  return schema.meta({ ...meta, examples: [example] });
}

/** A response schema with its example, typed as what the server answers. */
export function answers<T extends z.ZodType>(schema: T, example: z.output<T>, meta: Record<string, unknown> = {}): T {
  return schema.meta({ ...meta, examples: [example] });
}

/** The type of a problem of this code, as problem.ts's sendProblem writes it. */
export const problemType = (code: string) => `urn:shredproof:problem:${code.toLowerCase().replace(/_/g, '-')}`;

const sha256Hex = (s: string) => createHash('sha256').update(s).digest('hex');

/** The example order document: examples/order.json (the test checks that they are the same). */
export const EXAMPLE_ORDER_DOCUMENT = {
  reference: 'In the Matter of Example Corp., Docket No. C-0000 (example): destroy the photos and face data of the users in the affected cohort',
  description:
    'Photos on the file server and their archive copies in S3, the photo rows in the accounts database, and the cached face embeddings in Redis. Account u-1007 is under a litigation hold.',
  deadline: '2026-12-31T23:59:59Z',
  targets: [
    { backend: 'photos', scope: { include: ['cohort-7/**'] } },
    { backend: 'photo-archive', scope: { prefixes: ['cohort-7/'] } },
    { backend: 'accounts-db', scope: { table: 'public.user_photos', where: [{ column: 'cohort', op: 'eq' as const, value: 7 }] } },
    { backend: 'face-cache', scope: { match: ['face:cohort-7:*'] } },
  ],
  holds: [
    { id: 'lit-2026-117', reason: 'Litigation hold, Doe v. Example Corp. (account u-1007)', target: 'photos', match: { include: ['cohort-7/u-1007/**'] } },
    { id: 'lit-2026-117-archive', reason: 'Litigation hold, Doe v. Example Corp. (account u-1007)', target: 'photo-archive', match: { prefixes: ['cohort-7/u-1007/'] } },
    {
      id: 'lit-2026-117-db',
      reason: 'Litigation hold, Doe v. Example Corp. (account u-1007)',
      target: 'accounts-db',
      match: { where: [{ column: 'account', op: 'eq' as const, value: 'u-1007' }] },
    },
    { id: 'lit-2026-117-cache', reason: 'Litigation hold, Doe v. Example Corp. (account u-1007)', target: 'face-cache', match: { keys: ['face:cohort-7:u-1007:*'] } },
  ],
};

/** The document as the server stores it (defaults filled in, canonical) and its SHA-256, computed as create-order.ts does. */
function stored(doc: unknown): { document: Record<string, unknown>; documentSha256: string } {
  const text = canonicalize(OrderDocumentSchema.parse(doc));
  return { document: JSON.parse(text) as Record<string, unknown>, documentSha256: sha256Hex(text) };
}

/** A public key as `shredproof person keygen` writes it (the example of the people's keys). */
const BOB_PUBLIC_KEY_PEM = '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAjmnjuirfCltC82PD72PGhNwPm3SmAugkbPhnQnxeSPM=\n-----END PUBLIC KEY-----\n';

/** The values the examples share, so that they tell one consistent story. */
export const EX = {
  orderId: 'ord-f93673b3-9f16-4ba9-956b-b797cb9e4cdd',
  lateOrderId: 'ord-4eb9a244-87a2-4752-9543-f9e6f4ffe0b6',
  certificateId: 'cert-e8348084-471d-4314-94bf-d2f2187ff580',
  createdAt: '2026-11-20T09:12:03.418Z',
  plannedAt: '2026-11-20T09:14:41.207Z',
  performerSignedAt: '2026-11-20T09:21:37.090Z',
  approvedAt: '2026-11-20T09:30:02.771Z',
  startedAt: '2026-11-20T09:31:10.004Z',
  progressAt: '2026-11-20T09:38:45.512Z',
  finishedAt: '2026-11-20T09:47:55.632Z',
  issuedAt: '2026-11-20T09:48:03.115Z',
  planRoot: '5ec442d5052c8cb0e87bd97556207da0008f2299a6dab6406dde4002d1cd3bfc',
  aliceKey: '3078798f3fac4707f8cb415d042cf3c30051f7fbead7b7fcd70446b5a3391df3',
  bobKey: keyIdOf(publicKeyFromPem(BOB_PUBLIC_KEY_PEM)),
  issuerKey: 'd9b88a48d1f85ebd6002f38be5294fc30f937ab2c2009956cfd73ed9505a2234',
  rootHash: '8639a805a5aa83fbdf02aa4bec966e12b83204031827de52c92b5d55d21f3258',
  aliceSignature: 'FfttKtaZcrPzdrczTOfUi3frO4AagWroZwRWFiBreP6RbXLAnpRD0zuRUJ/HDX1A7lIHmVDQtfT5LsOLlOLpAA==',
  bobSignature: '8wqnHuoeDLKMID4G+EGz+OgoCg9BvDUvTvta/wC/udXFqwahaB64CMgVSgqBklp/gqghQIug5tc5reSlj/ozOg==',
  issuerSignature: 'FTYNcQJcY7ZG5RTl1+6WNnNIBSFV3ZBWsUTTFgL+Jbcvi/SOG21MiCzfJl5W+ZAU8x9qQj2zRGpM4PiUnyoj9Q==',
  dispositionSignature: 'z27wDZ7PPskwQrrw+5TQ+Sj7kdWs+kTRAkkZS+JaVFiMYEyHdtBlBbCxnfj6GbRGe4FSc6F/b93hUT2ktO9Ibg==',
  ...stored(EXAMPLE_ORDER_DOCUMENT),
};

/** An order created three and a half days after its deadline: what the warning says, word for word. */
const LATE = (() => {
  const doc = { ...EXAMPLE_ORDER_DOCUMENT, deadline: '2026-11-16T17:00:00Z' };
  return { ...stored(doc), deadline: doc.deadline, warnings: deadlineWarnings(doc, new Date(EX.createdAt)) };
})();

/** The first locators of each target the plan lists: its sample. */
const sample = (n: number, locator: (i: number) => string) => Array.from({ length: n }, (_, i) => locator(i));
const EXAMPLE_PLAN_TARGETS = {
  photos: { objects: 31_870, bytes: 98_113_420_567, held: 212, sample: sample(20, (i) => `cohort-7/u-${1001 + (i >> 2)}/2024/IMG_${String(4100 + i).padStart(4, '0')}.jpg`) },
  'photo-archive': { objects: 31_870, bytes: 98_113_420_567, held: 212, sample: sample(20, (i) => `cohort-7/u-${1001 + (i >> 2)}/2024/IMG_${String(4100 + i).padStart(4, '0')}.jpg`) },
  'accounts-db': { objects: 31_870, bytes: 20_745_113, held: 212, sample: sample(20, (i) => `public.user_photos:{"id":${90_211 + i}}`) },
  'face-cache': { objects: 1_204, bytes: 4_931_584, held: 8, sample: sample(20, (i) => `face:cohort-7:u-${1001 + i}:emb`) },
};

// The signatures (bob approves the plan, alice signs it as its performer, bob decides on the vendor's
// copy) and the request bodies.

export const BOB_APPROVAL = { keyid: EX.bobKey, signedAt: EX.approvedAt, signature: EX.bobSignature };
const ALICE_SIGNATURE = { keyid: EX.aliceKey, signedAt: EX.performerSignedAt, signature: EX.aliceSignature };
export const DISPOSITION_SIGNATURE = { keyid: EX.bobKey, signedAt: '2026-11-20T09:29:12.530Z', signature: EX.dispositionSignature };

export const APPROVE_EXAMPLE = { planRoot: EX.planRoot, approval: BOB_APPROVAL };
export const SIGN_PLAN_EXAMPLE = { planRoot: EX.planRoot, signature: ALICE_SIGNATURE };
export const CANCEL_EXAMPLE = { reason: 'The data subject withdrew the erasure request on 2026-11-20 (ticket DSR-4471); nothing may be destroyed.' };
export const DISPOSITION_EXAMPLE = { disposition: 'held-by-vendor' as const, signature: DISPOSITION_SIGNATURE };

// The order: its derived artifact at a vendor, the order itself, the late one, the list of both.

export const VENDOR_CERTIFICATE_EXAMPLE = {
  name: 'Labelwise Annotation Ltd',
  certificateId: 'cert-7b4b39a8-02af-4d86-8649-501f06c85add',
  certificateSha256: '57f72ae6a08aad8207f037540503590ff3b45e839659904ac975438766321a68',
  keyid: 'e8a87cd8b48310a9655a8ae8628c6f1e58d029756d3081d8b9c561a4e9ef7f8c',
  trustSha256: 'd0a4bfe7e0a6bc417879b5b0d47089e2a3a2629d890e0250ccb7c153f1f17342',
};
export const VENDOR_STATUS_EXAMPLE = { status: 'complete' as const, completeness: { planned: 3120, destroyed: 3120, retained: 0, exceptions: 0 } };

export const PLANNED_ARTIFACT_EXAMPLE = {
  artifact: 'face-labels-at-labelwise',
  kind: 'vendor-copy' as const,
  description: 'The cohort-7 face crops sent to Labelwise for labelling in March 2026',
  lineage: ['photos', 'face-labels-at-labelwise'],
  location: { vendor: 'Labelwise Annotation Ltd', description: 'Labelwise\'s labelling store, EU region' },
  vendorCertificate: VENDOR_CERTIFICATE_EXAMPLE,
  vendorStatus: VENDOR_STATUS_EXAMPLE,
  disposition: {
    disposition: 'held-by-vendor' as const,
    signedBy: { person: 'bob', ...DISPOSITION_SIGNATURE },
  },
};

export const WARNING_EXAMPLE = LATE.warnings[0]!;

/** The order of the story, approved and not yet executed: what GET /v1/orders/{id} answers. */
export const ORDER_EXAMPLE = {
  id: EX.orderId,
  reference: EXAMPLE_ORDER_DOCUMENT.reference,
  state: 'approved' as const,
  createdBy: 'alice',
  createdAt: EX.createdAt,
  updatedAt: EX.approvedAt,
  documentSha256: EX.documentSha256,
  document: EX.document,
  deadline: EXAMPLE_ORDER_DOCUMENT.deadline,
  overdue: false,
  plan: {
    root: EX.planRoot,
    objects: Object.values(EXAMPLE_PLAN_TARGETS).reduce((n, t) => n + t.objects, 0),
    bytes: Object.values(EXAMPLE_PLAN_TARGETS).reduce((n, t) => n + t.bytes, 0),
    plannedAt: EX.plannedAt,
    targets: EXAMPLE_PLAN_TARGETS,
    derived: [],
  },
  approval: { by: 'bob', at: EX.approvedAt, planRoot: EX.planRoot },
  signatures: [
    { role: 'performer' as const, person: 'alice', ...ALICE_SIGNATURE },
    { role: 'approver' as const, person: 'bob', ...BOB_APPROVAL },
  ],
  execution: null,
  certificate: null,
  failure: null,
};

/** The order created past its deadline, as POST /v1/orders answers it: a draft, overdue from the start, with the warning. */
export const CREATED_ORDER_EXAMPLE = {
  ...ORDER_EXAMPLE,
  id: EX.lateOrderId,
  state: 'draft' as const,
  updatedAt: EX.createdAt,
  document: LATE.document,
  documentSha256: LATE.documentSha256,
  deadline: LATE.deadline,
  overdue: true,
  plan: null,
  approval: null,
  signatures: [],
  warnings: LATE.warnings,
};

export const SUMMARY_EXAMPLE = {
  id: EX.orderId,
  reference: ORDER_EXAMPLE.reference,
  state: ORDER_EXAMPLE.state,
  createdBy: 'alice',
  createdAt: EX.createdAt,
  updatedAt: EX.approvedAt,
  deadline: ORDER_EXAMPLE.deadline,
  overdue: false,
};

export const ORDER_LIST_EXAMPLE = {
  orders: [SUMMARY_EXAMPLE, { ...SUMMARY_EXAMPLE, id: EX.lateOrderId, state: 'draft' as const, updatedAt: EX.createdAt, deadline: LATE.deadline, overdue: true }],
  nextCursor: '1042',
};

export const ORDER_EVENTS_EXAMPLE = {
  events: [
    { at: EX.createdAt, actor: 'alice', fromState: null, toState: 'draft', detail: null },
    { at: '2026-11-20T09:12:09.655Z', actor: 'alice', fromState: 'draft', toState: 'planning', detail: null },
    { at: EX.plannedAt, actor: 'alice', fromState: 'planning', toState: 'planned', detail: `plan ${EX.planRoot}: 96814 objects` },
    { at: EX.approvedAt, actor: 'bob', fromState: 'planned', toState: 'approved', detail: `plan ${EX.planRoot}` },
  ],
};

export const INVENTORY_PAGE_EXAMPLE = {
  objects: [
    { seq: 1040, target: 'photos', locator: 'cohort-7/u-1004/2024/IMG_4112.jpg', size: 3_481_920, heldBy: null, status: 'pending' as const },
    { seq: 1041, target: 'photos', locator: 'cohort-7/u-1004/2024/IMG_4113.jpg', size: 2_977_311, heldBy: null, status: 'pending' as const },
    { seq: 1042, target: 'photos', locator: 'cohort-7/u-1004/2024/IMG_4113.mov', size: 48_120_832, heldBy: null, status: 'pending' as const },
  ],
  nextCursor: '1042',
};

// The execution, seven and a half minutes in.

const progressCounts = (total: number, done: number, retained: number, bytesPlanned: number, bytesDestroyed: number) => ({
  total,
  pending: total - done - retained,
  destroyed: done,
  exceptions: 0,
  retained,
  bytesPlanned,
  bytesDestroyed,
});
export const PROGRESS_EXAMPLE = {
  orderId: EX.orderId,
  state: 'executing' as const,
  at: EX.progressAt,
  planning: null,
  counts: progressCounts(96_814, 41_305, 644, 196_252_579_831, 83_710_455_019),
  perTarget: {
    photos: progressCounts(31_870, 18_220, 212, 98_113_420_567, 56_090_418_302),
    'photo-archive': progressCounts(31_870, 11_904, 212, 98_113_420_567, 27_612_021_580),
    'accounts-db': progressCounts(31_870, 10_977, 212, 20_745_113, 7_112_040),
    'face-cache': progressCounts(1_204, 204, 8, 4_931_584, 903_097),
  },
  rate: { objectsPerSecond: 90.6, bytesPerSecond: 183_574_241.3 },
  etaSeconds: 604.5,
  elapsedSeconds: 455.5,
};

// The certificate, a per-object proof of one of its records, and a data subject's receipt.

/** The head of the example certificate's statement (docs/FORMAT.md section 5): the envelope's payload is its JSON, in base64. */
const EXAMPLE_STATEMENT = {
  type: 'shredproof.certificate',
  version: 2,
  certificateId: EX.certificateId,
  issuedAt: EX.issuedAt,
  issuer: { name: 'Example Corp compliance', keyid: EX.issuerKey },
  tool: { name: 'shredproof', version: '0.1.0' },
  order: { id: EX.orderId, reference: EXAMPLE_ORDER_DOCUMENT.reference, sha256: EX.documentSha256, createdBy: 'alice', approvedBy: 'bob', approvedAt: EX.approvedAt, deadline: EXAMPLE_ORDER_DOCUMENT.deadline },
  merkle: { algorithm: 'rfc6962-sha256', treeSize: 96_170, rootHash: EX.rootHash },
  execution: { startedAt: EX.startedAt, finishedAt: EX.finishedAt, withinDeadline: true },
};
export const ENVELOPE_EXAMPLE = {
  payloadType: 'application/vnd.shredproof.certificate.v2+json',
  payload: Buffer.from(canonicalize(EXAMPLE_STATEMENT)).toString('base64'),
  signatures: [{ keyid: EX.issuerKey, sig: EX.issuerSignature }],
};
/** A line of the example's records.ndjson (docs/FORMAT.md section 7): what a per-object proof proves. */
const EXAMPLE_RECORD = canonicalize({
  destroyedAt: '2026-11-20T09:33:12.104Z',
  index: 1040,
  locator: 'cohort-7/u-1004/2024/IMG_4112.jpg',
  method: 'unlink',
  salt: '47edf84cdb420deaeb3433dc9c58c8f6',
  sha256: '8155f7b5f4f699ab62d570187eb12cbbf5d55935e3d23d3fca8a3e67adb12182',
  size: 3_481_920,
  target: 'photos',
});
export const PROOF_EXAMPLE = {
  type: 'shredproof.object-proof' as const,
  version: 2 as const,
  list: 'records' as const,
  entry: EXAMPLE_RECORD,
  leafIndex: 1040,
  treeSize: 96_170,
  auditPath: [
    '14e72ef56e19a18a6e103f26c335d0b43178083f59685e7489e707e3273e696e',
    'e60f340fab6fc4df669a67392f00ea5494a75181c7fda9ec164f23a4efc91b2d',
    '723b94418dad75e2f0d7a96ed5806d354368693223af7015d8c69834f23419ee',
  ],
  certificate: ENVELOPE_EXAMPLE,
};

export const RECEIPT_EXAMPLE = {
  // Asserted: a constant's literal type widens to string in an object literal, and the schema takes this literal only.
  type: RECEIPT_TYPE as typeof RECEIPT_TYPE,
  version: RECEIPT_VERSION as typeof RECEIPT_VERSION,
  certificateId: EX.certificateId,
  issuedAt: EX.issuedAt,
  issuer: { name: 'Example Corp compliance', keyid: EX.issuerKey },
  order: { id: EX.orderId, reference: EXAMPLE_ORDER_DOCUMENT.reference },
  certificate: ENVELOPE_EXAMPLE,
  objects: [
    { query: { locator: 'photos:cohort-7/u-1004/2024/IMG_4112.jpg' }, status: 'destroyed' as const, proof: PROOF_EXAMPLE },
    { query: { locator: 'photos:cohort-7/u-1004/2025/IMG_0001.jpg' }, status: 'not-in-certificate' as const },
  ],
};

/** The issuer's certificate key of the examples, as GET /v1/keys shows it. */
const ISSUER_PUBLIC_KEY_PEM = '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAxSB7JlDRlWawIyO7RnXBofR8ctM31J45Z6YhtScg1yc=\n-----END PUBLIC KEY-----\n';
export const PUBLIC_KEY_EXAMPLE = {
  keyid: keyIdOf(publicKeyFromPem(ISSUER_PUBLIC_KEY_PEM)),
  algorithm: 'ed25519' as const,
  pem: ISSUER_PUBLIC_KEY_PEM,
  validFrom: '2026-01-05T10:00:00.000Z',
  validUntil: null,
  revokedAt: null,
  revocationReason: null,
  status: 'active' as const,
};

// The artifacts of the lineage registry, and the vendor's bundle as it is uploaded.

export const ARTIFACT_EXAMPLE = {
  name: 'face-embedder-v3',
  kind: 'model' as const,
  description: 'Face-recognition model trained on the cohort-7 photos in October 2026; its weights are in the models store',
  location: { backend: 'models', scope: { include: ['face-embedder-v3/**'] } },
  inputs: [{ scope: { backend: 'photos', scope: { include: ['cohort-7/**'] } } }, { manifest: { treeSize: 31_658, rootHash: '8a0651ca812a7680b2fbd5ff4884fee1dccdbe5c7c49f81f6985220e534cb919' } }],
  registeredAt: '2026-10-28T16:40:12.532Z',
  registeredBy: 'olga',
  manifest: { treeSize: 31_658, rootHash: '8a0651ca812a7680b2fbd5ff4884fee1dccdbe5c7c49f81f6985220e534cb919', uploadedAt: '2026-10-28T16:41:03.118Z' },
};
export const ARTIFACT_LIST_EXAMPLE = { artifacts: [ARTIFACT_EXAMPLE], nextCursor: '17' };
export const ARTIFACT_LINEAGE_EXAMPLE = { artifact: ARTIFACT_EXAMPLE, derivedFrom: [], usedBy: ['face-embedder-v3-ft-eu'] };

export const VENDOR_BUNDLE_UPLOAD_EXAMPLE = {
  artifact: 'face-labels-at-labelwise',
  file: 'certificate.json',
  size: 4_812,
  sha256: VENDOR_CERTIFICATE_EXAMPLE.certificateSha256,
  staged: ['trust.json', 'certificate.json'],
};

// The people, their tokens, and the audit log.

export const WHOAMI_EXAMPLE = {
  tokenId: 'tok_281d4a4aac9a99d5',
  name: 'bob',
  role: 'approver',
  person: { roles: ['approver'], keys: [{ keyid: EX.bobKey, signs: ['approver'], validFrom: '2026-03-02T08:00:00.000Z', validUntil: null, revokedAt: null }] },
};

export const PEOPLE_LIST_EXAMPLE = {
  people: [
    { name: 'alice', roles: ['operator'], createdAt: '2026-03-02T07:58:12.000Z', createdBy: 'local:root', removedAt: null, removedBy: null },
    { name: 'bob', roles: ['approver'], createdAt: '2026-03-02T08:00:00.000Z', createdBy: 'local:root', removedAt: null, removedBy: null },
  ],
  keys: [
    { keyid: EX.bobKey, person: 'bob', publicKeyPem: BOB_PUBLIC_KEY_PEM, signs: ['approver'], validFrom: '2026-03-02T08:00:00.000Z', validUntil: null, revokedAt: null, revocationReason: null },
  ],
};

export const TOKEN_CREATE_EXAMPLE = { name: 'carol', role: 'auditor' as const, expiresAt: '2027-02-18T00:00:00Z' };

export const TOKEN_EXAMPLE = {
  id: 'tok_78921d0d86b6e8ba',
  name: 'carol',
  role: 'auditor' as const,
  createdAt: '2026-11-18T14:02:51.306Z',
  createdBy: 'ada',
  expiresAt: '2027-02-18T00:00:00.000Z',
  revokedAt: null,
  lastUsedAt: '2026-11-20T10:15:09.871Z',
};

/** The audit entry of the late order's creation, with its warning. */
export const AUDIT_ENTRY_EXAMPLE = {
  seq: 4127,
  at: EX.createdAt,
  actor: 'alice',
  action: 'createOrder',
  tokenId: 'tok_ecc54502066db4bc',
  role: 'operator',
  orderId: EX.lateOrderId,
  method: 'POST',
  path: '/v1/orders',
  status: 201,
  remote: '10.20.4.17',
  userAgent: 'shredproof/0.1.0',
  detail: `warning ${LATE.warnings[0]!.code}: ${LATE.warnings[0]!.message}`,
  prevHash: '02f9ce7769f1846419b5fdd1696d9f7b7fa6092ba4ab7c243fe70debca00d4ef',
  hash: '626eef09e30ef353cb1ab087c869796d1bfc0f7832a6956b2f43e614383b91ca',
};

/** The component Problem's own example; each refusal's example is made by openapi.ts from the server's code. */
export const PROBLEM_EXAMPLE = {
  type: problemType('NOT_PLANNED'),
  title: 'The order is not in a state that allows this',
  status: 409,
  code: 'NOT_PLANNED',
  detail: `order ${EX.orderId} is approved; only a planned order can be approved, signed or refused`,
  instance: `/v1/orders/${EX.orderId}/approve`,
};

/**
 * Examples of the bodies whose schemas are written inline in a route file
 * (src/http/routes/*.ts), by operationId and status ('request' for the
 * request body): openapi.ts puts each beside its schema, and the test checks
 * it against that schema like any other.
 */
export const OPERATION_EXAMPLES: Record<string, Record<string, unknown>> = {
  createToken: { 201: { token: 'sp_78921d0d86b6e8ba_i0MQfrLpoCfvbEIrWL_XsIqbGn0V9Dz5ORU40FAG5xE', info: TOKEN_EXAMPLE } },
  listTokens: { 200: { tokens: [TOKEN_EXAMPLE, { ...TOKEN_EXAMPLE, id: 'tok_cad71a9d50f220cc', name: 'alice', role: 'operator', expiresAt: null, revokedAt: '2026-11-19T08:00:00.000Z' }] } },
  listAudit: { 200: { entries: [AUDIT_ENTRY_EXAMPLE], nextCursor: '4127' } },
  verifyAudit: { 200: { ok: true, entries: 4127 } },
  listKeys: { 200: { keys: [PUBLIC_KEY_EXAMPLE] } },
  health: { 200: { status: 'ok' } },
  ready: { 200: { status: 'ready', checks: { ledger: 'ok', redis: 'ok' } }, 503: { status: 'not ready', checks: { ledger: 'ok', redis: 'unavailable' } } },
  attachVendorCertificate: { 200: { ...VENDOR_CERTIFICATE_EXAMPLE, vendorStatus: VENDOR_STATUS_EXAMPLE } },
  uploadVendorBundleFile: {
    // The vendor's trust.json (docs/FORMAT.md section 10), one file of its bundle.
    request: `${JSON.stringify(
      {
        type: 'shredproof.trust-root',
        version: 1,
        issuer: 'Labelwise Annotation Ltd',
        certificateKeys: [{ keyid: VENDOR_CERTIFICATE_EXAMPLE.keyid, publicKey: 'MCowBQYDK2VwAyEAxSB7JlDRlWawIyO7RnXBofR8ctM31J45Z6YhtScg1yc=', validFrom: '2025-06-01T00:00:00Z' }],
      },
      null,
      2,
    )}\n`,
  },
};
