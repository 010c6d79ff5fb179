// Whether the store honours conditional deletes: the ETag element of a
// DeleteObjects ObjectIdentifier (AWS S3 since 2024: the object is deleted
// only if its ETag still matches, else a per-key PreconditionFailed; a
// missing object is a per-key NoSuchKey). Stores that predate them may
// ignore the element and delete anyway (s3rver 3.7 does: it deletes, and
// calls keys that never existed deleted) or refuse the request. A store is
// never trusted to honour it without having been seen to.
//
// The check costs one DeleteObjects per backend and process. It names one
// object that a listing or HEAD has just found unchanged and is about to be
// deleted anyway, with an ETag that cannot be its own:
// - PreconditionFailed: honoured; the object is still there, and is deleted
//   with the others, on its own ETag;
// - Deleted: ignored; the object is gone (checked just before, as every
//   object on such a store is), and the backend checks before every delete;
// - the whole request refused as malformed or not implemented (a 4xx other
//   than 403/404): refused; the ETag element is never sent again;
// - anything else (throttling, AccessDenied, NoSuchKey, no answer) decides
//   nothing, and the object's own delete answers for it.
import { DeleteObjectsCommand } from '@aws-sdk/client-s3';
import type { DeleteResult } from './delete-versions.js';
import { httpStatus, isTransient, throwIfWholeStore } from './errors.js';
import type { VersionRef } from './locator.js';
import type { ObjectContext } from './object-ops.js';
import { sameETag } from './version-checks.js';

export type ConditionalDeleteSupport = 'unknown' | 'honoured' | 'ignored' | 'refused';

/** What a backend learnt about its store; shared by its sessions. */
export interface StoreCapabilities {
  conditionalDeletes: ConditionalDeleteSupport;
}

const NOT_THIS_ETAG = '"00000000000000000000000000000000"';
const OTHER_ETAG = '"ffffffffffffffffffffffffffffffff"';

/**
 * Sends the check on `ref` (an unversioned bucket's object, just found to
 * have `etag`). Returns what the store does with the condition, and the
 * object's outcome if the check settled it (deleted by a store that ignores
 * the condition, or found missing).
 */
export async function checkConditionalDeletes(ctx: ObjectContext, ref: VersionRef, etag: string): Promise<{ support: ConditionalDeleteSupport; result?: DeleteResult }> {
  const wrong = sameETag(etag, NOT_THIS_ETAG) ? OTHER_ETAG : NOT_THIS_ETAG;
  let r;
  try {
    r = await ctx.client.send(new DeleteObjectsCommand({ Bucket: ctx.bucket, Delete: { Objects: [{ Key: ref.key, ETag: wrong }], Quiet: false } }));
  } catch (e) {
    throwIfWholeStore(e, ctx.bucket);
    const status = httpStatus(e);
    if (!isTransient(e) && status !== undefined && status >= 400 && status < 500 && status !== 403 && status !== 404) return { support: 'refused' };
    return { support: 'unknown' };
  }
  const error = (r.Errors ?? []).find((x) => x.Key === ref.key);
  if (error?.Code === 'PreconditionFailed') return { support: 'honoured' };
  if (error?.Code === 'NoSuchKey') return { support: 'unknown', result: { status: 'no-such-key' } };
  const deleted = (r.Deleted ?? []).find((x) => x.Key === ref.key);
  if (deleted && error === undefined) {
    // Only a marker added: the bucket keeps versions now, and nothing was removed.
    if (deleted.DeleteMarker && deleted.VersionId === undefined) return { support: 'unknown', result: { status: 'marker-added' } };
    return { support: 'ignored', result: { status: 'deleted' } };
  }
  return { support: 'unknown' };
}
