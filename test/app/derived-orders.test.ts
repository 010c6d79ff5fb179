// Orders that reach what was derived from the data (issue 16, item 3), on
// real files through the real engine (ledger, Redis queue, worker): the
// lineage registry holds a model trained on the users' photos, a model
// fine-tuned from it, and a model trained on the press kit only. An order
// over users/** with includeDerived plans the two face models with their
// lineage, destroys their files with the hashes this test computed itself,
// and certifies them, each as its own target derived:<name>, in a derived
// section that every check of the core accepts; the press-kit model is left
// alone. An artifact at a vendor, with no disposition, blocks the
// certificate with a message naming it, until an approver (not the creator)
// signs a disposition, which the certificate carries and verifiers check.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkDispositions, isStatementV2, resolveTrust, signDisposition, trustedKey, validateStatementV2, verifyCertificate, verifyTrusted } from '../../packages/verify/src/core/index.js';
import { disposeArtifact } from '../../src/app/dispositions.js';
import { addVendor, attachVendorCertificate, checkVendorDir } from '../../src/app/vendor-certificates.js';
import { RuleError } from '../../src/app/errors.js';
import { registerArtifact } from '../../src/app/artifacts.js';
import { createOrder } from '../../src/app/create-order.js';
import { executeOrder } from '../../src/app/execute-order.js';
import { certificateFiles } from '../../src/app/finalize-order.js';
import { planOrder } from '../../src/app/plan-order.js';
import { plannedArtifacts } from '../../src/app/plan-targets.js';
import { readCertificateView } from '../helpers/certificate-checks.js';
import { approveSigned, ensurePerson, personSigner } from '../helpers/approvals.js';
import { demoOrder, type Harness, startHarness } from '../helpers/engine-harness.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('orders that reach derived artifacts (issue 16)', { timeout: 180_000 }, () => {
  let h: Harness;
  let models: string;
  let dir: string;
  const files: Record<string, Buffer> = {
    'face-v1/weights.bin': Buffer.from('weights of the face model, version 1'),
    'face-v1/config.json': Buffer.from('{"layers": 12}'),
    'face-v1-ft/weights.bin': Buffer.from('fine-tuned weights'),
    'logo-model/weights.bin': Buffer.from('a model of the press kit only'),
  };
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sp-derived-models-'));
    models = join(dir, 'models');
    for (const [path, bytes] of Object.entries(files)) {
      mkdirSync(join(models, path, '..'), { recursive: true });
      writeFileSync(join(models, path), bytes);
    }
    h = await startHarness({ objects: 20, extraBackends: { models: { kind: 'filesystem', root: models } } });
    h.runtime.coordinator.start();
    const deps = h.runtime.deps;
    const register = (x: unknown) => registerArtifact(deps, x, 'trainer');
    await register({ name: 'face-model-v1', kind: 'model', description: 'face recognition, trained on user photos', location: { backend: 'models', scope: { include: ['face-v1/**'] } }, inputs: [{ scope: { backend: 'photos', scope: { include: ['users/**'] } } }] });
    await register({ name: 'face-model-v1-ft', kind: 'model', description: 'fine-tuned from face-model-v1', location: { backend: 'models', scope: { include: ['face-v1-ft/**'] } }, inputs: [{ artifact: 'face-model-v1' }] });
    await register({ name: 'logo-model', kind: 'model', description: 'trained on the press kit', location: { backend: 'models', scope: { include: ['logo-model/**'] } }, inputs: [{ scope: { backend: 'photos', scope: { include: ['press-kit/**'] } } }] });
  });
  after(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('plans the two face models with their lineage, destroys their files, and certifies each in the derived section', async () => {
    const deps = h.runtime.deps;
    const order = await createOrder(deps, { ...(demoOrder('photos') as object), includeDerived: true }, 'alice');
    const plan = await planOrder(deps, order.id, 'alice');
    assert.deepEqual(
      plan.derived.map((a) => [a.artifact, a.lineage.join(' > ')]),
      [
        ['face-model-v1', 'photos > face-model-v1'],
        ['face-model-v1-ft', 'photos > face-model-v1 > face-model-v1-ft'],
      ],
    );
    assert.deepEqual([plan.targets['derived:face-model-v1']!.objects, plan.targets['derived:face-model-v1-ft']!.objects], [2, 1]);
    assert.deepEqual(plannedArtifacts(deps.ledger.getOrder(order.id)!).map((a) => a.artifact), ['face-model-v1', 'face-model-v1-ft']);
    approveSigned(deps, order.id, 'bob', plan.planRoot);
    // Registered after the plan: not destroyed by this order, and reported in its certificate.
    mkdirSync(join(models, 'late'), { recursive: true });
    writeFileSync(join(models, 'late', 'vectors.bin'), 'embeddings computed after the plan');
    await registerArtifact(deps, { name: 'late-embeddings', kind: 'embeddings', description: 'computed after the plan', location: { backend: 'models', scope: { include: ['late/**'] } }, inputs: [{ artifact: 'face-model-v1' }] }, 'trainer');
    executeOrder(deps, order.id, 'alice');
    const done = await h.runtime.coordinator.waitFor(order.id);
    assert.equal(done.state, 'certified', done.failure ?? '');
    assert.equal(existsSync(join(models, 'late', 'vectors.bin')), true, 'not in the plan, not destroyed');

    // The models' files are gone, the press-kit model is not.
    for (const p of ['face-v1/weights.bin', 'face-v1/config.json', 'face-v1-ft/weights.bin']) assert.equal(existsSync(join(models, p)), false, p);
    assert.equal(existsSync(join(models, 'logo-model/weights.bin')), true);

    const cert = certificateFiles(h.config.dataDir, order.id);
    await readCertificateView(cert.dir); // every file of the bundle verifies, the records file included
    const { statement: s } = verifyCertificate(readFileSync(cert.certificate), [trustedKey(deps.signer.publicKey)]);
    assert.ok(isStatementV2(s));
    assert.deepEqual(
      s.derivedArtifacts?.map((a) => [a.name, a.disposition, a.target, a.lineage.join(' > ')]),
      [
        ['face-model-v1', 'destroyed', 'derived:face-model-v1', 'photos > face-model-v1'],
        ['face-model-v1-ft', 'destroyed', 'derived:face-model-v1-ft', 'photos > face-model-v1 > face-model-v1-ft'],
        ['late-embeddings', 'not-in-plan', undefined, 'photos > face-model-v1 > late-embeddings'],
      ],
    );
    assert.deepEqual(s.targets.map((t) => t.name), ['photos', 'derived:face-model-v1', 'derived:face-model-v1-ft']);
    assert.deepEqual(s.targets.slice(1).map((t) => [t.planned, t.destroyed.count, t.kind]), [[2, 2, 'filesystem'], [1, 1, 'filesystem']]);
    // Each model file's record carries the hash this test computed from the bytes it wrote.
    const records = readFileSync(cert.records, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { target: string; locator: string; sha256: string });
    for (const [path, bytes] of Object.entries(files).filter(([p]) => !p.startsWith('logo'))) {
      const target = path.startsWith('face-v1-ft/') ? 'derived:face-model-v1-ft' : 'derived:face-model-v1';
      const r = records.find((x) => x.target === target && x.locator === path);
      assert.equal(r?.sha256, sha256(bytes), path);
    }
    // The section is checked with the statement: a lineage that does not start at an order target is refused.
    const bad = structuredClone(s);
    bad.derivedArtifacts![1]!.lineage = ['somewhere', 'face-model-v1', 'face-model-v1-ft'];
    assert.throws(() => validateStatementV2(bad), /\$\.derivedArtifacts\[1\]\.lineage\[0\]: "somewhere" is not one of the order's own targets/);
    const dropped = structuredClone(s);
    dropped.derivedArtifacts = dropped.derivedArtifacts!.filter((a) => a.name !== 'face-model-v1-ft');
    assert.throws(() => validateStatementV2(dropped), /target derived:face-model-v1-ft is no artifact's of \$\.derivedArtifacts/);
  });

  it('an artifact at a vendor, with no disposition, blocks the certificate with a message naming it', async () => {
    const deps = h.runtime.deps;
    // The store again: the first order destroyed the photos the walk looks for.
    await registerArtifact(deps, { name: 'labels-at-acme', kind: 'vendor-copy', description: 'photos sent for labelling', location: { vendor: 'Acme Labeling', description: 's3://acme-intake/shredproof' }, inputs: [{ scope: { backend: 'photos', scope: { include: ['users/**'] } } }] }, 'trainer');
    const order = await createOrder(deps, { ...(demoOrder('photos') as object), includeDerived: true, targets: [{ backend: 'photos', scope: { include: ['users/**', 'press-kit/**'] } }] }, 'alice');
    const plan = await planOrder(deps, order.id, 'alice');
    assert.ok(plan.derived.some((a) => a.artifact === 'labels-at-acme' && 'vendor' in a.location), JSON.stringify(plan.derived));
    approveSigned(deps, order.id, 'bob', plan.planRoot);
    executeOrder(deps, order.id, 'alice');
    const deadline = Date.now() + 60_000;
    let o = deps.ledger.getOrder(order.id)!;
    while (!(o.state === 'finalizing' && o.failure) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      o = deps.ledger.getOrder(order.id)!;
    }
    assert.equal(o.state, 'finalizing', JSON.stringify({ progress: deps.ledger.progress(order.id), events: deps.ledger.events(order.id), derived: o.derived }));
    assert.match(o.failure ?? '', /derived artifact\(s\) with no disposition: labels-at-acme \(vendor-copy, at vendor Acme Labeling; derived photos -> labels-at-acme\)/);
    assert.equal(deps.ledger.certificate(order.id), undefined, 'no certificate');

    // The approver decides, with their own key: kept by the vendor for a stated reason. Refused first:
    // by the order's creator, for an artifact the order destroys, held-by-vendor without the vendor's
    // certificate, a signature over another justification.
    const bob = ensurePerson(deps, 'bob', 'approver');
    const why = 'Acme holds the labelled copies under the 2025 processing agreement until its own deletion run';
    const decide = (person: string, signer = personSigner(person), over = why, disposition: 'retained-with-justification' | 'held-by-vendor' = 'retained-with-justification') =>
      signDisposition(signer, { orderId: order.id, orderSha256: o.documentSha256, artifact: 'labels-at-acme', disposition, ...(disposition === 'retained-with-justification' ? { justification: over } : {}) }, { person, signedAt: new Date().toISOString() });
    const refused = (f: () => unknown, pattern: RegExp) =>
      assert.throws(f, (e: unknown) => e instanceof RuleError && e.code === 'DISPOSITION_REFUSED' && pattern.test(e.message));
    refused(() => disposeArtifact(deps, order.id, 'labels-at-acme', 'alice', { disposition: 'retained-with-justification', justification: why, signature: decide('alice') }), /alice created order/);
    refused(() => disposeArtifact(deps, order.id, 'face-model-v1', 'bob', { disposition: 'retained-with-justification', justification: why, signature: decide('bob', bob) }), /is finalizing: face-model-v1 is in derived:face-model-v1 of this plan, and an artifact the order destroys itself is retained only before execution starts/);
    refused(() => disposeArtifact(deps, order.id, 'labels-at-acme', 'bob', { disposition: 'held-by-vendor', signature: decide('bob', bob, why, 'held-by-vendor') }), /no certificate of the vendor Acme Labeling is attached/);
    refused(() => disposeArtifact(deps, order.id, 'labels-at-acme', 'bob', { disposition: 'retained-with-justification', justification: why, signature: decide('bob', bob, 'another reason') }), /the signature does not hold/);
    assert.equal(plannedArtifacts(deps.ledger.getOrder(order.id)!).find((a) => a.artifact === 'labels-at-acme')!.disposition, undefined, 'nothing recorded');
    disposeArtifact(deps, order.id, 'labels-at-acme', 'bob', { disposition: 'retained-with-justification', justification: why, signature: decide('bob', bob) });
    const done = await h.runtime.coordinator.waitFor(order.id);
    assert.match(done.state, /^certified/, done.failure ?? '');
    const cert = certificateFiles(h.config.dataDir, order.id);
    // Verified with the trust root, which checks bob's signature over the disposition.
    const trust = resolveTrust({ bundleRoot: readFileSync(cert.trust) });
    const { statement } = verifyTrusted(trust, (keys) => verifyCertificate(readFileSync(cert.certificate), keys));
    assert.ok(isStatementV2(statement));
    const entry = statement.derivedArtifacts!.find((a) => a.name === 'labels-at-acme')!;
    assert.deepEqual([entry.disposition, entry.justification, entry.signedBy?.person, entry.signedBy?.keyid], ['retained-with-justification', why, 'bob', bob.keyid]);
    // The same statement with the justification changed after bob signed: every verifier with the trust root refuses it.
    const forged = structuredClone(statement);
    forged.derivedArtifacts!.find((a) => a.name === 'labels-at-acme')!.justification = 'we kept it';
    assert.throws(() => checkDispositions(trust.root!, forged), (e: unknown) => (e as { code?: string }).code === 'APPROVAL_INVALID');
  });

  it('a vendor\'s certificate, issued by a second shredproof with its own key, is attached, bound and carried; forged, mis-pinned or another order\'s are refused', async () => {
    const deps = h.runtime.deps;
    await registerArtifact(deps, { name: 'copy-at-vendor', kind: 'vendor-copy', description: 'photos sent to the vendor', location: { vendor: 'Vendor Inc', description: 'the vendor\'s photo store' }, inputs: [{ scope: { backend: 'photos', scope: { include: ['users/**'] } } }] }, 'trainer');
    const order = await createOrder(deps, { ...(demoOrder('photos') as object), includeDerived: true }, 'alice');
    const plan = await planOrder(deps, order.id, 'alice');
    assert.ok(plan.derived.some((a) => a.artifact === 'copy-at-vendor'));
    // The vendor: another shredproof, its own key and ledger, runs an order that names ours.
    const vendor = await startHarness({ objects: 6 });
    try {
      vendor.runtime.coordinator.start();
      // Each vendor order destroys the vendor's photos afresh (put back from a copy), so that each certificate has records.
      const vendorStore = join(vendor.dir, 'store-copy');
      cpSync(vendor.dataset.root, vendorStore, { recursive: true });
      const vendorCertificate = async (reference: string) => {
        cpSync(vendorStore, vendor.dataset.root, { recursive: true });
        const vo = await createOrder(vendor.runtime.deps, { ...(demoOrder('photos') as object), reference }, 'vera');
        const vp = await planOrder(vendor.runtime.deps, vo.id, 'vera');
        approveSigned(vendor.runtime.deps, vo.id, 'victor', vp.planRoot);
        executeOrder(vendor.runtime.deps, vo.id, 'vera');
        assert.match((await vendor.runtime.coordinator.waitFor(vo.id)).state, /^certified/);
        return certificateFiles(vendor.config.dataDir, vo.id).dir;
      };
      const theirs = await vendorCertificate(`Deletion of photos received from Example Corp under their order ${order.id}`);
      const attach = (dir: string) => attachVendorCertificate(deps, order.id, 'copy-at-vendor', dir, 'alice');
      const refusedWith = async (dir: string, pattern: RegExp) =>
        assert.rejects(attach(dir), (e: unknown) => e instanceof RuleError && e.code === 'VENDOR_CERTIFICATE_REFUSED' && pattern.test(e.message));
      // Not pinned yet: refused, with what to do.
      await refusedWith(theirs, /no vendor named "Vendor Inc" is registered: pin it/);
      // Pinned to another trust root (another key): refused.
      addVendor(deps, { name: 'Vendor Inc', trustJson: readFileSync(join(certificateFiles(h.config.dataDir, deps.ledger.listOrders()[0]!.id).dir, 'trust.json'), 'utf8') }, 'root');
      await refusedWith(theirs, /is not the trust root Vendor Inc is pinned to/);
      // A vendor is pinned once: the rest goes through a second vendor, pinned to the vendor's real trust root.
      const pinned = readFileSync(join(theirs, 'trust.json'), 'utf8');
      await registerArtifact(deps, { name: 'copy-at-vendor-2', kind: 'vendor-copy', description: 'the same, pinned right', location: { vendor: 'Vendor Two', description: 'x' }, inputs: [{ artifact: 'copy-at-vendor' }] }, 'trainer');
      addVendor(deps, { name: 'Vendor Two', trustJson: pinned }, 'root');
      const order2 = await createOrder(deps, { ...(demoOrder('photos') as object), includeDerived: true }, 'alice');
      const plan2 = await planOrder(deps, order2.id, 'alice');
      assert.ok(plan2.derived.some((a) => a.artifact === 'copy-at-vendor-2'), JSON.stringify(plan2.derived.map((a) => a.artifact)));
      const attach2 = (dir: string) => attachVendorCertificate(deps, order2.id, 'copy-at-vendor-2', dir, 'alice');
      const refused2 = async (dir: string, pattern: RegExp) =>
        assert.rejects(attach2(dir), (e: unknown) => e instanceof RuleError && e.code === 'VENDOR_CERTIFICATE_REFUSED' && pattern.test(e.message));
      // For another order (its reference names order 1, not order 2): refused.
      await refused2(theirs, /whose reference does not name ours .* it covers another scope/);
      const forOrder2 = await vendorCertificate(`Deletion under Example Corp order ${order2.id}`);
      // Forged: a record of the vendor's bundle changed after it was signed.
      const forged = join(vendor.dir, 'forged');
      cpSync(forOrder2, forged, { recursive: true });
      writeFileSync(join(forged, 'records.ndjson'), readFileSync(join(forged, 'records.ndjson'), 'utf8').replace(/"size":(\d+)/, (_, n) => `"size":${Number(n) + 1}`));
      await refused2(forged, /it does not verify: MERKLE_ROOT_MISMATCH: records\.ndjson/);
      assert.equal(plannedArtifacts(deps.ledger.getOrder(order2.id)!).find((a) => a.artifact === 'copy-at-vendor-2')!.vendorEvidence, undefined, 'nothing attached');
      // The right one: attached; then bob decides held-by-vendor over its digests; the order runs; both vendor artifacts decided.
      const evidence = await attach2(forOrder2);
      assert.equal(evidence.certificateSha256, sha256(readFileSync(join(forOrder2, 'certificate.json'))));
      const bob = ensurePerson(deps, 'bob', 'approver');
      const o2 = deps.ledger.getOrder(order2.id)!;
      const held = signDisposition(bob, { orderId: order2.id, orderSha256: o2.documentSha256, artifact: 'copy-at-vendor-2', disposition: 'held-by-vendor', vendor: evidence }, { person: 'bob', signedAt: new Date().toISOString() });
      disposeArtifact(deps, order2.id, 'copy-at-vendor-2', 'bob', { disposition: 'held-by-vendor', signature: held });
      for (const other of plannedArtifacts(o2).filter((a) => 'vendor' in a.location && a.artifact !== 'copy-at-vendor-2')) {
        const why = 'kept by the vendor under contract, pending its own run';
        const sig = signDisposition(bob, { orderId: order2.id, orderSha256: o2.documentSha256, artifact: other.artifact, disposition: 'retained-with-justification', justification: why }, { person: 'bob', signedAt: new Date().toISOString() });
        disposeArtifact(deps, order2.id, other.artifact, 'bob', { disposition: 'retained-with-justification', justification: why, signature: sig });
      }
      approveSigned(deps, order2.id, 'bob', plan2.planRoot);
      executeOrder(deps, order2.id, 'alice');
      const done = await h.runtime.coordinator.waitFor(order2.id);
      assert.match(done.state, /^certified/, done.failure ?? '');
      const cert = certificateFiles(h.config.dataDir, order2.id);
      const trust = resolveTrust({ bundleRoot: readFileSync(cert.trust) });
      const { statement } = verifyTrusted(trust, (keys) => verifyCertificate(readFileSync(cert.certificate), keys));
      assert.ok(isStatementV2(statement));
      const entry = statement.derivedArtifacts!.find((a) => a.name === 'copy-at-vendor-2')!;
      assert.deepEqual(entry.vendor, evidence);
      // Our bundle carries the vendor's, and it checks out recursively against what our statement binds.
      await checkVendorDir(join(cert.dir, 'vendors', 'copy-at-vendor-2'), entry, order2.id);
      assert.equal(readFileSync(join(cert.dir, 'vendors', 'copy-at-vendor-2', 'certificate.json'), 'utf8'), readFileSync(join(forOrder2, 'certificate.json'), 'utf8'));
    } finally {
      await vendor.close();
    }
  });
});
