// Versioned buckets against moto's S3 server (test/helpers/moto-server.ts), a
// real S3Client and the real S3Backend: several versions of one key, delete
// markers, their removal after the last version, version-id pagination,
// DeleteObjects' word on keys that never existed, per-key Object Lock errors,
// Suspended buckets and versioning turned on mid-order. What moto cannot
// produce stays in s3-versioned.test.ts (fake command handler; its header says which).
//
// moto's default listing page is 3 here (S3's is 1000), so that the listings
// that name no MaxKeys (the delete-marker removal) page by version-id markers too.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DeleteObjectsCommand, PutObjectLegalHoldCommand, PutObjectRetentionCommand } from '@aws-sdk/client-s3';
import { deleteVersions } from '../../../src/adapters/storage/s3/delete-versions.js';
import { S3Backend } from '../../../src/adapters/storage/s3/s3-backend.js';
import type { S3TargetSession } from '../../../src/adapters/storage/s3/target-session.js';
import type { HashOutcome, ListedObject, TargetSession } from '../../../src/app/ports/storage-backend.js';
import { TestMoto, type BucketOptions } from '../../helpers/moto-server.js';

type Hashed = Extract<HashOutcome, { status: 'hashed' }>;

let moto: TestMoto;
before(async () => {
  moto = await TestMoto.start({ defaultMaxKeys: 3 });
});
after(async () => {
  await moto?.stop(); // undefined when start() failed: its error is the one to read
});

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

async function setup(bucketOptions: BucketOptions = { versioning: 'Enabled' }, pageSize = 1000) {
  const bucket = await moto.freshBucket(bucketOptions);
  const warnings: string[] = [];
  const backend = new S3Backend({ name: 'objects', bucket, ...moto.connection, pageSize, onWarning: (w) => warnings.push(w) });
  return { bucket, backend, warnings };
}

async function listAll(session: TargetSession): Promise<ListedObject[]> {
  const out: ListedObject[] = [];
  for await (const page of session.list()) out.push(...page);
  return out;
}

async function hashAll(session: TargetSession, locators: string[]): Promise<Hashed[]> {
  const hashes = await session.hash(locators.map((locator) => ({ locator })));
  hashes.forEach((h, i) => assert.equal(h.status, 'hashed', `${locators[i]}: ${JSON.stringify(h)}`));
  return hashes as Hashed[];
}

async function hashAndDestroy(session: TargetSession, locators: string[]) {
  const hashes = await hashAll(session, locators);
  const destroyed = await session.destroy(locators.map((locator, i) => ({ locator, fingerprint: hashes[i]!.fingerprint })));
  return { hashes, destroyed };
}

describe('S3Backend on a versioned bucket (moto)', () => {
  it('lists one item per version (not delete markers), newest first, across version-id pages that split a key', async (t) => {
    const { bucket, backend } = await setup({ versioning: 'Enabled' }, 2);
    t.after(() => backend.close());
    const a1 = await moto.put(bucket, 'p/a', 'one');
    const a2 = await moto.put(bucket, 'p/a', 'two!');
    await moto.addMarker(bucket, 'p/a');
    const a3 = await moto.put(bucket, 'p/a', 'three');
    const a4 = await moto.put(bucket, 'p/a', 'four');
    await moto.addMarker(bucket, 'p/a');
    await moto.addMarker(bucket, 'p/a'); // a first page of markers only: the listing must go on past it
    const b1 = await moto.put(bucket, 'p/b', 'bee');
    const b2 = await moto.put(bucket, 'p/b', 'bee two');
    await moto.put(bucket, 'q/c', 'out of scope');
    const session = await backend.openTarget({ prefixes: ['p/'] }, [{ id: 'h', reason: 'r', target: 'objects', match: { prefixes: ['p/b'] } }]);
    moto.resetCounts();
    assert.deepEqual(await listAll(session), [
      { locator: `p/a#${a4}`, size: 4 },
      { locator: `p/a#${a3}`, size: 5 },
      { locator: `p/a#${a2}`, size: 4 },
      { locator: `p/a#${a1}`, size: 3 },
      { locator: `p/b#${b2}`, size: 7, heldBy: 'h' },
      { locator: `p/b#${b1}`, size: 3, heldBy: 'h' },
    ]);
    assert.ok(moto.count('ListObjectVersions') >= 5, `9 entries in pages of 2: ${moto.count('ListObjectVersions')} ListObjectVersions requests`);
    assert.equal(moto.count('ListObjects'), 0, 'a versioned bucket is listed by version');
  });

  it('hashes each version by its own content, destroys each by VersionId, then removes the orphaned delete markers', async (t) => {
    const { bucket, backend, warnings } = await setup();
    t.after(() => backend.close());
    const v1 = await moto.put(bucket, 'p/a', 'old content');
    await moto.addMarker(bucket, 'p/a');
    const v2 = await moto.put(bucket, 'p/a', 'new content!');
    await moto.addMarker(bucket, 'p/a');
    const other = await moto.put(bucket, 'p/other', 'stays');
    const otherMarker = await moto.addMarker(bucket, 'p/other');
    const session = await backend.openTarget({ prefixes: ['p/a'] }, []);
    const locators = (await listAll(session)).map((o) => o.locator);
    assert.deepEqual(locators, [`p/a#${v2}`, `p/a#${v1}`]);
    const { hashes, destroyed } = await hashAndDestroy(session, locators);
    assert.deepEqual(hashes.map((h) => h.sha256), [sha('new content!'), sha('old content')]);
    assert.deepEqual(hashes.map((h) => h.attributes), [
      { versionId: v2, etag: `"${createHash('md5').update('new content!').digest('hex')}"` },
      { versionId: v1, etag: `"${createHash('md5').update('old content').digest('hex')}"` },
    ]);
    assert.deepEqual(destroyed, [{ status: 'destroyed' }, { status: 'destroyed' }]);
    assert.deepEqual(await moto.versionsIn(bucket, 'p/'), [`p/other#${other}`, `p/other#marker:${otherMarker}`], 'no version and no marker of p/a left; p/other untouched');
    assert.deepEqual(await session.probe(locators.map((locator) => ({ locator }))), [{ status: 'absent' }, { status: 'absent' }]);
    assert.deepEqual(warnings, []);
  });

  it('removes more delete markers than one listing page holds, and none of a longer key under the same prefix', async (t) => {
    const { bucket, backend, warnings } = await setup();
    t.after(() => backend.close());
    const v1 = await moto.put(bucket, 'p/a', 'the only version');
    for (let i = 0; i < 5; i++) await moto.addMarker(bucket, 'p/a');
    const longer = await moto.put(bucket, 'p/a2', 'a key that starts with p/a');
    const longerMarker = await moto.addMarker(bucket, 'p/a2');
    const session = await backend.openTarget({ prefixes: ['p/a'] }, [{ id: 'h', reason: 'r', target: 'objects', match: { prefixes: ['p/a2'] } }]);
    moto.resetCounts();
    assert.deepEqual((await hashAndDestroy(session, [`p/a#${v1}`])).destroyed, [{ status: 'destroyed' }]);
    assert.ok(moto.count('ListObjectVersions') >= 2, `the markers took several pages: ${moto.count('ListObjectVersions')}`);
    assert.deepEqual(await moto.versionsIn(bucket, 'p/'), [`p/a2#${longer}`, `p/a2#marker:${longerMarker}`]);
    assert.deepEqual(warnings, []);
  });

  it('keeps the delete markers of a key while one of its versions remains', async (t) => {
    const { bucket, backend } = await setup();
    t.after(() => backend.close());
    const v1 = await moto.put(bucket, 'p/a', 'kept');
    const marker = await moto.addMarker(bucket, 'p/a');
    const v2 = await moto.put(bucket, 'p/a', 'goes');
    const session = await backend.openTarget({ prefixes: ['p/'] }, []);
    assert.deepEqual((await hashAndDestroy(session, [`p/a#${v2}`])).destroyed, [{ status: 'destroyed' }]);
    assert.deepEqual(await moto.versionsIn(bucket, 'p/'), [`p/a#${v1}`, `p/a#marker:${marker}`].sort());
    assert.deepEqual(await session.probe([{ locator: `p/a#${v2}` }, { locator: `p/a#${v1}` }]), [{ status: 'absent' }, { status: 'present' }]);
  });

  it("answers 'absent' for versions that never existed, though moto's DeleteObjects reports them deleted", async (t) => {
    const { bucket, backend } = await setup();
    t.after(() => backend.close());
    const real = await moto.put(bucket, 'p/real', 'x');
    // The store's own word, which the backend must not take:
    const r = await moto.client.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'p/never', VersionId: 'f00' }, { Key: 'p/real', VersionId: 'not-a-version' }] } }),
    );
    assert.deepEqual(r.Deleted?.map((d) => `${d.Key}#${d.VersionId}`), ['p/never#f00', 'p/real#not-a-version']);
    assert.deepEqual(r.Errors ?? [], []);
    const session = await backend.openTarget({ prefixes: ['p/'] }, []);
    const fingerprint = JSON.stringify(['"d41d8cd98f00b204e9800998ecf8427e"', 'f00', 0, '2020-01-01T00:00:00.000Z']);
    moto.resetCounts();
    const items = ['p/never#f00', 'p/real#not-a-version', 'p/never#null'].map((locator) => ({ locator, fingerprint }));
    assert.deepEqual(await session.destroy(items), [{ status: 'absent' }, { status: 'absent' }, { status: 'absent' }]);
    assert.equal(moto.operations('DeleteObjects'), 0, 'nothing to delete: no DeleteObjects sent');
    assert.deepEqual(await session.hash(items.map(({ locator }) => ({ locator }))), [{ status: 'absent' }, { status: 'absent' }, { status: 'absent' }]);
    assert.deepEqual(await moto.versionsIn(bucket, 'p/'), [`p/real#${real}`]);
  });

  // moto's per-key errors carry no VersionId (S3's do): the backend matches them to the versions of the key left without an answer.
  it('maps per-key Object Lock refusals (legal hold, compliance and governance retention) to permanent AccessDenied, and destroys the rest', async (t) => {
    const { bucket, backend, warnings } = await setup({ objectLock: true });
    t.after(() => backend.close());
    const held = await moto.put(bucket, 'p/a', 'under legal hold');
    const free = await moto.put(bucket, 'p/a', 'free to go');
    const held2 = await moto.put(bucket, 'p/a', 'under legal hold too');
    const compliance = await moto.put(bucket, 'p/c', 'compliance retention');
    const governance = await moto.put(bucket, 'p/g', 'governance retention: never bypassed');
    const fine = await moto.put(bucket, 'p/z', 'goes');
    for (const VersionId of [held, held2]) await moto.client.send(new PutObjectLegalHoldCommand({ Bucket: bucket, Key: 'p/a', VersionId, LegalHold: { Status: 'ON' } }));
    const RetainUntilDate = new Date(Date.now() + 3_600_000);
    for (const [Key, VersionId, Mode] of [['p/c', compliance, 'COMPLIANCE'], ['p/g', governance, 'GOVERNANCE']] as const) {
      await moto.client.send(new PutObjectRetentionCommand({ Bucket: bucket, Key, VersionId, Retention: { Mode, RetainUntilDate } }));
    }
    const session = await backend.openTarget({ prefixes: ['p/'] }, []);
    const locators = [`p/a#${held}`, `p/a#${free}`, `p/a#${held2}`, `p/c#${compliance}`, `p/g#${governance}`, `p/z#${fine}`];
    moto.resetCounts();
    const { destroyed } = await hashAndDestroy(session, locators);
    assert.equal(moto.operations('DeleteObjects'), 1, 'one request for all the versions');
    const refused = 'AccessDenied/false';
    assert.deepEqual(destroyed.map((d) => (d.status === 'error' ? `${d.code}/${d.transient}` : d.status)), [refused, 'destroyed', refused, refused, refused, 'destroyed']);
    for (const d of destroyed) if (d.status === 'error') assert.match(d.message, /object lock/i, "the reason is the store's message");
    assert.deepEqual(await moto.versionsIn(bucket, 'p/'), [`p/a#${held}`, `p/a#${held2}`, `p/c#${compliance}`, `p/g#${governance}`].sort());
    const probes = await session.probe(locators.map((locator) => ({ locator })));
    assert.deepEqual(probes.map((p) => p.status), ['present', 'absent', 'present', 'present', 'present', 'absent']);
    assert.deepEqual(warnings, []);
  });

  it('a plain delete in a versioned bucket only adds a marker: DeleteObjects answers it as marker-added, never deleted', async () => {
    const bucket = await moto.freshBucket({ versioning: 'Enabled' });
    const v1 = await moto.put(bucket, 'p/a', 'content');
    const ctx = { client: moto.client, bucket, mode: 'unversioned' as const }; // what a session believes before it re-reads the state
    assert.deepEqual(await deleteVersions(ctx, [{ key: 'p/a', versionId: 'null' }]), [{ status: 'marker-added' }]);
    const kept = await moto.versionsIn(bucket, 'p/');
    assert.equal(kept.length, 2);
    assert.ok(kept.includes(`p/a#${v1}`), 'the content is still there');
  });
});

describe('S3Backend when versioning changes (moto)', () => {
  it('names the "null" version once the bucket turns versioning on mid-order, so a new version is never destroyed unhashed', async (t) => {
    const { bucket, backend } = await setup({});
    t.after(() => backend.close());
    await moto.put(bucket, 'p/a', 'written before versioning');
    const session = await backend.openTarget({ prefixes: ['p/'] }, []);
    assert.equal((session as S3TargetSession).versioning, 'unversioned');
    assert.deepEqual((await listAll(session)).map((o) => o.locator), ['p/a#null']);
    const [h] = await hashAll(session, ['p/a#null']);
    assert.equal(h!.sha256, sha('written before versioning'));
    await moto.setVersioning(bucket, 'Enabled');
    const v2 = await moto.put(bucket, 'p/a', 'written after');
    assert.deepEqual(await session.destroy([{ locator: 'p/a#null', fingerprint: h!.fingerprint }]), [{ status: 'destroyed' }]);
    assert.equal((session as S3TargetSession).versioning, 'versioned');
    assert.deepEqual(await moto.versionsIn(bucket, 'p/'), [`p/a#${v2}`], 'the null version went, the unhashed new one stayed');
    assert.deepEqual(await session.probe([{ locator: 'p/a#null' }, { locator: `p/a#${v2}` }]), [{ status: 'absent' }, { status: 'present' }]);
  });

  it('a hash of `#null` that meets a real version is VERSIONING_CHANGED (transient); the next round reads the null version by id', async (t) => {
    const { bucket, backend } = await setup({});
    t.after(() => backend.close());
    await moto.put(bucket, 'p/a', 'the null version');
    const session = await backend.openTarget({ prefixes: ['p/'] }, []);
    await moto.setVersioning(bucket, 'Enabled');
    await moto.put(bucket, 'p/a', 'a newer version');
    const [first] = await session.hash([{ locator: 'p/a#null' }]);
    assert.ok(first?.status === 'error' && first.code === 'VERSIONING_CHANGED' && first.transient, JSON.stringify(first));
    assert.equal((session as S3TargetSession).versioning, 'versioned');
    const [again] = await hashAll(session, ['p/a#null']);
    assert.equal(again!.sha256, sha('the null version'));
  });

  it('Suspended: lists and hashes the null version and the versions kept from Enabled, by version id', async (t) => {
    const { bucket, backend } = await setup({});
    t.after(() => backend.close());
    await moto.put(bucket, 'p/a', 'null, from before versioning');
    await moto.setVersioning(bucket, 'Enabled');
    const a2 = await moto.put(bucket, 'p/a', 'enabled era');
    await moto.setVersioning(bucket, 'Suspended');
    assert.equal(await moto.put(bucket, 'p/b', 'written while suspended'), 'null');
    const session = await backend.openTarget({ prefixes: ['p/'] }, []);
    assert.equal((session as S3TargetSession).versioning, 'versioned', 'Suspended still keeps the versions written before');
    const locators = (await listAll(session)).map((o) => o.locator);
    assert.deepEqual(locators, [`p/a#${a2}`, 'p/a#null', 'p/b#null']);
    const hashes = await hashAll(session, locators);
    assert.deepEqual(hashes.map((h) => h.sha256), [sha('enabled era'), sha('null, from before versioning'), sha('written while suspended')]);
    assert.deepEqual(hashes.map((h) => h.attributes?.versionId), [a2, 'null', 'null']);
    // moto 5.2.6 answers HEAD ?versionId= in a Suspended bucket with 400 (S3 does not): the
    // backend must then refuse per item and delete nothing. (The destroy itself: s3-versioned.test.ts.)
    const destroyed = await session.destroy(locators.map((locator, i) => ({ locator, fingerprint: hashes[i]!.fingerprint })));
    for (const d of destroyed) assert.ok(d.status === 'error' && !d.transient, JSON.stringify(d));
    assert.deepEqual(await moto.versionsIn(bucket, 'p/'), [`p/a#${a2}`, 'p/a#null', 'p/b#null'].sort());
  });
});
