// How S3 errors become outcomes. Three kinds:
// - whole-store failures (bucket gone, credentials rejected): the call throws,
//   so the job is retried or the plan fails, rather than every object becoming
//   an exception;
// - transient (throttling, 5xx, network): an item error with transient: true,
//   after the SDK's own retries;
// - everything else (AccessDenied, Object Lock, InvalidRequest...): a permanent
//   item error whose code is the S3 code, with S3's message as the reason.

export type S3BackendErrorCode = 'BUCKET_NOT_FOUND' | 'CREDENTIALS_REJECTED' | 'ACCESS_DENIED' | 'STORE_UNREACHABLE' | 'LISTING_FAILED';

/** A failure of the whole backend (plan time or whole calls); callers branch on `code`. */
export class S3BackendError extends Error {
  override readonly name = 'S3BackendError';

  constructor(
    readonly code: S3BackendErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface AwsErrorShape {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

export function errorCode(e: unknown): string {
  const err = (e ?? {}) as AwsErrorShape;
  return err.Code ?? err.name ?? err.code ?? 'UNKNOWN';
}

export function httpStatus(e: unknown): number | undefined {
  return (e as AwsErrorShape | undefined)?.$metadata?.httpStatusCode;
}

const NOT_FOUND = new Set(['NoSuchKey', 'NotFound', 'NoSuchVersion']);
const CREDENTIALS = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken', 'TokenRefreshRequired', 'CredentialsProviderError']);
// ConditionalRequestConflict (409): a conditional delete raced another write or delete of the key.
const TRANSIENT = new Set(['ConditionalRequestConflict', 'SlowDown', 'InternalError', 'ServiceUnavailable', 'RequestTimeout', 'RequestTimeTooSkewed', 'Throttling', 'ThrottlingException', 'TimeoutError', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);

export function isNotFound(e: unknown): boolean {
  return NOT_FOUND.has(errorCode(e)) || (httpStatus(e) === 404 && errorCode(e) !== 'NoSuchBucket');
}

/** Per-key codes of a DeleteObjects answer that a later attempt may get past. */
export function isTransientCode(code: string): boolean {
  return TRANSIENT.has(code);
}

export function isTransient(e: unknown): boolean {
  const status = httpStatus(e);
  if (TRANSIENT.has(errorCode(e))) return true;
  if (status === undefined) return true; // no HTTP answer at all: the network failed
  return status === 429 || status >= 500;
}

/** Throws S3BackendError when the error concerns the whole store, not one object. */
export function throwIfWholeStore(e: unknown, bucket: string): void {
  const code = errorCode(e);
  if (code === 'NoSuchBucket') throw new S3BackendError('BUCKET_NOT_FOUND', `bucket ${bucket} does not exist`, { cause: e });
  if (CREDENTIALS.has(code)) throw new S3BackendError('CREDENTIALS_REJECTED', `the store rejected the credentials for bucket ${bucket} (${code})`, { cause: e });
}

export type ItemError = { status: 'error'; code: string; message: string; transient: boolean };

export function itemError(e: unknown): ItemError {
  const code = errorCode(e);
  const status = httpStatus(e);
  const message = (e as AwsErrorShape | undefined)?.message || `HTTP ${status ?? 'no response'}`;
  return { status: 'error', code, message: message.slice(0, 500), transient: isTransient(e) };
}

/** Plan-time errors: always a whole-store failure, with what to check. */
export function planError(e: unknown, bucket: string): S3BackendError {
  throwIfWholeStore(e, bucket);
  const code = errorCode(e);
  if (code === 'AccessDenied' || httpStatus(e) === 403) {
    return new S3BackendError('ACCESS_DENIED', `access denied listing bucket ${bucket} (${code}): the credentials need s3:ListBucket`, { cause: e });
  }
  if (httpStatus(e) === undefined) return new S3BackendError('STORE_UNREACHABLE', `cannot reach the store for bucket ${bucket}: ${(e as Error).message}`, { cause: e });
  return new S3BackendError('LISTING_FAILED', `listing bucket ${bucket} failed: ${code}: ${(e as Error).message}`, { cause: e });
}
