// Per-batch state in Redis: the intents (content hashes recorded before each
// destroy) and the outcomes. This is the durable hand-over between a worker
// and the coordinator: with Redis AOF (appendfsync always), an intent written
// here survives a worker SIGKILL and a Redis restart; acknowledged by every
// replica (redis-replicas.ts), it survives a failover too.
//
// One Redis or a Redis Cluster (redis-connection.ts): every key starts with
// the prefix, a hash tag on a cluster, so all of them share one slot and the
// one-key script below never crosses slots.
//
// Every value is sealed with the queue key (queue-auth.ts) and bound to its
// order, epoch, batch and item: what does not verify is never believed.
import type { BatchState, Intent, OrderSpec, Outcome } from '../../app/batch-types.js';
import { QueueAuthError } from '../../app/errors.js';
import type { BatchStore, WorkerBatchStore } from '../../app/ports/batch-store.js';
import type { QueueAuth } from './queue-auth.js';
import { isCluster, masters, type RedisClient } from './redis-connection.js';
import { ReplicatedWrites } from './redis-replicas.js';

const SPEC = 'shredproof-spec-v1';
const INTENT = 'shredproof-intent-v1';
const OUTCOME = 'shredproof-outcome-v1';

/** One round trip and one command for a whole batch, instead of a thousand HSETNX. */
const HSETNX_ALL = "for i = 1, #ARGV, 2 do redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1]) end return 0";

/** Where the coordinator publishes its queue key's id: a key in the deployment's slot, which liveness probes read. */
export function queueKeyIdKey(prefix: string): string {
  return `${prefix}:queue-key-id`;
}

/** How long an intent write waits for the replicas to acknowledge it before it fails (and nothing is destroyed). */
export const REPLICA_ACK_MS = 5000;

export class RedisBatchStore implements BatchStore, WorkerBatchStore {
  private readonly replicated: ReplicatedWrites;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly auth: QueueAuth,
    opts: { replicaAckMs?: number } = {},
  ) {
    this.replicated = new ReplicatedWrites(redis, opts.replicaAckMs ?? REPLICA_ACK_MS);
  }

  private keyIdKey(): string {
    return queueKeyIdKey(this.prefix);
  }

  /** The coordinator says which queue key it uses, so that a worker with another key stops at start. */
  async publishKeyId(): Promise<void> {
    await this.redis.set(this.keyIdKey(), this.auth.keyId);
  }

  async readKeyId(): Promise<string | null> {
    return this.redis.get(this.keyIdKey());
  }

  private specKey(orderId: string): string {
    return `${this.prefix}:order:${orderId}:spec`;
  }

  /** Per epoch: after Redis lost state, a new epoch never mixes with what may linger of the old one. */
  private batchKey(orderId: string, epoch: string, batch: number): string {
    return `${this.prefix}:order:${orderId}:e:${epoch}:batch:${batch}`;
  }

  async publishSpec(spec: OrderSpec): Promise<void> {
    await this.redis.set(this.specKey(spec.orderId), this.auth.seal(SPEC, [spec.orderId], JSON.stringify(spec)));
  }

  /**
   * The order's spec, undefined if there is none. Throws QueueAuthError if the
   * value in Redis is not one the coordinator published for this order.
   */
  async readSpec(orderId: string): Promise<OrderSpec | undefined> {
    const v = await this.redis.get(this.specKey(orderId));
    if (v === null) return undefined;
    const spec = JSON.parse(this.auth.open(SPEC, [orderId], v, `the spec of order ${orderId}`)) as OrderSpec;
    if (spec.orderId !== orderId) throw new QueueAuthError(`the spec under order ${orderId} names order ${spec.orderId}`);
    return spec;
  }

  async readBatch(orderId: string, epoch: string, batch: number): Promise<BatchState> {
    const raw = await this.redis.hgetall(this.batchKey(orderId, epoch, batch));
    const state: BatchState = { intents: new Map(), outcomes: new Map(), rejected: 0 };
    for (const [field, value] of Object.entries(raw)) {
      // Field names and values come from Redis: only `i<seq>` and `o<seq>` whose seal verifies count.
      const m = /^([io])(0|[1-9][0-9]{0,15})$/.exec(field);
      const seq = m ? Number(m[2]) : NaN;
      try {
        if (!m || !Number.isSafeInteger(seq)) throw new QueueAuthError(`unexpected field ${JSON.stringify(field.slice(0, 40))}`);
        const context = [orderId, epoch, batch, seq];
        if (m[1] === 'i') state.intents.set(seq, JSON.parse(this.auth.open(INTENT, context, value, `intent ${seq}`)) as Intent);
        else state.outcomes.set(seq, JSON.parse(this.auth.open(OUTCOME, context, value, `outcome ${seq}`)) as Outcome);
      } catch (e) {
        if (!(e instanceof QueueAuthError)) throw e;
        state.rejected++;
      }
    }
    return state;
  }

  async writeIntents(orderId: string, epoch: string, batch: number, intents: ReadonlyMap<number, Intent>): Promise<void> {
    if (intents.size === 0) return;
    const args: string[] = [];
    for (const [seq, intent] of intents) args.push(`i${seq}`, this.auth.seal(INTENT, [orderId, epoch, batch, seq], JSON.stringify(intent)));
    // Invariant 3: resolves only once the intents would survive the crash of their master.
    await this.replicated.hset(this.batchKey(orderId, epoch, batch), args, `the intents of batch ${batch} of order ${orderId}`);
  }

  /** HSETNX per item, in one atomic script call: the first outcome recorded for an item stands. */
  async writeOutcomes(orderId: string, epoch: string, batch: number, outcomes: ReadonlyMap<number, Outcome>): Promise<void> {
    if (outcomes.size === 0) return;
    const args: string[] = [];
    for (const [seq, o] of outcomes) args.push(`o${seq}`, this.auth.seal(OUTCOME, [orderId, epoch, batch, seq], JSON.stringify(o)));
    await this.redis.eval(HSETNX_ALL, 1, this.batchKey(orderId, epoch, batch), ...args);
  }

  async deleteBatch(orderId: string, epoch: string, batch: number): Promise<void> {
    await this.redis.del(this.batchKey(orderId, epoch, batch));
  }

  async deleteOrder(orderId: string): Promise<void> {
    await this.unlinkMatching(`${this.prefix}:order:${orderId}:*`);
  }

  /** Removes every key under this prefix, queue included: for throw-away prefixes (demo, tests). */
  async dropPrefix(): Promise<void> {
    await this.unlinkMatching(`${this.prefix}:*`);
  }

  /** SCAN sees one server's keys: on a cluster, every master is scanned (a resharding may split the slot). */
  private async unlinkMatching(pattern: string): Promise<void> {
    for (const node of masters(this.redis)) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length === 0) continue;
        // Through the cluster client, one key at a time: it follows a key that moved, and no UNLINK crosses slots.
        if (isCluster(this.redis)) await Promise.all(keys.map((k) => this.redis.unlink(k)));
        else await this.redis.unlink(...keys);
      } while (cursor !== '0');
    }
  }
}
