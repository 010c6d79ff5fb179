// Cancel. Before execution nothing has been destroyed: the order simply ends
// 'cancelled'. During execution, destruction already happened and must still
// be certified (invariant 3): the cancel is recorded, waiting batches are
// withdrawn from the queue, running batches finish, and the coordinator then
// certifies what was destroyed, lists the rest as CANCELLED exceptions, and
// ends the order 'cancelled'.
import type { OrderRow, OrderState } from './ports/orders.js';
import { jobIdFor } from './batch-types.js';
import type { EngineDeps } from './deps.js';
import { NotFoundError, RuleError } from './errors.js';
import { ingestBatch } from './ingest.js';

const BEFORE_EXECUTION: OrderState[] = ['draft', 'planning', 'planned', 'approved'];

export function cancelOrder(deps: EngineDeps, id: string, actor: string, reason: string): OrderRow {
  const order = deps.ledger.getOrder(id);
  if (!order) throw new NotFoundError(`no order ${id}`);
  const at = deps.clock.now().toISOString();
  if (BEFORE_EXECUTION.includes(order.state)) {
    return deps.ledger.transition(id, BEFORE_EXECUTION, 'cancelled', actor, at, {}, `cancelled before execution: ${reason}`);
  }
  if (order.state === 'executing') {
    if (order.cancelRequestedAt) return order;
    // Recorded as an event with the same state, so the audit trail names who stopped it and why.
    return deps.ledger.transition(id, ['executing'], 'executing', actor, at, { cancelRequestedAt: at }, `cancel requested: ${reason}`);
  }
  throw new RuleError('NOT_CANCELLABLE', `order ${id} is ${order.state}; it can no longer be cancelled`);
}

/**
 * Withdraws the waiting batches of an executing order whose cancel was
 * requested, and ingests each as a batch that ended without running further:
 * what it had already destroyed (intent recorded, object gone) is certified,
 * the rest becomes a CANCELLED exception. Batches that a worker holds finish
 * and are ingested as usual.
 */
export async function withdrawBatches(deps: EngineDeps, order: OrderRow): Promise<void> {
  for (const batch of deps.ledger.pendingBatches(order.id)) {
    const jobId = jobIdFor(order.id, order.epoch!, batch);
    const withdrawn = await deps.queue.withdraw(jobId);
    if (withdrawn === 'active') continue;
    const items = deps.ledger.batchItems(order.id, batch);
    if (items.length === 0) continue;
    await ingestBatch(deps, {
      jobId,
      orderId: order.id,
      epoch: order.epoch!,
      target: items[0]!.target,
      batch,
      failed: true,
      failedReason: 'the order was cancelled before this batch ran',
      exceptionCode: 'CANCELLED',
    });
  }
}
