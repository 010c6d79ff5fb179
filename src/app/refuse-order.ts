// Refuse: the approver who reviewed a plan and will not approve it says why.
// The order goes back to draft, its plan cleared, with the refusal as its
// failure (the console and `order status` show it) and in its history. An
// order's document cannot be edited: the operator plans it again, once what
// made the plan wrong was put right outside the order (in the stores, or in
// the lineage registry of derived artifacts), or, when the order itself is
// wrong (its scope, its holds), cancels it and creates a corrected order. A
// refusal is the approver's word against the plan they saw: a plan that
// changed since is STALE_PLAN, as an approval would be; the order's creator
// cannot refuse their own order any more than approve it; and the refuser is
// checked in the people registry as an approver is (checkPerson): registered,
// not removed, holding the approver role now, whatever their token says.
import { samePerson } from '@shredproof/verify';
import type { EngineDeps } from './deps.js';
import { RuleError } from './errors.js';
import { checkPerson, getPlanned } from './approve-order.js';
import { NO_PLAN, type OrderRow } from './ports/orders.js';

export function refuseOrder(deps: EngineDeps, id: string, approver: string, planRoot: string, reason: string): OrderRow {
  const order = getPlanned(deps, id, planRoot);
  if (samePerson(approver, order.createdBy)) {
    throw new RuleError('SELF_APPROVAL', `${approver} is the person who created order ${id} (${order.createdBy}) and cannot refuse it: a second person reviews it`);
  }
  // The code of an approval whose person fails the same check: a refusal is an approver's decision too.
  checkPerson(deps, approver, 'approver', (why) => new RuleError('APPROVAL_REFUSED', `the refusal of order ${id} by ${approver} is not accepted: ${why}`));
  const at = deps.clock.now().toISOString();
  const why = `plan ${planRoot} refused by ${approver}: ${reason}`;
  // The transition re-checks the state atomically, as an approval's does.
  return deps.ledger.transition(id, ['planned'], 'draft', approver, at, { ...NO_PLAN, failure: why }, why);
}
