// A worker's liveness signal. A worker has no HTTP port, so it says that it is
// alive with a file: while its Redis answers, it rewrites the file every
// HEARTBEAT_INTERVAL_MS; a healthcheck (the worker's in docker-compose.yml)
// calls it unhealthy when the file is older than HEARTBEAT_MAX_AGE_MS or
// missing. A worker that stops removes the file; one that hangs, dies or loses
// Redis leaves it to go stale. Off unless SHREDPROOF_WORKER_HEARTBEAT_FILE is set.
import { rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import type { Logger } from '../../log.js';
import type { QueueSettings } from './queue-config.js';
import { queueKeyIdKey } from './redis-batch-store.js';
import { openRedis } from './redis-connection.js';

export const HEARTBEAT_FILE_ENV = 'SHREDPROOF_WORKER_HEARTBEAT_FILE';
export const HEARTBEAT_INTERVAL_MS = 10_000;
/** Three beats: one missed beat (a slow PING, a busy event loop) is not yet a failure. docker-compose.yml's healthcheck uses the same number. */
export const HEARTBEAT_MAX_AGE_MS = 30_000;

/** The heartbeat file that the environment names, as an absolute path; undefined (off) when unset or empty. */
export function heartbeatFileFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const v = env.SHREDPROOF_WORKER_HEARTBEAT_FILE?.trim(); // by name: test/docs/stated-facts.test.ts finds what the code reads
  return v ? resolve(v) : undefined;
}

/** One PING on a connection of its own: rejects while Redis does not answer. */
export interface QueueProbe {
  check(): Promise<void>;
  close(): void;
}

/**
 * A Redis connection for the probe only. The offline queue is off, so a PING
 * while the connection is down fails at once instead of waiting; ioredis
 * reconnects by itself, and the next PING after that answers.
 */
export async function redisProbe(url: string): Promise<QueueProbe> {
  const redis = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 5000, commandTimeout: 5000 });
  redis.on('error', () => undefined); // the heartbeat says what failed, once per outage
  try {
    await redis.connect();
  } catch (e) {
    redis.disconnect();
    throw e;
  }
  return {
    async check() {
      const answer = await redis.ping();
      if (answer !== 'PONG') throw new Error(`PING answered ${answer}`);
    },
    close: () => redis.disconnect(),
  };
}

/**
 * The probe of a worker's queue. One Redis: a PING. A Redis Cluster: a read
 * of a key in the queue's slot, which only its master answers, so that the
 * heartbeat stops while the master that holds the queue is down even though
 * the other nodes answer.
 */
export async function queueProbe(settings: QueueSettings): Promise<QueueProbe> {
  if (!settings.clusterNodes) return redisProbe(settings.redisUrl);
  const cluster = openRedis(settings, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 5000, commandTimeout: 5000 });
  cluster.on('error', () => undefined);
  try {
    await cluster.connect();
  } catch (e) {
    cluster.disconnect();
    throw e;
  }
  return {
    async check() {
      await cluster.exists(queueKeyIdKey(settings.prefix));
    },
    close: () => cluster.disconnect(),
  };
}

export interface HeartbeatOptions {
  file: string;
  /** Rejects while the worker cannot reach its queue. */
  probe: () => Promise<void>;
  log: Logger;
  intervalMs?: number;
}

export class WorkerHeartbeat {
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> = Promise.resolve();
  private stopped = false;
  /** What went wrong at the last beat, said once until a beat succeeds again. */
  private failing: string | undefined;

  private constructor(
    private readonly opts: HeartbeatOptions,
    private readonly intervalMs: number,
  ) {}

  /**
   * Writes the file at once and then every interval. A file that cannot be
   * written (a read-only directory, a missing one) is a configuration error
   * and rejects here, before the worker counts as started.
   */
  static async start(opts: HeartbeatOptions): Promise<WorkerHeartbeat> {
    const hb = new WorkerHeartbeat(opts, opts.intervalMs ?? HEARTBEAT_INTERVAL_MS);
    await opts.probe();
    try {
      hb.write();
    } catch (e) {
      throw new Error(`cannot write the heartbeat file ${opts.file} (${(e as Error).message}): set ${HEARTBEAT_FILE_ENV} to a writable path`, { cause: e });
    }
    hb.schedule();
    return hb;
  }

  private write(): void {
    writeFileSync(this.opts.file, `${new Date().toISOString()}\n`);
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.beating = this.beat().finally(() => {
        if (!this.stopped) this.schedule();
      });
    }, this.intervalMs);
    this.timer.unref(); // never what keeps the process alive
  }

  private async beat(): Promise<void> {
    try {
      await this.withinInterval(this.opts.probe());
    } catch (e) {
      return this.fail(`the queue does not answer (${(e as Error).message}): the heartbeat file ${this.opts.file} is no longer refreshed`);
    }
    if (this.stopped) return; // stop() removed the file while the probe ran: do not write it back
    try {
      this.write();
    } catch (e) {
      return this.fail(`cannot write the heartbeat file ${this.opts.file} (${(e as Error).message})`);
    }
    if (this.failing !== undefined) this.opts.log.info({ heartbeat: this.opts.file }, 'the queue answers again: heartbeat resumed');
    this.failing = undefined;
  }

  /** A probe that hangs must not hold the heartbeat: it counts as a failure after one interval. */
  private async withinInterval(p: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        p,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer in ${this.intervalMs} ms`)), this.intervalMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  private fail(why: string): void {
    if (this.failing === undefined) this.opts.log.warn({ heartbeat: this.opts.file }, why);
    this.failing = why;
  }

  /** No beat after this resolves; the file is gone: a stopping worker takes no more work. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.beating;
    rmSync(this.opts.file, { force: true });
  }
}
