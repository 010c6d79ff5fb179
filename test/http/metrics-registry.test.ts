// What one scrape of ApiMetrics's registry says (src/http/metrics.ts), with a
// queue whose answers the test decides: Node's metrics under the names Node
// dashboards expect, every shredproof_* metric that docs/API.md lists, the
// queue's depth and live workers asked once per scrape, and a Redis that fails
// or never answers costing the queue's gauges, not the scrape.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ApiMetrics, type QueueReadings } from '../../src/http/metrics.js';

const ledger = { orderCounts: () => ({ byState: { draft: 2, certified: 1 }, overdue: 1 }) };
const clock = { now: () => new Date() };

function counting(probe: QueueReadings): QueueReadings & { asked: { depth: number; workers: number } } {
  const asked = { depth: 0, workers: 0 };
  return {
    asked,
    depth() {
      asked.depth++;
      return probe.depth();
    },
    ...(probe.workers
      ? {
          workers() {
            asked.workers++;
            return probe.workers!();
          },
        }
      : {}),
  };
}

const healthy: QueueReadings = { depth: async () => ({ waiting: 3, active: 1, delayed: 0 }), workers: async () => 2 };

/** The value of a sample line `name{labels} value`, or undefined without one. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('ApiMetrics: the names of a scrape', () => {
  it('has Node\'s default metrics under the standard names, and none under shredproof_process_', async () => {
    const text = await new ApiMetrics({ queue: healthy, ledger, clock }).registry.metrics();
    for (const name of [
      'process_cpu_seconds_total',
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'process_start_time_seconds',
      'nodejs_heap_size_total_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_active_handles_total',
    ]) {
      assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
    }
    assert.match(text, /^nodejs_version_info\{version="v\d+/m);
    assert.doesNotMatch(text, /^(# (HELP|TYPE) )?shredproof_process_/m);
  });

  it('keeps every shredproof_* metric that docs/API.md lists', async () => {
    const doc = readFileSync(new URL('../../docs/API.md', import.meta.url), 'utf8');
    const documented = [...doc.matchAll(/^\| `(shredproof_[a-z_]+)` \|/gm)].map((m) => m[1]!);
    assert.ok(documented.length >= 7, `found ${documented.length} metrics in docs/API.md`);
    const text = await new ApiMetrics({ queue: healthy, ledger, clock }).registry.metrics();
    for (const name of documented) assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
  });
});

describe('ApiMetrics: the queue at scrape time', () => {
  it('reports depth by state, live workers and orders, asking the queue once per scrape', async () => {
    const queue = counting(healthy);
    const m = new ApiMetrics({ queue, ledger, clock });
    const text = await m.registry.metrics();
    assert.equal(sample(text, 'shredproof_queue_up'), 1);
    assert.equal(sample(text, 'shredproof_queue_jobs{state="waiting"}'), 3);
    assert.equal(sample(text, 'shredproof_queue_jobs{state="active"}'), 1);
    assert.equal(sample(text, 'shredproof_queue_jobs{state="delayed"}'), 0);
    assert.equal(sample(text, 'shredproof_queue_workers'), 2);
    assert.equal(sample(text, 'shredproof_orders{state="draft"}'), 2);
    assert.deepEqual(queue.asked, { depth: 1, workers: 1 });
    // The next scrape asks again: nothing is cached beyond a scrape.
    await m.registry.metrics();
    assert.deepEqual(queue.asked, { depth: 2, workers: 2 });
  });

  it('follows the queue from one scrape to the next (gone states and workers do not linger)', async () => {
    let depth: Record<string, number> = { waiting: 5, failed: 1 };
    let workers = 3;
    const m = new ApiMetrics({ queue: { depth: async () => depth, workers: async () => workers }, ledger, clock });
    assert.equal(sample(await m.registry.metrics(), 'shredproof_queue_jobs{state="failed"}'), 1);
    depth = { waiting: 0 };
    workers = 0;
    const text = await m.registry.metrics();
    assert.equal(sample(text, 'shredproof_queue_jobs{state="failed"}'), undefined);
    assert.equal(sample(text, 'shredproof_queue_jobs{state="waiting"}'), 0);
    assert.equal(sample(text, 'shredproof_queue_workers'), 0);
  });

  it('answers without the queue\'s numbers when Redis fails: shredproof_queue_up 0, everything else as usual', async () => {
    const down = () => Promise.reject(new Error('Connection is closed.'));
    const m = new ApiMetrics({ queue: { depth: down, workers: down }, ledger, clock });
    const text = await m.registry.metrics();
    assert.equal(sample(text, 'shredproof_queue_up'), 0);
    assert.doesNotMatch(text, /^shredproof_queue_jobs\{/m);
    assert.equal(sample(text, 'shredproof_queue_workers'), undefined);
    assert.equal(sample(text, 'shredproof_orders{state="certified"}'), 1);
    assert.match(text, /^process_cpu_seconds_total \d/m);
  });

  it('keeps the depth when only counting workers fails (a Redis user without CLIENT LIST), and gives no workers value then, not 0', async () => {
    const noperm = new Error("NOPERM this user has no permissions to run the 'client|list' command");
    const rejecting = () => Promise.reject(noperm);
    const throwing = (): Promise<number> => {
      throw noperm;
    };
    for (const workers of [rejecting, throwing]) {
      const text = await new ApiMetrics({ queue: { depth: healthy.depth, workers }, ledger, clock }).registry.metrics();
      assert.equal(sample(text, 'shredproof_queue_up'), 1);
      assert.equal(sample(text, 'shredproof_queue_jobs{state="waiting"}'), 3);
      assert.match(text, /^# TYPE shredproof_queue_workers gauge$/m);
      assert.equal(sample(text, 'shredproof_queue_workers'), undefined);
    }
  });

  it('does not wait for a Redis that never answers longer than the timeout', async () => {
    const never = new Promise<never>(() => undefined);
    const m = new ApiMetrics({ queue: { depth: () => never, workers: () => never }, ledger, clock }, { queueTimeoutMs: 150 });
    const t0 = performance.now();
    const text = await m.registry.metrics();
    const ms = performance.now() - t0;
    assert.ok(ms >= 140 && ms < 2000, `the scrape took ${Math.round(ms)} ms`);
    assert.equal(sample(text, 'shredproof_queue_up'), 0);
    assert.doesNotMatch(text, /^shredproof_queue_jobs\{/m);
  });

  it('has no workers gauge for a queue that cannot count its workers', async () => {
    const text = await new ApiMetrics({ queue: { depth: healthy.depth }, ledger, clock }).registry.metrics();
    assert.doesNotMatch(text, /shredproof_queue_workers/);
    assert.equal(sample(text, 'shredproof_queue_up'), 1);
  });
});
