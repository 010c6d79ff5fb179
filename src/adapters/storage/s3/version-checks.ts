// The two looks at the store around a delete, for a batch at a time: before
// it, is each object still the content that was hashed (same ETag and size);
// after it, is each version gone. Both read ranged listings (key-range.ts),
// one request for many keys, and HEAD only the keys a listing did not cover.
import type { ProbeOutcome } from '../../../app/ports/storage-backend.js';
import type { ItemError } from './errors.js';
import { NULL_VERSION, type VersionRef } from './locator.js';
import { mapLimit } from './map-limit.js';
import { headVersion, type ObjectContext } from './object-ops.js';
import { viewKeys, type KeyRangeView, type RangeOptions } from './key-range.js';

/** ETags compare without their quotes: stores differ in quoting them, and S3 accepts either. */
export function sameETag(a: string, b: string): boolean {
  return a.replace(/"/g, '') === b.replace(/"/g, '');
}

/** What the listing says of one version: undefined when it cannot tell (not covered, or a version a plain listing does not name). */
export function seenInView(view: KeyRangeView, ref: VersionRef, ctx: ObjectContext): ListedState | undefined {
  if (!view.covers(ref.key)) return undefined;
  if (ctx.mode === 'unversioned' && ref.versionId !== NULL_VERSION) return undefined; // ListObjects names no versions
  const entry = view.versionsOf(ref.key).find((v) => v.versionId === ref.versionId);
  return entry ? { status: 'found', etag: entry.etag, size: entry.size } : { status: 'absent' };
}

type ListedState = { status: 'found'; etag: string; size: number } | { status: 'absent' };

/** Present or absent for each version: a listing per group of keys, a HEAD for what it did not cover. */
export async function probeVersions(ctx: ObjectContext, refs: readonly VersionRef[], o: RangeOptions): Promise<ProbeOutcome[]> {
  const view = await viewKeys(ctx, refs.map((r) => r.key), o);
  return mapLimit(refs, o.concurrency, async (ref): Promise<ProbeOutcome> => {
    const seen = seenInView(view, ref, ctx) ?? (await headState(ctx, ref));
    return seen.status === 'found' ? { status: 'present' } : seen;
  });
}

export interface HashedVersion {
  ref: VersionRef;
  /** As the GET answered it. */
  etag: string;
  size: number;
}

export type Sameness = { status: 'same' } | { status: 'changed' } | { status: 'absent' } | ItemError;

/**
 * Whether each object is still the content hashed, right before deleting it:
 * same ETag and size, in a listing or a HEAD. For content that a version id
 * does not pin (the "null" version) on a store that does not honour
 * conditional deletes.
 */
export async function checkUnchanged(ctx: ObjectContext, hashed: readonly HashedVersion[], o: RangeOptions): Promise<Sameness[]> {
  const view = await viewKeys(ctx, hashed.map((h) => h.ref.key), o);
  return mapLimit(hashed, o.concurrency, async (h): Promise<Sameness> => {
    let seen: ListedState | ItemError | undefined = seenInView(view, h.ref, ctx);
    // A listing without ETags (a store that leaves them out) cannot tell: the HEAD can.
    if (seen === undefined || (seen.status === 'found' && seen.etag === '')) seen = await headState(ctx, h.ref);
    if (seen.status !== 'found') return seen;
    return sameETag(seen.etag, h.etag) && seen.size === h.size ? { status: 'same' } : { status: 'changed' };
  });
}

async function headState(ctx: ObjectContext, ref: VersionRef): Promise<ListedState | ItemError> {
  const h = await headVersion(ctx, ref);
  return h.status === 'found' ? { status: 'found', etag: h.facts.etag, size: h.facts.size } : h;
}
