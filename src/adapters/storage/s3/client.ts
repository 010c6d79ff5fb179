// Builds the S3 client. Checksum settings: recent SDKs compute and demand
// CRC checksums on every request and response by default ('WHEN_SUPPORTED'),
// which broke DeleteObjects and GET on several S3-compatible stores; this
// backend asks for checksums only where an operation requires one and also
// sends Content-MD5 on DeleteObjects, which every S3-compatible store takes.
import { createHash } from 'node:crypto';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

export interface S3ClientOptions {
  region?: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Sockets per client; also bounds the requests in flight. */
  maxSockets?: number;
  /** Attempts per request, the SDK's retries included (default 3). */
  maxAttempts?: number;
}

export function createS3Client(o: S3ClientOptions): S3Client {
  const config: S3ClientConfig = {
    region: o.region ?? 'us-east-1',
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: o.maxAttempts ?? 3,
    ...(o.endpoint !== undefined ? { endpoint: o.endpoint } : {}),
    ...(o.forcePathStyle !== undefined ? { forcePathStyle: o.forcePathStyle } : {}),
    ...(o.credentials ? { credentials: { accessKeyId: o.credentials.accessKeyId, secretAccessKey: o.credentials.secretAccessKey } } : {}),
  };
  const client = new S3Client(config);
  addContentMd5(client);
  return client;
}

/** Content-MD5 on DeleteObjects (stores that predate the CRC checksum headers demand it). */
export function addContentMd5(client: S3Client): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as { headers?: Record<string, string>; body?: unknown } | undefined;
      if (context.commandName === 'DeleteObjectsCommand' && request?.headers && !hasHeader(request.headers, 'content-md5')) {
        const body = request.body;
        if (typeof body === 'string' || body instanceof Uint8Array) {
          request.headers['content-md5'] = createHash('md5').update(body).digest('base64');
        }
      }
      return next(args);
    },
    { step: 'build', name: 'shredproofContentMd5', override: true },
  );
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((h) => h.toLowerCase() === name);
}
