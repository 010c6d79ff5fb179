// Scope and legal-hold matching for the S3 backend. Pure: no I/O.
//
// A scope is `{ prefixes: string[], exclude?: string[], allowWholeBucket?: boolean }`.
// Both lists hold key PREFIXES, compared byte for byte (no globs: '*' and '?'
// are ordinary characters of S3 keys, and a prefix is exactly what S3 lists).
// The prefix '' matches every key of the bucket and is refused unless the
// order says `allowWholeBucket: true`. A hold's `match` is `{ prefixes: string[] }`
// and covers every version of every key under those prefixes.
// Scopes and holds come from orders, i.e. from people: every bad field is
// reported at once, with its JSON path.

import { ValidationError, type FieldProblem } from '@shredproof/verify';
import type { HoldSpec } from '../../../app/ports/storage-backend.js';
import { isWellFormedUnicode, MAX_KEY_BYTES, utf8Length } from './locator.js';
import { holdMatchProblems, isPlainObject, propPath, unknownKeys } from '../shape.js';

export interface S3Scope {
  prefixes: string[];
  exclude?: string[];
  allowWholeBucket?: boolean;
}

export interface CompiledScope {
  /** Disjoint prefixes, sorted by UTF-8 bytes (S3's listing order): listing them in turn lists keys in order, once. */
  readonly listPrefixes: readonly string[];
  readonly prefixes: readonly string[];
  readonly exclude: readonly string[];
}

export interface CompiledHold {
  readonly id: string;
  readonly prefixes: readonly string[];
}

const SCOPE_KEYS = new Set(['prefixes', 'exclude', 'allowWholeBucket']);

function prefixProblem(prefix: unknown, allowEmpty: boolean): string | undefined {
  if (typeof prefix !== 'string') return 'must be a string';
  if (prefix.length === 0 && !allowEmpty) return "must not be empty ('' matches every key of the bucket; set allowWholeBucket: true to mean that)";
  if (!isWellFormedUnicode(prefix)) return 'must be well-formed Unicode';
  if (utf8Length(prefix) > MAX_KEY_BYTES) return `too long (${utf8Length(prefix)} bytes, max ${MAX_KEY_BYTES})`;
  return undefined;
}

function checkPrefixes(value: unknown, path: string, allowEmptyPrefix: boolean, problems: FieldProblem[]): void {
  if (!Array.isArray(value)) {
    problems.push({ path, problem: 'must be an array of key prefixes' });
    return;
  }
  if (value.length === 0) problems.push({ path, problem: 'must not be empty' });
  value.forEach((p, i) => {
    const problem = prefixProblem(p, allowEmptyPrefix);
    if (problem !== undefined) problems.push({ path: `${path}[${i}]`, problem });
  });
}

export function scopeProblems(scope: unknown, path = '$.scope'): FieldProblem[] {
  if (!isPlainObject(scope)) return [{ path, problem: 'must be an object { prefixes, exclude?, allowWholeBucket? }' }];
  const problems: FieldProblem[] = [];
  for (const key of Object.keys(scope)) {
    if (!SCOPE_KEYS.has(key)) problems.push({ path: propPath(path, key), problem: 'unknown key' });
  }
  const whole = scope.allowWholeBucket;
  if (whole !== undefined && typeof whole !== 'boolean') problems.push({ path: `${path}.allowWholeBucket`, problem: 'must be a boolean' });
  if (!('prefixes' in scope)) problems.push({ path: `${path}.prefixes`, problem: 'is required' });
  else checkPrefixes(scope.prefixes, `${path}.prefixes`, whole === true, problems);
  if (scope.exclude !== undefined) {
    if (!Array.isArray(scope.exclude)) problems.push({ path: `${path}.exclude`, problem: 'must be an array of key prefixes' });
    else scope.exclude.forEach((p, i) => {
      const problem = prefixProblem(p, false);
      if (problem !== undefined) problems.push({ path: `${path}.exclude[${i}]`, problem });
    });
  }
  return problems;
}

const HOLD_MATCH_KEYS: ReadonlySet<string> = new Set(['prefixes']);

export function holdProblems(holds: unknown, path = '$.holds'): FieldProblem[] {
  return holdMatchProblems(holds, path, '{ prefixes } for an s3 target', (match, at, problems) => {
    unknownKeys(match, HOLD_MATCH_KEYS, at, problems);
    // An empty prefix in a hold holds the whole bucket: retaining too much is safe, so it is allowed.
    if (!('prefixes' in match)) problems.push({ path: `${at}.prefixes`, problem: 'is required' });
    else checkPrefixes(match.prefixes, `${at}.prefixes`, true, problems);
  });
}

export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Drops prefixes covered by a shorter one and sorts the rest in S3's order. */
export function disjointPrefixes(prefixes: readonly string[]): string[] {
  const sorted = [...new Set(prefixes)].sort(compareUtf8);
  const out: string[] = [];
  for (const p of sorted) {
    if (!out.some((q) => p.startsWith(q))) out.push(p);
  }
  return out;
}

/** Validates scope and holds together, so that one error lists the problems of both. */
export function compileTarget(scope: unknown, holds: readonly HoldSpec[]): { scope: CompiledScope; holds: CompiledHold[] } {
  const problems = [...scopeProblems(scope), ...holdProblems(holds)];
  if (problems.length > 0) throw new ValidationError('invalid s3 target', problems);
  const s = scope as S3Scope;
  return {
    scope: { listPrefixes: disjointPrefixes(s.prefixes), prefixes: [...s.prefixes], exclude: [...(s.exclude ?? [])] },
    holds: holds.map((h) => ({ id: h.id, prefixes: [...(h.match as { prefixes: string[] }).prefixes] })),
  };
}

export function matchesScope(scope: CompiledScope, key: string): boolean {
  return scope.prefixes.some((p) => key.startsWith(p)) && !scope.exclude.some((p) => key.startsWith(p));
}

export function heldBy(holds: readonly CompiledHold[], key: string): string | undefined {
  return holds.find((h) => h.prefixes.some((p) => key.startsWith(p)))?.id;
}
