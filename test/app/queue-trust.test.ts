// Redis is not trusted (docs/SECURITY.md). These tests play whoever can write
// to the queue's Redis: they publish jobs and specs for orders nobody approved,
// and complete real jobs with forged intents and outcomes; and they play a
// worker that holds the queue key and lies. Real Redis, real BullMQ, real files.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { BatchJobData, Intent, Outcome } from '../../src/app/batch-types.js';
import { QueueAuth } from '../../src/adapters/queue/queue-auth.js';
import { EXEC_QUEUE } from '../../src/adapters/queue/queue-config.js';
import { loadQueueAuth } from '../../src/adapters/queue/queue-key.js';
import { RedisBatchStore } from '../../src/adapters/queue/redis-batch-store.js';
import { type CertificateView, readCertificateView } from '../helpers/certificate-checks.js';
import { executeDemoOrder, type Harness, startHarness } from '../helpers/engine-harness.js';
import { REDIS_URL } from '../helpers/services.js';

const WRONG_KEY = new QueueAuth(new Uint8Array(32).fill(0xaa));

async function waitFor<T>(what: string, f: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The certificate, verified whole, with its lists read in (exceptions.ndjson holds what the rogue caused). */
function statementOf(h: Harness, orderId: string): Promise<CertificateView> {
  return readCertificateView(join(h.config.dataDir, 'certificates', orderId));
}

/**
 * Takes every job of the order off the queue without checking anything, as a
 * rogue consumer would, writes the given intent and outcome for each item with
 * `auth`, and completes the job. Nothing on disk is touched.
 */
async function rogueWorker(h: Harness, auth: QueueAuth, forge: (locator: string, size: number) => { intent: Intent; outcome: Outcome }): Promise<Worker> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const store = new RedisBatchStore(redis, h.config.queue.prefix, auth);
  const w = new Worker<BatchJobData>(
    EXEC_QUEUE,
    async (job) => {
      const d = job.data;
      const intents = new Map<number, Intent>();
      const outcomes = new Map<number, Outcome>();
      for (const i of d.items) {
        const f = forge(i.locator, i.size);
        intents.set(i.seq, f.intent);
        outcomes.set(i.seq, f.outcome);
      }
      await store.writeIntents(d.orderId, d.epoch, d.batch, intents);
      await store.writeOutcomes(d.orderId, d.epoch, d.batch, outcomes);
      return { destroyed: d.items.length, bytes: 0, other: 0 };
    },
    { connection, prefix: h.config.queue.prefix },
  );
  // BullMQ leaves a connection that it was given open when it closes.
  w.on('closed', () => {
    redis.disconnect();
    connection.disconnect();
  });
  return w;
}

function intent(sha256: string, size: number): Intent {
  return { sha256, size, fingerprint: 'forged', method: 'unlink', at: new Date().toISOString() };
}

async function certifyWith(h: Harness, rogue: Worker): Promise<{ orderId: string; statement: CertificateView }> {
  try {
    const orderId = await executeDemoOrder(h);
    h.runtime.coordinator.start();
    const done = await h.runtime.coordinator.waitFor(orderId);
    assert.equal(done.state, 'certified-with-exceptions');
    return { orderId, statement: await statementOf(h, orderId) };
  } finally {
    await rogue.close();
  }
}

function assertAllSurvive(h: Harness): void {
  for (const locator of h.dataset.inScope.keys()) assert.ok(existsSync(join(h.dataset.root, locator)), `${locator} must still exist`);
}

describe('the queue is a trust boundary', () => {
  it('a worker refuses a job and a spec that the coordinator did not make, for a made-up order and for a real one: nothing is deleted', async () => {
    const h = await startHarness({ objects: 20, worker: true });
    const redis = new Redis(REDIS_URL);
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue(EXEC_QUEUE, { connection, prefix: h.config.queue.prefix });
    try {
      const victims = [...h.dataset.inScope.keys()].slice(0, 3);
      const items = victims.map((locator, seq) => ({ seq, locator, size: statSync(join(h.dataset.root, locator)).size }));
      const spec = { orderId: 'made-up', epoch: 'e1', planRoot: '0'.repeat(64), targets: { photos: { backend: 'photos', scope: { include: ['**'] } } }, holds: [], expiresAt: '2999-01-01T00:00:00.000Z' };
      // A spec in the old unsealed form, then one sealed with another key.
      await redis.set(`${h.config.queue.prefix}:order:made-up:spec`, JSON.stringify(spec));
      const unsigned = { orderId: 'made-up', epoch: 'e1', target: 'photos', batch: 0, items };
      await queue.add('batch', { ...unsigned, mac: 'f'.repeat(64) }, { jobId: 'forged-1', attempts: 1 });
      await queue.add('batch', WRONG_KEY.signJob({ ...unsigned, batch: 1 }), { jobId: 'forged-2', attempts: 1 });
      // A job for a real, executing order, but not made by its coordinator.
      const orderId = await executeDemoOrder(h);
      await queue.add('batch', WRONG_KEY.signJob({ ...unsigned, orderId, epoch: h.runtime.deps.ledger.getOrder(orderId)!.epoch!, batch: 99 }), { jobId: 'forged-3', attempts: 1 });
      for (const id of ['forged-1', 'forged-2', 'forged-3']) {
        const reason = await waitFor(`${id} to fail`, async () => {
          const job = await queue.getJob(id);
          return (await job?.isFailed()) ? job!.failedReason : undefined;
        });
        assert.match(reason, /refused: batch job .* does not carry a valid MAC/);
      }
      for (const v of victims) assert.ok(existsSync(join(h.dataset.root, v)), `${v} was deleted by a forged job`);
    } finally {
      await queue.close();
      connection.disconnect();
      redis.disconnect();
      await h.close();
    }
  });

  it('a spec that does not authenticate is refused by the worker and replaced by the coordinator; the order still certifies', async () => {
    const h = await startHarness({ objects: 30, worker: true });
    try {
      const orderId = await executeDemoOrder(h);
      const redis = new Redis(REDIS_URL);
      // The attacker widens the scope in a spec of its own before any job runs.
      const forged = new RedisBatchStore(redis, h.config.queue.prefix, WRONG_KEY);
      const epoch = h.runtime.deps.ledger.getOrder(orderId)!.epoch!;
      await forged.publishSpec({ orderId, epoch, planRoot: '0'.repeat(64), targets: { photos: { backend: 'photos', scope: { include: ['**'] } } }, holds: [], expiresAt: '2999-01-01T00:00:00.000Z' });
      redis.disconnect();
      h.runtime.coordinator.start();
      const done = await h.runtime.coordinator.waitFor(orderId);
      assert.equal(done.state, 'certified');
      for (const [locator] of [...h.dataset.held, ...h.dataset.outOfScope]) assert.ok(existsSync(join(h.dataset.root, locator)), `${locator} must survive`);
    } finally {
      await h.close();
    }
  });

  it('outcomes forged in Redis without the queue key are not certified: every object is an exception and still on disk', async () => {
    const h = await startHarness({ objects: 20, worker: false });
    try {
      const rogue = await rogueWorker(h, WRONG_KEY, () => ({ intent: intent('f'.repeat(64), 1), outcome: { s: 'destroyed', at: new Date().toISOString() } }));
      const { statement } = await certifyWith(h, rogue);
      assert.equal(statement.merkle.treeSize, 0);
      assert.ok(statement.exceptions.length >= h.dataset.inScope.size);
      assert.ok(statement.exceptions.every((e) => e.code === 'JOB_FAILED'), JSON.stringify(statement.exceptions.slice(0, 3)));
      assertAllSurvive(h);
    } finally {
      await h.close();
    }
  });

  it('a worker with the key that reports a size other than the planned one, unchanged, is not believed (OUTCOME_MISMATCH)', async () => {
    const h = await startHarness({ objects: 20, worker: false });
    try {
      const rogue = await rogueWorker(h, loadQueueAuth(h.config.queueKeyPath, { create: false }), () => ({
        intent: intent('f'.repeat(64), 1),
        outcome: { s: 'destroyed', at: new Date().toISOString() },
      }));
      const { statement } = await certifyWith(h, rogue);
      assert.equal(statement.merkle.treeSize, 0);
      assert.ok(statement.exceptions.filter((e) => e.code === 'OUTCOME_MISMATCH').length >= h.dataset.inScope.size);
      assertAllSurvive(h);
    } finally {
      await h.close();
    }
  });

  it('a worker with the key that reports destroyed what it left in place: the re-scan finds the same content, and no record survives', async () => {
    const h = await startHarness({ objects: 20, worker: false });
    try {
      const rogue = await rogueWorker(h, loadQueueAuth(h.config.queueKeyPath, { create: false }), (locator, size) => ({
        intent: intent(createHash('sha256').update(readFileSync(join(h.dataset.root, locator))).digest('hex'), size),
        outcome: { s: 'destroyed', at: new Date().toISOString() },
      }));
      const { statement } = await certifyWith(h, rogue);
      assert.equal(statement.status, 'complete-with-exceptions');
      assert.equal(statement.merkle.treeSize, 0);
      assert.equal(statement.exceptions.filter((e) => e.code === 'PRESENT_AFTER_DESTROY').length, h.dataset.inScope.size);
      assertAllSurvive(h);
    } finally {
      await h.close();
    }
  });
});
