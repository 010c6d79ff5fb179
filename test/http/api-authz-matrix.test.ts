// The authorization matrix: every route of the API against every role and
// against no token, with the expected answer written out here by hand (not
// derived from the route table, so that a wrong table fails this test).
// "allow" means the request got past authentication and the role check: any
// status but 401 and 403. "deny" means 403 FORBIDDEN for a token of the wrong
// role, and every non-public route answers 401 without a token.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { manifestLine, manifestTree } from '../../src/app/artifacts.js';
import { addPerson } from '../../src/app/people.js';
import { ROUTES } from '../../src/http/app.js';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.js';

type Who = 'operator' | 'approver' | 'auditor' | 'admin';
const ALL: Who[] = ['operator', 'approver', 'auditor', 'admin'];

/** operationId -> who may call it; 'public' needs no token at all. */
const EXPECTED: Record<string, Who[] | 'public'> = {
  createOrder: ['operator'],
  listOrders: ALL,
  getOrder: ALL,
  planOrder: ['operator'],
  approveOrder: ['approver'],
  refuseOrder: ['approver'],
  signPlan: ['operator'],
  executeOrder: ['operator'],
  cancelOrder: ['operator'],
  getOrderHistory: ALL,
  getOrderInventory: ALL,
  getOrderProgress: ALL,
  streamOrderProgress: ALL,
  getCertificate: ALL,
  getRecords: ALL,
  getObjectProof: ALL,
  getReceipt: ['auditor'],
  getOrderDocument: ALL,
  getExhibit: ALL,
  getListFile: ALL,
  getTrustRoot: 'public',
  listKeys: 'public',
  getKey: 'public',
  createToken: ['admin'],
  listTokens: ['admin'],
  revokeToken: ['admin'],
  whoami: ALL,
  listPeople: ['auditor', 'admin'],
  listAudit: ['auditor', 'admin'],
  verifyAudit: ['auditor', 'admin'],
  health: 'public',
  ready: 'public',
  metrics: ALL,
  openapi: 'public',
  verifierPage: 'public',
  createArtifact: ['operator'],
  listArtifacts: ALL,
  getArtifact: ALL,
  uploadArtifactManifest: ['operator'],
  getArtifactManifest: ALL,
  uploadVendorBundleFile: ['operator'],
  attachVendorCertificate: ['operator'],
  disposeArtifact: ['approver'],
  getVendorBundleFile: ALL,
};

const SIGNED = { keyid: '1'.repeat(64), signedAt: '2026-01-01T00:00:00Z', signature: `${'A'.repeat(86)}==` };

/**
 * The answer of the use case to the bodies below, where it proves that the body got through: a draft is not planned
 * (nor open to a vendor's certificate or a disposition, nor certified), and matrix-made is registered.
 */
const REACHED: Record<string, number> = {
  approveOrder: 409,
  refuseOrder: 409,
  signPlan: 409,
  createToken: 201,
  createArtifact: 201,
  uploadArtifactManifest: 200,
  uploadVendorBundleFile: 409,
  attachVendorCertificate: 409,
  disposeArtifact: 409,
  getVendorBundleFile: 404,
};

/** An artifact with a manifest of one line, registered in before(): its routes reach their handlers, and the upload stores. */
const MANIFEST = [{ backend: 'photos', locator: 'users/u-1/photo-1.jpg', sha256: 'a'.repeat(64) }];
const ARTIFACT = { name: 'matrix-manifest', kind: 'model', description: 'authorization matrix', location: { vendor: 'V', description: 'T' }, inputs: [{ manifest: manifestTree(MANIFEST) }] };

const TOKEN_OF: Record<Who, 'olga' | 'bob' | 'audrey' | 'ada'> = { operator: 'olga', approver: 'bob', auditor: 'audrey', admin: 'ada' };

describe('authorization matrix: every route x every role', () => {
  let api: ApiHarness;
  let orderId: string;
  before(async () => {
    api = await startApiHarness({ objects: 10, coordinator: false });
    // A registered person, so that the admin's token request reaches issueToken's success path.
    addPerson(api.runtime.deps, { name: 'matrix-made', roles: ['auditor'] }, 'test');
    // A real draft order, so that order routes reach their handlers; it is re-created whenever a request changed it.
    orderId = ((await (await api.call('/v1/orders', { method: 'POST', as: 'alice', json: { reference: 'matrix', targets: [{ backend: 'photos', scope: { include: ['nothing/**'] } }] } })).json()) as { id: string }).id;
    assert.equal((await api.call('/v1/artifacts', { method: 'POST', as: 'alice', json: ARTIFACT })).status, 201);
  });
  after(async () => api?.close());

  it('lists every route of the API (a new route must be added to this matrix)', () => {
    assert.deepEqual(ROUTES.map((r) => r.operationId).sort(), Object.keys(EXPECTED).sort());
  });

  function request(path: string, method: string): { path: string; init: RequestInit & { json?: unknown } } {
    const p = path
      .replace(':id', orderId)
      .replace(':keyid', api.runtime.deps.signer.keyid)
      .replace(':tokenId', 'tok_0000000000000000')
      .replace(':name', ARTIFACT.name)
      .replace(':artifact', 'matrix-vendor')
      .replace(':file', 'trust.json');
    const bodies: Record<string, unknown> = {
      '/v1/orders': { reference: 'matrix', targets: [{ backend: 'photos', scope: { include: ['nothing/**'] } }] },
      // Well-formed signatures (that hold over nothing): the request passes the body's schema and reaches the use case.
      [`/v1/orders/${orderId}/approve`]: { planRoot: '0'.repeat(64), approval: SIGNED },
      [`/v1/orders/${orderId}/sign-plan`]: { planRoot: '0'.repeat(64), signature: SIGNED },
      [`/v1/orders/${orderId}/refuse`]: { planRoot: '0'.repeat(64), reason: 'authorization matrix' },
      [`/v1/orders/${orderId}/cancel`]: { reason: 'authorization matrix' },
      '/v1/tokens': { name: 'matrix-made', role: 'auditor' },
      // Registered once, by the one role allowed.
      '/v1/artifacts': { ...ARTIFACT, name: 'matrix-made' },
      [`/v1/orders/${orderId}/derived/matrix-vendor/disposition`]: { disposition: 'retained-with-justification', justification: 'authorization matrix', signature: SIGNED },
    };
    if (method === 'put' && p.includes('/vendor-bundle/')) return { path: p, init: { method: 'PUT', body: '{}', headers: { 'content-type': 'application/octet-stream' } } };
    if (method === 'put') return { path: p, init: { method: 'PUT', body: MANIFEST.map((e) => `${manifestLine(e)}\n`).join(''), headers: { 'content-type': 'application/x-ndjson' } } };
    const extra = p.endsWith('/proof') ? '?leafIndex=0' : '';
    return { path: p + extra, init: { method: method.toUpperCase(), ...(method !== 'get' && bodies[p] !== undefined ? { json: bodies[p] } : {}) } };
  }

  for (const route of ROUTES) {
    const expected = EXPECTED[route.operationId];
    for (const who of [...ALL, 'nobody'] as const) {
      const allowed = expected === 'public' || (who !== 'nobody' && expected !== undefined && expected.includes(who));
      it(`${route.method.toUpperCase()} ${route.path} as ${who}: ${allowed ? 'allowed' : 'denied'}`, async () => {
        const { path, init } = request(route.path, route.method);
        const controller = new AbortController();
        const res = await api.call(path, { ...init, as: who === 'nobody' ? null : TOKEN_OF[who], signal: controller.signal });
        // An event stream stays open: its status and headers are all this test needs.
        if (route.operationId === 'streamOrderProgress') controller.abort();
        else await res.arrayBuffer();
        if (allowed) {
          assert.ok(res.status !== 401 && res.status !== 403, `expected to pass auth, got ${res.status}`);
          assert.ok(res.status < 500, `no server error (${res.status})`);
          const reached = REACHED[route.operationId];
          if (reached) assert.equal(res.status, reached, 'the body passed its schema and the use case answered');
        } else if (who === 'nobody') {
          assert.equal(res.status, 401);
          assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer realm="shredproof"/);
        } else {
          assert.equal(res.status, 403);
          assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
        }
        // Writes change state: start each from a fresh draft order.
        if (allowed && init.method !== 'GET' && route.path.startsWith('/v1/orders/:id')) {
          orderId = ((await (await api.call('/v1/orders', { method: 'POST', as: 'alice', json: request('/v1/orders', 'post').init.json })).json()) as { id: string }).id;
        }
      });
    }
  }
});
