// Pure scope, hold and locator rules of the filesystem backend.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ValidationError } from '../../../packages/verify/src/core/errors.js';
import { fsError } from '../../../src/adapters/storage/filesystem/errno.js';
import { locatorProblem } from '../../../src/adapters/storage/filesystem/locator.js';
import {
  compileHolds,
  compileScope,
  compileTarget,
  heldBy,
  matchesScope,
  mayContainInScope,
  patternProblem,
} from '../../../src/adapters/storage/filesystem/scope.js';

function validationPaths(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ValidationError, `expected ValidationError, got ${String(e)}`);
    assert.equal(e.code, 'VALIDATION_FAILED');
    return e.fields.map((f) => f.path);
  }
  assert.fail('expected a ValidationError');
}

describe('filesystem scope validation', () => {
  it('names every bad field of a scope at once', () => {
    const paths = validationPaths(() =>
      compileScope({
        include: ['/etc/**', 'ok/**', 'a/../b', 'a\\b', 'a\u0000b', '', 7, '!neg/**', 'trail/', './x', 'a//b', 'x\uD800'],
        exclude: ['../..', 'fine/**', '/abs'],
        extra: true,
        'weird key': 1,
      }),
    );
    assert.deepEqual(paths.sort(), [
      '$.scope.exclude[0]',
      '$.scope.exclude[2]',
      '$.scope.extra',
      '$.scope.include[0]',
      '$.scope.include[10]',
      '$.scope.include[11]',
      '$.scope.include[2]',
      '$.scope.include[3]',
      '$.scope.include[4]',
      '$.scope.include[5]',
      '$.scope.include[6]',
      '$.scope.include[7]',
      '$.scope.include[8]',
      '$.scope.include[9]',
      '$.scope["weird key"]',
    ]);
  });

  it('requires a non-empty include array and an object scope', () => {
    assert.deepEqual(validationPaths(() => compileScope({ include: [] })), ['$.scope.include']);
    assert.deepEqual(validationPaths(() => compileScope({})), ['$.scope.include']);
    assert.deepEqual(validationPaths(() => compileScope({ include: 'a/**' })), ['$.scope.include']);
    assert.deepEqual(validationPaths(() => compileScope({ include: ['a'], exclude: 'b' })), ['$.scope.exclude']);
    assert.deepEqual(validationPaths(() => compileScope(null)), ['$.scope']);
    assert.deepEqual(validationPaths(() => compileScope(['a/**'])), ['$.scope']);
  });

  it('validates holds like scopes, and reports scope and hold problems together', () => {
    const holds = [
      { id: 'h0', reason: 'r', target: 'fs', match: { include: ['ok/**'] } },
      { id: 'h1', reason: 'r', target: 'fs', match: { include: ['fine', '../up'], prefix: 'x' } },
      { id: '', reason: 'r', target: 'fs', match: { include: [] } },
      { id: 'h3', reason: 'r', target: 'fs', match: 'a/**' },
    ];
    const paths = validationPaths(() => compileTarget({ include: ['/abs'] }, holds));
    assert.deepEqual(paths.sort(), [
      '$.holds[1].match.include[1]',
      '$.holds[1].match.prefix',
      '$.holds[2].id',
      '$.holds[2].match.include',
      '$.holds[3].match',
      '$.scope.include[0]',
    ]);
    assert.deepEqual(validationPaths(() => compileHolds([holds[1]!])).sort(), ['$.holds[0].match.include[1]', '$.holds[0].match.prefix']);
  });

  it('accepts ordinary patterns', () => {
    for (const p of ['**', 'photos/**', '*.jpg', 'a/{b,c}/*.txt', '.hidden/**', 'x y/ünï/**', 'a\nb', '[^x]*', 'a{,s}', '[]a]', '[(]x[)]']) {
      assert.equal(patternProblem(p), undefined, p);
    }
  });
});

describe('filesystem scope matching', () => {
  const scope = compileScope({ include: ['photos/**', 'docs/*.txt'], exclude: ['photos/keep/**', '**/*.tmp'] });

  it('includes, excludes, dot files and odd names', () => {
    assert.equal(matchesScope(scope, 'photos/a.jpg'), true);
    assert.equal(matchesScope(scope, 'photos/.hidden/x'), true);
    assert.equal(matchesScope(scope, 'photos/with\nnewline'), true);
    assert.equal(matchesScope(scope, 'photos/sp ace/ünï.jpg'), true);
    assert.equal(matchesScope(scope, 'photos/keep/a.jpg'), false);
    assert.equal(matchesScope(scope, 'photos/x.tmp'), false);
    assert.equal(matchesScope(scope, 'docs/a.txt'), true);
    assert.equal(matchesScope(scope, 'docs/sub/a.txt'), false);
    assert.equal(matchesScope(scope, 'other/a.jpg'), false);
  });

  it('never matches an invalid locator, whatever the pattern', () => {
    const all = compileScope({ include: ['**', '*', '**/*', '.*/**', '*/.*'], allowAll: true });
    for (const bad of ['../x', 'photos/../../x', '/etc/passwd', 'a\\..\\x', 'a\u0000b', '', 'a//b', './a']) {
      assert.equal(matchesScope(all, bad), false, JSON.stringify(bad));
    }
  });

  it('heldBy names the first hold that covers a locator', () => {
    const holds = compileHolds([
      { id: 'litigation-1', reason: 'r', target: 'fs', match: { include: ['photos/2019/**'] } },
      { id: 'litigation-2', reason: 'r', target: 'fs', match: { include: ['**/*.raw', 'photos/2019/a.jpg'] } },
    ]);
    assert.equal(heldBy(holds, 'photos/2019/a.jpg'), 'litigation-1');
    assert.equal(heldBy(holds, 'photos/2020/a.raw'), 'litigation-2');
    assert.equal(heldBy(holds, 'photos/2020/a.jpg'), undefined);
    assert.equal(heldBy([], 'photos/2019/a.jpg'), undefined);
  });

  it('prunes only directories that cannot hold files in scope', () => {
    assert.equal(mayContainInScope(scope, 'photos'), true);
    assert.equal(mayContainInScope(scope, 'photos/2019'), true);
    assert.equal(mayContainInScope(scope, 'photos/keep'), false);
    assert.equal(mayContainInScope(scope, 'docs'), true);
    assert.equal(mayContainInScope(scope, 'other'), false);
    const deep = compileScope({ include: ['a/b/c/*.txt'] });
    assert.equal(mayContainInScope(deep, 'a'), true);
    assert.equal(mayContainInScope(deep, 'a/b'), true);
    assert.equal(mayContainInScope(deep, 'a/x'), false);
  });

  // Pruning must never hide a file in scope: for any patterns and any path, a
  // matching path's ancestors are all walked.
  it('property: no ancestor of a file in scope is pruned', () => {
    const segment = fc.constantFrom('a', 'b', 'ab', '.a', 'a.b', 'a\nb', 'a b', 'é', '(a)', '{a,b}', 'a+', '@a', '[a]', '$a', '^a', '[', ']', '(', '{', 'a,b', 'a|b');
    const globSegment = fc.oneof(
      segment,
      fc.constantFrom('*', '**', 'a*', '*b', '?', '{a,b}', '[ab]', '{a,}', '{*,b}', '[(]*', '.*', '{a,.a}', '[^a]*', '[[]*', '*]', '{a,{b,*}}', '[a-z]*'),
    );
    const pattern = fc.array(globSegment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));
    const segments = fc.array(segment, { minLength: 1, maxLength: 5 });
    // One include pattern is derived from the path itself, so that many cases match.
    // A segment as a glob that matches exactly it: the characters that are glob syntax, in a class.
    const literal = (seg: string): string => seg.replace(/[[({})|*?]/g, (c) => `[${c}]`);
    const first = (seg: string): string => (seg[0] === '^' ? '?' : `[${seg[0]}]`);
    const derive = (segs: string[], how: number[]): string =>
      segs.map((seg, i) => [literal(seg), '*', '**', `{${literal(seg)},zz}`, `${literal(seg.slice(0, 1))}*`, '?*', `${first(seg)}*`][how[i % how.length]! % 7]!).join('/');
    const scenario = fc.tuple(
      segments,
      fc.array(fc.nat(6), { minLength: 1, maxLength: 5 }),
      fc.array(pattern, { maxLength: 2 }),
      fc.array(pattern, { maxLength: 3 }),
    );
    let deepMatches = 0;
    fc.assert(
      fc.property(scenario, ([segs, how, extra, exclude]) => {
        const p = segs.join('/');
        const include = [derive(segs, how), ...extra];
        fc.pre([...include, ...exclude].every((x) => patternProblem(x) === undefined));
        const s = compileScope({ include, exclude, allowAll: true });
        if (!matchesScope(s, p)) return;
        const parts = p.split('/');
        if (parts.length > 1) deepMatches++;
        for (let i = 1; i < parts.length; i++) {
          const dir = parts.slice(0, i).join('/');
          assert.ok(mayContainInScope(s, dir), `${JSON.stringify(dir)} pruned but ${JSON.stringify(p)} is in scope of ${JSON.stringify({ include, exclude })}`);
        }
      }),
      { numRuns: 4000 },
    );
    assert.ok(deepMatches > 500, `only ${deepMatches} nested paths matched: the property checked too little`);
  });
});

describe('filesystem locators', () => {
  it('refuses every injection', () => {
    for (const bad of ['../x', '/etc/passwd', 'a/../../x', 'a\\..\\x', 'a\u0000b', '', '.', '../..', './x', 'a/.', 'a//b', 'a/', 'x\uDC00', 42, null]) {
      assert.notEqual(locatorProblem(bad), undefined, JSON.stringify(bad));
    }
    for (const good of ['a', 'a/b.jpg', '.hidden', 'a/..b', '...', 'sp ace/ü\nx', '\uD83D\uDE00']) {
      assert.equal(locatorProblem(good), undefined, JSON.stringify(good));
    }
  });

  it('classifies fs errors as transient or permanent', () => {
    for (const code of ['EIO', 'EMFILE', 'EAGAIN', 'EBUSY']) assert.equal(fsError(Object.assign(new Error(), { code }), 'open', 'a').transient, true, code);
    for (const code of ['EACCES', 'EPERM', 'EROFS']) assert.equal(fsError(Object.assign(new Error(), { code }), 'open', 'a').transient, false, code);
    const e = fsError(Object.assign(new Error(), { code: 'EACCES' }), 'unlink', 'a/b');
    assert.equal(e.code, 'EACCES');
    assert.equal(e.status, 'error');
  });
});
