// The API's request and response schemas (zod): what the routes import.
// Requests are parsed with them; /openapi.json is generated from the same
// objects, so the document cannot drift from what the server accepts. Each
// body's schema carries a realistic example from schema-examples.ts, attached
// with takes (a request) or answers (a response), which type it by the
// schema; a parameter carries its one-value sample here. The order document
// of POST /v1/orders, typed per backend kind for the document only, is in
// order-document-doc.ts.
import { z } from 'zod';
import { WARNING_CODES } from '../app/deadlines.js';
import { ORDER_STATES } from '../app/ports/orders.js';
import { ROLES } from '../app/ports/access.js';
import { TOKEN_NAME_RE } from '../app/tokens.js';
import { ARTIFACT_NAME } from '../app/artifacts.js';
import { ARTIFACT_KINDS } from '../app/ports/artifacts.js';
import { MAX_VENDOR_LEVELS, VENDOR_BUNDLE_FILES, VENDOR_BUNDLE_PATH_PATTERN, vendorBundlePathProblem } from '../app/vendor-certificates.js';
import { MAX_RECEIPT_LOCATOR, MAX_RECEIPT_OBJECTS, RECEIPT_STATUSES, RECEIPT_TYPE, RECEIPT_VERSION } from '../app/receipts.js';
import {
  answers,
  APPROVE_EXAMPLE,
  ARTIFACT_EXAMPLE,
  ARTIFACT_LINEAGE_EXAMPLE,
  ARTIFACT_LIST_EXAMPLE,
  AUDIT_ENTRY_EXAMPLE,
  BOB_APPROVAL,
  CANCEL_EXAMPLE,
  CREATED_ORDER_EXAMPLE,
  DISPOSITION_EXAMPLE,
  DISPOSITION_SIGNATURE,
  ENVELOPE_EXAMPLE,
  EX,
  INVENTORY_PAGE_EXAMPLE,
  ORDER_EVENTS_EXAMPLE,
  ORDER_EXAMPLE,
  ORDER_LIST_EXAMPLE,
  PEOPLE_LIST_EXAMPLE,
  PLANNED_ARTIFACT_EXAMPLE,
  PROBLEM_EXAMPLE,
  PROGRESS_EXAMPLE,
  PROOF_EXAMPLE,
  PUBLIC_KEY_EXAMPLE,
  RECEIPT_EXAMPLE,
  SIGN_PLAN_EXAMPLE,
  SUMMARY_EXAMPLE,
  takes,
  TOKEN_CREATE_EXAMPLE,
  TOKEN_EXAMPLE,
  VENDOR_BUNDLE_UPLOAD_EXAMPLE,
  VENDOR_CERTIFICATE_EXAMPLE,
  VENDOR_STATUS_EXAMPLE,
  WARNING_EXAMPLE,
  WHOAMI_EXAMPLE,
} from './schema-examples.js';

export { OrderDocumentBody } from './order-document-doc.js';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');
const timestamp = z.string().meta({ format: 'date-time' });

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
export const SignedApproval = takes(SignedApprovalShape, BOB_APPROVAL, { id: 'SignedApproval' });

export const ApproveBody = takes(
  z.strictObject({
    planRoot: hex64.meta({ description: 'The plan root the approver reviewed; refused if the plan changed since.' }),
    approval: SignedApproval,
  }),
  APPROVE_EXAMPLE,
);

export const SignPlanBody = takes(
  z.strictObject({
    planRoot: hex64.meta({ description: 'The plan root the performer reviewed; refused if the plan changed since.' }),
    signature: SignedApproval,
  }),
  SIGN_PLAN_EXAMPLE,
);

const ApprovalEntry = z.object({ role: z.enum(['approver', 'performer']), person: z.string(), keyid: hex64, signedAt: timestamp, signature: z.string() });

export const CancelBody = takes(
  z.strictObject({
    // Checked before the trim, so that the document says what is refused: a reason of spaces only passed minLength 1 there.
    reason: z.string().max(2000).regex(/\S/, 'must say why').trim(),
  }),
  CANCEL_EXAMPLE,
);

/** plan and execute take no parameters; an empty body or {} is accepted, anything else is refused. */
export const EmptyBody = takes(z.strictObject({}), {});

const Counts = z.object({
  total: z.number().int(),
  pending: z.number().int(),
  destroyed: z.number().int(),
  exceptions: z.number().int(),
  retained: z.number().int(),
  bytesPlanned: z.number().int(),
  bytesDestroyed: z.number().int(),
});

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
  PLANNED_ARTIFACT_EXAMPLE,
  { id: 'PlannedArtifact' },
);

/** Something the server accepted but wants said: a stable code for programs, a sentence for people. */
export const Warning = answers(
  z.object({
    code: z.enum(WARNING_CODES).meta({ description: 'DEADLINE_PASSED: the order document\'s deadline is already past by the server\'s clock; the order was created all the same.' }),
    message: z.string(),
  }),
  WARNING_EXAMPLE,
  { id: 'Warning' },
);

const deadline = timestamp.nullable().meta({ description: 'The order document\'s deadline, or null when it sets none.' });
const overdue = z.boolean().meta({
  description: 'The deadline has passed, by the server\'s clock when it answered, and the order is not in a final state (certified, certified-with-exceptions, failed, cancelled).',
});

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
  CREATED_ORDER_EXAMPLE,
  { id: 'CreatedOrder' },
);

export const Whoami = answers(
  z.object({
    tokenId: z.string(),
    name: z.string().meta({ description: 'The person the token belongs to.' }),
    role: z.string(),
    person: z.object({ roles: z.array(z.string()), keys: z.array(z.object({ keyid: hex64, signs: z.array(z.string()), validFrom: timestamp, validUntil: timestamp.nullable(), revokedAt: timestamp.nullable() })) }).nullable(),
  }),
  WHOAMI_EXAMPLE,
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
  PEOPLE_LIST_EXAMPLE,
  { id: 'PeopleList' },
);

export const OrderSummary = answers(
  OrderShape.pick({ id: true, reference: true, state: true, createdBy: true, createdAt: true, updatedAt: true, deadline: true, overdue: true }),
  SUMMARY_EXAMPLE,
  { id: 'OrderSummary' },
);

export const OrderList = answers(z.object({ orders: z.array(OrderSummary), nextCursor: z.string().nullable() }), ORDER_LIST_EXAMPLE);

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
  PROGRESS_EXAMPLE,
  { id: 'Progress' },
);

export const OrderEvents = answers(
  z.object({
    events: z.array(z.object({ at: timestamp, actor: z.string(), fromState: z.string().nullable(), toState: z.string(), detail: z.string().nullable() })),
  }),
  ORDER_EVENTS_EXAMPLE,
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
  INVENTORY_PAGE_EXAMPLE,
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
  RECEIPT_EXAMPLE,
  { id: 'Receipt', description: 'A receipt for one data subject: their objects and what became of each, and nothing about anyone else (docs/FORMAT.md)' },
);

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
  TOKEN_CREATE_EXAMPLE,
);

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
    examples: [PROBLEM_EXAMPLE],
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

export const ArtifactList = answers(z.object({ artifacts: z.array(Artifact), nextCursor: z.string().nullable() }), ARTIFACT_LIST_EXAMPLE);

export const ArtifactLineage = answers(
  z.object({
    artifact: Artifact,
    derivedFrom: z.array(z.string()).meta({ description: 'The artifacts it names as inputs, directly.' }),
    usedBy: z.array(z.string()).meta({ description: 'The artifacts that name it as an input, directly.' }),
  }),
  ARTIFACT_LINEAGE_EXAMPLE,
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
  VENDOR_BUNDLE_UPLOAD_EXAMPLE,
  { id: 'VendorBundleUpload' },
);

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
]), DISPOSITION_EXAMPLE);
