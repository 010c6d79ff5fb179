// Scope and legal-hold matching for the filesystem backend. Pure: no I/O, so
// the engine and the tests can use it as is.
//
// A scope is `{ include: globs[], exclude?: globs[] }`, globs relative to the
// backend root (picomatch, dot: true). A hold's `match` is `{ include: globs[] }`.
// Scopes and holds come from orders, i.e. from people: every bad field is
// reported at once, with its JSON path.

import picomatch from 'picomatch';
import { ValidationError, type FieldProblem } from '../../core/errors.js';
import type { HoldSpec } from '../../ports/storage-backend.js';
import { isValidLocator, isWellFormedUnicode } from './locator.js';
import { holdMatchProblems, isPlainObject, propPath, unknownKeys } from '../shape.js';

export interface FileScope {
  include: string[];
  exclude?: string[];
}

type Matcher = (locator: string) => boolean;

export interface CompiledScope {
  readonly scope: FileScope;
  readonly include: readonly Matcher[];
  readonly exclude: readonly Matcher[];
  /** Static directory prefix of each include pattern ('' = anywhere), for pruning the walk. */
  readonly includeBases: readonly string[];
  /** For each exclude pattern `P/**`: the matcher of P. A directory matched by one is excluded whole. */
  readonly excludeDirs: readonly Matcher[];
}

export interface CompiledHold {
  readonly id: string;
  readonly include: readonly Matcher[];
}

// windows: false is explicit because picomatch 4 otherwise asks the platform.
// flags 's': picomatch writes `**` with a regex `.`; without dotAll a file name
// containing a newline would silently fall outside `**`.
const GLOB_OPTIONS = { dot: true, nonegate: true, windows: false, flags: 's' } as const;
const MAX_PATTERN_LENGTH = 4096;
const SCOPE_KEYS = new Set(['include', 'exclude']);
const HOLD_MATCH_KEYS = new Set(['include']);

/** Why a glob pattern is refused, or undefined when it is acceptable. */
export function patternProblem(pattern: unknown): string | undefined {
  if (typeof pattern !== 'string') return 'must be a string';
  if (pattern.length === 0) return 'must not be empty';
  if (pattern.length > MAX_PATTERN_LENGTH) return `too long (${pattern.length} characters, max ${MAX_PATTERN_LENGTH})`;
  if (!isWellFormedUnicode(pattern)) return 'must be well-formed Unicode';
  if (pattern.includes('\0')) return 'must not contain NUL';
  if (pattern.includes('\\')) return 'must not contain a backslash';
  if (pattern.startsWith('/')) return 'must be relative to the backend root, not absolute';
  if (pattern.startsWith('!')) return "must not start with '!' (negation is not supported; use exclude)";
  for (const segment of pattern.split('/')) {
    if (segment === '..') return "must not contain a '..' segment";
    if (segment === '.') return "must not contain a '.' segment";
    if (segment === '') return "must not contain an empty segment (to match a directory's files write 'dir/**')";
  }
  return undefined;
}

function checkPatterns(value: unknown, path: string, requireNonEmpty: boolean, problems: FieldProblem[]): void {
  if (!Array.isArray(value)) {
    problems.push({ path, problem: 'must be an array of glob patterns' });
    return;
  }
  if (requireNonEmpty && value.length === 0) problems.push({ path, problem: 'must not be empty' });
  value.forEach((pattern, i) => {
    const problem = patternProblem(pattern);
    if (problem !== undefined) problems.push({ path: `${path}[${i}]`, problem });
  });
}

/** Problems of a scope value, each with its JSON path under `path`. */
export function scopeProblems(scope: unknown, path = '$.scope'): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!isPlainObject(scope)) return [{ path, problem: 'must be an object { include, exclude? }' }];
  for (const key of Object.keys(scope)) {
    if (!SCOPE_KEYS.has(key)) problems.push({ path: propPath(path, key), problem: 'unknown key' });
  }
  if (!('include' in scope)) problems.push({ path: `${path}.include`, problem: 'is required' });
  else checkPatterns(scope.include, `${path}.include`, true, problems);
  if ('exclude' in scope && scope.exclude !== undefined) checkPatterns(scope.exclude, `${path}.exclude`, false, problems);
  return problems;
}

/** Problems of the holds given to one target; `$.holds[i].match.include[j]` etc. */
export function holdProblems(holds: unknown, path = '$.holds'): FieldProblem[] {
  return holdMatchProblems(holds, path, '{ include } for a filesystem target', (match, at, problems) => {
    unknownKeys(match, HOLD_MATCH_KEYS, at, problems);
    if (!('include' in match)) problems.push({ path: `${at}.include`, problem: 'is required' });
    else checkPatterns(match.include, `${at}.include`, true, problems);
  });
}

function compileMatcher(pattern: string): Matcher {
  return picomatch(pattern, GLOB_OPTIONS);
}

// Pruning is an optimisation that must never hide a file in scope, so it
// trusts only what is certain. picomatch.scan() was tried for the static base
// and got unbalanced brackets wrong ('[*/a' has base '[*/a' but matches '[x/a').
const GLOB_CHARS = /[*?[\]{}()!+@|$^,]/;

/** The leading segments of a pattern that contain no glob syntax at all ('' when the first one does). */
function literalBase(pattern: string): string {
  const segments = pattern.split('/');
  const literal: string[] = [];
  // The last segment names files, not a directory to descend into.
  for (const segment of segments.slice(0, -1)) {
    if (GLOB_CHARS.test(segment)) break;
    literal.push(segment);
  }
  return literal.join('/');
}

/** An exclude `P/**` whose P uses only `*`, `?` and literal characters excludes every directory P matches, whole. */
function prunesDirectories(pattern: string): boolean {
  return pattern.endsWith('/**') && !/[[\]{}()!+@|]/.test(pattern.slice(0, -3));
}

function compileValidScope(scope: FileScope): CompiledScope {
  const exclude = scope.exclude ?? [];
  return {
    scope: { include: [...scope.include], ...(scope.exclude ? { exclude: [...scope.exclude] } : {}) },
    include: scope.include.map(compileMatcher),
    exclude: exclude.map(compileMatcher),
    includeBases: scope.include.map(literalBase),
    excludeDirs: exclude.filter(prunesDirectories).map((p) => compileMatcher(p.slice(0, -3))),
  };
}

/** Validates and compiles a scope; throws ValidationError naming every bad field. */
export function compileScope(scope: unknown): CompiledScope {
  const problems = scopeProblems(scope);
  if (problems.length > 0) throw new ValidationError('invalid filesystem scope', problems);
  return compileValidScope(scope as FileScope);
}

/** Validates and compiles holds; throws ValidationError naming every bad field. */
export function compileHolds(holds: readonly HoldSpec[]): CompiledHold[] {
  const problems = holdProblems(holds);
  if (problems.length > 0) throw new ValidationError('invalid legal holds for a filesystem target', problems);
  return holds.map((h) => ({ id: h.id, include: (h.match as { include: string[] }).include.map(compileMatcher) }));
}

/** Validates scope and holds together, so that one error lists the problems of both. */
export function compileTarget(scope: unknown, holds: readonly HoldSpec[]): { scope: CompiledScope; holds: CompiledHold[] } {
  const problems = [...scopeProblems(scope), ...holdProblems(holds)];
  if (problems.length > 0) throw new ValidationError('invalid filesystem target', problems);
  return { scope: compileValidScope(scope as FileScope), holds: compileHolds(holds) };
}

/** True when the locator is well formed, matches an include and no exclude. */
export function matchesScope(scope: CompiledScope, locator: string): boolean {
  if (!isValidLocator(locator)) return false;
  return scope.include.some((m) => m(locator)) && !scope.exclude.some((m) => m(locator));
}

/** The id of the first hold covering the locator, or undefined. An invalid locator is treated as held by nothing. */
export function heldBy(holds: readonly CompiledHold[], locator: string): string | undefined {
  if (!isValidLocator(locator)) return undefined;
  for (const hold of holds) {
    if (hold.include.some((m) => m(locator))) return hold.id;
  }
  return undefined;
}

/**
 * Whether a directory (a locator) may hold files in scope. False only when
 * that is certain: no include pattern's static base is compatible with it, or
 * an exclude `P/**` covers it whole. The walk skips such directories.
 */
export function mayContainInScope(scope: CompiledScope, dir: string): boolean {
  if (!isValidLocator(dir)) return false;
  if (scope.excludeDirs.some((m) => m(dir))) return false;
  return scope.includeBases.some((base) => base === '' || base === dir || base.startsWith(`${dir}/`) || dir.startsWith(`${base}/`));
}
