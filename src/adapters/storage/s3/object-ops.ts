// Per-version reads: HEAD for the fingerprint and existence, streaming GET for
// the content hash. Content never leaves this file: only its SHA-256 does.
import { createHash } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { HashOutcome } from '../../../app/ports/storage-backend.js';
import { isNotFound, itemError, throwIfWholeStore, type ItemError } from './errors.js';
import { NULL_VERSION, type VersionRef } from './locator.js';
import type { VersioningMode } from './versioning.js';

export const VERSIONING_CHANGED = 'VERSIONING_CHANGED';

export interface ObjectContext {
  client: S3Client;
  bucket: string;
  mode: VersioningMode;
}

/** What makes a version this exact content: ETag, version id, size, last-modified. */
export interface VersionFacts {
  etag: string;
  versionId: string;
  size: number;
  lastModified: string;
}

export function fingerprintOf(f: VersionFacts): string {
  return JSON.stringify([f.etag, f.versionId, f.size, f.lastModified]);
}

/**
 * The version id a request must carry. An unversioned bucket's "null" version
 * is named by no version id at all (stores without versioning may reject the
 * parameter); in a versioned bucket it must be named, or a delete only adds a marker.
 */
export function versionParam(ref: VersionRef, mode: VersioningMode): { VersionId?: string } {
  return mode === 'unversioned' && ref.versionId === NULL_VERSION ? {} : { VersionId: ref.versionId };
}

function facts(r: { ETag?: string | undefined; VersionId?: string | undefined; ContentLength?: number | undefined; LastModified?: Date | undefined }): VersionFacts {
  return {
    etag: r.ETag ?? '',
    versionId: r.VersionId ?? NULL_VERSION,
    size: r.ContentLength ?? 0,
    lastModified: r.LastModified ? r.LastModified.toISOString() : '',
  };
}

export type HeadResult = { status: 'found'; facts: VersionFacts } | { status: 'absent' } | ItemError;

export async function headVersion(ctx: ObjectContext, ref: VersionRef): Promise<HeadResult> {
  try {
    const r = await ctx.client.send(new HeadObjectCommand({ Bucket: ctx.bucket, Key: ref.key, ...versionParam(ref, ctx.mode) }));
    // A HEAD of a version that is a delete marker says so; a marker holds no content.
    if (r.DeleteMarker) return { status: 'absent' };
    return { status: 'found', facts: facts(r) };
  } catch (e) {
    throwIfWholeStore(e, ctx.bucket);
    if (isNotFound(e)) return { status: 'absent' };
    return itemError(e);
  }
}

/** Streams the version through SHA-256; memory stays at one chunk whatever the object's size. */
export async function hashVersion(ctx: ObjectContext, ref: VersionRef): Promise<HashOutcome> {
  let r;
  try {
    r = await ctx.client.send(new GetObjectCommand({ Bucket: ctx.bucket, Key: ref.key, ...versionParam(ref, ctx.mode) }));
  } catch (e) {
    throwIfWholeStore(e, ctx.bucket);
    if (isNotFound(e)) return { status: 'absent' };
    return itemError(e);
  }
  const f = facts(r);
  if (ref.versionId === NULL_VERSION && f.versionId !== NULL_VERSION) {
    // Asked an unversioned bucket for its object and got a real version: versioning was turned on meanwhile.
    (r.Body as { destroy?: () => void } | undefined)?.destroy?.();
    return { status: 'error', code: VERSIONING_CHANGED, message: `bucket ${ctx.bucket} keeps versions now; ${ref.key} will be read again by version`, transient: true };
  }
  if (ref.versionId !== NULL_VERSION && f.versionId !== ref.versionId) {
    (r.Body as { destroy?: () => void } | undefined)?.destroy?.();
    return { status: 'error', code: 'VERSION_MISMATCH', message: `asked for version ${ref.versionId}, got ${f.versionId}`, transient: false };
  }
  const hash = createHash('sha256');
  let size = 0;
  try {
    for await (const chunk of r.Body as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      size += chunk.byteLength;
    }
  } catch (e) {
    return itemError(e);
  }
  if (r.ContentLength !== undefined && size !== r.ContentLength) {
    return { status: 'error', code: 'TRUNCATED', message: `read ${size} bytes, want ${r.ContentLength}`, transient: true };
  }
  f.size = size;
  return {
    status: 'hashed',
    sha256: hash.digest('hex'),
    size,
    fingerprint: fingerprintOf(f),
    attributes: { versionId: f.versionId, etag: f.etag },
  };
}
