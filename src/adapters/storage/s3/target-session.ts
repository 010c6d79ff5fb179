// One order's view of an S3 bucket: its compiled scope and holds. Scope and
// holds are checked again right before every hash and destroy (invariant 1);
// every version is HEADed before DeleteObjects, because DeleteObjects calls a
// key that never existed "deleted" (invariant 2).
import type { S3Client } from '@aws-sdk/client-s3';
import type { DestroyOutcome, HashOutcome, ListedObject, ObjectRef, ProbeOutcome, TargetSession } from '../../../app/ports/storage-backend.js';
import { deleteVersions, removeOrphanMarkers } from './delete-versions.js';
import { listScope } from './list-scope.js';
import { parseLocator, type VersionRef } from './locator.js';
import { mapLimit } from './map-limit.js';
import { fingerprintOf, hashVersion, headVersion, VERSIONING_CHANGED, type ObjectContext } from './object-ops.js';
import { heldBy, matchesScope, type CompiledHold, type CompiledScope } from './scope.js';
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
  onWarning?: WarningListener;
}

type Refusal = Extract<HashOutcome, { status: 'absent' | 'held' | 'out-of-scope' | 'error' }>;

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
      if (r.status === 'deleted') {
        out[index] = { status: 'destroyed' };
        emptied.add(ref.key);
      } else if (r.status === 'marker-added') {
        this.mode = 'versioned';
        out[index] = { status: 'error', code: VERSIONING_CHANGED, message: 'the delete only added a delete marker: the bucket keeps versions now', transient: true };
      } else out[index] = r;
    });
    if (this.mode === 'versioned' && emptied.size > 0) {
      const problems = await mapLimit([...emptied], this.o.concurrency, (key) => removeOrphanMarkers(this.ctx(), key));
      for (const p of problems) if (p !== undefined) this.o.onWarning?.(p);
    }
    return out;
  }

  async probe(items: readonly ObjectRef[]): Promise<ProbeOutcome[]> {
    this.assertOpen();
    await this.refreshVersioning();
    const ctx = this.ctx();
    return mapLimit(items, this.o.concurrency, async (item): Promise<ProbeOutcome> => {
      const ref = parseLocator((item as { locator?: unknown } | null)?.locator);
      if (typeof ref === 'string') return badItem(ref);
      const h = await headVersion(ctx, ref);
      return h.status === 'found' ? { status: 'present' } : h;
    });
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private ctx(): ObjectContext {
    return { client: this.o.client, bucket: this.o.bucket, mode: this.mode };
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

function isRef(a: VersionRef | Refusal): a is VersionRef {
  return !('status' in a);
}

function badItem(problem: string): { status: 'error'; code: string; message: string; transient: boolean } {
  return { status: 'error', code: 'LOCATOR_INVALID', message: `refused: ${problem}`, transient: false };
}
