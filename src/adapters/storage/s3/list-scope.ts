// Lists a scope in S3's order, page by page, with bounded memory: one S3 page
// at a time. Unversioned buckets: ListObjects, one item per key (version
// "null"). Versioned buckets: ListObjectVersions, one item per version, newest
// first within a key; delete markers are not items (they hold no content) but
// are removed when the last version of their key is destroyed.
import { ListObjectsCommand, ListObjectVersionsCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ListedObject } from '../../../app/ports/storage-backend.js';
import { planError, S3BackendError } from './errors.js';
import { formatLocator, NULL_VERSION, versionIdProblem } from './locator.js';
import { heldBy, matchesScope, type CompiledHold, type CompiledScope } from './scope.js';
import type { VersioningMode } from './versioning.js';

export interface ListContext {
  client: S3Client;
  bucket: string;
  scope: CompiledScope;
  holds: readonly CompiledHold[];
  pageSize: number;
  mode: VersioningMode;
}

interface RawVersion {
  key: string;
  versionId: string;
  size: number;
}

export async function* listScope(ctx: ListContext): AsyncIterable<ListedObject[]> {
  for (const prefix of ctx.scope.listPrefixes) {
    const pages = ctx.mode === 'versioned' ? versionPages(ctx, prefix) : objectPages(ctx, prefix);
    for await (const raw of pages) {
      const page: ListedObject[] = [];
      for (const v of raw) {
        if (!matchesScope(ctx.scope, v.key)) continue;
        const problem = versionIdProblem(v.versionId);
        // A version that cannot be named would be missing from the inventory: fail rather than under-report.
        if (problem !== undefined) throw new S3BackendError('LISTING_FAILED', `cannot name a version of ${JSON.stringify(v.key)}: ${problem}`);
        const hold = heldBy(ctx.holds, v.key);
        page.push({ locator: formatLocator(v), size: v.size, ...(hold !== undefined ? { heldBy: hold } : {}) });
      }
      if (page.length > 0) yield page;
    }
  }
}

// ListObjects (v1) with markers rather than v2 with continuation tokens: both
// are served by AWS and every S3-compatible store, markers are plain keys, and
// s3rver 3.7 cannot mint v2 tokens on Node 20 (it encrypts them with DES,
// which OpenSSL 3 no longer offers: every truncated v2 listing is a 500).
async function* objectPages(ctx: ListContext, prefix: string): AsyncIterable<RawVersion[]> {
  let marker: string | undefined;
  do {
    let r;
    try {
      r = await ctx.client.send(new ListObjectsCommand({ Bucket: ctx.bucket, Prefix: prefix, MaxKeys: ctx.pageSize, ...(marker !== undefined ? { Marker: marker } : {}) }));
    } catch (e) {
      throw planError(e, ctx.bucket);
    }
    const contents = r.Contents ?? [];
    yield contents.map((o) => ({ key: o.Key ?? '', versionId: NULL_VERSION, size: o.Size ?? 0 }));
    // Without a delimiter S3 may omit NextMarker: the last key listed is the marker then.
    const next = r.IsTruncated ? (r.NextMarker ?? contents[contents.length - 1]?.Key) : undefined;
    if (r.IsTruncated && (next === undefined || next === marker)) throw new S3BackendError('LISTING_FAILED', `bucket ${ctx.bucket}: a truncated listing that does not advance`);
    marker = next;
  } while (marker !== undefined);
}

async function* versionPages(ctx: ListContext, prefix: string): AsyncIterable<RawVersion[]> {
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  do {
    let r;
    try {
      r = await ctx.client.send(
        new ListObjectVersionsCommand({
          Bucket: ctx.bucket,
          Prefix: prefix,
          MaxKeys: ctx.pageSize,
          ...(keyMarker !== undefined ? { KeyMarker: keyMarker } : {}),
          ...(versionMarker !== undefined ? { VersionIdMarker: versionMarker } : {}),
        }),
      );
    } catch (e) {
      throw planError(e, ctx.bucket);
    }
    yield (r.Versions ?? []).map((v) => ({ key: v.Key ?? '', versionId: v.VersionId ?? NULL_VERSION, size: v.Size ?? 0 }));
    if (r.IsTruncated) {
      if (r.NextKeyMarker === undefined) throw new S3BackendError('LISTING_FAILED', `bucket ${ctx.bucket}: a truncated version listing came without a key marker`);
      // A store that answers the same markers again would have this loop forever.
      if (r.NextKeyMarker === keyMarker && r.NextVersionIdMarker === versionMarker) {
        throw new S3BackendError('LISTING_FAILED', `bucket ${ctx.bucket}: a truncated version listing that does not advance`);
      }
      keyMarker = r.NextKeyMarker;
      versionMarker = r.NextVersionIdMarker;
    } else {
      keyMarker = undefined;
    }
  } while (keyMarker !== undefined);
}
