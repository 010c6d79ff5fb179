// What the use cases (create, plan, approve, execute, ingest, finalize) need.
// Wired once in the composition root (src/main/compose.ts).
import type { BackendRegistry } from '../adapters/storage/registry.js';
import type { Signer } from '@shredproof/verify';
import type { ItemResult, Ledger } from './ports/ledger.js';
import type { Logger } from '../log.js';
import type { BullmqExecQueue } from '../adapters/queue/bullmq-exec-queue.js';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** What the engine reports for /metrics; optional, so that tools without an API need none. */
export interface EngineMetrics {
  ingested(target: string, results: readonly ItemResult[]): void;
  phase(phase: 'plan' | 'execute' | 'finalize', seconds: number): void;
}

export interface EngineDeps {
  ledger: Ledger;
  backends: BackendRegistry;
  queue: BullmqExecQueue;
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
}

/** A rule of the order lifecycle was broken (approve your own order, execute an unapproved one, ...). */
export class RuleError extends Error {
  override readonly name = 'RuleError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** No such order. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  readonly code = 'NOT_FOUND';
}
