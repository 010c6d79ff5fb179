// The queue adapters on a Redis Cluster (issue 19), against a real cluster of
// three masters started by the test (test/helpers/redis-cluster.ts):
// - REDIS_CLUSTER_NODES: what it accepts, and bad values refused by name;
// - a cluster named as one Redis, or one Redis named as a cluster: refused at start;
// - every key of a deployment (BullMQ's and the batch store's) in one slot, and
//   deleteOrder / dropPrefix finding them on whichever master holds it;
// - a node without appendfsync always: coordinator and worker refuse to start;
// - the worker's liveness probe follows the master of the queue's slot;
// - serve's exposure check asks every node;
// - an intent is recorded only once the master's replica has it: with the
//   replica stopped, writeIntents fails (and nothing may be destroyed).
// The run of a whole order, with a master SIGKILLed, is test/e2e/redis-cluster.test.ts.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ValidationError } from '@shredproof/verify';
import type { Intent, OrderSpec } from '../../../src/app/batch-types.js';
import { BullmqExecQueue } from '../../../src/adapters/queue/bullmq-exec-queue.js';
import { QueueAuth } from '../../../src/adapters/queue/queue-auth.js';
import type { QueueSettings } from '../../../src/adapters/queue/queue-config.js';
import { RedisBatchStore } from '../../../src/adapters/queue/redis-batch-store.js';
import { openRedis, pingRedis, RedisKindError } from '../../../src/adapters/queue/redis-connection.js';
import { redisOpenToAnyone } from '../../../src/adapters/queue/redis-exposure.js';
import { queueProbe } from '../../../src/adapters/queue/worker-liveness.js';
import { loadConfig } from '../../../src/config/config.js';
import { silentLogger } from '../../../src/log.js';
import { type ClusterNode, OwnRedisCluster } from '../../helpers/redis-cluster.js';
import { REDIS_URL, requireRedis } from '../../helpers/services.js';

function invalid(env: Record<string, string>, paths: string[]): string {
  try {
    loadConfig(env);
  } catch (e) {
    assert.ok(e instanceof ValidationError, String(e));
    assert.deepEqual(e.fields.map((f) => f.path).sort(), [...paths].sort(), JSON.stringify(e.fields));
    return e.message;
  }
  return assert.fail(`accepted ${JSON.stringify(env)}`);
}

describe('REDIS_CLUSTER_NODES', () => {
  it('names the seed nodes of a cluster, and makes the prefix a hash tag', () => {
    const c = loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:6379,[fd00::2]:7000,redis-3.internal:7001', REDIS_URL: 'rediss://sp:pw@redis-3.internal:7001', SHREDPROOF_PREFIX: 'acme' });
    assert.deepEqual(c.queue.clusterNodes, [
      { host: '10.0.0.1', port: 6379 },
      { host: 'fd00::2', port: 7000 },
      { host: 'redis-3.internal', port: 7001 },
    ]);
    assert.equal(c.queue.prefix, '{acme}');
    assert.equal(c.queue.redisUrl, 'rediss://sp:pw@redis-3.internal:7001');
    // Without it, one Redis and the prefix as it was.
    const one = loadConfig({});
    assert.equal(one.queue.clusterNodes, undefined);
    assert.equal(one.queue.prefix, 'shredproof');
    // REDIS_URL left unset: only the nodes count.
    assert.equal(loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:6379' }).queue.prefix, '{shredproof}');
  });

  it('refuses what is not a list of host:port, naming the variable', () => {
    for (const bad of ['', ' ', '10.0.0.1', '10.0.0.1:', ':6379', 'redis://10.0.0.1:6379', '10.0.0.1:6379,', '10.0.0.1:6379;10.0.0.2:6379', '10.0.0.1:6379, 10.0.0.2:6379', 'fd00::2:7000', '10.0.0.1:0', '10.0.0.1:65536']) {
      const m = invalid({ REDIS_CLUSTER_NODES: bad }, ['REDIS_CLUSTER_NODES']);
      assert.match(m, /REDIS_CLUSTER_NODES: /, bad);
    }
  });

  it('refuses a REDIS_URL that names another server, or a database other than 0', () => {
    assert.match(invalid({ REDIS_CLUSTER_NODES: '10.0.0.1:6379', REDIS_URL: 'redis://:pw@10.0.0.9:6379' }, ['REDIS_URL']), /10\.0\.0\.9:6379, which is not one of REDIS_CLUSTER_NODES/);
    assert.match(invalid({ REDIS_CLUSTER_NODES: '10.0.0.1:6379', REDIS_URL: 'redis://10.0.0.1:6379/3' }, ['REDIS_URL']), /only database 0/);
    // Both wrong at once: both said.
    invalid({ REDIS_CLUSTER_NODES: 'nope', SHREDPROOF_BATCH_SIZE: '0' }, ['REDIS_CLUSTER_NODES', 'SHREDPROOF_BATCH_SIZE']);
  });
});

describe('the queue on a Redis Cluster', { timeout: 180_000 }, () => {
  let cluster: OwnRedisCluster;
  const cleanups: Array<() => Promise<unknown>> = [];
  const auth = new QueueAuth(new Uint8Array(randomBytes(32)));
  before(async () => {
    // A long node timeout: a replica stopped for a second is not yet marked failed.
    cluster = await OwnRedisCluster.start({ masters: 3, nodeTimeoutMs: 10_000 });
  });
  after(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    await cluster?.stop();
  });

  const settingsFor = (name: string): QueueSettings =>
    loadConfig({ REDIS_URL: cluster.url, REDIS_CLUSTER_NODES: cluster.seeds, SHREDPROOF_PREFIX: name, SHREDPROOF_LOCK_MS: '3000' }).queue;

  /** A fresh deployment prefix whose slot is on `master`. */
  async function prefixOn(master: ClusterNode): Promise<QueueSettings> {
    for (let i = 0; i < 1000; i++) {
      const s = settingsFor(`sptest-${randomUUID().slice(0, 8)}`);
      if ((await cluster.masterOf(s.prefix)).port === master.port) return s;
    }
    throw new Error(`no prefix found on ${master.port}`);
  }

  /** Every key under `pattern`, on every node that runs, with the node's port. */
  async function keysEverywhere(pattern: string): Promise<Array<{ port: number; key: string }>> {
    const out: Array<{ port: number; key: string }> = [];
    for (const n of await cluster.masters()) {
      const r = cluster.client(n);
      try {
        let cursor = '0';
        do {
          const [next, keys] = await r.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
          cursor = next;
          out.push(...keys.map((key) => ({ port: n.port, key })));
        } while (cursor !== '0');
      } finally {
        r.disconnect();
      }
    }
    return out;
  }

  const spec = (orderId: string): OrderSpec => ({ orderId, epoch: 'e1', planRoot: 'ab'.repeat(32), targets: {}, holds: [], expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
  const intent = (n: number): Intent => ({ sha256: n.toString(16).padStart(64, '0'), size: n, fingerprint: `f${n}`, method: 'unlink', at: new Date(0).toISOString() });

  it('refuses a cluster named as one Redis, and one Redis named as a cluster', async () => {
    await assert.rejects(pingRedis({ redisUrl: cluster.url }), (e: Error) => e instanceof RedisKindError && /is a node of a Redis Cluster: name the cluster's nodes in REDIS_CLUSTER_NODES/.test(e.message));
    await requireRedis();
    const u = new URL(REDIS_URL);
    await assert.rejects(
      pingRedis({ redisUrl: REDIS_URL, clusterNodes: [{ host: u.hostname, port: Number(u.port || 6379) }] }),
      (e: Error) => e instanceof RedisKindError && /not part of a Redis Cluster .*unset REDIS_CLUSTER_NODES/.test(e.message),
    );
    await pingRedis(settingsFor('sptest-ping'));
  });

  it('keeps every key of a deployment in one slot, and deleteOrder and dropPrefix find them on any master', async () => {
    const masters = await cluster.masters();
    assert.equal(masters.length, 3);
    for (const master of masters) {
      const settings = await prefixOn(master);
      const queue = new BullmqExecQueue(settings, silentLogger(), auth);
      cleanups.push(() => queue.close());
      await checkDeployment(settings, master, queue);
      await queue.close();
    }
  });

  async function checkDeployment(settings: QueueSettings, master: ClusterNode, queue: BullmqExecQueue): Promise<void> {
    {
      await queue.ready();
      await queue.store.publishKeyId();
      for (const orderId of ['ordA', 'ordB']) {
        await queue.store.publishSpec(spec(orderId));
        await queue.store.writeIntents(orderId, 'e1', 0, new Map([[0, intent(1)], [1, intent(2)]]));
        await queue.store.writeOutcomes(orderId, 'e1', 0, new Map([[0, { s: 'destroyed', at: new Date(0).toISOString() }]]));
        await queue.enqueue([{ orderId, epoch: 'e1', target: 't', batch: 0, items: [{ seq: 0, locator: 'a', size: 1 }] }]);
      }
      assert.equal((await queue.existing(['ordA-ee1-b0', 'ordB-ee1-b0', 'nope'])).size, 2);
      const state = await queue.store.readBatch('ordA', 'e1', 0);
      assert.equal(state.intents.get(1)?.sha256, intent(2).sha256);

      const keys = await keysEverywhere(`${settings.prefix}:*`);
      assert.ok(keys.some((k) => k.key.includes(':exec:')) && keys.some((k) => k.key.includes(':order:ordB:')), JSON.stringify(keys));
      const r = cluster.client(master);
      const slots = new Set(await Promise.all(keys.map(async (k) => Number(await r.cluster('KEYSLOT', k.key)))));
      r.disconnect();
      assert.equal(slots.size, 1, `keys in slots ${[...slots].join(', ')}`);
      assert.deepEqual(new Set(keys.map((k) => k.port)), new Set([master.port]));

      await queue.store.deleteOrder('ordA');
      assert.deepEqual(await keysEverywhere(`${settings.prefix}:order:ordA:*`), []);
      assert.ok((await keysEverywhere(`${settings.prefix}:order:ordB:*`)).length >= 2);
      await queue.store.dropPrefix();
      assert.deepEqual(await keysEverywhere(`${settings.prefix}:*`), []);
    }
  }

  it('refuses to start on a cluster where a node does not fsync every write', async () => {
    const [, second] = cluster.nodes;
    const r = cluster.client(second!);
    await r.config('SET', 'appendfsync', 'everysec');
    try {
      const queue = new BullmqExecQueue(settingsFor('sptest-fsync'), silentLogger(), auth);
      try {
        await assert.rejects(queue.ready(), new RegExp(`127\\.0\\.0\\.1:${second!.port} has appendonly yes, appendfsync everysec.*Every node needs appendonly yes and appendfsync always`));
      } finally {
        await queue.close();
      }
    } finally {
      await r.config('SET', 'appendfsync', 'always');
      r.disconnect();
    }
    const queue = new BullmqExecQueue(settingsFor('sptest-fsync'), silentLogger(), auth);
    await queue.ready();
    await queue.close();
  });

  it("the worker's liveness probe fails while the master of the queue's slot is down, and recovers with it", async () => {
    const settings = settingsFor(`sptest-${randomUUID().slice(0, 8)}`);
    const master = await cluster.masterOf(settings.prefix);
    const probe = await queueProbe(settings);
    try {
      await probe.check();
      await cluster.kill(master);
      await assert.rejects(probe.check());
      await cluster.up(master);
      await cluster.waitOk();
      const deadline = Date.now() + 20_000;
      for (;;) {
        const ok = await probe.check().then(() => true, () => false);
        if (ok) break;
        if (Date.now() > deadline) assert.fail('the probe did not recover after the master came back');
        await new Promise((res) => setTimeout(res, 200));
      }
    } finally {
      probe.close();
    }
  });

  it("serve's exposure check names every node that answers without a password", async () => {
    const open = await redisOpenToAnyone(settingsFor('sptest-open'));
    assert.deepEqual(new Set(open), new Set(cluster.nodes.filter((n) => n.proc?.exitCode === null).map((n) => `127.0.0.1:${n.port}`)));
  });

  it('an intent counts as recorded only once the replica has it: with the replica stopped, writeIntents fails', async () => {
    const settings = settingsFor(`sptest-${randomUUID().slice(0, 8)}`);
    const master = await cluster.masterOf(settings.prefix);
    const replica = await cluster.addReplica(master);
    const client = openRedis(settings, { maxRetriesPerRequest: null });
    client.on('error', () => undefined);
    cleanups.push(async () => client.disconnect());
    const store = new RedisBatchStore(client, settings.prefix, auth, { replicaAckMs: 800 });
    const onReplica = cluster.client(replica);
    cleanups.push(async () => onReplica.disconnect());
    await onReplica.call('READONLY');
    const key = `${settings.prefix}:order:ordW:e:e1:batch:0`;

    // Resolved: the replica has it at once, no waiting for replication.
    await store.writeIntents('ordW', 'e1', 0, new Map([[0, intent(10)]]));
    assert.ok(await onReplica.hexists(key, 'i0'), 'the replica lacks an intent that writeIntents said was recorded');

    // A replica that does not answer could still be promoted: nothing counts as recorded until it has the write.
    cluster.pause(replica, true);
    try {
      await assert.rejects(
        store.writeIntents('ordW', 'e1', 0, new Map([[1, intent(11)]])),
        /the intents of batch 0 of order ordW reached 0 of the 1 replicas of 127\.0\.0\.1:\d+ in 800 ms: a replica is down or behind/,
      );
    } finally {
      cluster.pause(replica, false);
    }
    await store.writeIntents('ordW', 'e1', 0, new Map([[2, intent(12)]]));
    assert.ok(await onReplica.hexists(key, 'i2'));
  });
});
