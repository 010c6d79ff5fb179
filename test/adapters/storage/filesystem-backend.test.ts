// FilesystemBackend against real files in fresh temp dirs: listing, hashing,
// destroying and probing, and every way a file can change under our feet.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
  chmodSync,
  openSync,
  writeSync,
  closeSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { ValidationError } from '../../../packages/verify/src/core/errors.js';
import { FilesystemBackend, type FilesystemBackendOptions } from '../../../src/adapters/storage/filesystem/filesystem-backend.js';
import type { HashOutcome, HoldSpec, ListedObject, TargetSession } from '../../../src/app/ports/storage-backend.js';
import { put, sha256 } from '../../helpers/fs-tree.js';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

function tempRoot(t: TestContext): string {
  const base = mkdtempSync(join(tmpdir(), 'shredproof-fs-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const root = join(base, 'root');
  mkdirSync(root);
  return root;
}


function fingerprintOf(path: string): string {
  const st = lstatSync(path, { bigint: true });
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}`;
}

async function open(
  t: TestContext,
  root: string,
  scope: unknown = { include: ['**'], allowAll: true },
  holds: HoldSpec[] = [],
  options: Partial<FilesystemBackendOptions> = {},
): Promise<{ backend: FilesystemBackend; session: TargetSession }> {
  const backend = new FilesystemBackend({ name: 'files', root, threads: 2, ...options });
  t.after(() => backend.close());
  return { backend, session: await backend.openTarget(scope, holds) };
}

async function pages(session: TargetSession): Promise<ListedObject[][]> {
  const out: ListedObject[][] = [];
  for await (const page of session.list()) out.push(page);
  return out;
}

function hashed(o: HashOutcome | undefined): Extract<HashOutcome, { status: 'hashed' }> {
  assert.equal(o?.status, 'hashed', JSON.stringify(o));
  return o as Extract<HashOutcome, { status: 'hashed' }>;
}

const hold = (id: string, include: string[]): HoldSpec => ({ id, reason: 'litigation', target: 'files', match: { include } });

describe('FilesystemBackend', () => {
  it('describes itself honestly', async (t) => {
    const { backend } = await open(t, tempRoot(t));
    assert.equal(backend.kind, 'filesystem');
    assert.equal(backend.method, 'unlink');
    const text = backend.persistence.join('\n');
    for (const re of [/does not overwrite/, /SSD/, /TRIM/, /copy-on-write/, /snapshot/, /backups/, /hard link/, /not a NIST SP 800-88 Clear or Purge/]) {
      assert.match(text, re);
    }
  });

  it('realpaths the root and refuses a root that is not a directory', (t) => {
    const root = tempRoot(t);
    const alias = join(dirname(root), 'alias');
    symlinkSync(root, alias);
    const backend = new FilesystemBackend({ name: 'files', root: alias });
    t.after(() => backend.close());
    assert.equal(backend.root, realpathSync(root));
    assert.throws(() => new FilesystemBackend({ name: 'files', root: join(root, 'missing') }), { code: 'ENOENT' });
    assert.throws(() => new FilesystemBackend({ name: 'files', root: put(root, 'file') }), /not a directory/);
  });

  it('openTarget names every bad field of the scope and holds', async (t) => {
    const backend = new FilesystemBackend({ name: 'files', root: tempRoot(t) });
    t.after(() => backend.close());
    await assert.rejects(
      backend.openTarget({ include: ['ok/**', '/abs/**', 'a/../b'], exclude: ['x\\y'], bogus: 1 }, [hold('h', ['fine']), hold('h2', ['../..'])]),
      (e: unknown) => {
        assert.ok(e instanceof ValidationError);
        assert.deepEqual(e.fields.map((f) => f.path).sort(), [
          '$.holds[1].match.include[0]',
          '$.scope.bogus',
          '$.scope.exclude[0]',
          '$.scope.include[1]',
          '$.scope.include[2]',
        ]);
        return true;
      },
    );
  });

  it('lists regular files depth-first by name, in bounded pages, the same every time', async (t) => {
    const root = tempRoot(t);
    for (const rel of ['b.txt', 'a/z', 'a/b/c', 'a/b/a', 'a-c', 'A', '.hidden/x', 'sp ace/ü.txt', 'new\nline', 'c/empty']) put(root, rel);
    writeFileSync(join(root, 'c/empty'), '');
    mkdirSync(join(root, 'e'));
    const { session } = await open(t, root, { include: ['**'], allowAll: true }, [], { pageSize: 3 });
    const first = await pages(session);
    assert.deepEqual(
      first.map((p) => p.length),
      [3, 3, 3, 1],
    );
    const all = first.flat();
    assert.deepEqual(
      all.map((o) => o.locator),
      ['.hidden/x', 'A', 'a/b/a', 'a/b/c', 'a/z', 'a-c', 'b.txt', 'c/empty', 'new\nline', 'sp ace/ü.txt'],
    );
    for (const o of all) assert.equal(o.size, lstatSync(join(root, o.locator)).size, o.locator);
    assert.equal(all.find((o) => o.locator === 'c/empty')?.size, 0);
    assert.deepEqual(await pages(session), first);
  });

  it('streams: directories further on are read only when the walk gets there', async (t) => {
    const root = tempRoot(t);
    for (const rel of ['a/1', 'a/2', 'a/3', 'y/gone', 'z/late', 'z/stays']) put(root, rel);
    const skipped: string[] = [];
    const { session } = await open(t, root, { include: ['**'], allowAll: true }, [], { pageSize: 2, onSkip: (l, r) => skipped.push(`${l}: ${r}`) });
    const seen: string[] = [];
    for await (const page of session.list()) {
      assert.ok(page.length <= 2);
      if (seen.length === 0) {
        unlinkSync(join(root, 'z/late'));
        rmSync(join(root, 'y'), { recursive: true });
      }
      seen.push(...page.map((o) => o.locator));
    }
    assert.deepEqual(seen, ['a/1', 'a/2', 'a/3', 'z/stays']);
    assert.deepEqual(skipped, ['y: directory vanished while listing']);
  });

  it('lists names that no locator can carry (not UTF-8, backslash) under a stand-in marked unnameable, and reports them', async (t) => {
    const root = tempRoot(t);
    put(root, 'ok');
    writeFileSync(Buffer.concat([Buffer.from(`${root}/bad-`), Buffer.from([0xff, 0xfe])]), 'x');
    put(root, 'back\\slash');
    const skipped: string[] = [];
    const { session } = await open(t, root, { include: ['**'], allowAll: true }, [], { onSkip: (l, r) => skipped.push(`${l}: ${r}`) });
    const listed = (await pages(session)).flat();
    assert.deepEqual(listed.map((o) => [o.locator, o.unnameable !== undefined]), [
      ['\u0000unnameable:back%5Cslash', true],
      ['\u0000unnameable:bad-%FF%FE', true],
      ['ok', false],
    ]);
    assert.deepEqual(skipped, [
      'back\\slash: file cannot be named by a locator: contains a backslash',
      'bad-\uFFFD\uFFFD: file cannot be named by a locator: name is not valid UTF-8',
    ]);
  });

  it('lists only files in scope, prunes excluded directories and reports skipped entries', async (t) => {
    const root = tempRoot(t);
    for (const rel of ['photos/a.jpg', 'photos/b.tmp', 'photos/keep/k.jpg', 'photos/sub/c.jpg', 'other/o.jpg', 'readme']) put(root, rel);
    symlinkSync('../readme', join(root, 'photos/keep/link')); // inside an excluded directory: never seen
    symlinkSync('../readme', join(root, 'other/link')); // outside the scope: never seen
    symlinkSync('../readme', join(root, 'photos/link')); // in scope: reported
    execFileSync('mkfifo', [join(root, 'photos/fifo')]);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(join(root, 'photos/socket'), resolve));
    t.after(() => server.close());
    const skipped: [string, string][] = [];
    const { session } = await open(t, root, { include: ['photos/**'], exclude: ['photos/keep/**', '**/*.tmp'] }, [], {
      onSkip: (locator, reason) => skipped.push([locator, reason]),
    });
    const all = (await pages(session)).flat();
    assert.deepEqual(
      all.map((o) => o.locator),
      ['photos/a.jpg', 'photos/sub/c.jpg'],
    );
    assert.deepEqual(
      skipped.map(([l]) => l),
      ['photos/fifo', 'photos/link', 'photos/socket'],
    );
    assert.match(skipped[0]![1], /fifo/);
    assert.match(skipped[1]![1], /symlink/);
    assert.match(skipped[2]![1], /socket/);
  });

  it('marks held files and never hashes or destroys them', async (t) => {
    const root = tempRoot(t);
    const heldPath = put(root, 'photos/2019/held.jpg', 'keep me');
    put(root, 'photos/2020/free.jpg');
    const { session } = await open(t, root, { include: ['photos/**'] }, [hold('lit-7', ['photos/2019/**'])]);
    assert.deepEqual((await pages(session)).flat(), [
      { locator: 'photos/2019/held.jpg', size: 7, heldBy: 'lit-7' },
      { locator: 'photos/2020/free.jpg', size: 20 },
    ]);
    assert.deepEqual(await session.hash([{ locator: 'photos/2019/held.jpg' }]), [{ status: 'held', holdId: 'lit-7' }]);
    const outcome = await session.destroy([{ locator: 'photos/2019/held.jpg', fingerprint: fingerprintOf(heldPath) }]);
    assert.deepEqual(outcome, [{ status: 'held', holdId: 'lit-7' }]);
    assert.equal(readFileSync(heldPath, 'utf8'), 'keep me');
  });

  it('never hashes or destroys files out of scope', async (t) => {
    const root = tempRoot(t);
    const outPath = put(root, 'other/o.jpg', 'not in the order');
    put(root, 'photos/keep/k.jpg');
    const { session } = await open(t, root, { include: ['photos/**'], exclude: ['photos/keep/**'] });
    for (const locator of ['other/o.jpg', 'photos/keep/k.jpg']) {
      assert.deepEqual(await session.hash([{ locator }]), [{ status: 'out-of-scope' }]);
      const fp = fingerprintOf(join(root, locator));
      assert.deepEqual(await session.destroy([{ locator, fingerprint: fp }]), [{ status: 'out-of-scope' }]);
    }
    assert.equal(readFileSync(outPath, 'utf8'), 'not in the order');
    assert.ok(existsSync(join(root, 'photos/keep/k.jpg')));
  });

  it('hashes, destroys and probes; the fingerprint is dev:ino:size:mtimeNs', async (t) => {
    const root = tempRoot(t);
    const path = put(root, 'd/f.txt', 'hello');
    const { session } = await open(t, root);
    const h = hashed((await session.hash([{ locator: 'd/f.txt' }]))[0]);
    assert.deepEqual(h, { status: 'hashed', sha256: sha256('hello'), size: 5, fingerprint: fingerprintOf(path) });
    assert.deepEqual(await session.probe([{ locator: 'd/f.txt' }]), [{ status: 'present' }]);
    assert.deepEqual(await session.destroy([{ locator: 'd/f.txt', fingerprint: h.fingerprint }]), [{ status: 'destroyed' }]);
    assert.equal(existsSync(path), false);
    assert.ok(existsSync(join(root, 'd')), 'directories are never removed');
    assert.deepEqual(await session.probe([{ locator: 'd/f.txt' }, { locator: 'nope/x' }]), [{ status: 'absent' }, { status: 'absent' }]);
    assert.deepEqual(await session.destroy([{ locator: 'd/f.txt', fingerprint: h.fingerprint }]), [{ status: 'absent' }]);
  });

  it('hashes a 20 MiB file in streaming mode', async (t) => {
    const root = tempRoot(t);
    const reference = createHash('sha256');
    const fd = openSync(join(root, 'big.bin'), 'w');
    let size = 0;
    for (let i = 0; i < 20; i++) {
      const chunk = randomBytes(i === 19 ? (1 << 20) + 12345 : 1 << 20);
      writeSync(fd, chunk);
      reference.update(chunk);
      size += chunk.length;
    }
    closeSync(fd);
    const { session } = await open(t, root);
    const h = hashed((await session.hash([{ locator: 'big.bin' }]))[0]);
    assert.equal(h.sha256, reference.digest('hex'));
    assert.equal(h.size, size);
  });

  it('handles 0-byte files and names with spaces, unicode and newlines', async (t) => {
    const root = tempRoot(t);
    const names = ['empty', 'with space/a b.txt', 'ünïcødé/日本語.txt', 'new\nline/x\ny', 'emoji/😀.txt', ' lead', 'trail '];
    for (const n of names) put(root, n, n === 'empty' ? '' : `content of ${n}`);
    const { session } = await open(t, root);
    const listed = (await pages(session)).flat().map((o) => o.locator);
    assert.deepEqual([...listed].sort(), [...names].sort());
    const hashes = await session.hash(listed.map((locator) => ({ locator })));
    listed.forEach((locator, i) => {
      const h = hashed(hashes[i]);
      assert.equal(h.sha256, locator === 'empty' ? EMPTY_SHA256 : sha256(`content of ${locator}`), locator);
    });
    const destroyed = await session.destroy(listed.map((locator, i) => ({ locator, fingerprint: hashed(hashes[i]).fingerprint })));
    assert.ok(destroyed.every((d) => d.status === 'destroyed'), JSON.stringify(destroyed));
    assert.ok((await session.probe(listed.map((locator) => ({ locator })))).every((p) => p.status === 'absent'));
  });

  it('reports a file that vanished between list and hash as absent', async (t) => {
    const root = tempRoot(t);
    put(root, 'a/gone');
    const { session } = await open(t, root);
    const [listed] = (await pages(session)).flat();
    rmSync(join(root, 'a'), { recursive: true });
    assert.deepEqual(await session.hash([listed!]), [{ status: 'absent' }]);
  });

  it('leaves a file that changed between hash and destroy alone, with its new content', async (t) => {
    const root = tempRoot(t);
    const grown = put(root, 'grown', 'v1');
    const touched = put(root, 'touched', 'same');
    const { session } = await open(t, root);
    const [g, u] = (await session.hash([{ locator: 'grown' }, { locator: 'touched' }])).map(hashed);
    writeFileSync(grown, 'version 2');
    writeFileSync(touched, 'SAME');
    utimesSync(touched, new Date(), new Date(Date.now() + 5000)); // same size: only mtime tells
    const outcome = await session.destroy([
      { locator: 'grown', fingerprint: g!.fingerprint },
      { locator: 'touched', fingerprint: u!.fingerprint },
    ]);
    assert.deepEqual(outcome, [{ status: 'changed' }, { status: 'changed' }]);
    assert.equal(readFileSync(grown, 'utf8'), 'version 2');
    assert.equal(readFileSync(touched, 'utf8'), 'SAME');
  });

  it('refuses a file replaced by a directory, before and after hashing', async (t) => {
    const root = tempRoot(t);
    const early = put(root, 'early');
    const late = put(root, 'late');
    const { session } = await open(t, root);
    const h = hashed((await session.hash([{ locator: 'late' }]))[0]);
    for (const p of [early, late]) {
      unlinkSync(p);
      put(root, `${p.slice(root.length + 1)}/inner`, 'inner');
    }
    const [e] = await session.hash([{ locator: 'early' }]);
    assert.equal(e?.status === 'error' && e.code, 'NOT_REGULAR_FILE');
    assert.equal(e?.status === 'error' && e.transient, false);
    assert.deepEqual(await session.destroy([{ locator: 'late', fingerprint: h.fingerprint }]), [{ status: 'changed' }]);
    assert.equal(readFileSync(join(late, 'inner'), 'utf8'), 'inner');
  });

  it('refuses hard-linked files: unlinking one name would not destroy the content', async (t) => {
    const root = tempRoot(t);
    const a = put(root, 'a', 'shared');
    linkSync(a, join(root, 'b'));
    const single = put(root, 'single', 'mine');
    const { session } = await open(t, root);
    const [ha] = await session.hash([{ locator: 'a' }]);
    assert.equal(ha?.status, 'error');
    if (ha?.status === 'error') {
      assert.equal(ha.code, 'HARDLINKED');
      assert.equal(ha.transient, false);
      assert.match(ha.message, /would not destroy/);
    }
    const hs = hashed((await session.hash([{ locator: 'single' }]))[0]);
    linkSync(single, join(root, 'link-added-later'));
    const d = await session.destroy([
      { locator: 'a', fingerprint: fingerprintOf(a) },
      { locator: 'single', fingerprint: hs.fingerprint },
    ]);
    assert.deepEqual(d.map((o) => (o.status === 'error' ? o.code : o.status)), ['HARDLINKED', 'HARDLINKED']);
    for (const n of ['a', 'b', 'single', 'link-added-later']) assert.ok(existsSync(join(root, n)), n);
  });

  it('destroys a file whose mtime precedes 1970 (negative mtimeNs in the fingerprint)', async (t) => {
    const root = tempRoot(t);
    const path = put(root, 'old');
    utimesSync(path, new Date('1960-05-01T00:00:00.5Z'), new Date('1960-05-01T00:00:00.5Z'));
    const { session } = await open(t, root);
    const h = hashed((await session.hash([{ locator: 'old' }]))[0]);
    assert.match(h.fingerprint, /:-\d+$/);
    assert.deepEqual(await session.destroy([{ locator: 'old', fingerprint: h.fingerprint }]), [{ status: 'destroyed' }]);
    assert.equal(existsSync(path), false);
  });

  it('refuses malformed fingerprints and leaves the file alone', async (t) => {
    const root = tempRoot(t);
    const path = put(root, 'f');
    const { session } = await open(t, root);
    const d = await session.destroy(['', 'x', '1:2:3', '1:2:3:4:5', undefined].map((fingerprint) => ({ locator: 'f', fingerprint: fingerprint as string })));
    assert.deepEqual(d.map((o) => (o.status === 'error' ? o.code : o.status)), Array(5).fill('FINGERPRINT_INVALID'));
    assert.ok(existsSync(path));
  });

  // Root ignores permission bits, and a container's root usually lacks
  // CAP_LINUX_IMMUTABLE (chattr): the scenario runs in a child process, as
  // nobody (uid 65534) when the tests run as root.
  it('reports permission failures as permanent errors with their code', (t) => {
    const root = tempRoot(t);
    chmodSync(dirname(root), 0o755);
    const locked = put(root, 'locked/f', 'x');
    const secret = put(root, 'secret', 'unreadable');
    chmodSync(secret, 0o600);
    chmodSync(join(root, 'locked'), 0o555);
    const asRoot = process.getuid?.() === 0;
    const script = `
      const { FilesystemBackend } = await import(${JSON.stringify(new URL('../../../src/adapters/storage/filesystem/filesystem-backend.ts', import.meta.url).href)});
      const backend = new FilesystemBackend({ name: 'files', root: ${JSON.stringify(root)}, threads: 1 });
      const session = await backend.openTarget({ include: ['**'], allowAll: true }, []);
      const [h, s] = await session.hash([{ locator: 'locked/f' }, { locator: 'secret' }]);
      const [d] = await session.destroy([{ locator: 'locked/f', fingerprint: h.fingerprint }]);
      console.log(JSON.stringify({ h, s, d }));
      await backend.close();`;
    let r: SpawnSyncReturns<string>;
    try {
      r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', script], {
        cwd: dirname(root),
        env: { ...process.env, NODE_OPTIONS: '', HOME: dirname(root) },
        encoding: 'utf8',
        timeout: 60_000,
        ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
      });
    } finally {
      chmodSync(join(root, 'locked'), 0o755); // so that the temp dir can be removed
    }
    assert.equal(r.status, 0, r.stderr);
    const { h, s, d } = JSON.parse(r.stdout.trim().split('\n').pop()!);
    assert.equal(h.status, 'hashed');
    assert.deepEqual([s.status, s.code, s.transient], ['error', 'EACCES', false]);
    assert.deepEqual([d.status, d.code, d.transient], ['error', 'EACCES', false]);
    assert.equal(readFileSync(locked, 'utf8'), 'x');
    assert.equal(readFileSync(secret, 'utf8'), 'unreadable');
  });

  it('probes: a file as a parent directory means absent', async (t) => {
    const root = tempRoot(t);
    put(root, 'file');
    mkdirSync(join(root, 'dir'));
    const { session } = await open(t, root);
    assert.deepEqual(await session.probe([{ locator: 'file/x' }, { locator: 'dir' }, { locator: 'file' }]), [
      { status: 'absent' },
      { status: 'present' },
      { status: 'present' },
    ]);
  });

  it('answers in item order across threads and concurrent batches', async (t) => {
    const root = tempRoot(t);
    const locators = Array.from({ length: 300 }, (_, i) => `d${i % 7}/f${i}`);
    for (const l of locators) put(root, l, `content ${l}`);
    const { session } = await open(t, root, { include: ['d*/**'] }, [hold('h', ['d3/**'])], { threads: 4 });
    const mixed = [...locators].reverse().flatMap((l, i) => (i % 50 === 0 ? [l, '../escape', 'outside-scope'] : [l]));
    const [r1, r2, r3] = await Promise.all([session.hash(mixed.map((locator) => ({ locator }))), session.hash([{ locator: 'd0/f0' }]), session.probe(mixed.map((locator) => ({ locator })))]);
    assert.equal(r1.length, mixed.length);
    mixed.forEach((l, i) => {
      const o = r1[i]!;
      if (l === '../escape') assert.equal(o.status === 'error' && o.code, 'LOCATOR_INVALID');
      else if (l === 'outside-scope') assert.deepEqual(o, { status: 'out-of-scope' });
      else if (l.startsWith('d3/')) assert.deepEqual(o, { status: 'held', holdId: 'h' });
      else assert.equal(hashed(o).sha256, sha256(`content ${l}`), l);
    });
    assert.equal(hashed(r2[0]).sha256, sha256('content d0/f0'));
    assert.deepEqual(
      r3.map((p) => p.status),
      mixed.map((l) => (l === '../escape' ? 'error' : l === 'outside-scope' ? 'absent' : 'present')),
    );
  });

  it('refuses every object, permanently, once the root was replaced after the target was opened', async (t) => {
    const root = tempRoot(t);
    put(root, 'f');
    const { session } = await open(t, root);
    const fp = fingerprintOf(join(root, 'f'));
    renameSync(root, `${root}-moved`);
    put(root, 'f');
    for (const outcomes of [await session.hash([{ locator: 'f' }]), await session.destroy([{ locator: 'f', fingerprint: fp }]), await session.probe([{ locator: 'f' }])]) {
      assert.deepEqual(outcomes.map((o) => o.status === 'error' && [o.code, o.transient]), [['ROOT_CHANGED', false]]);
    }
    assert.ok(existsSync(join(root, 'f')));
    assert.ok(existsSync(join(`${root}-moved`, 'f')));
  });

  it('refuses work once closed', async (t) => {
    const root = tempRoot(t);
    const { backend, session } = await open(t, root);
    await session.close();
    await assert.rejects(session.hash([{ locator: 'f' }]), /closed/);
    await backend.close();
    await assert.rejects(backend.openTarget({ include: ['**'], allowAll: true }, []), /closed/);
  });
});
