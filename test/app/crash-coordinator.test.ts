// Invariant 3 when the coordinator or Redis restarts mid-execution, with real
// processes: `shredproof serve --no-worker` and `shredproof worker` children,
// and a redis-server the test owns.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { certificateFiles } from '../../src/app/finalize-order.js';
import { assertTruthfulCertificate } from '../helpers/certificate-checks.js';
import { executeDemoOrder, type Harness, startHarness } from '../helpers/engine-harness.js';
import { kill, type Proc, sleep, spawnShredproof, withTimeout } from '../helpers/procs.js';
import { OwnRedis } from '../helpers/redis-server.js';


/** Observes the ledger read-only, as a person with sqlite3 would; the coordinator process owns it. */
function observe(h: Harness, id: string): { state: string; pending: number } {
  const db = new Database(h.config.ledgerPath, { readonly: true, fileMustExist: true });
  try {
    const o = db.prepare('SELECT num, state FROM orders WHERE id = ?').get(id) as { num: number; state: string };
    const p = db.prepare('SELECT COUNT(*) AS n FROM inventory WHERE order_num = ? AND status = 0').get(o.num) as { n: number };
    return { state: o.state, pending: p.n };
  } finally {
    db.close();
  }
}

async function waitUntil(f: () => boolean, ms: number, what: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!f()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what()}`);
    await sleep(100);
  }
}

describe('crash safety: coordinator and Redis restarts', { timeout: 600_000 }, () => {
  const procs: Proc[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  after(async () => {
    await Promise.all(procs.map((p) => kill(p)));
    for (const c of cleanups.reverse()) await c();
  });
  const spawn = (args: string[], h: Harness, extra: Record<string, string> = {}) => {
    const p = spawnShredproof(args, { ...h.env, LOG_LEVEL: 'warn', PORT: '0', ...extra });
    procs.push(p);
    return p;
  };

  it('the coordinator SIGKILLed mid-execution (twice) resumes and certifies exactly once', async () => {
    const h = await startHarness({ objects: 3000, batchSize: 30, worker: false });
    cleanups.push(() => h.close());
    const id = await executeDemoOrder(h);
    await h.runtime.close(); // hand the ledger to the coordinator process
    const total = observe(h, id).pending;
    spawn(['worker'], h, { SHREDPROOF_WORKER_CONCURRENCY: '1' });
    let serve = spawn(['serve', '--no-worker'], h);
    await waitUntil(() => observe(h, id).pending < total * 0.8, 60_000, () => serve.output());
    await kill(serve);
    const atFirstKill = observe(h, id).pending;
    await sleep(700); // the worker goes on writing outcomes to Redis meanwhile
    serve = spawn(['serve', '--no-worker'], h);
    await waitUntil(() => observe(h, id).pending < atFirstKill, 60_000, () => serve.output());
    await kill(serve);
    serve = spawn(['serve', '--no-worker'], h);
    await waitUntil(() => observe(h, id).state.startsWith('certified'), 120_000, () => serve.output());
    assert.ok(atFirstKill > 0, 'the first kill must hit a run in progress');
    serve.child.kill('SIGTERM');
    assert.equal(await withTimeout(serve.exited, 30_000, () => 'serve did not stop on SIGTERM'), 0, serve.output());
    assert.equal(observe(h, id).state, 'certified');
    assert.ok(existsSync(certificateFiles(h.config.dataDir, id).certificate));
    await assertTruthfulCertificate(h.config.dataDir, id, h.dataset, { complete: true });
  });

  /** Runs the demo order against a Redis of the test's own, and restarts that Redis once 10% is done. */
  async function withRedisRestart(persistent: boolean, restart: (r: OwnRedis) => Promise<void>) {
    const redis = await OwnRedis.start(persistent);
    cleanups.push(() => redis.stop());
    const h = await startHarness({ objects: 3000, batchSize: 30, worker: false, redisUrl: redis.url });
    cleanups.push(() => h.close());
    const id = await executeDemoOrder(h);
    h.runtime.coordinator.start();
    const w = spawn(['worker'], h, { SHREDPROOF_WORKER_CONCURRENCY: '2' });
    const total = h.runtime.deps.ledger.pendingCount(id);
    await waitUntil(() => h.runtime.deps.ledger.pendingCount(id) < total * 0.9, 60_000, () => w.output());
    await restart(redis);
    const done = await withTimeout(h.runtime.coordinator.waitFor(id), 180_000, () => w.output());
    return { h, id, done };
  }

  for (const how of ['shutdown', 'kill'] as const) {
    it(`Redis with appendfsync always, restarted by ${how} mid-execution: complete and correct`, async () => {
      const { h, id, done } = await withRedisRestart(true, async (redis) => {
        await (how === 'kill' ? redis.kill() : redis.shutdown());
        await sleep(1000);
        await redis.up();
      });
      assert.equal(done.state, 'certified', done.failure ?? '');
      await assertTruthfulCertificate(h.config.dataDir, id, h.dataset, { complete: true });
    });
  }

  it('Redis without persistence, killed mid-execution: still never a wrong certificate', async () => {
    const { h, id, done } = await withRedisRestart(false, async (redis) => {
      await redis.kill();
      await sleep(500);
      await redis.up(); // empty: the run's intents, outcomes and jobs are gone
    });
    assert.ok(done.state === 'certified' || done.state === 'certified-with-exceptions', done.state);
    assert.match(done.failure ?? '', /Redis lost the execution state/);
    const st = await assertTruthfulCertificate(h.config.dataDir, id, h.dataset, { complete: false });
    // What the lost state hid is named, never certified.
    for (const e of st.exceptions) assert.ok(['OUTCOME_LOST', 'ABSENT'].includes(e.code), e.code);
  });
});
