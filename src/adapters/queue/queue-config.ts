// BullMQ settings shared by the producer (coordinator) and the consumers (workers).
export const EXEC_QUEUE = 'exec';

/** One node of a Redis Cluster, as REDIS_CLUSTER_NODES names it. */
export interface RedisNode {
  host: string;
  port: number;
}

export interface QueueSettings {
  /** One Redis; with `clusterNodes`, only its user, password and scheme (rediss: TLS) count. */
  redisUrl: string;
  /** Set: Redis is a Redis Cluster, reached through these seed nodes (redis-connection.ts). */
  clusterNodes?: readonly RedisNode[];
  /**
   * Key prefix for BullMQ and shredproof keys; tests use a fresh one each. On a
   * cluster it is a hash tag (`{shredproof}`), so that every key lives in one slot.
   */
  prefix: string;
  /** A worker that stops renewing its lock this long is presumed dead and its job is retried. */
  lockDurationMs: number;
  stalledIntervalMs: number;
  attempts: number;
  backoffMs: number;
}

export const DEFAULT_QUEUE_SETTINGS: Omit<QueueSettings, 'redisUrl'> = {
  prefix: 'shredproof',
  lockDurationMs: 30_000,
  stalledIntervalMs: 15_000,
  attempts: 8,
  backoffMs: 2_000,
};
