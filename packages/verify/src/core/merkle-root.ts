// Merkle tree hashes MTH(D[n]) as RFC 6962 section 2.1 (= RFC 9162 section
// 2.1.1) defines them, computed by streaming: the tree is right-ragged, split
// at the largest power of two smaller than n, and MTH({}) is SHA-256("").
//
// Pure and synchronous, so that the offline browser verifier runs this file.

import { checkLeafHash, copy, type MerkleHasher, nobleHasher } from './merkle-hash.js';
import { checkRange, type NodeRange } from './merkle-range.js';

/**
 * Streaming MTH over leaves added in order, in O(log n) memory: it keeps the
 * roots of the perfect subtrees that make up the tree so far, one per 1-bit of
 * the size, largest (leftmost) first.
 */
export class MerkleRootBuilder {
  readonly #hasher: MerkleHasher;
  readonly #stack: Uint8Array[] = [];
  #size = 0;

  constructor(hasher: MerkleHasher = nobleHasher) {
    this.#hasher = hasher;
  }

  get size(): number {
    return this.#size;
  }

  addLeaf(leafInput: Uint8Array): void {
    this.#push(this.#hasher.hashLeaf(leafInput));
  }

  addLeafHash(leafHash: Uint8Array): void {
    checkLeafHash(leafHash);
    this.#push(copy(leafHash)); // the caller may reuse its buffer
  }

  /** MTH of the leaves so far. The builder stays open: add more leaves and ask again. */
  root(): Uint8Array {
    const stack = this.#stack;
    if (stack.length === 0) return this.#hasher.emptyRoot();
    // RFC 6962's tree is right-ragged: MTH = H(P1, H(P2, ... H(Pk-1, Pk))).
    let hash = stack[stack.length - 1]!;
    for (let i = stack.length - 2; i >= 0; i--) hash = this.#hasher.hashChildren(stack[i]!, hash);
    return hash === stack[stack.length - 1] ? copy(hash) : hash;
  }

  #push(leafHash: Uint8Array): void {
    if (this.#size === Number.MAX_SAFE_INTEGER) throw new RangeError('tree size would exceed 2^53-1');
    // Like a binary counter: adding a leaf merges one pair per trailing 1-bit of the old size.
    let hash = leafHash;
    for (let n = this.#size; n % 2 === 1; n = (n - 1) / 2) {
      hash = this.#hasher.hashChildren(this.#stack.pop()!, hash);
    }
    this.#stack.push(hash);
    this.#size++;
  }
}

/** MTH over leaf hashes (not leaf inputs). */
export function rootFromLeafHashes(leafHashes: readonly Uint8Array[], hasher: MerkleHasher = nobleHasher): Uint8Array {
  const builder = new MerkleRootBuilder(hasher);
  for (const leafHash of leafHashes) builder.addLeafHash(leafHash);
  return builder.root();
}

/** MTH(D[r.start:r.end]) over a list of leaf hashes. */
export function rangeRoot(leafHashes: readonly Uint8Array[], r: NodeRange, hasher: MerkleHasher = nobleHasher): Uint8Array {
  checkRange(r, leafHashes.length);
  const builder = new MerkleRootBuilder(hasher);
  for (let i = r.start; i < r.end; i++) builder.addLeafHash(leafHashes[i]!);
  return builder.root();
}
