// The API's request and response schemas (zod). Requests are parsed with
// them; /openapi.json is generated from the same objects, so the document
// cannot drift from what the server accepts. Each carries a realistic
// example, typed by its schema here and checked against it by
// test/http/openapi-examples.test.ts: one story told throughout (the order
// of examples/order.json, created by alice, approved by bob, in November 2026).
import { createHash } from 'node:crypto';
import { canonicalize, keyIdOf, publicKeyFromPem } from '@shredproof/verify';
import { z } from 'zod';
import { deadlineWarnings, WARNING_CODES } from '../app/deadlines.js';
import { OrderDocumentSchema } from '../app/order-document.js';
import { ORDER_STATES } from '../app/ports/orders.js';
import { ROLES } from '../app/ports/access.js';
import { TOKEN_NAME_RE } from '../app/tokens.js';
import { ARTIFACT_NAME } from '../app/artifacts.js';
import { ARTIFACT_KINDS } from '../app/ports/artifacts.js';
import { MAX_VENDOR_LEVELS, VENDOR_BUNDLE_FILES, VENDOR_BUNDLE_PATH_PATTERN, vendorBundlePathProblem } from '../app/vendor-certificates.js';
import { MAX_RECEIPT_LOCATOR, MAX_RECEIPT_OBJECTS, RECEIPT_STATUSES, RECEIPT_TYPE, RECEIPT_VERSION } from '../app/receipts.js';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');
const timestamp = z.string().meta({ format: 'date-time' });

/** A request schema with its example, typed as what a client sends. */
function takes<T extends z.ZodType>(schema: T, example: z.input<T>, meta: Record<string, unknown> = {}): T {
  return schema.meta({ ...meta, examples: [example] });
}

/** A response schema with its example, typed as what the server answers. */
function answers<T extends z.ZodType>(schema: T, example: z.output<T>, meta: Record<string, unknown> = {}): T {
  return schema.meta({ ...meta, examples: [example] });
}

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
const EX = {
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

export const OrderIdParams = z.strictObject({
  id: z
    .string()
    .regex(/^ord-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'is not an order id (ord-<uuid>)')
    .meta({ examples: [EX.orderId] }),
});

const limit = (max: number, dflt: number) => z.coerce.number().int().min(1).max(max).default(dflt);
/** Opaque to clients; today the last row number seen. */
const cursor = z.string().regex(/^[0-9]{1,15}$/, 'is not a cursor returned by this API').meta({ examples: ['1042'] });
/** A yes-or-no filter of a query string: the words true and false only (a 400 names the parameter otherwise). */
const flag = (description: string) => z.enum(['true', 'false']).transform((v) => v === 'true').optional().meta({ description });

export const ListOrdersQuery = z.strictObject({
  state: z
    .string()
    .transform((s) => s.split(','))
    .pipe(z.array(z.enum(ORDER_STATES)))
    .optional()
    // The pattern is for the document only (the parse names each bad state): without it, the document accepted any string.
    .meta({ description: `Comma-separated states: ${ORDER_STATES.join(', ')}`, pattern: `^(${ORDER_STATES.join('|')})(,(${ORDER_STATES.join('|')}))*$` }),
  createdBy: z.string().min(1).max(64).optional().meta({ examples: ['alice'] }),
  overdue: flag('true: only overdue orders (the deadline has passed and the order is not certified, certified-with-exceptions, failed or cancelled, by the server\'s clock); false: only the others'),
  limit: limit(500, 50),
  cursor: cursor.optional(),
});

/** A signature with a person's own key (docs/FORMAT.md section 5.9): the server knows the rest of what was signed. */
const SignedApprovalShape = z
  .strictObject({
    keyid: hex64.meta({ description: 'The key id of the signer\'s registered personal key.' }),
    signedAt: z.string().max(40).meta({ format: 'date-time', description: 'When it was signed, by the signer\'s clock; at most 5 minutes from the server\'s.' }),
    signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'must be the base64 of a 64-byte Ed25519 signature').meta({ description: 'Ed25519 over PAE(application/vnd.shredproof.approval.v1+json, the approval payload of docs/FORMAT.md section 5.9).' }),
  });
const BOB_APPROVAL = { keyid: EX.bobKey, signedAt: EX.approvedAt, signature: EX.bobSignature };
const ALICE_SIGNATURE = { keyid: EX.aliceKey, signedAt: EX.performerSignedAt, signature: EX.aliceSignature };
export const SignedApproval = takes(SignedApprovalShape, BOB_APPROVAL, { id: 'SignedApproval' });

export const ApproveBody = takes(
  z.strictObject({
    planRoot: hex64.meta({ description: 'The plan root the approver reviewed; refused if the plan changed since.' }),
    approval: SignedApproval,
  }),
  { planRoot: EX.planRoot, approval: BOB_APPROVAL },
);

export const SignPlanBody = takes(
  z.strictObject({
    planRoot: hex64.meta({ description: 'The plan root the performer reviewed; refused if the plan changed since.' }),
    signature: SignedApproval,
  }),
  { planRoot: EX.planRoot, signature: ALICE_SIGNATURE },
);

const ApprovalEntry = z.object({ role: z.enum(['approver', 'performer']), person: z.string(), keyid: hex64, signedAt: timestamp, signature: z.string() });

export const CancelBody = takes(
  z.strictObject({
    // Checked before the trim, so that the document says what is refused: a reason of spaces only passed minLength 1 there.
    reason: z.string().max(2000).regex(/\S/, 'must say why').trim(),
  }),
  { reason: 'The data subject withdrew the erasure request on 2026-11-20 (ticket DSR-4471); nothing may be destroyed.' },
);

/** plan and execute take no parameters; an empty body or {} is accepted, anything else is refused. */
export const EmptyBody = takes(z.strictObject({}), {});

// The order document as /openapi.json shows it: the scope of a target and
// the match of a hold typed per backend kind. Documentation only: the server
// validates with OrderDocumentSchema (src/app/order-document.ts), which takes
// any object there and leaves it to the backend that the target names (its
// scope.ts), because a document names a configured backend, not a kind. The
// shapes below are those backends' own (src/adapters/storage/*/scope.ts,
// sql/filter-model.ts); test/http/openapi-examples.test.ts checks that each
// backend accepts each example and that the rest is OrderDocumentSchema's.

const globs = (description: string) => z.array(z.string()).meta({ description });
const scalar = z.union([z.string(), z.number(), z.boolean()]).meta({ description: 'A JSON scalar, typed against the column (never null: NULL matches nothing)' });
const column = z.string().min(1).max(128).meta({ description: 'A column name, exact and case-sensitive, checked against the catalog' });

/** A condition of a SQL scope or hold (docs/backends/sql.md): values are bind parameters, never SQL text. */
const SqlCondition = takes(
  z.discriminatedUnion('op', [
    z.strictObject({ column, op: z.literal('eq'), value: scalar }),
    z.strictObject({ column, op: z.literal('in'), values: z.array(scalar).min(1).max(10_000) }),
    z.strictObject({ column, op: z.literal('prefix'), value: z.string(), allowEmptyPrefix: z.boolean().optional() }),
    z.strictObject({ column, op: z.literal('range'), value: z.strictObject({ gte: scalar.optional(), gt: scalar.optional(), lte: scalar.optional(), lt: scalar.optional() }) }),
  ]),
  { column: 'cohort', op: 'eq', value: 7 },
  { id: 'SqlCondition' },
);
const conditions = (description: string) => z.array(SqlCondition).max(64).meta({ description });

const FilesystemScope = takes(
  z.strictObject({
    include: globs('Glob patterns relative to the backend\'s root (docs/ORDERS.md section 2): a file is in scope when its path matches one. A pattern that could match every file needs allowAll.').min(1),
    exclude: globs('Glob patterns: a file that matches one is out of scope, even if an include matches it.').optional(),
    allowAll: z.boolean().optional().meta({ description: 'true permits include patterns that could match every file of the root (**, */**, ...)' }),
  }),
  { include: ['cohort-7/**'], exclude: ['cohort-7/*/public/**'] },
  { id: 'FilesystemScope', title: 'filesystem', description: 'The scope of a target whose backend is of kind filesystem: files under its root, by glob pattern.' },
);
const S3Scope = takes(
  z.strictObject({
    prefixes: z.array(z.string()).min(1).meta({ description: 'Key prefixes, compared byte for byte (no globs); every version of every key under them is in scope. The prefix "" needs allowWholeBucket.' }),
    exclude: z.array(z.string()).optional().meta({ description: 'Key prefixes out of scope.' }),
    allowWholeBucket: z.boolean().optional().meta({ description: 'true permits the prefix "", every key of the bucket' }),
  }),
  { prefixes: ['cohort-7/'] },
  { id: 'S3Scope', title: 's3', description: 'The scope of a target whose backend is of kind s3 (docs/backends/s3.md): objects and all their versions, by key prefix.' },
);
const SqlScope = takes(
  z.strictObject({
    table: z.string().min(1).max(128).meta({ description: '"schema.table" or "table"' }),
    where: conditions('An AND of conditions; empty only with allowWholeTable.'),
    allowWholeTable: z.boolean().optional().meta({ description: 'true permits an empty where: every row of the table' }),
  }),
  { table: 'public.user_photos', where: [{ column: 'cohort', op: 'eq', value: 7 }] },
  { id: 'SqlScope', title: 'postgres, mariadb, sqlite', description: 'The scope of a target whose backend is of kind postgres, mariadb or sqlite (docs/backends/sql.md): rows of one table, by a structured filter.' },
);
const RedisScope = takes(
  z.strictObject({
    match: z.array(z.string()).min(1).max(1000).meta({ description: 'Redis SCAN MATCH patterns over the key without the backend\'s keyPrefix. A pattern that fixes no byte needs allowAll.' }),
    exclude: z.array(z.string()).max(1000).optional().meta({ description: 'Patterns of keys out of scope.' }),
    allowAll: z.boolean().optional().meta({ description: 'true permits patterns that fix no byte (*): every key under the prefix' }),
  }),
  { match: ['face:cohort-7:*'] },
  { id: 'RedisScope', title: 'redis', description: 'The scope of a target whose backend is of kind redis (docs/backends/redis.md): keys, by SCAN pattern.' },
);
const TargetScope = z.xor([FilesystemScope, S3Scope, SqlScope, RedisScope]).meta({
  description: 'What to destroy in the backend: the shape of the backend\'s kind (filesystem, s3, postgres/mariadb/sqlite, redis), which the backend checks when the order is created.',
});

const FilesystemHoldMatch = takes(z.strictObject({ include: globs('Glob patterns: a file in scope that matches one is held. As broad as you like: holding too much is safe.').min(1) }), { include: ['cohort-7/u-1007/**'] }, {
  id: 'FilesystemHoldMatch',
  title: 'filesystem',
  description: 'What a hold keeps in a target whose backend is of kind filesystem.',
});
const S3HoldMatch = takes(z.strictObject({ prefixes: z.array(z.string()).min(1).meta({ description: 'Key prefixes; every version of every key under them is held ("" holds the bucket).' }) }), { prefixes: ['cohort-7/u-1007/'] }, {
  id: 'S3HoldMatch',
  title: 's3',
  description: 'What a hold keeps in a target whose backend is of kind s3.',
});
const SqlHoldMatch = takes(z.strictObject({ where: conditions('An AND of conditions; an empty where holds the whole table.') }), { where: [{ column: 'account', op: 'eq', value: 'u-1007' }] }, {
  id: 'SqlHoldMatch',
  title: 'postgres, mariadb, sqlite',
  description: 'What a hold keeps in a target whose backend is of kind postgres, mariadb or sqlite.',
});
const RedisHoldMatch = takes(z.strictObject({ keys: z.array(z.string()).min(1).max(1000).meta({ description: 'SCAN patterns of the keys held.' }) }), { keys: ['face:cohort-7:u-1007:*'] }, {
  id: 'RedisHoldMatch',
  title: 'redis',
  description: 'What a hold keeps in a target whose backend is of kind redis.',
});
const HoldMatch = z.xor([FilesystemHoldMatch, S3HoldMatch, SqlHoldMatch, RedisHoldMatch]).meta({
  description: 'Which objects of the target the hold keeps: the shape of the target backend\'s kind, not the scope\'s (no exclude, no allow flags; redis holds list keys).',
});

const documentTarget = OrderDocumentSchema.shape.targets.element;
const documentHold = OrderDocumentSchema.shape.holds.unwrap().element;

/** The body of POST /v1/orders as the document shows it (docs/ORDERS.md section 1); OrderDocumentSchema is what validates it. */
export const OrderDocumentBody = takes(
  OrderDocumentSchema.extend({
    targets: z.array(documentTarget.extend({ scope: TargetScope })).min(1).max(100),
    holds: z.array(documentHold.extend({ match: HoldMatch })).max(10_000).default([]),
  }),
  EXAMPLE_ORDER_DOCUMENT,
  { id: 'OrderDocument' },
);

const Counts = z.object({
  total: z.number().int(),
  pending: z.number().int(),
  destroyed: z.number().int(),
  exceptions: z.number().int(),
  retained: z.number().int(),
  bytesPlanned: z.number().int(),
  bytesDestroyed: z.number().int(),
});

const VENDOR_CERTIFICATE_EXAMPLE = {
  name: 'Labelwise Annotation Ltd',
  certificateId: 'cert-7b4b39a8-02af-4d86-8649-501f06c85add',
  certificateSha256: '57f72ae6a08aad8207f037540503590ff3b45e839659904ac975438766321a68',
  keyid: 'e8a87cd8b48310a9655a8ae8628c6f1e58d029756d3081d8b9c561a4e9ef7f8c',
  trustSha256: 'd0a4bfe7e0a6bc417879b5b0d47089e2a3a2629d890e0250ccb7c153f1f17342',
};
const VENDOR_STATUS_EXAMPLE = { status: 'complete' as const, completeness: { planned: 3120, destroyed: 3120, retained: 0, exceptions: 0 } };

/** A vendor's certificate, verified against the vendor's pinned trust root and attached (docs/ORDERS.md section 7). */
export const VendorCertificate = answers(
  z.object({
    name: z.string().meta({ description: 'The vendor, as the artifact\'s registration names it.' }),
    certificateId: z.string(),
    certificateSha256: hex64.meta({ description: 'SHA-256 of the vendor\'s certificate.json: what a held-by-vendor disposition signs.' }),
    keyid: hex64.meta({ description: 'The key that signed the vendor\'s certificate.' }),
    trustSha256: hex64.meta({ description: 'SHA-256 of the vendor\'s trust.json: what a held-by-vendor disposition signs.' }),
  }),
  VENDOR_CERTIFICATE_EXAMPLE,
  { id: 'VendorCertificate' },
);

/** What a vendor's certificate says of its own run (PlannedArtifact.vendorStatus), shown to the approver; our certificate binds only the digests. */
export const VendorStatus = answers(
  z.object({
    status: z.enum(['complete', 'complete-with-exceptions']).meta({ description: 'The vendor\'s statement\'s status: complete-with-exceptions when objects were not destroyed.' }),
    completeness: z
      .object({ planned: z.number().int(), destroyed: z.number().int(), retained: z.number().int(), exceptions: z.number().int() })
      .meta({ description: 'The vendor\'s statement\'s completeness: objects planned, destroyed, retained under a hold, and not destroyed (exceptions).' }),
  }),
  VENDOR_STATUS_EXAMPLE,
  { id: 'VendorStatus' },
);

/** A derived artifact that the plan reached, with what became of it so far. */
const PlannedArtifact = answers(
  z.object({
    artifact: z.string(),
    kind: z.enum(ARTIFACT_KINDS),
    description: z.string(),
    lineage: z.array(z.string()).meta({ description: 'From the ordered data to this artifact: the order\'s target, then each artifact in turn.' }),
    location: z
      .union([z.object({ target: z.string(), backend: z.string(), scope: z.record(z.string(), z.unknown()) }), z.object({ vendor: z.string(), description: z.string() })])
      .meta({ description: 'Its target in this plan (derived:<name>: destroyed like the order\'s own objects), or a vendor (it needs a disposition).' }),
    vendorCertificate: VendorCertificate.nullable().meta({ description: 'At a vendor: the vendor\'s certificate, once attached.' }),
    vendorStatus: VendorStatus.nullable().meta({ description: 'With vendorCertificate: what it says of the vendor\'s own run, its status and counts (not in our certificate, which binds its digests).' }),
    disposition: z
      .object({
        disposition: z.enum(['retained-with-justification', 'held-by-vendor']),
        justification: z.string().optional(),
        signedBy: z.object({ person: z.string(), keyid: hex64, signedAt: timestamp, signature: z.string() }),
      })
      .nullable()
      .meta({ description: 'At a vendor: the approver\'s signed decision, once given.' }),
  }),
  {
    artifact: 'face-labels-at-labelwise',
    kind: 'vendor-copy',
    description: 'The cohort-7 face crops sent to Labelwise for labelling in March 2026',
    lineage: ['photos', 'face-labels-at-labelwise'],
    location: { vendor: 'Labelwise Annotation Ltd', description: 'Labelwise\'s labelling store, EU region' },
    vendorCertificate: VENDOR_CERTIFICATE_EXAMPLE,
    vendorStatus: VENDOR_STATUS_EXAMPLE,
    disposition: {
      disposition: 'held-by-vendor',
      signedBy: { person: 'bob', keyid: EX.bobKey, signedAt: '2026-11-20T09:29:12.530Z', signature: EX.dispositionSignature },
    },
  },
  { id: 'PlannedArtifact' },
);

/** Something the server accepted but wants said: a stable code for programs, a sentence for people. */
export const Warning = answers(
  z.object({
    code: z.enum(WARNING_CODES).meta({ description: 'DEADLINE_PASSED: the order document\'s deadline is already past by the server\'s clock; the order was created all the same.' }),
    message: z.string(),
  }),
  LATE.warnings[0]!,
  { id: 'Warning' },
);

const deadline = timestamp.nullable().meta({ description: 'The order document\'s deadline, or null when it sets none.' });
const overdue = z.boolean().meta({
  description: 'The deadline has passed, by the server\'s clock when it answered, and the order is not in a final state (certified, certified-with-exceptions, failed, cancelled).',
});

/** The order of the story, approved and not yet executed: what GET /v1/orders/{id} answers. */
const ORDER_EXAMPLE = {
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

const OrderShape = z.object({
  id: z.string(),
  reference: z.string(),
  state: z.enum(ORDER_STATES),
  createdBy: z.string(),
  createdAt: timestamp,
  updatedAt: timestamp,
  documentSha256: hex64,
  document: z.record(z.string(), z.unknown()).meta({ description: 'The order document as stored (RFC 8785 canonical form hashes to documentSha256).' }),
  deadline,
  overdue,
  plan: z
    .object({
      root: hex64,
      objects: z.number().int(),
      bytes: z.number().int(),
      plannedAt: timestamp,
      targets: z.record(
        z.string(),
        z.object({
          objects: z.number().int(),
          bytes: z.number().int(),
          held: z.number().int(),
          sample: z.array(z.string()).meta({ description: 'The first 20 locators of the target, in plan order, that the plan destroys (neither held nor unnameable): what an approver glances at first.' }),
        }),
      ),
      derived: z.array(PlannedArtifact).meta({ description: 'With includeDerived: the artifacts derived from the ordered data that the plan reached (docs/ORDERS.md section 7).' }),
    })
    .nullable(),
  approval: z.object({ by: z.string(), at: timestamp, planRoot: hex64 }).nullable(),
  signatures: z.array(ApprovalEntry).meta({ description: 'The signed approvals, as the certificate will carry them (the performer\'s, then the approver\'s).' }),
  execution: z
    .object({
      startedAt: timestamp,
      finishedAt: timestamp.nullable(),
      batches: z.number().int().nullable(),
      cancelRequestedAt: timestamp.nullable(),
    })
    .nullable(),
  certificate: z.object({ id: z.string(), issuedAt: timestamp, rootHash: hex64, treeSize: z.number().int() }).nullable(),
  failure: z.string().nullable(),
});
export const Order = answers(OrderShape, ORDER_EXAMPLE, { id: 'Order' });

/** POST /v1/orders answers the new order and what its creator should know (warnings: [] when nothing). */
export const CreatedOrder = answers(
  OrderShape.extend({ warnings: z.array(Warning).meta({ description: 'What the server accepted but wants said, such as DEADLINE_PASSED; empty when nothing.' }) }),
  {
    ...ORDER_EXAMPLE,
    id: EX.lateOrderId,
    state: 'draft',
    updatedAt: EX.createdAt,
    document: LATE.document,
    documentSha256: LATE.documentSha256,
    deadline: LATE.deadline,
    overdue: true,
    plan: null,
    approval: null,
    signatures: [],
    warnings: LATE.warnings,
  },
  { id: 'CreatedOrder' },
);

export const Whoami = answers(
  z.object({
    tokenId: z.string(),
    name: z.string().meta({ description: 'The person the token belongs to.' }),
    role: z.string(),
    person: z.object({ roles: z.array(z.string()), keys: z.array(z.object({ keyid: hex64, signs: z.array(z.string()), validFrom: timestamp, validUntil: timestamp.nullable(), revokedAt: timestamp.nullable() })) }).nullable(),
  }),
  {
    tokenId: 'tok_281d4a4aac9a99d5',
    name: 'bob',
    role: 'approver',
    person: { roles: ['approver'], keys: [{ keyid: EX.bobKey, signs: ['approver'], validFrom: '2026-03-02T08:00:00.000Z', validUntil: null, revokedAt: null }] },
  },
  { id: 'Whoami' },
);

export const PeopleList = answers(
  z.object({
    people: z.array(z.object({ name: z.string(), roles: z.array(z.string()), createdAt: timestamp, createdBy: z.string(), removedAt: timestamp.nullable(), removedBy: z.string().nullable() })),
    keys: z.array(
      z.object({
        keyid: hex64,
        person: z.string(),
        publicKeyPem: z.string(),
        signs: z.array(z.string()),
        validFrom: timestamp,
        validUntil: timestamp.nullable(),
        revokedAt: timestamp.nullable(),
        revocationReason: z.string().nullable(),
      }),
    ),
  }),
  {
    people: [
      { name: 'alice', roles: ['operator'], createdAt: '2026-03-02T07:58:12.000Z', createdBy: 'local:root', removedAt: null, removedBy: null },
      { name: 'bob', roles: ['approver'], createdAt: '2026-03-02T08:00:00.000Z', createdBy: 'local:root', removedAt: null, removedBy: null },
    ],
    keys: [
      { keyid: EX.bobKey, person: 'bob', publicKeyPem: BOB_PUBLIC_KEY_PEM, signs: ['approver'], validFrom: '2026-03-02T08:00:00.000Z', validUntil: null, revokedAt: null, revocationReason: null },
    ],
  },
  { id: 'PeopleList' },
);

const SUMMARY_EXAMPLE = {
  id: EX.orderId,
  reference: ORDER_EXAMPLE.reference,
  state: ORDER_EXAMPLE.state,
  createdBy: 'alice',
  createdAt: EX.createdAt,
  updatedAt: EX.approvedAt,
  deadline: ORDER_EXAMPLE.deadline,
  overdue: false,
};
export const OrderSummary = answers(
  OrderShape.pick({ id: true, reference: true, state: true, createdBy: true, createdAt: true, updatedAt: true, deadline: true, overdue: true }),
  SUMMARY_EXAMPLE,
  { id: 'OrderSummary' },
);

export const OrderList = answers(z.object({ orders: z.array(OrderSummary), nextCursor: z.string().nullable() }), {
  orders: [SUMMARY_EXAMPLE, { ...SUMMARY_EXAMPLE, id: EX.lateOrderId, state: 'draft', updatedAt: EX.createdAt, deadline: LATE.deadline, overdue: true }],
  nextCursor: '1042',
});

const progressCounts = (total: number, done: number, retained: number, bytesPlanned: number, bytesDestroyed: number) => ({
  total,
  pending: total - done - retained,
  destroyed: done,
  exceptions: 0,
  retained,
  bytesPlanned,
  bytesDestroyed,
});
export const Progress = answers(
  z.object({
    orderId: z.string(),
    state: z.enum(ORDER_STATES),
    at: timestamp,
    planning: z.object({ listed: z.number().int() }).nullable().meta({ description: 'While the plan runs: objects listed so far.' }),
    counts: Counts,
    perTarget: z.record(z.string(), Counts),
    rate: z.object({ objectsPerSecond: z.number(), bytesPerSecond: z.number() }).nullable(),
    etaSeconds: z.number().nullable(),
    elapsedSeconds: z.number().nullable(),
  }),
  {
    orderId: EX.orderId,
    state: 'executing',
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
  },
  { id: 'Progress' },
);

export const OrderEvents = answers(
  z.object({
    events: z.array(z.object({ at: timestamp, actor: z.string(), fromState: z.string().nullable(), toState: z.string(), detail: z.string().nullable() })),
  }),
  {
    events: [
      { at: EX.createdAt, actor: 'alice', fromState: null, toState: 'draft', detail: null },
      { at: '2026-11-20T09:12:09.655Z', actor: 'alice', fromState: 'draft', toState: 'planning', detail: null },
      { at: EX.plannedAt, actor: 'alice', fromState: 'planning', toState: 'planned', detail: `plan ${EX.planRoot}: 96814 objects` },
      { at: EX.approvedAt, actor: 'bob', fromState: 'planned', toState: 'approved', detail: `plan ${EX.planRoot}` },
    ],
  },
);

export const InventoryQuery = z.strictObject({
  target: z.string().min(1).max(63).optional().meta({ examples: ['photos'] }),
  held: flag('true: only objects under a hold; false: only the others'),
  search: z
    .string()
    .min(1)
    .max(500)
    .optional()
    .meta({
      description: 'Only objects whose locator contains this text; ASCII letters match in either case, every other character only itself (%, _ and \\ are no wildcards). A search reads the order\'s inventory from the cursor on until the page is full.',
      examples: ['u-1004/'],
    }),
  limit: limit(1000, 100),
  cursor: cursor.optional(),
});

export const InventoryPage = answers(
  z.object({
    objects: z.array(
      z.object({
        seq: z.number().int(),
        target: z.string(),
        locator: z.string(),
        size: z.number().int(),
        heldBy: z.string().nullable(),
        status: z.enum(['pending', 'destroyed', 'exception', 'retained']),
      }),
    ),
    nextCursor: z.string().nullable(),
  }),
  {
    objects: [
      { seq: 1040, target: 'photos', locator: 'cohort-7/u-1004/2024/IMG_4112.jpg', size: 3_481_920, heldBy: null, status: 'pending' },
      { seq: 1041, target: 'photos', locator: 'cohort-7/u-1004/2024/IMG_4113.jpg', size: 2_977_311, heldBy: null, status: 'pending' },
      { seq: 1042, target: 'photos', locator: 'cohort-7/u-1004/2024/IMG_4113.mov', size: 48_120_832, heldBy: null, status: 'pending' },
    ],
    nextCursor: '1042',
  },
);

export const ProofQuery = z
  .strictObject({
    // records (the default): a destroyed object; retained, exceptions, rescan: an entry of a version 2 certificate's list.
    list: z.enum(['records', 'retained', 'exceptions', 'rescan']).default('records'),
    locator: z.string().min(1).max(4096).optional().meta({ examples: ['cohort-7/u-1004/2024/IMG_4112.jpg'] }),
    target: z.string().min(1).max(63).optional().meta({ examples: ['photos'] }),
    sha256: hex64.optional().meta({ examples: ['8155f7b5f4f699ab62d570187eb12cbbf5d55935e3d23d3fca8a3e67adb12182'] }),
    leafIndex: z.coerce.number().int().min(0).optional().meta({ examples: [1040] }),
  })
  .refine((q) => [q.locator, q.sha256, q.leafIndex].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of locator, sha256, leafIndex',
  })
  .refine((q) => q.target === undefined || q.locator !== undefined, { message: 'target goes with locator', path: ['target'] });

const DsseEnvelopeShape = z.object({ payloadType: z.string(), payload: z.string(), signatures: z.array(z.object({ keyid: z.string(), sig: z.string() })) });

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
const ENVELOPE_EXAMPLE = {
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
const PROOF_EXAMPLE = {
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
const proofCommon = { type: z.literal('shredproof.object-proof'), leafIndex: z.number().int(), treeSize: z.number().int(), auditPath: z.array(hex64), certificate: DsseEnvelopeShape };

/** Version 2 for version 2 certificates (any list), version 1 for those issued before (records only). */
export const ObjectProof = answers(
  z.union([
    z.object({ ...proofCommon, version: z.literal(2), list: z.enum(['records', 'retained', 'exceptions', 'rescan']), entry: z.string() }),
    z.object({ ...proofCommon, version: z.literal(1), record: z.string() }),
  ]),
  PROOF_EXAMPLE,
  { id: 'ObjectProof', description: 'docs/FORMAT.md, sections 7 and 7.1' },
);

export const Envelope = answers(DsseEnvelopeShape, ENVELOPE_EXAMPLE, { id: 'DsseEnvelope' });

/**
 * One value or several (`?locator=a&locator=b`), parsed as a list either way; documented as an array (form style, exploded).
 * The example goes on the list: the document shows the list, and drops what is said of the step that makes it.
 */
const repeated = <T extends z.ZodType>(item: T, example: z.input<T>) =>
  z.preprocess((v) => (v === undefined || Array.isArray(v) ? v : [v]), z.array(item).max(MAX_RECEIPT_OBJECTS).optional().meta({ examples: [[example]] }));

/** GET /v1/orders/{id}/receipt: the objects one person names, at most 100 together. */
export const ReceiptQuery = z
  .strictObject({
    locator: repeated(z.string().min(1).max(MAX_RECEIPT_LOCATOR), 'photos:cohort-7/u-1004/2024/IMG_4112.jpg').meta({
      description: 'An object by its locator: `target:locator`, or a bare locator when only one target holds it. Repeatable.',
    }),
    sha256: repeated(hex64, '8155f7b5f4f699ab62d570187eb12cbbf5d55935e3d23d3fca8a3e67adb12182').meta({ description: 'An object by the SHA-256 of its content (destroyed, or kept when the issuer read it). Repeatable.' }),
  })
  .superRefine((q, ctx) => {
    const n = (q.locator?.length ?? 0) + (q.sha256?.length ?? 0);
    if (n === 0) ctx.addIssue({ code: 'custom', path: ['locator'], message: 'give at least one locator or sha256 (each repeatable)' });
    else if (n > MAX_RECEIPT_OBJECTS && (q.locator?.length ?? 0) <= MAX_RECEIPT_OBJECTS && (q.sha256?.length ?? 0) <= MAX_RECEIPT_OBJECTS) {
      ctx.addIssue({ code: 'custom', path: [q.sha256?.length ? 'sha256' : 'locator'], message: `names ${n} objects with locator and sha256 together; a receipt names at most ${MAX_RECEIPT_OBJECTS}` });
    }
  });

/** A per-person receipt (src/app/receipts.ts): what became of each object asked about, each with a per-object proof of version 2. */
export const Receipt = answers(
  z.object({
    type: z.literal(RECEIPT_TYPE),
    version: z.literal(RECEIPT_VERSION),
    certificateId: z.string(),
    issuedAt: timestamp,
    issuer: z.object({ name: z.string(), keyid: hex64 }),
    order: z.object({ id: z.string(), reference: z.string() }),
    certificate: Envelope,
    objects: z.array(
      z.object({
        query: z.union([z.strictObject({ locator: z.string() }), z.strictObject({ sha256: hex64 }), z.strictObject({ file: z.string(), sha256: hex64 })]),
        status: z.enum(RECEIPT_STATUSES),
        proof: ObjectProof.optional().meta({ description: 'The entry that says so, with its audit path and the certificate: `shredproof verify --proof` checks it alone. Absent for not-in-certificate.' }),
        rescan: ObjectProof.optional().meta({ description: 'The re-scan\'s entry for the same object, when the re-scan after execution found it.' }),
      }),
    ),
  }),
  {
    type: RECEIPT_TYPE,
    version: RECEIPT_VERSION,
    certificateId: EX.certificateId,
    issuedAt: EX.issuedAt,
    issuer: { name: 'Example Corp compliance', keyid: EX.issuerKey },
    order: { id: EX.orderId, reference: EXAMPLE_ORDER_DOCUMENT.reference },
    certificate: ENVELOPE_EXAMPLE,
    objects: [
      { query: { locator: 'photos:cohort-7/u-1004/2024/IMG_4112.jpg' }, status: 'destroyed', proof: PROOF_EXAMPLE },
      { query: { locator: 'photos:cohort-7/u-1004/2025/IMG_0001.jpg' }, status: 'not-in-certificate' },
    ],
  },
  { id: 'Receipt', description: 'A receipt for one data subject: their objects and what became of each, and nothing about anyone else (docs/FORMAT.md)' },
);

/** The issuer's certificate key of the examples, as GET /v1/keys shows it. */
const ISSUER_PUBLIC_KEY_PEM = '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAxSB7JlDRlWawIyO7RnXBofR8ctM31J45Z6YhtScg1yc=\n-----END PUBLIC KEY-----\n';
const PUBLIC_KEY_EXAMPLE = {
  keyid: keyIdOf(publicKeyFromPem(ISSUER_PUBLIC_KEY_PEM)),
  algorithm: 'ed25519' as const,
  pem: ISSUER_PUBLIC_KEY_PEM,
  validFrom: '2026-01-05T10:00:00.000Z',
  validUntil: null,
  revokedAt: null,
  revocationReason: null,
  status: 'active' as const,
};
export const PublicKey = answers(
  z.object({
    keyid: hex64,
    algorithm: z.literal('ed25519'),
    pem: z.string(),
    validFrom: timestamp,
    validUntil: timestamp.nullable(),
    revokedAt: timestamp.nullable(),
    revocationReason: z.string().nullable(),
    status: z.enum(['active', 'retired', 'revoked', 'not yet valid']),
  }),
  PUBLIC_KEY_EXAMPLE,
  { id: 'PublicKey', description: 'A certificate key of the history, with its window (docs/FORMAT.md section 5.7)' },
);
export const KeyParams = z.strictObject({ keyid: hex64.meta({ examples: [PUBLIC_KEY_EXAMPLE.keyid] }) });

export const AuditQuery = z.strictObject({
  cursor: cursor.optional(),
  limit: limit(1000, 100),
  orderId: OrderIdParams.shape.id.optional(),
});

const AUDIT_ENTRY_EXAMPLE = {
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
export const AuditEntry = answers(
  z.object({
    seq: z.number().int(),
    at: timestamp,
    actor: z.string(),
    action: z.string(),
    tokenId: z.string().nullable(),
    role: z.string().nullable(),
    orderId: z.string().nullable(),
    method: z.string().nullable(),
    path: z.string().nullable(),
    status: z.number().int().nullable(),
    remote: z.string().nullable(),
    userAgent: z.string().nullable(),
    detail: z.string().nullable(),
    prevHash: hex64,
    hash: hex64,
  }),
  AUDIT_ENTRY_EXAMPLE,
  { id: 'AuditEntry' },
);

export const TokenCreateBody = takes(
  z.strictObject({
    // For the document only: issueToken checks the name, with the expiry (which needs the clock), so that both are reported at once.
    name: z.string().min(1).max(64).meta({ pattern: TOKEN_NAME_RE.source }),
    role: z.enum(ROLES),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
  }),
  { name: 'carol', role: 'auditor', expiresAt: '2027-02-18T00:00:00Z' },
);

const TOKEN_EXAMPLE = {
  id: 'tok_78921d0d86b6e8ba',
  name: 'carol',
  role: 'auditor' as const,
  createdAt: '2026-11-18T14:02:51.306Z',
  createdBy: 'ada',
  expiresAt: '2027-02-18T00:00:00.000Z',
  revokedAt: null,
  lastUsedAt: '2026-11-20T10:15:09.871Z',
};
export const Token = answers(
  z.object({
    id: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    createdAt: timestamp,
    createdBy: z.string(),
    expiresAt: timestamp.nullable(),
    revokedAt: timestamp.nullable(),
    lastUsedAt: timestamp.nullable(),
  }),
  TOKEN_EXAMPLE,
  { id: 'Token' },
);

export const TokenParams = z.strictObject({ tokenId: z.string().regex(/^tok_[0-9a-f]{16}$/, 'is not a token id (tok_ + 16 hex digits)').meta({ examples: [TOKEN_EXAMPLE.id] }) });

/** The type of a problem of this code, as problem.ts's sendProblem writes it. */
export const problemType = (code: string) => `urn:shredproof:problem:${code.toLowerCase().replace(/_/g, '-')}`;

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(z.object({ in: z.enum(['body', 'query', 'path', 'header']), path: z.string(), problem: z.string() })).optional(),
    errorId: z.string().optional(),
  })
  .meta({
    id: 'Problem',
    description: 'RFC 9457 problem details',
    examples: [
      {
        type: problemType('NOT_PLANNED'),
        title: 'The order is not in a state that allows this',
        status: 409,
        code: 'NOT_PLANNED',
        detail: `order ${EX.orderId} is approved; only a planned order can be approved, signed or refused`,
        instance: `/v1/orders/${EX.orderId}/approve`,
      },
    ],
  });

export const ArtifactNameParams = z.strictObject({
  name: z
    .string()
    .regex(ARTIFACT_NAME, 'is not an artifact name (1-100 characters: lowercase letters, digits, and . _ - not first)')
    .meta({ examples: ['face-embedder-v3'] }),
});

export const ListArtifactsQuery = z.strictObject({
  limit: limit(500, 100),
  cursor: cursor.optional(),
});

const InBackend = z.object({ backend: z.string(), scope: z.record(z.string(), z.unknown()) });

const ARTIFACT_EXAMPLE = {
  name: 'face-embedder-v3',
  kind: 'model' as const,
  description: 'Face-recognition model trained on the cohort-7 photos in October 2026; its weights are in the models store',
  location: { backend: 'models', scope: { include: ['face-embedder-v3/**'] } },
  inputs: [{ scope: { backend: 'photos', scope: { include: ['cohort-7/**'] } } }, { manifest: { treeSize: 31_658, rootHash: '8a0651ca812a7680b2fbd5ff4884fee1dccdbe5c7c49f81f6985220e534cb919' } }],
  registeredAt: '2026-10-28T16:40:12.532Z',
  registeredBy: 'olga',
  manifest: { treeSize: 31_658, rootHash: '8a0651ca812a7680b2fbd5ff4884fee1dccdbe5c7c49f81f6985220e534cb919', uploadedAt: '2026-10-28T16:41:03.118Z' },
};

/** An artifact of the lineage registry (src/app/ports/artifacts.ts), as registered: never changed after, except that its manifest is uploaded. */
export const Artifact = answers(
  z.object({
    name: z.string(),
    kind: z.enum(ARTIFACT_KINDS),
    description: z.string(),
    location: z.union([InBackend, z.object({ vendor: z.string(), description: z.string() })]).meta({ description: 'In a configured backend and a scope (like an order target), or at a vendor.' }),
    inputs: z
      .array(z.union([z.object({ scope: InBackend }), z.object({ artifact: z.string() }), z.object({ manifest: z.object({ treeSize: z.number().int(), rootHash: hex64 }) })]))
      .meta({ description: 'What it was derived from: data in a backend\'s scope, other artifacts, or a manifest (the RFC 6962 tree over the lines of its inputs).' }),
    registeredAt: timestamp,
    registeredBy: z.string(),
    manifest: z
      .object({ treeSize: z.number().int(), rootHash: hex64, uploadedAt: timestamp.nullable() })
      .nullable()
      .meta({ description: 'With a manifest input: its tree, and when its lines were uploaded (null: not yet).' }),
  }),
  ARTIFACT_EXAMPLE,
  { id: 'Artifact' },
);

export const ArtifactList = answers(z.object({ artifacts: z.array(Artifact), nextCursor: z.string().nullable() }), { artifacts: [ARTIFACT_EXAMPLE], nextCursor: '17' });

export const ArtifactLineage = answers(
  z.object({
    artifact: Artifact,
    derivedFrom: z.array(z.string()).meta({ description: 'The artifacts it names as inputs, directly.' }),
    usedBy: z.array(z.string()).meta({ description: 'The artifacts that name it as an input, directly.' }),
  }),
  { artifact: ARTIFACT_EXAMPLE, derivedFrom: [], usedBy: ['face-embedder-v3-ft-eu'] },
  { id: 'ArtifactLineage' },
);

export const DerivedArtifactParams = OrderIdParams.extend({ artifact: ArtifactNameParams.shape.name });

/**
 * {file} of GET /v1/orders/{id}/vendors/{artifact}/{file}: a path in the vendor's bundle that our bundle carries as
 * vendors/{artifact}/, one URL segment with each / as %2F. Attacker controlled, and a path on disk:
 * vendorBundlePathProblem, the rule of the upload's {file}, takes only a file of a bundle under vendors/<artifact>/
 * directories, nested no deeper than verifiers follow counting from our bundle.
 */
export const VendorFileParams = DerivedArtifactParams.extend({
  file: z
    .string()
    .superRefine((path, ctx) => {
      const problem = vendorBundlePathProblem(path);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .meta({
      description: `A file of the vendor's certificate bundle (docs/FORMAT.md section 10), by its path in that bundle: one of ${VENDOR_BUNDLE_FILES.join(', ')}, or the same in the bundle of one of the vendor's own vendors, vendors/<artifact>/ (up to ${MAX_VENDOR_LEVELS} levels: our bundle carries the vendor's as vendors/{artifact}/, one level more). Each / is sent percent-encoded, %2F: vendors%2Flabels-at-beta%2Fcertificate.json. No .., no empty segment, no backslash, not absolute.`,
      pattern: VENDOR_BUNDLE_PATH_PATTERN,
      examples: ['certificate.json', 'vendors/labels-at-beta/records.ndjson'],
    }),
});

export const VendorBundleUpload = answers(
  z.object({
    artifact: z.string(),
    file: z.string(),
    size: z.number().int().meta({ description: 'Bytes received.' }),
    sha256: hex64.meta({ description: 'SHA-256 of the bytes received.' }),
    staged: z.array(z.string()).meta({ description: 'Every file staged for this artifact so far, this one included.' }),
  }),
  { artifact: 'face-labels-at-labelwise', file: 'certificate.json', size: 4_812, sha256: VENDOR_CERTIFICATE_EXAMPLE.certificateSha256, staged: ['trust.json', 'certificate.json'] },
  { id: 'VendorBundleUpload' },
);

const DISPOSITION_SIGNATURE = { keyid: EX.bobKey, signedAt: '2026-11-20T09:29:12.530Z', signature: EX.dispositionSignature };

/** A signature with the approver's own key over a disposition (docs/FORMAT.md section 5.10). */
const SignedDisposition = z
  .strictObject({
    keyid: SignedApproval.shape.keyid,
    signedAt: SignedApproval.shape.signedAt,
    signature: z
      .string()
      .regex(/^[A-Za-z0-9+/]{86}==$/, 'must be the base64 of a 64-byte Ed25519 signature')
      .meta({ description: 'Ed25519 over PAE(application/vnd.shredproof.disposition.v1+json, the disposition payload of docs/FORMAT.md section 5.10).' }),
  })
  .meta({ id: 'SignedDisposition', examples: [DISPOSITION_SIGNATURE] });

export const DispositionBody = takes(z.discriminatedUnion('disposition', [
  z.strictObject({
    disposition: z.literal('retained-with-justification'),
    // 5,000 characters: what a certificate's derived section takes (docs/FORMAT.md section 5.10).
    justification: z.string().max(5000).regex(/\S/, 'must say why').meta({ description: 'Why it is kept, in the approver\'s words; signed as given.' }),
    signature: SignedDisposition,
  }),
  z.strictObject({
    disposition: z.literal('held-by-vendor'),
    // Signed over the vendor certificate's certificateSha256 and trustSha256 (GET /v1/orders/{id}: plan.derived[].vendorCertificate).
    signature: SignedDisposition,
  }),
]), { disposition: 'held-by-vendor', signature: DISPOSITION_SIGNATURE });

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
