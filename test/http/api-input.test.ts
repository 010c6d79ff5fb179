// Bad input over HTTP: every refusal is an RFC 9457 problem that names the
// bad field, changes nothing, and leaks no internals; security headers are
// set, CORS is off unless configured, bodies have a size limit.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.js';
import { problem } from './problem-check.js';

const ORDER = { reference: 'input tests', targets: [{ backend: 'photos', scope: { include: ['users/**'] } }] };

describe('HTTP API: bad input', () => {
  let api: ApiHarness;
  let draft: string;
  const orderCount = () => api.runtime.deps.ledger.listOrders({ limit: 1000 }).length;
  const auditCount = () => api.runtime.deps.ledger.access.audit({ limit: 100_000 }).length;
  before(async () => {
    api = await startApiHarness({ objects: 20, coordinator: false, http: { bodyLimitBytes: 4096 } });
    draft = ((await (await api.call('/v1/orders', { method: 'POST', json: ORDER })).json()) as { id: string }).id;
  });
  after(async () => api?.close());

  it('malformed JSON: 400 MALFORMED_JSON, nothing created', async () => {
    const before = orderCount();
    const r = await api.call('/v1/orders', { method: 'POST', body: '{"reference": "x", ', headers: { 'content-type': 'application/json' } });
    await problem(r, 400, 'MALFORMED_JSON');
    assert.equal(orderCount(), before);
  });

  it('wrong types and unknown fields in an order: 400 naming each field, nothing created', async () => {
    const before = orderCount();
    const r = await api.call('/v1/orders', { method: 'POST', json: { reference: 42, targets: [{ backend: 'photos', scope: { include: ['x'] }, extra: 1 }], colour: 'red' } });
    const p = await problem(r, 400, 'INVALID_REQUEST');
    const paths = p.errors.map((e: any) => `${e.in} ${e.path}`).sort();
    assert.deepEqual(paths, ['body $.colour', 'body $.reference', 'body $.targets[0].extra']);
    assert.match(p.detail, /\$\.reference/);
    assert.equal(orderCount(), before);
  });

  it('a backend that is not configured and a scope the backend refuses are named too', async () => {
    const r = await api.call('/v1/orders', { method: 'POST', json: { reference: 'x', targets: [{ backend: 'tape', scope: {} }, { backend: 'photos', scope: { include: ['../etc/**'] } }] } });
    const p = await problem(r, 400, 'INVALID_REQUEST');
    const paths = p.errors.map((e: any) => e.path);
    assert.ok(paths.includes('$.targets[0].backend'), JSON.stringify(p.errors));
    assert.ok(paths.some((x: string) => x.startsWith('$.targets[1].scope')), JSON.stringify(p.errors));
  });

  it('an approve body with a bad plan root, an unknown field or no signature: 400 naming each, order unchanged', async () => {
    const r = await api.call(`/v1/orders/${draft}/approve`, { method: 'POST', as: 'bob', json: { planRoot: 'XYZ', note: 'hi' } });
    const p = await problem(r, 400, 'INVALID_REQUEST');
    assert.deepEqual(p.errors.map((e: any) => e.path).sort(), ['$.approval', '$.note', '$.planRoot']);
    assert.equal(api.runtime.deps.ledger.getOrder(draft)!.state, 'draft');
  });

  it('a malformed signed approval (key id, time, signature, unknown member): 400 naming each, order unchanged', async () => {
    const approval = { keyid: 'ABC', signedAt: `2026-01-01T00:00:00Z${' '.repeat(30)}`, signature: 'c2ln', by: 'bob' };
    const r = await api.call(`/v1/orders/${draft}/approve`, { method: 'POST', as: 'bob', json: { planRoot: 'ab'.repeat(32), approval } });
    const p = await problem(r, 400, 'INVALID_REQUEST');
    assert.deepEqual(p.errors.map((e: any) => e.path).sort(), ['$.approval.by', '$.approval.keyid', '$.approval.signature', '$.approval.signedAt']);
    // sign-plan names its signature `signature`
    const s = await api.call(`/v1/orders/${draft}/sign-plan`, { method: 'POST', json: { planRoot: 'ab'.repeat(32), approval } });
    const ps = await problem(s, 400, 'INVALID_REQUEST');
    assert.deepEqual(ps.errors.map((e: any) => e.path).sort(), ['$.approval', '$.signature']);
    const row = api.runtime.deps.ledger.getOrder(draft)!;
    assert.deepEqual([row.state, row.approvals], ['draft', null]);
  });

  it('a missing body where one is required: 400; a body that is not JSON: 415', async () => {
    await problem(await api.call(`/v1/orders/${draft}/cancel`, { method: 'POST' }), 400, 'INVALID_REQUEST');
    await problem(await api.call(`/v1/orders/${draft}/cancel`, { method: 'POST', body: 'reason=because', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    assert.equal(api.runtime.deps.ledger.getOrder(draft)!.state, 'draft');
  });

  it('plan and execute take no parameters: an unknown field is refused, an empty body or {} is fine', async () => {
    const p = await problem(await api.call(`/v1/orders/${draft}/execute`, { method: 'POST', json: { force: true } }), 400, 'INVALID_REQUEST');
    assert.deepEqual(p.errors.map((e: any) => e.path), ['$.force']);
    await problem(await api.call(`/v1/orders/${draft}/execute`, { method: 'POST', json: {} }), 409, 'NOT_APPROVED');
  });

  it('an oversized body: 413 BODY_TOO_LARGE, nothing created', async () => {
    const before = orderCount();
    const r = await api.call('/v1/orders', { method: 'POST', json: { ...ORDER, description: 'x'.repeat(10_000) } });
    await problem(r, 413, 'BODY_TOO_LARGE');
    assert.equal(orderCount(), before);
  });

  it('bad path parameters and query values: 400 naming them', async () => {
    const p1 = await problem(await api.call('/v1/orders/not-an-id'), 400, 'INVALID_REQUEST');
    assert.deepEqual(p1.errors, [{ in: 'path', path: '$.id', problem: 'is not an order id (ord-<uuid>)' }]);
    const p2 = await problem(await api.call('/v1/orders?limit=0&state=lost&colour=red'), 400, 'INVALID_REQUEST');
    assert.deepEqual(p2.errors.map((e: any) => `${e.in} ${e.path}`).sort(), ['query $.colour', 'query $.limit', 'query $.state[0]']);
    const p3 = await problem(await api.call('/v1/orders?cursor=abc'), 400, 'INVALID_REQUEST');
    assert.equal(p3.errors[0].path, '$.cursor');
    await problem(await api.call('/v1/tokens/tok_nope', { method: 'DELETE', as: 'ada' }), 400, 'INVALID_REQUEST');
  });

  it('an unknown order: 404 NOT_FOUND; an unknown route: 404; a wrong method: 405 with Allow', async () => {
    await problem(await api.call('/v1/orders/ord-00000000-0000-4000-8000-000000000000'), 404, 'NOT_FOUND');
    await problem(await api.call('/v2/orders'), 404, 'NOT_FOUND');
    const r = await api.call('/v1/orders', { method: 'PUT', json: ORDER });
    await problem(r, 405, 'METHOD_NOT_ALLOWED');
    assert.equal(r.headers.get('allow'), 'POST, GET, HEAD');
  });

  it('a certificate before the order is certified: 404 NO_CERTIFICATE', async () => {
    await problem(await api.call(`/v1/orders/${draft}/certificate`), 404, 'NO_CERTIFICATE');
    await problem(await api.call(`/v1/orders/${draft}/proof?leafIndex=0`), 404, 'NO_CERTIFICATE');
  });

  it('a token request with a bad name, role or expiry: 400 naming each, no token made', async () => {
    const before = api.runtime.deps.ledger.access.listTokens().length;
    const p = await problem(await api.call('/v1/tokens', { method: 'POST', as: 'ada', json: { name: ' spaces ', role: 'root' } }), 400, 'INVALID_REQUEST');
    assert.deepEqual(p.errors.map((e: any) => e.path).sort(), ['$.role']);
    const p2 = await problem(await api.call('/v1/tokens', { method: 'POST', as: 'ada', json: { name: ' spaces ', role: 'auditor', expiresAt: '2001-01-01T00:00:00Z' } }), 400, 'INVALID_REQUEST');
    assert.deepEqual(p2.errors.map((e: any) => e.path).sort(), ['$.expiresAt', '$.name']);
    assert.equal(api.runtime.deps.ledger.access.listTokens().length, before);
  });

  it('refused writes are still audited with their status', async () => {
    const n = auditCount();
    await api.call('/v1/orders', { method: 'POST', json: { reference: 42 } });
    const last = api.runtime.deps.ledger.access.audit({ after: n })[0]!;
    assert.deepEqual([last.actor, last.action, last.status, last.method, last.path], ['alice', 'createOrder', 400, 'POST', '/v1/orders']);
  });

  it('sets security headers (helmet) and sends no CORS headers unless configured', async () => {
    const r = await api.call('/v1/orders', { headers: { origin: 'https://evil.example' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.match(r.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.equal(r.headers.get('x-frame-options'), 'SAMEORIGIN');
    assert.match(r.headers.get('strict-transport-security') ?? '', /max-age=/);
    assert.equal(r.headers.get('x-powered-by'), null);
    assert.equal(r.headers.get('access-control-allow-origin'), null);
    const pre = await fetch(`${api.url}/v1/orders`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    assert.equal(pre.headers.get('access-control-allow-origin'), null);
  });

  it('answers a 500 with an error id only, never the error itself', async () => {
    // A ledger that fails underneath: the real SQLite file cannot be made to throw on one read on demand, so one method is replaced.
    const ledger = api.runtime.deps.ledger;
    const original = ledger.events.bind(ledger);
    ledger.events = () => {
      throw new Error('SQLITE_CORRUPT: secret internal detail at /srv/data/ledger.sqlite');
    };
    try {
      const r = await api.call(`/v1/orders/${draft}/history`);
      const text = await r.text();
      assert.equal(r.status, 500);
      const p = JSON.parse(text);
      assert.equal(p.code, 'INTERNAL');
      assert.match(p.errorId, /^[0-9a-f-]{36}$/);
      assert.doesNotMatch(text, /SQLITE|secret|\/srv/);
    } finally {
      ledger.events = original;
    }
  });
});

describe('HTTP API: CORS when configured', () => {
  let api: ApiHarness;
  before(async () => {
    api = await startApiHarness({ objects: 5, coordinator: false, http: { corsOrigins: ['https://ops.example.com'] } });
  });
  after(async () => api?.close());

  it('allows exactly the configured origin, and answers its preflight', async () => {
    const ok = await api.call('/v1/orders', { headers: { origin: 'https://ops.example.com' } });
    assert.equal(ok.headers.get('access-control-allow-origin'), 'https://ops.example.com');
    assert.match(ok.headers.get('vary') ?? '', /Origin/);
    const other = await api.call('/v1/orders', { headers: { origin: 'https://evil.example' } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    const pre = await fetch(`${api.url}/v1/orders`, { method: 'OPTIONS', headers: { origin: 'https://ops.example.com', 'access-control-request-method': 'POST' } });
    assert.equal(pre.status, 204);
    assert.match(pre.headers.get('access-control-allow-headers') ?? '', /Authorization/);
  });
});
