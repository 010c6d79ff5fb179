// One order's view of an S3 bucket: its compiled scope and holds. Scope and
// holds are checked again right before every hash, destroy and consume
// (invariant 1). The engine uses consume (one-pass.ts): one GET per version,
// the hashes recorded, DeleteObjects batches, a listing afterwards. hash()
// and destroy() are the two-pass path: destroy HEADs every version before
// DeleteObjects, because DeleteObjects calls a key that never existed
// "deleted" (invariant 2). Probes list (version-checks.ts) and HEAD only what
// a listing did not cover.
import type { S3Client } from '@aws-sdk/client-s3';
import type { ConsumeOutcome, DestroyOutcome, HashOutcome, ListedObject, ObjectRef, ProbeOutcome, RecordHashes, TargetSession } from '../../../app/ports/storage-backend.js';
import type { StoreCapabilities } from './conditional-delete.js';
import { deleteVersions, removeOrphanMarkers } from './delete-versions.js';
import type { RangeOptions } from './key-range.js';
import { listScope } from './list-scope.js';
import { parseLocator, type VersionRef } from './locator.js';
import { mapLimit } from './map-limit.js';
import { fingerprintOf, hashVersion, headVersion, VERSIONING_CHANGED, type ObjectContext } from './object-ops.js';
import { consumeVersions, isRef, outcomeOfDelete, type Refusal } from './one-pass.js';
import { heldBy, matchesScope, type CompiledHold, type CompiledScope } from './scope.js';
import { probeVersions } from './version-checks.js';
import { readVersioning, type VersioningMode } from './versioning.js';

export type WarningListener = (message: string) => void;

export interface S3SessionOptions {
  client: S3Client;
  bucket: string;
  scope: CompiledScope;
  holds: readonly CompiledHold[];
  mode: VersioningMode;
  pageSize: number;
  concurrency: number;
  /** What the backend learnt about its store (conditional deletes), shared by its sessions. */
  capabilities: StoreCapabilities;
  onWarning?: WarningListener;
}

export class S3TargetSession implements TargetSession {
  private closed = false;
  private mode: VersioningMode;

  constructor(private readonly o: S3SessionOptions) {
    this.mode = o.mode;
  }

  /** 'versioned' once the bucket was seen keeping versions; never back (S3 can only suspend versioning). */
  get versioning(): VersioningMode {
    return this.mode;
  }

  async *list(): AsyncIterable<ListedObject[]> {
    this.assertOpen();
    yield* listScope({ ...this.o, mode: this.mode });
  }

  async hash(items: readonly ObjectRef[]): Promise<HashOutcome[]> {
    this.assertOpen();
    const admitted = items.map((item) => this.admit(item));
    return mapLimit(admitted, this.o.concurrency, async (a) => {
      if (!isRef(a)) return a;
      const h = await hashVersion(this.ctx(), a);
      if (h.status === 'error' && h.code === VERSIONING_CHANGED) this.mode = 'versioned';
      return h;
    });
  }

  async destroy(items: ReadonlyArray<ObjectRef & { fingerprint: string }>): Promise<DestroyOutcome[]> {
    this.assertOpen();
    await this.refreshVersioning();
    const out = new Array<DestroyOutcome>(items.length);
    const admitted = items.map((item) => {
      const fp = (item as { fingerprint?: unknown } | null)?.fingerprint;
      if (typeof fp !== 'string' || fp.length === 0) return badItem('fingerprint must be a non-empty string');
      return this.admit(item);
    });
    // Existence and identity first: DeleteObjects would call a missing key deleted.
    const ctx = this.ctx();
    const heads = await mapLimit(admitted, this.o.concurrency, async (a) => (isRef(a) ? headVersion(ctx, a) : a));
    const toDelete: { index: number; ref: VersionRef }[] = [];
    heads.forEach((h, i) => {
      const ref = admitted[i]!;
      if (!isRef(ref)) return void (out[i] = ref);
      if (h.status === 'found') {
        if (fingerprintOf(h.facts) !== items[i]!.fingerprint) return void (out[i] = { status: 'changed' });
        return void toDelete.push({ index: i, ref });
      }
      out[i] = h as Refusal;
    });
    const results = await deleteVersions(ctx, toDelete.map((t) => t.ref));
    const emptied = new Set<string>();
    toDelete.forEach(({ index, ref }, k) => {
      const r = results[k]!;
      const d = outcomeOfDelete(r);
      if (d === 'deleted') {
        out[index] = { status: 'destroyed' };
        emptied.add(ref.key);
      } else {
        if (r.status === 'marker-added') this.mode = 'versioned';
        out[index] = d;
      }
    });
    if (this.mode === 'versioned' && emptied.size > 0) {
      const problems = await mapLimit([...emptied], this.o.concurrency, (key) => removeOrphanMarkers(this.ctx(), key));
      for (const p of problems) if (p !== undefined) this.o.onWarning?.(p);
    }
    return out;
  }

  /** GET, hash, record, delete and look again, in one pass (one-pass.ts); the engine calls this instead of hash() and destroy(). */
  async consume(items: readonly ObjectRef[], record: RecordHashes): Promise<ConsumeOutcome[]> {
    this.assertOpen();
    await this.refreshVersioning();
    const admitted = items.map((item) => this.admit(item));
    const r = await consumeVersions(
      { ctx: this.ctx(), range: this.rangeOptions(), capabilities: this.o.capabilities, ...(this.o.onWarning ? { onWarning: this.o.onWarning } : {}) },
      admitted,
      record,
    );
    if (r.versioningChanged) this.mode = 'versioned';
    return r.outcomes;
  }

  async probe(items: readonly ObjectRef[]): Promise<ProbeOutcome[]> {
    this.assertOpen();
    if (items.length === 0) return [];
    await this.refreshVersioning();
    const out = new Array<ProbeOutcome>(items.length);
    const refs: VersionRef[] = [];
    const at: number[] = [];
    items.forEach((item, i) => {
      const ref = parseLocator((item as { locator?: unknown } | null)?.locator);
      if (typeof ref === 'string') out[i] = badItem(ref);
      else {
        refs.push(ref);
        at.push(i);
      }
    });
    const probes = await probeVersions(this.ctx(), refs, this.rangeOptions());
    probes.forEach((p, k) => (out[at[k]!] = p));
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private ctx(): ObjectContext {
    return { client: this.o.client, bucket: this.o.bucket, mode: this.mode };
  }

  /** Ranged listings group keys by the scope prefix they fall under: a listing never walks the gap between two. */
  private rangeOptions(): RangeOptions {
    const prefixes = this.o.scope.listPrefixes;
    return { pageSize: this.o.pageSize, concurrency: this.o.concurrency, groupOf: (key) => prefixes.find((p) => key.startsWith(p)) };
  }

  private async refreshVersioning(): Promise<void> {
    if (this.mode === 'versioned') return;
    this.mode = await readVersioning(this.o.client, this.o.bucket);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('s3 target session is closed');
  }

  /** Well formed, in scope now and held by nothing now (invariant 1), else the refusal. Items come through Redis: untrusted. */
  private admit(item: unknown): VersionRef | Refusal {
    const ref = parseLocator((item as { locator?: unknown } | null)?.locator);
    if (typeof ref === 'string') return badItem(ref);
    if (!matchesScope(this.o.scope, ref.key)) return { status: 'out-of-scope' };
    const hold = heldBy(this.o.holds, ref.key);
    if (hold !== undefined) return { status: 'held', holdId: hold };
    return ref;
  }
}

function badItem(problem: string): { status: 'error'; code: string; message: string; transient: boolean } {
  return { status: 'error', code: 'LOCATOR_INVALID', message: `refused: ${problem}`, transient: false };
}
