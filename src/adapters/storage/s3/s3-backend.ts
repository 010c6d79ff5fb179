// The S3 adapter of the StorageBackend port, for AWS S3 and S3-compatible
// stores (MinIO, R2, Ceph RGW... through endpoint + forcePathStyle). Destroys
// every version of every object in scope with DeleteObjects, one inventory
// item and one record per version. The bucket and credentials come from the
// operator's configuration (secrets from env), never from an order; orders
// only bring key prefixes.
import type { S3Client } from '@aws-sdk/client-s3';
import { ListObjectsCommand } from '@aws-sdk/client-s3';
import type { DestructionMethod, HoldSpec, StorageBackend, TargetSession } from '../../../app/ports/storage-backend.js';
import { createS3Client } from './client.js';
import type { ConditionalDeleteSupport, StoreCapabilities } from './conditional-delete.js';
import { planError } from './errors.js';
import { compileTarget } from './scope.js';
import { S3TargetSession, type WarningListener } from './target-session.js';
import { readVersioning } from './versioning.js';

export interface S3BackendOptions {
  /** The name orders use for this backend. */
  name: string;
  bucket: string;
  region?: string;
  /** For S3-compatible stores, e.g. http://127.0.0.1:9000. */
  endpoint?: string;
  forcePathStyle?: boolean;
  /** From the environment (see config.ts), never from an order. Absent: the SDK's default chain (env, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** HEAD/GET requests in flight per call (default 16). */
  concurrency?: number;
  /** Keys (or versions) per listing request, 1-1000 (default 1000). */
  pageSize?: number;
  /** Told about delete markers that could not be removed, and similar leftovers without content. */
  onWarning?: WarningListener;
  /** A ready client (tests, custom middleware); endpoint, region and credentials are then ignored. */
  client?: S3Client;
}

export const S3_PERSISTENCE: readonly string[] = [
  'S3 DeleteObjects makes each destroyed version unreachable through the S3 API; when and how the storage behind it is physically erased is left to the provider and is not certified',
  'every version and the delete markers of a destroyed key are removed in this bucket only: copies made by replication (CRR/SRR) to other buckets or accounts survive there',
  'backups (AWS Backup, store snapshots), lifecycle transitions or copies to Glacier and other storage classes held outside this bucket, and objects copied to other buckets survive',
  'CDN and proxy caches (CloudFront and others) may serve cached copies until they expire or are invalidated',
  'versions under S3 Object Lock (retention or legal hold) cannot be deleted and are reported as exceptions with the S3 error code; versions under an order hold are retained',
  'an object overwritten in place (in an unversioned bucket, or the "null" version of a versioned one) in the instant between the check of its ETag (a listing or HEAD) and DeleteObjects is deleted without its new content having been hashed, unless the bucket is unversioned and the store honours conditional deletes (the ETag condition of DeleteObjects, as AWS S3 does), which leave such an object alone',
  'server access logs, CloudTrail data events and S3 Inventory reports keep the key names',
  'this is not a NIST SP 800-88 Clear or Purge: no overwrite and no cryptographic erase is issued',
];

export class S3Backend implements StorageBackend {
  readonly name: string;
  readonly kind = 's3';
  readonly method: DestructionMethod = 's3-delete-all-versions';
  readonly persistence = S3_PERSISTENCE;
  /** Its name and kind: the registry (src/adapters/storage/registry.ts) names a configured backend by its system identity instead. */
  readonly system: string;
  readonly bucket: string;
  private readonly client: S3Client;
  private readonly ownsClient: boolean;
  private readonly concurrency: number;
  private readonly pageSize: number;
  private readonly onWarning: WarningListener | undefined;
  /** Learnt once per process from the store itself (conditional-delete.ts), shared by every session. */
  private readonly capabilities: StoreCapabilities = { conditionalDeletes: 'unknown' };
  private closed = false;

  constructor(o: S3BackendOptions) {
    if (typeof o.name !== 'string' || o.name.length === 0) throw new TypeError('s3 backend: name must be a non-empty string');
    if (typeof o.bucket !== 'string' || o.bucket.length < 3) throw new TypeError(`s3 backend ${o.name}: bucket must be a bucket name`);
    const concurrency = o.concurrency ?? 16;
    const pageSize = o.pageSize ?? 1000;
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) throw new RangeError(`s3 backend ${o.name}: concurrency must be 1-256, got ${concurrency}`);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) throw new RangeError(`s3 backend ${o.name}: pageSize must be 1-1000, got ${pageSize}`);
    this.name = o.name;
    this.system = `${o.name} (s3)`;
    this.bucket = o.bucket;
    this.concurrency = concurrency;
    this.pageSize = pageSize;
    this.onWarning = o.onWarning;
    this.ownsClient = o.client === undefined;
    this.client =
      o.client ??
      createS3Client({
        ...(o.region !== undefined ? { region: o.region } : {}),
        ...(o.endpoint !== undefined ? { endpoint: o.endpoint } : {}),
        ...(o.forcePathStyle !== undefined ? { forcePathStyle: o.forcePathStyle } : {}),
        ...(o.credentials ? { credentials: o.credentials } : {}),
      });
  }

  /**
   * Validates scope and holds (ValidationError naming every bad field), then
   * checks that the bucket exists and the credentials work (S3BackendError
   * BUCKET_NOT_FOUND, CREDENTIALS_REJECTED, ACCESS_DENIED...) and reads
   * whether the bucket keeps versions.
   */
  async openTarget(scope: unknown, holds: readonly HoldSpec[]): Promise<TargetSession> {
    if (this.closed) throw new Error(`s3 backend ${this.name} is closed`);
    // Every hold given is applied, whatever its `target` says: retaining too much is safe.
    const compiled = compileTarget(scope, holds);
    try {
      await this.client.send(new ListObjectsCommand({ Bucket: this.bucket, Prefix: compiled.scope.listPrefixes[0] ?? '', MaxKeys: 1 }));
    } catch (e) {
      throw planError(e, this.bucket);
    }
    const mode = await readVersioning(this.client, this.bucket);
    return new S3TargetSession({
      client: this.client,
      bucket: this.bucket,
      scope: compiled.scope,
      holds: compiled.holds,
      mode,
      pageSize: this.pageSize,
      concurrency: this.concurrency,
      capabilities: this.capabilities,
      ...(this.onWarning ? { onWarning: this.onWarning } : {}),
    });
  }

  /** What this process has seen the store do with conditional deletes ('unknown' until an unversioned object is first deleted). */
  get conditionalDeletes(): ConditionalDeleteSupport {
    return this.capabilities.conditionalDeletes;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsClient) this.client.destroy();
  }
}
