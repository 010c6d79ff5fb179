// Redis glob matching, byte for byte as the server's stringmatchlen() (util.c)
// does it for SCAN MATCH: `*`, `?`, `[...]` with `^` negation and `a-z`
// ranges, `\` escaping the next byte. The session re-checks scope and holds
// with this matcher right before destroying (invariant 1), so it must agree
// with what SCAN listed: it works on bytes, not on UTF-16 code units
// (`?` is one byte, as in Redis).

const STAR = 0x2a;
const QUESTION = 0x3f;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const CARET = 0x5e;
const DASH = 0x2d;
const BACKSLASH = 0x5c;

interface Walk {
  /** Set once the rest of the pattern after some `*` matched no suffix: longer tries cannot help (Redis 7's skipLongerMatches, which keeps `*a*a*a*b` linear-ish). */
  skipLonger: boolean;
}

function matchAt(p: Uint8Array, pi: number, s: Uint8Array, si: number, walk: Walk, depth: number): boolean {
  // Bounded recursion (nesting of `*`): a pathological pattern fails closed, i.e. matches nothing.
  if (depth > 1000) return false;
  while (pi < p.length && si <= s.length) {
    const c = p[pi]!;
    if (c === STAR) {
      while (pi + 1 < p.length && p[pi + 1] === STAR) pi++;
      if (pi + 1 === p.length) return true;
      for (let k = si; k <= s.length; k++) {
        if (matchAt(p, pi + 1, s, k, walk, depth + 1)) return true;
        if (walk.skipLonger) return false;
      }
      walk.skipLonger = true;
      return false;
    }
    if (si === s.length) return false;
    if (c === QUESTION) {
      si++;
      pi++;
      continue;
    }
    if (c === OPEN) {
      pi++;
      const negate = p[pi] === CARET;
      if (negate) pi++;
      let hit = false;
      for (;;) {
        if (pi >= p.length) {
          pi--; // an unterminated class ends at the pattern's end, as in Redis
          break;
        }
        const d = p[pi]!;
        if (d === BACKSLASH && pi + 1 < p.length) {
          pi++;
          if (p[pi] === s[si]) hit = true;
        } else if (d === CLOSE) {
          break;
        } else if (pi + 2 < p.length && p[pi + 1] === DASH) {
          let lo = d;
          let hi = p[pi + 2]!;
          if (lo > hi) [lo, hi] = [hi, lo];
          pi += 2;
          if (s[si]! >= lo && s[si]! <= hi) hit = true;
        } else if (d === s[si]) {
          hit = true;
        }
        pi++;
      }
      if (negate) hit = !hit;
      if (!hit) return false;
      si++;
      pi++;
      continue;
    }
    if (c === BACKSLASH && pi + 1 < p.length) pi++;
    if (p[pi] !== s[si]) return false;
    si++;
    pi++;
  }
  while (pi < p.length && p[pi] === STAR) pi++;
  return pi === p.length && si === s.length;
}

/** Whether `key` matches the Redis glob `pattern` (both as bytes). */
export function globMatch(pattern: Uint8Array, key: Uint8Array): boolean {
  return matchAt(pattern, 0, key, 0, { skipLonger: false }, 0);
}

/** `text` as a glob that matches exactly itself: every special byte escaped. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/**
 * Whether a pattern has at least one literal character, i.e. one outside `*`,
 * `?` and `[...]` classes (an escaped special character counts as literal).
 * `*`, `?*` or `[a-z]*` match (nearly) everything and need `allowAll`.
 */
export function hasLiteral(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' || c === '?') continue;
    if (c === '\\') return i + 1 < pattern.length;
    if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end === -1) return false;
      i = end;
      continue;
    }
    return true;
  }
  return false;
}
