// A stateless worker: takes batch jobs from the BullMQ queue and runs them
// against the storage backends. It talks only to Redis and the backends; it
// never opens the ledger or the signing key.
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { BackendRegistry } from '../storage/registry.js';
import type { BatchJobData, BatchSummary, OrderSpec } from '../../app/batch-types.js';
import { processBatch } from '../../app/batch-processor.js';
import { PermanentJobError } from '../../app/errors.js';
import type { Logger } from '../../log.js';
import type { TargetSession } from '../../app/ports/storage-backend.js';
import { type QueueAuth, QueueAuthError } from './queue-auth.js';
import { EXEC_QUEUE, type QueueSettings } from './queue-config.js';
import { REPLICA_ACK_MS, RedisBatchStore } from './redis-batch-store.js';
import { checkClusterPersistence, openRedis, type RedisClient } from './redis-connection.js';

/**
 * Test-only fault injection (SHREDPROOF_FAULT=intents:N or destroy:N): the
 * worker SIGKILLs itself right after its Nth intent write or destroy call,
 * before the outcome is recorded: the most delicate instants for invariant 3.
 */
export interface FaultPlan {
  at: 'intents' | 'destroy';
  count: number;
}

export function parseFaultPlan(v: string | undefined): FaultPlan | undefined {
  const m = v ? /^(intents|destroy):(\d+)$/.exec(v) : null;
  return m ? { at: m[1] as FaultPlan['at'], count: Number(m[2]) } : undefined;
}

export interface WorkerOptions {
  faults?: FaultPlan;
  settings: QueueSettings;
  /** The queue key shared with the coordinator: jobs and specs that do not verify are refused. */
  auth: QueueAuth;
  backends: BackendRegistry;
  concurrency: number;
  log: Logger;
  now?: () => Date;
}

/** Target sessions per (order, epoch, target), kept while jobs of that order keep coming. */
class SessionCache {
  private readonly sessions = new Map<string, Promise<TargetSession>>();
  private readonly max = 32;

  constructor(private readonly backends: BackendRegistry) {}

  get(spec: OrderSpec, target: string): Promise<TargetSession> {
    const key = `${spec.orderId}/${spec.epoch}/${target}`;
    let s = this.sessions.get(key);
    if (!s) {
      const t = spec.targets[target];
      if (!t) throw new PermanentJobError(`order ${spec.orderId} has no target ${target}`);
      s = this.backends.get(t.backend).openTarget(t.scope, spec.holds.filter((h) => h.target === target), t.binding);
      s.catch(() => this.sessions.delete(key));
      this.sessions.set(key, s);
      if (this.sessions.size > this.max) {
        const [oldest, session] = this.sessions.entries().next().value as [string, Promise<TargetSession>];
        this.sessions.delete(oldest);
        void session.then((x) => x.close()).catch(() => undefined);
      }
    }
    return s;
  }

  async close(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.allSettled(all.map(async (s) => (await s).close()));
  }
}

export class BatchWorker {
  private readonly worker: Worker<BatchJobData, BatchSummary>;
  private readonly redis: RedisClient;
  private readonly workerConnection: RedisClient;
  private readonly store: RedisBatchStore;
  private readonly sessions: SessionCache;
  private readonly specs = new Map<string, OrderSpec>();
  private faultCount = 0;

  constructor(private readonly opts: WorkerOptions) {
    const { settings, log } = opts;
    this.redis = openRedis(settings, { maxRetriesPerRequest: null });
    this.redis.on('error', (e: Error) => log.warn({ err: e.message }, 'worker redis connection error'));
    // An intent that the replicas do not take within half a lock fails the attempt before anything is destroyed.
    this.store = new RedisBatchStore(this.redis, settings.prefix, opts.auth, { replicaAckMs: Math.min(REPLICA_ACK_MS, Math.floor(settings.lockDurationMs / 2)) });
    this.sessions = new SessionCache(opts.backends);
    this.workerConnection = openRedis(settings, { maxRetriesPerRequest: null });
    this.workerConnection.on('error', (e: Error) => log.warn({ err: e.message }, 'worker queue connection error'));
    this.worker = new Worker<BatchJobData, BatchSummary>(EXEC_QUEUE, (job, token) => this.run(job, token), {
      connection: this.workerConnection,
      prefix: settings.prefix,
      concurrency: opts.concurrency,
      lockDuration: settings.lockDurationMs,
      stalledInterval: settings.stalledIntervalMs,
      // Re-running a batch is safe (intents and first-outcome-wins), so a job may stall many times.
      maxStalledCount: 1000,
      // Started by start(), once the queue key is known to be the coordinator's.
      autorun: false,
    });
    this.worker.on('error', (e) => log.warn({ err: e.message }, 'worker error'));
    this.worker.on('failed', (job, e) =>
      log.warn({ orderId: job?.data.orderId, batch: job?.data.batch, attempt: job?.attemptsMade, err: e.message }, 'batch attempt failed'),
    );
  }

  /**
   * Refuses to start when the coordinator has published the id of another
   * queue key: every job would be refused. (Whoever can write to Redis can
   * make workers stop here; that much Redis access can stop them anyway.)
   */
  async start(): Promise<void> {
    const published = await this.store.readKeyId();
    if (published !== null && published !== this.opts.auth.keyId) {
      throw new Error(`this worker's queue key (id ${this.opts.auth.keyId}) is not the coordinator's (id ${published.slice(0, 32)}): set SHREDPROOF_QUEUE_KEY_FILE to a copy of the coordinator's queue.key`);
    }
    // A worker records the hashes: it refuses a cluster that could lose them, whatever the coordinator saw.
    await checkClusterPersistence(this.redis);
    void this.worker.run().catch((e: Error) => this.opts.log.error({ err: e.message }, 'worker stopped'));
  }

  private async spec(orderId: string, epoch: string): Promise<OrderSpec> {
    const cached = this.specs.get(orderId);
    const now = (this.opts.now ?? (() => new Date()))();
    if (cached?.epoch === epoch && Date.parse(cached.expiresAt) > now.getTime()) return cached;
    let spec: OrderSpec | undefined;
    try {
      spec = await this.store.readSpec(orderId);
    } catch (e) {
      // Retried, not failed: the coordinator re-publishes its own spec over a forged one.
      if (e instanceof QueueAuthError) throw new Error(`refused the spec of order ${orderId}: ${e.message}`);
      throw e;
    }
    if (!spec) throw new UnrecoverableError(`order ${orderId} has no published spec in Redis (cancelled, or Redis lost its state)`);
    if (spec.epoch !== epoch) throw new UnrecoverableError(`job of epoch ${epoch}, order ${orderId} is now at epoch ${spec.epoch}`);
    // Retried: a coordinator that is down does not refresh the spec; it does when it is back.
    if (!(Date.parse(spec.expiresAt) > now.getTime())) throw new Error(`the spec of order ${orderId} expired at ${spec.expiresAt}; waiting for the coordinator to renew it`);
    this.specs.set(orderId, spec);
    return spec;
  }

  private async run(job: Job<BatchJobData, BatchSummary>, token: string | undefined): Promise<BatchSummary> {
    const data = job.data;
    try {
      this.opts.auth.verifyJob(data);
    } catch (e) {
      // Not made by the coordinator (or made with another queue key): nothing of it is run.
      this.opts.log.error({ jobId: job.id, err: (e as Error).message }, 'refused a batch job that does not authenticate');
      throw new UnrecoverableError(`refused: ${(e as Error).message}`);
    }
    const log = this.opts.log.child({ orderId: data.orderId, batch: data.batch, target: data.target });
    const started = Date.now();
    try {
      const spec = await this.spec(data.orderId, data.epoch);
      const session = await this.sessions.get(spec, data.target);
      const backend = this.opts.backends.get(spec.targets[data.target]!.backend);
      const summary = await processBatch(data, {
        store: this.store,
        session,
        method: backend.method,
        now: this.opts.now ?? (() => new Date()),
        beforeDestroy: async () => {
          // extendLock answers 0 when the lock is no longer ours: stop before destroying anything more.
          if (!token || (await job.extendLock(token, this.opts.settings.lockDurationMs)) !== 1) {
            throw new Error(`lost the lock on batch ${data.batch} of order ${data.orderId}; another worker may hold it`);
          }
        },
        ...(this.opts.faults ? { faults: this.faultHooks(this.opts.faults) } : {}),
      });
      log.info({ ...summary, items: data.items.length, ms: Date.now() - started }, 'batch done');
      return summary;
    } catch (e) {
      if (e instanceof PermanentJobError) throw new UnrecoverableError(e.message);
      throw e;
    }
  }

  private faultHooks(plan: FaultPlan): { afterIntents?: () => void; afterDestroy?: () => void } {
    const hit = () => {
      if (++this.faultCount === plan.count) process.kill(process.pid, 'SIGKILL');
    };
    return plan.at === 'intents' ? { afterIntents: hit } : { afterDestroy: hit };
  }

  async close(): Promise<void> {
    await this.worker.close();
    await this.sessions.close();
    this.redis.disconnect();
    this.workerConnection.disconnect();
  }
}
