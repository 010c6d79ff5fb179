// Does this Redis let anyone in? Whoever can write to the queue's Redis can
// delay, drop or replay work (docs/SECURITY.md), so `serve` warns at start when
// it listens beyond loopback and its Redis answers a client without credentials.
import { Redis } from 'ioredis';

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** True when a client without username and password gets PONG from the Redis of `redisUrl`. */
export async function redisAnswersAnyone(redisUrl: string, timeoutMs = 2000): Promise<boolean> {
  const u = new URL(redisUrl);
  u.username = '';
  u.password = '';
  const probe = new Redis(u.toString(), { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: timeoutMs, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false; // NOAUTH, or unreachable: either way not open to anyone
  } finally {
    probe.disconnect();
  }
}
