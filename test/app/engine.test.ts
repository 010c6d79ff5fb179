// The whole order flow against real Redis, a real ledger, real files and a
// real worker: what is certified is exactly what was destroyed.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseRecordLine, publicKeyFromPem, trustedKey, verifyCertificate } from '../../packages/verify/src/core/index.js';
import { approveSigned } from '../helpers/approvals.js';
import { createOrder } from '../../src/app/create-order.js';
import { executeOrder } from '../../src/app/execute-order.js';
import { certificateFiles } from '../../src/app/finalize-order.js';
import { planOrder } from '../../src/app/plan-order.js';
import { verifyRecordsFile } from '../../packages/verify/src/node/fast-verify.js';
import { demoOrder, type Harness, startHarness } from '../helpers/engine-harness.js';

describe('engine: a complete order', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ objects: 600, batchSize: 64 });
  });
  after(() => h?.close());

  it('destroys exactly the planned, unheld objects and certifies them with their true hashes', async () => {
    const { deps, coordinator } = h.runtime;
    const order = await createOrder(deps, demoOrder('photos'), 'alice');
    const plan = await planOrder(deps, order.id, 'alice');
    assert.equal(plan.count, h.dataset.inScope.size + h.dataset.held.size);
    assert.equal(plan.targets.photos!.held, h.dataset.held.size);
    approveSigned(deps, order.id, 'bob', plan.planRoot);
    executeOrder(deps, order.id, 'alice');
    coordinator.start();
    const done = await coordinator.waitFor(order.id);
    assert.equal(done.state, 'certified', done.failure ?? '');

    const files = certificateFiles(h.config.dataDir, order.id);
    const pem = readFileSync(files.publicKey, 'utf8');
    const { statement } = verifyCertificate(readFileSync(files.certificate, 'utf8'), [trustedKey(publicKeyFromPem(pem))]);
    await verifyRecordsFile(statement, files.records);
    assert.equal(statement.completeness.destroyed, h.dataset.inScope.size);
    assert.equal(statement.completeness.retained, h.dataset.held.size);
    assert.equal(statement.completeness.exceptions, 0);
    assert.equal(statement.rescan.remaining, h.dataset.held.size);
    assert.equal(statement.inventory.rootHash, plan.planRoot);

    const lines = readFileSync(files.records, 'utf8').trimEnd().split('\n');
    const seen = new Set<string>();
    for (const line of lines) {
      const r = parseRecordLine(line);
      assert.equal(r.sha256, h.dataset.inScope.get(r.locator), `hash of ${r.locator}`);
      assert.ok(!seen.has(r.locator), `${r.locator} listed twice`);
      seen.add(r.locator);
      assert.equal(existsSync(join(h.dataset.root, r.locator)), false, `${r.locator} still exists`);
      assert.equal(r.method, 'unlink');
    }
    assert.equal(seen.size, h.dataset.inScope.size);
    for (const l of [...h.dataset.held.keys(), ...h.dataset.outOfScope.keys()]) {
      assert.ok(existsSync(join(h.dataset.root, l)), `${l} must survive`);
    }
  });
});
