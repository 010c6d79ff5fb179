// An order's derived artifacts at vendors through the HTTP API
// (src/http/routes/derived.ts, bundle.ts), against a real server, ledger,
// Redis and worker, and a second shredproof instance, with its own key,
// ledger and people, as the vendor: an order that reaches two vendor copies
// lists them in plan.derived; a vendor's bundle is staged a file at a time
// and attached, or refused (vendor not pinned, pinned to another trust root,
// another order's certificate, a tampered bundle, a file missing, nothing
// staged, an unknown file name); the approver signs a disposition of each
// with their own key (the creator is refused); the order is certified and
// serves the vendor's bundle byte for byte under vendors/<artifact>/.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isStatementV2, signDisposition, verifyCertificate, trustedKey } from '../../packages/verify/src/core/index.js';
import { addVendor, VENDOR_BUNDLE_FILES } from '../../src/app/vendor-certificates.js';
import { approveSigned, personSigner } from '../helpers/approvals.js';
import { createOrder } from '../../src/app/create-order.js';
import { executeOrder } from '../../src/app/execute-order.js';
import { certificateFiles } from '../../src/app/finalize-order.js';
import { planOrder } from '../../src/app/plan-order.js';
import { type ApiHarness, approvalBody, startApiHarness, waitForState } from '../helpers/api-harness.js';
import { demoOrder, type Harness, startHarness } from '../helpers/engine-harness.js';
import { problem } from './problem-check.js';

type Json = Record<string, any>;
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

const ACME = 'copy-at-acme';
const BETA = 'copy-at-beta';
const vendorCopy = (name: string, vendor: string) => ({
  name,
  kind: 'vendor-copy',
  description: `the users' photos as sent to ${vendor}`,
  location: { vendor, description: `${vendor}'s intake bucket` },
  inputs: [{ scope: { backend: 'photos', scope: { include: ['users/**'] } } }],
});

describe('HTTP API: derived artifacts at vendors in an order', { timeout: 300_000 }, () => {
  let api: ApiHarness;
  let vendor: Harness;
  let id: string;
  /** The vendor's certificate bundles: for our order, and for another. */
  let theirs: string;
  let otherOrders: string;

  /** A certificate bundle of the vendor's, for an order of theirs whose reference is `reference`. */
  async function vendorCertificate(reference: string): Promise<string> {
    cpSync(join(vendor.dir, 'store-copy'), vendor.dataset.root, { recursive: true });
    const deps = vendor.runtime.deps;
    const vo = await createOrder(deps, { ...(demoOrder('photos') as object), reference }, 'vera');
    const vp = await planOrder(deps, vo.id, 'vera');
    approveSigned(deps, vo.id, 'victor', vp.planRoot);
    executeOrder(deps, vo.id, 'vera');
    assert.match((await vendor.runtime.coordinator.waitFor(vo.id)).state, /^certified/);
    return certificateFiles(vendor.config.dataDir, vo.id).dir;
  }

  const put = (artifact: string, file: string, body: Uint8Array | string, init: { as?: keyof ApiHarness['tokens']; type?: string } = {}) =>
    api.call(`/v1/orders/${id}/derived/${artifact}/vendor-bundle/${file}`, { method: 'PUT', as: init.as ?? 'alice', body: typeof body === 'string' ? body : new Uint8Array(body), headers: { 'content-type': init.type ?? 'application/octet-stream' } });
  /** PUTs each file of the bundle in `dir` (those of `only`, if given). */
  async function stage(artifact: string, dir: string, only?: string[]): Promise<void> {
    for (const f of readdirSync(dir).filter((n) => (VENDOR_BUNDLE_FILES as readonly string[]).includes(n) && (!only || only.includes(n)))) {
      const bytes = readFileSync(join(dir, f));
      const r = await put(artifact, f, bytes);
      const body = (await r.json()) as Json;
      assert.equal(r.status, 200, JSON.stringify(body));
      assert.deepEqual([body.file, body.size, body.sha256], [f, bytes.length, sha256(bytes)]);
    }
  }
  const attach = (artifact: string, as: keyof ApiHarness['tokens'] = 'alice') => api.call(`/v1/orders/${id}/derived/${artifact}/vendor-certificate`, { method: 'POST', as });
  const refused = async (artifact: string, pattern: RegExp) => {
    const p = await problem(await attach(artifact), 409, 'VENDOR_CERTIFICATE_REFUSED');
    assert.match(p.detail, pattern);
  };
  const order = async () => (await (await api.call(`/v1/orders/${id}`, { as: 'audrey' })).json()) as Json;
  const derived = async (name: string) => ((await order()).plan.derived as Json[]).find((a) => a.artifact === name)!;
  /** A disposition body signed by `person` with their test key, over this order and `decision`. */
  const dispositionBy = (person: string, o: Json, artifact: string, decision: { justification: string } | { vendor: { certificateSha256: string; trustSha256: string } }) => {
    const disposition = 'justification' in decision ? 'retained-with-justification' : 'held-by-vendor';
    const s = signDisposition(personSigner(person), { orderId: o.id, orderSha256: o.documentSha256, artifact, disposition, ...decision }, { person, signedAt: new Date().toISOString() });
    return { disposition, ...('justification' in decision ? { justification: decision.justification } : {}), signature: { keyid: s.keyid, signedAt: s.signedAt, signature: s.signature } };
  };
  const dispose = (artifact: string, as: keyof ApiHarness['tokens'], body: unknown) => api.call(`/v1/orders/${id}/derived/${artifact}/disposition`, { method: 'POST', as, json: body });

  before(async () => {
    api = await startApiHarness({ objects: 20 });
    vendor = await startHarness({ objects: 6 });
    vendor.runtime.coordinator.start();
    cpSync(vendor.dataset.root, join(vendor.dir, 'store-copy'), { recursive: true });
    for (const [name, v] of [[ACME, 'Acme Labeling'], [BETA, 'Beta Vendor']]) {
      const r = await api.call('/v1/artifacts', { method: 'POST', json: vendorCopy(name!, v!) });
      assert.equal(r.status, 201, await r.text());
    }
    const created = await api.call('/v1/orders', { method: 'POST', json: { ...(demoOrder('photos') as object), includeDerived: true } });
    id = ((await created.json()) as Json).id;
    assert.equal((await api.call(`/v1/orders/${id}/plan`, { method: 'POST' })).status, 202);
    await waitForState(api, id, ['planned']);
    theirs = await vendorCertificate(`Deletion of the photos received from Example Corp under their order ${id}`);
    otherOrders = await vendorCertificate('Deletion under Example Corp order ord-00000000-0000-4000-8000-000000000000');
  });
  after(async () => {
    await vendor?.close();
    await api?.close();
  });

  it('plan.derived lists each artifact at a vendor with its lineage, no certificate and no disposition yet', async () => {
    const o = await order();
    assert.deepEqual(
      (o.plan.derived as Json[]).map((a) => [a.artifact, a.kind, a.lineage.join(' > '), a.location, a.vendorCertificate, a.vendorStatus, a.disposition]),
      [
        [ACME, 'vendor-copy', `photos > ${ACME}`, { vendor: 'Acme Labeling', description: "Acme Labeling's intake bucket" }, null, null, null],
        [BETA, 'vendor-copy', `photos > ${BETA}`, { vendor: 'Beta Vendor', description: "Beta Vendor's intake bucket" }, null, null, null],
      ],
    );
  });

  it('PUT stages a file as received; an unknown file name, another content type, another artifact and another role are refused', async () => {
    const bytes = readFileSync(join(theirs, 'trust.json'));
    const r = await put(ACME, 'trust.json', bytes);
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { artifact: ACME, file: 'trust.json', size: bytes.length, sha256: sha256(bytes), staged: ['trust.json'] });
    const bad = await problem(await put(ACME, 'notes.txt', 'x'), 400, 'INVALID_REQUEST');
    assert.deepEqual(bad.errors.map((e: Json) => [e.in, e.path]), [['path', '$.file']]);
    await problem(await put(ACME, '..%2Ftrust.json', 'x'), 400, 'INVALID_REQUEST');
    await problem(await put(ACME, 'trust.json', bytes, { type: 'application/json' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    await problem(await put('no-such-artifact', 'trust.json', bytes), 404, 'NOT_FOUND');
    await problem(await put(ACME, 'trust.json', bytes, { as: 'bob' }), 403, 'FORBIDDEN');
    // The staged file is the last one sent, whole.
    const again = (await (await put(ACME, 'trust.json', bytes)).json()) as Json;
    assert.deepEqual(again.staged, ['trust.json']);
    const root = join(api.config.dataDir, 'vendor-uploads', id);
    assert.deepEqual(readdirSync(root).sort(), [ACME]);
    assert.deepEqual(readFileSync(join(root, ACME, 'trust.json')), bytes);
  });

  it('refuses a vendor that is not pinned, then one pinned to another trust root; the staged files are cleared after each attempt', async () => {
    await stage(ACME, theirs);
    await refused(ACME, /no vendor named "Acme Labeling" is registered: pin it/);
    await refused(ACME, /no file of its bundle is staged/);
    // Pinned on the server's machine (shredproof vendor add), to our own trust root: another key.
    addVendor(api.runtime.deps, { name: 'Acme Labeling', trustJson: await (await api.call('/v1/trust.json', { as: null })).text() }, 'root');
    await stage(ACME, theirs);
    await refused(ACME, /its trust\.json \(SHA-256 [0-9a-f]{64}\) is not the trust root Acme Labeling is pinned to/);
    assert.equal((await derived(ACME)).vendorCertificate, null);
  });

  it('refuses another order\'s certificate, a tampered bundle, and a bundle with a file missing; nothing changes', async () => {
    addVendor(api.runtime.deps, { name: 'Beta Vendor', trustJson: readFileSync(join(theirs, 'trust.json'), 'utf8') }, 'root');
    await stage(BETA, otherOrders);
    await refused(BETA, /whose reference does not name ours .* it covers another scope/);
    const tampered = join(vendor.dir, 'tampered');
    cpSync(theirs, tampered, { recursive: true });
    writeFileSync(join(tampered, 'records.ndjson'), readFileSync(join(tampered, 'records.ndjson'), 'utf8').replace(/"size":(\d+)/, (_, n) => `"size":${Number(n) + 1}`));
    await stage(BETA, tampered);
    await refused(BETA, /it does not verify: MERKLE_ROOT_MISMATCH: records\.ndjson/);
    await stage(BETA, theirs, ['certificate.json', 'trust.json']);
    await refused(BETA, /it does not verify: VENDOR_CERTIFICATE_MISMATCH: [a-z]+\.ndjson is missing from the vendor's bundle/);
    assert.equal((await derived(BETA)).vendorCertificate, null);
  });

  it('attaches the vendor\'s own certificate: 200 with the evidence and the vendor\'s run; the order then shows the evidence', async () => {
    await stage(BETA, theirs);
    const r = await attach(BETA);
    const { vendorStatus, ...evidence } = (await r.json()) as Json;
    assert.equal(r.status, 200, JSON.stringify(evidence));
    const vendorKey = vendor.runtime.deps.signer.keyid;
    assert.deepEqual(evidence, {
      name: 'Beta Vendor',
      certificateId: vendor.runtime.deps.ledger.certificate(vendor.runtime.deps.ledger.listOrders()[0]!.id)!.certificateId,
      certificateSha256: sha256(readFileSync(join(theirs, 'certificate.json'))),
      keyid: vendorKey,
      trustSha256: sha256(readFileSync(join(theirs, 'trust.json'))),
    });
    // What the vendor's certificate says of its own run, as its statement has it: complete, no exception.
    const { statement } = verifyCertificate(readFileSync(join(theirs, 'certificate.json'), 'utf8'), [trustedKey(vendor.runtime.deps.signer.publicKey)]);
    assert.ok(isStatementV2(statement));
    assert.deepEqual(vendorStatus, { status: 'complete', completeness: statement.completeness });
    assert.equal(statement.completeness.exceptions, 0);
    assert.deepEqual((await derived(BETA)).vendorCertificate, evidence);
    // plan.derived shows the vendor's run beside its certificate, for the approver who decides next.
    assert.deepEqual((await derived(BETA)).vendorStatus, vendorStatus);
    // The attempt's files are gone; nothing is left staged.
    assert.deepEqual(readdirSync(join(api.config.dataDir, 'vendor-uploads', id)), []);
    const audit = api.runtime.deps.ledger.access.audit({ limit: 100_000 }).filter((e) => e.orderId === id).map((e) => `${e.action} ${e.status ?? ''}`.trim());
    assert.ok(audit.includes('attachVendorCertificate 200') && audit.includes('attachVendorCertificate 409') && audit.includes('order.vendor-certificate'), audit.join('\n'));
  });

  it('a disposition is the approver\'s, with their own key: the creator, an operator, a bad body and a signature over something else are refused', async () => {
    const o = await order();
    const vendorCert = (await derived(BETA)).vendorCertificate as Json;
    const held = { vendor: { certificateSha256: vendorCert.certificateSha256, trustSha256: vendorCert.trustSha256 } };
    const creator = await problem(await dispose(BETA, 'aliceApprover', dispositionBy('alice', o, BETA, held)), 409, 'DISPOSITION_REFUSED');
    assert.match(creator.detail, /alice created order/);
    await problem(await dispose(BETA, 'olga', dispositionBy('bob', o, BETA, held)), 403, 'FORBIDDEN');
    const noReason = await problem(await dispose(ACME, 'bob', { disposition: 'retained-with-justification', justification: ' \n', signature: dispositionBy('bob', o, ACME, { justification: 'x' }).signature }), 400, 'INVALID_REQUEST');
    assert.deepEqual(noReason.errors.map((e: Json) => e.path), ['$.justification']);
    const other = await problem(await dispose(BETA, 'bob', dispositionBy('bob', o, BETA, { vendor: { ...held.vendor, certificateSha256: 'ab'.repeat(32) } })), 409, 'DISPOSITION_REFUSED');
    assert.match(other.detail, /the signature does not hold/);
    await problem(await dispose('no-such-artifact', 'bob', dispositionBy('bob', o, 'no-such-artifact', held)), 404, 'NOT_FOUND');
    assert.equal((await derived(BETA)).disposition, null);
  });

  it('bob decides both: held-by-vendor over the vendor\'s certificate, and retained with his reason; 200 with the order', async () => {
    const o = await order();
    const vendorCert = (await derived(BETA)).vendorCertificate as Json;
    const r = await dispose(BETA, 'bob', dispositionBy('bob', o, BETA, { vendor: { certificateSha256: vendorCert.certificateSha256, trustSha256: vendorCert.trustSha256 } }));
    const after = (await r.json()) as Json;
    assert.equal(r.status, 200, JSON.stringify(after));
    const beta = (after.plan.derived as Json[]).find((a) => a.artifact === BETA)!;
    assert.deepEqual([beta.disposition.disposition, beta.disposition.signedBy.person, beta.disposition.signedBy.keyid], ['held-by-vendor', 'bob', personSigner('bob').keyid]);
    const why = 'Acme keeps the labelled copies under the 2025 processing agreement until its own run';
    const kept = await dispose(ACME, 'bob', dispositionBy('bob', o, ACME, { justification: why }));
    assert.equal(kept.status, 200, await kept.clone().text());
    assert.deepEqual((await derived(ACME)).disposition.justification, why);
  });

  it('the order is certified, carrying the vendor\'s bundle: GET vendors/{artifact}/{file} serves it byte for byte', async () => {
    const planned = (await order()) as Json & Parameters<typeof approvalBody>[0];
    assert.equal((await api.call(`/v1/orders/${id}/approve`, { method: 'POST', as: 'bob', json: approvalBody(planned, 'bob') })).status, 200);
    assert.equal((await api.call(`/v1/orders/${id}/execute`, { method: 'POST' })).status, 202);
    const done = await waitForState(api, id, ['certified', 'certified-with-exceptions', 'failed', 'cancelled']);
    assert.equal(done.state, 'certified', done.failure);
    const envelope = await (await api.call(`/v1/orders/${id}/certificate`, { as: 'audrey' })).text();
    const { statement } = verifyCertificate(envelope, [trustedKey(api.runtime.deps.signer.publicKey)]);
    assert.ok(isStatementV2(statement));
    const entries = statement.derivedArtifacts!;
    assert.deepEqual(entries.map((e) => [e.name, e.disposition]), [[ACME, 'retained-with-justification'], [BETA, 'held-by-vendor']]);
    assert.deepEqual(entries[1]!.vendor, done.plan.derived[1].vendorCertificate);
    let served = 0;
    for (const f of VENDOR_BUNDLE_FILES) {
      const r = await api.call(`/v1/orders/${id}/vendors/${BETA}/${f}`, { as: 'audrey' });
      if (!existsSync(join(theirs, f))) {
        await problem(r, 404, 'NOT_FOUND');
        continue;
      }
      assert.equal(r.status, 200, f);
      assert.equal(r.headers.get('content-type'), 'application/octet-stream');
      assert.deepEqual(Buffer.from(await r.arrayBuffer()), readFileSync(join(theirs, f)), f);
      served++;
    }
    assert.ok(served >= 6, `${served} files`);
    await problem(await api.call(`/v1/orders/${id}/vendors/${ACME}/certificate.json`, { as: 'audrey' }), 404, 'NOT_FOUND');
    await problem(await api.call(`/v1/orders/${id}/vendors/${BETA}/secrets.txt`, { as: 'audrey' }), 400, 'INVALID_REQUEST');
    await problem(await api.call(`/v1/orders/${id}/vendors/${BETA}/certificate.json`, { as: null }), 401, 'UNAUTHENTICATED');
    // Certified: no more uploads, certificates or dispositions for it.
    await problem(await put(BETA, 'trust.json', readFileSync(join(theirs, 'trust.json'))), 409, 'VENDOR_CERTIFICATE_REFUSED');
    await problem(await attach(BETA), 409, 'VENDOR_CERTIFICATE_REFUSED');
  });

  it('a vendor file of an order without a certificate is 404 NO_CERTIFICATE', async () => {
    const draft = ((await (await api.call('/v1/orders', { method: 'POST', json: demoOrder('photos') })).json()) as Json).id;
    await problem(await api.call(`/v1/orders/${draft}/vendors/${BETA}/certificate.json`, { as: 'audrey' }), 404, 'NO_CERTIFICATE');
  });
});
