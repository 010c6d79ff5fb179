// GET /v1/orders/:id/progress/stream: an order's progress as Server-Sent
// Events, until the order ends, the server shuts down, or the token that
// opened the stream is revoked or expires.
import { z } from 'zod';
import { tokenLapsed } from '../../app/tokens.js';
import { FINAL_STATES, type OrderState } from '../../app/ports/orders.js';
import { ANY_ROLE, defineRoute, problems, type Route } from '../route.js';
import { OrderIdParams } from '../schemas.js';
import { getOrderOr404 } from './orders.js';

/** How often an open stream checks that its token is still in force (not revoked, not expired). */
const STREAM_TOKEN_RECHECK_MS = 2000;

export const streamOrderProgress: Route = defineRoute({
  method: 'get',
  path: '/v1/orders/:id/progress/stream',
  operationId: 'streamOrderProgress',
  tag: 'progress',
  summary: 'Progress as Server-Sent Events',
  description:
    'Sends `event: progress` with a Progress object as data every intervalMs (default 1000) and at once on connect, a comment line as a heartbeat every 15 s, and `event: end` when the order reaches a final state (certified, certified-with-exceptions, cancelled, failed); then the server closes the stream. The server also closes it when the token is revoked or expires (reopening it then answers 401).',
  auth: ANY_ROLE,
  params: OrderIdParams,
  query: z.strictObject({ intervalMs: z.coerce.number().int().min(200).max(60_000).default(1000) }),
  responses: { 200: { description: 'An event stream of Progress objects', contentType: 'text/event-stream' }, ...problems(400, 401, 404, 429) },
  handler(ctx, { params, query, principal, req, res }) {
    getOrderOr404(ctx, params.id);
    res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    let lastBeat = Date.now();
    const send = () => {
      const order = ctx.engine.ledger.getOrder(params.id);
      if (!order) return stop();
      res.write(`event: progress\ndata: ${JSON.stringify(ctx.progress.view(order))}\n\n`);
      if ((FINAL_STATES as readonly OrderState[]).includes(order.state)) {
        res.write(`event: end\ndata: ${JSON.stringify({ state: order.state })}\n\n`);
        return stop();
      }
      if (Date.now() - lastBeat > 15_000) {
        res.write(': heartbeat\n\n');
        lastBeat = Date.now();
      }
    };
    // The token was checked when the stream opened; it may be revoked or expire while the stream lasts.
    // DELETE /v1/tokens ends the token's streams at once; this catches `shredproof token revoke` and expiry.
    const recheck = () => {
      if (tokenLapsed(ctx.engine.ledger.access.token(principal!.tokenId), ctx.engine.clock.now())) stop();
    };
    const timer = setInterval(send, query.intervalMs);
    const authTimer = setInterval(recheck, STREAM_TOKEN_RECHECK_MS);
    const stream = { tokenId: principal!.tokenId, end: () => stop() };
    const stop = () => {
      clearInterval(timer);
      clearInterval(authTimer);
      ctx.streams.delete(stream);
      res.end();
    };
    ctx.streams.add(stream);
    req.on('close', () => {
      clearInterval(timer);
      clearInterval(authTimer);
      ctx.streams.delete(stream);
    });
    send();
    return undefined;
  },
});
