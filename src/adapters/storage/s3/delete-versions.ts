// DeleteObjects in requests of up to 1000 versions, each per-key answer mapped
// to an outcome. DeleteObjects also reports keys that never existed as
// deleted: callers make sure of every version first (a GET by version id, a
// check of the ETag, a conditional delete) and probe afterwards; this file
// only turns answers into outcomes. A ref with an `etag` is deleted on that
// condition (the ETag element of the ObjectIdentifier): a store that honours
// it answers PreconditionFailed for other content and NoSuchKey for none.
import { DeleteObjectsCommand, ListObjectVersionsCommand, type ObjectIdentifier } from '@aws-sdk/client-s3';
import { isTransientCode, itemError, throwIfWholeStore, type ItemError } from './errors.js';
import type { VersionRef } from './locator.js';
import { mapLimit } from './map-limit.js';
import { versionParam, type ObjectContext } from './object-ops.js';

export const DELETE_BATCH = 1000;

export type DeleteResult =
  | { status: 'deleted' }
  | { status: 'marker-added' }
  /** The conditional delete's ETag did not match: other content is there now, and it stays. */
  | { status: 'precondition-failed' }
  /** A conditional delete found no object: the store says so only when asked on a condition. */
  | { status: 'no-such-key' }
  | ItemError;

/** A version to delete; with `etag`, only if the object still has it. */
export type DeleteRef = VersionRef & { etag?: string };

function slotKey(key: string, versionId: string | undefined): string {
  return `${key}\u0000${versionId ?? ''}`;
}

/** One result per ref, in order. Throws only for whole-store failures. */
export async function deleteVersions(ctx: ObjectContext, refs: readonly DeleteRef[], parallel = 4): Promise<DeleteResult[]> {
  const chunks: number[][] = [];
  for (let i = 0; i < refs.length; i += DELETE_BATCH) chunks.push(refs.slice(i, i + DELETE_BATCH).map((_, k) => i + k));
  const out = new Array<DeleteResult>(refs.length);
  await mapLimit(chunks, parallel, async (chunk) => {
    const results = await deleteChunk(ctx, chunk.map((i) => refs[i]!));
    chunk.forEach((i, k) => (out[i] = results[k]!));
  });
  return out;
}

async function deleteChunk(ctx: ObjectContext, refs: readonly DeleteRef[]): Promise<DeleteResult[]> {
  const objects: ObjectIdentifier[] = [];
  const slots = new Map<string, number[]>();
  const slotsOfKey = new Map<string, number[][]>();
  refs.forEach((ref, i) => {
    const vp = versionParam(ref, ctx.mode);
    const slot = slotKey(ref.key, vp.VersionId);
    const seen = slots.get(slot);
    if (seen) return void seen.push(i); // the same version twice: one identifier, one answer for both
    const indices = [i];
    slots.set(slot, indices);
    const ofKey = slotsOfKey.get(ref.key);
    if (ofKey) ofKey.push(indices);
    else slotsOfKey.set(ref.key, [indices]);
    objects.push({ Key: ref.key, ...vp, ...(ref.etag !== undefined ? { ETag: ref.etag } : {}) });
  });
  const out = new Array<DeleteResult | undefined>(refs.length);
  let r;
  try {
    r = await ctx.client.send(new DeleteObjectsCommand({ Bucket: ctx.bucket, Delete: { Objects: objects, Quiet: false } }));
  } catch (e) {
    throwIfWholeStore(e, ctx.bucket);
    return refs.map(() => itemError(e));
  }
  const answer = (key: string | undefined, versionId: string | undefined, result: DeleteResult): void => {
    let indices = slots.get(slotKey(key ?? '', versionId)) ?? slots.get(slotKey(key ?? '', undefined));
    if (indices === undefined && versionId === undefined && result.status !== 'deleted' && result.status !== 'marker-added') {
      // Some stores (moto) leave VersionId out of per-key errors: the error is then
      // one version of that key still without an answer. Only a refusal is matched
      // by key alone; "deleted" must name the version it claims.
      indices = slotsOfKey.get(key ?? '')?.find((s) => s.every((i) => out[i] === undefined));
    }
    for (const i of indices ?? []) out[i] ??= result;
  };
  for (const d of r.Deleted ?? []) {
    // A delete that only added a marker removed nothing: the bucket keeps versions after all.
    answer(d.Key, d.VersionId, d.DeleteMarker && d.VersionId === undefined ? { status: 'marker-added' } : { status: 'deleted' });
  }
  for (const err of r.Errors ?? []) {
    const code = err.Code ?? 'UNKNOWN';
    answer(err.Key, err.VersionId, conditionAnswer(code) ?? { status: 'error', code, message: (err.Message ?? code).slice(0, 500), transient: isTransientCode(code) });
  }
  // Array.from, not map: map skips the holes of a sparse array, i.e. exactly the versions without an answer.
  return Array.from(out, (o) => o ?? { status: 'error', code: 'NO_ANSWER', message: 'DeleteObjects answered neither deleted nor error for this version', transient: true });
}

// Answers that a conditional delete gets (a key sent with an ETag). They are
// refusals, so they are matched as errors are (by key alone where the store
// leaves out the VersionId).
function conditionAnswer(code: string): DeleteResult | undefined {
  if (code === 'PreconditionFailed') return { status: 'precondition-failed' };
  if (code === 'NoSuchKey') return { status: 'no-such-key' };
  return undefined;
}

/**
 * In a versioned bucket, removes the delete markers of a key once no version
 * of it is left: a marker holds no content but does keep the key's name.
 * Returns a problem for the caller to report, or undefined.
 */
export async function removeOrphanMarkers(ctx: ObjectContext, key: string): Promise<string | undefined> {
  const markers: string[] = [];
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  try {
    do {
      const r = await ctx.client.send(
        new ListObjectVersionsCommand({
          Bucket: ctx.bucket,
          Prefix: key,
          ...(keyMarker !== undefined ? { KeyMarker: keyMarker } : {}),
          ...(versionMarker !== undefined ? { VersionIdMarker: versionMarker } : {}),
        }),
      );
      if ((r.Versions ?? []).some((v) => v.Key === key)) return undefined; // content remains: its markers stay with it
      for (const m of r.DeleteMarkers ?? []) if (m.Key === key && m.VersionId) markers.push(m.VersionId);
      // Keys come sorted and `key` sorts first under its own prefix: once the marker moves past it, it is done.
      keyMarker = r.IsTruncated && r.NextKeyMarker === key ? key : undefined;
      versionMarker = r.NextVersionIdMarker;
    } while (keyMarker !== undefined);
  } catch (e) {
    throwIfWholeStore(e, ctx.bucket);
    return `listing the delete markers of ${JSON.stringify(key)} failed: ${itemError(e).code}`;
  }
  if (markers.length === 0) return undefined;
  const results = await deleteVersions({ ...ctx, mode: 'versioned' }, markers.map((versionId) => ({ key, versionId })));
  const failed = results.filter((x) => x.status !== 'deleted').length;
  return failed > 0 ? `${failed} of ${markers.length} delete markers of ${JSON.stringify(key)} were not removed` : undefined;
}
