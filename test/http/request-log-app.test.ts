// The access log of the whole API (createApp with the engine's logger): every
// request gets one pino-http line with the token's holder once authenticated,
// and no person's token ever reaches any line the app writes, whether it
// authenticates, fails to, or comes with a request that fails validation.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { issueTestToken } from '../helpers/approvals.js';
import { createApp } from '../../src/http/app.js';
import { demoOrder, type Harness, startHarness } from '../helpers/engine-harness.js';

describe('the API\'s access log', () => {
  let h: Harness;
  let server: Server;
  let url: string;
  let out = '';
  let olga: string;
  before(async () => {
    h = await startHarness({ objects: 3, worker: false });
    const sink = new Writable({
      write(chunk, _enc, done) {
        out += String(chunk);
        done();
      },
    });
    // Before createApp: the app logs with the engine's logger.
    h.runtime.deps.log = pino({ level: 'debug' }, sink);
    const app = createApp(h.runtime.deps, { http: { authFailuresPerMinute: 10_000 } });
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    olga = issueTestToken(h.runtime.deps, { name: 'olga', role: 'operator', createdBy: 'test', now: new Date() }).token;
  });
  after(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await h?.close();
  });

  /** The request lines written while `f` ran. */
  async function requestLines(f: () => Promise<void>): Promise<Array<Record<string, any>>> {
    out = '';
    await f();
    await new Promise((r) => setTimeout(r, 50));
    return out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, any>)
      .filter((l) => l.req !== undefined);
  }

  const call = async (path: string, init: RequestInit & { token?: string } = {}) => {
    const { token, ...rest } = init;
    const r = await fetch(url + path, { ...rest, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(rest.body ? { 'content-type': 'application/json' } : {}) } });
    await r.arrayBuffer();
    return r.status;
  };

  it('writes one line per request, with the holder of the token, its status and duration', async () => {
    const lines = await requestLines(async () => {
      assert.equal(await call('/v1/orders', { token: olga }), 200);
      assert.equal(await call('/v1/orders', { token: olga, method: 'POST', body: JSON.stringify(demoOrder('photos')) }), 201);
      assert.equal(await call('/healthz'), 200);
    });
    assert.deepEqual(
      lines.map((l) => [l.req.method, l.req.path, l.res.statusCode, l.actor, l.level]),
      [
        ['GET', '/v1/orders', 200, 'olga', 20],
        ['POST', '/v1/orders', 201, 'olga', 30],
        ['GET', '/healthz', 200, undefined, 20],
      ],
    );
    for (const l of lines) assert.equal(typeof l.responseTime, 'number');
  });

  it('never writes a token: not a valid one, a revoked-looking one, nor one sent with a bad request', async () => {
    const unknown = olga.slice(0, -4) + 'AAAA';
    await requestLines(async () => {
      assert.equal(await call('/v1/orders', { token: olga }), 200);
      assert.equal(await call('/v1/orders', { token: unknown }), 401);
      assert.equal(await call(`/v1/orders?limit=${olga}`, { token: olga }), 400);
      assert.equal(await call('/v1/orders', { token: olga, method: 'POST', body: JSON.stringify({ reference: olga }) }), 400);
      assert.equal(await call('/v1/tokens', { token: olga }), 403);
    });
    const secret = olga.slice(olga.lastIndexOf('_') + 1);
    assert.ok(out.length > 0);
    assert.ok(!out.includes(secret), `a token's secret is in the log: ${out}`);
    assert.ok(!out.includes(unknown.slice(unknown.lastIndexOf('_') + 1)));
    assert.doesNotMatch(out, /authorization|bearer/i);
  });
});
