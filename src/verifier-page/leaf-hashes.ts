// The leaf hashes of a verified records file, kept (32 bytes each, flat) so
// that a dropped photo's record can be proved against the certified root
// without hashing the file again. They are collected by wrapping the core's
// noble hasher: RecordsVerifier hashes each accepted line exactly once, in order.
import { MERKLE_HASH_SIZE, type MerkleHasher, MerkleTree, nobleHasher } from '../core/index.js';

export class LeafHashes {
  #flat = new Uint8Array(MERKLE_HASH_SIZE * 4096);
  #count = 0;
  #tree: MerkleTree | undefined;

  /** A hasher that computes with nobleHasher and keeps every leaf hash it returns. */
  recordingHasher(): MerkleHasher {
    return {
      hashLeaf: (input) => {
        const hash = nobleHasher.hashLeaf(input);
        this.#add(hash);
        return hash;
      },
      hashChildren: (left, right) => nobleHasher.hashChildren(left, right),
      emptyRoot: () => nobleHasher.emptyRoot(),
    };
  }

  /** The tree over the collected leaves, built once on first use (n - 1 node hashes). */
  tree(): MerkleTree {
    if (!this.#tree) {
      this.#tree = MerkleTree.fromLeafHashes(this.#flat.subarray(0, this.#count * MERKLE_HASH_SIZE), nobleHasher);
      this.#flat = new Uint8Array(0); // the tree holds its own copy
    }
    return this.#tree;
  }

  #add(hash: Uint8Array): void {
    const at = this.#count * MERKLE_HASH_SIZE;
    if (at + MERKLE_HASH_SIZE > this.#flat.length) {
      const grown = new Uint8Array(this.#flat.length * 2);
      grown.set(this.#flat);
      this.#flat = grown;
    }
    this.#flat.set(hash, at);
    this.#count++;
  }
}
