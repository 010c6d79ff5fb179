// The leaf hashes of a verified records file, kept (32 bytes each, flat) so
// that a dropped photo's record can be proved against the certified root
// without hashing the file again. The records verifier (./records-check.ts)
// adds each line's leaf hash as it computes it, in order.
import { MERKLE_HASH_SIZE, MerkleTree } from '@shredproof/verify';
import { pageMerkleHasher } from './page-hasher.js';

export class LeafHashes {
  #flat = new Uint8Array(MERKLE_HASH_SIZE * 4096);
  #count = 0;
  #tree: MerkleTree | undefined;

  get count(): number {
    return this.#count;
  }

  /** Keeps a copy of hash[at, at + 32): the caller may reuse its buffer. */
  add(hash: Uint8Array, at = 0): void {
    const to = this.#count * MERKLE_HASH_SIZE;
    if (to + MERKLE_HASH_SIZE > this.#flat.length) {
      const grown = new Uint8Array(this.#flat.length * 2);
      grown.set(this.#flat);
      this.#flat = grown;
    }
    const flat = this.#flat;
    for (let i = 0; i < MERKLE_HASH_SIZE; i++) flat[to + i] = hash[at + i]!;
    this.#count++;
  }

  /** The tree over the collected leaves, built once on first use (n - 1 node hashes, with the page's SHA-256). */
  tree(): MerkleTree {
    if (!this.#tree) {
      this.#tree = MerkleTree.fromLeafHashes(this.#flat.subarray(0, this.#count * MERKLE_HASH_SIZE), pageMerkleHasher());
      this.#flat = new Uint8Array(0); // the tree holds its own copy
    }
    return this.#tree;
  }
}
