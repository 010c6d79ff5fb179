// The fs thread pool: both ways the main process can load TypeScript, thread
// crashes, shutdown, and the threads' own locator checks (defence in depth
// behind the session's).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { detectConfineMode, type RootRef } from '../../../src/adapters/storage/filesystem/confine.js';
import { FsThreadPool } from '../../../src/adapters/storage/filesystem/fs-thread-pool.js';

const BACKEND_URL = new URL('../../../src/adapters/storage/filesystem/filesystem-backend.ts', import.meta.url).href;
const TSX_API_URL = import.meta.resolve('tsx/esm/api');
const TSX_LOADER_URL = import.meta.resolve('tsx');

function tempDir(t: TestContext): string {
  const base = mkdtempSync(join(tmpdir(), 'shredproof-threads-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  return base;
}

const status = (o: { status: string; code?: string } | undefined): string => (o?.status === 'error' ? `${o.code}` : `${o?.status}`);

function rootRef(path: string): RootRef {
  const st = lstatSync(path, { bigint: true });
  return { path: realpathSync(path), dev: st.dev, ino: st.ino };
}

// Lists, hashes, destroys and probes one file, prints the outcomes, and
// deliberately does not close the backend: idle threads must not keep the
// process alive.
function childScript(root: string): string {
  return `
    const { FilesystemBackend } = await import(${JSON.stringify(BACKEND_URL)});
    const backend = new FilesystemBackend({ name: 'files', root: ${JSON.stringify(root)}, threads: 2 });
    const session = await backend.openTarget({ include: ['**'], allowAll: true }, []);
    const listed = [];
    for await (const page of session.list()) listed.push(...page);
    const [h] = await session.hash(listed);
    const [d] = await session.destroy([{ locator: listed[0].locator, fingerprint: h.fingerprint }]);
    const [p] = await session.probe(listed);
    console.log(JSON.stringify({ listed, h, d, p }));
  `;
}

function runChild(t: TestContext, nodeArgs: string[], prelude: string): void {
  const dir = tempDir(t);
  const root = join(dir, 'root');
  mkdirSync(root);
  writeFileSync(join(root, 'f.txt'), 'hello');
  const cwd = join(dir, 'elsewhere'); // not the repository: nothing may resolve relative to the cwd
  mkdirSync(cwd);
  const env = { ...process.env, NODE_OPTIONS: '' };
  const args = [...nodeArgs, '--input-type=module', '-e', prelude + childScript(root)];
  const r = spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.signal, null, `child timed out or was killed (idle threads holding the process?); stderr: ${r.stderr}`);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  assert.deepEqual(out.listed, [{ locator: 'f.txt', size: 5 }]);
  assert.equal(out.h.sha256, '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
  assert.deepEqual(out.d, { status: 'destroyed' });
  assert.deepEqual(out.p, { status: 'absent' });
}

describe('fs thread pool', () => {
  it('loads its threads when tsx is registered through its API in the main thread only (bin/shredproof.js)', (t) => {
    runChild(t, [], `const { register } = await import(${JSON.stringify(TSX_API_URL)}); register();`);
  });

  it('loads its threads under node --import tsx (the test runner)', (t) => {
    runChild(t, ['--import', TSX_LOADER_URL], '');
  });

  it('fails the batch when a thread crashes, and replaces the thread', async (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'f'), 'x');
    const root = rootRef(dir);
    const pool = new FsThreadPool(2, { mode: detectConfineMode() });
    t.after(() => pool.close());
    const items = Array.from({ length: 64 }, (_, i) => (i === 40 ? 'crash' : 'f'));
    await assert.rejects(
      pool.runSplit(items, (slice) => (slice.includes('crash') ? pool.run({ op: 'crash' }) : pool.run({ op: 'probe', root, items: slice }))),
      /fs thread exited with code 70/,
    );
    for (let round = 0; round < 3; round++) {
      const probes = await pool.runSplit(Array(64).fill('f') as string[], (slice) => pool.run({ op: 'probe', root, items: slice }));
      assert.equal(probes.length, 64);
      assert.ok(probes.every((p) => p.status === 'present'));
    }
  });

  it('rejects work once closed', async () => {
    const pool = new FsThreadPool(1, { mode: detectConfineMode() });
    const running = assert.rejects(pool.run({ op: 'probe', root: rootRef(tmpdir()), items: ['x'] }), /exited|closed/);
    const queued = assert.rejects(pool.run({ op: 'probe', root: rootRef(tmpdir()), items: ['y'] }), /closed/);
    await pool.close();
    await running;
    await queued;
    await assert.rejects(pool.run({ op: 'probe', root: rootRef(tmpdir()), items: ['z'] }), /closed/);
  });

  it('threads check locators themselves, behind the session', async (t) => {
    const dir = tempDir(t);
    const root = join(dir, 'root');
    mkdirSync(root);
    const secret = join(dir, 'x');
    writeFileSync(secret, 'outside');
    const st = lstatSync(secret, { bigint: true });
    const fingerprint = `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}`;
    const bad = ['../x', secret, 'a/../../x', 'a\\..\\x', 'a\u0000b', '', '.', 'a//b'];
    for (const mode of ['procfs', 'path-walk'] as const) {
      const pool = new FsThreadPool(2, { mode });
      t.after(() => pool.close());
      const ref = rootRef(root);
      const identity = { dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs };
      const outcomes = [
        ...(await pool.run({ op: 'hash', root: ref, items: bad })),
        ...(await pool.run({ op: 'destroy', root: ref, items: bad.map((locator) => ({ locator, fingerprint })) })),
        ...(await pool.run({ op: 'probe', root: ref, items: bad })),
        ...(await pool.run({ op: 'hash-identified', root: ref, items: bad })),
        ...(await pool.run({ op: 'unlink-identified', root: ref, items: bad.map((locator) => ({ locator, identity })) })),
      ];
      assert.equal(outcomes.length, bad.length * 5);
      for (const o of outcomes) assert.equal(o.status === 'error' && o.code, 'LOCATOR_INVALID', `${mode}: ${JSON.stringify(o)}`);
    }
    assert.equal(readFileSync(secret, 'utf8'), 'outside');
    assert.ok(dirname(secret) === dir);
  });

  // consume's second pass compares what the first kept, field by field: any one
  // that differs (the inode of a replacement, a size, an mtime, a ctime) leaves the file.
  it('unlink-identified unlinks only a file whose every identity field is the one kept, then looks again', async (t) => {
    const dir = tempDir(t);
    const root = rootRef(dir);
    const pool = new FsThreadPool(1, { mode: detectConfineMode() });
    t.after(() => pool.close());
    const fields = ['dev', 'ino', 'size', 'mtimeNs', 'ctimeNs'] as const;
    for (const field of fields) writeFileSync(join(dir, field), field);
    const [hashed] = await pool.run({ op: 'hash-identified', root, items: ['dev'] });
    assert.equal(hashed?.status, 'hashed', status(hashed));
    const kept = hashed?.status === 'hashed' ? hashed.identity : undefined;
    const st = lstatSync(join(dir, 'dev'), { bigint: true });
    assert.deepEqual(kept, { dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs });
    const off = fields.map((field) => {
      const s = lstatSync(join(dir, field), { bigint: true });
      return { locator: field, identity: { dev: s.dev, ino: s.ino, size: s.size, mtimeNs: s.mtimeNs, ctimeNs: s.ctimeNs, [field]: s[field] + 1n } };
    });
    assert.deepEqual(await pool.run({ op: 'unlink-identified', root, items: off }), fields.map(() => ({ status: 'changed' })));
    for (const field of fields) assert.equal(readFileSync(join(dir, field), 'utf8'), field);
    const malformed = [undefined, '1:2:3:4:5', { ...kept, ctimeNs: 5 }].map((identity) => ({ locator: 'ino', identity }));
    const refused = await pool.run({ op: 'unlink-identified', root, items: malformed as never });
    assert.deepEqual(refused.map((o) => o.status === 'error' && o.code), ['IDENTITY_INVALID', 'IDENTITY_INVALID', 'IDENTITY_INVALID']);
    assert.deepEqual(await pool.run({ op: 'unlink-identified', root, items: [{ locator: 'dev', identity: kept! }] }), [{ status: 'destroyed', probed: 'absent' }]);
    assert.deepEqual(await pool.run({ op: 'unlink-identified', root, items: [{ locator: 'dev', identity: kept! }] }), [{ status: 'absent' }]);
    for (const field of fields.slice(1)) assert.ok(existsSync(join(dir, field)), field);
  });
});
