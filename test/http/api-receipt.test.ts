// GET /v1/orders/{id}/receipt (issue 18, item 3) on a real order run through
// the engine: the auditor's receipt for one person names their destroyed and
// held photos and one the certificate does not know, in the documented
// shape (the OpenAPI schema), each proof verifying alone with `shredproof
// verify --proof`; its bytes hold no other entry's locator, hash or salt;
// it equals what `shredproof receipt` makes from the fetched bundle; only
// the auditor may ask; bad input is 400 naming the field.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { publicKeyToPem } from '../../packages/verify/src/core/index.js';
import { executeDemoOrder } from '../helpers/engine-harness.js';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.js';
import { runCli } from '../helpers/run-cli.js';

type Json = Record<string, any>;

describe('GET /v1/orders/{id}/receipt', { timeout: 180_000 }, () => {
  let api: ApiHarness;
  let id: string;
  /** Every line of the certificate's records and lists, parsed. */
  let entries: Array<{ locator: string; sha256?: string; salt: string; target: string }>;
  const out = mkdtempSync(join(tmpdir(), 'sp-receipt-http-'));

  before(async () => {
    api = await startApiHarness({ objects: 60, batchSize: 25 });
    id = await executeDemoOrder(api);
    assert.match((await api.runtime.coordinator.waitFor(id)).state, /^certified/);
    const dir = dirname(api.runtime.deps.ledger.certificate(id)!.recordsPath);
    entries = ['records', 'retained', 'exceptions', 'rescan'].flatMap((f) =>
      readFileSync(join(dir, `${f}.ndjson`), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)),
    );
  });
  after(async () => {
    await api?.close();
    rmSync(out, { recursive: true, force: true });
  });

  /** The person: two of their destroyed photos and their photo under the hold. */
  const pick = () => {
    const inScope = [...api.dataset.inScope.entries()];
    const held = [...api.dataset.held.entries()][0]!;
    return { a: inScope[3]!, b: inScope[4]!, held };
  };
  const query = (p: ReturnType<typeof pick>) =>
    `locator=${encodeURIComponent(p.a[0])}&locator=${encodeURIComponent(`photos:${p.b[0]}`)}&locator=${encodeURIComponent('users/nobody/photo.jpg')}&sha256=${p.held[1]}`;

  it('answers the auditor with the documented receipt: each object\'s fate and a proof that verifies alone; nobody else in its bytes', async () => {
    const p = pick();
    const r = await api.call(`/v1/orders/${id}/receipt?${query(p)}`, { as: 'audrey' });
    assert.equal(r.status, 200, await r.clone().text());
    const text = await r.text();
    const body = JSON.parse(text) as Json;
    // The shape the OpenAPI document declares.
    const doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as Json;
    const ajv = new Ajv2020.default({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema({ $id: 'doc', components: doc.components });
    const schema = JSON.parse(JSON.stringify(doc.paths['/v1/orders/{id}/receipt'].get.responses['200'].content['application/json'].schema).replaceAll('"#/components/', '"doc#/components/'));
    assert.ok(ajv.validate(schema, body), ajv.errorsText());
    assert.equal(body.type, 'shredproof.receipt');
    assert.equal(body.certificateId, api.runtime.deps.ledger.certificate(id)!.certificateId);
    assert.deepEqual(
      body.objects.map((o: Json) => [o.query, o.status, o.proof ? JSON.parse(o.proof.entry).locator : null]),
      [
        [{ locator: p.a[0] }, 'destroyed', p.a[0]],
        [{ locator: `photos:${p.b[0]}` }, 'destroyed', p.b[0]],
        [{ locator: 'users/nobody/photo.jpg' }, 'not-in-certificate', null],
        [{ sha256: p.held[1] }, 'retained', p.held[0]],
      ],
    );
    assert.equal(JSON.parse(body.objects[0].proof.entry).sha256, p.a[1]);
    // Each proof out of the receipt, through `shredproof verify --proof`, pinned by the server's key id.
    const pem = join(out, 'key.pem');
    writeFileSync(pem, publicKeyToPem(api.runtime.deps.signer.publicKey));
    for (const [k, o] of (body.objects as Json[]).entries()) {
      for (const proof of [o.proof, o.rescan].filter(Boolean)) {
        const f = join(out, `proof-${k}-${proof.list}.json`);
        writeFileSync(f, JSON.stringify(proof));
        const v = await runCli('verify', '--proof', f, '--public-key', pem, '--keyid', api.runtime.deps.signer.keyid);
        assert.equal(v.code, 0, v.stdout + v.stderr);
        assert.match(v.stdout, /^VALID /);
      }
    }
    // Byte for byte: no other entry's locator, content hash or salt.
    const own = new Set([p.a[0], p.b[0], p.held[0]]);
    const others = entries.filter((e) => !own.has(e.locator));
    assert.ok(others.length > 50, `${others.length} other entries`);
    for (const e of others) for (const s of [e.locator, e.sha256, e.salt]) if (s !== undefined) assert.ok(!text.includes(s), `the receipt holds ${s} of ${e.target}:${e.locator}`);
    for (const s of [p.a[0], p.a[1]]) assert.ok(text.includes(s), `the search finds what is there: ${s}`);
  });

  it('is what `shredproof receipt` makes from the fetched bundle', async () => {
    const p = pick();
    const bundle = join(out, 'bundle');
    writeFileSync(join(out, 'audrey.token'), api.tokens.audrey, { mode: 0o600 });
    const f = await runCli('order', 'fetch', id, '--out', bundle, '--server', api.url, '--token-file', join(out, 'audrey.token'));
    assert.equal(f.code, 0, f.stdout + f.stderr);
    const file = join(out, 'cli.json');
    const r = await runCli('receipt', '--bundle', bundle, '--locator', p.a[0], '--locator', `photos:${p.b[0]}`, '--locator', 'users/nobody/photo.jpg', '--sha256', p.held[1], '--out', file, '--keyid', api.runtime.deps.signer.keyid);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const answer = await api.call(`/v1/orders/${id}/receipt?${query(p)}`, { as: 'audrey' });
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), await answer.json());
  });

  it('only for the auditor: 403 for the other roles, 401 without a token', async () => {
    const p = pick();
    for (const who of ['alice', 'bob', 'ada'] as const) {
      const r = await api.call(`/v1/orders/${id}/receipt?${query(p)}`, { as: who });
      assert.equal(r.status, 403, who);
      assert.equal(((await r.json()) as Json).code, 'FORBIDDEN');
    }
    assert.equal((await api.call(`/v1/orders/${id}/receipt?${query(p)}`, { as: null })).status, 401);
  });

  it('bad input is 400 naming the field; an unknown order is 404', async () => {
    const sha = 'a'.repeat(64);
    const cases: Array<[string, string[]]> = [
      ['', ['$.locator']],
      [`sha256=${sha}&sha256=xyz`, ['$.sha256[1]']],
      [`sha256=${sha.toUpperCase()}`, ['$.sha256[0]']],
      ['locator=', ['$.locator[0]']],
      [`locator=a.jpg&file=me.jpg`, ['$.file']],
      [Array.from({ length: 101 }, (_, i) => `locator=u/${i}.jpg`).join('&'), ['$.locator']],
      [[...Array.from({ length: 60 }, (_, i) => `locator=u/${i}.jpg`), ...Array.from({ length: 41 }, () => `sha256=${sha}`)].join('&'), ['$.sha256']],
    ];
    for (const [q, paths] of cases) {
      const r = await api.call(`/v1/orders/${id}/receipt?${q}`, { as: 'audrey' });
      assert.equal(r.status, 400, q.slice(0, 80));
      assert.equal(r.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      const problem = (await r.json()) as Json;
      assert.equal(problem.code, 'INVALID_REQUEST');
      assert.deepEqual(problem.errors.map((e: Json) => [e.in, e.path]), paths.map((path) => ['query', path]), q.slice(0, 80));
    }
    const many = (await (await api.call(`/v1/orders/${id}/receipt?${cases[5]![0]}`, { as: 'audrey' })).json()) as Json;
    assert.match(many.errors[0].problem, /100/);
    const missing = await api.call('/v1/orders/ord-00000000-0000-4000-8000-000000000000/receipt?locator=a.jpg', { as: 'audrey' });
    assert.equal(missing.status, 404);
  });
});
