// /openapi.json: valid OpenAPI 3.1 (checked against the official schema by
// @seriousme/openapi-schema-validator), complete (every route, every role
// list, every $ref resolves), and true: real responses of a live order
// validate against the response schemas it declares (Ajv, JSON Schema 2020-12).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { openApiDocument, ROUTES } from '../../src/http/app.js';
import { addPerson } from '../../src/app/people.js';
import { manifestLine, manifestTree } from '../../src/app/artifacts.js';
import { VENDOR_BUNDLE_FILES, VENDOR_BUNDLE_PATH_PATTERN } from '../../src/app/vendor-certificates.js';
import { signDisposition } from '../../packages/verify/src/core/index.js';
import { type ApiHarness, approvalBody, startApiHarness, waitForState } from '../helpers/api-harness.js';
import { personSigner, signedBy } from '../helpers/approvals.js';
import { demoOrder } from '../helpers/engine-harness.js';

type Json = Record<string, any>;

/** The body of POST /v1/orders/{id}/sign-plan: `name`'s performer signature with their test key over the order as GET shows it. */
function signPlanBody(order: Json, name: string) {
  const row = { id: order.id, documentSha256: order.documentSha256, planRoot: order.plan.root, planCount: order.plan.objects } as Parameters<typeof signedBy>[1];
  const { keyid, signedAt, signature } = signedBy({ clock: { now: () => new Date() } }, row, name, 'performer');
  return { planRoot: order.plan.root, signature: { keyid, signedAt, signature } };
}

describe('OpenAPI document', () => {
  let api: ApiHarness;
  let doc: Json;
  before(async () => {
    api = await startApiHarness({ objects: 30, batchSize: 10 });
    doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as Json;
  });
  after(async () => api?.close());

  it('is served without a token and equals the generated document', () => {
    assert.deepEqual(doc, JSON.parse(JSON.stringify(openApiDocument())));
    assert.equal(doc.openapi, '3.1.0');
  });

  it('validates as OpenAPI 3.1', async () => {
    const v = new Validator();
    const r = await v.validate(structuredClone(doc));
    assert.equal(v.version, '3.1');
    assert.equal(r.valid, true, JSON.stringify(r.errors, null, 2));
  });

  it('is caught by the validator when broken (the check above can fail)', async () => {
    const broken = structuredClone(doc);
    broken.paths['/v1/orders'].post.responses = 'none';
    const r = await new Validator().validate(broken);
    assert.equal(r.valid, false);
  });

  it('has every route with its method, operationId and roles, and every $ref resolves', () => {
    for (const r of ROUTES) {
      const op = doc.paths[r.path.replace(/:([A-Za-z]+)/g, '{$1}')]?.[r.method];
      assert.ok(op, `${r.method} ${r.path}`);
      assert.equal(op.operationId, r.operationId);
      if (r.auth === 'public') assert.deepEqual(op.security, []);
      else assert.deepEqual(op['x-roles'], [...r.auth]);
    }
    for (const [name, schema] of Object.entries(doc.components.schemas as Json)) {
      assert.notEqual(schema.$ref, `#/components/schemas/${name}`, `${name} is a definition, not a reference to itself`);
    }
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    assert.ok(refs.length > 10);
    for (const ref of new Set(refs)) {
      const name = /#\/components\/schemas\/([^"]+)"/.exec(ref)?.[1];
      assert.ok(name && doc.components.schemas[name], `${ref} resolves`);
    }
  });

  it('has links (for clients and stateful test generators) that name real operations, with the parameters they take', () => {
    const ops = new Map<string, Json>();
    for (const methods of Object.values(doc.paths as Json)) for (const op of Object.values(methods as Json)) ops.set(op.operationId, op);
    let links = 0;
    for (const [path, methods] of Object.entries(doc.paths as Json)) {
      for (const [method, op] of Object.entries(methods as Json)) {
        for (const [status, response] of Object.entries(op.responses as Json)) {
          for (const [name, link] of Object.entries((response.links ?? {}) as Json)) {
            const where = `${method} ${path} ${status} links.${name}`;
            links++;
            const target = ops.get(link.operationId);
            assert.ok(target, `${where}: no operation ${link.operationId}`);
            const takes = new Set((target.parameters ?? []).map((p: Json) => p.name));
            for (const [param, expr] of Object.entries((link.parameters ?? {}) as Json)) {
              assert.ok(takes.has(param), `${where}: ${link.operationId} takes no parameter ${param}`);
              assert.match(expr, /^\$response\.body#\/[A-Za-z0-9/]+$/, where);
            }
            if (link.requestBody !== undefined) assert.ok(target.requestBody, `${where}: ${link.operationId} takes no body`);
          }
        }
      }
    }
    assert.ok(links >= 20, `only ${links} links`);
  });

  it('is as strict as the server about the states filter: what the document allows, the server accepts, and the reverse', async () => {
    const ajv = new Ajv2020.default({ strict: false });
    const schema = (doc.paths['/v1/orders'].get.parameters as Json[]).find((p) => p.name === 'state')!.schema;
    for (const state of ['', 'lost', 'draft,', ',draft', 'draft,,planned', 'draft,lost', 'Draft', 'draft ', 'draft,planned,certified-with-exceptions']) {
      const documented = ajv.validate(schema, state);
      const accepted = (await api.call(`/v1/orders?state=${encodeURIComponent(state)}`, { as: 'audrey' })).status === 200;
      assert.equal(documented, accepted, `state=${JSON.stringify(state)}: the document ${documented ? 'allows' : 'refuses'} it, the server ${accepted ? 'accepts' : 'refuses'} it`);
    }
  });

  it('is as strict as the server about a cancel\'s reason: spaces only are no reason, in both', async () => {
    const ajv = new Ajv2020.default({ strict: false });
    const schema = doc.paths['/v1/orders/{id}/cancel'].post.requestBody.content['application/json'].schema;
    const draft = ((await (await api.call('/v1/orders', { method: 'POST', json: demoOrder('photos') })).json()) as Json).id;
    for (const reason of ['', ' ', '\t\n ', ' withdrawn ', 'withdrawn']) {
      const documented = ajv.validate(schema, { reason });
      // 200 for the first reason accepted, 409 NOT_CANCELLABLE after: either way the body passed.
      const accepted = (await api.call(`/v1/orders/${draft}/cancel`, { method: 'POST', json: { reason } })).status !== 400;
      assert.equal(documented, accepted, `reason ${JSON.stringify(reason)}: the document ${documented ? 'allows' : 'refuses'} it, the server ${accepted ? 'accepts' : 'refuses'} it`);
    }
  });

  it('is as strict as the server about a token\'s name', async () => {
    const ajv = new Ajv2020.default({ strict: false });
    const schema = doc.paths['/v1/tokens'].post.requestBody.content['application/json'].schema;
    const names = ['', ' spaces ', '-lead', 'a'.repeat(65), 'a'.repeat(64), 'carol.b@example-1', 'é', 'tab\there'];
    // Tokens are only for registered people: register every name the server's own name rule (addPerson) takes,
    // so that what remains to compare is the shape of the name.
    const registered = names.filter((name) => {
      try {
        addPerson(api.runtime.deps, { name, roles: ['auditor'] }, 'test');
        return true;
      } catch {
        return false;
      }
    });
    assert.deepEqual(registered, ['a'.repeat(64), 'carol.b@example-1']);
    for (const name of names) {
      const documented = ajv.validate(schema, { name, role: 'auditor' });
      const accepted = (await api.call('/v1/tokens', { method: 'POST', as: 'ada', json: { name, role: 'auditor' } })).status === 201;
      assert.equal(documented, accepted, `name ${JSON.stringify(name)}: the document ${documented ? 'allows' : 'refuses'} it, the server ${accepted ? 'accepts' : 'refuses'} it`);
    }
    // What the document cannot say: a well-formed name of nobody registered is refused, naming $.name.
    assert.equal(ajv.validate(schema, { name: 'nobody', role: 'auditor' }), true);
    const r = await api.call('/v1/tokens', { method: 'POST', as: 'ada', json: { name: 'nobody', role: 'auditor' } });
    assert.equal(r.status, 400);
    assert.deepEqual(((await r.json()) as Json).errors.map((e: Json) => e.path), ['$.name']);
  });

  /** Checks a JSON answer against the schema the document declares for its status, and returns its body. */
  function checker() {
    const ajv = new Ajv2020.default({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema({ $id: 'doc', components: doc.components });
    return async (res: Response, path: string, method: string) => {
      const spec = doc.paths[path][method].responses[String(res.status)];
      assert.ok(spec, `${method} ${path} declares ${res.status}`);
      const [type, media] = Object.entries(spec.content as Json)[0]!;
      assert.equal(res.headers.get('content-type')!.split(';')[0], type);
      const schema = JSON.parse(JSON.stringify(media.schema).replaceAll('"#/components/', '"doc#/components/'));
      const body = await res.json();
      assert.ok(ajv.validate(schema, body), `${method} ${path} ${res.status}: ${ajv.errorsText()}`);
      return body as Json;
    };
  }

  it('describes the answers about an order\'s derived artifacts at vendors: plan.derived, staging, attaching, dispositions', async () => {
    const check = checker();
    const copy = { name: 'openapi-vendor-copy', kind: 'vendor-copy', description: 'd', location: { vendor: 'OpenAPI Vendor', description: 'v' }, inputs: [{ scope: { backend: 'photos', scope: { include: ['users/**'] } } }] };
    await check(await api.call('/v1/artifacts', { method: 'POST', json: copy }), '/v1/artifacts', 'post');
    const created = await check(await api.call('/v1/orders', { method: 'POST', json: { ...(demoOrder('photos') as object), includeDerived: true } }), '/v1/orders', 'post');
    await api.call(`/v1/orders/${created.id}/plan`, { method: 'POST' });
    await waitForState(api, created.id, ['planned']);
    const planned = await check(await api.call(`/v1/orders/${created.id}`), '/v1/orders/{id}', 'get');
    assert.deepEqual(planned.plan.derived.map((a: Json) => [a.artifact, a.location.vendor, a.vendorCertificate, a.disposition]), [[copy.name, 'OpenAPI Vendor', null, null]]);
    const base = `/v1/orders/${created.id}/derived/${copy.name}`;
    const upload = '/v1/orders/{id}/derived/{artifact}/vendor-bundle/{file}';
    const octets = (body: string, type = 'application/octet-stream') => ({ method: 'PUT', body, headers: { 'content-type': type } });
    const staged = await check(await api.call(`${base}/vendor-bundle/trust.json`, octets('{}')), upload, 'put');
    assert.deepEqual(staged.staged, ['trust.json']);
    await check(await api.call(`${base}/vendor-bundle/notes.txt`, octets('{}')), upload, 'put');
    await check(await api.call(`${base}/vendor-bundle/trust.json`, octets('{}', 'application/json')), upload, 'put');
    await check(await api.call(`/v1/orders/${created.id}/derived/nothing/vendor-bundle/trust.json`, octets('{}')), upload, 'put');
    const attach = '/v1/orders/{id}/derived/{artifact}/vendor-certificate';
    await check(await api.call(`${base}/vendor-certificate`, { method: 'POST' }), attach, 'post');
    await check(await api.call(`${base}/vendor-certificate`, { method: 'POST', json: { extra: 1 } }), attach, 'post');
    const dispose = '/v1/orders/{id}/derived/{artifact}/disposition';
    const why = 'kept under contract';
    const s = signDisposition(personSigner('bob'), { orderId: planned.id, orderSha256: planned.documentSha256, artifact: copy.name, disposition: 'retained-with-justification', justification: why }, { person: 'bob', signedAt: new Date().toISOString() });
    const body = { disposition: 'retained-with-justification', justification: why, signature: { keyid: s.keyid, signedAt: s.signedAt, signature: s.signature } };
    await check(await api.call(`${base}/disposition`, { method: 'POST', as: 'bob', json: { ...body, justification: undefined } }), dispose, 'post');
    await check(await api.call(`${base}/disposition`, { method: 'POST', as: 'bob', json: { ...body, justification: 'another reason' } }), dispose, 'post');
    const decided = await check(await api.call(`${base}/disposition`, { method: 'POST', as: 'bob', json: body }), dispose, 'post');
    assert.equal(decided.plan.derived[0].disposition.justification, why);
    await check(await api.call(`/v1/orders/${created.id}/vendors/${copy.name}/trust.json`), '/v1/orders/{id}/vendors/{artifact}/{file}', 'get');
    // A vendor's file is served as it is: bytes, not JSON.
    assert.deepEqual(Object.keys(doc.paths['/v1/orders/{id}/vendors/{artifact}/{file}'].get.responses['200'].content), ['application/octet-stream']);
    await check(await api.call(`/v1/orders/${created.id}/cancel`, { method: 'POST', json: { reason: 'only for the document' } }), '/v1/orders/{id}/cancel', 'post');
  });

  it('describes real responses: a live order\'s answers validate against their declared schemas', async () => {
    const check = checker();
    const created = await check(await api.call('/v1/orders', { method: 'POST', json: demoOrder('photos') }), '/v1/orders', 'post');
    await check(await api.call('/v1/orders', { method: 'POST', json: { reference: 1 } }), '/v1/orders', 'post');
    await check(await api.call(`/v1/orders/${created.id}/plan`, { method: 'POST' }), '/v1/orders/{id}/plan', 'post');
    const planned = (await waitForState(api, created.id, ['planned'])) as Json & Parameters<typeof approvalBody>[0];
    await check(await api.call(`/v1/orders/${created.id}/approve`, { method: 'POST', as: 'alice', json: approvalBody(planned, 'alice') }), '/v1/orders/{id}/approve', 'post');
    await check(await api.call(`/v1/orders/${created.id}/approve`, { method: 'POST', as: 'aliceApprover', json: approvalBody(planned, 'alice') }), '/v1/orders/{id}/approve', 'post');
    await check(await api.call(`/v1/orders/${created.id}/sign-plan`, { method: 'POST', as: 'olga', json: signPlanBody(planned, 'olga') }), '/v1/orders/{id}/sign-plan', 'post');
    const signed = await check(await api.call(`/v1/orders/${created.id}/sign-plan`, { method: 'POST', json: signPlanBody(planned, 'alice') }), '/v1/orders/{id}/sign-plan', 'post');
    assert.deepEqual(signed.signatures.map((a: Json) => `${a.role} ${a.person}`), ['performer alice']);
    await check(await api.call(`/v1/orders/${created.id}/approve`, { method: 'POST', as: 'bob', json: approvalBody(planned, 'bob', 'ab'.repeat(32)) }), '/v1/orders/{id}/approve', 'post');
    const approved = await check(await api.call(`/v1/orders/${created.id}/approve`, { method: 'POST', as: 'bob', json: approvalBody(planned, 'bob') }), '/v1/orders/{id}/approve', 'post');
    assert.deepEqual(approved.signatures.map((a: Json) => `${a.role} ${a.person}`), ['performer alice', 'approver bob']);
    await check(await api.call(`/v1/orders/${created.id}/execute`, { method: 'POST' }), '/v1/orders/{id}/execute', 'post');
    await waitForState(api, created.id, ['certified']);
    await check(await api.call(`/v1/orders/${created.id}`), '/v1/orders/{id}', 'get');
    await check(await api.call('/v1/orders?limit=1'), '/v1/orders', 'get');
    await check(await api.call(`/v1/orders/${created.id}/progress`), '/v1/orders/{id}/progress', 'get');
    await check(await api.call(`/v1/orders/${created.id}/history`), '/v1/orders/{id}/history', 'get');
    await check(await api.call(`/v1/orders/${created.id}/certificate`), '/v1/orders/{id}/certificate', 'get');
    await check(await api.call(`/v1/orders/${created.id}/proof?leafIndex=0`), '/v1/orders/{id}/proof', 'get');
    await check(await api.call(`/v1/orders/${created.id}/proof?sha256=${'0'.repeat(64)}`), '/v1/orders/{id}/proof', 'get');
    await check(await fetch(`${api.url}/v1/keys`), '/v1/keys', 'get');
    await check(await api.call('/v1/audit?limit=5', { as: 'audrey' }), '/v1/audit', 'get');
    await check(await api.call('/v1/audit/verify', { as: 'audrey' }), '/v1/audit/verify', 'get');
    await check(await api.call('/v1/tokens', { as: 'ada' }), '/v1/tokens', 'get');
    addPerson(api.runtime.deps, { name: 'new', roles: ['auditor'] }, 'test');
    await check(await api.call('/v1/tokens', { method: 'POST', as: 'ada', json: { name: 'new', role: 'auditor' } }), '/v1/tokens', 'post');
    await check(await api.call('/v1/tokens', { method: 'POST', as: 'ada', json: { name: 'made-up', role: 'approver' } }), '/v1/tokens', 'post');
    await check(await api.call('/v1/tokens', { as: 'bob' }), '/v1/tokens', 'get');
    const me = await check(await api.call('/v1/whoami', { as: 'bob' }), '/v1/whoami', 'get');
    assert.equal(me.person.keys.length, 1);
    await check(await fetch(`${api.url}/v1/whoami`), '/v1/whoami', 'get');
    const people = await check(await api.call('/v1/people', { as: 'audrey' }), '/v1/people', 'get');
    assert.ok(people.keys.length >= 5);
    await check(await api.call('/v1/people', { as: 'bob' }), '/v1/people', 'get');
    await check(await fetch(`${api.url}/readyz`), '/readyz', 'get');

    // The lineage registry: JSON answers, and a manifest that goes up and comes back as NDJSON.
    const entries = [{ backend: 'photos', locator: 'users/u-1/photo-1.jpg', sha256: 'b'.repeat(64) }];
    const lines = entries.map((e) => `${manifestLine(e)}\n`).join('');
    const artifact = { name: 'openapi-model', kind: 'model', description: 'd', location: { backend: 'photos', scope: { include: ['models/**'] } }, inputs: [{ manifest: manifestTree(entries) }] };
    await check(await api.call('/v1/artifacts', { method: 'POST', json: artifact }), '/v1/artifacts', 'post');
    await check(await api.call('/v1/artifacts', { method: 'POST', json: artifact }), '/v1/artifacts', 'post');
    await check(await api.call('/v1/artifacts', { method: 'POST', json: { ...artifact, name: 'openapi-tuned', inputs: [{ artifact: 'openapi-model' }] } }), '/v1/artifacts', 'post');
    await check(await api.call('/v1/artifacts?limit=1'), '/v1/artifacts', 'get');
    await check(await api.call('/v1/artifacts/openapi-model'), '/v1/artifacts/{name}', 'get');
    await check(await api.call('/v1/artifacts/nothing'), '/v1/artifacts/{name}', 'get');
    const ndjson = (body: string, type = 'application/x-ndjson') => ({ method: 'PUT', body, headers: { 'content-type': type } });
    await check(await api.call('/v1/artifacts/openapi-model/manifest', ndjson('{}\n')), '/v1/artifacts/{name}/manifest', 'put');
    await check(await api.call('/v1/artifacts/openapi-model/manifest', ndjson(lines + lines)), '/v1/artifacts/{name}/manifest', 'put');
    await check(await api.call('/v1/artifacts/openapi-model/manifest', ndjson(lines, 'application/json')), '/v1/artifacts/{name}/manifest', 'put');
    await check(await api.call('/v1/artifacts/openapi-model/manifest', { method: 'GET' }), '/v1/artifacts/{name}/manifest', 'get');
    const stored = await check(await api.call('/v1/artifacts/openapi-model/manifest', ndjson(lines)), '/v1/artifacts/{name}/manifest', 'put');
    assert.ok(stored.manifest.uploadedAt);
    const back = await api.call('/v1/artifacts/openapi-model/manifest');
    assert.ok(doc.paths['/v1/artifacts/{name}/manifest'].get.responses['200'].content[back.headers.get('content-type')!]);
    assert.equal(await back.text(), lines);
  });

  it('documents the upload of a vendor\'s bundle file as a streamed body of bytes, not JSON', () => {
    const put = doc.paths['/v1/orders/{id}/derived/{artifact}/vendor-bundle/{file}'].put;
    assert.deepEqual(Object.keys(put.requestBody.content), ['application/octet-stream']);
    assert.equal(put.requestBody.required, true);
    // {file} is a path in the bundle (vendors/<artifact>/... for the vendor's own vendors), one URL segment with its / as %2F.
    const file = put.parameters.find((p: Json) => p.name === 'file');
    assert.deepEqual([file.in, file.required, file.schema.type, file.schema.pattern], ['path', true, 'string', VENDOR_BUNDLE_PATH_PATTERN]);
    for (const f of VENDOR_BUNDLE_FILES) assert.ok(new RegExp(file.schema.pattern).test(f) && new RegExp(file.schema.pattern).test(`vendors/acme/${f}`), f);
    assert.match(file.description, /%2F/);
    assert.deepEqual(Object.keys(put.responses).sort(), ['200', '400', '401', '403', '404', '409', '413', '415', '429']);
  });

  it('documents {file} of a vendor\'s file served as the upload\'s: a path in the bundle, one URL segment with its / as %2F', () => {
    const get = doc.paths['/v1/orders/{id}/vendors/{artifact}/{file}'].get;
    const file = get.parameters.find((p: Json) => p.name === 'file');
    const upload = doc.paths['/v1/orders/{id}/derived/{artifact}/vendor-bundle/{file}'].put.parameters.find((p: Json) => p.name === 'file');
    assert.deepEqual([file.in, file.required, file.schema.type, file.schema.pattern], ['path', true, 'string', VENDOR_BUNDLE_PATH_PATTERN]);
    assert.equal(file.schema.pattern, upload.schema.pattern);
    assert.ok(new RegExp(file.schema.pattern).test('vendors/acme/vendors/beta/records.ndjson'));
    assert.match(file.description, /%2F/);
    assert.deepEqual(Object.keys(get.responses).sort(), ['200', '400', '401', '404', '429']);
  });

  it('documents the manifest upload as a streamed NDJSON body, not JSON', () => {
    const put = doc.paths['/v1/artifacts/{name}/manifest'].put;
    assert.deepEqual(Object.keys(put.requestBody.content), ['application/x-ndjson']);
    assert.equal(put.requestBody.required, true);
    assert.equal(put.requestBody.content['application/x-ndjson'].schema.type, 'string');
    assert.match(put.requestBody.content['application/x-ndjson'].example, /^\{"backend":"photos","locator":"[^"]+","sha256":"[0-9a-f]{64}"\}\n$/);
    assert.deepEqual(Object.keys(put.responses).sort(), ['200', '400', '401', '403', '404', '409', '413', '415', '429']);
    // Every other write still takes JSON.
    for (const methods of Object.values(doc.paths as Json)) {
      for (const [method, op] of Object.entries(methods as Json)) {
        if (op.requestBody && !['uploadArtifactManifest', 'uploadVendorBundleFile'].includes(op.operationId)) assert.deepEqual(Object.keys(op.requestBody.content), ['application/json'], `${method} ${op.operationId}`);
      }
    }
  });

  it('has a readable docs page whose assets are served locally', async () => {
    const page = await fetch(`${api.url}/docs`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /swagger-ui-bundle\.js/);
    assert.doesNotMatch(html, /https?:\/\//, 'no external assets');
    for (const asset of ['/docs/assets/swagger-ui-bundle.js', '/docs/assets/swagger-ui.css', '/docs/init.js']) {
      const r = await fetch(api.url + asset);
      assert.equal(r.status, 200, asset);
      assert.ok((await r.arrayBuffer()).byteLength > 10, asset);
    }
    const missing = await fetch(`${api.url}/docs/assets/nothing.js`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as Json).code, 'NOT_FOUND');
  });
});
