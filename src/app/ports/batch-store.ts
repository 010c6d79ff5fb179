// The state of an execution that travels between the coordinator and the
// workers outside the ledger: the order spec of each execution epoch, and per
// batch the intents (content hashes recorded before each destroy) and the
// outcomes. Every value is authenticated with the queue key: what does not
// verify is never believed (QueueAuthError, src/app/errors.ts).
import type { BatchState, Intent, OrderSpec, Outcome } from '../batch-types.js';

/** What a worker records of a batch while it runs it (batch-processor.ts). */
export interface WorkerBatchStore {
  readBatch(orderId: string, epoch: string, batch: number): Promise<BatchState>;
  writeIntents(orderId: string, epoch: string, batch: number, intents: ReadonlyMap<number, Intent>): Promise<void>;
  /** The first outcome recorded for an item stands: a late retry cannot overwrite it. */
  writeOutcomes(orderId: string, epoch: string, batch: number, outcomes: ReadonlyMap<number, Outcome>): Promise<void>;
}

/** What the coordinator publishes, reads and forgets (execute-order.ts, ingest.ts, finalize-order.ts). */
export interface BatchStore {
  publishSpec(spec: OrderSpec): Promise<void>;
  /** The order's spec, undefined if there is none; throws QueueAuthError if it is not one the coordinator published. */
  readSpec(orderId: string): Promise<OrderSpec | undefined>;
  /** Values that do not verify are left out and counted in `rejected`. */
  readBatch(orderId: string, epoch: string, batch: number): Promise<BatchState>;
  deleteBatch(orderId: string, epoch: string, batch: number): Promise<void>;
  /** Forgets everything of an order (once it is certified). */
  deleteOrder(orderId: string): Promise<void>;
  /** Forgets everything of this deployment, queue included: for throw-away deployments (the demo, tests, benchmarks). */
  dropPrefix(): Promise<void>;
}
