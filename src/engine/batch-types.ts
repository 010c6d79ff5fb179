// What travels through Redis between the coordinator and the workers. Ids and
// locators only: no content, no credentials, no key material (invariant 6).
import type { HoldSpec } from '../ports/storage-backend.js';

/** Published once per execution epoch; workers re-check scope and holds against it. */
export interface OrderSpec {
  orderId: string;
  epoch: string;
  targets: Record<string, { backend: string; scope: unknown }>;
  holds: HoldSpec[];
}

export interface BatchItem {
  seq: number;
  locator: string;
}

export interface BatchJobData {
  orderId: string;
  epoch: string;
  target: string;
  batch: number;
  items: BatchItem[];
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
