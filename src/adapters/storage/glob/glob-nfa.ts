// A linear-time matcher for the glob AST of path-glob.ts: a Thompson NFA
// (Thompson 1968; Cox, "Regular Expression Matching Can Be Simple And Fast",
// 2007), run over the name once, with a lazily built DFA as a cache. Every
// step costs at most the number of NFA states, whatever the pattern: there
// is no backtracking, so no pattern can make one name take exponential time
// (picomatch's regexes can, issue 11; figures: bench/RESULTS.md,
// 'Measurements behind the code').

/** What one step of the name (one code point) must be. */
export type CharTest =
  | { kind: 'char'; cp: number }
  | { kind: 'not-slash' }
  | { kind: 'anything' }
  /** Sorted inclusive [lo, hi] pairs of code points; never matches '/'. */
  | { kind: 'class'; ranges: readonly number[]; negated: boolean };

export type GlobNode =
  | { t: 'test'; test: CharTest }
  /** Any run of code points that passes `test` (possibly empty). */
  | { t: 'repeat'; test: CharTest }
  | { t: 'seq'; items: readonly GlobNode[] }
  | { t: 'alt'; options: readonly GlobNode[] }
  | { t: 'opt'; item: GlobNode };

const SLASH = 0x2f;

export function passes(test: CharTest, cp: number): boolean {
  switch (test.kind) {
    case 'char':
      return cp === test.cp;
    case 'not-slash':
      return cp !== SLASH;
    case 'anything':
      return true;
    case 'class': {
      if (cp === SLASH) return false;
      let inside = false;
      for (let i = 0; i < test.ranges.length && !inside; i += 2) inside = cp >= test.ranges[i]! && cp <= test.ranges[i + 1]!;
      return inside !== test.negated;
    }
  }
}

interface NfaState {
  /** A test state consumes one code point; a split state consumes nothing and goes to out and out2; match accepts. */
  kind: 'test' | 'split' | 'match';
  test?: CharTest;
  out: number;
  out2: number;
}

/** A DFA state: a set of NFA test/match states, reached after epsilon moves. */
interface DState {
  states: Int32Array;
  accepting: boolean;
  next: Map<number, DState>;
}

// Bounds on the DFA cache of one matcher: past them the matcher keeps working
// without caching (still linear per name), so memory stays bounded too.
const MAX_DSTATES = 2_000;
const MAX_TRANSITIONS = 100_000;

class Nfa {
  readonly states: NfaState[] = [];

  add(kind: NfaState['kind'], out = -1, out2 = -1, test?: CharTest): number {
    this.states.push({ kind, out, out2, ...(test ? { test } : {}) });
    return this.states.length - 1;
  }

  /** Builds `node` so that it continues at state `next`; returns its entry state. */
  build(node: GlobNode, next: number): number {
    switch (node.t) {
      case 'test':
        return this.add('test', next, -1, node.test);
      case 'repeat': {
        const loop = this.add('split', -1, next);
        this.states[loop]!.out = this.add('test', loop, -1, node.test);
        return loop;
      }
      case 'seq': {
        let entry = next;
        for (let i = node.items.length - 1; i >= 0; i--) entry = this.build(node.items[i]!, entry);
        return entry;
      }
      case 'alt': {
        let entry = this.build(node.options[node.options.length - 1]!, next);
        for (let i = node.options.length - 2; i >= 0; i--) entry = this.add('split', this.build(node.options[i]!, next), entry);
        return entry;
      }
      case 'opt':
        return this.add('split', this.build(node.item, next), next);
    }
  }
}

/** Compiles an AST into a matcher of whole names; the cost of a call is O(name length x NFA states). */
export function compileNfa(root: GlobNode): (name: string) => boolean {
  const nfa = new Nfa();
  const match = nfa.add('match');
  const start = nfa.build(root, match);
  const states = nfa.states;
  const cache = new Map<string, DState>();
  let transitions = 0;
  // Epsilon closure with a generation mark per state instead of a fresh Set per step.
  const mark = new Int32Array(states.length);
  let generation = 0;

  function dstate(from: Iterable<number>): DState {
    generation++;
    const found: number[] = [];
    const stack = [...from];
    while (stack.length > 0) {
      const s = stack.pop()!;
      if (s < 0 || mark[s] === generation) continue;
      mark[s] = generation;
      const st = states[s]!;
      if (st.kind === 'split') stack.push(st.out2, st.out);
      else found.push(s);
    }
    found.sort((a, b) => a - b);
    const key = found.join(',');
    const known = cache.get(key);
    if (known) return known;
    const d: DState = { states: Int32Array.from(found), accepting: found.includes(match), next: new Map() };
    if (cache.size < MAX_DSTATES) cache.set(key, d);
    return d;
  }

  function step(d: DState, cp: number): DState {
    const known = d.next.get(cp);
    if (known) return known;
    const targets: number[] = [];
    for (const s of d.states) {
      const st = states[s]!;
      if (st.kind === 'test' && passes(st.test!, cp)) targets.push(st.out);
    }
    const n = dstate(targets);
    if (transitions < MAX_TRANSITIONS) {
      d.next.set(cp, n);
      transitions++;
    }
    return n;
  }

  const initial = dstate([start]);
  return (name: string): boolean => {
    let d = initial;
    for (const ch of name) {
      d = step(d, ch.codePointAt(0)!);
      if (d.states.length === 0) return false;
    }
    return d.accepting;
  };
}
