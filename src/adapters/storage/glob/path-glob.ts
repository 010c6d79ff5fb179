// Glob patterns over '/'-separated names (filesystem locators, and any other
// store whose names are paths), checked and compiled for a linear-time
// matcher (glob-nfa.ts). Patterns come from orders, i.e. from people, and are
// compiled on the coordinator and on every worker: picomatch's backtracking
// regexes take time exponential in the name's length on patterns such as
// '@(*|*)@(*|*)...b' and '*a*a*a*a*a*a*b' (issue 11, finding 3; figures:
// bench/RESULTS.md, 'Measurements behind the code'). Here every pattern is
// parsed into a small regular AST, and anything ambiguous is refused with a
// reason.
//
//   *        any characters within one segment (never '/'), including none
//   **       a whole segment: any number of segments, including none
//   ?        one character (one code point), not '/'
//   [a-z0]   one character of a class; [^...] negated; never '/'
//   {a,b}    alternatives within a segment (may nest, may be empty: a{,s})
//
// Refused: extglobs and parentheses (@(a|b), +(a), (a|b)), '**' inside a
// segment (also when braces would spell it: {*,b}*), '[!...]' (picomatch does not read it as a negation), POSIX classes,
// brace ranges ({1..9}), '/' inside a class or a brace group, unterminated
// classes and groups.

import { compileNfa, type CharTest, type GlobNode } from './glob-nfa.js';

export interface PathGlob {
  readonly pattern: string;
  /** Whether the whole name matches. Linear in the name's length times the pattern's. */
  match(name: string): boolean;
  /**
   * True when some alternative of the pattern fixes no character other than
   * '/': it could then match every name (`**`, `*`, `?*`, `**` + `/*`, `[^a]*`, `{a,**}`). A pattern
   * without it contains, in each alternative, a character every match must contain.
   */
  readonly fixesNoCharacter: boolean;
}

export type GlobParse = { ok: true; glob: PathGlob } | { ok: false; problem: string };

const SLASH = 0x2f;
const MAX_BRACE_DEPTH = 8;
const NOT_SLASH: CharTest = { kind: 'not-slash' };
const ANYTHING: CharTest = { kind: 'anything' };
const slashNode: GlobNode = { t: 'test', test: { kind: 'char', cp: SLASH } };

class GlobSyntaxError extends Error {}

class Parser {
  private readonly c: string[];
  private i = 0;

  constructor(pattern: string) {
    this.c = Array.from(pattern); // code points: '?' and classes take one character, not one UTF-16 unit
  }

  private fail(problem: string): never {
    throw new GlobSyntaxError(problem);
  }

  parse(): GlobNode {
    const segments: Array<GlobNode | 'globstar'> = [];
    for (;;) {
      segments.push(this.segment());
      if (this.i >= this.c.length) break;
      this.i++; // the '/' that ended the segment
    }
    return assemble(segments);
  }

  private segment(): GlobNode | 'globstar' {
    const end = this.c.indexOf('/', this.i);
    const text = this.c.slice(this.i, end < 0 ? undefined : end).join('');
    if (text === '**') {
      this.i += 2;
      return 'globstar';
    }
    return this.pieces(0);
  }

  /** Pieces up to the end of the segment (depth 0) or of the alternative (inside braces). */
  private pieces(depth: number): GlobNode {
    const items: GlobNode[] = [];
    while (this.i < this.c.length) {
      const ch = this.c[this.i]!;
      if (ch === '/') {
        if (depth > 0) this.fail("a brace group cannot contain '/': write one pattern per alternative");
        break;
      }
      if (depth > 0 && (ch === ',' || ch === '}')) break;
      items.push(this.piece(depth));
    }
    // '*' next to a brace alternative that starts or ends with '*' ({*,b}*, *{,a}*) spells '**' once
    // expanded, which picomatch then reads as a globstar and this parser as two stars: ambiguous, refused.
    let prefixEndsInStar = false;
    for (const item of items) {
      if (prefixEndsInStar && startsWithStar(item)) this.fail("a brace group puts '*' next to '*' (as in {*,b}*), which reads as '**': write the alternatives as separate patterns");
      prefixEndsInStar = endsWithStar(item) || (expandsEmpty(item) && prefixEndsInStar);
    }
    return items.length === 1 ? items[0]! : { t: 'seq', items };
  }

  private piece(depth: number): GlobNode {
    const ch = this.c[this.i]!;
    switch (ch) {
      case '*':
        if (this.c[this.i + 1] === '*') this.fail("'**' is only allowed as a whole path segment (a/**/b); within a name write '*'");
        this.i++;
        return { t: 'repeat', test: NOT_SLASH };
      case '?':
        this.i++;
        return { t: 'test', test: NOT_SLASH };
      case '[':
        return this.charClass();
      case '{':
        return this.group(depth + 1);
      case '(':
        if (this.i > 0 && '@!+*?'.includes(this.c[this.i - 1]!)) {
          this.fail('extglob groups such as @(a|b), +(a) or *(a) are not supported (their matching can take exponential time)');
        }
        return this.fail("'(', ')' and '|' are not glob syntax here (picomatch reads them as a group); to match them write [(] [)] [|]");
      case ')':
      case '|':
        return this.fail("'(', ')' and '|' are not glob syntax here (picomatch reads them as a group); to match them write [(] [)] [|]");
      default:
        this.i++;
        return { t: 'test', test: { kind: 'char', cp: ch.codePointAt(0)! } };
    }
  }

  private charClass(): GlobNode {
    const open = this.i++;
    let negated = false;
    if (this.c[this.i] === '!') this.fail("'[!...]' is ambiguous (picomatch does not read it as a negation): write [^...] for a negated class");
    if (this.c[this.i] === '^') {
      negated = true;
      this.i++;
    }
    const ranges: number[] = [];
    for (let first = true; ; first = false) {
      const ch = this.c[this.i];
      if (ch === undefined) this.fail(`unterminated character class at character ${open + 1} (to match '[' write [[])`);
      if (ch === ']' && !first) break;
      if (ch === '[' && ':=.'.includes(this.c[this.i + 1] ?? '')) this.fail('POSIX classes such as [[:alpha:]] are not supported');
      if (ch === '/') this.fail("a character class cannot contain '/'");
      const lo = ch.codePointAt(0)!;
      const hiCh = this.c[this.i + 2];
      if (this.c[this.i + 1] === '-' && hiCh !== undefined && hiCh !== ']') {
        if (hiCh === '/') this.fail("a character class cannot contain '/'");
        const hi = hiCh.codePointAt(0)!;
        if (hi < lo) this.fail(`character range ${ch}-${hiCh} is reversed`);
        ranges.push(lo, hi);
        this.i += 3;
      } else {
        ranges.push(lo, lo);
        this.i++;
      }
    }
    this.i++; // ']'
    return { t: 'test', test: { kind: 'class', ranges, negated } };
  }

  private group(depth: number): GlobNode {
    const open = this.i++;
    if (depth > MAX_BRACE_DEPTH) this.fail(`brace groups nested deeper than ${MAX_BRACE_DEPTH}`);
    const options: GlobNode[] = [];
    for (;;) {
      options.push(this.pieces(depth));
      const ch = this.c[this.i];
      if (ch === undefined) this.fail(`unterminated brace group at character ${open + 1} (to match '{' write [{])`);
      this.i++;
      if (ch === '}') break;
    }
    if (this.c.slice(open, this.i).join('').includes('..')) this.fail('brace ranges such as {1..9} are not supported: use a character class, [1-9]');
    if (options.length < 2) this.fail("a brace group needs at least two alternatives, {a,b} (to match '{' write [{])");
    return { t: 'alt', options };
  }
}

/** Whether some expansion of `n` is the empty text (an empty brace alternative: a{,s}). */
function expandsEmpty(n: GlobNode): boolean {
  if (n.t === 'seq') return n.items.every(expandsEmpty);
  if (n.t === 'alt') return n.options.some(expandsEmpty);
  return false;
}

/** Whether some expansion of `n` begins with '*'. */
function startsWithStar(n: GlobNode): boolean {
  if (n.t === 'repeat') return true;
  if (n.t === 'alt') return n.options.some(startsWithStar);
  if (n.t === 'seq') {
    for (const item of n.items) {
      if (startsWithStar(item)) return true;
      if (!expandsEmpty(item)) return false;
    }
  }
  return false;
}

/** Whether some expansion of `n` ends with '*'. */
function endsWithStar(n: GlobNode): boolean {
  if (n.t === 'repeat') return true;
  if (n.t === 'alt') return n.options.some(endsWithStar);
  if (n.t === 'seq') {
    for (let k = n.items.length - 1; k >= 0; k--) {
      if (endsWithStar(n.items[k]!)) return true;
      if (!expandsEmpty(n.items[k]!)) return false;
    }
  }
  return false;
}

/**
 * Joins segments with '/'. A globstar segment takes its neighbouring '/':
 * leading `**` + `/x` is `(.*\/)?x`, `a/**` is `a(\/.*)?` (so `a/**` matches `a` itself too), a
 * middle one is `a\/(.*\/)?b`, and `**` alone is `.*`.
 */
function assemble(raw: ReadonlyArray<GlobNode | 'globstar'>): GlobNode {
  const segs = raw.filter((s, k) => !(s === 'globstar' && raw[k - 1] === 'globstar'));
  if (segs.length === 1 && segs[0] === 'globstar') return { t: 'repeat', test: ANYTHING };
  const anything: GlobNode = { t: 'repeat', test: ANYTHING };
  const items: GlobNode[] = [];
  segs.forEach((seg, k) => {
    const last = k === segs.length - 1;
    if (seg === 'globstar') {
      items.push({ t: 'opt', item: { t: 'seq', items: last ? [slashNode, anything] : [anything, slashNode] } });
      return;
    }
    items.push(seg);
    if (!last && !(segs[k + 1] === 'globstar' && k + 1 === segs.length - 1)) items.push(slashNode);
  });
  return { t: 'seq', items };
}

/** The one character a test accepts, if it accepts exactly one. */
function onlyCharacter(test: CharTest): number | undefined {
  if (test.kind === 'char') return test.cp;
  if (test.kind !== 'class' || test.negated) return undefined;
  const cp = test.ranges[0]!;
  return test.ranges.every((r) => r === cp) ? cp : undefined;
}

/** Whether every match of `node` contains a character it fixes ('/' does not count). */
function fixesCharacter(node: GlobNode): boolean {
  switch (node.t) {
    case 'test': {
      const cp = onlyCharacter(node.test);
      return cp !== undefined && cp !== SLASH;
    }
    case 'repeat':
    case 'opt':
      return false;
    case 'seq':
      return node.items.some(fixesCharacter);
    case 'alt':
      return node.options.every(fixesCharacter);
  }
}

/** Parses a pattern; a refused one comes back with the reason, worded for an order's author. */
export function parsePathGlob(pattern: string): GlobParse {
  let ast: GlobNode;
  try {
    ast = new Parser(pattern).parse();
  } catch (e) {
    if (e instanceof GlobSyntaxError) return { ok: false, problem: e.message };
    throw e;
  }
  const match = compileNfa(ast);
  return { ok: true, glob: { pattern, match, fixesNoCharacter: !fixesCharacter(ast) } };
}

/** Why a pattern's glob syntax is refused, or undefined. */
export function pathGlobProblem(pattern: string): string | undefined {
  const parsed = parsePathGlob(pattern);
  return parsed.ok ? undefined : parsed.problem;
}

/** The compiled pattern; throws TypeError for a pattern pathGlobProblem refuses (validate first). */
export function compilePathGlob(pattern: string): PathGlob {
  const parsed = parsePathGlob(pattern);
  if (!parsed.ok) throw new TypeError(`invalid glob ${JSON.stringify(pattern)}: ${parsed.problem}`);
  return parsed.glob;
}
