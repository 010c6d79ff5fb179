// Create: validate the order document against the configured backends and
// each backend's scope rules, then store it as a draft. Nothing is listed or
// touched in any store yet.
import { createHash, randomUUID } from 'node:crypto';
import { canonicalize } from '../core/canonical-json.js';
import { ValidationError, type FieldProblem } from '../core/errors.js';
import type { OrderRow } from '../ledger/ledger.js';
import { type OrderDocument, parseOrderDocument } from '../orders/order-document.js';
import type { HoldSpec } from '../ports/storage-backend.js';
import type { EngineDeps } from './engine-deps.js';

export function holdsFor(doc: OrderDocument, target: string): HoldSpec[] {
  return doc.holds.filter((h) => h.target === target);
}

/** Asks each backend to validate its scope and holds; collects every problem with order-relative paths. */
export async function checkScopes(deps: Pick<EngineDeps, 'backends'>, doc: OrderDocument): Promise<void> {
  const problems: FieldProblem[] = [];
  for (const [i, t] of doc.targets.entries()) {
    try {
      const session = await deps.backends.get(t.backend).openTarget(t.scope, holdsFor(doc, t.backend));
      await session.close();
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
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
  if (problems.length > 0) throw new ValidationError('invalid order', problems);
}

export async function createOrder(deps: EngineDeps, input: unknown, actor: string): Promise<OrderRow> {
  const doc = parseOrderDocument(input, deps.backends.names());
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
      planRoot: null,
      planCount: null,
      planBytes: null,
      plannedAt: null,
      approvedBy: null,
      approvedAt: null,
      approvedRoot: null,
      epoch: null,
      dispatchedAt: null,
      batchCount: null,
      execStartedAt: null,
      finishedAt: null,
      failure: null,
    },
    actor,
  );
  deps.log.info({ orderId: order.id, reference: order.reference, actor }, 'order created');
  return order;
}

export function orderDocument(order: OrderRow): OrderDocument {
  return JSON.parse(order.document) as OrderDocument;
}
