// DirResolver (src/adapters/storage/filesystem/confine.ts) on its own, in this
// thread, in both modes: the parent directories of locators are reached one
// component at a time and never through a symlink, the root must still be the
// directory the target was opened on, directory handles stay bounded and are
// closed. The backend runs this code in its fs threads
// (filesystem-confinement.test.ts checks it end to end there); here each
// answer is checked directly, which is also what mutation testing needs (no
// coverage is recorded inside worker threads).
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { type ConfineMode, detectConfineMode, type DirResult, DirResolver, RootChangedError, type RootRef } from '../../../src/adapters/storage/filesystem/confine.js';

interface Tree {
  base: string;
  root: string;
  outside: string;
}

const TREE_PREFIX = 'shredproof-confine-unit-';

function tree(t: TestContext): Tree {
  const base = realpathSync(mkdtempSync(join(tmpdir(), TREE_PREFIX)));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  mkdirSync(join(root, 'a', 'b', 'c'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(root, 'file'), 'a file, not a directory');
  writeFileSync(join(outside, 'secret'), 'outside');
  symlinkSync(outside, join(root, 'link')); // a symlink to a directory outside the root
  symlinkSync(outside, join(root, 'a', 'inner-link'));
  symlinkSync(join(root, 'file'), join(root, 'file-link')); // a symlink to a file inside
  return { base, root, outside };
}

function rootRef(path: string): RootRef {
  const st = lstatSync(path, { bigint: true });
  return { path, dev: st.dev, ino: st.ino };
}

function open(t: TestContext, root: string, mode: ConfineMode): DirResolver {
  const r = new DirResolver(rootRef(root), mode);
  t.after(() => r.close());
  return r;
}

/** The directory a successful result reaches (stat follows /proc/self/fd's links to the directory the fd holds). */
function inode(result: DirResult): bigint {
  assert.equal(result.ok, true, JSON.stringify(result));
  return statSync((result as { prefix: string }).prefix, { bigint: true }).ino;
}

const ino = (path: string) => lstatSync(path, { bigint: true }).ino;
/**
 * Open handles on this test's trees (their base names carry TREE_PREFIX): not
 * every fd of the process, which other tests' handles closing meanwhile change.
 */
const openFds = () =>
  readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).includes(`/${TREE_PREFIX}`);
    } catch {
      return false; // closed while listing (the listing's own handle among them)
    }
  }).length;

it('detectConfineMode: procfs on Linux, where /proc/self/fd exists; path-walk elsewhere', () => {
  assert.equal(process.platform, 'linux');
  assert.equal(detectConfineMode(), 'procfs');
  // Another platform, as a test can show one: process.platform made to say so for the call.
  const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
  try {
    for (const other of ['darwin', 'freebsd', 'win32']) {
      Object.defineProperty(process, 'platform', { ...platform, value: other });
      assert.equal(detectConfineMode(), 'path-walk', other);
    }
  } finally {
    Object.defineProperty(process, 'platform', platform);
  }
  assert.equal(process.platform, 'linux');
});

for (const mode of ['procfs', 'path-walk'] as ConfineMode[]) {
  describe(`DirResolver (${mode})`, () => {
    it('the root and directories under it resolve to those very directories', (t) => {
      const { root } = tree(t);
      const r = open(t, root, mode);
      const top = r.resolve('');
      assert.equal(inode(top), ino(root));
      if (mode === 'procfs') assert.match((top as { prefix: string }).prefix, /^\/proc\/self\/fd\/\d+$/);
      else assert.deepEqual(top, { ok: true, prefix: root });
      assert.equal(inode(r.resolve('a')), ino(join(root, 'a')));
      assert.equal(inode(r.resolve('a/b/c')), ino(join(root, 'a/b/c')));
      assert.equal(inode(r.resolve('a/b')), ino(join(root, 'a/b')), 'a prefix of a resolved path');
      if (mode === 'path-walk') assert.deepEqual(r.resolve('a/b/c'), { ok: true, prefix: `${root}/a/b/c` });
      const again = r.resolve('a/b/c');
      assert.deepEqual(r.resolve('a/b/c'), again, 'the same answer the second time');
    });

    it('a symlinked component is refused and named, at the top and deeper down', (t) => {
      const { root } = tree(t);
      const r = open(t, root, mode);
      assert.deepEqual(r.resolve('link'), { ok: false, reason: 'symlink', at: 'link' });
      assert.deepEqual(r.resolve('link/x'), { ok: false, reason: 'symlink', at: 'link' });
      assert.deepEqual(r.resolve('a/inner-link'), { ok: false, reason: 'symlink', at: 'a/inner-link' });
      assert.deepEqual(r.resolve('a/inner-link/deeper'), { ok: false, reason: 'symlink', at: 'a/inner-link' });
      assert.deepEqual(r.resolve('file-link'), { ok: false, reason: 'symlink', at: 'file-link' }, 'a symlink to a file');
      // Refusals are not remembered as directories.
      assert.deepEqual(r.resolve('link'), { ok: false, reason: 'symlink', at: 'link' });
    });

    it('a missing component, or a file where a directory should be, is absent', (t) => {
      const { root } = tree(t);
      const r = open(t, root, mode);
      assert.deepEqual(r.resolve('nope'), { ok: false, reason: 'absent' });
      assert.deepEqual(r.resolve('a/nope/deeper'), { ok: false, reason: 'absent' });
      assert.deepEqual(r.resolve('file'), { ok: false, reason: 'absent' });
      assert.deepEqual(r.resolve('file/x'), { ok: false, reason: 'absent' });
      assert.equal(r.resolve('a/b').ok, true, 'and the resolver still works');
    });

    it('any other failure is an error, with where it happened', (t) => {
      const { root } = tree(t);
      const r = open(t, root, mode);
      const long = 'x'.repeat(300); // longer than NAME_MAX
      const got = r.resolve(`a/${long}`);
      assert.equal(got.ok, false);
      assert.equal((got as { reason: string }).reason, 'error');
      assert.equal((got as { at: string }).at, `a/${long}`);
      assert.equal(((got as { error: NodeJS.ErrnoException }).error).code, 'ENAMETOOLONG');
    });

    it('a root that is no longer the directory the target was opened on is refused, and leaves no handle open', (t) => {
      const { base, root } = tree(t);
      const before = rootRef(root);
      const fds = openFds();
      const changed = (e: unknown) => e instanceof RootChangedError && e.code === 'ROOT_CHANGED' && e.name === 'RootChangedError';
      assert.throws(() => new DirResolver({ ...before, dev: before.dev + 1n }, mode), changed, 'the same inode number on another device');
      renameSync(root, join(base, 'moved'));
      mkdirSync(root); // same path, another directory
      assert.throws(() => new DirResolver(before, mode), changed, 'another directory at the same path');
      rmSync(root, { recursive: true });
      assert.throws(() => new DirResolver(before, mode), changed, 'no root at all (ENOENT)');
      symlinkSync(join(base, 'moved'), root);
      // Linux answers ENOTDIR to O_DIRECTORY|O_NOFOLLOW on a symlink (ELOOP elsewhere); lstat sees the link.
      assert.throws(() => new DirResolver(before, mode), changed, 'a symlink to the very directory');
      rmSync(root);
      writeFileSync(root, 'x');
      assert.throws(() => new DirResolver({ ...before, ino: ino(root) }, mode), changed, 'a file with the right identity is not a directory');
      rmSync(root);
      renameSync(join(base, 'moved'), root);
      assert.equal(openFds(), fds, 'no handle left open by the refusals');
      const r = new DirResolver(before, mode);
      assert.equal(r.resolve('a').ok, true, 'the original directory, back in place, is accepted');
      r.close();
      assert.equal(openFds(), fds);
    });

    it('a failure to reach the root other than its being gone or replaced is not called a change of root', (t) => {
      const { root } = tree(t);
      const tooLong = join(root, 'x'.repeat(300));
      assert.throws(
        () => new DirResolver({ path: tooLong, dev: 0n, ino: 0n }, mode),
        (e: unknown) => !(e instanceof RootChangedError) && (e as NodeJS.ErrnoException).code === 'ENAMETOOLONG',
      );
    });

    it('a directory verified before and replaced by a file since is absent, not an error', (t) => {
      const { root } = tree(t);
      const r = open(t, root, mode);
      assert.equal(r.resolve('a/b').ok, true);
      rmSync(join(root, 'a', 'b'), { recursive: true });
      writeFileSync(join(root, 'a', 'b'), 'now a file');
      assert.deepEqual(r.resolve('a/b/c'), { ok: false, reason: 'absent' });
    });

    it('opens a handle for the root only in procfs mode', (t) => {
      const { root } = tree(t);
      const before = openFds();
      const r = open(t, root, mode);
      assert.equal(openFds() - before, mode === 'procfs' ? 1 : 0);
      r.resolve('');
      assert.equal(openFds() - before, mode === 'procfs' ? 1 : 0, 'resolving the root opens nothing');
    });

    it('close() forgets what was resolved: a directory swapped for a symlink afterwards is refused', (t) => {
      const { base, root } = tree(t);
      const r = new DirResolver(rootRef(root), mode);
      assert.equal(r.resolve('a/b').ok, true);
      r.close();
      renameSync(join(root, 'a'), join(base, 'a-old'));
      symlinkSync(join(base, 'a-old'), join(root, 'a'));
      const fresh = open(t, root, mode);
      assert.deepEqual(fresh.resolve('a/b'), { ok: false, reason: 'symlink', at: 'a' });
    });
  });
}

describe('DirResolver (procfs): pinned, bounded, closed', () => {
  it('a resolved directory stays the one resolved when a symlink is swapped in for it', (t) => {
    const { base, root } = tree(t);
    const r = open(t, root, 'procfs');
    const got = r.resolve('a/b');
    const original = ino(join(root, 'a/b'));
    renameSync(join(root, 'a'), join(base, 'a-old'));
    symlinkSync(join(base, 'outside'), join(root, 'a'));
    assert.equal(inode(got), original, 'the fd still holds the original directory');
    assert.equal(inode(r.resolve('a/b')), original, 'and the cache answers with it');
  });

  it('holds at most 32 directory handles besides the root, and close() releases them all', (t) => {
    const { root } = tree(t);
    for (let i = 0; i < 80; i++) mkdirSync(join(root, `d${i}`, 'e'), { recursive: true });
    const before = openFds();
    const r = new DirResolver(rootRef(root), 'procfs');
    let most = 0;
    for (let i = 0; i < 80; i++) {
      assert.equal(inode(r.resolve(`d${i}/e`)), ino(join(root, `d${i}`, 'e')), `d${i}/e`);
      most = Math.max(most, openFds() - before);
    }
    assert.ok(most <= 1 + 32 + 1, `${most} handles open at most`);
    assert.ok(most >= 16, `${most}: directories are kept open for the batch`);
    // After eviction, a directory resolved before is opened again, and is still the right one.
    assert.equal(inode(r.resolve('d0/e')), ino(join(root, 'd0', 'e')));
    r.close();
    assert.equal(openFds(), before, 'every handle closed, the root too');
  });

  it('the root and cached directories are answered without opening anything, even with the cache full', (t) => {
    const { root } = tree(t);
    for (let i = 0; i < 32; i++) mkdirSync(join(root, `d${i}`));
    const r = open(t, root, 'procfs');
    const top = r.resolve('');
    const first = r.resolve('d0');
    for (let i = 1; i < 32; i++) assert.equal(r.resolve(`d${i}`).ok, true);
    const before = openFds();
    assert.deepEqual(r.resolve(''), top, 'the root is its own handle');
    assert.deepEqual(r.resolve('d0'), first, 'a cached directory keeps its handle when the cache is full');
    assert.deepEqual(r.resolve('d31'), r.resolve('d31'));
    assert.equal(openFds(), before, 'nothing opened, nothing closed');
  });

  it('a path that shares a resolved prefix opens only what is new', (t) => {
    const { root } = tree(t);
    const r = open(t, root, 'procfs');
    assert.equal(r.resolve('a/b').ok, true);
    const before = openFds();
    assert.equal(inode(r.resolve('a/b/c')), ino(join(root, 'a/b/c')));
    assert.equal(openFds() - before, 1, 'a/b was reused; only c was opened');
  });
});
