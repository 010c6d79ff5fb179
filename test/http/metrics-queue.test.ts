// The queue's gauges against a real Redis: live BullMQ workers as Redis sees
// them (Queue.getWorkersCount, CLIENT LIST by the names BullMQ gives its
// workers' connections), the depth by state, and a Redis that freezes or goes
// away while the API runs, through a proxy that the test controls.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect, createServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Queue, Worker } from 'bullmq';
import { ApiMetrics } from '../../src/http/metrics.js';
import { silentLogger } from '../../src/log.js';
import { BullmqExecQueue } from '../../src/adapters/queue/bullmq-exec-queue.js';
import { QueueAuth } from '../../src/adapters/queue/queue-auth.js';
import { DEFAULT_QUEUE_SETTINGS, EXEC_QUEUE } from '../../src/adapters/queue/queue-config.js';
import { dropPrefix, freshPrefix, REDIS_URL, requireRedis } from '../helpers/services.js';

/** The orders' gauges are not this test's subject (test/http/metrics-orders.test.ts counts real ones). */
const ledger = { orderCounts: () => ({ byState: {}, overdue: 0 }) };
const clock = { now: () => new Date() };

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function until(what: string, ok: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`still not ${what} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('live workers and queue depth from a real BullMQ queue', { timeout: 30_000 }, () => {
  const prefix = freshPrefix();
  const connection = { url: REDIS_URL };
  let queue: Queue;
  const workers: Worker[] = [];
  before(async () => {
    await requireRedis();
    queue = new Queue(EXEC_QUEUE, { connection, prefix });
    queue.on('error', () => undefined);
  });
  after(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await queue.close();
    await dropPrefix(prefix);
  });

  const startWorker = async () => {
    // A worker whose jobs never end while the test looks at the counts.
    const w = new Worker(EXEC_QUEUE, () => new Promise(() => undefined), { connection: { ...connection, maxRetriesPerRequest: null }, prefix });
    w.on('error', () => undefined);
    workers.push(w);
    await w.waitUntilReady();
    return w;
  };

  it('counts the workers connected to this queue, and only those', async () => {
    const m = new ApiMetrics({ queue: { depth: () => queue.getJobCounts('waiting', 'active', 'delayed'), workers: () => queue.getWorkersCount() }, ledger, clock });
    const workersNow = async () => sample(await m.registry.metrics(), 'shredproof_queue_workers');
    assert.equal(await workersNow(), 0);
    // A worker of another prefix on the same Redis is not one of ours.
    const otherPrefix = freshPrefix();
    const other = new Worker(EXEC_QUEUE, async () => undefined, { connection: { ...connection, maxRetriesPerRequest: null }, prefix: otherPrefix });
    other.on('error', () => undefined);
    await other.waitUntilReady();
    const first = await startWorker();
    await until('1 worker', async () => (await workersNow()) === 1);
    await startWorker();
    await until('2 workers', async () => (await workersNow()) === 2);
    await first.close();
    await until('1 worker after a close', async () => (await workersNow()) === 1);
    await other.close();
    await dropPrefix(otherPrefix);

    await queue.add('batch', { n: 1 }, { delay: 60_000 });
    await queue.add('batch', { n: 2 }, { delay: 60_000 });
    const text = await m.registry.metrics();
    assert.equal(sample(text, 'shredproof_queue_jobs{state="delayed"}'), 2);
    assert.equal(sample(text, 'shredproof_queue_up'), 1);
  });
});

/** A TCP proxy to Redis that the test can freeze (bytes are held, nothing answers) or cut. */
async function redisProxy(): Promise<{ url: string; freeze(): void; cut(): Promise<void> }> {
  const target = new URL(REDIS_URL);
  const sockets = new Set<Socket>();
  let frozen = false;
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 6379), target.hostname);
    sockets.add(client).add(upstream);
    client.on('data', (chunk) => void (frozen || upstream.write(chunk)));
    upstream.on('data', (chunk) => void (frozen || client.write(chunk)));
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', drop).on('error', drop);
    upstream.on('close', drop).on('error', drop);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = new URL(REDIS_URL);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as { port: number }).port);
  return {
    url: url.href,
    freeze: () => void (frozen = true),
    async cut() {
      await new Promise((r) => {
        server.close(r);
        for (const s of sockets) s.destroy();
      });
    },
  };
}

describe('the coordinator\'s queue (BullmqExecQueue) when Redis stops answering', { timeout: 30_000 }, () => {
  const prefix = freshPrefix();
  after(async () => dropPrefix(prefix));

  for (const fault of ['freezes', 'goes away'] as const) {
    it(`a scrape still answers at once when Redis ${fault}, with shredproof_queue_up 0`, async () => {
      await requireRedis();
      const proxy = await redisProxy();
      const q = new BullmqExecQueue({ ...DEFAULT_QUEUE_SETTINGS, redisUrl: proxy.url, prefix }, silentLogger(), new QueueAuth(new Uint8Array(randomBytes(32))));
      try {
        await q.ready(5000);
        const m = new ApiMetrics({ queue: q, ledger, clock }, { queueTimeoutMs: 300 });
        const before = await m.registry.metrics();
        assert.equal(sample(before, 'shredproof_queue_up'), 1);
        assert.equal(sample(before, 'shredproof_queue_jobs{state="waiting"}'), 0);
        if (fault === 'freezes') proxy.freeze();
        else await proxy.cut();
        const t0 = performance.now();
        const text = await m.registry.metrics();
        const ms = performance.now() - t0;
        assert.ok(ms < 1500, `the scrape took ${Math.round(ms)} ms`);
        assert.equal(sample(text, 'shredproof_queue_up'), 0);
        assert.doesNotMatch(text, /^shredproof_queue_jobs\{/m);
        assert.match(text, /^process_cpu_seconds_total \d/m);
      } finally {
        await proxy.cut().catch(() => undefined);
        await q.close().catch(() => undefined);
      }
    });
  }
});
