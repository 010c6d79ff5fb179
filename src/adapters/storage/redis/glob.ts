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

/** A literal byte (0-255), any byte (`?`), any run of bytes (`*`), or a class: the 256 bytes it accepts. */
export type GlobToken = number | Uint8Array;
const ANY = -1;
const ANY_RUN = -2;

/**
 * The pattern as tokens, parsed exactly as stringmatchlen() reads it. The
 * matcher below and the allowAll guard (fixesNoByte) both work on these
 * tokens, so the guard can never read a pattern differently from the matcher
 * (a hand-written second parser read `[^\]]*` as holding a literal ']').
 */
export function tokenize(p: Uint8Array): GlobToken[] {
  const out: GlobToken[] = [];
  let pi = 0;
  while (pi < p.length) {
    const c = p[pi]!;
    if (c === STAR) {
      while (pi + 1 < p.length && p[pi + 1] === STAR) pi++;
      out.push(ANY_RUN);
    } else if (c === QUESTION) {
      out.push(ANY);
    } else if (c === OPEN) {
      pi++;
      const negate = p[pi] === CARET;
      if (negate) pi++;
      const set = new Uint8Array(256);
      for (;;) {
        if (pi >= p.length) {
          pi--; // an unterminated class ends at the pattern's end, as in Redis
          break;
        }
        const d = p[pi]!;
        if (d === BACKSLASH && pi + 1 < p.length) {
          pi++;
          set[p[pi]!] = 1;
        } else if (d === CLOSE) {
          break;
        } else if (pi + 2 < p.length && p[pi + 1] === DASH) {
          let lo = d;
          let hi = p[pi + 2]!;
          if (lo > hi) [lo, hi] = [hi, lo];
          set.fill(1, lo, hi + 1);
          pi += 2;
        } else {
          set[d] = 1;
        }
        pi++;
      }
      if (negate) for (let b = 0; b < 256; b++) set[b] = set[b] ? 0 : 1;
      out.push(set);
    } else {
      if (c === BACKSLASH && pi + 1 < p.length) pi++;
      out.push(p[pi]!);
    }
    pi++;
  }
  return out;
}

interface Walk {
  /** Set once the rest of the pattern after some `*` matched no suffix: longer tries cannot help (Redis 7's skipLongerMatches, which keeps `*a*a*a*b` linear-ish). */
  skipLonger: boolean;
}

function matchAt(t: readonly GlobToken[], ti: number, s: Uint8Array, si: number, walk: Walk, depth: number): boolean {
  // Bounded recursion (nesting of `*`): a pathological pattern fails closed, i.e. matches nothing.
  if (depth > 1000) return false;
  while (ti < t.length) {
    const tok = t[ti]!;
    if (tok === ANY_RUN) {
      if (ti + 1 === t.length) return true;
      for (let k = si; k <= s.length; k++) {
        if (matchAt(t, ti + 1, s, k, walk, depth + 1)) return true;
        if (walk.skipLonger) return false;
      }
      walk.skipLonger = true;
      return false;
    }
    if (si === s.length) return false;
    const b = s[si]!;
    if (typeof tok === 'number' ? tok !== ANY && tok !== b : tok[b] !== 1) return false;
    si++;
    ti++;
  }
  return si === s.length;
}

/** Whether `key` matches the tokens of a pattern (see tokenize). */
export function matchTokens(tokens: readonly GlobToken[], key: Uint8Array): boolean {
  return matchAt(tokens, 0, key, 0, { skipLonger: false }, 0);
}

/** Whether `key` matches the Redis glob `pattern` (both as bytes). */
export function globMatch(pattern: Uint8Array, key: Uint8Array): boolean {
  return matchTokens(tokenize(pattern), key);
}

/** `text` as a glob that matches exactly itself: every special byte escaped. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/**
 * Whether every key the pattern matches contains one byte that the pattern
 * fixes: some token accepts exactly one byte (a literal, an escaped special
 * character, a one-byte class such as `[a]`), or none at all (then the
 * pattern matches nothing). Decided on the matcher's own tokens, from what
 * each token accepts, not from the pattern's spelling: `*`, `?*`, `[^x]*`,
 * `[^\]]*`, `[a-z]*`, `[!a]*` fix no byte and could match every key, so they need `allowAll`.
 */
export function hasLiteral(pattern: string): boolean {
  return tokenize(new TextEncoder().encode(pattern)).some((t) => {
    if (typeof t === 'number') return t >= 0;
    let members = 0;
    for (const m of t) members += m;
    return members <= 1;
  });
}
