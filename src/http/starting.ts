// What serve's port answers before the app exists: serve listens at once and
// then waits for Redis and opens the ledger (src/main/serve.ts).
import type { RequestListener } from 'node:http';
import { sendProblem } from './http-server.js';

/**
 * What the HTTP port answers while start-up waits for Redis (or opens the
 * ledger): /healthz 200, /readyz 503 with the check that is not ready yet,
 * anything else 503 with Retry-After, as an RFC 9457 problem document. A load
 * balancer or a person sees "starting" at once instead of a refused
 * connection for however long Redis is down.
 */
export function startingHandler(waitingFor: () => Record<string, string>): RequestListener {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...(status === 503 ? { 'retry-after': '5' } : {}) });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && path === '/healthz') return json(200, { status: 'ok' });
    if (req.method === 'GET' && path === '/readyz') return json(503, { status: 'starting', checks: waitingFor() });
    sendProblem(res, { status: 503, code: 'STARTING', title: 'The server is starting', detail: `not ready yet: ${describeChecks(waitingFor())}; retry later` }, { 'Retry-After': '5' });
  };
}

function describeChecks(checks: Record<string, string>): string {
  return Object.entries(checks)
    .filter(([, v]) => v !== 'ok')
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}
