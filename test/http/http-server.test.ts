// What a route never sees, or cannot finish, answered as problem+json all the
// same: a path that is not valid percent-encoding (the router), a declared
// body over the limit and Expect: 100-continue (answered before the body is
// read), what Node's HTTP parser refuses (headers over 16 KiB, not HTTP), a
// body of thousands of bad entries (a bounded answer), and a backend that is
// down when an order is created (503). src/http/http-server.ts, route.ts and
// problem.ts. A real app on a real socket, with its log kept.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { type AddressInfo, connect, createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { issueTestToken } from '../helpers/approvals.js';
import { BackendRegistry } from '../../src/adapters/storage/registry.js';
import { createApp } from '../../src/http/app.js';
import { type Harness, startHarness } from '../helpers/engine-harness.js';
import { problem } from './problem-check.js';

const ORDER = { reference: 'edge tests', targets: [{ backend: 'photos', scope: { include: ['users/**'] } }] };
/** Sends raw bytes and resolves with everything the server sent until it closed the connection, or until `waitMs`. */
function rawExchange(port: number, request: string, waitMs = 3000): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let got = '';
    const done = () => {
      clearTimeout(timer);
      s.destroy();
      resolve(got);
    };
    const timer = setTimeout(done, waitMs);
    s.on('data', (b) => (got += b.toString()));
    s.on('error', done);
    s.on('close', done);
    s.write(request);
  });
}

/** The status line, headers and JSON body of a raw HTTP/1.1 answer. */
function parseRaw(raw: string): { status: number; headers: Record<string, string>; body: Record<string, any> | undefined } {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1]), headers, body: body ? JSON.parse(body) : undefined };
}

describe('HTTP API: what the router, the body parser and Node see before a route does', () => {
  let h: Harness;
  let server: Server;
  let port: number;
  let token: string;
  let draft: string;
  const logLines: string[] = [];
  const LIMIT = 512 * 1024;
  const url = () => `http://127.0.0.1:${port}`;

  before(async () => {
    h = await startHarness({ objects: 10, worker: false });
    // A second backend that is configured but down: a PostgreSQL URL on a port where nothing listens.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    process.env.SP_TEST_DOWN_PG_URL = `postgres://postgres@127.0.0.1:${deadPort}/test`;
    const backends = await new BackendRegistry({ ...h.backends, ledgerdb: { kind: 'postgres', urlEnv: 'SP_TEST_DOWN_PG_URL' } }).load();
    // The log is kept, to check what a bad request writes to it.
    const log = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });
    const app = createApp({ ...h.runtime.deps, log, backends }, { http: { bodyLimitBytes: LIMIT, authFailuresPerMinute: 10_000 } });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    port = (server.address() as AddressInfo).port;
    token = issueTestToken(h.runtime.deps, { name: 'olga', role: 'operator', createdBy: 'test', now: new Date() }).token;
    const r = await fetch(`${url()}/v1/orders`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(ORDER) });
    draft = ((await r.json()) as { id: string }).id;
  });
  after(async () => {
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await h?.close();
    delete process.env.SP_TEST_DOWN_PG_URL;
  });

  it('malformed percent-encoding in a path, without a token: 400, and no stack trace in the log (issue 11, item 9)', async () => {
    const before = logLines.length;
    for (const path of ['/v1/orders/%E0%A4%A', `/v1/orders/%E0%A4%A/progress`, '/v1/tokens/%ZZ']) {
      const p = await problem(await fetch(url() + path, { method: path.startsWith('/v1/tokens') ? 'DELETE' : 'GET' }), 400, 'INVALID_REQUEST');
      assert.deepEqual(p.errors, [{ in: 'path', path: '$', problem: 'is not valid percent-encoding' }], path);
    }
    const written = logLines.slice(before).join('');
    assert.match(written, /"statusCode":400/, 'the requests are in the access log (pino-http: res.statusCode)');
    assert.doesNotMatch(written, /URIError|"stack"|\bat .+:\d+:\d+/, 'no error, let alone its stack, is logged for a client mistake');
    assert.doesNotMatch(written, /unhandled error/);
  });

  it('a declared body over the limit: 413 at once, before any of the body is sent (issue 11, item 21)', async () => {
    // 50 MB declared and 100 bytes sent: the answer must not wait for the other 49.9 MB.
    const t0 = Date.now();
    const raw = await rawExchange(
      port,
      `POST /v1/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n${'{"reference": "x", '.padEnd(100)}`,
    );
    assert.ok(raw, `no answer within 3 s: the server waits for the body (${Date.now() - t0} ms)`);
    const r = parseRaw(raw);
    assert.equal(r.status, 413, raw.slice(0, 300));
    assert.match(r.headers['content-type']!, /^application\/problem\+json/);
    assert.equal(r.body!.code, 'BODY_TOO_LARGE');
    assert.match(r.body!.detail, /declared as 50000000 bytes; the limit is 524288 bytes/);
    assert.equal(r.headers.connection, 'close', 'the server does not go on reading the rest');
  });

  it('Expect: 100-continue with a declared body over the limit: 413 without asking for the body', async () => {
    const ask = (auth: string) =>
      rawExchange(port, `POST /v1/orders HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 50000000\r\nExpect: 100-continue\r\n\r\n`);
    const raw = await ask(`Authorization: Bearer ${token}\r\n`);
    assert.doesNotMatch(raw, /^HTTP\/1\.1 100/, 'the server asked for a body it would refuse');
    const r = parseRaw(raw);
    assert.equal(r.status, 413, raw.slice(0, 300));
    assert.equal(r.body!.code, 'BODY_TOO_LARGE');
    // Without a token the answer is 401, and no body is asked for either.
    const anon = await ask('');
    assert.doesNotMatch(anon, /^HTTP\/1\.1 100/);
    assert.equal(parseRaw(anon).status, 401);
    // Within the limit the body is asked for, and the request goes through.
    const small = JSON.stringify(ORDER);
    const within = await rawExchange(
      port,
      `POST /v1/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(small)}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n${small}`,
    );
    assert.match(within, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 201 /);
  });

  it('headers over Node\'s 16 KiB limit (a long non-ASCII locator, which the document allows): 431 problem+json, and documented', async () => {
    const locator = encodeURIComponent('é'.repeat(4000)); // 24,000 characters once percent-encoded
    const r = await fetch(`${url()}/v1/orders/${draft}/proof?locator=${locator}`, { headers: { authorization: `Bearer ${token}` } });
    const p = await problem(r, 431, 'HEADERS_TOO_LARGE');
    assert.match(p.detail, /exceed 16384 bytes/);
    const raw = parseRaw(await rawExchange(port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'y'.repeat(20_000)}\r\n\r\n`));
    assert.equal(raw.status, 431);
    assert.equal(raw.body!.code, 'HEADERS_TOO_LARGE');
    // A request that is not HTTP at all: 400, as a problem too.
    const junk = parseRaw(await rawExchange(port, 'HELLO\r\n\r\n'));
    assert.deepEqual([junk.status, junk.headers['content-type'], junk.body!.code], [400, 'application/problem+json; charset=utf-8', 'BAD_REQUEST']);
    const doc = (await (await fetch(`${url()}/openapi.json`)).json()) as Record<string, any>;
    assert.ok(doc.paths['/v1/orders/{id}/proof'].get.responses['431'], 'the proof operation documents 431');
  });

  it('a body with thousands of bad entries: the answer lists the first 100, and is smaller than the body', async () => {
    const holds = Array.from({ length: 3000 }, () => ({ id: 'same', reason: 'r', target: 'photos', match: { include: ['users/**'] } }));
    const body = JSON.stringify({ ...ORDER, holds });
    const r = await fetch(`${url()}/v1/orders`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
    const text = await r.clone().text();
    const p = await problem(r, 400, 'INVALID_REQUEST');
    assert.equal(p.errors.length, 100);
    assert.deepEqual(p.errors[0], { in: 'body', path: '$.holds[1].id', problem: 'repeats another hold id' });
    assert.match(p.detail, /^invalid order: \$\.holds\[1\]\.id: repeats another hold id; .*; and 2989 more \(errors lists the first 100 of 2999\)$/);
    assert.ok(text.length < body.length / 10, `an answer of ${text.length} bytes to a body of ${body.length}`);
  });

  it('a backend that cannot be reached when an order is created: 503 naming it, nothing created (issue 11, item 21)', async () => {
    const before = h.runtime.deps.ledger.listOrders({ limit: 1000 }).length;
    const logged = logLines.length;
    const r = await fetch(`${url()}/v1/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reference: 'down', targets: [{ backend: 'ledgerdb', scope: { table: 'users', where: [], allowWholeTable: true } }] }),
    });
    const p = await problem(r, 503, 'BACKEND_UNAVAILABLE');
    assert.match(p.detail, /the backend ledgerdb could not be reached/);
    assert.match(p.errorId, /^[0-9a-f-]{36}$/);
    assert.doesNotMatch(JSON.stringify(p), /ECONNREFUSED|127\.0\.0\.1|postgres:/, 'no address or driver message in the answer');
    assert.equal(h.runtime.deps.ledger.listOrders({ limit: 1000 }).length, before);
    // The operator finds the cause under the errorId.
    const line = logLines.slice(logged).find((l) => l.includes(p.errorId));
    assert.ok(line, 'the errorId is in the log');
    assert.match(line, /ECONNREFUSED/);
  });
});
