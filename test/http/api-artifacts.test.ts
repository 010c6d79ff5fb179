// The lineage registry through the HTTP API (src/http/routes/artifacts.ts),
// against a real server, ledger and files: registration with each kind of
// input and location; every refusal names its fields and changes nothing;
// manifests uploaded as streamed NDJSON are stored only when they are the
// tree that was registered (computed here by a naive RFC 6962 reference, over
// lines written by hand and hashes of the dataset's own files), and come back
// byte for byte; content type, size limits and 100-continue; roles; audit.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { createApiContext, DEFAULT_HTTP } from '../../src/http/context.js';
import { createHttpServer } from '../../src/http/http-server.js';
import { problemHandler } from '../../src/http/problem.js';
import { mount } from '../../src/http/route.js';
import { artifactRoutes, MANIFEST_LIMIT_BYTES } from '../../src/http/routes/artifacts.js';
import { silentLogger } from '../../src/log.js';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.js';
import { problem } from './problem-check.js';

type Json = Record<string, any>;
interface Entry {
  backend: string;
  locator: string;
  sha256: string;
}

/** The manifest line, written out by hand: the members in RFC 8785 order, ASCII strings need no escaping. */
const line = (e: Entry) => `{"backend":"${e.backend}","locator":"${e.locator}","sha256":"${e.sha256}"}`;
const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();

/** RFC 6962 section 2.1, naively: MTH of the lines (each without its newline). */
function referenceTree(lines: string[]): { treeSize: number; rootHash: string } {
  const mth = (leaves: Buffer[]): Buffer => {
    if (leaves.length === 1) return sha(Buffer.from([0]), leaves[0]!);
    let k = 1;
    while (k * 2 < leaves.length) k *= 2;
    return sha(Buffer.from([1]), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
  };
  return { treeSize: lines.length, rootHash: mth(lines.map((l) => Buffer.from(l, 'utf8'))).toString('hex') };
}

const ndjson = (lines: string[]) => lines.map((l) => `${l}\n`).join('');

describe('HTTP API: the lineage registry', () => {
  let api: ApiHarness;
  /** The dataset's photos of users, sorted, with the hashes the dataset computed when it wrote them. */
  let photos: Entry[];
  let photoLines: string[];
  let tree: { treeSize: number; rootHash: string };

  const register = (body: unknown, as: keyof ApiHarness['tokens'] = 'alice') => api.call('/v1/artifacts', { method: 'POST', as, json: body });
  const put = (name: string, body: string | Uint8Array, init: { as?: keyof ApiHarness['tokens']; type?: string | null } = {}) =>
    api.call(`/v1/artifacts/${name}/manifest`, { method: 'PUT', as: init.as ?? 'alice', body: typeof body === 'string' ? body : new Uint8Array(body), headers: init.type === null ? {} : { 'content-type': init.type ?? 'application/x-ndjson' } });
  const names = async () => (((await (await api.call('/v1/artifacts?limit=500', { as: 'audrey' })).json()) as Json).artifacts as Json[]).map((a) => a.name);
  const auditActions = () => api.runtime.deps.ledger.access.audit({ limit: 100_000 }).map((e) => `${e.action} ${e.status ?? ''}`.trim());
  const model = (name: string, manifest: { treeSize: number; rootHash: string }) => ({
    name,
    kind: 'model',
    description: `${name}, trained on the users' photos`,
    location: { backend: 'photos', scope: { include: [`models/${name}/**`] } },
    inputs: [{ manifest }],
  });

  before(async () => {
    api = await startApiHarness({ objects: 40, worker: false, coordinator: false });
    const all = new Map([...api.dataset.inScope, ...api.dataset.held]);
    photos = [...all.keys()].sort().map((locator) => ({ backend: 'photos', locator, sha256: all.get(locator)! }));
    photoLines = photos.map(line);
    tree = referenceTree(photoLines);
  });
  after(async () => api?.close());

  it('registers an artifact derived from a manifest: 201, Location, the artifact as registered, not yet uploaded', async () => {
    const r = await register(model('face-model-v1', tree));
    const body = (await r.json()) as Json;
    assert.equal(r.status, 201, JSON.stringify(body));
    assert.equal(r.headers.get('location'), '/v1/artifacts/face-model-v1');
    assert.deepEqual({ ...body, registeredAt: 'T' }, { ...model('face-model-v1', tree), registeredAt: 'T', registeredBy: 'alice', manifest: { ...tree, uploadedAt: null } });
    assert.ok(Math.abs(Date.parse(body.registeredAt) - Date.now()) < 60_000);
  });

  it('registers from a dataset scope, from another artifact, and at a vendor; the lineage reads both ways', async () => {
    const embeddings = { name: 'face-embeddings', kind: 'embeddings', description: 'face embeddings of every photo', location: { backend: 'photos', scope: { include: ['embeddings/**'] } }, inputs: [{ scope: { backend: 'photos', scope: { include: ['users/**'] } } }] };
    const tuned = { name: 'face-model-v1.1', kind: 'model', description: 'fine-tuned from face-model-v1', location: { backend: 'photos', scope: { include: ['models/v1.1/**'] } }, inputs: [{ artifact: 'face-model-v1' }] };
    const vendor = { name: 'acme-copy', kind: 'vendor-copy', description: 'the embeddings as sent to Acme', location: { vendor: 'Acme Analytics', description: 'their bucket acme-eu/faces' }, inputs: [{ artifact: 'face-embeddings' }, { artifact: 'face-model-v1.1' }] };
    for (const doc of [embeddings, tuned, vendor]) {
      const r = await register(doc);
      const body = (await r.json()) as Json;
      assert.equal(r.status, 201, JSON.stringify(body));
      assert.deepEqual([body.location, body.inputs, body.manifest], [doc.location, doc.inputs, null]);
    }
    const lineage = async (name: string) => (await (await api.call(`/v1/artifacts/${name}`, { as: 'audrey' })).json()) as Json;
    assert.deepEqual([(await lineage('face-model-v1')).derivedFrom, (await lineage('face-model-v1')).usedBy], [[], ['face-model-v1.1']]);
    const t = await lineage('face-model-v1.1');
    assert.deepEqual([t.artifact.name, t.derivedFrom, t.usedBy], ['face-model-v1.1', ['face-model-v1'], ['acme-copy']]);
    assert.deepEqual((await lineage('acme-copy')).derivedFrom, ['face-embeddings', 'face-model-v1.1']);
    await problem(await api.call('/v1/artifacts/no-such-thing', { as: 'audrey' }), 404, 'NOT_FOUND');
    await problem(await api.call('/v1/artifacts/Not%20A%20Name', { as: 'audrey' }), 400, 'INVALID_REQUEST');
  });

  it('lists in order of registration, a page at a time', async () => {
    const first = (await (await api.call('/v1/artifacts?limit=3', { as: 'bob' })).json()) as Json;
    assert.deepEqual(first.artifacts.map((a: Json) => a.name), ['face-model-v1', 'face-embeddings', 'face-model-v1.1']);
    assert.equal(first.nextCursor, '3');
    const rest = (await (await api.call(`/v1/artifacts?limit=3&cursor=${first.nextCursor}`, { as: 'bob' })).json()) as Json;
    assert.deepEqual([rest.artifacts.map((a: Json) => a.name), rest.nextCursor], [['acme-copy'], null]);
    await problem(await api.call('/v1/artifacts?cursor=x', { as: 'bob' }), 400, 'INVALID_REQUEST');
  });

  it('refuses a malformed registration naming every field, and changes nothing', async () => {
    const before = [await names(), auditActions().filter((a) => a === 'artifact.register').length];
    const r = await register({ name: 'Face Model', kind: 'weights', description: ' ', location: { backend: 'photos' }, inputs: [], extra: 1 });
    const p = await problem(r, 400, 'INVALID_REQUEST');
    const paths = new Set(p.errors.map((e: Json) => e.path));
    for (const path of ['$.name', '$.kind', '$.description', '$.location', '$.inputs', '$.extra']) assert.ok(paths.has(path), `${path} in ${[...paths].join(', ')}`);
    assert.deepEqual([await names(), auditActions().filter((a) => a === 'artifact.register').length], before);
  });

  it('refuses every broken rule at once: unknown backend, bad scope, unknown input, self-reference, two manifests, a repeated input; nothing changes', async () => {
    const before = [await names(), auditActions().filter((a) => a === 'artifact.register').length];
    const r = await register({
      name: 'bad-one',
      kind: 'cache',
      description: 'refused',
      location: { backend: 'nope', scope: { include: ['x/**'] } },
      inputs: [
        { artifact: 'bad-one' },
        { artifact: 'ghost' },
        { scope: { backend: 'photos', scope: { include: 'users/**' } } },
        { manifest: tree },
        { manifest: { treeSize: 1, rootHash: 'a'.repeat(64) } },
        { artifact: 'face-model-v1' },
        { artifact: 'face-model-v1' },
      ],
    });
    const p = await problem(r, 400, 'INVALID_REQUEST');
    const paths: string[] = p.errors.map((e: Json) => e.path);
    for (const path of ['$.location.backend', '$.inputs[0].artifact', '$.inputs[1].artifact', '$.inputs[4].manifest', '$.inputs[6]']) assert.ok(paths.includes(path), `${path} in ${paths.join(', ')}`);
    assert.ok(paths.includes('$.inputs[2].scope.scope.include'), `the backend names the bad scope's field: ${paths.join(', ')}`);
    assert.match(p.errors.find((e: Json) => e.path === '$.inputs[0].artifact').problem, /cycle/);
    assert.ok(!paths.some((x) => /^\$\.inputs\[(3|5)\]/.test(x)), `the good inputs are not named: ${paths.join(', ')}`);
    // A name that is taken: an artifact is never replaced.
    const taken = await problem(await register({ ...model('face-model-v1', tree), description: 'another' }), 400, 'INVALID_REQUEST');
    assert.deepEqual(taken.errors.map((e: Json) => e.path), ['$.name']);
    assert.deepEqual([await names(), auditActions().filter((a) => a === 'artifact.register').length], before);
    assert.equal(((await (await api.call('/v1/artifacts/face-model-v1', { as: 'audrey' })).json()) as Json).artifact.description, "face-model-v1, trained on the users' photos");
  });

  it('stores the manifest only when it is the tree registered; a wrong count or root is 409 MANIFEST_MISMATCH and stores nothing', async () => {
    const stored = () => api.runtime.deps.ledger.artifacts.manifestEntries('face-model-v1', { limit: 100_000 });
    const short = await problem(await put('face-model-v1', ndjson(photoLines.slice(1))), 409, 'MANIFEST_MISMATCH');
    assert.match(short.detail, new RegExp(`${photoLines.length - 1} lines .* registered with ${photoLines.length} lines`));
    const forged = [...photoLines];
    forged[3] = line({ ...photos[3]!, sha256: createHash('sha256').update('other bytes').digest('hex') });
    await problem(await put('face-model-v1', ndjson(forged)), 409, 'MANIFEST_MISMATCH');
    const reordered = [photoLines[1]!, photoLines[0]!, ...photoLines.slice(2)];
    await problem(await put('face-model-v1', ndjson(reordered)), 409, 'MANIFEST_MISMATCH');
    assert.deepEqual(stored(), []);
    await problem(await api.call('/v1/artifacts/face-model-v1/manifest', { as: 'audrey' }), 404, 'NOT_FOUND');
    assert.equal(((await (await api.call('/v1/artifacts/face-model-v1', { as: 'audrey' })).json()) as Json).artifact.manifest.uploadedAt, null);

    const r = await put('face-model-v1', ndjson(photoLines));
    const body = (await r.json()) as Json;
    assert.equal(r.status, 200, JSON.stringify(body));
    assert.deepEqual([body.manifest.treeSize, body.manifest.rootHash], [tree.treeSize, tree.rootHash]);
    assert.ok(body.manifest.uploadedAt);
    assert.deepEqual(stored().map(({ index, ...e }) => [index, e]), photos.map((e, i) => [i, e]));
    // An artifact registered without a manifest takes none.
    await problem(await put('face-embeddings', ndjson(photoLines)), 409, 'MANIFEST_MISMATCH');
    await problem(await put('no-such-thing', ndjson(photoLines)), 404, 'NOT_FOUND');
  });

  it('sends the manifest back byte for byte, as NDJSON, to every role', async () => {
    for (const who of ['audrey', 'bob', 'olga', 'ada'] as const) {
      const r = await api.call('/v1/artifacts/face-model-v1/manifest', { as: who });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-type'), 'application/x-ndjson');
      assert.equal(await r.text(), ndjson(photoLines));
    }
    await problem(await api.call('/v1/artifacts/face-embeddings/manifest', { as: 'audrey' }), 404, 'NOT_FOUND');
  });

  it('refuses a line that is not canonical, naming it, and stores nothing', async () => {
    assert.equal((await register(model('face-model-v2', tree))).status, 201);
    const cases: Array<[string, string]> = [
      [`{"locator":"${photos[2]!.locator}","backend":"photos","sha256":"${photos[2]!.sha256}"}`, 'canonical'],
      [line(photos[2]!).replace(',', ', '), 'canonical'],
      [line(photos[2]!) + '\r', 'canonical'],
      [line({ ...photos[2]!, sha256: photos[2]!.sha256.toUpperCase() }), 'sha256'],
      [`{"backend":"photos","locator":"${photos[2]!.locator}"}`, 'members'],
      ['not json', 'JSON'],
    ];
    for (const [bad, why] of cases) {
      const lines = [...photoLines];
      lines[2] = bad;
      const p = await problem(await put('face-model-v2', ndjson(lines)), 400, 'INVALID_REQUEST');
      assert.deepEqual(p.errors.map((e: Json) => [e.in, e.path]), [['body', 'line 2']], bad);
      assert.match(p.errors[0].problem, new RegExp(why), bad);
    }
    // Not UTF-8, and a line without end: refused while they stream, naming the line.
    const latin1 = Buffer.concat([Buffer.from(ndjson(photoLines.slice(0, 4))), Buffer.from([0x7b, 0xe9, 0x7d, 0x0a])]);
    assert.deepEqual((await problem(await put('face-model-v2', latin1), 400, 'INVALID_REQUEST')).errors.map((e: Json) => [e.path, e.problem]), [['line 4', 'is not valid UTF-8']]);
    // A body still being sent (chunked, never ended): refused once 64 KiB of a line came; the rest is not waited for.
    const endless = await new Promise<{ status: number; connection: string | undefined; text: string }>((resolve, reject) => {
      const req = httpRequest(`${api.url}/v1/artifacts/face-model-v2/manifest`, { method: 'PUT', headers: { authorization: `Bearer ${api.tokens.alice}`, 'content-type': 'application/x-ndjson' } });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, text }));
      });
      req.on('error', reject);
      req.write(`${ndjson(photoLines.slice(0, 1))}${'x'.repeat(70_000)}`);
    });
    assert.equal(endless.status, 400, endless.text);
    assert.deepEqual(JSON.parse(endless.text).errors.map((e: Json) => [e.path, e.problem]), [['line 1', 'longer than 65536 bytes']]);
    assert.equal(endless.connection, 'close', 'the rest of a refused body is not read');
    assert.deepEqual(api.runtime.deps.ledger.artifacts.manifestEntries('face-model-v2'), []);
  });

  it('takes only application/x-ndjson (415), and a manifest can be sent again; blank lines and no final newline are fine', async () => {
    await problem(await put('face-model-v2', ndjson(photoLines), { type: 'application/json' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    await problem(await put('face-model-v2', ndjson(photoLines), { type: 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    await problem(await put('face-model-v2', ndjson(photoLines), { type: null }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    const loose = `\n${photoLines.slice(0, 5).join('\n')}\n\n${photoLines.slice(5).join('\n')}`;
    assert.equal((await put('face-model-v2', loose, { type: 'application/x-ndjson; charset=utf-8' })).status, 200);
    assert.equal((await put('face-model-v2', ndjson(photoLines))).status, 200);
    assert.equal(await (await api.call('/v1/artifacts/face-model-v2/manifest', { as: 'audrey' })).text(), ndjson(photoLines));
  });

  it('streams a manifest past the JSON body limit: 100-continue is answered, and it comes back a page at a time, byte for byte', async () => {
    const synthetic = Array.from({ length: 10_000 }, (_, i) => line({ backend: 'photos', locator: `training/set-${i % 7}/img-${String(i).padStart(6, '0')}.png`, sha256: createHash('sha256').update(String(i)).digest('hex') }));
    const body = Buffer.from(ndjson(synthetic));
    assert.ok(body.length > DEFAULT_HTTP.bodyLimitBytes, `${body.length} bytes is over the JSON limit`);
    assert.equal((await register(model('big-index', referenceTree(synthetic)))).status, 201);
    const url = new URL(`${api.url}/v1/artifacts/big-index/manifest`);
    const answer = await new Promise<{ status: number; continued: boolean; text: string }>((resolve, reject) => {
      let continued = false;
      const req = httpRequest(url, { method: 'PUT', headers: { authorization: `Bearer ${api.tokens.alice}`, 'content-type': 'application/x-ndjson', 'content-length': String(body.length), expect: '100-continue' } });
      req.on('continue', () => {
        continued = true;
        req.end(body);
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, continued, text }));
      });
      req.on('error', reject);
    });
    assert.equal(answer.continued, true, 'the server asked for the body');
    assert.equal(answer.status, 200, answer.text);
    const back = await api.call('/v1/artifacts/big-index/manifest', { as: 'audrey' });
    assert.ok(Buffer.from(await back.arrayBuffer()).equals(body));
  });

  it('refuses a body over the limit: at once when declared, and while it streams when not', async () => {
    const declared = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(`${api.url}/v1/artifacts/face-model-v2/manifest`, { method: 'PUT', headers: { authorization: `Bearer ${api.tokens.alice}`, 'content-type': 'application/x-ndjson', 'content-length': String(MANIFEST_LIMIT_BYTES + 1) } });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, text }));
      });
      req.on('error', reject);
      req.write('{');
    });
    assert.equal(declared.status, 413);
    assert.equal(JSON.parse(declared.text).code, 'BODY_TOO_LARGE');

    // The same route with a limit of 1,000 bytes, mounted on its own server, sent a chunked body of more.
    const route = artifactRoutes.find((r) => r.operationId === 'uploadArtifactManifest')!;
    const app = express();
    mount(app, createApiContext(api.runtime.deps, DEFAULT_HTTP), [{ ...route, rawBody: { ...route.rawBody!, limitBytes: 1000 } }], express.json());
    app.use(problemHandler(silentLogger()));
    const server: Server = createHttpServer(app, { bodyLimitBytes: DEFAULT_HTTP.bodyLimitBytes });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      async function* chunks() {
        for (const l of photoLines) yield new TextEncoder().encode(`${l}\n`);
      }
      const r = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/artifacts/face-model-v2/manifest`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${api.tokens.alice}`, 'content-type': 'application/x-ndjson' },
        body: chunks(),
        duplex: 'half',
      } as unknown as RequestInit);
      const p = await problem(r, 413, 'BODY_TOO_LARGE');
      assert.match(p.detail, /limit of 1000 bytes/);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('lets operators write and every role read: an auditor or approver cannot register or upload (403)', async () => {
    const count = (await names()).length;
    for (const who of ['audrey', 'bob', 'ada'] as const) {
      await problem(await register(model(`by-${who}`, tree), who), 403, 'FORBIDDEN');
      await problem(await put('face-model-v2', ndjson(photoLines), { as: who }), 403, 'FORBIDDEN');
    }
    await problem(await api.call('/v1/artifacts', { method: 'POST', as: null, json: model('anonymous', tree) }), 401, 'UNAUTHENTICATED');
    assert.equal((await names()).length, count);
    for (const who of ['audrey', 'bob', 'olga', 'ada'] as const) {
      assert.equal((await api.call('/v1/artifacts', { as: who })).status, 200);
      assert.equal((await api.call('/v1/artifacts/face-model-v1', { as: who })).status, 200);
    }
  });

  it('audits every write: the route\'s entry with its status, refusals included, and the use case\'s own', async () => {
    const entries = api.runtime.deps.ledger.access.audit({ limit: 100_000 }).filter((e) => /rtifact/.test(e.action));
    const of = (action: string) => entries.filter((e) => e.action === action);
    assert.deepEqual(of('artifact.register').map((e) => e.detail!.split(' ').slice(0, 2).join(' ')), ['model face-model-v1', 'embeddings face-embeddings', 'model face-model-v1.1', 'vendor-copy acme-copy', 'model face-model-v2', 'model big-index']);
    assert.ok(of('artifact.register').every((e) => e.actor === 'alice'));
    const uploads = of('artifact.manifest');
    assert.deepEqual(uploads.map((e) => e.detail), [
      `manifest of face-model-v1: ${tree.treeSize} inputs, root ${tree.rootHash}`,
      `manifest of face-model-v2: ${tree.treeSize} inputs, root ${tree.rootHash}`,
      `manifest of face-model-v2: ${tree.treeSize} inputs, root ${tree.rootHash}`,
      `manifest of big-index: 10000 inputs, root ${referenceTree(Array.from({ length: 10_000 }, (_, i) => line({ backend: 'photos', locator: `training/set-${i % 7}/img-${String(i).padStart(6, '0')}.png`, sha256: createHash('sha256').update(String(i)).digest('hex') }))).rootHash}`,
    ]);
    const statuses = (action: string) => of(action).map((e) => e.status);
    assert.deepEqual(statuses('createArtifact'), [201, 201, 201, 201, 400, 400, 400, 201, 201, 403, 403, 403]);
    for (const s of [200, 409, 400, 415, 413, 403]) assert.ok(statuses('uploadArtifactManifest').includes(s), `an upload answered ${s} is audited`);
    const refused = of('uploadArtifactManifest').find((e) => e.status === 409)!;
    assert.deepEqual([refused.actor, refused.method, refused.path], ['alice', 'PUT', '/v1/artifacts/face-model-v1/manifest']);
  });
});
