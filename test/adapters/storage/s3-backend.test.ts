// S3-specific behaviour of the S3Backend against a real S3 protocol server:
// s3rver 3.7 on a loopback port, a fresh bucket per test.
//
// What s3rver cannot exercise (it has no versioning: PutBucketVersioning is
// taken as a create-bucket call, ListObjectVersions answers MethodNotAllowed,
// GetBucketVersioning answers an empty 200; nor does it answer per-key
// DeleteObjects errors) runs against moto's S3 server, which has versioning
// and Object Lock: s3-moto-versioned.test.ts. The few paths neither server
// produces are in s3-versioned.test.ts against a fake command handler;
// docs/backends/s3.md has the table.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DeleteObjectsCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { s3BackendOptions, S3BackendConfig } from '../../../src/adapters/storage/s3/config.js';
import { S3BackendError } from '../../../src/adapters/storage/s3/errors.js';
import { mapLimit } from '../../../src/adapters/storage/s3/map-limit.js';
import { S3Backend, type S3BackendOptions } from '../../../src/adapters/storage/s3/s3-backend.js';
import { ValidationError } from '../../../packages/verify/src/core/errors.js';
import type { HashOutcome, ListedObject, TargetSession } from '../../../src/app/ports/storage-backend.js';
import { freePort } from '../../helpers/redis-server.js';
import { TestS3 } from '../../helpers/s3rver.js';

type Hashed = Extract<HashOutcome, { status: 'hashed' }>;

let s3: TestS3;
before(async () => {
  s3 = await TestS3.start();
});
after(async () => {
  await s3.stop();
});

async function put(bucket: string, key: string, body: Buffer | string): Promise<void> {
  await s3.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

async function exists(bucket: string, key: string): Promise<boolean> {
  try {
    await s3.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (e) {
    if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw e;
  }
}

async function backendFor(bucket: string, extra: Partial<S3BackendOptions> = {}): Promise<S3Backend> {
  return new S3Backend({ name: 'objects', bucket, ...s3.connection, ...extra });
}

async function listAll(session: TargetSession): Promise<ListedObject[][]> {
  const pages: ListedObject[][] = [];
  for await (const page of session.list()) pages.push(page);
  return pages;
}

function hashed(o: HashOutcome | undefined): Hashed {
  assert.equal(o?.status, 'hashed', JSON.stringify(o));
  return o as Hashed;
}

describe('S3Backend on s3rver', () => {
  it('lists in pages of pageSize (several ListObjects requests), in key order, only the scope, `<key>#null` locators', async (t) => {
    const bucket = await s3.freshBucket();
    const keys = Array.from({ length: 23 }, (_, i) => `photos/${String(i).padStart(3, '0')}.jpg`);
    await mapLimit(keys, 8, (k, i) => put(bucket, k, 'x'.repeat(i)));
    await put(bucket, 'photos-other/a', 'out of scope: shares the characters but not the prefix');
    await put(bucket, 'photos/keep/1', 'excluded');
    await put(bucket, 'zz/b', 'out of scope');
    const backend = await backendFor(bucket, { pageSize: 5 });
    t.after(() => backend.close());
    const session = await backend.openTarget({ prefixes: ['photos/'], exclude: ['photos/keep/'] }, []);
    s3.resetCounts();
    const pages = await listAll(session);
    assert.ok(s3.count('ListObjects') >= 5, `paginated: ${s3.count('ListObjects')} ListObjects requests`);
    assert.ok(pages.length >= 5 && pages.every((p) => p.length <= 5), `page sizes ${pages.map((p) => p.length)}`);
    const listed = pages.flat();
    assert.deepEqual(listed.map((o) => o.locator), keys.map((k) => `${k}#null`));
    assert.deepEqual(listed.map((o) => o.size), keys.map((_, i) => i));
  });

  it('hashes a 20 MiB object by streaming GET to the same SHA-256 as an independent hash, with versionId and etag attributes', async (t) => {
    const bucket = await s3.freshBucket();
    const content = randomBytes(20 * 1024 * 1024);
    const expected = createHash('sha256').update(content).digest('hex');
    const etag = `"${createHash('md5').update(content).digest('hex')}"`;
    await put(bucket, 'big/blob.bin', content);
    const backend = await backendFor(bucket);
    t.after(() => backend.close());
    const session = await backend.openTarget({ prefixes: ['big/'] }, []);
    const h = hashed((await session.hash([{ locator: 'big/blob.bin#null' }]))[0]);
    assert.equal(h.sha256, expected);
    assert.equal(h.size, content.length);
    assert.deepEqual(h.attributes, { versionId: 'null', etag });
  });

  it('destroys 1,200 objects in one call with several DeleteObjects requests of at most 1000 keys, then probes them absent', async (t) => {
    const bucket = await s3.freshBucket();
    const keys = Array.from({ length: 1200 }, (_, i) => `bulk/${String(i).padStart(5, '0')}`);
    await mapLimit(keys, 16, (k) => put(bucket, k, k));
    await put(bucket, 'other/keep', 'x');
    const backend = await backendFor(bucket, { concurrency: 32 });
    t.after(() => backend.close());
    const session = await backend.openTarget({ prefixes: ['bulk/'] }, []);
    const items = keys.map((k) => ({ locator: `${k}#null` }));
    const hashes = await session.hash(items);
    hashes.forEach((h, i) => assert.equal(hashed(h).sha256, createHash('sha256').update(keys[i]!).digest('hex')));
    s3.resetCounts();
    const outcomes = await session.destroy(items.map((it, i) => ({ ...it, fingerprint: hashed(hashes[i]).fingerprint })));
    // Commands, not HTTP attempts: s3rver 3.7 races with itself removing the emptied
    // directory of 1000 parallel deletes and answers 500 once; the SDK retries it.
    assert.equal(s3.operations('DeleteObjects'), 2, 'two DeleteObjects requests: 1000 + 200');
    assert.equal(s3.operations('HeadObject'), 1200, 'every key HEADed before the delete');
    assert.ok(outcomes.every((o) => o.status === 'destroyed'), JSON.stringify(outcomes.find((o) => o.status !== 'destroyed')));
    assert.ok((await session.probe(items)).every((p) => p.status === 'absent'));
    const survivors = await listAll(await backend.openTarget({ prefixes: ['bulk/', 'other/'] }, []));
    assert.deepEqual(survivors.flat().map((o) => o.locator), ['other/keep#null']);
  });

  it("answers 'absent' for a key that never existed, though DeleteObjects would report it deleted", async (t) => {
    const bucket = await s3.freshBucket();
    // The store's own word, which the backend must not take:
    const r = await s3.client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'never/was' }] } }));
    assert.deepEqual(r.Deleted?.map((d) => d.Key), ['never/was']);
    const backend = await backendFor(bucket);
    t.after(() => backend.close());
    const session = await backend.openTarget({ prefixes: ['never/'] }, []);
    s3.resetCounts();
    const fingerprint = JSON.stringify(['"d41d8cd98f00b204e9800998ecf8427e"', 'null', 0, '2020-01-01T00:00:00.000Z']);
    assert.deepEqual(await session.destroy([{ locator: 'never/was#null', fingerprint }]), [{ status: 'absent' }]);
    assert.equal(s3.operations('DeleteObjects'), 0);
    assert.deepEqual(await session.hash([{ locator: 'never/was#null' }]), [{ status: 'absent' }]);
  });

  it("answers 'changed' for an object overwritten after hashing, and leaves the new content", async (t) => {
    const bucket = await s3.freshBucket();
    await put(bucket, 'doc/a', 'first version of the text');
    const backend = await backendFor(bucket);
    t.after(() => backend.close());
    const session = await backend.openTarget({ prefixes: ['doc/'] }, []);
    const h = hashed((await session.hash([{ locator: 'doc/a#null' }]))[0]);
    await put(bucket, 'doc/a', 'other version of the text'); // same size
    assert.deepEqual(await session.destroy([{ locator: 'doc/a#null', fingerprint: h.fingerprint }]), [{ status: 'changed' }]);
    assert.equal(await exists(bucket, 'doc/a'), true);
  });

  it('refuses bad scopes and holds with one ValidationError naming every bad field; allowWholeBucket makes the empty prefix legal', async (t) => {
    const bucket = await s3.freshBucket();
    await put(bucket, 'a', '1');
    await put(bucket, 'b/c', '2');
    const backend = await backendFor(bucket);
    t.after(() => backend.close());
    const bad = { prefixes: ['', 5, 'ok/'], exclude: [''], allowWholeBucket: 'yes', where: 'x' };
    const holds = [{ id: '', reason: 'r', target: 'objects', match: { include: ['**'] } }];
    await assert.rejects(backend.openTarget(bad, holds), (e: unknown) => {
      assert.ok(e instanceof ValidationError);
      assert.deepEqual(e.fields.map((f) => f.path).sort(), [
        '$.holds[0].id',
        '$.holds[0].match.include',
        '$.holds[0].match.prefixes',
        '$.scope.allowWholeBucket',
        '$.scope.exclude[0]',
        '$.scope.prefixes[0]',
        '$.scope.prefixes[1]',
        '$.scope.where',
      ]);
      return true;
    });
    await assert.rejects(backend.openTarget({ prefixes: [] }, []), ValidationError);
    await assert.rejects(backend.openTarget({ prefixes: [''] }, []), (e: unknown) => e instanceof ValidationError && e.fields[0]!.path === '$.scope.prefixes[0]');
    const whole = await backend.openTarget({ prefixes: [''], allowWholeBucket: true }, []);
    assert.deepEqual((await listAll(whole)).flat().map((o) => o.locator), ['a#null', 'b/c#null']);
  });

  it('fails at openTarget (plan time) with BUCKET_NOT_FOUND for a bucket that does not exist', async (t) => {
    const backend = await backendFor('sp-no-such-bucket-here');
    t.after(() => backend.close());
    await assert.rejects(backend.openTarget({ prefixes: ['x/'] }, []), (e: unknown) => e instanceof S3BackendError && e.code === 'BUCKET_NOT_FOUND' && /sp-no-such-bucket-here/.test(e.message));
  });

  it('fails at openTarget with CREDENTIALS_REJECTED for bad credentials, and never says the secret', async (t) => {
    const bucket = await s3.freshBucket();
    const backend = await backendFor(bucket, { credentials: { accessKeyId: 'WRONGKEY', secretAccessKey: 'wrong-secret-value' } });
    t.after(() => backend.close());
    await assert.rejects(backend.openTarget({ prefixes: ['x/'] }, []), (e: unknown) => {
      assert.ok(e instanceof S3BackendError && e.code === 'CREDENTIALS_REJECTED', String(e));
      assert.ok(!e.message.includes('wrong-secret-value'));
      return true;
    });
  });

  it('fails at openTarget with STORE_UNREACHABLE when nothing listens at the endpoint', async (t) => {
    const port = await freePort();
    const backend = new S3Backend({ name: 'objects', bucket: 'whatever', endpoint: `http://127.0.0.1:${port}`, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    t.after(() => backend.close());
    await assert.rejects(backend.openTarget({ prefixes: ['x/'] }, []), (e: unknown) => e instanceof S3BackendError && e.code === 'STORE_UNREACHABLE');
  });

  it('maps throttling that outlasts the SDK retries (503 SlowDown) to a transient item error, then succeeds', async (t) => {
    const bucket = await s3.freshBucket();
    await put(bucket, 't/a', 'a');
    await put(bucket, 't/b', 'b');
    const backend = await backendFor(bucket, { concurrency: 1 });
    t.after(() => backend.close());
    const session = await backend.openTarget({ prefixes: ['t/'] }, []);
    s3.failNext(1, 'slowdown');
    const [a, b] = await session.hash([{ locator: 't/a#null' }, { locator: 't/b#null' }]);
    assert.deepEqual({ ...a, message: '' }, { status: 'error', code: 'SlowDown', message: '', transient: true });
    assert.equal(b?.status, 'hashed');
    assert.equal(s3.count('GetObject') >= 4, true, 'the SDK retried the throttled GET before giving up');
    assert.equal(hashed((await session.hash([{ locator: 't/a#null' }]))[0]).sha256, createHash('sha256').update('a').digest('hex'));
  });
});

describe('S3 backend configuration', () => {
  it('takes secrets only from the environment variables it names', () => {
    const config = S3BackendConfig.parse({ kind: 's3', bucket: 'evidence', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true, accessKeyIdEnv: 'K', secretAccessKeyEnv: 'S' });
    const o = s3BackendOptions('objects', config, { K: 'id', S: 'secret' });
    assert.deepEqual(o, { name: 'objects', bucket: 'evidence', endpoint: 'http://127.0.0.1:9000', forcePathStyle: true, credentials: { accessKeyId: 'id', secretAccessKey: 'secret' } });
    assert.throws(() => s3BackendOptions('objects', config, { K: 'id' }), (e: unknown) => e instanceof ValidationError && e.fields.length === 1 && e.fields[0]!.problem.includes('S'));
    const half = S3BackendConfig.parse({ kind: 's3', bucket: 'evidence', accessKeyIdEnv: 'K' });
    assert.throws(() => s3BackendOptions('objects', half, { K: 'id' }), ValidationError);
    assert.equal(S3BackendConfig.safeParse({ kind: 's3', bucket: 'evidence', secretAccessKey: 'inline' }).success, false, 'no inline secrets');
    assert.equal(S3BackendConfig.safeParse({ kind: 's3', bucket: 'ab' }).success, false);
    assert.deepEqual(s3BackendOptions('objects', S3BackendConfig.parse({ kind: 's3', bucket: 'evidence' }), {}), { name: 'objects', bucket: 'evidence' });
  });
});
