// Approve: a second person signs off on one exact plan, with their own key.
// The approval is a signature (docs/FORMAT.md section 5.9) over the order id,
// the order document's SHA-256 and the plan's tree; the server checks it
// against the key registered to the person (src/app/people.ts) and keeps it,
// and the certificate carries it, so that a verifier checks the two-person
// rule itself. The order's creator may sign the plan too, as its performer.
import { type Approval, type ApprovalRole, approvalSignatureHolds, type ApprovalSubject, publicKeyFromPem, samePerson } from '@shredproof/verify';
import type { OrderRow } from './ports/orders.js';
import type { PersonKeyRow, PersonRow } from './ports/people.js';
import type { EngineDeps } from './deps.js';
import { NotFoundError, RuleError } from './errors.js';

/** What the signer sends: the signature, the key that made it and when; the rest the server knows. */
export interface SignedApproval {
  keyid: string;
  signedAt: string;
  /** Base64 of the Ed25519 signature. */
  signature: string;
}

/** How far the signer's clock may be from the server's: further, and signedAt could back- or post-date a key's window. */
export const SIGNED_AT_SKEW_MS = 5 * 60_000;
/** A time as statements hold them (docs/FORMAT.md section 1), and one Date can read (no leap second). */
const SIGNED_AT_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:[0-5]\d(?:\.\d{1,9})?Z$/;

/** What every approval of `order` signs: its id, document and current plan. */
export function approvalSubject(order: OrderRow): ApprovalSubject {
  return { orderId: order.id, orderSha256: order.documentSha256, inventory: { treeSize: order.planCount ?? 0, rootHash: order.planRoot ?? '' } };
}

function keyInForce(k: PersonKeyRow, now: string): boolean {
  return k.validFrom <= now && (k.validUntil === null || now < k.validUntil) && (k.revokedAt === null || now < k.revokedAt);
}

/**
 * The person behind a token, checked in the registry and not on the token's
 * word: registered (not removed) and holding `needs` now. What every signature
 * of a person checks first (checkSignerKey), and a refusal, which is signed by
 * nobody. Returns the person; `refuse` makes the error for what failed.
 */
export function checkPerson(deps: Pick<EngineDeps, 'ledger'>, person: string, needs: 'approver' | 'operator', refuse: (why: string) => Error): PersonRow {
  const row = deps.ledger.people.person(person);
  if (!row) throw refuse(`${JSON.stringify(person)} is not a registered person (shredproof person add)`);
  if (!row.roles.includes(needs)) throw refuse(`${person} does not hold the ${needs} role (roles: ${row.roles.join(', ')})`);
  return row;
}

/**
 * The checks every signature of a person shares (an approval, a disposition):
 * the person is registered, holds `needs` (checkPerson), the key is theirs, in
 * force now and allowed to sign as `signs`, and signedAt is within
 * SIGNED_AT_SKEW_MS of now. Returns the key; `refuse` makes the error for what
 * failed.
 */
export function checkSignerKey(
  deps: Pick<EngineDeps, 'ledger' | 'clock'>,
  person: string,
  needs: 'approver' | 'operator',
  signs: ApprovalRole,
  signed: Pick<SignedApproval, 'keyid' | 'signedAt'>,
  refuse: (why: string) => Error,
): PersonKeyRow {
  const now = deps.clock.now();
  const at = now.toISOString();
  checkPerson(deps, person, needs, refuse);
  const key = deps.ledger.people.personKeys().find((k) => k.keyid === signed.keyid);
  if (!key || key.person !== person) throw refuse(`key ${signed.keyid} is not registered to ${person} (shredproof person list shows their keys)`);
  if (!keyInForce(key, at)) throw refuse(`key ${signed.keyid} is not in force now (valid from ${key.validFrom}${key.validUntil ? ` until ${key.validUntil}` : ''}${key.revokedAt ? `, revoked at ${key.revokedAt}` : ''})`);
  if (!key.signs.includes(signs)) throw refuse(`key ${signed.keyid} may sign only as ${key.signs.join(', ') || 'nothing'}`);
  if (!SIGNED_AT_RE.test(signed.signedAt) || Number.isNaN(Date.parse(signed.signedAt))) {
    throw refuse(`signedAt ${JSON.stringify(signed.signedAt)} is not an RFC 3339 UTC time (YYYY-MM-DDTHH:MM:SS[.fff]Z)`);
  }
  const skew = Date.parse(signed.signedAt) - now.getTime();
  if (Math.abs(skew) > SIGNED_AT_SKEW_MS) {
    throw refuse(`signedAt ${signed.signedAt} is ${Math.round(Math.abs(skew) / 1000)} s ${skew > 0 ? 'ahead of' : 'behind'} the server's clock (${at}); at most ${SIGNED_AT_SKEW_MS / 1000} s are allowed: check the signer's clock and sign again`);
  }
  return key;
}

/**
 * Checks a signed approval by `person` in `role` over the order's current
 * plan: checkSignerKey, then the signature over this order's document and
 * current plan. APPROVAL_REFUSED, naming what failed.
 */
export function checkSignedApproval(deps: Pick<EngineDeps, 'ledger' | 'clock'>, order: OrderRow, role: ApprovalRole, person: string, signed: SignedApproval): Approval {
  const refuse = (why: string) => new RuleError('APPROVAL_REFUSED', `the ${role} signature of ${person} on order ${order.id} is refused: ${why}`);
  const key = checkSignerKey(deps, person, role === 'approver' ? 'approver' : 'operator', role, signed, refuse);
  const approval: Approval = { role, person, keyid: signed.keyid, signedAt: signed.signedAt, signature: signed.signature };
  if (!approvalSignatureHolds(approval, approvalSubject(order), publicKeyFromPem(key.publicKeyPem))) {
    throw refuse(`the signature does not hold over order ${order.id}, order document ${order.documentSha256} and plan ${order.planRoot} (${order.planCount} objects): was it made for this order's current plan?`);
  }
  return approval;
}

/** The approvals an order holds (JSON in the ledger), in the order they were given. */
export function orderApprovals(order: OrderRow): Approval[] {
  return order.approvals === null ? [] : (JSON.parse(order.approvals) as Approval[]);
}

/** The planned order `id`, whose current plan is `planRoot`: what an approval, a performer's signature or a refusal is about. */
export function getPlanned(deps: Pick<EngineDeps, 'ledger'>, id: string, planRoot: string): OrderRow {
  const order = deps.ledger.getOrder(id);
  if (!order) throw new NotFoundError(`no order ${id}`);
  if (order.state !== 'planned') throw new RuleError('NOT_PLANNED', `order ${id} is ${order.state}; only a planned order can be approved, signed or refused`);
  if (planRoot !== order.planRoot) {
    throw new RuleError('STALE_PLAN', `the signature is for plan ${planRoot}, but the current plan is ${order.planRoot}; review the current plan`);
  }
  return order;
}

export function approveOrder(deps: EngineDeps, id: string, approver: string, planRoot: string, signed: SignedApproval): OrderRow {
  const order = getPlanned(deps, id, planRoot);
  // By person, not by spelling: "Alice" or "alice." is alice (packages/verify/src/core/person.ts).
  if (samePerson(approver, order.createdBy)) {
    throw new RuleError('SELF_APPROVAL', `${approver} is the person who created order ${id} (${order.createdBy}) and cannot approve it: a second person must`);
  }
  const approval = checkSignedApproval(deps, order, 'approver', approver, signed);
  const approvals = [...orderApprovals(order).filter((a) => a.role === 'performer'), approval];
  const at = deps.clock.now().toISOString();
  // The transition re-checks the state atomically; the plan root cannot change while planned without a re-plan,
  // and a re-plan clears approvals.
  return deps.ledger.transition(
    id,
    ['planned'],
    'approved',
    approver,
    at,
    { approvedBy: approver, approvedAt: at, approvedRoot: planRoot, approvals: JSON.stringify(approvals) },
    `approved plan ${planRoot} with key ${signed.keyid}`,
  );
}

/**
 * The performer's signature: the order's creator signs the plan they will
 * run, before it is approved. Optional; the certificate then names both.
 */
export function signPlan(deps: EngineDeps, id: string, performer: string, planRoot: string, signed: SignedApproval): OrderRow {
  return deps.ledger.atomically(() => {
    const order = getPlanned(deps, id, planRoot);
    if (!samePerson(performer, order.createdBy)) {
      throw new RuleError('APPROVAL_REFUSED', `only the order's creator (${order.createdBy}) may sign its plan as performer, not ${performer}`);
    }
    const approval = checkSignedApproval(deps, order, 'performer', order.createdBy, signed);
    const at = deps.clock.now().toISOString();
    deps.ledger.access.appendAudit({ at, actor: performer, action: 'order.sign-plan', orderId: id, detail: `signed plan ${planRoot} as performer with key ${signed.keyid}` });
    return deps.ledger.patch(id, { approvals: JSON.stringify([approval]) }, at);
  });
}
