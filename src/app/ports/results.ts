// Per-object results and progress: what the use cases ask the ledger about
// the fate of each planned object, from ingest to the certificate.
import type { ItemStatus } from './inventory.js';

export type ItemResult =
  | {
      kind: 'destroyed';
      seq: number;
      sha256: string;
      size: number;
      destroyedAt: string;
      method: string;
      attributes?: Record<string, string>;
    }
  | { kind: 'exception'; seq: number; code: string; reason: string }
  | { kind: 'retained'; seq: number; holdId: string };

export interface Counts {
  total: number;
  pending: number;
  destroyed: number;
  exceptions: number;
  retained: number;
  bytesDestroyed: number;
  bytesPlanned: number;
}

export interface ProgressCounts extends Counts {
  perTarget: Record<string, Counts>;
}

/** A destroyed object as the records file needs it. */
export interface DestroyedRow {
  seq: number;
  target: string;
  locator: string;
  salt: string;
  sha256: string;
  size: number;
  destroyedAt: string;
  method: string;
  /** JSON of the record's attributes, or null. */
  attributes: string | null;
}

export interface ResultStore {
  /**
   * Records per-object results. Only pending objects change: applying the
   * same results twice (a re-ingested batch after a crash) is a no-op.
   * Returns how many objects changed.
   */
  applyResults(id: string, results: readonly ItemResult[]): number;
  progress(id: string): ProgressCounts;
  findByLocator(id: string, target: string, locator: string): { seq: number; status: ItemStatus; sha256: string | null } | undefined;
  /**
   * Turns objects recorded as destroyed into exceptions: the re-scan found
   * them still there with the content that was certified. Only while the
   * order is finalizing, before any certificate exists. Returns how many changed.
   */
  revokeDestroyed(id: string, seqs: readonly number[], code: string, reason: string): number;
  /**
   * Destroyed objects in leaf order (plan order), for the records file, in
   * pages of up to `pageSize`. Nothing stays open between two pages, so the
   * caller may await between them.
   */
  destroyedPages(id: string, pageSize?: number): IterableIterator<DestroyedRow[]>;
  exceptions(id: string): Array<{ target: string; locator: string; code: string; reason: string }>;
  retained(id: string): Array<{ target: string; locator: string; holdId: string }>;
}
