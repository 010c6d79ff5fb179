// BullMQ settings shared by the producer (coordinator) and the consumers (workers).
export const EXEC_QUEUE = 'exec';

export interface QueueSettings {
  redisUrl: string;
  /** Key prefix for BullMQ and shredproof keys; tests use a fresh one each. */
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
