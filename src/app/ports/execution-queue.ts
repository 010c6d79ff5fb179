// The execution queue, as the coordinator uses it: batch jobs go out with
// deterministic ids, finished ones come back to be ingested, and are removed
// once the ledger has their results.
import type { BatchJobData } from '../batch-types.js';
import type { BatchStore } from './batch-store.js';

export interface FinishedJob {
  id: string;
  data: BatchJobData;
  failed: boolean;
  failedReason: string | undefined;
}

/** Checks that a job is exactly as the coordinator made it. */
export interface JobVerifier {
  /** Throws QueueAuthError (src/app/errors.ts) unless the job carries a valid MAC of the queue key. */
  verifyJob(data: BatchJobData): void;
}

export interface ExecutionQueue {
  /** Signs each job with the queue key and enqueues it; enqueueing a job that exists is a no-op. */
  enqueue(jobs: ReadonlyArray<Omit<BatchJobData, 'mac'>>): Promise<void>;
  /** Up to `limit` completed or failed jobs. */
  finished(limit?: number): Promise<FinishedJob[]>;
  /** Removes a job unless a worker holds it ('active'): then it finishes and is ingested as usual. */
  withdraw(jobId: string): Promise<'removed' | 'absent' | 'active'>;
  remove(jobId: string): Promise<void>;
  /** Which of these job ids exist (in any state). */
  existing(jobIds: readonly string[]): Promise<Set<string>>;
  /** Workers connected to the queue. */
  workers(): Promise<number>;
  /** Jobs per state. */
  depth(): Promise<Record<string, number>>;
  readonly auth: JobVerifier;
  /** The state of each execution that the queue's jobs produce (one adapter keeps both). */
  readonly store: BatchStore;
}
