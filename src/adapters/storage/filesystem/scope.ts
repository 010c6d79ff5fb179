// Scope and legal-hold matching for the filesystem backend. Pure: no I/O, so
// the engine and the tests can use it as is.
//
// A scope is `{ include: globs[], exclude?: globs[], allowAll?: boolean }`,
// globs relative to the backend root (the path-glob language of
// ../glob/path-glob.ts, matched in linear time). A hold's `match` is
// `{ include: globs[] }`. Scopes and holds come from orders, i.e. from people:
// every bad field is reported at once, with its JSON path.

import { ValidationError, type FieldProblem } from '@shredproof/verify';
import type { HoldSpec } from '../../../app/ports/storage-backend.js';
import { compilePathGlob, parsePathGlob } from '../glob/path-glob.js';
import { isValidLocator, isWellFormedUnicode } from './locator.js';
import { holdMatchProblems, isPlainObject, propPath, unknownKeys } from '../shape.js';

export interface FileScope {
  include: string[];
  exclude?: string[];
  // Permits include patterns that could match every file (`**`, `*/**`, `?*/**`...): the whole root.
  allowAll?: boolean;
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

const MAX_PATTERN_LENGTH = 4096;
const SCOPE_KEYS = new Set(['include', 'exclude', 'allowAll']);
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
  const parsed = parsePathGlob(pattern);
  return parsed.ok ? undefined : parsed.problem;
}

// Why a valid pattern needs `allowAll`, or undefined. Decided from what the
// pattern can match, not from its spelling: it needs allowAll when some
// alternative of it fixes no character other than '/', so that it could match
// every file (`**`, `**/*`, `*/**`, `?*/**`, `[^a]*/**`, `{a,*}/**`...).
export function matchesEverythingProblem(pattern: string): string | undefined {
  const parsed = parsePathGlob(pattern);
  if (!parsed.ok || !parsed.glob.fixesNoCharacter) return undefined;
  return "could match every file (some alternative fixes no character other than '/'); set allowAll: true to mean that";
}

function checkPatterns(value: unknown, path: string, requireNonEmpty: boolean, needsFixedCharacter: boolean, problems: FieldProblem[]): void {
  if (!Array.isArray(value)) {
    problems.push({ path, problem: 'must be an array of glob patterns' });
    return;
  }
  if (requireNonEmpty && value.length === 0) problems.push({ path, problem: 'must not be empty' });
  value.forEach((pattern, i) => {
    const problem = patternProblem(pattern) ?? (needsFixedCharacter ? matchesEverythingProblem(pattern as string) : undefined);
    if (problem !== undefined) problems.push({ path: `${path}[${i}]`, problem });
  });
}

/** Problems of a scope value, each with its JSON path under `path`. */
export function scopeProblems(scope: unknown, path = '$.scope'): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!isPlainObject(scope)) return [{ path, problem: 'must be an object { include, exclude?, allowAll? }' }];
  for (const key of Object.keys(scope)) {
    if (!SCOPE_KEYS.has(key)) problems.push({ path: propPath(path, key), problem: 'unknown key' });
  }
  const allowAll = scope.allowAll;
  if (allowAll !== undefined && typeof allowAll !== 'boolean') problems.push({ path: `${path}.allowAll`, problem: 'must be a boolean' });
  if (!('include' in scope)) problems.push({ path: `${path}.include`, problem: 'is required' });
  else checkPatterns(scope.include, `${path}.include`, true, allowAll !== true, problems);
  // An exclude may be as broad as it likes: excluding too much destroys less.
  if ('exclude' in scope && scope.exclude !== undefined) checkPatterns(scope.exclude, `${path}.exclude`, false, false, problems);
  return problems;
}

/** Problems of the holds given to one target; `$.holds[i].match.include[j]` etc. */
export function holdProblems(holds: unknown, path = '$.holds'): FieldProblem[] {
  return holdMatchProblems(holds, path, '{ include } for a filesystem target', (match, at, problems) => {
    unknownKeys(match, HOLD_MATCH_KEYS, at, problems);
    // A hold may be as broad as it likes (`**` holds everything): retaining too much is safe.
    if (!('include' in match)) problems.push({ path: `${at}.include`, problem: 'is required' });
    else checkPatterns(match.include, `${at}.include`, true, false, problems);
  });
}

function compileMatcher(pattern: string): Matcher {
  return compilePathGlob(pattern).match;
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
    scope: { include: [...scope.include], ...(scope.exclude ? { exclude: [...scope.exclude] } : {}), ...(scope.allowAll ? { allowAll: true } : {}) },
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
  return isValidLocator(locator) && matchesScopeChecked(scope, locator);
}

/** matchesScope for a locator that the caller has just found well formed (locatorProblem): not checked again. */
export function matchesScopeChecked(scope: CompiledScope, locator: string): boolean {
  return scope.include.some((m) => m(locator)) && !scope.exclude.some((m) => m(locator));
}

/** The id of the first hold covering the locator, or undefined. An invalid locator is treated as held by nothing. */
export function heldBy(holds: readonly CompiledHold[], locator: string): string | undefined {
  return isValidLocator(locator) ? heldByChecked(holds, locator) : undefined;
}

/** heldBy for a locator that the caller has just found well formed (locatorProblem): not checked again. */
export function heldByChecked(holds: readonly CompiledHold[], locator: string): string | undefined {
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
