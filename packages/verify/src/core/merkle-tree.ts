// An in-memory Merkle tree (RFC 6962 section 2.1 = RFC 9162 section 2.1.1)
// that keeps every level, to serve many node hashes, inclusion proofs (RFC 9162
// section 2.1.3) and consistency proofs (RFC 9162 section 2.1.4) quickly.
//
// Pure and synchronous, so that the offline browser verifier runs this file.

import { checkLeafHash, copy, MERKLE_HASH_SIZE, type MerkleHasher, nobleHasher } from './merkle-hash.js';
import { consistencyProof, inclusionProof } from './merkle-proof.js';
import { checkRange, exactLog2, fail, type NodeRange, splitPoint } from './merkle-range.js';

function flattenLeafHashes(leafHashes: readonly Uint8Array[] | Uint8Array): Uint8Array {
  if (leafHashes instanceof Uint8Array) {
    if (leafHashes.length % MERKLE_HASH_SIZE !== 0) {
      throw new TypeError(`flat leaf hashes are ${leafHashes.length} bytes, not a multiple of ${MERKLE_HASH_SIZE}`);
    }
    return copy(leafHashes);
  }
  const flat = new Uint8Array(leafHashes.length * MERKLE_HASH_SIZE);
  leafHashes.forEach((leafHash, i) => {
    checkLeafHash(leafHash);
    flat.set(leafHash, i * MERKLE_HASH_SIZE);
  });
  return flat;
}

/** One level up: the parents of consecutive pairs; an odd last node has no parent at this level. */
function parentLevel(level: Uint8Array, hasher: MerkleHasher): Uint8Array {
  const pairs = Math.floor(level.length / (2 * MERKLE_HASH_SIZE));
  const parents = new Uint8Array(pairs * MERKLE_HASH_SIZE);
  for (let i = 0; i < pairs; i++) {
    const at = 2 * i * MERKLE_HASH_SIZE;
    const left = level.subarray(at, at + MERKLE_HASH_SIZE);
    const right = level.subarray(at + MERKLE_HASH_SIZE, at + 2 * MERKLE_HASH_SIZE);
    parents.set(hasher.hashChildren(left, right), i * MERKLE_HASH_SIZE);
  }
  return parents;
}

/**
 * An in-memory tree for serving many proofs. levels[h] holds, flat and 32
 * bytes each, the roots of all aligned perfect subtrees of 2^h leaves; ranges
 * on the ragged right border are hashed from those on demand (O(log n)).
 */
export class MerkleTree {
  readonly #levels: Uint8Array[];
  readonly #size: number;
  readonly #hasher: MerkleHasher;
  #root: Uint8Array | undefined;

  private constructor(levels: Uint8Array[], hasher: MerkleHasher) {
    this.#levels = levels;
    this.#size = levels[0]!.length / MERKLE_HASH_SIZE;
    this.#hasher = hasher;
  }

  static fromLeafHashes(leafHashes: readonly Uint8Array[] | Uint8Array, hasher: MerkleHasher = nobleHasher): MerkleTree {
    const levels = [flattenLeafHashes(leafHashes)];
    for (let level = levels[0]!; level.length >= 2 * MERKLE_HASH_SIZE; ) {
      level = parentLevel(level, hasher);
      levels.push(level);
    }
    return new MerkleTree(levels, hasher);
  }

  get size(): number {
    return this.#size;
  }

  root(): Uint8Array {
    this.#root ??= this.#size === 0 ? this.#hasher.emptyRoot() : this.#rangeHash(0, this.#size);
    return copy(this.#root);
  }

  /** MTH(D[r.start:r.end]) for any non-empty range inside the tree. */
  nodeHash(r: NodeRange): Uint8Array {
    checkRange(r, this.#size);
    if (r.start === r.end) fail('INDEX_OUT_OF_RANGE', `range [${r.start}, ${r.end}) is empty`);
    return copy(this.#rangeHash(r.start, r.end));
  }

  inclusionProof(index: number): Uint8Array[] {
    return inclusionProof(index, this.#size, (r) => this.nodeHash(r));
  }

  consistencyProof(size1: number): Uint8Array[] {
    return consistencyProof(size1, this.#size, (r) => this.nodeHash(r));
  }

  // Returns views into the levels; public methods copy before handing them out.
  #rangeHash(start: number, end: number): Uint8Array {
    const width = end - start;
    const height = exactLog2(width);
    if (height >= 0 && start % width === 0) {
      const at = (start / width) * MERKLE_HASH_SIZE;
      return this.#levels[height]!.subarray(at, at + MERKLE_HASH_SIZE);
    }
    const mid = start + splitPoint(width);
    return this.#hasher.hashChildren(this.#rangeHash(start, mid), this.#rangeHash(mid, end));
  }
}
