// The hash functions of Merkle trees, RFC 6962 section 2.1 (= RFC 9162 section
// 2.1.1): leaf = SHA-256(0x00 || input), node = SHA-256(0x01 || left || right),
// empty tree = SHA-256(""). The 0x00/0x01 prefixes are the second-preimage
// protection of RFC 6962 section 2.1 (RFC 9162 section 2.1.1).
//
// Pure and synchronous, so that the offline browser verifier runs this file.

import { sha256 } from '@noble/hashes/sha2.js';

export const RFC6962_LEAF_HASH_PREFIX = 0x00;
export const RFC6962_NODE_HASH_PREFIX = 0x01;
/** Length of every leaf, node and root hash (SHA-256). */
export const MERKLE_HASH_SIZE = 32;

/** The three hash functions of RFC 6962 section 2.1; implementations differ only in speed. */
export interface MerkleHasher {
  hashLeaf(leafInput: Uint8Array): Uint8Array;
  hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array;
  emptyRoot(): Uint8Array;
}

// Leaf inputs up to this size are copied behind the prefix in a reused buffer
// (one hash call, no allocation); longer ones are streamed instead of copied.
const LEAF_SCRATCH_SIZE = 4096;

function makeNobleHasher(): MerkleHasher {
  // sha256() reads its input synchronously and keeps no reference to it, so
  // one scratch buffer per hasher is safe and spares an allocation per hash.
  const leaf = new Uint8Array(1 + LEAF_SCRATCH_SIZE);
  leaf[0] = RFC6962_LEAF_HASH_PREFIX;
  const node = new Uint8Array(1 + 2 * MERKLE_HASH_SIZE);
  node[0] = RFC6962_NODE_HASH_PREFIX;
  return {
    hashLeaf(input) {
      if (input.length > LEAF_SCRATCH_SIZE) {
        return sha256.create().update(leaf.subarray(0, 1)).update(input).digest();
      }
      leaf.set(input, 1);
      return sha256(leaf.subarray(0, 1 + input.length));
    },
    hashChildren(left, right) {
      if (left.length !== MERKLE_HASH_SIZE || right.length !== MERKLE_HASH_SIZE) {
        return sha256.create().update(node.subarray(0, 1)).update(left).update(right).digest();
      }
      node.set(left, 1);
      node.set(right, 1 + MERKLE_HASH_SIZE);
      return sha256(node);
    },
    emptyRoot: () => sha256(new Uint8Array(0)),
  };
}

/** @noble/hashes SHA-256: runs everywhere; the default of every function here. */
export const nobleHasher: MerkleHasher = makeNobleHasher();

export function hashLeaf(leafInput: Uint8Array): Uint8Array {
  return nobleHasher.hashLeaf(leafInput);
}

export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  return nobleHasher.hashChildren(left, right);
}

/** MTH({}) = SHA-256 of the empty string (RFC 6962 section 2.1). */
export function emptyRoot(): Uint8Array {
  return nobleHasher.emptyRoot();
}

// The two helpers below are shared by ./merkle-root.ts and ./merkle-tree.ts;
// ./merkle.ts does not re-export them.

/** @internal A fresh copy. Not .slice(): on a Node Buffer (a Uint8Array subclass) that returns a view, not a copy. */
export function copy(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

/** @internal Throws TypeError unless `leafHash` is MERKLE_HASH_SIZE bytes long. */
export function checkLeafHash(leafHash: Uint8Array): void {
  if (leafHash.length !== MERKLE_HASH_SIZE) {
    throw new TypeError(`leaf hash is ${leafHash.length} bytes, want ${MERKLE_HASH_SIZE}`);
  }
}
