// POST /v1/orders/:id/refuse: the approver's "no", with a reason. The rule
// (who may, which plan, what becomes of the order) is src/app/refuse-order.ts.
import { z } from 'zod';
import { refuseOrder } from '../../app/refuse-order.js';
import { defineRoute, problems } from '../route.js';
import { ApproveBody, CancelBody, Order, OrderIdParams } from '../schemas.js';
import { orderView } from './orders.js';

const RefuseBody = z
  .strictObject({
    planRoot: ApproveBody.shape.planRoot,
    reason: CancelBody.shape.reason,
  })
  .meta({ id: 'RefuseBody' });

export const refuseRoute = defineRoute({
  method: 'post',
  path: '/v1/orders/:id/refuse',
  operationId: 'refuseOrder',
  tag: 'orders',
  summary: 'Refuse the current plan, with a reason (an approver; never the order\'s creator)',
  description:
    'The order goes back to draft with its plan cleared; the refusal is its failure and an event of its history, and the audit log records the request. The order document cannot be edited: the operator plans the order again once what made the plan wrong was put right outside it (in the stores, or in the lineage registry of derived artifacts), or cancels it and creates a corrected order. A plan that changed since the review is refused with STALE_PLAN; the creator is refused with SELF_APPROVAL, whatever their role; a person who is not registered, was removed, or does not hold the approver role (whatever the token says) is refused with APPROVAL_REFUSED.',
  auth: ['approver'],
  params: OrderIdParams,
  body: RefuseBody,
  bodyExample: { planRoot: 'a10619867120cde1cdd38b97fec6422230c9527d640c421a602d1ab950250a16', reason: 'the scope takes in the whole photos bucket; the order names one account' },
  responses: { 200: { description: 'Refused: the order is a draft again', schema: Order }, ...problems(400, 401, 403, 404, 409, 413, 415, 429) },
  handler: (ctx, { params, body, principal }) => orderView(ctx, refuseOrder(ctx.engine, params.id, principal!.name, body.planRoot, body.reason)),
});
