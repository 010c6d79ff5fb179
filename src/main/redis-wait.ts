// Start-up's wait for Redis, shared by the coordinator and the worker roles:
// one connection attempt at a time, with backoff, saying once that Redis does
// not answer and once that it does.
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { type Logger, withoutCredentials } from '../log.js';

/** How long start-up waits for Redis: 10 s by default; serve and worker wait however long it takes, or until `signal` (a stop). */
export interface StartOptions {
  redisWaitMs?: number;
  signal?: AbortSignal;
}

/** A Redis URL as logs and messages may show it: without user name or password. */
export function redisForDisplay(url: string): string {
  return withoutCredentials(url, 'REDIS_URL');
}

async function pingRedis(url: string): Promise<void> {
  // No retries and no offline queue: one connection attempt that answers or fails.
  const r = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 5000 });
  // The connection's error says why (ECONNREFUSED, ENOTFOUND, WRONGPASS); connect() then only says "Connection is closed".
  let cause: Error | undefined;
  r.on('error', (e: Error) => (cause ??= e));
  try {
    await r.connect();
    await r.ping();
  } catch (e) {
    throw cause ?? e;
  } finally {
    r.disconnect();
  }
}

const AUTH_REFUSED = /NOAUTH|WRONGPASS|invalid password|invalid username-password/i;

/**
 * Waits until Redis answers, retrying with backoff (0.25 s doubling to 10 s),
 * before anything else connects to it: the queue's own connections would log
 * an error per retry, and their commands fail at once while Redis is down (the
 * offline queue is off). Says "cannot reach Redis" once, and once that it
 * answers; a refused password is a configuration error and is not retried.
 */
export async function waitForRedis(url: string, log: Logger, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const shown = redisForDisplay(url);
  const deadline = Date.now() + timeoutMs;
  let delay = 250;
  let said = false;
  for (;;) {
    signal?.throwIfAborted();
    try {
      await pingRedis(url);
      if (said) log.info({ redis: shown }, `Redis at ${shown} answers`);
      return;
    } catch (e) {
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
