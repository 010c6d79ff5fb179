// Health, readiness, metrics, the OpenAPI document and its docs page, and
// the offline verifier page.
import { z } from 'zod';
import { defineRoute, problems, ANY_ROLE, type Route } from '../route.js';
import { QUEUE_SCRAPE_TIMEOUT_MS } from '../metrics.js';
import { HttpProblem } from '../problem.js';

export function systemRoutes(openapi: () => unknown): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/healthz',
      operationId: 'health',
      tag: 'system',
      summary: 'Liveness: the process answers',
      auth: 'public',
      responses: { 200: { description: 'Alive', schema: z.object({ status: z.literal('ok') }) } },
      handler: () => ({ status: 'ok' }),
    }),
    defineRoute({
      method: 'get',
      path: '/readyz',
      operationId: 'ready',
      tag: 'system',
      summary: 'Readiness: the ledger and Redis answer',
      auth: 'public',
      responses: {
        200: { description: 'Ready', schema: z.object({ status: z.string(), checks: z.record(z.string(), z.string()) }) },
        503: { description: 'Not ready; checks says which dependency is down', schema: z.object({ status: z.string(), checks: z.record(z.string(), z.string()) }) },
      },
      async handler(ctx, { res }) {
        const checks: Record<string, string> = {};
        try {
          ctx.engine.ledger.listOrders({ limit: 1 });
          checks.ledger = 'ok';
        } catch {
          checks.ledger = 'unavailable';
        }
        try {
          await ctx.engine.queue.depth();
          checks.redis = 'ok';
        } catch {
          checks.redis = 'unavailable';
        }
        const ok = Object.values(checks).every((v) => v === 'ok');
        res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not ready', checks });
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/metrics',
      operationId: 'metrics',
      tag: 'system',
      summary: 'Prometheus metrics',
      description:
        'The token of any person works here. Prometheus needs none of theirs: it scrapes GET /metrics on the listener of SHREDPROOF_METRICS_PORT, with the scrape token of SHREDPROOF_METRICS_TOKEN_FILE beyond loopback. ' +
        `The queue's gauges have no values (and shredproof_queue_up is 0) when Redis does not answer within ${QUEUE_SCRAPE_TIMEOUT_MS / 1000} s.`,
      auth: ANY_ROLE,
      responses: { 200: { description: 'Prometheus text exposition format', contentType: 'text/plain; version=0.0.4' }, ...problems(401, 429) },
      async handler(ctx, { res }) {
        const body = await ctx.metrics.registry.metrics();
        res.status(200).type(ctx.metrics.registry.contentType).send(body);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/openapi.json',
      operationId: 'openapi',
      tag: 'system',
      summary: 'This API\'s OpenAPI 3.1 document (a readable page is at /docs)',
      auth: 'public',
      responses: { 200: { description: 'The OpenAPI document', contentType: 'application/json' } },
      handler: () => openapi(),
    }),
    defineRoute({
      method: 'get',
      path: '/verify',
      operationId: 'verifierPage',
      tag: 'system',
      summary: 'The offline verifier page (save it and open it from disk: it makes no network requests)',
      auth: 'public',
      responses: { 200: { description: 'A self-contained HTML page', contentType: 'text/html' }, 404: { description: 'This server was started without the page' } },
      async handler(ctx, { res }) {
        if (!ctx.verifierPage) throw new HttpProblem(404, 'NOT_FOUND', 'Not found', 'this server has no verifier page');
        const html = await ctx.verifierPage();
        // The page carries its own strict Content-Security-Policy (no network at all, inline code by hash):
        // send that one as the header too, in place of helmet's, which would block the inline code.
        const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
        if (csp) res.set('Content-Security-Policy', csp);
        else res.removeHeader('Content-Security-Policy');
        res.status(200).type('text/html').set('Content-Disposition', 'inline; filename="verify.html"').send(html);
        return undefined;
      },
    }),
  ];
}
