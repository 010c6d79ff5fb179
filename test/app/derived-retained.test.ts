// A derived artifact that the plan found here, retained instead of destroyed
// (issue 16, item 3: "or given an explicit disposition that an approver
// signs: retained-with-justification"), on real files through the real
// engine. Two models of the users' photos are planned as targets
// derived:<name>; before execution, an approver (never the order's creator)
// retains the first with their own key. Its files then survive the order,
// its objects are kept under the hold derived.face-model-v1 and listed in
// retained.ndjson with the content hashes this test computed itself, its
// target destroys nothing, and the certificate says all of it; the second
// model, whose batches come after the first's, is destroyed as planned.
// Once execution has started, a model is destroyed with the rest: retaining
// it is refused, as is held-by-vendor for an artifact that is not at a
// vendor, and an order's own hold may not use the derived. prefix.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { signDisposition } from '../../packages/verify/src/core/index.js';
import { registerArtifact } from '../../src/app/artifacts.js';
import { createOrder } from '../../src/app/create-order.js';
import { disposeArtifact } from '../../src/app/dispositions.js';
import { ValidationError } from '../../packages/verify/src/core/errors.js';
import { RuleError } from '../../src/app/errors.js';
import { executeOrder } from '../../src/app/execute-order.js';
import { certificateFiles } from '../../src/app/finalize-order.js';
import { planOrder } from '../../src/app/plan-order.js';
import { plannedArtifacts } from '../../src/app/plan-targets.js';
import type { OrderRow } from '../../src/app/ports/orders.js';
import { approveSigned, ensurePerson, personSigner } from '../helpers/approvals.js';
import { readCertificateView } from '../helpers/certificate-checks.js';
import { demoOrder, type Harness, startHarness } from '../helpers/engine-harness.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const WHY = 'Kept for the court-ordered bias audit of case 26-cv-123 until 2027-06-30';

describe('a derived artifact retained before execution (issue 16)', { timeout: 180_000 }, () => {
  let h: Harness;
  let dir: string;
  let models: string;
  const files: Record<string, Buffer> = {
    'face-v1/weights.bin': Buffer.from('weights of the face model, version 1'),
    'face-v1/config.json': Buffer.from('{"layers": 12}'),
    'face-v1-ft/weights.bin': Buffer.from('fine-tuned weights'),
  };
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sp-derived-retained-'));
    models = join(dir, 'models');
    for (const [path, bytes] of Object.entries(files)) {
      mkdirSync(join(models, path, '..'), { recursive: true });
      writeFileSync(join(models, path), bytes);
    }
    // A batch size of 1: each model file is its own batch, so that retaining the first model moves the second's batches.
    h = await startHarness({ objects: 12, batchSize: 1, extraBackends: { models: { kind: 'filesystem', root: models } } });
    h.runtime.coordinator.start();
    const deps = h.runtime.deps;
    const register = (x: unknown) => registerArtifact(deps, x, 'trainer');
    await register({ name: 'face-model-v1', kind: 'model', description: 'face recognition, trained on user photos', location: { backend: 'models', scope: { include: ['face-v1/**'] } }, inputs: [{ scope: { backend: 'photos', scope: { include: ['users/**'] } } }] });
    await register({ name: 'face-model-v1-ft', kind: 'model', description: 'fine-tuned from face-model-v1', location: { backend: 'models', scope: { include: ['face-v1-ft/**'] } }, inputs: [{ artifact: 'face-model-v1' }] });
  });
  after(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const decide = (o: OrderRow, person: string, artifact: string, disposition: 'retained-with-justification' | 'held-by-vendor', justification?: string) =>
    signDisposition(personSigner(person), { orderId: o.id, orderSha256: o.documentSha256, artifact, disposition, ...(justification !== undefined ? { justification } : {}) }, { person, signedAt: new Date().toISOString() });
  const refused = (f: () => unknown, pattern: RegExp) =>
    assert.throws(f, (e: unknown) => e instanceof RuleError && e.code === 'DISPOSITION_REFUSED' && pattern.test(e.message), pattern.source);

  it('an order\'s own hold may not take an id the retained artifacts use', async () => {
    const doc = { ...(demoOrder('photos') as { holds: Array<Record<string, unknown>> }), includeDerived: true };
    const bad = { ...doc, holds: [{ ...doc.holds[0]!, id: 'derived.face-model-v1' }] };
    await assert.rejects(createOrder(h.runtime.deps, bad, 'alice'), (e: unknown) => e instanceof ValidationError && e.fields.some((f) => f.path === '$.holds[0].id' && /must not start with "derived\."/.test(f.problem)));
  });

  it('retained by an approver before execution: its files survive, its objects are kept with their hashes, and the certificate says so', async () => {
    const deps = h.runtime.deps;
    ensurePerson(deps, 'bob', 'approver');
    ensurePerson(deps, 'alice', 'approver');
    const order = await createOrder(deps, { ...(demoOrder('photos') as object), includeDerived: true }, 'alice');
    const plan = await planOrder(deps, order.id, 'alice');
    assert.deepEqual(plan.derived.map((a) => a.artifact), ['face-model-v1', 'face-model-v1-ft']);
    let o = deps.ledger.getOrder(order.id)!;
    const batchesBefore = deps.ledger.plannedBatchCount(order.id)!;

    // Refused, and nothing changes: by the order's creator; held-by-vendor for a model that is here; a signature over another reason.
    refused(() => disposeArtifact(deps, order.id, 'face-model-v1', 'alice', { disposition: 'retained-with-justification', justification: WHY, signature: decide(o, 'alice', 'face-model-v1', 'retained-with-justification', WHY) }), /alice created order/);
    refused(() => disposeArtifact(deps, order.id, 'face-model-v1', 'bob', { disposition: 'held-by-vendor', signature: decide(o, 'bob', 'face-model-v1', 'held-by-vendor') }), /is in derived:face-model-v1 of this plan, not at a vendor/);
    refused(() => disposeArtifact(deps, order.id, 'face-model-v1', 'bob', { disposition: 'retained-with-justification', justification: WHY, signature: decide(o, 'bob', 'face-model-v1', 'retained-with-justification', 'another reason') }), /the signature does not hold/);
    assert.equal(deps.ledger.retained(order.id).filter((r) => r.target === 'derived:face-model-v1').length, 0, 'nothing kept by a refusal');
    assert.equal(plannedArtifacts(deps.ledger.getOrder(order.id)!)[0]!.disposition, undefined);

    o = disposeArtifact(deps, order.id, 'face-model-v1', 'bob', { disposition: 'retained-with-justification', justification: WHY, signature: decide(o, 'bob', 'face-model-v1', 'retained-with-justification', WHY) });
    assert.equal(o.planRoot, plan.planRoot, 'the plan the approvers sign is the same: a disposition changes what is done with an object, not what was planned');
    assert.deepEqual(deps.ledger.retained(order.id).filter((r) => r.target === 'derived:face-model-v1').map((r) => [r.locator, r.holdId]).sort(), [
      ['face-v1/config.json', 'derived.face-model-v1'],
      ['face-v1/weights.bin', 'derived.face-model-v1'],
    ]);
    // Its two batches are gone, and the later ones moved down: batches 0..n-1 still.
    assert.equal(deps.ledger.plannedBatchCount(order.id), batchesBefore - 2);
    assert.deepEqual(deps.ledger.pendingBatches(order.id), [...Array(batchesBefore - 2).keys()]);
    assert.ok(deps.ledger.events(order.id).length > 0);

    approveSigned(deps, order.id, 'bob', plan.planRoot);
    executeOrder(deps, order.id, 'alice');
    // Execution has started (execute is synchronous up to here): the other model is destroyed with the rest now.
    o = deps.ledger.getOrder(order.id)!;
    assert.equal(o.state, 'executing');
    refused(
      () => disposeArtifact(deps, order.id, 'face-model-v1-ft', 'bob', { disposition: 'retained-with-justification', justification: WHY, signature: decide(o, 'bob', 'face-model-v1-ft', 'retained-with-justification', WHY) }),
      /is executing: face-model-v1-ft is in derived:face-model-v1-ft of this plan, and an artifact the order destroys itself is retained only before execution starts/,
    );
    const done = await h.runtime.coordinator.waitFor(order.id);
    assert.equal(done.state, 'certified', done.failure ?? '');

    assert.equal(existsSync(join(models, 'face-v1/weights.bin')), true, 'retained: not destroyed');
    assert.equal(existsSync(join(models, 'face-v1/config.json')), true, 'retained: not destroyed');
    assert.equal(existsSync(join(models, 'face-v1-ft/weights.bin')), false, 'the fine-tuned model was not retained');

    const cert = certificateFiles(h.config.dataDir, order.id);
    const view = await readCertificateView(cert.dir); // verifies with the bundle's trust root, bob's disposition signature included
    const entry = view.derivedArtifacts!.find((a) => a.name === 'face-model-v1')!;
    assert.deepEqual([entry.disposition, entry.target, entry.justification, entry.signedBy?.person], ['retained-with-justification', 'derived:face-model-v1', WHY, 'bob']);
    assert.equal(view.derivedArtifacts!.find((a) => a.name === 'face-model-v1-ft')!.disposition, 'destroyed');
    const target = view.targets.find((t) => t.name === 'derived:face-model-v1')!;
    assert.deepEqual([target.planned, target.destroyed.count, target.retained], [2, 0, 2]);
    const kept = view.retained.filter((r) => r.target === 'derived:face-model-v1');
    for (const path of ['face-v1/weights.bin', 'face-v1/config.json']) {
      const r = kept.find((x) => x.locator === path);
      assert.deepEqual([r?.holdId, r?.sha256, r?.size], ['derived.face-model-v1', sha256(files[path]!), files[path]!.length], path);
      assert.match(r!.reason, /^derived artifact face-model-v1 retained with justification, signed by bob/);
    }
    const records = readFileSync(cert.records, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { target: string; locator: string; sha256: string });
    assert.equal(records.filter((r) => r.target === 'derived:face-model-v1').length, 0, 'no record of a retained object');
    assert.equal(records.find((r) => r.locator === 'face-v1-ft/weights.bin')?.sha256, sha256(files['face-v1-ft/weights.bin']!));
  });
});
