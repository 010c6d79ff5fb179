// Invariant 1 (docs/ARCHITECTURE.md) for files: nothing outside the root is ever read or
// destroyed, whatever symlinks or locators are thrown at the backend. Every
// test keeps a file outside the root and checks that it survives. Both
// confinement modes run the same tests.

import assert from 'node:assert/strict';
import { existsSync, lstatSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import type { ConfineMode } from '../../../src/adapters/storage/filesystem/confine.js';
import { FilesystemBackend } from '../../../src/adapters/storage/filesystem/filesystem-backend.js';
import type { HashOutcome, TargetSession } from '../../../src/app/ports/storage-backend.js';
import { put, SECRET, tree, type Tree } from '../../helpers/fs-tree.js';

function fingerprintOf(path: string): string {
  const st = lstatSync(path, { bigint: true });
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}`;
}

const code = (o: { status: string; code?: string } | undefined): string | undefined => (o?.status === 'error' ? o.code : o?.status);

function hashedFingerprint(o: HashOutcome | undefined): string {
  assert.equal(o?.status, 'hashed', JSON.stringify(o));
  return (o as { fingerprint: string }).fingerprint;
}

for (const mode of ['procfs', 'path-walk'] as ConfineMode[]) {
  describe(`filesystem confinement (${mode})`, () => {
    async function open(t: TestContext, root: string, skipped: string[] = []): Promise<TargetSession> {
      const backend = new FilesystemBackend({ name: 'files', root, threads: 2, confinement: mode, onSkip: (l, r) => skipped.push(`${l}: ${r}`) });
      t.after(() => backend.close());
      return backend.openTarget({ include: ['**'], allowAll: true }, []);
    }

    async function listAll(session: TargetSession): Promise<string[]> {
      const out: string[] = [];
      for await (const page of session.list()) out.push(...page.map((o) => o.locator));
      return out;
    }

    it('a symlink inside the root pointing outside is neither listed, hashed nor destroyed', async (t) => {
      const { root, secret } = tree(t, 'shredproof-confine-');
      put(root, 'ok');
      symlinkSync(secret, join(root, 'link'));
      const skipped: string[] = [];
      const session = await open(t, root, skipped);
      assert.deepEqual(await listAll(session), ['ok']);
      assert.deepEqual(skipped, ['link: symlink, not a regular file']);
      assert.equal(code((await session.hash([{ locator: 'link' }]))[0]), 'NOT_REGULAR_FILE');
      // Even with the fingerprint of the outside file itself, destroy does not follow the link.
      assert.deepEqual(await session.destroy([{ locator: 'link', fingerprint: fingerprintOf(secret) }]), [{ status: 'changed' }]);
      assert.equal(readFileSync(secret, 'utf8'), SECRET);
      assert.ok(lstatSync(join(root, 'link')).isSymbolicLink(), 'the symlink itself is not removed either');
    });

    it('a symlinked parent directory pointing outside is not walked, and nothing is reached through it', async (t) => {
      const { root, outside, secret } = tree(t, 'shredproof-confine-');
      symlinkSync(outside, join(root, 'dir'));
      put(root, 'real/inner');
      symlinkSync(outside, join(root, 'real/deeper'));
      const skipped: string[] = [];
      const session = await open(t, root, skipped);
      assert.deepEqual(await listAll(session), ['real/inner']);
      assert.deepEqual(skipped, ['dir: symlink, not a regular file', 'real/deeper: symlink, not a regular file']);
      for (const locator of ['dir/secret', 'real/deeper/secret']) {
        assert.equal(code((await session.hash([{ locator }]))[0]), 'SYMLINK_IN_PATH', locator);
        assert.equal(code((await session.destroy([{ locator, fingerprint: fingerprintOf(secret) }]))[0]), 'SYMLINK_IN_PATH', locator);
        assert.equal(code((await session.probe([{ locator }]))[0]), 'SYMLINK_IN_PATH', locator);
      }
      assert.equal(readFileSync(secret, 'utf8'), SECRET);
    });

    it('TOCTOU: a directory swapped for a symlink between list, hash and destroy', async (t) => {
      const { root, outside, secret } = tree(t, 'shredproof-confine-');
      put(root, 'a/b/victim', 'in scope');
      put(root, 'c/other', 'in scope too');
      const session = await open(t, root);
      assert.deepEqual(await listAll(session), ['a/b/victim', 'c/other']);

      // Between list and hash: 'c' now points outside, at a directory holding a file of the same name.
      renameSync(join(root, 'c'), join(outside, 'c-was'));
      writeFileSync(join(outside, 'other'), SECRET);
      symlinkSync(outside, join(root, 'c'));
      assert.equal(code((await session.hash([{ locator: 'c/other' }]))[0]), 'SYMLINK_IN_PATH');

      // Between hash and destroy: the hashed file itself is moved outside with its
      // directory and a symlink takes the directory's place. The fingerprint still
      // matches the moved file: only confinement stops the unlink.
      const fp = hashedFingerprint((await session.hash([{ locator: 'a/b/victim' }]))[0]);
      renameSync(join(root, 'a/b'), join(outside, 'b'));
      symlinkSync(join(outside, 'b'), join(root, 'a/b'));
      assert.equal(fingerprintOf(join(outside, 'b/victim')), fp);
      assert.equal(code((await session.destroy([{ locator: 'a/b/victim', fingerprint: fp }]))[0]), 'SYMLINK_IN_PATH');

      assert.equal(readFileSync(join(outside, 'b/victim'), 'utf8'), 'in scope');
      assert.equal(readFileSync(join(outside, 'other'), 'utf8'), SECRET);
      assert.equal(readFileSync(secret, 'utf8'), SECRET);
    });

    it('a directory swapped for a symlink while the listing runs is not walked', async (t) => {
      const { root, outside } = tree(t, 'shredproof-confine-');
      put(root, 'a/1');
      put(root, 'a/2');
      put(root, 'z/inside');
      writeFileSync(join(outside, 'inside'), SECRET);
      const skipped: string[] = [];
      const backend = new FilesystemBackend({ name: 'files', root, threads: 2, pageSize: 1, confinement: mode, onSkip: (l, r) => skipped.push(`${l}: ${r}`) });
      t.after(() => backend.close());
      const session = await backend.openTarget({ include: ['**'], allowAll: true }, []);
      const seen: string[] = [];
      for await (const page of session.list()) {
        if (seen.length === 0) {
          rmSync(join(root, 'z'), { recursive: true });
          symlinkSync(outside, join(root, 'z'));
        }
        seen.push(...page.map((o) => o.locator));
      }
      assert.deepEqual(seen, ['a/1', 'a/2']);
      // the root was read while 'z' was a directory: the walk meets the symlink when it opens 'z'
      assert.deepEqual(skipped, ['z: directory not walked: "z" became a symlink']);
    });

    it('refuses every injected locator with LOCATOR_INVALID, and the targets survive', async (t) => {
      const { root, outside, secret } = tree(t, 'shredproof-confine-');
      writeFileSync(join(dirname(root), 'x'), SECRET); // what '../x' would name
      put(root, 'a/keep');
      const session = await open(t, root);
      const injected: unknown[] = ['../x', '/etc/passwd', secret, 'a/../../x', 'a\\..\\x', 'a\u0000b', '', '.', './a/keep', 'a//keep', 'a/keep/', `..${outside}`, 'x\uD800', 42, null];
      const items = injected.map((locator) => ({ locator })) as { locator: string }[];
      const fp = fingerprintOf(secret);
      const results = [
        await session.hash(items),
        await session.destroy(items.map((i) => ({ ...i, fingerprint: fp }))),
        await session.probe(items),
      ];
      for (const outcomes of results) {
        assert.equal(outcomes.length, injected.length);
        outcomes.forEach((o, i) => {
          assert.equal(code(o), 'LOCATOR_INVALID', JSON.stringify(injected[i]));
          assert.equal(o.status === 'error' && o.transient, false);
        });
      }
      // A null item must not throw either.
      assert.equal(code((await session.probe([null as unknown as { locator: string }]))[0]), 'LOCATOR_INVALID');
      assert.equal(readFileSync(secret, 'utf8'), SECRET);
      assert.equal(readFileSync(join(dirname(root), 'x'), 'utf8'), SECRET);
      assert.ok(existsSync('/etc/passwd'));
      assert.ok(existsSync(join(root, 'a/keep')));
    });
  });
}
