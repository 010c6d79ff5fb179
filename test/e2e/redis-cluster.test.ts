// One real order on a Redis Cluster (issue 19): three masters with AOF
// (appendfsync always) on loopback, started by the test; the coordinator in
// this process, two `shredproof worker` processes. Mid-order, the master that
// holds the queue's slot is SIGKILLed, then either
// - restarted from its AOF (no replicas), or
// - never restarted: its replica takes over (a failover), holding every intent
//   because an intent counts as recorded only once the replica has it.
// Either way the run must end certified, with every file destroyed exactly
// once under its true hash: an intent lost with the master would leave a
// destroyed file unrecorded (an OUTCOME_LOST exception, or a new epoch), and
// the test fails.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import type { Redis } from 'ioredis';
import { certificateFiles } from '../../src/app/finalize-order.js';
import { assertTruthfulCertificate } from '../helpers/certificate-checks.js';
import { executeDemoOrder, type Harness, startHarness } from '../helpers/engine-harness.js';
import { kill, type Proc, sleep, spawnShredproof, withTimeout } from '../helpers/procs.js';
import { OwnRedisCluster } from '../helpers/redis-cluster.js';

const OBJECTS = 1200;

/** Polls the batch states for up to 3 s: true once one has an intent without an outcome (its destroy under way). */
async function caughtInFlight(r: Redis, pattern: string): Promise<boolean> {
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline) {
    const [, keys] = await r.scan('0', 'MATCH', pattern, 'COUNT', 100_000);
    const states = await Promise.all(keys.map((k) => r.hkeys(k)));
    if (states.some((fields) => fields.some((f) => f.startsWith('i') && !fields.includes(`o${f.slice(1)}`)))) return true;
  }
  return false;
}

describe('a Redis Cluster: the master of the queue SIGKILLed mid-order', { timeout: 180_000 }, () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  async function run(t: TestContext, mode: 'restart' | 'failover'): Promise<void> {
    const cluster = await OwnRedisCluster.start({ masters: 3 });
    cleanups.push(() => cluster.stop());
    const h = await startHarness({ objects: OBJECTS, batchSize: 20, worker: false, redisUrl: cluster.url, env: { REDIS_CLUSTER_NODES: cluster.seeds } });
    cleanups.push(() => h.close());
    const { prefix } = h.config.queue;
    assert.match(prefix, /^\{sptest-[0-9a-f]+\}$/, 'on a cluster the prefix is a hash tag');
    const master = await cluster.masterOf(prefix);
    const replica = mode === 'failover' ? await cluster.addReplica(master) : undefined;
    const id = await executeDemoOrder(h);
    h.runtime.coordinator.start();
    const env = { ...h.env, SHREDPROOF_WORKER_CONCURRENCY: '2', LOG_LEVEL: 'warn' };
    // Each worker's liveness probe runs against the cluster too (workers/main.ts, queueProbe).
    const beats = [join(h.dir, 'w1.alive'), join(h.dir, 'w2.alive')];
    const procs = beats.map((f) => spawnShredproof(['worker'], { ...env, SHREDPROOF_WORKER_HEARTBEAT_FILE: f }));
    cleanups.push(() => Promise.all(procs.map((p) => kill(p))));
    const output = () => procs.map((p) => p.output()).join('\n---\n').slice(-4000);

    // Both workers live before the kill: on a loaded machine the second can still be starting when the first
    // has done a quarter of the order (CI saw it once), so each heartbeat is waited for, not assumed.
    for (let i = 0; !beats.every((f) => existsSync(f)); i++) {
      if (i > 600) assert.fail(`no heartbeat file ${beats.filter((f) => !existsSync(f)).join(', ')}: ${output()}`);
      await sleep(50);
    }
    const ledger = h.runtime.deps.ledger;
    const total = ledger.pendingCount(id);
    for (let i = 0; ledger.pendingCount(id) > total * 0.75; i++) {
      if (i > 600) assert.fail(`the workers did not get going: ${output()}`);
      await sleep(50);
    }
    const onMaster = cluster.client(master);
    // Every key of the deployment is on that master: one slot, so the kill hits all of the run's state.
    const [, keys] = await onMaster.scan('0', 'MATCH', `${prefix}:*`, 'COUNT', 100_000);
    assert.ok(keys.some((k) => k.includes(':order:')) && keys.some((k) => k.includes(':exec:')), keys.slice(0, 5).join(' '));
    // Strike while a batch is between its intents and its outcomes (its files being destroyed), if one is caught so.
    const inFlight = await caughtInFlight(onMaster, `${prefix}:order:${id}:e:*:batch:*`);
    onMaster.disconnect();

    const atKill = ledger.pendingCount(id);
    await cluster.kill(master);
    if (mode === 'restart') {
      await sleep(1500); // workers mid-batch lose their Redis: intents, outcomes, locks and job moves fail or wait
      await cluster.up(master);
    } else {
      await cluster.waitRole(replica!, 'master', 30_000);
    }
    assert.ok(atKill > 0 && atKill < total, `the kill must hit a run in progress (pending ${atKill} of ${total})`);

    const done = await withTimeout(h.runtime.coordinator.waitFor(id), 90_000, () => `the order did not finish after the ${mode}; workers:\n${output()}`);
    assert.equal(done.state, 'certified', `${done.failure ?? ''}\n${output()}`);
    assert.equal(done.failure ?? undefined, undefined, 'Redis kept the run: no new epoch, nothing lost');
    const recovered = readFileSync(certificateFiles(h.config.dataDir, id).records, 'utf8').split('"recovered":"true"').length - 1;
    t.diagnostic(`pending ${atKill} of ${total} at the kill; a batch caught between intents and outcomes: ${inFlight}; records recovered from intents: ${recovered}`);
    const st = await assertTruthfulCertificate(h.config.dataDir, id, h.dataset, { complete: true });
    assert.equal(st.completeness.destroyed, h.dataset.inScope.size);
    assert.equal(st.completeness.exceptions, 0);
    for (const l of h.dataset.inScope.keys()) assert.equal(existsSync(join(h.dataset.root, l)), false, `${l} still exists`);
    // The workers lived through it (they waited for Redis, they did not crash).
    for (const p of procs) assert.equal(p.child.exitCode, null, `a worker exited: ${p.output().slice(-2000)}`);
    if (mode === 'failover') assert.equal(master.proc?.signalCode, 'SIGKILL', 'the old master stayed down: the run lived on its replica alone');
    // The certified order's state is gone from the cluster (deleteOrder scans every master).
    const now = await cluster.masterOf(prefix);
    const r = cluster.client(now);
    try {
      let left: string[] = [];
      for (let i = 0; i < 50; i++) {
        left = (await r.scan('0', 'MATCH', `${prefix}:order:${id}:*`, 'COUNT', 100_000))[1];
        if (left.length === 0) break;
        await sleep(100);
      }
      assert.deepEqual(left, []);
    } finally {
      r.disconnect();
    }
  }

  it('restarted from its AOF, the run ends certified: every destroyed file exactly once, with its hash', (t) => run(t, 'restart'));

  it('never restarted, its replica takes over: the run ends certified, every destroyed file exactly once, with its hash', (t) => run(t, 'failover'));
});
