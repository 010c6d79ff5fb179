// The access log (requestLogger in src/http/http-server.ts, pino-http): one
// line per request with its id, method, path, status and duration, at the
// level its method and status call for, and never a header: a bearer token,
// a cookie or a token in the query string must not reach the log. The pino
// destination is captured, so the test reads the bytes that would be written.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { pino } from 'pino';
import { requestLogger } from '../../src/http/http-server.js';

const TOKEN = 'sp_0123456789abcdef_SECRETsecretSECRETsecretSECRETsecret0123456';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('the access log', () => {
  let out = '';
  let server: Server;
  let url: string;
  const lines = () =>
    out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, any>);
  /** The log line of the one request made since the last call. */
  const lineOf = async (path: string, init: RequestInit = {}): Promise<Record<string, any>> => {
    out = '';
    const r = await fetch(url + path, init);
    await r.arrayBuffer();
    // pino-http writes when the response finishes, which may be just after the client has it all.
    for (let i = 0; i < 100 && lines().length === 0; i++) await new Promise((res) => setTimeout(res, 10));
    const ls = lines();
    assert.equal(ls.length, 1, `one line per request: ${out}`);
    return ls[0]!;
  };

  before(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        out += String(chunk);
        done();
      },
    });
    // Debug, so that reads are logged too; and none of src/log.ts's redaction: the logger alone must keep secrets out.
    const log = pino({ level: 'debug' }, sink);
    const app = express();
    app.use(requestLogger(log));
    app.get('/v1/orders/:id', (req, res) => void res.json({ id: req.params.id, sawToken: req.get('authorization') === `Bearer ${TOKEN}` }));
    app.post('/v1/orders', (_req, res) => void res.status(201).json({}));
    app.get('/boom', (_req, res) => void res.status(500).json({}));
    app.get('/slow', (_req, res) => void setTimeout(() => res.json({}), 120));
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('never writes the bearer token, the cookie or a token in the query, nor any header', async () => {
    const line = await lineOf(`/v1/orders/ord-1?token=${TOKEN}&limit=5`, {
      headers: { authorization: `Bearer ${TOKEN}`, cookie: `session=${TOKEN}`, 'x-api-key': TOKEN },
    });
    assert.equal(line.req.path, '/v1/orders/ord-1');
    const written = out;
    assert.ok(!written.includes(TOKEN), `the token is in the log: ${written}`);
    assert.ok(!written.includes('SECRETsecret'), 'no piece of the secret either');
    assert.doesNotMatch(written, /authorization|cookie|x-api-key|headers/i);
  });

  it('says which request, what came of it and how long it took', async () => {
    const line = await lineOf('/v1/orders/ord-2', { headers: { 'x-request-id': 'req-42.a:b' } });
    assert.equal(line.req.id, 'req-42.a:b');
    assert.equal(line.req.method, 'GET');
    assert.equal(line.req.path, '/v1/orders/ord-2');
    assert.equal(line.req.remote, '127.0.0.1');
    assert.equal(line.res.statusCode, 200);
    assert.equal(typeof line.responseTime, 'number');
    assert.equal(line.msg, 'request completed');
    const slow = await lineOf('/slow');
    assert.ok(slow.responseTime >= 100, `responseTime ${slow.responseTime}`);
  });

  it('makes an id of its own when the client sends none, or one that does not look like an id', async () => {
    const ids = new Set<string>();
    for (const sent of [undefined, 'has spaces in it', 'x'.repeat(129), '{"json":1}']) {
      const line = await lineOf('/v1/orders/ord-3', sent === undefined ? {} : { headers: { 'x-request-id': sent } });
      assert.match(line.req.id, UUID_RE, String(sent));
      ids.add(line.req.id);
    }
    assert.equal(ids.size, 4);
  });

  it('logs reads at debug, writes at info, and server errors at warn', async () => {
    assert.equal((await lineOf('/v1/orders/ord-4')).level, 20);
    assert.equal((await lineOf('/v1/orders/ord-4', { method: 'HEAD' })).level, 20);
    const write = await lineOf('/v1/orders', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(write.level, 30);
    assert.equal(write.res.statusCode, 201);
    const boom = await lineOf('/boom');
    assert.equal(boom.level, 40);
    assert.equal(boom.res.statusCode, 500);
    assert.deepEqual(boom.err, { message: 'failed with status code 500' });
  });
});
