// The deletion order document (docs/ORDERS.md). Validated with zod; every
// problem is reported at once with its JSON path. Orders name configured
// backends and never carry credentials.
import { ATTESTATION_LIMITS } from '@shredproof/verify';
import { z } from 'zod';
import { canonicalize, type FieldProblem, ValidationError } from '@shredproof/verify';

/** Backend and target names: safe in job ids, Redis keys and file names. */
export const NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** The hold ids of retained derived artifacts (src/app/dispositions.ts); an order's own holds may not use it. */
export const RETAINED_ARTIFACT_HOLD_PREFIX = 'derived.';

const Scope = z.record(z.string(), z.unknown());

const field = z.string().trim().min(1, 'must not be empty').max(ATTESTATION_LIMITS.field);
const AttestedPerson = z.strictObject({ name: field, title: field, organization: field });

export const OrderDocumentSchema = z.strictObject({
  reference: z.string().trim().min(1, 'must not be empty').max(500),
  description: z.string().max(10_000).optional(),
  // At most nine fraction digits: certificates carry the deadline as a time of docs/FORMAT.md section 1.
  deadline: z.iso.datetime({ offset: false }).refine((s) => !/\.\d{10,}Z$/.test(s), 'at most 9 digits of fractions of a second').optional(),
  targets: z
    .array(
      z.strictObject({
        backend: z.string().regex(NAME, 'must be a configured backend name (lowercase letters, digits, _ and -)'),
        scope: Scope,
      }),
    )
    .min(1, 'an order needs at least one target')
    .max(100),
  holds: z
    .array(
      z.strictObject({
        id: z.string().regex(ID, 'must be an id of letters, digits, ., _ and -'),
        reason: z.string().trim().min(1, 'must not be empty').max(2000),
        target: z.string().regex(NAME),
        match: Scope,
      }),
    )
    .max(10_000)
    .default([]),
  // Reach what was derived from the data too: planning walks the lineage registry (docs/ORDERS.md "Derived artifacts").
  includeDerived: z.boolean().optional(),
  derived: z
    .array(z.strictObject({ name: z.string().min(1).max(200), description: z.string().min(1).max(2000), sha256: z.string().regex(/^[0-9a-f]{64}$/).optional() }))
    .max(1000)
    .default([]),
  // Who performs and validates the destruction, and the officer's declaration (docs/ORDERS.md "Attestation"); the certificate signs them.
  attestation: z
    .strictObject({
      performer: AttestedPerson.optional(),
      validator: AttestedPerson.optional(),
      declaration: z
        .strictObject({
          text: z.string().trim().min(1, 'must not be empty').max(ATTESTATION_LIMITS.declaration),
          signer: z.strictObject({ name: field, title: field }),
        })
        .optional(),
    })
    .optional(),
});

export type OrderDocument = z.infer<typeof OrderDocumentSchema>;

export function jsonPath(path: ReadonlyArray<PropertyKey>): string {
  return (
    '$' +
    path
      .map((p) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(String(p)) ? `.${String(p)}` : `[${JSON.stringify(String(p))}]`))
      .join('')
  );
}

export function zodProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => ({ path: jsonPath([...i.path, k]), problem: 'unknown field' }))
      : [{ path: jsonPath(i.path), problem: i.message }],
  );
}

/**
 * Parses an untrusted order document: shape first, then the rules that span
 * fields (unique targets, holds that name a target of the order, known
 * backends). Throws ValidationError listing every problem.
 */
export function parseOrderDocument(input: unknown, knownBackends: ReadonlySet<string>): OrderDocument {
  const r = OrderDocumentSchema.safeParse(input);
  const problems: FieldProblem[] = r.success ? [] : zodProblems(r.error);
  // The input is untrusted: when the shape is wrong, the cross-field rules read it defensively.
  const raw = (r.success ? r.data : input) as { targets?: unknown; holds?: unknown } | null;
  const list = (v: unknown): Array<Record<string, unknown>> =>
    Array.isArray(v) ? v.map((x) => (typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>) : {})) : [];
  const targets = list(typeof raw === 'object' && raw !== null ? raw.targets : undefined);
  const holds = list(typeof raw === 'object' && raw !== null ? raw.holds : undefined);
  const seen = new Set<string>();
  targets.forEach((t, i) => {
    if (typeof t.backend !== 'string' || !NAME.test(t.backend)) return; // already reported by the shape check
    if (!knownBackends.has(t.backend)) {
      problems.push({ path: `$.targets[${i}].backend`, problem: `no backend named ${JSON.stringify(t.backend)} is configured (known: ${[...knownBackends].sort().join(', ') || 'none'})` });
    }
    if (seen.has(t.backend)) problems.push({ path: `$.targets[${i}].backend`, problem: 'names a backend that another target already names; put both scopes in one target' });
    seen.add(t.backend);
  });
  const holdIds = new Set<string>();
  holds.forEach((h, i) => {
    if (typeof h.target === 'string' && NAME.test(h.target) && !seen.has(h.target)) problems.push({ path: `$.holds[${i}].target`, problem: `is not a target of this order` });
    if (typeof h.id === 'string' && holdIds.has(h.id)) problems.push({ path: `$.holds[${i}].id`, problem: 'repeats another hold id' });
    if (typeof h.id === 'string' && h.id.startsWith(RETAINED_ARTIFACT_HOLD_PREFIX)) {
      problems.push({ path: `$.holds[${i}].id`, problem: `must not start with "${RETAINED_ARTIFACT_HOLD_PREFIX}": such holds keep the objects of a derived artifact an approver retained` });
    }
    if (typeof h.id === 'string') holdIds.add(h.id);
  });
  if (problems.length > 0 || !r.success) throw new ValidationError('invalid order', problems);
  const doc = r.data;
  // Round-trip through canonical JSON so that what is stored and hashed is plain data.
  return JSON.parse(canonicalize(doc)) as OrderDocument;
}
