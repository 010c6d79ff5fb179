// What travels through Redis between the coordinator and the workers. Ids and
// locators only: no content, no credentials, no key material (invariant 6).
import type { HoldSpec, TargetBinding } from './ports/storage-backend.js';

/**
 * Published once per execution epoch, MACed by the coordinator (src/adapters/queue/queue-auth.ts);
 * workers re-check scope and holds against it, and refuse it once it has expired.
 */
export interface OrderSpec {
  orderId: string;
  epoch: string;
  /** The approved plan root: the coordinator publishes a spec only for an order approved for this plan. */
  planRoot: string;
  /** `binding`: the store the plan listed (plan-order.ts); workers open the target with it. */
  targets: Record<string, { backend: string; scope: unknown; binding?: TargetBinding }>;
  holds: HoldSpec[];
  /** RFC 3339; the coordinator re-publishes the spec well before then while the order executes. */
  expiresAt: string;
}

export interface BatchItem {
  seq: number;
  locator: string;
  /** The size the plan listed: a worker that hashes a different size says so in its intent. */
  size: number;
}

export interface BatchJobData {
  orderId: string;
  epoch: string;
  target: string;
  batch: number;
  items: BatchItem[];
  /** The coordinator's MAC over all of the above (QueueAuth.signJob). */
  mac: string;
}

/** Recorded (durably, in Redis) after hashing and before the destroy call. */
export interface Intent {
  sha256: string;
  size: number;
  fingerprint: string;
  method: string;
  attributes?: Record<string, string>;
  /** When the content was hashed. */
  at: string;
  /** Set when the hashed size differs from the planned size: the object changed after planning. */
  changedSincePlan?: true;
}

/** The first outcome written for an item wins (HSETNX): a late retry cannot overwrite it. */
export type Outcome =
  | { s: 'destroyed'; at: string }
  | { s: 'absent'; at: string }
  | { s: 'retained'; holdId: string }
  | { s: 'exception'; code: string; reason: string };

export interface BatchState {
  intents: Map<number, Intent>;
  outcomes: Map<number, Outcome>;
  /** Fields that did not verify (forged, or written with another queue key): ignored, and logged. */
  rejected: number;
}

export interface BatchSummary {
  destroyed: number;
  bytes: number;
  other: number;
}

export function jobIdFor(orderId: string, epoch: string, batch: number): string {
  // BullMQ job ids must not contain ':'; order ids and epochs never do.
  return `${orderId}-e${epoch}-b${batch}`;
}
