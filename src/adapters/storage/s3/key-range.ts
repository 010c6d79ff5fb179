// Ranged listings: what the store holds for a batch of keys, learnt from one
// listing request for many keys instead of one HEAD per version.
//
// The caller groups the keys (by the scope prefix they fall under, so that
// the listing never walks the gap between two scope prefixes); each group of
// two or more keys is listed under its longest common prefix until the
// listing has passed its last key. A key the listing passed is "covered":
// every version and delete marker the store holds for it was in the listing,
// so a version missing from it is absent. A group's listing may cost at most
// one request per VERSIONS_PER_REQUEST versions looked for; keys it has not
// reached by then (the range holds far more than the batch: excluded
// sub-prefixes, many versions of keys outside the batch) stay uncovered, as
// do the keys of a listing request that failed and a group of one version,
// and callers HEAD them.
//
// Where a listing starts: ListObjects takes a Marker just before the first
// key (the key less its last character; every store we run treats Marker as
// S3 does: keys after it). ListObjectVersions starts at the prefix: moto
// 5.2.6 reads a KeyMarker given without a VersionIdMarker as "from this key
// on" and drops the first version it meets, which would make a version
// listed nowhere look absent. After a probe's delete the keys before the
// batch's are mostly gone already, so little is listed for nothing.
//
// Markers for the next page are the last key listed (ListObjects: moto's
// NextMarker is an opaque token, not a key) or NextKeyMarker and
// NextVersionIdMarker. A page after the first that lists nothing covers
// nothing (moto skips everything when the version named by the marker was
// deleted between two pages): its keys are HEADed.
import { ListObjectsCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { throwIfWholeStore } from './errors.js';
import { NULL_VERSION } from './locator.js';
import { mapLimit } from './map-limit.js';
import type { ObjectContext } from './object-ops.js';
import { compareUtf8 } from './scope.js';

/** At most one listing request per this many versions looked for in a group: listing never costs more than 0.1 request per version. */
export const VERSIONS_PER_REQUEST = 10;

export interface ListedEntry {
  versionId: string;
  etag: string;
  size: number;
}

export interface RangeOptions {
  /** Entries per listing request (the backend's pageSize). */
  pageSize: number;
  /** Groups listed at once. */
  concurrency: number;
  /** The group of a key, or undefined for a key to leave uncovered (the caller HEADs it). */
  groupOf(key: string): string | undefined;
}

/** What ranged listings saw of a set of keys. */
export class KeyRangeView {
  private readonly covered = new Set<string>();
  private readonly versions = new Map<string, ListedEntry[]>();
  private readonly markers = new Map<string, string[]>();
  /** Listing requests sent. */
  requests = 0;

  /** Whether the listing saw every version and delete marker the store holds for this key. */
  covers(key: string): boolean {
    return this.covered.has(key);
  }

  /** The versions seen of a key, delete markers never among them; in an unversioned bucket, its object as version "null". */
  versionsOf(key: string): readonly ListedEntry[] {
    return this.versions.get(key) ?? [];
  }

  /** Version ids of the delete markers seen of a key (versioned buckets). */
  markersOf(key: string): readonly string[] {
    return this.markers.get(key) ?? [];
  }

  /** @internal */
  addVersion(key: string, entry: ListedEntry): void {
    const list = this.versions.get(key);
    if (list) list.push(entry);
    else this.versions.set(key, [entry]);
  }

  /** @internal */
  addMarker(key: string, versionId: string): void {
    const list = this.markers.get(key);
    if (list) list.push(versionId);
    else this.markers.set(key, [versionId]);
  }

  /** @internal */
  cover(key: string): void {
    this.covered.add(key);
  }
}

/**
 * Lists the ranges of the keys' groups (one key per version looked for: a key
 * may come more than once); whole-store failures throw, any other failure
 * leaves keys uncovered.
 */
export async function viewKeys(ctx: ObjectContext, keys: Iterable<string>, o: RangeOptions): Promise<KeyRangeView> {
  const groups = new Map<string, { keys: Set<string>; versions: number }>();
  for (const key of keys) {
    const name = o.groupOf(key);
    if (name === undefined) continue;
    const g = groups.get(name) ?? { keys: new Set<string>(), versions: 0 };
    g.keys.add(key);
    g.versions++;
    groups.set(name, g);
  }
  const view = new KeyRangeView();
  // A single version is as cheap to HEAD as to list, and a HEAD answers exactly.
  const listable = [...groups.values()].filter((g) => g.versions >= 2);
  await mapLimit(listable, o.concurrency, (g) => listGroup(ctx, [...g.keys].sort(compareUtf8), g.versions, o.pageSize, view));
  return view;
}

interface Page {
  truncated: boolean;
  /** Entries (versions and delete markers) in the page. */
  entries: number;
  /** Where the next page starts: keys before it (and it, when inclusive) were listed whole. */
  next?: { key: string; versionId: string | undefined; inclusive: boolean };
}

async function listGroup(ctx: ObjectContext, keys: readonly string[], versions: number, pageSize: number, view: KeyRangeView): Promise<void> {
  const first = keys[0]!;
  const last = keys[keys.length - 1]!;
  const wanted = new Set(keys);
  const prefix = commonPrefix(first, last);
  const maxRequests = Math.max(1, Math.ceil(versions / VERSIONS_PER_REQUEST));
  const versioned = ctx.mode === 'versioned';
  let marker: { key: string; versionId: string | undefined } = { key: versioned ? '' : withoutLastCharacter(first), versionId: undefined };
  let through: Page['next'] | 'all' | undefined;
  for (let n = 0; n < maxRequests; n++) {
    let page: Page;
    try {
      page = versioned ? await versionPage(ctx, prefix, marker, pageSize, wanted, view) : await objectPage(ctx, prefix, marker.key, pageSize, wanted, view);
    } catch (e) {
      throwIfWholeStore(e, ctx.bucket);
      break; // what was listed whole stays covered; the rest is HEADed
    }
    view.requests++;
    if (!page.truncated) {
      if (n === 0 || page.entries > 0) through = 'all';
      break;
    }
    // A truncated page that says nowhere to go on, or the same place again: stop rather than loop.
    if (page.next === undefined || (page.next.key === marker.key && page.next.versionId === marker.versionId)) break;
    through = page.next;
    const passed = compareUtf8(page.next.key, last);
    if (passed > 0 || (passed === 0 && page.next.inclusive)) break;
    marker = { key: page.next.key, versionId: page.next.versionId };
  }
  if (through === undefined) return;
  for (const key of keys) {
    if (through === 'all') view.cover(key);
    else {
      const c = compareUtf8(key, through.key);
      if (c < 0 || (c === 0 && through.inclusive)) view.cover(key);
    }
  }
}

// ListObjects (v1, markers): one entry per key, so a key listed was listed whole.
async function objectPage(ctx: ObjectContext, prefix: string, marker: string, pageSize: number, wanted: ReadonlySet<string>, view: KeyRangeView): Promise<Page> {
  const r = await ctx.client.send(new ListObjectsCommand({ Bucket: ctx.bucket, Prefix: prefix, MaxKeys: pageSize, ...(marker !== '' ? { Marker: marker } : {}) }));
  const contents = r.Contents ?? [];
  for (const o of contents) {
    if (o.Key !== undefined && wanted.has(o.Key)) view.addVersion(o.Key, { versionId: NULL_VERSION, etag: o.ETag ?? '', size: o.Size ?? 0 });
  }
  const lastKey = contents[contents.length - 1]?.Key;
  return { truncated: r.IsTruncated === true, entries: contents.length, ...(lastKey !== undefined ? { next: { key: lastKey, versionId: undefined, inclusive: true } } : {}) };
}

// ListObjectVersions: a key's versions may go on in the next page, so only keys before NextKeyMarker were listed whole.
async function versionPage(
  ctx: ObjectContext,
  prefix: string,
  marker: { key: string; versionId: string | undefined },
  pageSize: number,
  wanted: ReadonlySet<string>,
  view: KeyRangeView,
): Promise<Page> {
  const r = await ctx.client.send(
    new ListObjectVersionsCommand({
      Bucket: ctx.bucket,
      Prefix: prefix,
      MaxKeys: pageSize,
      ...(marker.key !== '' ? { KeyMarker: marker.key } : {}),
      ...(marker.versionId !== undefined ? { VersionIdMarker: marker.versionId } : {}),
    }),
  );
  for (const v of r.Versions ?? []) {
    if (v.Key !== undefined && wanted.has(v.Key)) view.addVersion(v.Key, { versionId: v.VersionId ?? NULL_VERSION, etag: v.ETag ?? '', size: v.Size ?? 0 });
  }
  for (const m of r.DeleteMarkers ?? []) {
    if (m.Key !== undefined && wanted.has(m.Key)) view.addMarker(m.Key, m.VersionId ?? NULL_VERSION);
  }
  const entries = (r.Versions?.length ?? 0) + (r.DeleteMarkers?.length ?? 0);
  return { truncated: r.IsTruncated === true, entries, ...(r.NextKeyMarker !== undefined ? { next: { key: r.NextKeyMarker, versionId: r.NextVersionIdMarker, inclusive: false } } : {}) };
}

/** The longest common prefix of two keys, by code point (a prefix must not end in half a surrogate pair). */
export function commonPrefix(a: string, b: string): string {
  const x = Array.from(a);
  const y = Array.from(b);
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return x.slice(0, i).join('');
}

/** A marker just before a key: every key from the key on sorts after it, and few others do. */
export function withoutLastCharacter(key: string): string {
  return Array.from(key).slice(0, -1).join('');
}
