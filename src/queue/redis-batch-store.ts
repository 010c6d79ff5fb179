// Per-batch state in Redis: the intents (content hashes recorded before each
// destroy) and the outcomes. This is the durable hand-over between a worker
// and the coordinator: with Redis AOF (appendfsync always), an intent written
// here survives a worker SIGKILL and a Redis restart.
import type { Redis } from 'ioredis';
import type { BatchState, Intent, OrderSpec, Outcome } from '../engine/batch-types.js';

/** One round trip and one command for a whole batch, instead of a thousand HSETNX. */
const HSETNX_ALL = "for i = 1, #ARGV, 2 do redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1]) end return 0";

export class RedisBatchStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private specKey(orderId: string): string {
    return `${this.prefix}:order:${orderId}:spec`;
  }

  /** Per epoch: after Redis lost state, a new epoch never mixes with what may linger of the old one. */
  private batchKey(orderId: string, epoch: string, batch: number): string {
    return `${this.prefix}:order:${orderId}:e:${epoch}:batch:${batch}`;
  }

  async publishSpec(spec: OrderSpec): Promise<void> {
    await this.redis.set(this.specKey(spec.orderId), JSON.stringify(spec));
  }

  async readSpec(orderId: string): Promise<OrderSpec | undefined> {
    const v = await this.redis.get(this.specKey(orderId));
    return v ? (JSON.parse(v) as OrderSpec) : undefined;
  }

  async readBatch(orderId: string, epoch: string, batch: number): Promise<BatchState> {
    const raw = await this.redis.hgetall(this.batchKey(orderId, epoch, batch));
    const state: BatchState = { intents: new Map(), outcomes: new Map() };
    for (const [field, value] of Object.entries(raw)) {
      const seq = Number(field.slice(1));
      if (field[0] === 'i') state.intents.set(seq, JSON.parse(value) as Intent);
      else if (field[0] === 'o') state.outcomes.set(seq, JSON.parse(value) as Outcome);
    }
    return state;
  }

  async writeIntents(orderId: string, epoch: string, batch: number, intents: ReadonlyMap<number, Intent>): Promise<void> {
    if (intents.size === 0) return;
    const args: string[] = [];
    for (const [seq, intent] of intents) args.push(`i${seq}`, JSON.stringify(intent));
    await this.redis.hset(this.batchKey(orderId, epoch, batch), ...args);
  }

  /** HSETNX per item, in one atomic script call: the first outcome recorded for an item stands. */
  async writeOutcomes(orderId: string, epoch: string, batch: number, outcomes: ReadonlyMap<number, Outcome>): Promise<void> {
    if (outcomes.size === 0) return;
    const args: string[] = [];
    for (const [seq, o] of outcomes) args.push(`o${seq}`, JSON.stringify(o));
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

  private async unlinkMatching(pattern: string): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await this.redis.unlink(...keys);
    } while (cursor !== '0');
  }
}
