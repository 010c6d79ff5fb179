// The lookup tables of records-index.ts: sorted (32-bit key, leaf index)
// pairs, searched by binary search; the caller confirms each candidate by
// reading its line, so a key that collides costs a read, never a wrong answer.
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1; // the 32-bit halves of a BigUint64Array element
const HI = 1 - LO;

/** Sorted (key, leaf index) pairs in one BigUint64Array: a native numeric sort, no per-entry objects. */
export class KeyIndex {
  readonly pairs: BigUint64Array;
  readonly #words: Uint32Array;

  constructor(n: number) {
    this.pairs = new BigUint64Array(n);
    this.#words = new Uint32Array(this.pairs.buffer);
  }

  set(i: number, key: number): void {
    this.#words[2 * i + LO] = i;
    this.#words[2 * i + HI] = key;
  }

  /** Leaf indices whose key is `key`, ascending. Call after sort(). */
  lookup(key: number): number[] {
    const w = this.#words;
    let lo = 0;
    let hi = this.pairs.length;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (w[2 * mid + HI]! < key) lo = mid + 1;
      else hi = mid;
    }
    const out: number[] = [];
    for (let j = lo; j < this.pairs.length && w[2 * j + HI] === key; j++) out.push(w[2 * j + LO]!);
    return out;
  }
}
