// Filesystem scopes from a hostile or careless order (issue 11): glob
// patterns whose matching used to take exponential time (findings 3), and
// scopes that match every file without saying allowAll (finding 18). Real
// files in a fresh temp dir; bad input must be refused naming its field and
// change nothing.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { ValidationError } from '../../../packages/verify/src/core/errors.js';
import { FilesystemBackend } from '../../../src/adapters/storage/filesystem/filesystem-backend.js';
import type { HoldSpec, ListedObject, TargetSession } from '../../../src/app/ports/storage-backend.js';

function tree(t: TestContext, files: readonly string[]): { root: string; backend: FilesystemBackend } {
  const base = mkdtempSync(join(tmpdir(), 'shredproof-hostile-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const root = join(base, 'root');
  for (const f of files) {
    mkdirSync(dirname(join(root, f)), { recursive: true });
    writeFileSync(join(root, f), `content of ${f}`);
  }
  const backend = new FilesystemBackend({ name: 'files', root, threads: 2 });
  t.after(() => backend.close());
  return { root, backend };
}

const hold = (id: string, include: string[]): HoldSpec => ({ id, reason: 'litigation', target: 'files', match: { include } });

async function listAll(session: TargetSession): Promise<ListedObject[]> {
  const out: ListedObject[] = [];
  for await (const page of session.list()) out.push(...page);
  return out;
}

/** The ValidationError's fields as path -> problem; fails if openTarget does not refuse. */
async function refusal(p: Promise<TargetSession>): Promise<Map<string, string>> {
  const e = await p.then(
    () => assert.fail('expected a ValidationError'),
    (err: unknown) => err,
  );
  assert.ok(e instanceof ValidationError, `expected a ValidationError, got ${String(e)}`);
  assert.equal(e.code, 'VALIDATION_FAILED');
  return new Map(e.fields.map((f) => [f.path, f.problem]));
}

/** Every file under root with its content, to show that a refusal changed nothing. */
function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, d.name);
      if (d.isDirectory()) walk(p);
      else out.set(p, readFileSync(p, 'utf8'));
    }
  };
  walk(root);
  return out;
}

const A64 = 'a'.repeat(64);
const B = `${'a'.repeat(63)}b`;
const C = `${'a'.repeat(62)}bc`;
const STARS = '*a'.repeat(6); // picomatch: 9.4 s for one 64-character name that does not match

describe('filesystem: glob patterns that took exponential time (issue 11, finding 3)', () => {
  it('plans, hashes and destroys with hostile but valid patterns within a second', { timeout: 120_000 }, async (t) => {
    const { root, backend } = tree(t, [A64, B, C, `d/${A64}`]);
    const started = performance.now();
    const session = await backend.openTarget(
      { include: [`${STARS}*b`, `${STARS}*c`], exclude: [`${STARS}*d`] },
      [hold('h', [`${'{*a,*b}'.repeat(6)}c`])],
    );
    const listed = await listAll(session);
    const [h] = await session.hash([{ locator: B }]);
    assert.equal(h?.status, 'hashed', JSON.stringify(h));
    const [d] = await session.destroy([{ locator: B, fingerprint: (h as { fingerprint: string }).fingerprint }]);
    const ms = performance.now() - started;
    assert.deepEqual(listed.map((o) => [o.locator, o.heldBy ?? null]), [
      [B, null],
      [C, 'h'],
    ]);
    assert.deepEqual(d, { status: 'destroyed' });
    assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
    assert.equal(readFileSync(join(root, C), 'utf8'), `content of ${C}`);
  });

  it('refuses extglobs and groups in scope, exclude and holds within a second, naming each field, and changes nothing', async (t) => {
    const { root, backend } = tree(t, [A64, B, 'ok/x']);
    const before = snapshot(root);
    const started = performance.now();
    const problems = await refusal(
      backend.openTarget(
        { include: [`${'@(*|*)'.repeat(20)}b`, 'ok/**', '{*,*}{a,(b|c)}'], exclude: ['+(a|b)*'] },
        [hold('h0', ['ok/**']), hold('h1', ['x/*(a|aa)', '[!a]*'])],
      ),
    );
    assert.ok(performance.now() - started < 1000);
    assert.deepEqual([...problems.keys()].sort(), [
      '$.holds[1].match.include[0]',
      '$.holds[1].match.include[1]',
      '$.scope.exclude[0]',
      '$.scope.include[0]',
      '$.scope.include[2]',
    ]);
    assert.match(problems.get('$.scope.include[0]')!, /extglob/);
    assert.match(problems.get('$.scope.include[2]')!, /'\('/);
    assert.match(problems.get('$.scope.exclude[0]')!, /extglob/);
    assert.match(problems.get('$.holds[1].match.include[0]')!, /extglob/);
    assert.match(problems.get('$.holds[1].match.include[1]')!, /\[\^\.\.\.\]/);
    assert.deepEqual(snapshot(root), before);
  });
});

describe('filesystem: a scope that could match every file needs allowAll (issue 11, finding 18)', () => {
  const EVERYTHING = ['**', '**/*', '*/**', '**/**', '?*/**', '**/?*', '*', '?*', '[^x]*/**', '[^]]*/**', '{a,*}/**', '{*,?}/**', '*/*'];

  it('refuses each spelling of "everything" without allowAll, naming the field, and changes nothing', async (t) => {
    const { root, backend } = tree(t, ['a', 'users/u1/p.jpg', 'x/y/z']);
    const before = snapshot(root);
    for (const pattern of EVERYTHING) {
      const problems = await refusal(backend.openTarget({ include: ['users/**', pattern] }, []));
      assert.deepEqual([...problems.keys()], ['$.scope.include[1]'], pattern);
      assert.match(problems.get('$.scope.include[1]')!, /could match every file.*allowAll/, pattern);
    }
    // A '.' segment is refused as before, whatever allowAll says.
    assert.ok((await refusal(backend.openTarget({ include: ['./**'], allowAll: true }, []))).has('$.scope.include[0]'));
    assert.deepEqual(snapshot(root), before);
  });

  it('accepts them with allowAll: true, and lists what they match', async (t) => {
    const { backend } = tree(t, ['a', 'users/u1/p.jpg', 'x/y/z']);
    for (const pattern of ['**', '**/*', '*/**', '?*/**', '{a,*}/**']) {
      const session = await backend.openTarget({ include: [pattern], allowAll: true }, []);
      assert.deepEqual((await listAll(session)).map((o) => o.locator), ['a', 'users/u1/p.jpg', 'x/y/z'], pattern);
    }
  });

  it('lets patterns that fix a character, excludes and holds through; allowAll must be a boolean', async (t) => {
    const { backend } = tree(t, ['a', 'users/u1/p.jpg', 'x/y/z']);
    for (const pattern of ['users/**', '**/*.jpg', '[u]*/**', '{users,x}/**', '*/u1/*']) {
      await (await backend.openTarget({ include: [pattern], exclude: ['**'] }, [hold('h', ['**', '*/**'])])).close();
    }
    const problems = await refusal(backend.openTarget({ include: ['**'], allowAll: 'yes' }, []));
    assert.deepEqual([...problems.keys()].sort(), ['$.scope.allowAll', '$.scope.include[0]']);
  });
});
