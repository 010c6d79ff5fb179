// Vendors of vendors through the HTTP API and `shredproof order
// attach-vendor-certificate` (src/http/routes/derived.ts,
// src/app/vendor-certificates.ts, src/cli/commands/order/attach-vendor.ts),
// against three shredproof instances, each with its own key, ledger and
// people: ours; the vendor, whose order reaches a copy at its own vendor and
// ends with an exception (complete-with-exceptions); and the vendor's vendor.
// The vendor's bundle carries its vendor's under vendors/<artifact>/: each
// file goes up under its path in the bundle ({file}, its / as %2F), is staged
// under that path, and the bundle is attached and accepted, with what the
// vendor's certificate says of its run (vendorStatus), which our certificate
// does not carry; every path that is not a file of a bundle is refused with
// 400 naming {file} and the problem, and nothing is staged. The CLI walks the
// bundle, sends every file, names what it skips and prints the vendor's run.
// Certified, our bundle carries both levels: GET .../vendors/{artifact}/{file}
// serves every file of the tree by the same kind of path (400 for a bad one,
// 404 for one not there, never through a link), and the bundle fetched
// through the API or with `order fetch` verifies with `verify --bundle`,
// vendors of vendors included. `order fetch` refuses a server whose
// statements name a vendor's bundle it cannot fetch, writing nothing.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { base64Decode, base64Encode, isStatementV2, signDisposition, trustedKey, verifyCertificate } from '../../packages/verify/src/core/index.js';
import { registerArtifact } from '../../src/app/artifacts.js';
import { createOrder } from '../../src/app/create-order.js';
import { disposeArtifact } from '../../src/app/dispositions.js';
import { executeOrder } from '../../src/app/execute-order.js';
import { certificateFiles } from '../../src/app/finalize-order.js';
import { planOrder } from '../../src/app/plan-order.js';
import { plannedArtifacts } from '../../src/app/plan-targets.js';
import { addVendor, attachVendorCertificate, MAX_VENDOR_LEVELS, VENDOR_BUNDLE_FILES, VENDOR_BUNDLE_PATH_PATTERN, vendorBundlePathProblem, vendorEvidenceDir } from '../../src/app/vendor-certificates.js';
import { approveSigned, ensurePerson, personSigner } from '../helpers/approvals.js';
import { type ApiHarness, approvalBody, startApiHarness, waitForState } from '../helpers/api-harness.js';
import { demoOrder, type Harness, startHarness } from '../helpers/engine-harness.js';
import { runCli } from '../helpers/run-cli.js';
import { openApiDocument } from '../../src/http/app.js';
import { problem } from './problem-check.js';

type Json = Record<string, any>;
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Asserts that `body`, answered with `status` by the operation at `path`, is what the OpenAPI document declares. */
function declared(body: unknown, path: string, method: string, status: number): void {
  const doc = JSON.parse(JSON.stringify(openApiDocument())) as Json;
  const ajv = new Ajv2020.default({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ $id: 'doc', components: doc.components });
  const media = Object.values(doc.paths[path][method].responses[String(status)].content as Json)[0] as Json;
  const schema = JSON.parse(JSON.stringify(media.schema).replaceAll('"#/components/', '"doc#/components/'));
  assert.ok(ajv.validate(schema, body), `${method} ${path} ${status}: ${ajv.errorsText()}`);
}
const UPLOAD = '/v1/orders/{id}/derived/{artifact}/vendor-bundle/{file}';
const ATTACH = '/v1/orders/{id}/derived/{artifact}/vendor-certificate';
const SERVE = '/v1/orders/{id}/vendors/{artifact}/{file}';

/** Paths in a bundle that are files of one, and the problem each other path has. */
const GOOD = ['certificate.json', 'public-key.pem', 'vendors/copy-at-sub/records.ndjson', 'vendors/a/vendors/b.c/vendors/d_e-f/trust.json'];
const BAD: Array<[string, RegExp]> = [
  ['', /^is empty$/],
  ['notes.txt', /^names "notes\.txt", not a file of a certificate bundle: one of certificate\.json, /],
  ['../trust.json', /^has a \.\. segment: a path stays inside the bundle$/],
  ['vendors/../../../trust.json', /^has a \.\. segment/],
  ['/etc/passwd', /^is absolute: give the path inside the bundle/],
  ['vendors\\copy-at-sub\\trust.json', /^has a backslash: separate directories with \/$/],
  ['vendors//trust.json', /^has an empty segment: no \/\/ and no \/ at the end$/],
  ['vendors/copy-at-sub/', /^has an empty segment/],
  ['vendors/trust.json', /^has vendors\/ with no artifact's directory in it: a vendor's bundle is in vendors\/<artifact>\/$/],
  ['proofs/record-0.json', /^has the directory "proofs": the only directories of a bundle are vendors\/<artifact>\/$/],
  ['vendors/a/proofs/x/trust.json', /^has the directory "proofs" in vendors\/a\/: the only directories/],
  ['vendors/Not A Name/trust.json', /^has "Not A Name" in vendors\/, not an artifact name \(1-100 characters/],
  ['vendors/./trust.json', /^has "\." in vendors\/, not an artifact name/],
  ['vendors/.hidden/trust.json', /^has "\.hidden" in vendors\/, not an artifact name/],
  ['vendors/a/vendors/b/vendors/c/vendors/d/trust.json', /^nests vendors\/ 4 levels deep, at most 3: our certificate carries the bundle as vendors\/<artifact>\/, and verifiers follow vendors 4 levels deep$/],
  ['vendors/a/vendors/b/notes.txt', /^names "notes\.txt", not a file of a certificate bundle/],
  ['vendors/a/certificate.json\u0000', /^names "certificate\.json\\u0000", not a file/],
];

describe('paths in a vendor\'s bundle (vendorBundlePathProblem and the pattern the API documents)', () => {
  it('takes a file of a bundle under at most three vendors/<artifact>/, and names the problem of anything else; the pattern agrees', () => {
    const pattern = new RegExp(VENDOR_BUNDLE_PATH_PATTERN);
    assert.equal(MAX_VENDOR_LEVELS, 3);
    for (const p of [...GOOD, ...VENDOR_BUNDLE_FILES.flatMap((f) => [f, `vendors/x/${f}`])]) {
      assert.equal(vendorBundlePathProblem(p), undefined, p);
      assert.ok(pattern.test(p), p);
    }
    for (const [p, want] of BAD) {
      assert.match(vendorBundlePathProblem(p) ?? 'taken', want, JSON.stringify(p));
      assert.ok(!pattern.test(p), JSON.stringify(p));
    }
  });
});

describe('vendors of vendors through the HTTP API and the CLI', { timeout: 300_000 }, () => {
  let api: ApiHarness;
  let vendor: Harness;
  let sub: Harness;
  let id: string;
  /** The vendor's certificate bundle, carrying its own vendor's in vendors/copy-at-sub/. */
  let nested: string;
  /** Every file of it, by its path in the bundle. */
  let files: string[];
  /** What the vendor's certificate says of its run. */
  let vendorStatus: Json;

  const put = (artifact: string, path: string, body: Uint8Array | string) =>
    api.call(`/v1/orders/${id}/derived/${artifact}/vendor-bundle/${encodeURIComponent(path)}`, { method: 'PUT', body: typeof body === 'string' ? body : new Uint8Array(body), headers: { 'content-type': 'application/octet-stream' } });
  const attach = (artifact: string) => api.call(`/v1/orders/${id}/derived/${artifact}/vendor-certificate`, { method: 'POST' });
  const uploads = () => join(api.config.dataDir, 'vendor-uploads', id);
  const cli = (...args: string[]) => runCli(...args, '--server', api.url, '--token', api.tokens.alice);

  /** The files under `dir`, by their paths in it, sorted. */
  function walk(dir: string, prefix = ''): string[] {
    return readdirSync(join(dir, prefix))
      .flatMap((n) => (statSync(join(dir, prefix, n)).isDirectory() ? walk(dir, `${prefix}${n}/`) : [`${prefix}${n}`]))
      .sort();
  }

  before(async () => {
    api = await startApiHarness({ objects: 20 });
    for (const name of ['copy-via-api', 'copy-via-cli']) {
      const r = await api.call('/v1/artifacts', {
        method: 'POST',
        json: { name, kind: 'vendor-copy', description: 'the photos sent to Chain Vendor', location: { vendor: 'Chain Vendor', description: 'their store' }, inputs: [{ scope: { backend: 'photos', scope: { include: ['users/**'] } } }] },
      });
      assert.equal(r.status, 201, await r.text());
    }
    id = ((await (await api.call('/v1/orders', { method: 'POST', json: { ...(demoOrder('photos') as object), includeDerived: true } })).json()) as Json).id;
    assert.equal((await api.call(`/v1/orders/${id}/plan`, { method: 'POST' })).status, 202);
    await waitForState(api, id, ['planned']);

    // The vendor: its order names ours and reaches the copy it sent to its own vendor.
    // Enough photos that the hold keeps some: every count of the vendor's run differs.
    vendor = await startHarness({ objects: 20 });
    sub = await startHarness({ objects: 6 });
    vendor.runtime.coordinator.start();
    sub.runtime.coordinator.start();
    const vd = vendor.runtime.deps;
    await registerArtifact(vd, { name: 'copy-at-sub', kind: 'vendor-copy', description: 'the photos sent on to Sub Vendor', location: { vendor: 'Sub Vendor', description: 'their store' }, inputs: [{ scope: { backend: 'photos', scope: { include: ['users/**'] } } }] }, 'trainer');
    const vo = await createOrder(vd, { ...(demoOrder('photos') as object), includeDerived: true, reference: `Deletion of the photos received from Example Corp under their order ${id}` }, 'vera');
    const vp = await planOrder(vd, vo.id, 'vera');
    assert.deepEqual(vp.derived.map((a) => a.artifact), ['copy-at-sub']);
    // The vendor's vendor: its order names the vendor's.
    const sd = sub.runtime.deps;
    const so = await createOrder(sd, { ...(demoOrder('photos') as object), reference: `Deletion under Chain Vendor order ${vo.id}` }, 'vera');
    approveSigned(sd, so.id, 'victor', (await planOrder(sd, so.id, 'vera')).planRoot);
    executeOrder(sd, so.id, 'vera');
    assert.equal((await sub.runtime.coordinator.waitFor(so.id)).state, 'certified');
    const subBundle = certificateFiles(sub.config.dataDir, so.id).dir;
    // The vendor attaches it from disk, its approver signs held-by-vendor; one of its photos is gone before its run.
    addVendor(vd, { name: 'Sub Vendor', trustJson: readFileSync(join(subBundle, 'trust.json'), 'utf8') }, 'root');
    const evidence = await attachVendorCertificate(vd, vo.id, 'copy-at-sub', subBundle, 'vera');
    const bob = ensurePerson(vd, 'bob', 'approver');
    const held = signDisposition(bob, { orderId: vo.id, orderSha256: vd.ledger.getOrder(vo.id)!.documentSha256, artifact: 'copy-at-sub', disposition: 'held-by-vendor', vendor: evidence }, { person: 'bob', signedAt: new Date().toISOString() });
    disposeArtifact(vd, vo.id, 'copy-at-sub', 'bob', { disposition: 'held-by-vendor', signature: held });
    approveSigned(vd, vo.id, 'victor', vp.planRoot);
    unlinkSync(join(vendor.dataset.root, [...vendor.dataset.inScope.keys()][0]!));
    executeOrder(vd, vo.id, 'vera');
    const done = await vendor.runtime.coordinator.waitFor(vo.id);
    assert.equal(done.state, 'certified-with-exceptions', done.failure ?? '');
    nested = certificateFiles(vendor.config.dataDir, vo.id).dir;
    files = walk(nested);
    assert.ok(files.includes('vendors/copy-at-sub/records.ndjson'), files.join(', '));
    const envelope = JSON.parse(readFileSync(join(nested, 'certificate.json'), 'utf8')) as { payload: string };
    const statement = JSON.parse(new TextDecoder().decode(base64Decode(envelope.payload))) as Json;
    vendorStatus = { status: statement.status, completeness: statement.completeness };
    assert.deepEqual([vendorStatus.status, vendorStatus.completeness.exceptions], ['complete-with-exceptions', 1]);
    assert.ok(vendorStatus.completeness.destroyed > 0 && vendorStatus.completeness.retained > 0, JSON.stringify(vendorStatus));
    // Pinned on our server's machine (shredproof vendor add).
    addVendor(api.runtime.deps, { name: 'Chain Vendor', trustJson: readFileSync(join(nested, 'trust.json'), 'utf8') }, 'root');
  });
  after(async () => {
    await sub?.close();
    await vendor?.close();
    await api?.close();
  });

  it('refuses each path that is not a file of a bundle: 400 naming {file} and the problem; nothing is staged', async () => {
    const bytes = readFileSync(join(nested, 'trust.json'));
    // '' is no path segment at all: another route (404), never this one.
    for (const [path, want] of BAD.filter(([p]) => p !== '')) {
      const p = await problem(await put('copy-via-api', path, bytes), 400, 'INVALID_REQUEST');
      assert.equal(p.errors.length, 1, JSON.stringify(p));
      assert.deepEqual([p.errors[0].in, p.errors[0].path], ['path', '$.file'], JSON.stringify(path));
      assert.match(p.errors[0].problem, want, JSON.stringify(path));
      assert.match(p.detail, /^path \$\.file: /);
      declared(p, UPLOAD, 'put', 400);
    }
    assert.equal(existsSync(uploads()), false, 'nothing staged for the order');
    assert.deepEqual(readdirSync(api.config.dataDir).filter((f) => f.endsWith('.json')), [], 'nothing written beside it');
  });

  it('stages each file of the bundle under its path, vendors/ included, and attaches it: 200 with the evidence and the vendor\'s run', async () => {
    let last: Json = {};
    for (const path of files) {
      const bytes = readFileSync(join(nested, path));
      const r = await put('copy-via-api', path, bytes);
      last = (await r.json()) as Json;
      assert.equal(r.status, 200, JSON.stringify(last));
      assert.deepEqual([last.artifact, last.file, last.size, last.sha256], ['copy-via-api', path, bytes.length, sha256(bytes)]);
    }
    assert.deepEqual(last.staged, files);
    declared(last, UPLOAD, 'put', 200);
    for (const path of files) assert.deepEqual(readFileSync(join(uploads(), 'copy-via-api', path)), readFileSync(join(nested, path)), path);
    const r = await attach('copy-via-api');
    const body = (await r.json()) as Json;
    assert.equal(r.status, 200, JSON.stringify(body));
    assert.deepEqual(body, {
      name: 'Chain Vendor',
      certificateId: vendor.runtime.deps.ledger.certificate(vendor.runtime.deps.ledger.listOrders()[0]!.id)!.certificateId,
      certificateSha256: sha256(readFileSync(join(nested, 'certificate.json'))),
      keyid: vendor.runtime.deps.signer.keyid,
      trustSha256: sha256(readFileSync(join(nested, 'trust.json'))),
      vendorStatus,
    });
    declared(body, ATTACH, 'post', 200);
    // Kept with the order (server side), its vendor's bundle with it; the staged files are gone.
    const kept = plannedArtifacts(api.runtime.deps.ledger.getOrder(id)!).find((a) => a.artifact === 'copy-via-api')!;
    assert.deepEqual(kept.vendorStatus, vendorStatus);
    // Shown to the people deciding the disposition: plan.derived, and `order status`.
    const o = (await (await api.call(`/v1/orders/${id}`, { as: 'audrey' })).json()) as Json;
    declared(o, '/v1/orders/{id}', 'get', 200);
    const shown = o.plan.derived.find((a: Json) => a.artifact === 'copy-via-api');
    assert.deepEqual([shown.vendorCertificate.certificateSha256, shown.vendorStatus], [body.certificateSha256, vendorStatus]);
    const n = vendorStatus.completeness;
    const s = await runCli('order', 'status', id, '--server', api.url, '--token', api.tokens.audrey);
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stdout, new RegExp(`^  derived copy-via-api \\(vendor-copy\\): photos > copy-via-api; at vendor Chain Vendor; vendor certificate \\S+ \\(key [0-9a-f]{64}\\) attached: complete-with-exceptions \\(planned ${n.planned}, destroyed ${n.destroyed}, retained ${n.retained}, exceptions 1\\); no disposition yet$`, 'm'));
    assert.deepEqual(walk(vendorEvidenceDir(api.config.dataDir, id, 'copy-via-api', body.certificateSha256)), files);
    assert.deepEqual(readdirSync(uploads()), []);
  });

  it('refuses the bundle when a file of its vendor\'s bundle is missing, naming it by its path; nothing changes', async () => {
    const before = api.runtime.deps.ledger.getOrder(id)!.derived;
    for (const path of files.filter((f) => f !== 'vendors/copy-at-sub/records.ndjson')) assert.equal((await put('copy-via-cli', path, readFileSync(join(nested, path)))).status, 200, path);
    const p = await problem(await attach('copy-via-cli'), 409, 'VENDOR_CERTIFICATE_REFUSED');
    assert.match(p.detail, /it does not verify: VENDOR_CERTIFICATE_MISMATCH: vendors\/copy-at-sub\/records\.ndjson is missing from the vendor's bundle/);
    assert.equal(api.runtime.deps.ledger.getOrder(id)!.derived, before);
  });

  it('the CLI walks the bundle, sends every file under its path, names what it skips, and prints the vendor\'s run', async () => {
    const junk = join(vendor.dir, 'with-junk');
    cpSync(nested, junk, { recursive: true });
    writeFileSync(join(junk, 'README.txt'), 'not a bundle file');
    mkdirSync(join(junk, 'proofs'));
    writeFileSync(join(junk, 'proofs', 'record-0.json'), '{}');
    mkdirSync(join(junk, 'vendors', 'Not A Name'));
    writeFileSync(join(junk, 'vendors', 'Not A Name', 'trust.json'), '{}');
    writeFileSync(join(junk, 'vendors', 'copy-at-sub', 'notes.txt'), 'x');
    mkdirSync(join(junk, 'vendors', 'copy-at-sub', 'vendors', 'b', 'vendors', 'c', 'vendors', 'd'), { recursive: true });
    writeFileSync(join(junk, 'vendors', 'copy-at-sub', 'vendors', 'b', 'vendors', 'c', 'vendors', 'd', 'trust.json'), '{}');
    const r = await cli('order', 'attach-vendor-certificate', id, '--artifact', 'copy-via-cli', '--bundle', junk);
    assert.equal(r.code, 0, r.stderr);
    const skipped = ['README.txt', 'proofs/', 'vendors/Not A Name/', 'vendors/copy-at-sub/notes.txt', 'vendors/copy-at-sub/vendors/b/vendors/c/vendors/'];
    assert.match(r.stderr, new RegExp(`^not sent, not files of a certificate bundle: ${skipped.join(', ').replaceAll('.', '\\.')}$`, 'm'));
    const sent = [...r.stderr.matchAll(/^sent (\S+) \((\d+) bytes\)$/gm)].map((m) => [m[1], Number(m[2])]);
    assert.deepEqual(sent.map(([f]) => f).sort(), files);
    for (const [f, size] of sent) assert.equal(size, statSync(join(nested, f as string)).size, f as string);
    const n = vendorStatus.completeness;
    assert.match(r.stdout, new RegExp(`^attached to copy-via-cli of ${id}: certificate \\S+ of Chain Vendor, signed by key ${vendor.runtime.deps.signer.keyid}$`, 'm'));
    assert.match(r.stdout, new RegExp(`^  the vendor's run: complete-with-exceptions: planned ${n.planned}, destroyed ${n.destroyed}, retained ${n.retained}, exceptions 1$`, 'm'));
    const j = await cli('order', 'attach-vendor-certificate', id, '--artifact', 'copy-via-cli', '--bundle', nested, '--json');
    assert.equal(j.code, 0, j.stderr);
    assert.deepEqual(JSON.parse(j.stdout).vendorStatus, vendorStatus);
    assert.deepEqual(plannedArtifacts(api.runtime.deps.ledger.getOrder(id)!).find((a) => a.artifact === 'copy-via-cli')!.vendorStatus, vendorStatus);
  });

  it('the CLI refuses a --bundle that is a file, or has no trust.json, before sending anything (exit 2)', async () => {
    const file = await cli('order', 'attach-vendor-certificate', id, '--artifact', 'copy-via-cli', '--bundle', join(nested, 'trust.json'));
    assert.equal(file.code, 2);
    assert.match(file.stderr, /--bundle .*trust\.json: not a directory/);
    const noTrust = join(vendor.dir, 'no-trust');
    cpSync(join(nested, 'vendors', 'copy-at-sub'), noTrust, { recursive: true });
    unlinkSync(join(noTrust, 'trust.json'));
    const t = await cli('order', 'attach-vendor-certificate', id, '--artifact', 'copy-via-cli', '--bundle', noTrust);
    assert.equal(t.code, 2);
    assert.match(t.stderr, /--bundle .*no-trust has no trust\.json: give the directory of the vendor's certificate bundle/);
    assert.doesNotMatch(t.stderr, /^sent /m);
  });

  it('the order is certified, carrying both vendors\' bundles whole; our statement binds the digests, not the vendor\'s run', async () => {
    const o = (await (await api.call(`/v1/orders/${id}`, { as: 'audrey' })).json()) as Json;
    for (const a of ['copy-via-api', 'copy-via-cli']) {
      const cert = (o.plan.derived as Json[]).find((x) => x.artifact === a)!.vendorCertificate as Json;
      const s = signDisposition(personSigner('bob'), { orderId: id, orderSha256: o.documentSha256, artifact: a, disposition: 'held-by-vendor', vendor: { certificateSha256: cert.certificateSha256, trustSha256: cert.trustSha256 } }, { person: 'bob', signedAt: new Date().toISOString() });
      const r = await api.call(`/v1/orders/${id}/derived/${a}/disposition`, { method: 'POST', as: 'bob', json: { disposition: 'held-by-vendor', signature: { keyid: s.keyid, signedAt: s.signedAt, signature: s.signature } } });
      assert.equal(r.status, 200, await r.text());
    }
    assert.equal((await api.call(`/v1/orders/${id}/approve`, { method: 'POST', as: 'bob', json: approvalBody(o as Parameters<typeof approvalBody>[0], 'bob') })).status, 200);
    assert.equal((await api.call(`/v1/orders/${id}/execute`, { method: 'POST' })).status, 202);
    const done = await waitForState(api, id, ['certified', 'certified-with-exceptions', 'failed', 'cancelled']);
    assert.equal(done.state, 'certified', done.failure);
    const dir = certificateFiles(api.config.dataDir, id).dir;
    const { statement } = verifyCertificate(readFileSync(join(dir, 'certificate.json'), 'utf8'), [trustedKey(api.runtime.deps.signer.publicKey)]);
    assert.ok(isStatementV2(statement));
    for (const e of statement.derivedArtifacts!) {
      assert.deepEqual(Object.keys(e.vendor!).sort(), ['certificateId', 'certificateSha256', 'keyid', 'name', 'trustSha256'], e.name);
      assert.deepEqual(walk(join(dir, 'vendors', e.name)), files, e.name);
    }
    // Our run is complete; the vendor's was not, and our statement does not say so (its format is fixed).
    assert.equal(statement.status, 'complete');
    assert.doesNotMatch(JSON.stringify(statement), /vendorStatus|complete-with-exceptions/);
    // A regulator's check of our bundle follows the vendors of vendors.
    const v = await runCli('verify', '--bundle', dir, '--keyid', api.runtime.deps.signer.keyid);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /^VALID \(/);
    assert.match(v.stdout, /^ {2}vendors\/copy-via-api\/vendors\/copy-at-sub\/records\.ndjson +VALID/m);
  });
  /** GET .../vendors/{artifact}/{file}, {file} a path in the vendor's bundle, its / as %2F. */
  const serve = (artifact: string, path: string, as: 'audrey' | null = 'audrey') => api.call(`/v1/orders/${id}/vendors/${artifact}/${encodeURIComponent(path)}`, { as });
  /** Our certified bundle, as the server keeps it. */
  const ours = () => certificateFiles(api.config.dataDir, id).dir;

  it('GET vendors/{artifact}/{file} serves every file of the tree by its path in the vendor\'s bundle, vendors of vendors included, byte for byte', async () => {
    for (const a of ['copy-via-api', 'copy-via-cli']) {
      const tree = walk(join(ours(), 'vendors', a));
      assert.deepEqual(tree, files, a);
      for (const path of tree) {
        const r = await serve(a, path);
        assert.equal(r.status, 200, `${a} ${path}`);
        assert.equal(r.headers.get('content-type'), 'application/octet-stream');
        assert.equal(r.headers.get('content-disposition'), `attachment; filename="${a}-${path.replaceAll('/', '-')}"`);
        assert.deepEqual(Buffer.from(await r.arrayBuffer()), readFileSync(join(nested, path)), `${a} ${path}`);
      }
    }
    assert.ok(files.includes('vendors/copy-at-sub/certificate.json') && files.includes('vendors/copy-at-sub/records.ndjson'), files.join(', '));
    await problem(await serve('copy-via-api', 'vendors/copy-at-sub/records.ndjson', null), 401, 'UNAUTHENTICATED');
  });

  it('answers a path the route takes but the certificate does not carry 404 NOT_FOUND, naming it', async () => {
    const absent = [
      ...VENDOR_BUNDLE_FILES.map((f) => `vendors/copy-at-sub/${f}`).filter((f) => !files.includes(f)),
      'vendors/copy-at-other/certificate.json',
      'vendors/copy-at-sub/vendors/further/trust.json',
      'vendors/copy-at-sub/vendors/b/vendors/c/certificate.json',
    ];
    for (const path of absent) {
      const p = await problem(await serve('copy-via-api', path), 404, 'NOT_FOUND');
      assert.equal(p.detail, `certificate ${api.runtime.deps.ledger.certificate(id)!.certificateId} of order ${id} carries no vendors/copy-via-api/${path}: the artifact is not held by a vendor, or its vendor's bundle has no such file`);
      declared(p, SERVE, 'get', 404);
    }
  });

  it('refuses each path that is not a file of a bundle: 400 naming {file} and the problem; the bundle is unchanged', async () => {
    const before = walk(ours());
    for (const [path, want] of BAD.filter(([p]) => p !== '')) {
      const p = await problem(await serve('copy-via-api', path), 400, 'INVALID_REQUEST');
      assert.equal(p.errors.length, 1, JSON.stringify(p));
      assert.deepEqual([p.errors[0].in, p.errors[0].path], ['path', '$.file'], JSON.stringify(path));
      assert.match(p.errors[0].problem, want, JSON.stringify(path));
      assert.match(p.detail, /^path \$\.file: /);
      declared(p, SERVE, 'get', 400);
    }
    // Four levels in the vendor's bundle are five from ours: one more than verifiers follow.
    const deep = await problem(await serve('copy-via-api', 'vendors/a/vendors/b/vendors/c/vendors/d/certificate.json'), 400, 'INVALID_REQUEST');
    assert.match(deep.errors[0].problem, /^nests vendors\/ 4 levels deep, at most 3/);
    assert.deepEqual(walk(ours()), before);
  });

  it('never follows a link in the kept bundle, to a file, to a directory or as the artifact\'s directory, and serves no directory: 404', async () => {
    const dir = ours();
    const at = join(dir, 'vendors', 'copy-via-api', 'vendors');
    const secret = join(api.config.dataDir, 'outside-secret.json');
    writeFileSync(secret, '{"secret": true}');
    mkdirSync(join(at, 'linked', 'certificate.json'), { recursive: true });
    const made = [join(at, 'escape'), join(at, 'linked'), join(dir, 'vendors', 'copy-linked'), secret];
    try {
      symlinkSync(dir, join(at, 'escape'), 'dir'); // our own bundle, outside vendors/copy-via-api/
      symlinkSync(secret, join(at, 'linked', 'trust.json'), 'file');
      symlinkSync(join(dir, 'vendors', 'copy-via-api'), join(dir, 'vendors', 'copy-linked'), 'dir');
      // Each is there when links are followed: without the guard, each would be served.
      for (const f of [join(at, 'escape', 'certificate.json'), join(at, 'linked', 'trust.json'), join(dir, 'vendors', 'copy-linked', 'certificate.json')]) assert.ok(statSync(f).isFile(), f);
      await problem(await serve('copy-via-api', 'vendors/escape/certificate.json'), 404, 'NOT_FOUND');
      await problem(await serve('copy-via-api', 'vendors/linked/trust.json'), 404, 'NOT_FOUND');
      // A directory where a file should be is not one either: a problem, not a broken 200.
      await problem(await serve('copy-via-api', 'vendors/linked/certificate.json'), 404, 'NOT_FOUND');
      await problem(await serve('copy-linked', 'certificate.json'), 404, 'NOT_FOUND');
      await problem(await serve('copy-linked', 'vendors/copy-at-sub/trust.json'), 404, 'NOT_FOUND');
    } finally {
      for (const f of made) rmSync(f, { recursive: true, force: true });
    }
    assert.deepEqual(walk(join(dir, 'vendors', 'copy-via-api')), files);
  });

  it('our bundle fetched through the API, file by file, verifies with verify --bundle, vendors of vendors included', async () => {
    const out = join(vendor.dir, 'fetched-through-api');
    mkdirSync(out);
    const get = async (path: string, accept?: string) => {
      const r = await api.call(path, { as: 'audrey', ...(accept ? { headers: { accept } } : {}) });
      assert.equal(r.status, 200, `${path}: ${await r.clone().text()}`);
      return Buffer.from(await r.arrayBuffer());
    };
    const certificate = await get(`/v1/orders/${id}/certificate`);
    writeFileSync(join(out, 'certificate.json'), certificate);
    writeFileSync(join(out, 'records.ndjson'), await get(`/v1/orders/${id}/records`));
    for (const l of ['retained', 'exceptions', 'rescan']) writeFileSync(join(out, `${l}.ndjson`), await get(`/v1/orders/${id}/lists/${l}`));
    writeFileSync(join(out, 'order.json'), await get(`/v1/orders/${id}/order.json`));
    writeFileSync(join(out, 'trust.json'), await get('/v1/trust.json'));
    const keyid = api.runtime.deps.signer.keyid;
    writeFileSync(join(out, 'public-key.pem'), await get(`/v1/keys/${keyid}`, 'application/x-pem-file'));
    // The bundles the statements name: ours names each artifact, the vendor's certificate its own vendor's.
    const { statement } = verifyCertificate(certificate.toString('utf8'), [trustedKey(api.runtime.deps.signer.publicKey)]);
    assert.ok(isStatementV2(statement));
    // Its receipt, from the server's transparency log (its trust.json requires one).
    writeFileSync(join(out, 'receipt.tlog-proof'), await get(`/log/proof/${statement.certificateId}`));
    for (const e of statement.derivedArtifacts!) {
      const inner = JSON.parse(new TextDecoder().decode(base64Decode((JSON.parse((await get(`/v1/orders/${id}/vendors/${e.name}/certificate.json`)).toString('utf8')) as Json).payload))) as Json;
      const theirs = (inner.derivedArtifacts as Json[]).filter((x) => x.disposition === 'held-by-vendor').map((x) => `vendors/${x.name}/`);
      assert.deepEqual(theirs, ['vendors/copy-at-sub/']);
      for (const prefix of ['', ...theirs]) {
        for (const f of VENDOR_BUNDLE_FILES) {
          const r = await serve(e.name, `${prefix}${f}`);
          if (r.status === 404) continue;
          assert.equal(r.status, 200, `${e.name} ${prefix}${f}`);
          mkdirSync(join(out, 'vendors', e.name, prefix), { recursive: true });
          writeFileSync(join(out, 'vendors', e.name, prefix, f), Buffer.from(await r.arrayBuffer()));
        }
      }
      assert.deepEqual(walk(join(out, 'vendors', e.name)), files, e.name);
    }
    const v = await runCli('verify', '--bundle', out, '--keyid', keyid);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /^VALID \(/);
    for (const a of ['copy-via-api', 'copy-via-cli']) for (const f of files) assert.match(v.stdout, new RegExp(`^ {2}vendors/${a}/${f.replaceAll('.', '\\.')} +VALID`, 'm'), `${a} ${f}`);
  });

  it('order fetch writes the whole tree, vendors of vendors included, and the bundle verifies with verify --bundle', async () => {
    const out = join(vendor.dir, 'fetched-by-cli');
    const fetch = (...more: string[]) => runCli('order', 'fetch', id, '--out', out, '--server', api.url, '--token', api.tokens.audrey, ...more);
    const f = await fetch('--json');
    assert.equal(f.code, 0, f.stderr);
    const server = walk(join(ours(), 'vendors'));
    assert.deepEqual((JSON.parse(f.stdout).files as string[]).filter((x) => x.startsWith('vendors/')).sort(), server.map((x) => `vendors/${x}`));
    assert.deepEqual(walk(join(out, 'vendors')), server);
    for (const x of server) assert.deepEqual(readFileSync(join(out, 'vendors', x)), readFileSync(join(ours(), 'vendors', x)), x);
    const keyid = api.runtime.deps.signer.keyid;
    const v = await runCli('verify', '--bundle', out, '--keyid', keyid);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /^VALID \(/);
    for (const a of ['copy-via-api', 'copy-via-cli']) for (const x of files) assert.match(v.stdout, new RegExp(`^ {2}vendors/${a}/${x.replaceAll('.', '\\.')} +VALID`, 'm'), `${a} ${x}`);
    assert.doesNotMatch(v.stdout, /ignored|not checked/);
    // A file of a vendor's vendor already there: refused before anything is written, naming it (exit 2); --force overwrites.
    const kept = 'vendors/copy-via-cli/vendors/copy-at-sub/records.ndjson';
    for (const f of walk(out)) if (f !== kept) unlinkSync(join(out, f));
    const again = await fetch();
    assert.equal(again.code, 2, again.stdout + again.stderr);
    assert.equal(again.stderr, `order fetch: ${join(out, kept)} exists; choose another --out or give --force`);
    assert.deepEqual(walk(out), [kept]);
    assert.equal((await fetch('--force')).code, 0);
    assert.equal((await runCli('verify', '--bundle', out, '--keyid', keyid)).code, 0);
  });
});

describe('order fetch against a server whose statements name vendor bundles it cannot fetch', () => {
  /** The envelopes the fake server serves, by path: '' for ours, else {artifact}/{file} as the route takes them. */
  const served = new Map<string, string>();
  const asked: string[] = [];
  let server: Server;
  let url: string;
  let tmp: string;
  let out: string;
  const envelope = (held: unknown[]) =>
    JSON.stringify({
      payload: base64Encode(new TextEncoder().encode(JSON.stringify({ derivedArtifacts: held.map((name) => ({ name, disposition: 'held-by-vendor' })) }))),
      payloadType: 'application/vnd.shredproof.certificate.v2+json',
      signatures: [{ keyid: 'f'.repeat(64), sig: 'AA==' }],
    });
  const fetch = () => runCli('order', 'fetch', 'ord-fake', '--out', out, '--server', url, '--token', 'fake');

  before(async () => {
    server = createServer((req, res) => {
      const parts = (req.url ?? '').split('/').map(decodeURIComponent);
      asked.push(parts.join('/'));
      const key = parts[4] === 'certificate' ? '' : parts[4] === 'vendors' ? `${parts[5]}/${parts[6]}` : undefined;
      const body = key === undefined ? undefined : served.get(key);
      if (body === undefined) {
        res.writeHead(404, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ type: 'urn:shredproof:problem:not-found', title: 'Not found', status: 404, code: 'NOT_FOUND' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    tmp = mkdtempSync(join(tmpdir(), 'shredproof-fetch-'));
    out = join(tmp, 'out');
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(tmp, { recursive: true, force: true });
  });

  const cases: Array<[string, Record<string, unknown[]>, RegExp]> = [
    ['our statement names no artifact name', { '': ['Not A Name'] }, /^order fetch: the server's certificate for ord-fake names a held-by-vendor artifact "Not A Name" that cannot be fetched: its certificate's path, vendors\/Not A Name\/certificate\.json, has "Not A Name" in vendors\/, not an artifact name/],
    ['a vendor\'s statement names ..', { '': ['a'], 'a/certificate.json': ['..'] }, /^order fetch: the server's vendors\/a\/certificate\.json of ord-fake names a held-by-vendor artifact "\.\." that cannot be fetched: its certificate's path in vendors\/a\/, vendors\/\.\.\/certificate\.json, has a \.\. segment/],
    ['a vendor\'s statement names a name that is no string', { '': ['a'], 'a/certificate.json': [7] }, /^order fetch: the server's vendors\/a\/certificate\.json of ord-fake names a held-by-vendor artifact 7 that cannot be fetched: its name is not a string$/m],
    [
      'vendors nest deeper than verifiers follow',
      { '': ['a'], 'a/certificate.json': ['b'], 'a/vendors/b/certificate.json': ['c'], 'a/vendors/b/vendors/c/certificate.json': ['d'], 'a/vendors/b/vendors/c/vendors/d/certificate.json': ['e'] },
      /^order fetch: the server's vendors\/a\/vendors\/b\/vendors\/c\/vendors\/d\/certificate\.json of ord-fake names a held-by-vendor artifact "e" that cannot be fetched: its certificate's path in vendors\/a\/, vendors\/b\/vendors\/c\/vendors\/d\/vendors\/e\/certificate\.json, nests vendors\/ 4 levels deep, at most 3/,
    ],
  ];
  for (const [what, statements, want] of cases) {
    it(`refuses when ${what}: exit 1 naming the certificate, the artifact and the problem; nothing is written, nothing bad is asked for`, async () => {
      served.clear();
      asked.length = 0;
      for (const [k, held] of Object.entries(statements)) served.set(k, envelope(held));
      const r = await fetch();
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, want);
      assert.equal(existsSync(out), false, 'nothing written');
      // Only the certificate and the certificates of the bundles the path rule takes were asked for.
      assert.deepEqual(asked, ['/v1/orders/ord-fake/certificate', ...Object.keys(statements).filter((k) => k).map((k) => `/v1/orders/ord-fake/vendors/${k}`)]);
    });
  }
});
