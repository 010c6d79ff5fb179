// Approve: a second person signs off on one exact plan. The approval names
// the plan root it saw; if the plan changed since, the approval is refused.
import { samePerson } from '@shredproof/verify';
import type { OrderRow } from './ports/orders.js';
import type { EngineDeps } from './deps.js';
import { NotFoundError, RuleError } from './errors.js';

export function approveOrder(deps: EngineDeps, id: string, approver: string, planRoot: string): OrderRow {
  const order = deps.ledger.getOrder(id);
  if (!order) throw new NotFoundError(`no order ${id}`);
  if (order.state !== 'planned') throw new RuleError('NOT_PLANNED', `order ${id} is ${order.state}; only a planned order can be approved`);
  // By person, not by spelling: tokens named "Alice" or "alice." are alice (packages/verify/src/core/person.ts).
  if (samePerson(approver, order.createdBy)) {
    throw new RuleError('SELF_APPROVAL', `${approver} is the person who created order ${id} (${order.createdBy}) and cannot approve it: a second person must`);
  }
  if (planRoot !== order.planRoot) {
    throw new RuleError('STALE_PLAN', `the approval is for plan ${planRoot}, but the current plan is ${order.planRoot}; review the current plan`);
  }
  const at = deps.clock.now().toISOString();
  // The transition re-checks the state atomically; the plan root cannot change while planned without a re-plan,
  // and a re-plan clears approvals.
  return deps.ledger.transition(id, ['planned'], 'approved', approver, at, { approvedBy: approver, approvedAt: at, approvedRoot: planRoot }, `approved plan ${planRoot}`);
}
