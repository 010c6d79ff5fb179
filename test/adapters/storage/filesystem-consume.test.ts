// FilesystemBackend.consume() on real files: one thread pass hashes and keeps
// each file's identity, record() makes the hashes durable, a second pass
// unlinks what is still exactly the file hashed and looks again. Every way a
// file can change between the two passes is tried inside record(), which is
// where the window is.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  linkSync,
  lstatSync,
  readFileSync,
  renameSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import type { ConfineMode } from '../../../src/adapters/storage/filesystem/confine.js';
import { FilesystemBackend, type FilesystemBackendOptions } from '../../../src/adapters/storage/filesystem/filesystem-backend.js';
import type { ConsumeOutcome, HashOutcome, HoldSpec, ObjectRef, RecordHashes, TargetSession } from '../../../src/app/ports/storage-backend.js';
import { put, SECRET, sha256, tree } from '../../helpers/fs-tree.js';

const refs = (...locators: string[]): ObjectRef[] => locators.map((locator) => ({ locator }));
const hold = (id: string, include: string[]): HoldSpec => ({ id, reason: 'litigation', target: 'files', match: { include } });

async function open(
  t: TestContext,
  root: string,
  scope: unknown = { include: ['**'], allowAll: true },
  holds: HoldSpec[] = [],
  options: Partial<FilesystemBackendOptions> = {},
): Promise<TargetSession> {
  const backend = new FilesystemBackend({ name: 'files', root, threads: 2, ...options });
  t.after(() => backend.close());
  return backend.openTarget(scope, holds);
}

/** consume() with a record() that keeps what it was given and runs `during` (the window between the passes). */
async function consume(session: TargetSession, items: ObjectRef[], during: () => void | Promise<void> = () => undefined): Promise<{ out: ConsumeOutcome[]; recorded: HashOutcome[][] }> {
  const recorded: HashOutcome[][] = [];
  const record: RecordHashes = async (hashes) => {
    recorded.push([...hashes]);
    await during();
  };
  const out = await session.consume!(items, record);
  return { out, recorded };
}

const status = (o: { status: string; code?: string } | undefined): string | undefined => (o?.status === 'error' ? o.code : o?.status);

describe('FilesystemBackend.consume', () => {
  it('records every hash while every file is still there, then unlinks and finds each gone (probed: absent)', async (t) => {
    const { root } = tree(t, 'shredproof-consume-');
    const names = ['a/1.jpg', 'a/2.jpg', 'b/empty', 'c/ü n i.txt'];
    const paths = names.map((n) => put(root, n, n === 'b/empty' ? '' : `content of ${n}`));
    const session = await open(t, root);
    // Recording takes a while (a Redis round trip): nothing may be unlinked until it is done.
    const { out, recorded } = await consume(session, refs(...names), async () => {
      await new Promise((r) => setTimeout(r, 100));
      for (const p of paths) assert.ok(existsSync(p), `${p} unlinked before its hash was recorded`);
    });
    assert.equal(recorded.length, 1, 'record is called exactly once');
    names.forEach((n, i) => {
      const h = recorded[0]![i]!;
      assert.equal(h.status, 'hashed', JSON.stringify(h));
      if (h.status !== 'hashed') return;
      assert.equal(h.sha256, sha256(n === 'b/empty' ? '' : `content of ${n}`), n);
      assert.match(h.fingerprint, /^\d+:\d+:\d+:-?\d+$/, 'the fingerprint is dev:ino:size:mtimeNs, as hash() gives it');
      assert.equal(Object.keys(h).includes('identity'), false, 'what identifies the file stays in the worker');
      assert.deepEqual(out[i], { hash: h, destroy: { status: 'destroyed', probed: 'absent' } });
    });
    for (const p of paths) assert.equal(existsSync(p), false);
    assert.ok(existsSync(join(root, 'a')), 'directories are left to tidy()');
  });

  it('hashes every size right, on both sides of the 1 MiB read buffer (read whole, or streamed)', async (t) => {
    const { root } = tree(t, 'shredproof-consume-');
    const sizes = [0, 1, 4096, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 17];
    const contents = sizes.map((n) => randomBytes(n));
    contents.forEach((c, i) => put(root, `s${i}`, c));
    const session = await open(t, root);
    const { out } = await consume(session, refs(...sizes.map((_, i) => `s${i}`)));
    out.forEach((o, i) => {
      assert.deepEqual(o.hash.status === 'hashed' && [o.hash.sha256, o.hash.size], [sha256(contents[i]!), sizes[i]], `size ${sizes[i]}`);
      assert.deepEqual(o.destroy, { status: 'destroyed', probed: 'absent' });
    });
  });

  it('unlinks nothing when record() throws, and rethrows its error', async (t) => {
    const { root } = tree(t, 'shredproof-consume-');
    const paths = ['x', 'y/z'].map((n) => put(root, n));
    const session = await open(t, root);
    const boom = new Error('the intents could not be written');
    let calls = 0;
    await assert.rejects(
      session.consume!(refs('x', 'y/z'), async () => {
        calls++;
        throw boom;
      }),
      (e: unknown) => e === boom,
    );
    assert.equal(calls, 1);
    for (const p of paths) assert.equal(readFileSync(p, 'utf8'), p.slice(root.length + 1));
  });

  it('leaves a file replaced between the passes (same path, same bytes and mtime, new inode) and reports it changed', async (t) => {
    const { root } = tree(t, 'shredproof-consume-');
    const path = put(root, 'f', 'original bytes');
    const when = new Date('2024-03-01T12:00:00.123Z');
    utimesSync(path, when, when);
    const before = lstatSync(path, { bigint: true });
    const session = await open(t, root);
    const { out, recorded } = await consume(session, refs('f'), () => {
      put(root, 'f.new', 'original bytes');
      utimesSync(join(root, 'f.new'), when, when);
      renameSync(join(root, 'f.new'), path);
    });
    const now = lstatSync(path, { bigint: true });
    assert.notEqual(now.ino, before.ino);
    assert.deepEqual([now.size, now.mtimeNs], [before.size, before.mtimeNs], 'only the inode (and ctime) tell');
    assert.equal(recorded[0]![0]!.status, 'hashed');
    assert.deepEqual(out[0]!.destroy, { status: 'changed' });
    assert.equal(readFileSync(path, 'utf8'), 'original bytes');
    assert.equal(lstatSync(path).ino, Number(now.ino), 'the replacement is untouched');
  });

  it('leaves a file appended to between the passes, with what was appended', async (t) => {
    const { root } = tree(t, 'shredproof-consume-');
    const path = put(root, 'log', 'line 1\n');
    const session = await open(t, root);
    const { out } = await consume(session, refs('log'), () => appendFileSync(path, 'line 2\n'));
    assert.deepEqual(out[0]!.destroy, { status: 'changed' });
    assert.equal(readFileSync(path, 'utf8'), 'line 1\nline 2\n');
  });

  it('leaves a file rewritten in place with its old size and mtime put back (only ctime tells)', async (t) => {
    const { root } = tree(t, 'shredproof-consume-');
    const path = put(root, 'doc', 'version 1');
    const when = new Date('2023-07-14T08:30:00.456Z');
    utimesSync(path, when, when);
    const before = lstatSync(path, { bigint: true });
    const session = await open(t, root);
    const { out } = await consume(session, refs('doc'), async () => {
      await new Promise((r) => setTimeout(r, 20)); // past the clock's tick: ctime moves
      writeFileSync(path, 'VERSION 2');
      utimesSync(path, when, when);
    });
    const now = lstatSync(path, { bigint: true });
    assert.deepEqual([now.ino, now.size, now.mtimeNs], [before.ino, before.size, before.mtimeNs], 'the fingerprint alone would not tell');
    assert.notEqual(now.ctimeNs, before.ctimeNs);
    assert.deepEqual(out[0]!.destroy, { status: 'changed' });
    assert.equal(readFileSync(path, 'utf8'), 'VERSION 2');
  });

  it('leaves a file that gained a hard link between the passes, under both names', async (t) => {
    const { root } = tree(t, 'shredproof-consume-');
    const path = put(root, 'shared', 'content');
    const session = await open(t, root);
    const { out } = await consume(session, refs('shared'), () => linkSync(path, join(root, 'other-name')));
    assert.ok(['changed', 'HARDLINKED'].includes(status(out[0]!.destroy)!), JSON.stringify(out[0]));
    assert.equal(readFileSync(path, 'utf8'), 'content');
    assert.equal(readFileSync(join(root, 'other-name'), 'utf8'), 'content');
  });

  it('refuses held and out-of-scope files before hashing, and gives them no destroy outcome', async (t) => {
    const { root } = tree(t, 'shredproof-consume-');
    const held = put(root, 'photos/2019/held.jpg', 'keep me');
    const excluded = put(root, 'photos/keep/k.jpg', 'excluded');
    const other = put(root, 'other/o.jpg', 'not in the order');
    const free = put(root, 'photos/2020/free.jpg', 'free');
    const session = await open(t, root, { include: ['photos/**'], exclude: ['photos/keep/**'] }, [hold('lit-7', ['photos/2019/**'])]);
    const { out, recorded } = await consume(session, refs('photos/2019/held.jpg', 'photos/keep/k.jpg', 'other/o.jpg', 'photos/2020/free.jpg'));
    assert.deepEqual(out.slice(0, 3), [{ hash: { status: 'held', holdId: 'lit-7' } }, { hash: { status: 'out-of-scope' } }, { hash: { status: 'out-of-scope' } }]);
    assert.deepEqual(recorded[0]!.slice(0, 3), out.slice(0, 3).map((o) => o.hash));
    assert.deepEqual(out[3]!.destroy, { status: 'destroyed', probed: 'absent' });
    assert.equal(readFileSync(held, 'utf8'), 'keep me');
    assert.equal(readFileSync(excluded, 'utf8'), 'excluded');
    assert.equal(readFileSync(other, 'utf8'), 'not in the order');
    assert.equal(existsSync(free), false);
  });

  it('answers absent for a file gone before hashing (no destroy outcome) and for one gone between the passes', async (t) => {
    const { root } = tree(t, 'shredproof-consume-');
    const late = put(root, 'late');
    put(root, 'stays');
    const session = await open(t, root);
    const { out } = await consume(session, refs('never-there', 'late', 'gone/dir/x'), () => unlinkSync(late));
    assert.deepEqual(out, [
      { hash: { status: 'absent' } },
      { hash: out[1]!.hash, destroy: { status: 'absent' } },
      { hash: { status: 'absent' } },
    ]);
    assert.equal(out[1]!.hash.status, 'hashed');
    assert.ok(existsSync(join(root, 'stays')));
  });

  it('refuses everything, touching nothing, when the root is replaced between the passes', async (t) => {
    const { root } = tree(t, 'shredproof-consume-');
    put(root, 'f', 'planned tree');
    const session = await open(t, root);
    const { out } = await consume(session, refs('f'), () => {
      renameSync(root, `${root}-moved`);
      put(root, 'f', 'another tree');
    });
    assert.deepEqual(out[0]!.destroy && [status(out[0]!.destroy), (out[0]!.destroy as { transient?: boolean }).transient], ['ROOT_CHANGED', false]);
    assert.equal(readFileSync(join(root, 'f'), 'utf8'), 'another tree');
    assert.equal(readFileSync(join(`${root}-moved`, 'f'), 'utf8'), 'planned tree');
  });

  it('unlinks nothing when the session is closed while the hashes are being recorded', async (t) => {
    const { root } = tree(t, 'shredproof-consume-');
    const path = put(root, 'f');
    const session = await open(t, root);
    await assert.rejects(consume(session, refs('f'), () => session.close()), /closed/);
    assert.ok(existsSync(path));
  });

  it('answers in item order across threads, each file destroyed once, refusals in place', async (t) => {
    const { root } = tree(t, 'shredproof-consume-');
    const locators = Array.from({ length: 300 }, (_, i) => `d${i % 7}/f${i}`);
    for (const l of locators) put(root, l, `content ${l}`);
    const session = await open(t, root, { include: ['d*/**'] }, [hold('h', ['d3/**'])], { threads: 4 });
    const mixed = [...locators].reverse().flatMap((l, i) => (i % 50 === 0 ? [l, '../escape', 'outside-scope'] : [l]));
    const { out, recorded } = await consume(session, refs(...mixed));
    assert.equal(out.length, mixed.length);
    assert.deepEqual(recorded[0], out.map((o) => o.hash));
    mixed.forEach((l, i) => {
      const o = out[i]!;
      if (l === '../escape') assert.equal(status(o.hash), 'LOCATOR_INVALID');
      else if (l === 'outside-scope') assert.deepEqual(o, { hash: { status: 'out-of-scope' } });
      else if (l.startsWith('d3/')) {
        assert.deepEqual(o, { hash: { status: 'held', holdId: 'h' } });
        assert.ok(existsSync(join(root, l)), l);
      } else {
        assert.equal(o.hash.status === 'hashed' && o.hash.sha256, sha256(`content ${l}`), l);
        assert.deepEqual(o.destroy, { status: 'destroyed', probed: 'absent' }, l);
        assert.equal(existsSync(join(root, l)), false, l);
      }
    });
  });
});

for (const mode of ['procfs', 'path-walk'] as ConfineMode[]) {
  describe(`FilesystemBackend.consume: confinement (${mode})`, () => {
    const openIn = (t: TestContext, root: string) => open(t, root, { include: ['**'], allowAll: true }, [], { confinement: mode });

    it('refuses symlinks, symlinked directories and locators that leave the root, as hash() does', async (t) => {
      const { root, outside, secret } = tree(t, 'shredproof-consume-');
      symlinkSync(secret, join(root, 'link'));
      symlinkSync(outside, join(root, 'sub'));
      const session = await openIn(t, root);
      const { out } = await consume(session, refs('link', 'sub/secret', '../outside/secret', secret, 'a/../../outside/secret'));
      assert.deepEqual(
        out.map((o) => [status(o.hash), o.destroy]),
        [
          ['NOT_REGULAR_FILE', undefined],
          ['SYMLINK_IN_PATH', undefined],
          ['LOCATOR_INVALID', undefined],
          ['LOCATOR_INVALID', undefined],
          ['LOCATOR_INVALID', undefined],
        ],
      );
      assert.equal(readFileSync(secret, 'utf8'), SECRET);
      assert.ok(lstatSync(join(root, 'link')).isSymbolicLink());
    });

    it('leaves a file swapped for a symlink to the outside between the passes, and what it points to', async (t) => {
      const { root, secret } = tree(t, 'shredproof-consume-');
      const path = put(root, 'victim', SECRET); // the same bytes as the outside file
      const session = await openIn(t, root);
      const { out } = await consume(session, refs('victim'), () => {
        unlinkSync(path);
        symlinkSync(secret, path);
      });
      assert.deepEqual(out[0]!.destroy, { status: 'changed' });
      assert.equal(readFileSync(secret, 'utf8'), SECRET);
      assert.ok(lstatSync(path).isSymbolicLink(), 'the symlink itself is not removed either');
    });

    it('leaves a parent directory swapped for a symlink to the outside between the passes', async (t) => {
      const { root, outside } = tree(t, 'shredproof-consume-');
      put(root, 'd/secret', SECRET);
      const session = await openIn(t, root);
      const { out } = await consume(session, refs('d/secret'), () => {
        renameSync(join(root, 'd'), join(root, 'd-moved'));
        symlinkSync(outside, join(root, 'd'));
      });
      assert.equal(status(out[0]!.destroy), 'SYMLINK_IN_PATH');
      assert.equal(readFileSync(join(outside, 'secret'), 'utf8'), SECRET);
      assert.equal(readFileSync(join(root, 'd-moved/secret'), 'utf8'), SECRET);
    });
  });
}
