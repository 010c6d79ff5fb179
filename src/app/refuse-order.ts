// Refuse: the approver who reviewed a plan and will not approve it says why.
// The order goes back to draft, its plan cleared, with the refusal as its
// failure (the console and `order status` show it) and in its history; the
// operator re-plans a corrected order or cancels it. A refusal is the
// approver's word against the plan they saw: a plan that changed since is
// STALE_PLAN, as an approval would be, and the order's creator cannot refuse
// their own order any more than approve it.
import { samePerson } from '@shredproof/verify';
import type { EngineDeps } from './deps.js';
import { RuleError } from './errors.js';
import { getPlanned } from './approve-order.js';
import { NO_PLAN, type OrderRow } from './ports/orders.js';

export function refuseOrder(deps: EngineDeps, id: string, approver: string, planRoot: string, reason: string): OrderRow {
  const order = getPlanned(deps, id, planRoot);
  if (samePerson(approver, order.createdBy)) {
    throw new RuleError('SELF_APPROVAL', `${approver} is the person who created order ${id} (${order.createdBy}) and cannot refuse it: a second person reviews it`);
  }
  const at = deps.clock.now().toISOString();
  const why = `plan ${planRoot} refused by ${approver}: ${reason}`;
  // The transition re-checks the state atomically, as an approval's does.
  return deps.ledger.transition(id, ['planned'], 'draft', approver, at, { ...NO_PLAN, failure: why }, why);
}
