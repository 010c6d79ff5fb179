// The conformance suite against the S3Backend, on s3rver: a fresh s3rver (own
// port, own temp dir) and a fresh bucket per case. s3rver has no versioning,
// so every locator here is `<key>#null`; the same suite runs on moto in
// s3-moto.test.ts, and the versioned paths in test/adapters/storage/s3-moto-versioned.test.ts.
import { createHash } from 'node:crypto';
import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { S3Backend } from '../../../../src/adapters/storage/s3/s3-backend.js';
import { TestS3 } from '../../../helpers/s3rver.js';
import type { BackendFixture } from './fixture.js';
import { runConformance } from './suite.js';

/** Deterministic content of a seed: sizes vary (0 bytes included) so that size is really checked. */
function contentOf(seed: number): Buffer {
  const size = (seed * 7919) % 5000;
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (seed * 31 + i * 17) & 0xff;
  return b;
}

const keyOf = (locator: string): string => locator.slice(0, locator.lastIndexOf('#'));

async function s3Fixture(): Promise<BackendFixture> {
  const s3 = await TestS3.start();
  const bucket = await s3.freshBucket();
  const backend = new S3Backend({ name: 'objects', bucket, ...s3.connection, pageSize: 5 });
  const put = (key: string, body: Buffer) => s3.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  return {
    backend,
    scope: { prefixes: ['in/', 'held/'] },
    hold: { id: 'hold-1', reason: 'litigation', target: 'objects', match: { prefixes: ['held/'] } },
    badScopes: [
      { label: 'not an object', scope: 'in/' },
      { label: 'no prefixes', scope: { exclude: ['x'] } },
      { label: 'empty prefix list', scope: { prefixes: [] } },
      { label: "empty prefix '' (whole bucket) without allowWholeBucket", scope: { prefixes: [''] } },
      { label: 'prefix not a string', scope: { prefixes: [7] } },
      { label: 'empty exclude prefix', scope: { prefixes: ['in/'], exclude: [''] } },
      { label: 'unknown key', scope: { prefixes: ['in/'], include: ['**'] } },
      { label: 'allowWholeBucket not a boolean', scope: { prefixes: [''], allowWholeBucket: 'yes' } },
    ],
    async seed(objects) {
      const out = [];
      for (const { name, seed } of objects) {
        const content = contentOf(seed);
        await put(name, content);
        out.push({ locator: `${name}#null`, sha256: createHash('sha256').update(content).digest('hex'), size: content.length });
      }
      return out;
    },
    async exists(locator) {
      try {
        await s3.client.send(new HeadObjectCommand({ Bucket: bucket, Key: keyOf(locator) }));
        return true;
      } catch (e) {
        if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
        throw e;
      }
    },
    // Same size, new bytes: only the ETag (and perhaps not even LastModified, to the second) tells.
    async mutate(locator) {
      const seedish = createHash('sha256').update(locator).digest();
      await put(keyOf(locator), Buffer.concat([seedish, Buffer.from(String(Date.now()))]));
    },
    async remove(locator) {
      await s3.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: keyOf(locator) }));
    },
    async failNext(n) {
      s3.failNext(n, 'reset');
    },
    async close() {
      await backend.close();
      await s3.stop();
    },
  };
}

runConformance('s3', s3Fixture);
