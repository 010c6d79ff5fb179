// Versioned-bucket paths that NEITHER s3rver NOR moto can produce. Everything
// else about versioned buckets runs against moto's real S3 server in
// s3-moto-versioned.test.ts (versions, delete markers and their removal,
// version-id pagination, Object Lock errors, versioning turned on mid-order).
// Here a FAKE S3 command handler, installed on a real S3Client's middleware
// stack at the initialize step, answers from an in-memory version store
// modelled on the S3 API reference, for exactly these cases:
//
// 1. Per-key DeleteObjects errors as AWS writes them, with the VersionId, and
//    transient ones (SlowDown): moto answers only Object Lock refusals per key,
//    without a VersionId; s3rver answers none.
// 2. A version DeleteObjects answers neither deleted nor error for: no real
//    store we run does that; the backend must call it a transient NO_ANSWER.
// 3. A store whose GetBucketVersioning answers NotImplemented while it keeps
//    versions, so that a plain delete only adds a marker: moto always answers
//    the true state; s3rver answers NotImplemented but keeps no versions.
// 4. Destroying by version id in a Suspended bucket (the null version and
//    those kept from Enabled), in two passes and in one (consume): moto 5.2.6
//    answers HEAD ?versionId= there with 400 and deletes EVERY version of a
//    key for a DeleteObjects naming one (a PUT while Suspended also drops the
//    Enabled-era versions); s3rver has no versioning.
//    s3-moto-versioned.test.ts covers listing and hashing there.
// 5. A version listing without ETags: the one pass's check of a "null"
//    version falls back to a HEAD (the fake lists no ETag; S3 and moto do).
//
// What this does NOT prove: that a real store answers exactly so.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { S3Client } from '@aws-sdk/client-s3';
import { S3Backend } from '../../../src/adapters/storage/s3/s3-backend.js';
import type { S3TargetSession } from '../../../src/adapters/storage/s3/target-session.js';
import type { HashOutcome, ListedObject, RecordHashes, TargetSession } from '../../../src/app/ports/storage-backend.js';

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
  /** ListObjectVersions answers truncated with the same markers it was given, for ever (a broken store). */
  stuckListing = false;
  /** GetBucketVersioning answers NotImplemented, as s3rver-like stores do, whatever the store really does. */
  hideVersioning = false;
  readonly keys = new Map<string, Entry[]>(); // newest first
  readonly calls: Array<{ command: string; input: Input }> = [];
  /** `${key}#${versionId}` -> the S3 error code DeleteObjects answers for it, or 'SILENT' for no answer at all. */
  readonly deleteErrors = new Map<string, string>();
  private seq = 0;

  /** S3's PUT: a new version when Enabled; otherwise the key's "null" version is replaced, other versions stay. */
  put(key: string, body: string): string {
    const versionId = this.versioning === 'Enabled' ? `v${++this.seq}` : 'null';
    const list = (this.keys.get(key) ?? []).filter((e) => e.versionId !== versionId);
    list.unshift({ versionId, body: Buffer.from(body), marker: false, lastModified: new Date(Date.UTC(2026, 0, 1, 0, 0, ++this.seq)) });
    this.keys.set(key, list);
    return versionId;
  }

  addMarker(key: string): string {
    const versionId = this.versioning === 'Enabled' ? `m${++this.seq}` : 'null';
    const list = (this.keys.get(key) ?? []).filter((e) => e.versionId !== versionId);
    list.unshift({ versionId, marker: true, lastModified: new Date() });
    this.keys.set(key, list);
    return versionId;
  }

  versionsOf(key: string): string[] {
    return (this.keys.get(key) ?? []).map((e) => (e.marker ? `marker:${e.versionId}` : e.versionId));
  }

  deleteRequests(): Array<{ Key: string; VersionId?: string }> {
    return this.calls.filter((c) => c.command === 'DeleteObjectsCommand').flatMap((c) => (c.input.Delete as { Objects: Array<{ Key: string; VersionId?: string }> }).Objects);
  }

  install(client: S3Client): void {
    client.middlewareStack.add(
      () => async (args) => {
        return { output: { $metadata: { httpStatusCode: 200 }, ...this.handle(String((args as { commandName?: string }).commandName), args.input as Input) }, response: {} };
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
      case 'ListObjectsCommand': {
        // The current version of each key (none when it is a marker), after Marker, in one page.
        const after = (input.Marker as string | undefined) ?? '';
        const current = [...this.keys.keys()].filter((k) => k.startsWith((input.Prefix as string) ?? '') && k > after).sort().map((k) => ({ k, e: this.keys.get(k)![0] }));
        const Contents = current.filter(({ e }) => e && !e.marker).map(({ k, e }) => ({ Key: k, ETag: `"${createHash('md5').update(e!.body!).digest('hex')}"`, Size: e!.body!.length }));
        return { Contents, IsTruncated: false };
      }
      case 'ListObjectVersionsCommand': {
        if (this.stuckListing) {
          return { Versions: [], DeleteMarkers: [], IsTruncated: true, NextKeyMarker: (input.KeyMarker as string) ?? 'a', NextVersionIdMarker: (input.VersionIdMarker as string) ?? 'v' };
        }
        const all = [...this.keys.keys()].filter((k) => k.startsWith((input.Prefix as string) ?? '')).sort().flatMap((k) => this.keys.get(k)!.map((e) => ({ k, e })));
        return {
          Versions: all.filter(({ e }) => !e.marker).map(({ k, e }) => ({ Key: k, VersionId: e.versionId, Size: e.body!.length })),
          DeleteMarkers: all.filter(({ e }) => e.marker).map(({ k, e }) => ({ Key: k, VersionId: e.versionId })),
          IsTruncated: false,
        };
      }
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
          if (err === 'SILENT') continue;
          if (err) {
            Errors.push({ Key: o.Key, VersionId: o.VersionId, Code: err, Message: `${err} (fake)` });
            continue;
          }
          if (o.VersionId === undefined && this.versioning) {
            const marker = this.addMarker(o.Key); // S3: a plain delete in a versioned bucket only adds a marker
            Deleted.push({ Key: o.Key, DeleteMarker: true, DeleteMarkerVersionId: marker });
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
}

function setup(): { fake: FakeVersionedS3; backend: S3Backend; warnings: string[] } {
  const fake = new FakeVersionedS3();
  const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  fake.install(client);
  const warnings: string[] = [];
  const backend = new S3Backend({ name: 'objects', bucket: 'versioned', client, onWarning: (w) => warnings.push(w) });
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

describe('S3Backend on a versioned bucket (fake store: what neither s3rver nor moto produces)', () => {
  it('maps per-key DeleteObjects errors that name their VersionId: AccessDenied permanent with the S3 code, SlowDown transient', async () => {
    const { fake, backend } = setup();
    const locked = fake.put('p/locked', 'under object lock');
    const slow = fake.put('p/slow', 'throttled');
    const fine = fake.put('p/fine', 'goes');
    const alsoLocked = fake.put('p/locked', 'a newer version, also locked');
    fake.deleteErrors.set(`p/locked#${locked}`, 'AccessDenied');
    fake.deleteErrors.set(`p/locked#${alsoLocked}`, 'InvalidRequest');
    fake.deleteErrors.set(`p/slow#${slow}`, 'SlowDown');
    const session = await backend.openTarget({ prefixes: ['p/'] }, []);
    const { destroyed } = await hashAndDestroy(session, [`p/locked#${locked}`, `p/slow#${slow}`, `p/fine#${fine}`, `p/locked#${alsoLocked}`]);
    assert.deepEqual(destroyed, [
      { status: 'error', code: 'AccessDenied', message: 'AccessDenied (fake)', transient: false },
      { status: 'error', code: 'SlowDown', message: 'SlowDown (fake)', transient: true },
      { status: 'destroyed' },
      { status: 'error', code: 'InvalidRequest', message: 'InvalidRequest (fake)', transient: false },
    ]);
    assert.deepEqual(fake.versionsOf('p/locked'), [alsoLocked, locked]);
  });

  it('fails a version listing that answers truncated without advancing, instead of looping for ever', async () => {
    const { fake, backend } = setup();
    fake.put('p/a', 'x');
    fake.stuckListing = true;
    const session = await backend.openTarget({ prefixes: ['p/'] }, []);
    await assert.rejects(listAll(session), /a truncated version listing that does not advance/);
    await session.close();
  });

  it('calls a version that DeleteObjects leaves unanswered a transient NO_ANSWER, never destroyed', async () => {
    const { fake, backend } = setup();
    const silent = fake.put('p/a', 'no answer for this one');
    const fine = fake.put('p/b', 'goes');
    fake.deleteErrors.set(`p/a#${silent}`, 'SILENT');
    const session = await backend.openTarget({ prefixes: ['p/'] }, []);
    const { destroyed } = await hashAndDestroy(session, [`p/a#${silent}`, `p/b#${fine}`]);
    assert.equal(destroyed.length, 2);
    assert.ok(destroyed[0]?.status === 'error' && destroyed[0].code === 'NO_ANSWER' && destroyed[0].transient, JSON.stringify(destroyed[0]));
    assert.deepEqual(destroyed[1], { status: 'destroyed' });
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

  it('one pass: a plain delete that only added a marker is a transient VERSIONING_CHANGED; the next pass names the version and removes it and the marker', async () => {
    const { fake, backend } = setup();
    fake.versioning = undefined;
    fake.put('p/a', 'content');
    fake.put('p/b', 'content b');
    fake.hideVersioning = true; // the store hides its versioning state, then keeps versions anyway
    const session = await backend.openTarget({ prefixes: ['p/'] }, []);
    const record: RecordHashes = async () => {
      fake.versioning = 'Enabled';
    };
    const out = await session.consume!([{ locator: 'p/a#null' }, { locator: 'p/b#null' }], record);
    for (const o of out) assert.ok(o.destroy?.status === 'error' && o.destroy.code === 'VERSIONING_CHANGED' && o.destroy.transient, JSON.stringify(o.destroy));
    assert.equal((session as S3TargetSession).versioning, 'versioned');
    assert.deepEqual(fake.versionsOf('p/a').length, 2, 'the content is still there, under the marker the plain delete added');
    const again = await session.consume!([{ locator: 'p/a#null' }, { locator: 'p/b#null' }], async () => {});
    assert.deepEqual(again.map((o) => o.destroy), [{ status: 'destroyed', probed: 'absent' }, { status: 'destroyed', probed: 'absent' }]);
    assert.deepEqual([...fake.versionsOf('p/a'), ...fake.versionsOf('p/b')], []);
  });

  /** A Suspended bucket whose p/a has a null version from before versioning, one from Enabled and a marker; listed. */
  async function suspendedWithHistory() {
    const { fake, backend, warnings } = setup();
    fake.versioning = undefined;
    fake.put('p/a', 'from before versioning');
    fake.versioning = 'Enabled';
    const v2 = fake.put('p/a', 'enabled era');
    fake.addMarker('p/a');
    fake.versioning = 'Suspended';
    const session = await backend.openTarget({ prefixes: ['p/'] }, []);
    const locators = (await listAll(session)).map((o) => o.locator);
    assert.deepEqual(locators, [`p/a#${v2}`, 'p/a#null']);
    return { fake, warnings, session, locators };
  }

  it('Suspended, one pass: destroys the null version (checked by HEAD: this listing has no ETags) and the versions kept from Enabled, each by VersionId, then the markers', async () => {
    const { fake, warnings, session, locators } = await suspendedWithHistory();
    fake.calls.length = 0;
    let recorded: readonly HashOutcome[] = [];
    const out = await session.consume!(
      locators.map((locator) => ({ locator })),
      async (hashes) => void (recorded = hashes),
    );
    assert.deepEqual(recorded.map((h) => h.status === 'hashed' && h.sha256), [sha('enabled era'), sha('from before versioning')]);
    assert.deepEqual(out.map((o) => o.destroy?.status), ['destroyed', 'destroyed']);
    for (const o of fake.deleteRequests()) assert.ok(o.VersionId, 'never a plain delete: while Suspended it would overwrite the null version with a marker');
    const heads = fake.calls.filter((c) => c.command === 'HeadObjectCommand').map((c) => c.input.VersionId);
    assert.deepEqual(heads, ['null'], 'only the null version is checked, and by HEAD since the listing carries no ETag');
    assert.deepEqual(fake.versionsOf('p/a'), []);
    assert.deepEqual(warnings, []);
  });

  it('Suspended: destroys the null version and the versions kept from Enabled, each by VersionId, then the markers', async () => {
    const { fake, warnings, session, locators } = await suspendedWithHistory();
    const { hashes, destroyed } = await hashAndDestroy(session, locators);
    assert.deepEqual(hashes.map((h) => h.sha256), [sha('enabled era'), sha('from before versioning')]);
    assert.deepEqual(destroyed, [{ status: 'destroyed' }, { status: 'destroyed' }]);
    for (const o of fake.deleteRequests()) assert.ok(o.VersionId, 'never a plain delete: while Suspended it would overwrite the null version with a marker');
    assert.ok(fake.deleteRequests().some((o) => o.VersionId === 'null'), 'the null version is named as such');
    assert.deepEqual(fake.versionsOf('p/a'), []);
    assert.deepEqual(await session.probe(locators.map((locator) => ({ locator }))), [{ status: 'absent' }, { status: 'absent' }]);
    assert.deepEqual(warnings, []);
  });
});
