// The S3 backend's one pass (TargetSession.consume, src/adapters/storage/s3/one-pass.ts)
// on moto 5.2.6, with the requests counted at the store. moto honours the ETag
// condition of DeleteObjects (PreconditionFailed, NoSuchKey per key) and keeps
// versions: conditional deletes in an unversioned bucket, deletes by version
// id with no check in a versioned one. s3rver, which ignores the condition:
// s3-one-pass.test.ts. The writes "between the GET and the delete" are real
// requests made from inside the engine's record callback.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DeleteObjectCommand, HeadObjectCommand, PutObjectLegalHoldCommand } from '@aws-sdk/client-s3';
import { mapLimit } from '../../../src/adapters/storage/s3/map-limit.js';
import { S3Backend } from '../../../src/adapters/storage/s3/s3-backend.js';
import { TestMoto } from '../../helpers/moto-server.js';
import { backendOps, body, consume, destroyedSeen, put, recorder, refs, sha, total } from '../../helpers/s3-requests.js';

describe('S3 one pass on moto (a store that honours the ETag condition, and keeps versions)', () => {
  let moto: TestMoto;
  before(async () => {
    moto = await TestMoto.start();
  });
  after(async () => {
    await moto?.stop(); // undefined when start() failed: its error is the one to read
  });

  it('unversioned: learns that the store honours conditional deletes, then deletes on the ETag with no check first; the store refuses an overwritten object and finds a removed one missing', async (t) => {
    const bucket = await moto.freshBucket();
    const backend = new S3Backend({ name: 'objects', bucket, ...moto.connection });
    t.after(() => backend.close());
    const session = await backend.openTarget({ prefixes: ['in/'] }, []);
    for (const k of ['in/first/a', 'in/first/b']) await put(moto, bucket, k, k);
    moto.resetCounts();
    let out = await consume(session, ['in/first/a#null', 'in/first/b#null'], recorder(moto).record);
    assert.deepEqual(out.map((o) => o.destroy), [destroyedSeen, destroyedSeen]);
    assert.equal(backend.conditionalDeletes, 'honoured');
    assert.deepEqual(backendOps(moto), { GetBucketVersioning: 1, GetObject: 2, ListObjects: 2, DeleteObjects: 2 }, 'a check, the condition tried on one object, then the batch');

    const keys = Array.from({ length: 100 }, (_, i) => `in/second/${String(i).padStart(3, '0')}`);
    await mapLimit(keys, 8, (k) => put(moto, bucket, k, `v1 ${k}`));
    moto.resetCounts();
    const { record } = recorder(moto, async () => {
      await put(moto, bucket, keys[5]!, `v2 ${keys[5]!}`); // same size
      await moto.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: keys[6]! }));
    });
    out = await consume(session, keys.map((k) => `${k}#null`), record);
    const ops = backendOps(moto);
    assert.deepEqual(ops, { GetBucketVersioning: 1, GetObject: 100, DeleteObjects: 1, ListObjects: 1 }, 'no check before the delete: only the probe lists');
    assert.ok(total(ops) / 98 <= 1.1, `${total(ops)} requests for 98 destroyed objects`);
    out.forEach((o, i) => assert.deepEqual(o.destroy, i === 5 ? { status: 'changed' } : i === 6 ? { status: 'absent' } : destroyedSeen, keys[i]));
    assert.equal(await body(moto, bucket, keys[5]!), `v2 ${keys[5]!}`);
    assert.deepEqual(await moto.versionsIn(bucket, 'in/'), [`${keys[5]!}#null`]);
  });

  it('versioned: GETs and deletes each version by its id with no HEAD and no check, removes the markers of emptied keys; at most 1.1 requests per version', async (t) => {
    const bucket = await moto.freshBucket({ versioning: 'Enabled' });
    const backend = new S3Backend({ name: 'objects', bucket, ...moto.connection });
    t.after(() => backend.close());
    const keys = Array.from({ length: 15 }, (_, i) => `p/k${String(i).padStart(2, '0')}`);
    const contents = new Map<string, string>();
    for (const k of keys) {
      for (let v = 0; v < 3; v++) {
        const text = `${k} version ${v}`;
        contents.set(`${k}#${await moto.put(bucket, k, text)}`, text);
        if (v === 1 && k === keys[0]) await moto.addMarker(bucket, k);
      }
    }
    const held = await moto.put(bucket, 'p/held', 'held');
    const session = await backend.openTarget({ prefixes: ['p/'] }, [{ id: 'h', reason: 'r', target: 'objects', match: { prefixes: ['p/held'] } }]);
    const locators = [...contents.keys()];
    moto.resetCounts();
    const { record, calls } = recorder(moto);
    const out = await consume(session, [...locators, `p/held#${held}`], record);
    const ops = backendOps(moto);
    assert.deepEqual(
      calls[0]!.slice(0, -1).map((h) => (h.status === 'hashed' ? h.sha256 : h.status)),
      locators.map((l) => sha(contents.get(l)!)),
    );
    assert.deepEqual(calls[0]!.at(-1), { status: 'held', holdId: 'h' });
    assert.ok(out.slice(0, -1).every((o) => o.destroy?.status === 'destroyed' && o.destroy.probed === 'absent'));
    assert.deepEqual(await moto.versionsIn(bucket, 'p/'), [`p/held#${held}`], 'every version and the marker of p/k00 gone; the held key untouched');
    // GETs by version id, one DeleteObjects for the versions and one for the marker, one listing after.
    assert.deepEqual(ops, { GetObject: 45, DeleteObjects: 2, ListObjectVersions: 1 });
    assert.ok(total(ops) / 45 <= 1.1, `${total(ops)} requests for 45 versions`);
  });

  it('versioned: a version written between the GET and the delete stays, the one hashed is destroyed, and the key keeps its markers', async (t) => {
    const bucket = await moto.freshBucket({ versioning: 'Enabled' });
    const backend = new S3Backend({ name: 'objects', bucket, ...moto.connection });
    t.after(() => backend.close());
    const v1 = await moto.put(bucket, 'p/a', 'hashed');
    const marker = await moto.addMarker(bucket, 'p/a');
    const v2 = await moto.put(bucket, 'p/a', 'was there');
    const session = await backend.openTarget({ prefixes: ['p/'] }, []);
    moto.resetCounts();
    let v3 = '';
    const out = await consume(
      session,
      [`p/a#${v1}`, `p/a#${v2}`],
      recorder(moto, async () => {
        v3 = await moto.put(bucket, 'p/a', 'written meanwhile');
      }).record,
    );
    assert.deepEqual(out.map((o) => o.destroy), [destroyedSeen, destroyedSeen]);
    assert.deepEqual(await moto.versionsIn(bucket, 'p/'), [`p/a#${v3}`, `p/a#marker:${marker}`].sort());
    assert.deepEqual(await session.probe(refs([`p/a#${v1}`, `p/a#${v3}`])), [{ status: 'absent' }, { status: 'present' }]);
  });

  it('versioned probe: a key whose versions run past the last page a listing may take is HEADed, never called absent for the versions it did not see', async (t) => {
    const bucket = await moto.freshBucket({ versioning: 'Enabled' });
    const backend = new S3Backend({ name: 'objects', bucket, ...moto.connection, pageSize: 6 });
    t.after(() => backend.close());
    const locators: string[] = [];
    for (const k of ['p/a', 'p/b']) for (let v = 0; v < 4; v++) locators.push(`${k}#${await moto.put(bucket, k, `${k} ${v}`)}`);
    const session = await backend.openTarget({ prefixes: ['p/'] }, []);
    moto.resetCounts();
    // 8 versions: one listing request of 6 entries (p/a's 4, p/b's newest 2, NextKeyMarker p/b): p/a is covered, p/b is not.
    assert.deepEqual(await session.probe(refs(locators)), locators.map(() => ({ status: 'present' })));
    assert.deepEqual(backendOps(moto), { ListObjectVersions: 1, HeadObject: 4 });
  });

  it('versioned: per-key Object Lock refusals stay exceptions in the one pass (moto names no VersionId in them), and the rest is destroyed', async (t) => {
    const bucket = await moto.freshBucket({ objectLock: true });
    const backend = new S3Backend({ name: 'objects', bucket, ...moto.connection });
    t.after(() => backend.close());
    const locked = await moto.put(bucket, 'p/a', 'under legal hold');
    const free = await moto.put(bucket, 'p/a', 'free to go');
    const other = await moto.put(bucket, 'p/b', 'goes too');
    await moto.client.send(new PutObjectLegalHoldCommand({ Bucket: bucket, Key: 'p/a', VersionId: locked, LegalHold: { Status: 'ON' } }));
    const session = await backend.openTarget({ prefixes: ['p/'] }, []);
    const out = await consume(session, [`p/a#${locked}`, `p/a#${free}`, `p/b#${other}`], async () => {});
    const [refused, ...rest] = out.map((o) => o.destroy);
    assert.ok(refused?.status === 'error' && refused.code === 'AccessDenied' && !refused.transient, JSON.stringify(refused));
    assert.deepEqual(rest, [destroyedSeen, destroyedSeen]);
    assert.deepEqual(await moto.versionsIn(bucket, 'p/'), [`p/a#${locked}`]);
  });

  it('versioned: the "null" version from before versioning is checked by listing right before its delete (a PUT while Suspended would replace it in place)', async (t) => {
    const bucket = await moto.freshBucket();
    const backend = new S3Backend({ name: 'objects', bucket, ...moto.connection });
    t.after(() => backend.close());
    await moto.put(bucket, 'p/n', 'from before versioning');
    await moto.put(bucket, 'p/m', 'also from before');
    await moto.setVersioning(bucket, 'Enabled');
    const newer = await moto.put(bucket, 'p/n', 'a newer version');
    const session = await backend.openTarget({ prefixes: ['p/'] }, []);
    moto.resetCounts();
    const out = await consume(session, ['p/n#null', 'p/m#null'], recorder(moto).record);
    assert.deepEqual(out.map((o) => o.hash.status === 'hashed' && o.hash.sha256), [sha('from before versioning'), sha('also from before')]);
    assert.deepEqual(out.map((o) => o.destroy), [destroyedSeen, destroyedSeen]);
    assert.deepEqual(backendOps(moto), { GetObject: 2, ListObjectVersions: 2, DeleteObjects: 1 }, 'the session knows the bucket keeps versions: no GetBucketVersioning');
    assert.deepEqual(await moto.versionsIn(bucket, 'p/'), [`p/n#${newer}`]);
    await assert.rejects(moto.client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'p/m' })), (e: unknown) => (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404);
  });
});
