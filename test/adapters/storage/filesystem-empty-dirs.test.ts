// Issue 12, item 4: an order left 190 empty users/u-XXXX/ directories,
// named after the users, behind. The directories that an order's destruction
// emptied inside its scope are removed (rmdir, deepest first, confined like
// the unlinks), the root and the scope's own directories never, and the
// statement for the certificate says what remains, counting and never naming.
// Real files, both confinement modes; the last tests run the real engine.

import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import type { ConfineMode } from '../../../src/adapters/storage/filesystem/confine.js';
import { EmptiedDirs, scopeDirectories } from '../../../src/adapters/storage/filesystem/emptied-dirs.js';
import { FilesystemBackend } from '../../../src/adapters/storage/filesystem/filesystem-backend.js';
import { compileScope } from '../../../src/adapters/storage/filesystem/scope.js';
import type { HoldSpec, TargetSession } from '../../../src/app/ports/storage-backend.js';

const SCOPE = { include: ['users/**'] };

function tempTree(t: TestContext): { base: string; root: string; outside: string } {
  const base = mkdtempSync(join(tmpdir(), 'shredproof-empty-dirs-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  return { base, root, outside };
}

function put(root: string, rel: string, content = rel): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), content);
}

const hold = (id: string, include: string[]): HoldSpec => ({ id, reason: 'test hold', target: 'files', match: { include } });

async function* pages(...all: unknown[][]): AsyncIterable<string[]> {
  for (const p of all) yield p as string[];
}

/** Lists, hashes and destroys everything the session may destroy, as a worker would; returns the destroyed locators. */
async function destroyAll(session: TargetSession): Promise<string[]> {
  const destroyed: string[] = [];
  for await (const page of session.list()) {
    const free = page.filter((o) => o.heldBy === undefined);
    const hashes = await session.hash(free);
    const items = free.flatMap((o, k) => {
      const h = hashes[k]!;
      return h.status === 'hashed' ? [{ locator: o.locator, fingerprint: h.fingerprint }] : [];
    });
    const outcomes = await session.destroy(items);
    items.forEach((item, k) => {
      if (outcomes[k]!.status === 'destroyed') destroyed.push(item.locator);
    });
  }
  return destroyed;
}

/** Every directory under `root`, root-relative, sorted; symlinks are not entered. */
function dirsUnder(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const sub = rel === '' ? e.name : `${rel}/${e.name}`;
    out.push(sub, ...dirsUnder(root, sub));
  }
  return out.sort();
}

describe('filesystem: which directories an order may have emptied (pure)', () => {
  it("the scope's own directories are the literal start of each include pattern, with their ancestors and the root", () => {
    assert.deepEqual([...scopeDirectories(['users/**'])].sort(), ['', 'users']);
    assert.deepEqual([...scopeDirectories(['users/u-0001/**', 'exports/2024/*.zip'])].sort(), ['', 'exports', 'exports/2024', 'users', 'users/u-0001']);
    // Only '*', '?', '[' and '{' are glob syntax: a ',' or a '+' in a directory name is literal, and protected.
    assert.deepEqual([...scopeDirectories(['data/a,b+c/**', 'x/*/y/**', 'top', '**/*.tmp', '{a,b}/**'])].sort(), ['', 'data', 'data/a,b+c', 'x']);
  });

  it('candidates are the ancestors of in-scope destroyed files strictly below those directories, by depth, deepest first', () => {
    const found = new EmptiedDirs(compileScope({ include: ['users/**', 'logs/app/*.log'] }));
    for (const l of ['users/u-2/2024/06/a.jpg', 'users/u-2/2024/b.jpg', 'users/u-1/c.jpg', 'users/top.jpg', 'logs/app/x.log']) found.add(l);
    for (const bad of ['press-kit/logo.png', '../etc/passwd', '/etc/passwd', 'users/../x', 42, null, '']) found.add(bad);
    assert.deepEqual(found.levels(), [['users/u-2/2024/06'], ['users/u-2/2024'], ['users/u-1', 'users/u-2']]);
    assert.equal(found.size, 4);
    assert.equal(found.ignored, 7, 'locators not in scope name no directory');
  });

  it('an include without a literal start leaves only the root protected', () => {
    const found = new EmptiedDirs(compileScope({ include: ['**/*.tmp'], allowAll: true }));
    found.add('a/b/c.tmp');
    found.add('d.tmp');
    assert.deepEqual(found.levels(), [['a/b'], ['a']]);
  });
});

for (const mode of ['procfs', 'path-walk'] as ConfineMode[]) {
  describe(`filesystem: directories emptied by an order are removed (${mode})`, () => {
    function open(t: TestContext, root: string, scope: unknown = SCOPE, holds: HoldSpec[] = []): Promise<TargetSession> {
      const backend = new FilesystemBackend({ name: 'files', root, threads: 2, confinement: mode });
      t.after(() => backend.close());
      return backend.openTarget(scope, holds);
    }

    it('removes the emptied user directories, deepest first; the root and the scope directory stay, and the statement says none remains', async (t) => {
      const { root } = tempTree(t);
      put(root, 'users/u-0001/2024/06/a.jpg');
      put(root, 'users/u-0001/2024/b.jpg');
      put(root, 'users/u-0001/c.jpg');
      put(root, 'users/u-0002/d.jpg');
      put(root, 'press-kit/logo.png');
      mkdirSync(join(root, 'press-kit/empty'));
      const session = await open(t, root);
      const destroyed = await destroyAll(session);
      assert.equal(destroyed.length, 4);
      const statements = await session.tidy!(pages(destroyed));
      assert.deepEqual(dirsUnder(root), ['press-kit', 'press-kit/empty', 'users'], 'users (the scope directory) and the empty dir outside the scope stay');
      assert.equal(statements.length, 2);
      assert.equal(statements[0], "directories: 4 directories below the scope's own directories held files that this order destroyed; 4 were removed with rmdir, none remains");
      assert.match(statements[1]!, /the root and the scope's own directories .* are never removed, even when empty/);
      assert.doesNotMatch(statements.join('\n'), /u-000/, 'no directory of the order is named');
    });

    it('a directory with a held file, a file outside the pattern, or a file created meanwhile stays; the statement counts them, without names', async (t) => {
      const { root } = tempTree(t);
      for (const f of ['users/u-0001/a.jpg', 'users/u-0002/b.jpg', 'users/u-0002/notes.txt', 'users/u-0003/sub/c.jpg', 'users/u-0004/d.jpg', 'users/u-0005/e.jpg']) put(root, f);
      mkdirSync(join(root, 'users/u-0005/old-empty')); // was empty before the order: not the order's to remove
      const session = await open(t, root, { include: ['users/**/*.jpg'] }, [hold('h1', ['users/u-0001/**'])]);
      const destroyed = await destroyAll(session);
      assert.deepEqual(destroyed.sort(), ['users/u-0002/b.jpg', 'users/u-0003/sub/c.jpg', 'users/u-0004/d.jpg', 'users/u-0005/e.jpg']);
      put(root, 'users/u-0003/sub/new.jpg', 'written after the destruction'); // a file created meanwhile is never lost
      const [line] = await session.tidy!(pages(destroyed));
      assert.deepEqual(dirsUnder(root), ['users', 'users/u-0001', 'users/u-0002', 'users/u-0003', 'users/u-0003/sub', 'users/u-0005', 'users/u-0005/old-empty']);
      assert.equal(readFileSync(join(root, 'users/u-0001/a.jpg'), 'utf8'), 'users/u-0001/a.jpg');
      assert.equal(readFileSync(join(root, 'users/u-0003/sub/new.jpg'), 'utf8'), 'written after the destruction');
      assert.equal(
        line,
        "directories: 5 directories below the scope's own directories held files that this order destroyed; 1 was removed with rmdir, and 4 remain: " +
          '4 not empty (holding what this order did not destroy: held, excluded or unplanned files, or files created since). ' +
          'Remaining directories are counted, not named, because directory names (such as user ids) may be personal data',
      );
    });

    it('the scope directory itself stays, even when the order emptied it', async (t) => {
      const { root } = tempTree(t);
      put(root, 'users/u-0001/a.jpg');
      put(root, 'users/u-0001/x/b.jpg');
      const session = await open(t, root, { include: ['users/u-0001/**'] });
      const [line] = await session.tidy!(pages(await destroyAll(session)));
      assert.deepEqual(dirsUnder(root), ['users', 'users/u-0001']);
      assert.match(line!, /^directories: 1 directory below the scope's own directories held files that this order destroyed; 1 was removed with rmdir, none remains$/);
    });

    it('a symlinked directory inside the scope is not followed: nothing outside the root is removed', async (t) => {
      const { root, outside } = tempTree(t);
      put(root, 'users/u-0001/a.jpg');
      mkdirSync(join(outside, 'victim/empty'), { recursive: true });
      symlinkSync(join(outside, 'victim'), join(root, 'users/u-0002'));
      const session = await open(t, root);
      const destroyed = await destroyAll(session);
      assert.deepEqual(destroyed, ['users/u-0001/a.jpg'], 'the symlink is not listed');
      // Locators through the symlink, as a forged ledger or queue could bring them.
      const [line] = await session.tidy!(pages(destroyed, ['users/u-0002/empty/f', 'users/u-0002/f']));
      assert.ok(existsSync(join(outside, 'victim/empty')), 'the empty directory outside the root survives');
      assert.ok(lstatSync(join(root, 'users/u-0002')).isSymbolicLink(), 'the symlink itself is not removed');
      assert.ok(!existsSync(join(root, 'users/u-0001')));
      assert.match(line!, /3 directories .*; 1 was removed with rmdir, and 2 remain: 2 left alone or not removable \(NOT_DIRECTORY 1, SYMLINK_IN_PATH 1\)\./);
    });

    it('a directory swapped for a symlink, or moved out of the root, after the destruction: nothing outside is removed', async (t) => {
      const { root, outside } = tempTree(t);
      for (const f of ['users/u-0001/a/b.jpg', 'users/u-0002/c/d.jpg', 'users/u-0003/e.jpg']) put(root, f);
      const session = await open(t, root);
      const destroyed = await destroyAll(session);
      assert.equal(destroyed.length, 3);
      mkdirSync(join(outside, 'victim/a'), { recursive: true });
      rmSync(join(root, 'users/u-0001'), { recursive: true });
      symlinkSync(join(outside, 'victim'), join(root, 'users/u-0001')); // users/u-0001/a now leads outside
      renameSync(join(root, 'users/u-0002'), join(outside, 'moved')); // moved, empty c inside
      rmdirSync(join(root, 'users/u-0003'));
      writeFileSync(join(root, 'users/u-0003'), 'a file where the directory was');
      const [line] = await session.tidy!(pages(destroyed));
      assert.ok(existsSync(join(outside, 'victim/a')), 'the empty directory behind the symlink survives');
      assert.ok(existsSync(join(outside, 'moved/c')), 'the moved directory and its empty child survive');
      assert.equal(readFileSync(join(root, 'users/u-0003'), 'utf8'), 'a file where the directory was');
      assert.ok(lstatSync(join(root, 'users/u-0001')).isSymbolicLink());
      // u-0002 and u-0002/c are gone from the root: gone already. u-0001 and u-0003 are not directories now; u-0001/a is behind a symlink.
      assert.match(line!, /5 directories .*; 0 were removed with rmdir and 2 were gone already, and 3 remain: 3 left alone or not removable \(NOT_DIRECTORY 2, SYMLINK_IN_PATH 1\)\./);
    });

    it('a root that is not the one the session was opened on: nothing is removed, and the statement says why', async (t) => {
      const { base, root } = tempTree(t);
      put(root, 'users/u-0001/a.jpg');
      const session = await open(t, root);
      const destroyed = await destroyAll(session);
      renameSync(root, join(base, 'old-root'));
      mkdirSync(join(root, 'users/u-0001'), { recursive: true }); // another tree in its place, with an empty directory of the same name
      const [line] = await session.tidy!(pages(destroyed));
      assert.ok(existsSync(join(root, 'users/u-0001')), 'the other tree is not touched');
      assert.ok(existsSync(join(base, 'old-root/users/u-0001')), 'nor the old one, now outside the root');
      assert.match(line!, /1 directory .*; 0 were removed with rmdir, and 1 remains: 1 left alone or not removable \(ROOT_CHANGED 1\)/);
    });

    it('is idempotent: run again (a finalize after a crash), it finds the directories gone', async (t) => {
      const { root } = tempTree(t);
      put(root, 'users/u-0001/a.jpg');
      put(root, 'users/u-0002/b.jpg');
      const session = await open(t, root);
      const destroyed = await destroyAll(session);
      await session.tidy!(pages(destroyed));
      const [again] = await session.tidy!(pages(destroyed));
      assert.match(again!, /2 directories .*; 0 were removed with rmdir and 2 were gone already, none remains$/);
      assert.deepEqual(dirsUnder(root), ['users']);
    });

    it('bad input is refused or ignored with a clear answer, never a crash', async (t) => {
      const { root, outside } = tempTree(t);
      put(root, 'users/u-0001/a.jpg');
      mkdirSync(join(outside, 'empty'));
      const session = await open(t, root);
      // Locators that are not in scope, or not locators at all, name no directory.
      const hostile = ['../outside/empty/x', `${outside}/empty/x`, 'users/../../outside/empty/x', 'users//x', 'press-kit/x', 42, null, { locator: 'users/u-0001/a.jpg' }];
      const [line] = await session.tidy!(pages(hostile));
      assert.match(line!, /^directories: no directory below the scope's own directories held a file that this order destroyed; none was removed$/);
      assert.ok(existsSync(join(outside, 'empty')));
      assert.ok(existsSync(join(root, 'users/u-0001/a.jpg')));
      await assert.rejects(session.tidy!(pages('users/u-0001/a.jpg' as unknown as unknown[])), { name: 'TypeError', message: /destroyed locators must come in arrays, got string/ });
      await session.close();
      await assert.rejects(session.tidy!(pages([])), /filesystem target session is closed/);
    });
  });
}
