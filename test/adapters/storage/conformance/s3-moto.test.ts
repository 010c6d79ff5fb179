// The conformance suite against the S3Backend on moto's S3 server (one
// moto_server for this file, test/helpers/moto-server.ts; a fresh bucket per
// case), in addition to s3.test.ts on s3rver. The bucket is unversioned, so
// locators are `<key>#null`: the suite's mutate() rewrites an object under the
// same locator, which a versioned bucket cannot do (a write there is a new
// version with a new locator). The versioned paths against moto are in
// test/adapters/storage/s3-moto-versioned.test.ts. Transient faults are real: moto's
// HTTP front resets every attempt of the next operation.
import { createHash } from 'node:crypto';
import { after, before } from 'node:test';
import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { mapLimit } from '../../../../src/adapters/storage/s3/map-limit.js';
import { S3Backend } from '../../../../src/adapters/storage/s3/s3-backend.js';
import { TestMoto } from '../../../helpers/moto-server.js';
import type { BackendFixture } from './fixture.js';
import { runConformance } from './suite.js';

let moto: TestMoto;
before(async () => {
  moto = await TestMoto.start();
});
after(async () => {
  await moto?.stop(); // undefined when start() failed: its error is the one to read
});

/** Deterministic content of a seed: sizes vary (0 bytes included) so that size is really checked. */
function contentOf(seed: number): Buffer {
  const size = (seed * 7919) % 5000;
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (seed * 31 + i * 17) & 0xff;
  return b;
}

const keyOf = (locator: string): string => locator.slice(0, locator.lastIndexOf('#'));

async function motoFixture(): Promise<BackendFixture> {
  const bucket = await moto.freshBucket();
  const backend = new S3Backend({ name: 'objects', bucket, ...moto.connection, pageSize: 5 });
  const put = (key: string, body: Buffer) => moto.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
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
      return mapLimit(objects, 6, async ({ name, seed }) => {
        const content = contentOf(seed);
        await put(name, content);
        return { locator: `${name}#null`, sha256: createHash('sha256').update(content).digest('hex'), size: content.length };
      });
    },
    async exists(locator) {
      try {
        await moto.client.send(new HeadObjectCommand({ Bucket: bucket, Key: keyOf(locator) }));
        return true;
      } catch (e) {
        if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
        throw e;
      }
    },
    // Same size, new bytes: the ETag tells (moto's Last-Modified has whole seconds).
    async mutate(locator) {
      const seedish = createHash('sha256').update(locator).digest();
      await put(keyOf(locator), Buffer.concat([seedish, Buffer.from(String(Date.now()))]));
    },
    async remove(locator) {
      await moto.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: keyOf(locator) }));
    },
    async failNext(n) {
      moto.failNext(n, 'reset');
    },
    async close() {
      moto.failNext(0);
      await backend.close();
    },
  };
}

runConformance('s3 (moto)', motoFixture);
