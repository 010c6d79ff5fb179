// How shredproof reaches the Redis of its queue: one server (REDIS_URL), or a
// Redis Cluster (REDIS_CLUSTER_NODES, with the user, password and TLS of
// REDIS_URL for every node). Every connection of the queue adapters is opened
// here, so that both kinds are configured alike.
//
// On a cluster every key that shredproof and BullMQ write starts with the
// prefix as a hash tag (`{shredproof}:...`, config.ts): all of them hash to one
// slot, so one master holds the whole queue and its batch state, BullMQ's
// multi-key scripts never cross slots, and one replication stream orders every
// write (redis-replicas.ts relies on that).
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { QueueSettings } from './queue-config.js';

export type RedisClient = Redis | Cluster;
export type RedisTarget = Pick<QueueSettings, 'redisUrl' | 'clusterNodes'>;

/** What a connection is opened with; on a cluster each option goes where ioredis expects it. */
export interface ConnectionOptions {
  maxRetriesPerRequest: number | null;
  enableOfflineQueue?: boolean;
  lazyConnect?: boolean;
  connectTimeout?: number;
  commandTimeout?: number;
  /** False: one attempt to connect, no reconnection (start-up and exposure probes). */
  reconnect?: false;
}

export function isCluster(client: RedisClient): client is Cluster {
  return client.isCluster;
}

/** The user, password and TLS of REDIS_URL, which apply to every node of a cluster. */
function credentials(url: string): Pick<RedisOptions, 'username' | 'password' | 'tls'> {
  const u = new URL(url);
  return {
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

export function openRedis(target: RedisTarget, opts: ConnectionOptions): RedisClient {
  const { enableOfflineQueue, lazyConnect, reconnect, ...perNode } = opts;
  if (!target.clusterNodes) {
    return new Redis(target.redisUrl, {
      ...perNode,
      ...(enableOfflineQueue !== undefined ? { enableOfflineQueue } : {}),
      ...(lazyConnect !== undefined ? { lazyConnect } : {}),
      ...(reconnect === false ? { retryStrategy: () => null } : {}),
    });
  }
  return new Cluster(
    target.clusterNodes.map((n) => ({ host: n.host, port: n.port })),
    {
      redisOptions: { ...perNode, ...credentials(target.redisUrl) },
      ...(enableOfflineQueue !== undefined ? { enableOfflineQueue } : {}),
      ...(lazyConnect !== undefined ? { lazyConnect } : {}),
      ...(reconnect === false ? { clusterRetryStrategy: () => null } : {}),
      // The slot map is read again now and then, not only on a MOVED reply: a master
      // that restarts or fails over is found even by a connection that sends nothing to it.
      slotsRefreshInterval: 5000,
    },
  );
}

/** Redis as logs and messages may show it (after "Redis at"): no user name or password. */
export function describeRedis(target: RedisTarget): string {
  if (target.clusterNodes) return `cluster ${target.clusterNodes.map(nodeName).join(',')}`;
  try {
    const u = new URL(target.redisUrl);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return 'REDIS_URL';
  }
}

export function nodeName(n: { host: string; port: number }): string {
  return n.host.includes(':') ? `[${n.host}]:${n.port}` : `${n.host}:${n.port}`;
}

/** Where one connection of a cluster goes, for messages. */
export function addressOf(node: Redis): string {
  return nodeName({ host: node.options.host ?? '?', port: node.options.port ?? 0 });
}

/** The masters to SCAN: every master of a cluster (each holds only its own slots' keys), or the one server. */
export function masters(client: RedisClient): Redis[] {
  if (!isCluster(client)) return [client];
  const nodes = client.nodes('master');
  // A cluster client that has not read the slot map yet knows no node: scanning nothing would find nothing, silently.
  if (nodes.length === 0) throw new Error('the Redis Cluster client knows no master yet (not connected)');
  return nodes;
}

/**
 * Refuses a cluster on which an acknowledged write could be lost: every node
 * (a replica becomes a master in a failover) must run with `appendonly yes`
 * and `appendfsync always`. Invariant 3 rests on it: an intent acknowledged
 * before a destroy must survive the crash of any node (docs/ARCHITECTURE.md).
 * One Redis (REDIS_URL) is not checked here: docs/SECURITY.md asks the same of it.
 */
export async function checkClusterPersistence(client: RedisClient): Promise<void> {
  if (!isCluster(client)) return;
  const nodes = client.nodes('all');
  if (nodes.length === 0) throw new Error('the Redis Cluster has no node that answers');
  const problems: string[] = [];
  for (const node of nodes) {
    let settings: Record<string, string>;
    try {
      const flat = (await node.config('GET', 'append*')) as string[];
      settings = Object.fromEntries(flat.flatMap((v, i) => (i % 2 === 0 ? [[v, flat[i + 1] ?? '']] : [])));
    } catch (e) {
      throw new Error(
        `cannot read the persistence settings of the Redis Cluster node ${addressOf(node)} (CONFIG GET: ${(e as Error).message}); shredproof needs appendonly yes and appendfsync always on every node, and the right to check it (+config|get)`,
      );
    }
    if (settings.appendonly !== 'yes' || settings.appendfsync !== 'always') {
      problems.push(`${addressOf(node)} has appendonly ${settings.appendonly ?? '?'}, appendfsync ${settings.appendfsync ?? '?'}`);
    }
  }
  if (problems.length > 0) {
    throw new Error(
      `the Redis Cluster could lose a recorded content hash in a crash: ${problems.join('; ')}. Every node needs appendonly yes and appendfsync always (CONFIG SET appendonly yes, CONFIG SET appendfsync always, and the same in redis.conf)`,
    );
  }
}

/** A configuration that no retry will fix (a cluster named as one Redis, or the reverse). */
export class RedisKindError extends Error {}

/**
 * One attempt to reach Redis, no retries: resolves once it answers, a cluster
 * once it is whole (cluster_state:ok). Rejects with the connection's own error
 * (ECONNREFUSED, WRONGPASS...), or RedisKindError when the server is not the
 * kind the configuration says.
 */
export async function pingRedis(target: RedisTarget, timeoutMs = 5000): Promise<void> {
  const r = openRedis(target, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, reconnect: false, connectTimeout: timeoutMs });
  // The connection's error says why (ECONNREFUSED, ENOTFOUND, WRONGPASS); connect() then only says "Connection is closed".
  let cause: Error | undefined;
  r.on('error', (e: Error) => (cause ??= e));
  r.on('node error', (e: Error) => (cause ??= e));
  try {
    await r.connect();
    await r.ping();
    let info: string | undefined;
    try {
      info = String(await r.cluster('INFO'));
    } catch (e) {
      // One Redis answers "cluster support disabled" (or NOPERM to a confined user): either way not a cluster node.
      if (isCluster(r)) throw e;
    }
    if (!isCluster(r) && info !== undefined) {
      throw new RedisKindError(`Redis at ${describeRedis(target)} is a node of a Redis Cluster: name the cluster's nodes in REDIS_CLUSTER_NODES`);
    }
    if (isCluster(r) && !/^cluster_state:ok\r?$/m.test(info ?? '')) throw new Error('the cluster is not ready (cluster_state is not ok)');
  } catch (e) {
    const why = cause ?? (e as Error);
    if (/cluster support disabled/i.test(why.message)) {
      throw new RedisKindError(`Redis at ${describeRedis(target)}: a node is not part of a Redis Cluster (${why.message}); unset REDIS_CLUSTER_NODES to use one Redis through REDIS_URL`);
    }
    throw e instanceof RedisKindError ? e : why;
  } finally {
    r.disconnect();
  }
}
