// Small checkers for untrusted JSON: each appends a FieldProblem instead of
// throwing, so that one ValidationError can name every bad field at once.
import { isHex } from './bytes.js';
import { MAX_DEPTH } from './canonical-json.js';
import type { FieldProblem } from './errors.js';
import { FORBIDDEN_MEMBER_NAMES } from './strict-json.js';

export type Problems = FieldProblem[];
export type Obj = Record<string, unknown>;

export function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// RFC 3339 date-time in UTC with an optional fraction, as `Date#toISOString` writes it.
const RFC3339_UTC = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d{1,9})?Z$/;

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isRfc3339Utc(v: unknown): v is string {
  if (typeof v !== 'string' || !RFC3339_UTC.test(v)) return false;
  // RFC 3339 section 5.7: the day must exist in its month (no 2026-02-31).
  const year = Number(v.slice(0, 4));
  const month = Number(v.slice(5, 7));
  const day = Number(v.slice(8, 10));
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (month === 2 && !leap ? 28 : DAYS_IN_MONTH[month - 1]!);
}

export function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

export class Checker {
  readonly problems: Problems = [];

  add(path: string, problem: string): void {
    this.problems.push({ path, problem });
  }

  object(v: unknown, path: string): Obj | undefined {
    if (isObject(v)) return v;
    this.add(path, 'must be an object');
    return undefined;
  }

  array(v: unknown, path: string): unknown[] | undefined {
    if (Array.isArray(v)) return v;
    this.add(path, 'must be an array');
    return undefined;
  }

  string(v: unknown, path: string, opts: { pattern?: RegExp; max?: number } = {}): string | undefined {
    if (typeof v !== 'string' || v.length === 0) return void this.add(path, 'must be a non-empty string');
    if (opts.max !== undefined && v.length > opts.max) return void this.add(path, `longer than ${opts.max} characters`);
    if (opts.pattern && !opts.pattern.test(v)) return void this.add(path, `does not match ${opts.pattern}`);
    return v;
  }

  hex(v: unknown, path: string, bytes: number, atLeast = false): string | undefined {
    const ok = typeof v === 'string' && (atLeast ? v.length >= bytes * 2 && isHex(v) : isHex(v, bytes));
    if (ok) return v;
    this.add(path, `must be lowercase hex of ${atLeast ? 'at least ' : ''}${bytes} bytes`);
    return undefined;
  }

  count(v: unknown, path: string): number | undefined {
    if (isCount(v)) return v;
    this.add(path, 'must be a non-negative safe integer');
    return undefined;
  }

  time(v: unknown, path: string): string | undefined {
    if (isRfc3339Utc(v)) return v;
    this.add(path, 'must be an RFC 3339 UTC date-time (YYYY-MM-DDTHH:MM:SS[.fff]Z)');
    return undefined;
  }

  literal<T>(v: unknown, path: string, allowed: readonly T[]): T | undefined {
    if (allowed.includes(v as T)) return v as T;
    this.add(path, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
    return undefined;
  }

  /**
   * Adds a problem for every member named __proto__, constructor or prototype
   * in `v`, at any depth: verifiers refuse such text (strict-json.ts), so an
   * issuer must never sign it. Stops at `depth` levels (canonicalize refuses deeper values).
   */
  noForbiddenMembers(v: unknown, path: string, depth = MAX_DEPTH): void {
    if (typeof v !== 'object' || v === null || depth === 0) return;
    if (Array.isArray(v)) {
      v.forEach((x, i) => this.noForbiddenMembers(x, `${path}[${i}]`, depth - 1));
      return;
    }
    for (const [k, x] of Object.entries(v)) {
      if (FORBIDDEN_MEMBER_NAMES.has(k)) this.add(`${path}[${JSON.stringify(k)}]`, 'this member name is refused');
      else this.noForbiddenMembers(x, `${path}.${k}`, depth - 1);
    }
  }

  stringArray(v: unknown, path: string): string[] | undefined {
    const arr = this.array(v, path);
    if (!arr) return undefined;
    arr.forEach((s, i) => this.string(s, `${path}[${i}]`));
    return arr as string[];
  }
}
