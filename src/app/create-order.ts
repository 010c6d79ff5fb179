// Create: validate the order document against the configured backends and
// each backend's scope rules, then store it as a draft. Nothing is listed or
// touched in any store yet. What is allowed but worth saying (a deadline that
// already passed) comes back as warnings beside the order.
import { createHash, randomUUID } from 'node:crypto';
import { canonicalize, type FieldProblem, ValidationError } from '@shredproof/verify';
import { BackendUnavailableError } from './errors.js';
import { NO_PLAN, NOT_RUN, type OrderRow } from './ports/orders.js';
import { type OrderDocument, parseOrderDocument } from './order-document.js';
import type { HoldSpec } from './ports/storage-backend.js';
import type { EngineDeps } from './deps.js';
import { deadlineWarnings, type OrderWarning } from './deadlines.js';

export function holdsFor(doc: OrderDocument, target: string): HoldSpec[] {
  return doc.holds.filter((h) => h.target === target);
}

/** Asks each backend to validate its scope and holds; collects every problem with order-relative paths. */
export async function checkScopes(deps: Pick<EngineDeps, 'backends'>, doc: OrderDocument, earlier: readonly FieldProblem[] = []): Promise<void> {
  const problems: FieldProblem[] = [...earlier];
  const known = deps.backends.names();
  for (const [i, t] of doc.targets.entries()) {
    // With an invalid document (earlier problems), only targets that name a configured backend are checked.
    if (typeof t?.backend !== 'string' || !known.has(t.backend)) continue;
    try {
      const session = await deps.backends.get(t.backend).openTarget(t.scope, holdsFor(doc, t.backend));
      await session.close();
    } catch (e) {
      if (!(e instanceof ValidationError)) throw new BackendUnavailableError(t.backend, e);
      for (const f of e.fields) {
        // Backends name fields as $.scope... and $.holds[j]...; holds[j] counts this target's holds only.
        const hold = /^\$\.holds\[(\d+)\](.*)$/.exec(f.path);
        if (hold) {
          const mine = doc.holds.map((h, k) => [h, k] as const).filter(([h]) => h.target === t.backend);
          const k = mine[Number(hold[1])]?.[1];
          problems.push({ path: k === undefined ? f.path : `$.holds[${k}]${hold[2]}`, problem: f.problem });
        } else {
          problems.push({ path: f.path.replace(/^\$/, `$.targets[${i}]`), problem: f.problem });
        }
      }
    }
  }
  // One problem per path: the first found (the document's own checks) wins.
  const seen = new Set<string>();
  const unique = problems.filter((f) => !seen.has(f.path) && (seen.add(f.path), true));
  if (unique.length > 0) throw new ValidationError('invalid order', unique);
}

export async function createOrder(deps: EngineDeps, input: unknown, actor: string): Promise<OrderRow> {
  return (await createOrderWithWarnings(deps, input, actor)).order;
}

/** Creates the order, and says what the creator should know about it: the document is valid, but (say) its deadline already passed. */
export async function createOrderWithWarnings(deps: EngineDeps, input: unknown, actor: string): Promise<{ order: OrderRow; warnings: OrderWarning[] }> {
  let doc: OrderDocument;
  try {
    doc = parseOrderDocument(input, deps.backends.names());
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    // Report the scope problems of the well-formed targets in the same error.
    const raw = input as Partial<OrderDocument> | null;
    const targets = typeof raw === 'object' && raw !== null && Array.isArray(raw.targets) ? raw.targets : [];
    const holds = typeof raw === 'object' && raw !== null && Array.isArray(raw.holds) ? raw.holds.filter((h) => typeof h === 'object' && h !== null) : [];
    await checkScopes(deps, { targets, holds } as unknown as OrderDocument, e.fields);
    throw e; // not reached: checkScopes throws with at least e.fields
  }
  await checkScopes(deps, doc);
  const document = canonicalize(doc);
  const now = deps.clock.now().toISOString();
  const order = deps.ledger.createOrder(
    {
      id: `ord-${randomUUID()}`,
      reference: doc.reference,
      document,
      documentSha256: createHash('sha256').update(document).digest('hex'),
      state: 'draft',
      createdBy: actor,
      createdAt: now,
      updatedAt: now,
      ...NO_PLAN,
      ...NOT_RUN,
    },
    actor,
  );
  // Judged at the instant the order was created: the warning says what was true then.
  const warnings = deadlineWarnings(doc, new Date(now));
  deps.log.info({ orderId: order.id, reference: order.reference, actor }, 'order created');
  for (const w of warnings) deps.log.warn({ orderId: order.id, code: w.code }, w.message);
  return { order, warnings };
}

export function orderDocument(order: OrderRow): OrderDocument {
  return JSON.parse(order.document) as OrderDocument;
}
