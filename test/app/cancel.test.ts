// Cancel: before execution nothing happens; during execution what was already
// destroyed is still certified, and the rest is listed as CANCELLED.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { approveSigned } from '../helpers/approvals.js';
import { jobIdFor } from '../../src/app/batch-types.js';
import { cancelOrder } from '../../src/app/cancel-order.js';
import { createOrder } from '../../src/app/create-order.js';
import { RuleError } from '../../src/app/errors.js';
import { dispatch, executeOrder } from '../../src/app/execute-order.js';
import { planOrder } from '../../src/app/plan-order.js';
import { assertTruthfulCertificate } from '../helpers/certificate-checks.js';
import { demoOrder, type Harness, startHarness } from '../helpers/engine-harness.js';
import { sleep, withTimeout } from '../helpers/procs.js';

describe('cancel', { timeout: 300_000 }, () => {
  const hs: Harness[] = [];
  after(async () => {
    for (const h of hs) await h.close();
  });

  it('before execution: the order ends cancelled, nothing is touched, and it cannot be executed', async () => {
    const h = await startHarness({ objects: 60, worker: false });
    hs.push(h);
    const { deps } = h.runtime;
    const order = await createOrder(deps, demoOrder('photos'), 'alice');
    const plan = await planOrder(deps, order.id, 'alice');
    approveSigned(deps, order.id, 'bob', plan.planRoot);
    assert.equal(cancelOrder(deps, order.id, 'carol', 'settlement amended').state, 'cancelled');
    assert.throws(() => executeOrder(deps, order.id, 'alice'), (e: unknown) => e instanceof RuleError && e.code === 'NOT_APPROVED');
    assert.throws(() => cancelOrder(deps, order.id, 'carol', 'again'), (e: unknown) => e instanceof RuleError && e.code === 'NOT_CANCELLABLE');
    for (const l of h.dataset.inScope.keys()) assert.ok(existsSync(join(h.dataset.root, l)));
    const events = deps.ledger.events(order.id);
    assert.deepEqual(events.at(-1), { ...events.at(-1)!, actor: 'carol', toState: 'cancelled' });
  });

  it('a cancel that lands while a dispatch runs stops its enqueueing (the caller held the order from before the cancel)', async () => {
    const h = await startHarness({ objects: 400, batchSize: 10, worker: false });
    hs.push(h);
    const { deps } = h.runtime;
    const order = await createOrder(deps, demoOrder('photos'), 'alice');
    const plan = await planOrder(deps, order.id, 'alice');
    approveSigned(deps, order.id, 'bob', plan.planRoot);
    executeOrder(deps, order.id, 'alice');
    const dispatched = await dispatch(deps, deps.ledger.getOrder(order.id)!, true);
    const ids = () => deps.ledger.pendingBatches(order.id).map((b) => jobIdFor(order.id, dispatched.epoch!, b));
    assert.equal((await deps.queue.existing(ids())).size, ids().length, 'every batch was enqueued');
    const stale = deps.ledger.getOrder(order.id)!;
    cancelOrder(deps, order.id, 'carol', 'stop');
    // The jobs leave the queue but their objects stay pending (as when Redis lost the jobs): to a
    // dispatch, every batch is missing.
    for (const id of ids()) await deps.queue.withdraw(id);
    assert.equal((await deps.queue.existing(ids())).size, 0, 'the jobs are gone');
    assert.ok(ids().length > 1, 'the objects are still pending');
    // The coordinator's next pass started from `stale`: every batch looks missing, and the cancel is
    // seen only inside the dispatch, before its first chunk.
    const after = await dispatch(deps, stale, true);
    assert.ok(after.cancelRequestedAt, 'dispatch returns the order as cancelled, so the caller withdraws');
    assert.equal((await deps.queue.existing(ids())).size, 0, 'nothing was enqueued again');
  });

  it('during execution: destroyed objects are certified, the rest are CANCELLED exceptions and survive', async () => {
    const h = await startHarness({ objects: 3000, batchSize: 20, worker: true, env: { SHREDPROOF_WORKER_CONCURRENCY: '1' } });
    hs.push(h);
    const { deps, coordinator } = h.runtime;
    const order = await createOrder(deps, demoOrder('photos'), 'alice');
    const plan = await planOrder(deps, order.id, 'alice');
    approveSigned(deps, order.id, 'bob', plan.planRoot);
    executeOrder(deps, order.id, 'alice');
    coordinator.start();
    const total = h.dataset.inScope.size;
    for (let i = 0; i < 600 && deps.ledger.pendingCount(order.id) > total * 0.8; i++) await sleep(10);
    cancelOrder(deps, order.id, 'carol', 'stop: wrong scope');
    const done = await withTimeout(coordinator.waitFor(order.id), 120_000, () => 'the cancelled order did not end');
    assert.equal(done.state, 'cancelled');
    const st = await assertTruthfulCertificate(h.config.dataDir, order.id, h.dataset, { complete: false });
    const cancelled = st.exceptions.filter((e) => e.code === 'CANCELLED');
    assert.ok(st.completeness.destroyed > 0 && cancelled.length > 0, `destroyed ${st.completeness.destroyed}, cancelled ${cancelled.length}`);
    for (const e of cancelled) assert.ok(existsSync(join(h.dataset.root, e.locator)), `${e.locator} is CANCELLED but gone`);
    assert.equal(st.completeness.destroyed + st.completeness.exceptions, total);
  });
});
