// For the S3 one-pass tests (test/adapters/storage/s3-one-pass*.test.ts): the
// requests a backend sent, as counted by the test stores' fronts (s3rver.ts,
// moto-server.ts; one SDK command counts once, whatever its retries), and a
// record callback that checks it comes before any DeleteObjects.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ConsumeOutcome, HashOutcome, ObjectRef, RecordHashes, TargetSession } from '../../src/app/ports/storage-backend.js';

export const sha = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');
export const refs = (locators: readonly string[]): ObjectRef[] => locators.map((locator) => ({ locator }));

export interface Counting {
  readonly client: S3Client;
  readonly invocations: Map<string, Set<string>>;
  operations(op: string): number;
  resetCounts(): void;
}

/** Commands the backend sent, by operation: the test's own writes (PutObject, DeleteObject) left out. */
export function backendOps(server: Counting): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [op, ids] of server.invocations) if (op !== 'PutObject' && op !== 'DeleteObject') out[op] = ids.size;
  return out;
}

export const total = (ops: Record<string, number>): number => Object.values(ops).reduce((a, b) => a + b, 0);

export async function put(server: Counting, bucket: string, key: string, body: string | Buffer): Promise<void> {
  await server.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

export async function body(server: Counting, bucket: string, key: string): Promise<string | undefined> {
  try {
    return await (await server.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();
  } catch (e) {
    if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
    throw e;
  }
}

/** A record callback that keeps what it was given, checks the store has had no DeleteObjects yet, then runs `meanwhile`. */
export function recorder(server: Counting, meanwhile: () => Promise<void> = async () => {}): { record: RecordHashes; calls: HashOutcome[][] } {
  const calls: HashOutcome[][] = [];
  return {
    calls,
    async record(hashes) {
      assert.equal(server.operations('DeleteObjects'), 0, 'record() comes before any DeleteObjects');
      calls.push([...hashes]);
      await meanwhile();
    },
  };
}

export async function consume(session: TargetSession, locators: readonly string[], record: RecordHashes): Promise<ConsumeOutcome[]> {
  assert.ok(session.consume, 'the S3 session offers consume()');
  const out = await session.consume(refs(locators), record);
  assert.equal(out.length, locators.length, 'one outcome per item');
  return out;
}

export const destroyedSeen = { status: 'destroyed', probed: 'absent' } as const;
