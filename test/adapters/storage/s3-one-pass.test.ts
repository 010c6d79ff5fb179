// The S3 backend's one pass (TargetSession.consume, src/adapters/storage/s3/one-pass.ts)
// on s3rver 3.7, with the requests counted at the store. s3rver has no
// versioning, and it IGNORES the ETag condition of DeleteObjects (it deletes
// anyway, and calls keys that never existed deleted): the backend must check
// each object right before deleting it, and these tests make sure it does.
// moto, which honours the condition and keeps versions: s3-one-pass-moto.test.ts.
// Nothing here is a mock: the overwrites and removals "between the GET and
// the delete" are real requests made from inside the engine's record
// callback, which the backend must call after every GET and before any DeleteObjects.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DeleteObjectCommand, DeleteObjectsCommand } from '@aws-sdk/client-s3';
import { mapLimit } from '../../../src/adapters/storage/s3/map-limit.js';
import { S3Backend, type S3BackendOptions } from '../../../src/adapters/storage/s3/s3-backend.js';
import { backendOps, body, consume, destroyedSeen, put, recorder, refs, sha, total } from '../../helpers/s3-requests.js';
import { TestS3 } from '../../helpers/s3rver.js';

describe('S3 one pass on s3rver (a store that ignores the ETag condition)', () => {
  let s3: TestS3;
  before(async () => {
    s3 = await TestS3.start();
  });
  after(async () => {
    await s3?.stop();
  });

  async function setup(extra: Partial<S3BackendOptions> = {}) {
    const bucket = await s3.freshBucket();
    const backend = new S3Backend({ name: 'objects', bucket, ...s3.connection, ...extra });
    return { bucket, backend };
  }

  it('GETs each object once, records before any DeleteObjects, checks and probes by listing, never HEADs: at most 1.1 requests per destroyed object', async (t) => {
    const { bucket, backend } = await setup();
    t.after(() => backend.close());
    const keys = Array.from({ length: 120 }, (_, i) => `in/d${i % 3}/obj${String(i).padStart(3, '0')}`).sort();
    await mapLimit(keys, 16, (k) => put(s3, bucket, k, `content of ${k}`));
    await put(s3, bucket, 'held/h1', 'held');
    await put(s3, bucket, 'out/o1', 'out of scope');
    const session = await backend.openTarget({ prefixes: ['in/', 'held/'] }, [{ id: 'hold-1', reason: 'litigation', target: 'objects', match: { prefixes: ['held/'] } }]);
    const locators = [...keys.map((k) => `${k}#null`), 'held/h1#null', 'out/o1#null', 'in/never-was#null', 'no version id'];
    s3.resetCounts();
    const { record, calls } = recorder(s3);
    const out = await consume(session, locators, record);
    const ops = backendOps(s3);

    assert.equal(calls.length, 1, 'record() exactly once');
    const hashes = calls[0]!;
    assert.equal(hashes.length, locators.length);
    keys.forEach((k, i) => {
      const h = hashes[i]!;
      assert.ok(h.status === 'hashed' && h.sha256 === sha(`content of ${k}`), `${k}: ${JSON.stringify(h)}`);
      assert.deepEqual(out[i], { hash: h, destroy: destroyedSeen });
    });
    const n = keys.length;
    assert.deepEqual(out.slice(n).map((o) => o.hash.status), ['held', 'out-of-scope', 'absent', 'error']);
    assert.ok(out.slice(n).every((o) => o.destroy === undefined), 'no destroy outcome for what was not hashed');

    // GET: 120 objects and the one that never was; a listing before DeleteObjects and one after;
    // DeleteObjects: the conditional-delete check (one object) and the batch.
    assert.deepEqual(ops, { GetBucketVersioning: 1, GetObject: n + 1, ListObjects: 2, DeleteObjects: 2 });
    assert.ok(total(ops) / n <= 1.1, `${total(ops)} requests for ${n} objects`);
    assert.equal(backend.conditionalDeletes, 'ignored');

    for (const k of keys.slice(0, 3)) assert.equal(await body(s3, bucket, k), undefined);
    assert.equal(await body(s3, bucket, 'held/h1'), 'held');
    assert.equal(await body(s3, bucket, 'out/o1'), 'out of scope');
    s3.resetCounts();
    const probes = await session.probe(refs([...keys.map((k) => `${k}#null`), 'out/o1#null', 'in/never-was#null']));
    assert.ok(probes.slice(0, n).every((p) => p.status === 'absent'));
    assert.deepEqual(probes.slice(n), [{ status: 'present' }, { status: 'absent' }]);
    assert.equal(s3.operations('HeadObject'), 1, 'one HEAD: out/o1, alone under its prefix');
    assert.equal(s3.operations('ListObjects'), 1, 'one listing for the 121 keys under in/');
  });

  it('an object overwritten between the GET and the delete is found changed by the check, whether or not the store is known to ignore the condition, and keeps its new content', async (t) => {
    const { bucket, backend } = await setup();
    t.after(() => backend.close());
    // The store's own behaviour, which makes the check necessary: a wrong ETag does not stop its delete.
    await put(s3, bucket, 'probe/x', 'x');
    await s3.client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'probe/x', ETag: '"00000000000000000000000000000000"' }] } }));
    assert.equal(await body(s3, bucket, 'probe/x'), undefined, 's3rver deleted despite the wrong ETag');

    const session = await backend.openTarget({ prefixes: ['in/'] }, []);
    for (const round of ['unknown', 'ignored'] as const) {
      assert.equal(backend.conditionalDeletes, round);
      const k = (name: string) => `in/${round}/${name}`;
      for (const name of ['a', 'b', 'c', 'd']) await put(s3, bucket, k(name), `first ${name}`);
      s3.resetCounts();
      const { record } = recorder(s3, async () => {
        await put(s3, bucket, k('b'), 'other b'); // same size, other bytes
        await s3.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: k('d') }));
      });
      const out = await consume(session, ['a', 'b', 'c', 'd'].map((name) => `${k(name)}#null`), record);
      assert.deepEqual(out.map((o) => o.destroy), [destroyedSeen, { status: 'changed' }, destroyedSeen, { status: 'absent' }], round);
      assert.equal(await body(s3, bucket, k('b')), 'other b', 'the new content was not deleted');
      assert.equal(await body(s3, bucket, k('a')), undefined);
      assert.equal(s3.operations('HeadObject'), 0);
    }
  });

  it('a record() that throws deletes nothing, and consume throws that error', async (t) => {
    const { bucket, backend } = await setup();
    t.after(() => backend.close());
    const keys = ['in/a', 'in/b', 'in/c'];
    for (const k of keys) await put(s3, bucket, k, k);
    const session = await backend.openTarget({ prefixes: ['in/'] }, []);
    s3.resetCounts();
    const failure = new Error('redis went away');
    await assert.rejects(
      session.consume!(refs(keys.map((k) => `${k}#null`)), async () => {
        throw failure;
      }),
      (e: unknown) => e === failure,
    );
    assert.equal(s3.operations('DeleteObjects'), 0);
    for (const k of keys) assert.equal(await body(s3, bucket, k), k);
  });

  it('HEADs the keys a listing does not reach within one request per 10 keys (an excluded range between them)', async (t) => {
    const { bucket, backend } = await setup({ pageSize: 5 });
    t.after(() => backend.close());
    await put(s3, bucket, 'r/a', 'first');
    for (let i = 0; i < 12; i++) await put(s3, bucket, `r/m${String(i).padStart(2, '0')}`, 'excluded');
    await put(s3, bucket, 'r/z', 'last');
    const session = await backend.openTarget({ prefixes: ['r/'], exclude: ['r/m'] }, []);
    s3.resetCounts();
    const out = await consume(session, ['r/a#null', 'r/z#null'], recorder(s3).record);
    // One page of 5 before the delete (r/a, r/m00..r/m03): r/z is HEADed. After it: r/m00..r/m04, so r/z is left to the engine's probe.
    assert.deepEqual(out.map((o) => o.destroy), [destroyedSeen, { status: 'destroyed' }]);
    assert.equal(s3.operations('HeadObject'), 1);
    assert.equal(s3.operations('ListObjects'), 2);
    assert.deepEqual(await session.probe(refs(['r/a#null', 'r/z#null', 'r/m05#null'])), [{ status: 'absent' }, { status: 'absent' }, { status: 'present' }]);
    assert.equal(await body(s3, bucket, 'r/m11'), 'excluded');
  });
});
