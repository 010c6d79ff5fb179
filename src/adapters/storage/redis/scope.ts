// Scope and legal-hold matching for the Redis backend. Pure: no I/O.
//
// A scope is `{ match: globs[], exclude?: globs[], allowAll?: boolean }`; a
// hold's `match` is `{ keys: globs[] }`. Globs are Redis SCAN MATCH patterns
// over the locator, i.e. the key without the backend's configured keyPrefix.
// Scopes and holds come from orders, i.e. from people: every bad field is
// reported at once, with its JSON path.

import { ValidationError, type FieldProblem } from '@shredproof/verify';
import type { HoldSpec } from '../../../app/ports/storage-backend.js';
import { hasLiteral, matchTokens, tokenize, type GlobToken } from './glob.js';
import { holdMatchProblems, isPlainObject, propPath, unknownKeys } from '../shape.js';

export interface RedisScope {
  match: string[];
  exclude?: string[];
  /** Permits patterns that fix no byte (`*`, `?*`, `[^x]*`): the whole keyspace under the prefix. */
  allowAll?: boolean;
}

/** Patterns are tokenized once (glob.ts); matching a key then costs no parsing. */
export interface CompiledScope {
  readonly scope: RedisScope;
  readonly match: readonly GlobToken[][];
  readonly exclude: readonly GlobToken[][];
}

export interface CompiledHold {
  readonly id: string;
  readonly keys: readonly GlobToken[][];
}

const MAX_PATTERN_BYTES = 1024;
const MAX_PATTERNS = 1000;
const SCOPE_KEYS = new Set(['match', 'exclude', 'allowAll']);
const HOLD_MATCH_KEYS = new Set(['keys']);
const utf8 = new TextEncoder();
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a pattern is refused (or undefined). `needsLiteral`: a match pattern must fix a byte (hasLiteral) unless allowAll. */
export function patternProblem(pattern: unknown, needsLiteral: boolean): string | undefined {
  if (typeof pattern !== 'string') return 'must be a string';
  if (pattern.length === 0) return 'must not be empty';
  if (LONE_SURROGATE.test(pattern)) return 'must be well-formed Unicode';
  const bytes = utf8.encode(pattern).length;
  if (bytes > MAX_PATTERN_BYTES) return `too long (${bytes} bytes, max ${MAX_PATTERN_BYTES})`;
  if (needsLiteral && !hasLiteral(pattern)) {
    return 'could match every key (it fixes no byte: every part is *, ? or a class of more than one byte); set allowAll: true to mean that';
  }
  return undefined;
}

function checkPatterns(value: unknown, path: string, required: boolean, needsLiteral: boolean, problems: FieldProblem[]): void {
  if (!Array.isArray(value)) {
    problems.push({ path, problem: 'must be an array of Redis glob patterns' });
    return;
  }
  if (required && value.length === 0) problems.push({ path, problem: 'must not be empty' });
  if (value.length > MAX_PATTERNS) problems.push({ path, problem: `too many patterns (${value.length}, max ${MAX_PATTERNS})` });
  value.forEach((p, i) => {
    const problem = patternProblem(p, needsLiteral);
    if (problem !== undefined) problems.push({ path: `${path}[${i}]`, problem });
  });
}

export function scopeProblems(scope: unknown, path = '$.scope'): FieldProblem[] {
  if (!isPlainObject(scope)) return [{ path, problem: 'must be an object { match, exclude?, allowAll? }' }];
  const problems: FieldProblem[] = [];
  for (const key of Object.keys(scope)) if (!SCOPE_KEYS.has(key)) problems.push({ path: propPath(path, key), problem: 'unknown key' });
  const allowAll = scope.allowAll;
  if (allowAll !== undefined && typeof allowAll !== 'boolean') problems.push({ path: `${path}.allowAll`, problem: 'must be a boolean' });
  if (!('match' in scope)) problems.push({ path: `${path}.match`, problem: 'is required' });
  else checkPatterns(scope.match, `${path}.match`, true, allowAll !== true, problems);
  // An exclude may be as broad as it likes: excluding too much destroys less.
  if ('exclude' in scope && scope.exclude !== undefined) checkPatterns(scope.exclude, `${path}.exclude`, false, false, problems);
  return problems;
}

export function holdProblems(holds: unknown, path = '$.holds'): FieldProblem[] {
  return holdMatchProblems(holds, path, '{ keys } for a redis target', (match, at, problems) => {
    unknownKeys(match, HOLD_MATCH_KEYS, at, problems);
    // A hold may be as broad as it likes (`*` holds everything): retaining too much is safe.
    if (!('keys' in match)) problems.push({ path: `${at}.keys`, problem: 'is required' });
    else checkPatterns(match.keys, `${at}.keys`, true, false, problems);
  });
}

/** Validates scope and holds together (one error lists the problems of both) and compiles them. */
export function compileTarget(scope: unknown, holds: readonly HoldSpec[]): { scope: CompiledScope; holds: CompiledHold[] } {
  const problems = [...scopeProblems(scope), ...holdProblems(holds)];
  if (problems.length > 0) throw new ValidationError('invalid redis target', problems);
  const s = scope as RedisScope;
  return {
    scope: {
      scope: { match: [...s.match], ...(s.exclude ? { exclude: [...s.exclude] } : {}), ...(s.allowAll ? { allowAll: true } : {}) },
      match: s.match.map((p) => tokenize(utf8.encode(p))),
      exclude: (s.exclude ?? []).map((p) => tokenize(utf8.encode(p))),
    },
    holds: holds.map((h) => ({ id: h.id, keys: (h.match as { keys: string[] }).keys.map((p) => tokenize(utf8.encode(p))) })),
  };
}

/** The locator (key without prefix) matches a scope pattern and no exclude. */
export function matchesScope(scope: CompiledScope, locator: Uint8Array): boolean {
  return scope.match.some((p) => matchTokens(p, locator)) && !scope.exclude.some((p) => matchTokens(p, locator));
}

/** The id of the first hold covering the locator, or undefined. */
export function heldBy(holds: readonly CompiledHold[], locator: Uint8Array): string | undefined {
  for (const h of holds) if (h.keys.some((p) => matchTokens(p, locator))) return h.id;
  return undefined;
}
