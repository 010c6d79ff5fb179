// Whether a bucket keeps versions. It decides how requests name an object's
// "null" version: in a bucket that never had versioning, a request without a
// version id removes the object; in a versioned (or suspended) bucket the
// same request only adds a delete marker, so every request names the version.
// Sessions live long (the worker caches them per order), so the state is read
// again before every destroy and probe batch.
import { GetBucketVersioningCommand, type S3Client } from '@aws-sdk/client-s3';
import { errorCode, httpStatus, isTransient, S3BackendError, throwIfWholeStore } from './errors.js';

export type VersioningMode = 'unversioned' | 'versioned';

/** Stores that answer these to GetBucketVersioning have no versioning at all (s3rver, some S3-compatible stores). */
const NO_VERSIONING = new Set(['NotImplemented', 'MethodNotAllowed']);

export async function readVersioning(client: S3Client, bucket: string): Promise<VersioningMode> {
  try {
    const r = await client.send(new GetBucketVersioningCommand({ Bucket: bucket }));
    // 'Suspended' still keeps the versions written while it was 'Enabled'.
    return r.Status === 'Enabled' || r.Status === 'Suspended' ? 'versioned' : 'unversioned';
  } catch (e) {
    if (NO_VERSIONING.has(errorCode(e)) || httpStatus(e) === 501) return 'unversioned';
    throwIfWholeStore(e, bucket);
    if (isTransient(e)) throw new S3BackendError('STORE_UNREACHABLE', `reading the versioning state of bucket ${bucket} failed (${errorCode(e)}); try again`, { cause: e });
    // Guessing 'unversioned' here could leave old versions behind and still
    // probe "absent": refuse instead.
    throw new S3BackendError(
      httpStatus(e) === 403 ? 'ACCESS_DENIED' : 'LISTING_FAILED',
      `cannot read the versioning state of bucket ${bucket} (${errorCode(e)}): the credentials need s3:GetBucketVersioning`,
      { cause: e },
    );
  }
}
