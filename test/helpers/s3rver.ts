// s3rver (a fake S3 on the local disk) for tests: on 127.0.0.1, an ephemeral
// port, its own temp directory, silent, a fresh bucket per test. It also
// counts requests by operation and can fail the next n operations on demand
// (every attempt of them, so that the SDK's own retries do not hide the fault).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, DeleteObjectsCommand, ListObjectsCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '../../src/adapters/storage/s3/client.js';

// s3rver ships no types: the little used here, typed by hand.
interface S3rverInstance {
  run(): Promise<{ port: number; address: string }>;
  close(): Promise<void>;
  httpServer: Server;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;

/** s3rver's built-in account. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export type FaultKind = 'reset' | 'slowdown';

/** The S3 operation of a request, as far as the tests need to count them. */
function operationOf(req: IncomingMessage): string {
  const url = new URL(req.url ?? '/', 'http://x');
  const onBucket = url.pathname.split('/').filter(Boolean).length <= 1;
  const q = url.searchParams;
  if (onBucket) {
    if (req.method === 'POST' && q.has('delete')) return 'DeleteObjects';
    if (req.method === 'GET') return q.has('versioning') ? 'GetBucketVersioning' : q.has('versions') ? 'ListObjectVersions' : 'ListObjects';
    return `${req.method} bucket`;
  }
  return { GET: 'GetObject', HEAD: 'HeadObject', PUT: 'PutObject', DELETE: 'DeleteObject' }[req.method ?? ''] ?? `${req.method} object`;
}

export class TestS3 {
  /** HTTP requests seen, by operation (see operationOf); the SDK's retries count again. */
  readonly counts = new Map<string, number>();
  /** SDK invocations seen, by operation: one per command sent, whatever its retries. */
  readonly invocations = new Map<string, Set<string>>();
  private failing = 0;
  private faultKind: FaultKind = 'reset';
  private readonly doomed = new Set<string>();

  private constructor(
    private readonly server: S3rverInstance,
    private readonly dir: string,
    readonly endpoint: string,
    readonly client: S3Client,
  ) {}

  static async start(): Promise<TestS3> {
    const dir = mkdtempSync(join(tmpdir(), 'sp-s3rver-'));
    const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, resetOnClose: true });
    const { port } = await server.run();
    const endpoint = `http://127.0.0.1:${port}`;
    const t = new TestS3(server, dir, endpoint, createS3Client({ endpoint, forcePathStyle: true, credentials: { ...S3RVER_CREDENTIALS } }));
    t.interpose();
    return t;
  }

  /** Options for an S3Backend against this server (add name and bucket). */
  get connection(): { endpoint: string; forcePathStyle: true; region: 'us-east-1'; credentials: { accessKeyId: string; secretAccessKey: string } } {
    return { endpoint: this.endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { ...S3RVER_CREDENTIALS } };
  }

  /** A new, empty bucket with a unique name. */
  async freshBucket(): Promise<string> {
    const bucket = `sp-${randomUUID().slice(0, 18)}`;
    await this.client.send(new CreateBucketCommand({ Bucket: bucket }));
    return bucket;
  }

  /** Empties a bucket, behind any backend's back. */
  async emptyBucket(bucket: string): Promise<void> {
    for (;;) {
      const r = await this.client.send(new ListObjectsCommand({ Bucket: bucket }));
      const keys = (r.Contents ?? []).map((o) => ({ Key: o.Key! }));
      if (keys.length === 0) return;
      await this.client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
    }
  }

  /**
   * The next `n` S3 operations fail with every attempt, as a reset connection
   * or a 503 SlowDown. An operation is one SDK invocation (its retries carry the
   * same amz-sdk-invocation-id), so the SDK's retries do not hide the fault.
   */
  failNext(n: number, kind: FaultKind = 'reset'): void {
    this.failing = n;
    this.faultKind = kind;
  }

  count(operation: string): number {
    return this.counts.get(operation) ?? 0;
  }

  /** Commands sent for an operation (retries of one command count once). */
  operations(operation: string): number {
    return this.invocations.get(operation)?.size ?? 0;
  }

  resetCounts(): void {
    this.counts.clear();
    this.invocations.clear();
  }

  async stop(): Promise<void> {
    this.client.destroy();
    await this.server.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private interpose(): void {
    const http = this.server.httpServer;
    const handlers = http.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
    http.removeAllListeners('request');
    http.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const op = operationOf(req);
      this.counts.set(op, (this.counts.get(op) ?? 0) + 1);
      const id = String(req.headers['amz-sdk-invocation-id'] ?? randomUUID());
      if (!this.invocations.has(op)) this.invocations.set(op, new Set());
      this.invocations.get(op)!.add(id);
      if (!this.doomed.has(id) && this.failing > 0) {
        this.failing--;
        this.doomed.add(id);
      }
      if (this.doomed.has(id)) {
        if (this.faultKind === 'reset') return void req.socket.destroy();
        res.writeHead(503, { 'content-type': 'application/xml' });
        return void res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>');
      }
      for (const h of handlers) h.call(http, req, res);
    });
  }
}
