// Orders: create, list, read, plan, approve, execute, cancel, history and
// progress (JSON; the Server-Sent Events stream is in progress-stream.ts).
// The use cases in src/app decide every rule; these handlers only
// translate HTTP.
import { approveOrder, orderApprovals, signPlan } from '../../app/approve-order.js';
import { cancelOrder } from '../../app/cancel-order.js';
import { createOrderWithWarnings } from '../../app/create-order.js';
import { type OrderWarning, isOverdue, orderDeadline } from '../../app/deadlines.js';
import { NotFoundError } from '../../app/errors.js';
import { executeOrder } from '../../app/execute-order.js';
import { startPlan } from '../../app/plan-order.js';
import { type PlannedArtifact, plannedArtifacts } from '../../app/plan-targets.js';
import type { OrderRow } from '../../app/ports/orders.js';
import type { ApiContext } from '../context.js';
import { noteForAudit } from '../audit.js';
import { ANY_ROLE, defineRoute, problems, type ResponseLink, type Route } from '../route.js';
import { z } from 'zod';
import {
  ApproveBody,
  CancelBody,
  CreatedOrder,
  EmptyBody,
  InventoryPage,
  InventoryQuery,
  ListOrdersQuery,
  Order,
  OrderDocumentBody,
  OrderEvents,
  OrderIdParams,
  OrderList,
  Progress,
  SignPlanBody,
} from '../schemas.js';

// Order powers are the operator's and the approver's only: an admin, who can mint tokens, could
// otherwise create an order and approve it through a token minted for a name of its choosing.
const WRITE = ['operator'] as const;
const STATUS_NAMES = ['pending', 'destroyed', 'exception', 'retained'] as const;
const APPROVE = ['approver'] as const;

export function getOrderOr404(ctx: ApiContext, id: string): OrderRow {
  const order = ctx.engine.ledger.getOrder(id);
  if (!order) throw new NotFoundError(`no order ${id}`);
  return order;
}

/** A planned artifact as the API shows it: where it is, and (at a vendor) its certificate, what that says of the vendor's run, and its disposition so far. */
function derivedView(a: PlannedArtifact) {
  const { artifact, kind, description, lineage, location } = a;
  return {
    artifact,
    kind,
    description,
    lineage,
    location: 'target' in location ? { ...location, scope: location.scope as Record<string, unknown> } : location,
    vendorCertificate: a.vendorEvidence ?? null,
    vendorStatus: a.vendorStatus ?? null,
    disposition: a.disposition ?? null,
  };
}

/** The deadline as the server judges it now: the document's deadline, and whether the order is overdue (src/app/deadlines.ts). */
function deadlineView(o: OrderRow, now: Date) {
  return { deadline: orderDeadline(o), overdue: isOverdue(o, now) };
}

/** What the list of orders shows of each; the order's own view begins with the same. */
const summary = (o: OrderRow, now: Date) => ({
  id: o.id,
  reference: o.reference,
  state: o.state,
  createdBy: o.createdBy,
  createdAt: o.createdAt,
  updatedAt: o.updatedAt,
  ...deadlineView(o, now),
});

export function orderView(ctx: ApiContext, o: OrderRow): z.infer<typeof Order> {
  const cert = ctx.engine.ledger.certificate(o.id);
  return {
    ...summary(o, ctx.engine.clock.now()),
    documentSha256: o.documentSha256,
    document: JSON.parse(o.document) as Record<string, unknown>,
    plan:
      o.planRoot && o.plannedAt
        ? { root: o.planRoot, objects: o.planCount ?? 0, bytes: o.planBytes ?? 0, plannedAt: o.plannedAt, targets: ctx.progress.planTargets(o), derived: plannedArtifacts(o).map(derivedView) }
        : null,
    approval: o.approvedBy && o.approvedAt && o.approvedRoot ? { by: o.approvedBy, at: o.approvedAt, planRoot: o.approvedRoot } : null,
    signatures: orderApprovals(o),
    execution: o.execStartedAt
      ? { startedAt: o.execStartedAt, finishedAt: o.finishedAt, batches: o.batchCount, cancelRequestedAt: o.cancelRequestedAt }
      : null,
    certificate: cert ? { id: cert.certificateId, issuedAt: cert.issuedAt, rootHash: cert.rootHash, treeSize: cert.treeSize } : null,
    failure: o.failure,
  };
}

/** Links from an answer that names an order (at `pointer`) to the operations on that order. */
function orderLinks(pointer: string, ...operationIds: string[]): Record<string, ResponseLink> {
  return Object.fromEntries(operationIds.map((operationId) => [operationId, { operationId, parameters: { id: `$response.body#${pointer}` } }]));
}
const READ_ORDER = ['getOrder', 'getOrderHistory', 'getOrderProgress', 'getOrderInventory', 'streamOrderProgress'];
const CERTIFIED = ['getCertificate', 'getRecords', 'getObjectProof'];


/** Each warning in the audit entry of the request, for auditors to read in GET /v1/audit: `warning CODE: message`. */
function auditWarnings(res: Parameters<typeof noteForAudit>[0], warnings: readonly OrderWarning[]): void {
  for (const w of warnings) noteForAudit(res, `warning ${w.code}: ${w.message}`);
}

export const orderRoutes: Route[] = [
  defineRoute({
    method: 'post',
    path: '/v1/orders',
    operationId: 'createOrder',
    tag: 'orders',
    summary: 'Create an order (state draft)',
    description:
      'The body is an order document (docs/ORDERS.md). Every problem is reported at once, including scopes that a backend refuses. The caller becomes the order\'s creator, who can never approve it. ' +
      'An order whose deadline has already passed, by the server\'s clock, is created all the same, with the warning DEADLINE_PASSED in `warnings` (and in the audit entry of this request); it is overdue from the start.',
    auth: WRITE,
    body: OrderDocumentBody,
    bodyValidatedBy: 'use-case',
    successStatus: 201,
    responses: {
      201: { description: 'Created; `warnings` says what the creator should know (empty when nothing)', schema: CreatedOrder, links: orderLinks('/id', ...READ_ORDER, 'planOrder', 'cancelOrder', 'executeOrder', ...CERTIFIED) },
      ...problems(400, 401, 403, 413, 415, 429),
    },
    async handler(ctx, { body, principal, res }) {
      const { order, warnings } = await createOrderWithWarnings(ctx.engine, body, principal!.name);
      res.locals.orderId = order.id;
      auditWarnings(res, warnings);
      res.location(`/v1/orders/${order.id}`);
      return { ...orderView(ctx, order), warnings };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/orders',
    operationId: 'listOrders',
    tag: 'orders',
    summary: 'List orders, oldest first, with cursor pagination and filters',
    description:
      'Filters combine: state (comma-separated), createdBy, overdue=true|false (the deadline has passed and the order is not in a final state, by the server\'s clock when it answers: as time passes an order becomes overdue, so a page asked for again may differ).',
    auth: ANY_ROLE,
    query: ListOrdersQuery,
    responses: { 200: { description: 'A page of orders', schema: OrderList, links: orderLinks('/orders/0/id', 'getOrder', 'getOrderHistory') }, ...problems(400, 401, 429) },
    handler(ctx, { query }) {
      // One instant for the whole page: the filter and each summary's `overdue` agree.
      const now = ctx.engine.clock.now();
      const rows = ctx.engine.ledger.listOrders({
        ...(query.state ? { state: query.state } : {}),
        ...(query.createdBy ? { createdBy: query.createdBy } : {}),
        ...(query.overdue !== undefined ? { overdue: { overdue: query.overdue, now } } : {}),
        ...(query.cursor ? { after: Number(query.cursor) } : {}),
        limit: query.limit + 1,
      });
      const page = rows.slice(0, query.limit);
      return { orders: page.map((o) => summary(o, now)), nextCursor: rows.length > query.limit ? String(page[page.length - 1]!.num) : null };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/orders/:id',
    operationId: 'getOrder',
    tag: 'orders',
    summary: 'An order: its document, plan, approval, execution and certificate',
    auth: ANY_ROLE,
    params: OrderIdParams,
    responses: {
      200: {
        description: 'The order',
        schema: Order,
        links: {
          ...orderLinks('/id', 'getOrderInventory', 'planOrder', 'executeOrder', 'cancelOrder', ...CERTIFIED),
          approveOrder: { operationId: 'approveOrder', parameters: { id: '$response.body#/id' }, description: 'Approve the plan this answer shows (plan.root), with a signature by the approver\'s own key over it (docs/FORMAT.md section 5.9)' },
        },
      },
      ...problems(400, 401, 404, 429),
    },
    handler: (ctx, { params }) => orderView(ctx, getOrderOr404(ctx, params.id)),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/orders/:id/plan',
    operationId: 'planOrder',
    tag: 'orders',
    summary: 'Plan: list every object in scope and commit to the inventory (runs in the background)',
    description: 'Answers 202 once the order is in state planning. Watch GET /v1/orders/{id}/progress; the order becomes planned (with plan.root to approve) or, if listing fails, draft again with failure set. Re-planning a planned order clears its approval.',
    auth: WRITE,
    params: OrderIdParams,
    body: EmptyBody,
    bodyOptional: true,
    successStatus: 202,
    responses: { 202: { description: 'Planning started', schema: Order, links: orderLinks('/id', 'getOrder', 'getOrderProgress', 'getOrderInventory') }, ...problems(400, 401, 403, 404, 409, 429) },
    handler(ctx, { params, principal }) {
      const { order, done } = startPlan(ctx.engine, params.id, principal!.name, (n) => ctx.progress.planListed(params.id, n));
      // The outcome is in the ledger (planned, or draft with failure); the engine logs failures.
      done.catch(() => undefined).finally(() => ctx.progress.planListed(params.id, undefined));
      return orderView(ctx, order);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/orders/:id/inventory',
    operationId: 'getOrderInventory',
    tag: 'orders',
    summary: 'The planned objects, in plan order, a page at a time: what an approver reviews',
    description:
      'Every object the plan listed, with its size, its hold if any, and its status so far. Filter by target, by held=true|false, and by search: a piece of the locator, ASCII letters in either case, every other character literally (%, _ and \\ are no wildcards). ' +
      'A search scans the order\'s inventory from the cursor on until the page is full, so on a large order a rare term takes longer. The plan root commits to exactly this list (with per-object salts that are not shown here).',
    auth: ANY_ROLE,
    params: OrderIdParams,
    query: InventoryQuery,
    responses: { 200: { description: 'A page of the inventory', schema: InventoryPage }, ...problems(400, 401, 404, 429) },
    handler(ctx, { params, query }) {
      getOrderOr404(ctx, params.id);
      const rows = ctx.engine.ledger.inventoryPage(params.id, {
        limit: query.limit + 1,
        ...(query.cursor ? { afterSeq: Number(query.cursor) } : {}),
        ...(query.target ? { target: query.target } : {}),
        ...(query.held !== undefined ? { held: query.held } : {}),
        ...(query.search !== undefined ? { search: query.search } : {}),
      });
      const page = rows.slice(0, query.limit);
      return {
        objects: page.map((r) => ({ ...r, status: STATUS_NAMES[r.status]! })),
        nextCursor: rows.length > query.limit ? String(page[page.length - 1]!.seq) : null,
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/orders/:id/approve',
    operationId: 'approveOrder',
    tag: 'orders',
    summary: 'Approve the current plan with your own key (a second person: never the order\'s creator)',
    description:
      'planRoot must be the plan root the approver reviewed (GET /v1/orders/{id} shows plan.root): if the plan changed since, the approval is refused with STALE_PLAN. The creator is refused with SELF_APPROVAL, whatever their role. approval is the approver\'s signature with their registered personal key over the order id, the order document\'s SHA-256 and the plan (docs/FORMAT.md section 5.9; `shredproof order approve --key` makes it): a signature by another key, over another plan, by a person without the approver role, or with signedAt more than 5 minutes from the server\'s clock is refused with APPROVAL_REFUSED. The certificate carries the signature.',
    auth: APPROVE,
    params: OrderIdParams,
    body: ApproveBody,
    responses: { 200: { description: 'Approved', schema: Order, links: orderLinks('/id', 'executeOrder', 'cancelOrder') }, ...problems(400, 401, 403, 404, 409, 413, 415, 429) },
    handler(ctx, { params, body, principal }) {
      return orderView(ctx, approveOrder(ctx.engine, params.id, principal!.name, body.planRoot, body.approval));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/orders/:id/sign-plan',
    operationId: 'signPlan',
    tag: 'orders',
    summary: 'Sign the current plan as its performer (the order\'s creator; optional)',
    description:
      'The operator who created the order signs the plan they will run, with their registered personal key, before it is approved (docs/FORMAT.md section 5.9; `shredproof order sign-plan --key` makes it). The certificate then names both people with their signatures. Anyone but the creator, or a signature that does not hold, is refused with APPROVAL_REFUSED.',
    auth: WRITE,
    params: OrderIdParams,
    body: SignPlanBody,
    responses: { 200: { description: 'Signed', schema: Order, links: orderLinks('/id', 'approveOrder') }, ...problems(400, 401, 403, 404, 409, 413, 415, 429) },
    handler(ctx, { params, body, principal }) {
      return orderView(ctx, signPlan(ctx.engine, params.id, principal!.name, body.planRoot, body.signature));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/orders/:id/execute',
    operationId: 'executeOrder',
    tag: 'orders',
    summary: 'Execute an approved order: its batches go to the workers',
    auth: WRITE,
    params: OrderIdParams,
    body: EmptyBody,
    bodyOptional: true,
    successStatus: 202,
    responses: { 202: { description: 'Execution started', schema: Order, links: orderLinks('/id', 'getOrderProgress', 'streamOrderProgress', 'cancelOrder', ...CERTIFIED) }, ...problems(400, 401, 403, 404, 409, 429) },
    handler: (ctx, { params, principal }) => orderView(ctx, executeOrder(ctx.engine, params.id, principal!.name)),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/orders/:id/cancel',
    operationId: 'cancelOrder',
    tag: 'orders',
    summary: 'Cancel an order',
    description: 'Before execution the order simply ends cancelled. During execution the waiting batches are withdrawn, running ones finish, and what was destroyed is still certified; the order ends cancelled with a certificate.',
    auth: WRITE,
    params: OrderIdParams,
    body: CancelBody,
    responses: { 200: { description: 'Cancelled, or cancel requested', schema: Order }, ...problems(400, 401, 403, 404, 409, 413, 415, 429) },
    handler: (ctx, { params, body, principal }) => orderView(ctx, cancelOrder(ctx.engine, params.id, principal!.name, body.reason)),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/orders/:id/history',
    operationId: 'getOrderHistory',
    tag: 'orders',
    summary: 'Every state change of the order: who, when, from, to, why',
    auth: ANY_ROLE,
    params: OrderIdParams,
    responses: { 200: { description: 'The history', schema: OrderEvents }, ...problems(400, 401, 404, 429) },
    handler(ctx, { params }) {
      getOrderOr404(ctx, params.id);
      return { events: ctx.engine.ledger.events(params.id) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/orders/:id/progress',
    operationId: 'getOrderProgress',
    tag: 'progress',
    summary: 'Counts and bytes per state, rate and ETA',
    auth: ANY_ROLE,
    params: OrderIdParams,
    responses: { 200: { description: 'Progress', schema: Progress }, ...problems(400, 401, 404, 429) },
    handler: (ctx, { params }) => ctx.progress.view(getOrderOr404(ctx, params.id)),
  }),
];

