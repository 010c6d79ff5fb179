// Merkle trees as RFC 6962 section 2.1 defines them (= RFC 9162 section 2.1.1):
// leaf = SHA-256(0x00 || input), node = SHA-256(0x01 || left || right), split at
// the largest power of two smaller than n, empty tree = SHA-256(""). Inclusion
// proofs follow RFC 9162 section 2.1.3, consistency proofs section 2.1.4.
//
// This module only gathers the public API of the files that implement it, one
// concept each:
//   ./merkle-hash.ts   the hash functions and MerkleHasher (RFC 6962 2.1)
//   ./merkle-range.ts  leaf ranges, the split point, index and size checks
//   ./merkle-root.ts   MTH by streaming: MerkleRootBuilder, rootFromLeafHashes, rangeRoot
//   ./merkle-proof.ts  inclusion and consistency proofs (RFC 9162 2.1.3, 2.1.4),
//                      with the table of error codes they throw
//   ./merkle-tree.ts   MerkleTree, an in-memory tree serving proofs
// The list is explicit so that internal helpers of those files stay private.

export {
  emptyRoot,
  hashChildren,
  hashLeaf,
  MERKLE_HASH_SIZE,
  type MerkleHasher,
  nobleHasher,
  RFC6962_LEAF_HASH_PREFIX,
  RFC6962_NODE_HASH_PREFIX,
} from './merkle-hash.js';
export {
  consistencyProof,
  consistencyProofRanges,
  inclusionProof,
  inclusionProofRanges,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './merkle-proof.js';
export type { NodeRange } from './merkle-range.js';
export { MerkleRootBuilder, rangeRoot, rootFromLeafHashes } from './merkle-root.js';
export { MerkleTree } from './merkle-tree.js';
