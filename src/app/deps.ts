// What the use cases (create, plan, approve, execute, ingest, finalize) need:
// ports only. Wired once, in the coordinator's composition root (src/main).
import type { Signer } from '@shredproof/verify';
import type { Logger } from '../log.js';
import type { Clock } from './ports/clock.js';
import type { ExecutionQueue } from './ports/execution-queue.js';
import type { Ledger } from './ports/ledger.js';
import type { EngineMetrics } from './ports/metrics.js';
import type { StorageBackends } from './ports/storage-backend.js';
import type { LogKey } from './ports/transparency-log.js';

export const systemClock: Clock = { now: () => new Date() };

export interface EngineDeps {
  ledger: Ledger;
  backends: StorageBackends;
  queue: ExecutionQueue;
  clock: Clock;
  log: Logger;
  /** Only the coordinator holds it; undefined where nothing is signed. */
  signer: Signer;
  issuerName: string;
  /** Where certificates and records files are written. */
  dataDir: string;
  batchSize: number;
  /** How long a published order spec stays valid (workers refuse an expired one); default 6 hours. */
  specTtlSeconds?: number;
  metrics?: EngineMetrics;
  /** The transparency log's key and origin: only the coordinator holds it (it signs the checkpoints). */
  logKey?: LogKey;
}
