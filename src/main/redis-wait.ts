// Start-up's wait for Redis, shared by the coordinator and the worker roles:
// one connection attempt at a time, with backoff, saying once that Redis does
// not answer and once that it does.
import { setTimeout as sleep } from 'node:timers/promises';
import { describeRedis, pingRedis, RedisKindError, type RedisTarget } from '../adapters/queue/redis-connection.js';
import type { Logger } from '../log.js';

/** How long start-up waits for Redis: 10 s by default; serve and worker wait however long it takes, or until `signal` (a stop). */
export interface StartOptions {
  redisWaitMs?: number;
  signal?: AbortSignal;
}

/** Redis as logs and messages may show it: without user name or password. */
export function redisForDisplay(target: RedisTarget): string {
  return describeRedis(target);
}

const AUTH_REFUSED = /NOAUTH|WRONGPASS|invalid password|invalid username-password/i;

/**
 * Waits until Redis answers (a Redis Cluster: until it is whole), retrying
 * with backoff (0.25 s doubling to 10 s), before anything else connects to it:
 * the queue's own connections would log an error per retry, and their
 * commands fail at once while Redis is down (the offline queue is off). Says
 * "cannot reach Redis" once, and once that it answers; a refused password, or
 * a cluster named as one Redis (or the reverse), is a configuration error and
 * is not retried.
 */
export async function waitForRedis(target: RedisTarget, log: Logger, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const shown = redisForDisplay(target);
  const deadline = Date.now() + timeoutMs;
  let delay = 250;
  let said = false;
  for (;;) {
    signal?.throwIfAborted();
    try {
      await pingRedis(target);
      if (said) log.info({ redis: shown }, `Redis at ${shown} answers`);
      return;
    } catch (e) {
      if (e instanceof RedisKindError) throw e;
      const why = (e as Error).message;
      if (AUTH_REFUSED.test(why)) throw new Error(`Redis at ${shown} refused the credentials (${why}): check the password in REDIS_URL`);
      if (Date.now() + delay > deadline) throw new Error(`cannot reach Redis at ${shown} (${why})`);
      if (!said) log.error({ redis: shown, err: why }, `cannot reach Redis at ${shown} (${why}); retrying with backoff until it answers`);
      said = true;
      await sleep(delay, undefined, signal ? { signal } : {});
      delay = Math.min(delay * 2, 10_000);
    }
  }
}
