// Does this Redis let anyone in? Whoever can write to the queue's Redis can
// delay, drop or replay work (docs/SECURITY.md), so `serve` warns at start when
// it listens beyond loopback and its Redis answers a client without credentials.
// On a Redis Cluster every node is asked: each one holds some slots.
import { Redis } from 'ioredis';
import type { QueueSettings } from './queue-config.js';
import { addressOf, isCluster, nodeName, openRedis } from './redis-connection.js';

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

/** The nodes of the cluster, as the cluster itself lists them (asked with the configured credentials), else the seeds. */
async function clusterNodes(settings: QueueSettings, timeoutMs: number): Promise<string[]> {
  const seeds = (settings.clusterNodes ?? []).map(nodeName);
  const cluster = openRedis(settings, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: timeoutMs, reconnect: false });
  cluster.on('error', () => undefined);
  try {
    await cluster.connect();
    const known = isCluster(cluster) ? cluster.nodes('all').map(addressOf) : [];
    return [...new Set([...seeds, ...known])];
  } catch {
    return seeds;
  } finally {
    cluster.disconnect();
  }
}

/** The names (host:port) of the queue's Redis servers that answer a client without credentials; empty when none does. */
export async function redisOpenToAnyone(settings: QueueSettings, timeoutMs = 2000): Promise<string[]> {
  const u = new URL(settings.redisUrl);
  if (!settings.clusterNodes) return (await redisAnswersAnyone(settings.redisUrl, timeoutMs)) ? [u.host] : [];
  const open: string[] = [];
  for (const node of await clusterNodes(settings, timeoutMs)) {
    // The node's address with REDIS_URL's scheme (TLS or not), and no credentials.
    if (await redisAnswersAnyone(`${u.protocol}//${node}`, timeoutMs)) open.push(node);
  }
  return open;
}
