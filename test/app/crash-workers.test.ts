// Invariant 3 under fire: worker processes SIGKILLed at random moments, and
// at the two most delicate instants (right after the intent write, right
// after the destroy call, before the outcome is written). New workers take
// over; the certificate must list every destroyed file exactly once with its
// true hash, and nothing that still exists.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { assertTruthfulCertificate } from '../helpers/certificate-checks.js';
import { executeDemoOrder, type Harness, startHarness } from '../helpers/engine-harness.js';
import { kill, type Proc, prng, sleep, spawnShredproof, withTimeout } from '../helpers/procs.js';

const OBJECTS = 4000;

async function startOrder(h: Harness): Promise<string> {
  const id = await executeDemoOrder(h);
  h.runtime.coordinator.start();
  return id;
}

function worker(h: Harness, extra: Record<string, string> = {}): Proc {
  return spawnShredproof(['worker'], { ...h.env, SHREDPROOF_WORKER_CONCURRENCY: '2', LOG_LEVEL: 'warn', ...extra });
}

async function finishWithHealthyWorker(h: Harness, id: string, procs: Proc[]): Promise<void> {
  const healthy = worker(h);
  procs.push(healthy);
  const done = await withTimeout(h.runtime.coordinator.waitFor(id), 180_000, () => `order did not finish; worker output:\n${procs.map((p) => p.output()).join('\n---\n').slice(-4000)}`);
  assert.equal(done.state, 'certified', done.failure ?? '');
}

describe('crash safety: workers killed with SIGKILL', { timeout: 600_000 }, () => {
  const harnesses: Harness[] = [];
  const procs: Proc[] = [];
  after(async () => {
    await Promise.all(procs.map((p) => kill(p)));
    for (const h of harnesses) await h.close();
  });

  for (const seed of [1, 2, 3]) {
    it(`random kills, seed ${seed}`, async () => {
      const h = await startHarness({ objects: OBJECTS, batchSize: 40, worker: false });
      harnesses.push(h);
      const id = await startOrder(h);
      const rnd = prng(seed);
      const pendingAtKill: number[] = [];
      // Chaos: two workers at a time; each is killed at a random moment after it starts.
      for (let k = 0; k < 4 && h.runtime.deps.ledger.getOrder(id)!.state === 'executing'; k++) {
        const before = h.runtime.deps.ledger.pendingCount(id);
        const pair = [worker(h), worker(h)];
        procs.push(...pair);
        // wait until these workers are at work (results arriving), then strike at a random instant
        for (let t = 0; t < 300 && h.runtime.deps.ledger.pendingCount(id) === before; t++) await sleep(50);
        await sleep(rnd() * 250);
        pendingAtKill.push(h.runtime.deps.ledger.pendingCount(id));
        await kill(pair[0]!);
        await sleep(rnd() * 150);
        await kill(pair[1]!);
      }
      // The kills must have hit a run in progress, or this test proves nothing.
      assert.ok(pendingAtKill.some((n) => n > 0 && n < h.dataset.inScope.size), `kills at pending counts ${pendingAtKill.join(', ')}`);
      await finishWithHealthyWorker(h, id, procs);
      const st = await assertTruthfulCertificate(h.config.dataDir, id, h.dataset, { complete: true });
      assert.equal(st.completeness.destroyed, h.dataset.inScope.size);
    });
  }

  for (const fault of ['intents:2', 'destroy:1', 'destroy:3']) {
    it(`a worker killed right after its ${fault.replace(':', ' call #')} (before the outcome is recorded)`, async () => {
      const h = await startHarness({ objects: 400, batchSize: 25, worker: false });
      harnesses.push(h);
      const id = await startOrder(h);
      const faulty = worker(h, { SHREDPROOF_FAULT: fault });
      procs.push(faulty);
      const code = await withTimeout(faulty.exited, 60_000, () => `the faulty worker did not die: ${faulty.output().slice(-2000)}`);
      assert.equal(faulty.child.signalCode, 'SIGKILL', `the fault did not fire (exit ${String(code)}): ${faulty.output().slice(-2000)}`);
      await finishWithHealthyWorker(h, id, procs);
      const st = await assertTruthfulCertificate(h.config.dataDir, id, h.dataset, { complete: true });
      if (fault.startsWith('destroy')) {
        // the killed worker's destroyed-but-unreported objects are certified from their recorded intents
        const recovered = (await import('node:fs')).readFileSync(`${h.config.dataDir}/certificates/${id}/records.ndjson`, 'utf8').split('"recovered":"true"').length - 1;
        assert.ok(recovered > 0, 'expected records recovered from intents');
      }
      assert.equal(st.completeness.exceptions, 0);
    });
  }
});
