// Orders: create, list, read, plan, approve, execute, cancel, history and
// progress (JSON; the Server-Sent Events stream is in progress-stream.ts).
// The use cases in src/app decide every rule; these handlers only
// translate HTTP.
import { approveOrder, orderApprovals, signPlan } from '../../app/approve-order.js';
import { cancelOrder } from '../../app/cancel-order.js';
import { createOrder } from '../../app/create-order.js';
import { NotFoundError } from '../../app/errors.js';
import { executeOrder } from '../../app/execute-order.js';
import { startPlan } from '../../app/plan-order.js';
import { type PlannedArtifact, plannedArtifacts } from '../../app/plan-targets.js';
import type { OrderRow } from '../../app/ports/orders.js';
import { OrderDocumentSchema } from '../../app/order-document.js';
import type { ApiContext } from '../context.js';
import { ANY_ROLE, defineRoute, problems, type ResponseLink, type Route } from '../route.js';
import { z } from 'zod';
import { ApproveBody, SignPlanBody, CancelBody, EmptyBody, InventoryPage, InventoryQuery, ListOrdersQuery, Order, OrderEvents, OrderIdParams, OrderList, Progress } from '../schemas.js';

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

export function orderView(ctx: ApiContext, o: OrderRow): z.infer<typeof Order> {
  const cert = ctx.engine.ledger.certificate(o.id);
  return {
    id: o.id,
    reference: o.reference,
    state: o.state,
    createdBy: o.createdBy,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
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

const summary = (o: OrderRow) => ({ id: o.id, reference: o.reference, state: o.state, createdBy: o.createdBy, createdAt: o.createdAt, updatedAt: o.updatedAt });

export const orderRoutes: Route[] = [
  defineRoute({
    method: 'post',
    path: '/v1/orders',
    operationId: 'createOrder',
    tag: 'orders',
    summary: 'Create an order (state draft)',
    description: 'The body is an order document (docs/ORDERS.md). Every problem is reported at once, including scopes that a backend refuses. The caller becomes the order\'s creator, who can never approve it.',
    auth: WRITE,
    body: OrderDocumentSchema,
    bodyValidatedBy: 'use-case',
    bodyExample: {
      reference: 'GDPR Art. 17 erasure request 2025-0413',
      targets: [{ backend: 'photos', scope: { include: ['users/user-0001/**'] } }],
      holds: [{ id: 'hold-1', reason: 'litigation hold on one album', target: 'photos', match: { include: ['users/user-0001/album-7/**'] } }],
    },
    successStatus: 201,
    responses: {
      201: { description: 'Created', schema: Order, links: orderLinks('/id', ...READ_ORDER, 'planOrder', 'cancelOrder', 'executeOrder', ...CERTIFIED) },
      ...problems(400, 401, 403, 413, 415, 429),
    },
    async handler(ctx, { body, principal, res }) {
      const order = await createOrder(ctx.engine, body, principal!.name);
      res.locals.orderId = order.id;
      res.location(`/v1/orders/${order.id}`);
      return orderView(ctx, order);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/orders',
    operationId: 'listOrders',
    tag: 'orders',
    summary: 'List orders, oldest first, with cursor pagination and filters',
    auth: ANY_ROLE,
    query: ListOrdersQuery,
    responses: { 200: { description: 'A page of orders', schema: OrderList, links: orderLinks('/orders/0/id', 'getOrder', 'getOrderHistory') }, ...problems(400, 401, 429) },
    handler(ctx, { query }) {
      const rows = ctx.engine.ledger.listOrders({
        ...(query.state ? { state: query.state } : {}),
        ...(query.createdBy ? { createdBy: query.createdBy } : {}),
        ...(query.cursor ? { after: Number(query.cursor) } : {}),
        limit: query.limit + 1,
      });
      const page = rows.slice(0, query.limit);
      return { orders: page.map(summary), nextCursor: rows.length > query.limit ? String(page[page.length - 1]!.num) : null };
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
    description: 'Every object the plan listed, with its size, its hold if any, and its status so far. Filter by target, or by held=true|false. The plan root commits to exactly this list (with per-object salts that are not shown here).',
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
    bodyExample: {
      planRoot: 'a10619867120cde1cdd38b97fec6422230c9527d640c421a602d1ab950250a16',
      approval: { keyid: 'a6dcd1b4c9e4b9f0e1a4fd1d3f4f2c65e1b3a0f4d3f2a1b0c9d8e7f6a5b4c3d2', signedAt: '2026-11-20T09:29:58.000Z', signature: `${'A'.repeat(86)}==` },
    },
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
    bodyExample: {
      planRoot: 'a10619867120cde1cdd38b97fec6422230c9527d640c421a602d1ab950250a16',
      signature: { keyid: 'b7edd2c5d0f5c0a1f2b5ae2e4a5a3d76f2c4b1a5e4a3b2c1d0e9f8a7b6c5d4e3', signedAt: '2026-11-20T09:10:00.000Z', signature: `${'A'.repeat(86)}==` },
    },
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
    bodyExample: { reason: 'the request was withdrawn' },
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

