// One pass over each object (TargetSession.consume): GET and hash it
// (streamed), record every hash through the engine's `record` (invariant 3:
// durable before any delete is sent; if it throws, nothing is deleted), then
// delete in DeleteObjects batches and look again with ranged listings.
//
// What guarantees that the content deleted is the content hashed:
// - a version named by its id: its bytes never change, so it is deleted by
//   that id and nothing else is asked;
// - the "null" version (an unversioned bucket's object; in a versioned or
//   Suspended bucket the object from before versioning or written while
//   Suspended, which a PUT replaces in place): in an unversioned bucket, on a
//   store seen to honour conditional deletes, a delete on condition of the
//   ETag the GET saw; otherwise (such a store not yet seen, or a versioned
//   bucket, where S3 evaluates the condition against the current version
//   only) a check right before the delete that the object still has that ETag
//   and size: one listing per group of keys, a HEAD for what it misses.
// Afterwards a listing per group (a HEAD where it falls short, in the
// engine's probe) shows each version gone: DeleteObjects calls keys that
// never existed deleted, so its word is never the probe (invariant 2).
import type { ConsumeOutcome, DestroyOutcome, HashOutcome, RecordHashes } from '../../../app/ports/storage-backend.js';
import { checkConditionalDeletes, type StoreCapabilities } from './conditional-delete.js';
import { deleteVersions, removeOrphanMarkers, type DeleteRef, type DeleteResult } from './delete-versions.js';
import { viewKeys, type RangeOptions } from './key-range.js';
import { NULL_VERSION, type VersionRef } from './locator.js';
import { mapLimit } from './map-limit.js';
import { hashVersion, VERSIONING_CHANGED, type ObjectContext } from './object-ops.js';
import { checkUnchanged, seenInView, type HashedVersion } from './version-checks.js';

export type Refusal = Extract<HashOutcome, { status: 'absent' | 'held' | 'out-of-scope' | 'error' }>;

export function isRef(a: VersionRef | Refusal): a is VersionRef {
  return !('status' in a);
}

export interface OnePassOptions {
  /** The versioning mode read right before this pass. */
  ctx: ObjectContext;
  range: RangeOptions;
  capabilities: StoreCapabilities;
  onWarning?: (message: string) => void;
}

/** What a DeleteObjects answer means for the engine; 'deleted' still waits for a probe. */
export function outcomeOfDelete(r: DeleteResult): DestroyOutcome | 'deleted' {
  switch (r.status) {
    case 'deleted':
      return 'deleted';
    case 'marker-added':
      return { status: 'error', code: VERSIONING_CHANGED, message: 'the delete only added a delete marker: the bucket keeps versions now', transient: true };
    case 'precondition-failed':
      return { status: 'changed' };
    case 'no-such-key':
      return { status: 'absent' };
    default:
      return r;
  }
}

interface Hashed extends HashedVersion {
  index: number;
}

export async function consumeVersions(
  o: OnePassOptions,
  admitted: ReadonlyArray<VersionRef | Refusal>,
  record: RecordHashes,
): Promise<{ outcomes: ConsumeOutcome[]; versioningChanged: boolean }> {
  const { ctx } = o;
  let versioningChanged = false;
  const hashes = await mapLimit(admitted, o.range.concurrency, async (a): Promise<HashOutcome> => {
    if (!isRef(a)) return a;
    const h = await hashVersion(ctx, a);
    if (h.status === 'error' && h.code === VERSIONING_CHANGED) versioningChanged = true;
    return h;
  });
  await record(hashes); // invariant 3; a throw leaves everything in place
  const outcomes: ConsumeOutcome[] = hashes.map((hash) => ({ hash }));
  const hashed: Hashed[] = [];
  hashes.forEach((h, index) => {
    if (h.status === 'hashed') hashed.push({ index, ref: admitted[index] as VersionRef, etag: h.attributes?.etag ?? '', size: h.size });
  });
  const answers = new Map<number, DeleteResult>();
  const toDelete: Array<{ index: number; ref: DeleteRef }> = [];
  const mutable: Hashed[] = [];
  for (const h of hashed) {
    if (h.ref.versionId !== NULL_VERSION) toDelete.push({ index: h.index, ref: h.ref });
    else mutable.push(h);
  }
  const conditional = (): boolean => ctx.mode === 'unversioned' && o.capabilities.conditionalDeletes === 'honoured';
  let unchanged = mutable;
  if (!conditional() && mutable.length > 0) {
    const checks = await checkUnchanged(ctx, mutable, o.range);
    unchanged = mutable.filter((h, k) => {
      const c = checks[k]!;
      if (c.status === 'same') return true;
      outcomes[h.index]!.destroy = c.status === 'changed' ? { status: 'changed' } : c;
      return false;
    });
    if (ctx.mode === 'unversioned' && o.capabilities.conditionalDeletes === 'unknown' && unchanged.length > 0) {
      const first = unchanged[0]!;
      const check = await checkConditionalDeletes(ctx, first.ref, first.etag);
      if (check.support !== 'unknown') o.capabilities.conditionalDeletes = check.support;
      if (check.result) {
        answers.set(first.index, check.result);
        unchanged = unchanged.slice(1);
      }
    }
  }
  for (const h of unchanged) toDelete.push({ index: h.index, ref: conditional() ? { ...h.ref, etag: h.etag } : h.ref });
  const results = await deleteVersions(ctx, toDelete.map((t) => t.ref));
  toDelete.forEach((t, k) => answers.set(t.index, results[k]!));

  const deleted: Hashed[] = [];
  for (const h of hashed) {
    const answer = answers.get(h.index);
    if (answer === undefined) continue; // settled by the check before deleting
    const d = outcomeOfDelete(answer);
    if (d === 'deleted') deleted.push(h);
    else {
      if (answer.status === 'marker-added') versioningChanged = true;
      outcomes[h.index]!.destroy = d;
    }
  }
  await lookAgain(o, deleted, outcomes);
  return { outcomes, versioningChanged };
}

/** The probe after the delete, and in a versioned bucket the removal of the markers of keys left with no version. */
async function lookAgain(o: OnePassOptions, deleted: readonly Hashed[], outcomes: ConsumeOutcome[]): Promise<void> {
  if (deleted.length === 0) return;
  const { ctx } = o;
  const view = await viewKeys(ctx, deleted.map((h) => h.ref.key), o.range);
  for (const h of deleted) {
    // Seen absent in a listing made after the delete: the probe is done. Otherwise the engine probes.
    outcomes[h.index]!.destroy = seenInView(view, h.ref, ctx)?.status === 'absent' ? { status: 'destroyed', probed: 'absent' } : { status: 'destroyed' };
  }
  if (ctx.mode !== 'versioned') return;
  const markers: VersionRef[] = [];
  const unseen: string[] = [];
  for (const key of new Set(deleted.map((h) => h.ref.key))) {
    if (!view.covers(key)) unseen.push(key);
    else if (view.versionsOf(key).length === 0) for (const versionId of view.markersOf(key)) markers.push({ key, versionId });
  }
  const problems: string[] = [];
  if (markers.length > 0) {
    const results = await deleteVersions(ctx, markers);
    const failed = results.filter((r) => r.status !== 'deleted').length;
    if (failed > 0) problems.push(`${failed} of ${markers.length} delete markers of destroyed keys were not removed`);
  }
  for (const p of await mapLimit(unseen, o.range.concurrency, (key) => removeOrphanMarkers(ctx, key))) if (p !== undefined) problems.push(p);
  for (const p of problems) o.onWarning?.(p);
}
