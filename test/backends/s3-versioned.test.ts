// Versioned buckets: the paths s3rver cannot exercise (it has no versioning;
// see s3-backend.test.ts). A FAKE S3 command handler stands in for the store
// here, ONLY for these paths: it is installed on a real S3Client's middleware
// stack at the initialize step and answers GetBucketVersioning,
// ListObjects(Versions), Get/HeadObject and DeleteObjects from an in-memory
// version store, modelled on the S3 API reference (a plain delete in a
// versioned bucket adds a delete marker; a delete naming a VersionId removes
// that version for good; per-key DeleteObjects errors). What this does NOT
// prove: that a real versioned store (AWS, MinIO) answers exactly so: the
// request shapes, XML parsing and version-id pagination markers of a real
// server stay untested until the suite runs against MinIO or AWS.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { S3Client } from '@aws-sdk/client-s3';
import { S3Backend } from '../../src/backends/s3/s3-backend.js';
import type { S3TargetSession } from '../../src/backends/s3/target-session.js';
import type { HashOutcome, ListedObject, TargetSession } from '../../src/ports/storage-backend.js';

interface Entry {
  versionId: string;
  body?: Buffer;
  marker: boolean;
  lastModified: Date;
}

type Input = Record<string, unknown>;

function s3Error(code: string, status: number): Error {
  return Object.assign(new Error(code), { name: code, Code: code, $metadata: { httpStatusCode: status } });
}

class FakeVersionedS3 {
  versioning: 'Enabled' | 'Suspended' | undefined = 'Enabled';
  /** GetBucketVersioning answers NotImplemented, as s3rver-like stores do, whatever the store really does. */
  hideVersioning = false;
  readonly keys = new Map<string, Entry[]>(); // newest first
  readonly calls: Array<{ command: string; input: Input }> = [];
  readonly deleteErrors = new Map<string, string>(); // `${key}#${versionId}` -> S3 error code
  private seq = 0;

  put(key: string, body: string): string {
    const versionId = this.versioning === 'Enabled' ? `v${++this.seq}` : 'null';
    const list = (this.keys.get(key) ?? []).filter((e) => e.versionId !== versionId);
    list.unshift({ versionId, body: Buffer.from(body), marker: false, lastModified: new Date(Date.UTC(2026, 0, 1, 0, 0, this.seq)) });
    this.keys.set(key, list);
    return versionId;
  }

  addMarker(key: string): void {
    const list = this.keys.get(key) ?? [];
    list.unshift({ versionId: `m${++this.seq}`, marker: true, lastModified: new Date() });
    this.keys.set(key, list);
  }

  versionsOf(key: string): string[] {
    return (this.keys.get(key) ?? []).map((e) => (e.marker ? `marker:${e.versionId}` : e.versionId));
  }

  install(client: S3Client): void {
    client.middlewareStack.add(
      () => async (args) => {
        return { output: { $metadata: { httpStatusCode: 200 }, ...this.handle(String(args.input && (args as { commandName?: string }).commandName), args.input as Input) }, response: {} };
      },
      { step: 'initialize', name: 'fakeVersionedS3', priority: 'low' },
    );
    // The command name reaches the handler through the context: capture it at the same step, earlier.
    client.middlewareStack.add(
      (next, context) => async (args) => next({ ...args, commandName: context.commandName } as typeof args),
      { step: 'initialize', name: 'fakeCommandName', priority: 'high' },
    );
  }

  private find(key: string, versionId: string | undefined): Entry | undefined {
    const list = this.keys.get(key) ?? [];
    return versionId === undefined ? list[0] : list.find((e) => e.versionId === versionId);
  }

  private handle(command: string, input: Input): Record<string, unknown> {
    this.calls.push({ command, input });
    const key = input.Key as string;
    const versionId = input.VersionId as string | undefined;
    switch (command) {
      case 'GetBucketVersioningCommand':
        if (this.hideVersioning) throw s3Error('NotImplemented', 501);
        return this.versioning ? { Status: this.versioning } : {};
      case 'ListObjectsCommand':
        return { Contents: [], IsTruncated: false };
      case 'ListObjectVersionsCommand':
        return this.listVersions(input);
      case 'HeadObjectCommand':
      case 'GetObjectCommand': {
        const e = this.find(key, versionId);
        if (!e) throw s3Error(versionId ? 'NoSuchVersion' : 'NoSuchKey', 404);
        if (e.marker) throw s3Error(versionId ? 'MethodNotAllowed' : 'NoSuchKey', versionId ? 405 : 404);
        const facts = { ETag: `"${createHash('md5').update(e.body!).digest('hex')}"`, VersionId: e.versionId, ContentLength: e.body!.length, LastModified: e.lastModified };
        return command === 'GetObjectCommand' ? { ...facts, Body: Readable.from([e.body!.subarray(0, 3), e.body!.subarray(3)]) } : facts;
      }
      case 'DeleteObjectsCommand': {
        const objects = (input.Delete as { Objects: Array<{ Key: string; VersionId?: string }> }).Objects;
        assert.ok(objects.length <= 1000);
        const Deleted: unknown[] = [];
        const Errors: unknown[] = [];
        for (const o of objects) {
          const err = this.deleteErrors.get(`${o.Key}#${o.VersionId}`);
          if (err) {
            Errors.push({ Key: o.Key, VersionId: o.VersionId, Code: err, Message: `${err} (fake)` });
            continue;
          }
          if (o.VersionId === undefined && this.versioning) {
            this.addMarker(o.Key); // S3: a plain delete in a versioned bucket only adds a marker
            Deleted.push({ Key: o.Key, DeleteMarker: true, DeleteMarkerVersionId: `m${this.seq}` });
            continue;
          }
          const list = this.keys.get(o.Key) ?? [];
          const vid = o.VersionId ?? 'null';
          const gone = list.find((e) => e.versionId === vid);
          this.keys.set(o.Key, list.filter((e) => e.versionId !== vid));
          Deleted.push({ Key: o.Key, VersionId: o.VersionId, ...(gone?.marker ? { DeleteMarker: true, DeleteMarkerVersionId: vid } : {}) });
        }
        return { Deleted, Errors };
      }
      default:
        throw new Error(`the fake does not answer ${command}`);
    }
  }

  private listVersions(input: Input): Record<string, unknown> {
    const prefix = (input.Prefix as string) ?? '';
    const max = (input.MaxKeys as number) ?? 1000;
    const all = [...this.keys.keys()].filter((k) => k.startsWith(prefix)).sort().flatMap((k) => this.keys.get(k)!.map((e) => ({ k, e })));
    let start = 0;
    if (input.KeyMarker !== undefined) {
      const km = input.KeyMarker as string;
      const vm = input.VersionIdMarker as string | undefined;
      start = vm === undefined ? all.findIndex(({ k }) => k > km) : all.findIndex(({ k, e }) => k === km && e.versionId === vm) + 1;
      if (start < 0) start = all.length;
    }
    const page = all.slice(start, start + max);
    const truncated = start + max < all.length;
    const last = page[page.length - 1];
    return {
      Versions: page.filter(({ e }) => !e.marker).map(({ k, e }) => ({ Key: k, VersionId: e.versionId, Size: e.body!.length })),
      DeleteMarkers: page.filter(({ e }) => e.marker).map(({ k, e }) => ({ Key: k, VersionId: e.versionId })),
      IsTruncated: truncated,
      ...(truncated && last ? { NextKeyMarker: last.k, NextVersionIdMarker: last.e.versionId } : {}),
    };
  }
}

function setup(pageSize = 1000): { fake: FakeVersionedS3; backend: S3Backend; warnings: string[] } {
  const fake = new FakeVersionedS3();
  const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  fake.install(client);
  const warnings: string[] = [];
  const backend = new S3Backend({ name: 'objects', bucket: 'versioned', client, pageSize, onWarning: (w) => warnings.push(w) });
  return { fake, backend, warnings };
}

async function listAll(session: TargetSession): Promise<ListedObject[]> {
  const out: ListedObject[] = [];
  for await (const page of session.list()) out.push(...page);
  return out;
}

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
type Hashed = Extract<HashOutcome, { status: 'hashed' }>;

async function hashAndDestroy(session: TargetSession, locators: string[]) {
  const items = locators.map((locator) => ({ locator }));
  const hashes = (await session.hash(items)) as Hashed[];
  for (const h of hashes) assert.equal(h.status, 'hashed', JSON.stringify(h));
  const destroyed = await session.destroy(items.map((it, i) => ({ ...it, fingerprint: hashes[i]!.fingerprint })));
  return { hashes, destroyed };
}

describe('S3Backend on a versioned bucket (fake store: s3rver has no versioning)', () => {
  it('lists one item per version (not delete markers), newest first, across version-id pages', async () => {
    const { fake, backend } = setup(2);
    const v1 = fake.put('p/a', 'one');
    const v2 = fake.put('p/a', 'two!');
    fake.addMarker('p/a');
    const v3 = fake.put('p/a', 'three');
    const v4 = fake.put('p/b', 'bee');
    fake.put('q/c', 'out of scope');
    const session = await backend.openTarget({ prefixes: ['p/'] }, [{ id: 'h', reason: 'r', target: 'objects', match: { prefixes: ['p/b'] } }]);
    assert.deepEqual(await listAll(session), [
      { locator: `p/a#${v3}`, size: 5 },
      { locator: `p/a#${v2}`, size: 4 },
      { locator: `p/a#${v1}`, size: 3 },
      { locator: `p/b#${v4}`, size: 3, heldBy: 'h' },
    ]);
    assert.ok(fake.calls.filter((c) => c.command === 'ListObjectVersionsCommand').length >= 3, 'paginated by key and version-id markers');
  });

  it('hashes each version by its own content, destroys each by VersionId, then removes the orphaned delete markers', async () => {
    const { fake, backend, warnings } = setup();
    const v1 = fake.put('p/a', 'old content');
    fake.addMarker('p/a');
    const v2 = fake.put('p/a', 'new content!');
    const session = await backend.openTarget({ prefixes: ['p/'] }, []);
    const locators = (await listAll(session)).map((o) => o.locator);
    assert.deepEqual(locators, [`p/a#${v2}`, `p/a#${v1}`]);
    const { hashes, destroyed } = await hashAndDestroy(session, locators);
    assert.deepEqual(hashes.map((h) => h.sha256), [sha('new content!'), sha('old content')]);
    assert.deepEqual(hashes.map((h) => h.attributes?.versionId), [v2, v1]);
    assert.deepEqual(destroyed, [{ status: 'destroyed' }, { status: 'destroyed' }]);
    for (const c of fake.calls.filter((c) => c.command === 'DeleteObjectsCommand')) {
      for (const o of (c.input.Delete as { Objects: Array<{ VersionId?: string }> }).Objects) assert.ok(o.VersionId, 'never a plain delete: it would only add a marker');
    }
    assert.deepEqual(fake.versionsOf('p/a'), [], 'no version and no delete marker left');
    assert.deepEqual(await session.probe(locators.map((locator) => ({ locator }))), [{ status: 'absent' }, { status: 'absent' }]);
    assert.deepEqual(warnings, []);
  });

  it('keeps the delete markers of a key while one of its versions remains (held)', async () => {
    const { fake, backend } = setup();
    const v1 = fake.put('p/a', 'kept');
    fake.addMarker('p/a');
    const v2 = fake.put('p/a', 'goes');
    const session = await backend.openTarget({ prefixes: ['p/'] }, []);
    const { destroyed } = await hashAndDestroy(session, [`p/a#${v2}`]);
    assert.deepEqual(destroyed, [{ status: 'destroyed' }]);
    assert.deepEqual(fake.versionsOf('p/a'), ['marker:m2', v1]);
    assert.deepEqual(await session.probe([{ locator: `p/a#${v2}` }, { locator: `p/a#${v1}` }]), [{ status: 'absent' }, { status: 'present' }]);
  });

  it('maps per-key DeleteObjects errors: Object Lock / AccessDenied permanent with the S3 code, SlowDown transient', async () => {
    const { fake, backend } = setup();
    const locked = fake.put('p/locked', 'under object lock');
    const slow = fake.put('p/slow', 'throttled');
    const fine = fake.put('p/fine', 'goes');
    fake.deleteErrors.set(`p/locked#${locked}`, 'AccessDenied');
    fake.deleteErrors.set(`p/slow#${slow}`, 'SlowDown');
    const session = await backend.openTarget({ prefixes: ['p/'] }, []);
    const { destroyed } = await hashAndDestroy(session, [`p/locked#${locked}`, `p/slow#${slow}`, `p/fine#${fine}`]);
    assert.deepEqual(destroyed, [
      { status: 'error', code: 'AccessDenied', message: 'AccessDenied (fake)', transient: false },
      { status: 'error', code: 'SlowDown', message: 'SlowDown (fake)', transient: true },
      { status: 'destroyed' },
    ]);
    assert.deepEqual(fake.versionsOf('p/locked'), [locked]);
  });

  it('names the "null" version once a bucket turns versioning on mid-order, so a new version is never destroyed unhashed', async () => {
    const { fake, backend } = setup();
    fake.versioning = undefined;
    fake.put('p/a', 'written before versioning');
    const session = await backend.openTarget({ prefixes: ['p/'] }, []);
    assert.deepEqual((await listAll(session)).map((o) => o.locator), []); // the fake's ListObjects is empty; the locator is known: p/a#null
    const [h] = (await session.hash([{ locator: 'p/a#null' }])) as Hashed[];
    assert.equal(h!.sha256, sha('written before versioning'));
    fake.versioning = 'Enabled';
    const v2 = fake.put('p/a', 'written after');
    assert.deepEqual(await session.destroy([{ locator: 'p/a#null', fingerprint: h!.fingerprint }]), [{ status: 'destroyed' }]);
    assert.equal((session as S3TargetSession).versioning, 'versioned');
    assert.deepEqual(fake.versionsOf('p/a'), [v2], 'the null version went, the unhashed new one stayed');
    assert.deepEqual(await session.probe([{ locator: 'p/a#null' }]), [{ status: 'absent' }]);
  });

  it('treats a plain delete that only added a marker as a transient VERSIONING_CHANGED, never as destroyed', async () => {
    const { fake, backend } = setup();
    fake.versioning = undefined;
    fake.put('p/a', 'content');
    fake.hideVersioning = true; // the store hides its versioning state, then keeps versions anyway
    const session = await backend.openTarget({ prefixes: ['p/'] }, []);
    const [h] = (await session.hash([{ locator: 'p/a#null' }])) as Hashed[];
    fake.versioning = 'Enabled';
    const [d] = await session.destroy([{ locator: 'p/a#null', fingerprint: h!.fingerprint }]);
    assert.equal(d!.status === 'error' && d!.code === 'VERSIONING_CHANGED' && d!.transient, true, JSON.stringify(d));
    assert.equal((session as S3TargetSession).versioning, 'versioned');
    // The next round names the version, removes it and the marker the plain delete left.
    assert.deepEqual(await session.destroy([{ locator: 'p/a#null', fingerprint: h!.fingerprint }]), [{ status: 'destroyed' }]);
    assert.deepEqual(fake.versionsOf('p/a'), []);
  });
});
