// The coordinator's side of the queue: enqueue batch jobs with deterministic
// ids, find finished ones to ingest, and remove them once the ledger has them.
import { type Job, Queue } from 'bullmq';
import { type BatchJobData, type BatchSummary, jobIdFor } from '../../app/batch-types.js';
import type { ExecutionQueue, FinishedJob } from '../../app/ports/execution-queue.js';
import type { Logger } from '../../log.js';
import type { QueueAuth } from './queue-auth.js';
import { EXEC_QUEUE, type QueueSettings } from './queue-config.js';
import { RedisBatchStore } from './redis-batch-store.js';
import { checkClusterPersistence, describeRedis, openRedis, type RedisClient } from './redis-connection.js';

export type { FinishedJob } from '../../app/ports/execution-queue.js';

export class BullmqExecQueue implements ExecutionQueue {
  readonly store: RedisBatchStore;
  private readonly queue: Queue<BatchJobData, BatchSummary>;
  private readonly redis: RedisClient;
  private readonly queueConnection: RedisClient;

  constructor(
    private readonly settings: QueueSettings,
    log: Logger,
    readonly auth: QueueAuth,
  ) {
    // Producer side: fail fast while Redis is down instead of queueing commands in memory.
    this.redis = openRedis(settings, { maxRetriesPerRequest: 3, enableOfflineQueue: false });
    this.redis.on('error', (e: Error) => log.warn({ err: e.message }, 'coordinator redis connection error'));
    this.queueConnection = openRedis(settings, { maxRetriesPerRequest: 3, enableOfflineQueue: false });
    this.queueConnection.on('error', (e: Error) => log.warn({ err: e.message }, 'coordinator queue connection error'));
    this.store = new RedisBatchStore(this.redis, settings.prefix, auth);
    this.queue = new Queue<BatchJobData, BatchSummary>(EXEC_QUEUE, { connection: this.queueConnection, prefix: settings.prefix });
    this.queue.on('error', (e) => log.warn({ err: e.message }, 'queue error'));
  }

  /**
   * Ready when Redis answers, the queue's slot included. Call before the first
   * command (the offline queue is off). A cluster that could lose a recorded
   * hash in a crash is refused (redis-connection.ts).
   */
  async ready(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await this.redis.ping();
        await this.queueConnection.ping();
        await this.store.readKeyId();
        break;
      } catch (e) {
        if (Date.now() > deadline) throw new Error(`Redis at ${describeRedis(this.settings)} is not reachable: ${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    await checkClusterPersistence(this.redis);
  }

  /** Signs each job with the queue key (workers refuse unsigned ones) and enqueues it. */
  async enqueue(jobs: ReadonlyArray<Omit<BatchJobData, 'mac'>>): Promise<void> {
    const { attempts, backoffMs } = this.settings;
    for (let i = 0; i < jobs.length; i += 500) {
      await this.queue.addBulk(
        jobs.slice(i, i + 500).map((data) => ({
          name: 'batch',
          data: this.auth.signJob(data),
          opts: {
            // Deterministic: adding a job that exists is a no-op, so re-enqueueing after a restart is safe.
            jobId: jobIdFor(data.orderId, data.epoch, data.batch),
            attempts,
            backoff: { type: 'exponential', delay: backoffMs },
            removeOnComplete: false,
            removeOnFail: false,
          },
        })),
      );
    }
  }

  async finished(limit = 200): Promise<FinishedJob[]> {
    const out: FinishedJob[] = [];
    for (const state of ['completed', 'failed'] as const) {
      const jobs = (await this.queue.getJobs([state], 0, limit - 1, true)) as Array<Job<BatchJobData, BatchSummary> | undefined>;
      for (const j of jobs) {
        if (j?.id) out.push({ id: j.id, data: j.data, failed: state === 'failed', failedReason: j.failedReason });
      }
    }
    return out;
  }

  /**
   * Removes a job unless a worker holds it. Returns 'removed' (or 'absent' if
   * there was no such job), or 'active' when a worker is running it: then it
   * finishes and is ingested as usual.
   */
  async withdraw(jobId: string): Promise<'removed' | 'absent' | 'active'> {
    const job = await this.queue.getJob(jobId);
    if (!job) return 'absent';
    try {
      await job.remove();
      return 'removed';
    } catch {
      // BullMQ refuses to remove a locked (active) job.
      return 'active';
    }
  }

  async remove(jobId: string): Promise<void> {
    await this.queue.remove(jobId);
  }

  /** Which of these job ids exist in Redis (in any state). */
  async existing(jobIds: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < jobIds.length; i += 1000) {
      const chunk = jobIds.slice(i, i + 1000);
      const pipe = this.redis.pipeline();
      for (const id of chunk) pipe.exists(`${this.settings.prefix}:${EXEC_QUEUE}:${id}`);
      const res = (await pipe.exec()) ?? [];
      res.forEach(([err, n], k) => {
        if (err) throw err;
        if (n === 1) found.add(chunk[k]!);
      });
    }
    return found;
  }

  /** Workers connected to this queue, as Redis sees them (CLIENT LIST, by the names BullMQ gives their connections). */
  async workers(): Promise<number> {
    return this.queue.getWorkersCount();
  }

  async depth(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized');
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.redis.disconnect();
    this.queueConnection.disconnect();
  }
}
