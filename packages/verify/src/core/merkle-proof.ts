// Merkle proofs: inclusion proofs (audit paths) as RFC 9162 section 2.1.3
// defines them (generation 2.1.3.1, verification 2.1.3.2), consistency proofs
// as RFC 9162 section 2.1.4 does (generation 2.1.4.1, verification 2.1.4.2);
// the same proofs as RFC 6962 sections 2.1.1 and 2.1.2.
//
// Pure and synchronous, so that the offline browser verifier runs this file.
//
// Generation returns leaf ranges and lets a store supply the hashes
// (transparency-dev/merkle style). Verification derives the same ranges from
// (index, size) alone, so the exact proof length and the side of every sibling
// are fixed before anything is hashed.
//
// Error codes (callers branch on them, see ./errors.ts):
//   INDEX_OUT_OF_RANGE   index >= size, size1 > size2, an index that is not an
//                        integer in [0, 2^53-1], a size that is an integer
//                        outside [0, 2^53-1]
//   TREE_SIZE_INVALID    a size that is not an integer at all; a non-empty
//                        consistency proof from size 0
//   PROOF_SIZE_WRONG     wrong number of proof hashes, or one not 32 bytes long
//   MERKLE_ROOT_MISMATCH the recomputed root differs, or a root or leaf hash is
//                        not 32 bytes (it cannot be the hash of anything here)

import { bytesEqual, bytesToHex } from './bytes.js';
import { MERKLE_HASH_SIZE, type MerkleHasher, nobleHasher } from './merkle-hash.js';
import { checkIndex, checkSizePair, fail, type NodeRange, splitPoint } from './merkle-range.js';

/** Ranges of the audit path PATH(index, D[0:size]), RFC 9162 section 2.1.3.1, leaf first. */
export function inclusionProofRanges(index: number, size: number): NodeRange[] {
  checkIndex(index, size);
  const topDown: NodeRange[] = [];
  // The RFC's recursion, unrolled: record the sibling, descend into the half holding the leaf.
  for (let start = 0, end = size; end - start > 1; ) {
    const mid = start + splitPoint(end - start);
    if (index < mid) {
      topDown.push({ start: mid, end });
      end = mid;
    } else {
      topDown.push({ start, end: mid });
      start = mid;
    }
  }
  return topDown.reverse();
}

/**
 * Ranges of PROOF(size1, D[0:size2]), RFC 9162 section 2.1.4.1, bottom first.
 * Empty when size1 is 0 or equals size2.
 */
export function consistencyProofRanges(size1: number, size2: number): NodeRange[] {
  checkSizePair(size1, size2);
  if (size1 === 0 || size1 === size2) return [];
  const topDown: NodeRange[] = [];
  let start = 0;
  let end = size2;
  // SUBPROOF(m, D[start:end], b) unrolled, with m = size1 - start. Its flag b
  // stays true exactly while start is 0.
  while (end !== size1) {
    const mid = start + splitPoint(end - start);
    if (size1 <= mid) {
      topDown.push({ start: mid, end });
      end = mid;
    } else {
      topDown.push({ start, end: mid });
      start = mid;
    }
  }
  // With b true, [0, size1) is the old root itself, which the verifier holds.
  if (start > 0) topDown.push({ start, end: size1 });
  return topDown.reverse();
}

/** The audit path of leaf `index`, its hashes looked up by range in the caller's store. */
export function inclusionProof(index: number, size: number, nodeHash: (r: NodeRange) => Uint8Array): Uint8Array[] {
  return inclusionProofRanges(index, size).map((r) => nodeHash(r));
}

/** The consistency proof from size1 to size2, its hashes looked up by range in the caller's store. */
export function consistencyProof(size1: number, size2: number, nodeHash: (r: NodeRange) => Uint8Array): Uint8Array[] {
  return consistencyProofRanges(size1, size2).map((r) => nodeHash(r));
}

function checkProof(proof: readonly Uint8Array[], want: number): void {
  if (proof.length !== want) fail('PROOF_SIZE_WRONG', `wrong proof size ${proof.length}, want ${want}`);
  proof.forEach((p, i) => {
    if (p.length !== MERKLE_HASH_SIZE) {
      fail('PROOF_SIZE_WRONG', `proof[${i}] is ${p.length} bytes, want ${MERKLE_HASH_SIZE}`);
    }
  });
}

function checkHashSize(hash: Uint8Array, name: string): void {
  if (hash.length !== MERKLE_HASH_SIZE) {
    fail('MERKLE_ROOT_MISMATCH', `${name} is ${hash.length} bytes, want ${MERKLE_HASH_SIZE}`);
  }
}

function expectRoot(got: Uint8Array, want: Uint8Array, name: string): void {
  checkHashSize(want, name);
  if (!bytesEqual(got, want)) {
    fail('MERKLE_ROOT_MISMATCH', `${name} mismatch: computed ${bytesToHex(got)}, want ${bytesToHex(want)}`);
  }
}

/** Folds an audit path into the root it implies (RFC 9162 section 2.1.3.2); does not compare it to anything. */
export function rootFromInclusionProof(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  hasher: MerkleHasher = nobleHasher,
): Uint8Array {
  const ranges = inclusionProofRanges(index, size);
  checkProof(proof, ranges.length);
  checkHashSize(leafHash, 'leaf hash');
  let hash = leafHash;
  let start = index; // first leaf of the subtree whose hash `hash` is
  ranges.forEach((sibling, i) => {
    if (sibling.start < start) {
      hash = hasher.hashChildren(proof[i]!, hash);
      start = sibling.start;
    } else {
      hash = hasher.hashChildren(hash, proof[i]!);
    }
  });
  return hash;
}

/** Throws VerificationError unless the audit path leads from leafHash at `index` to `root`. */
export function verifyInclusion(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
  hasher: MerkleHasher = nobleHasher,
): void {
  expectRoot(rootFromInclusionProof(index, size, leafHash, proof, hasher), root, 'root');
}

/**
 * Checks that the tree (size2, root2) extends the tree (size1, root1), RFC 9162
 * section 2.1.4.2. Both roots are recomputed from the proof and compared.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
  hasher: MerkleHasher = nobleHasher,
): void {
  checkSizePair(size1, size2);
  if (size1 === 0) return verifyFromEmpty(size2, proof, root1, root2, hasher);
  if (size1 === size2) {
    checkProof(proof, 0);
    checkHashSize(root1, 'root1');
    return expectRoot(root1, root2, 'root2');
  }
  const ranges = consistencyProofRanges(size1, size2);
  checkProof(proof, ranges.length);
  // The proof starts with MTH(D[start:size1]) unless size1 is a power of two:
  // then [0, size1) is a node of the new tree and its hash is root1 itself.
  const seedInProof = ranges[0]!.end === size1;
  if (!seedInProof) checkHashSize(root1, 'root1');
  let old = seedInProof ? proof[0]! : root1; // grows into root1: left siblings only
  let cur = old; // grows into root2: every sibling
  let start = seedInProof ? ranges[0]!.start : 0;
  for (let i = seedInProof ? 1 : 0; i < ranges.length; i++) {
    const sibling = ranges[i]!;
    if (sibling.start < start) {
      // The seed is always a left child, so a right sibling has already made old and cur differ here.
      old = hasher.hashChildren(proof[i]!, old);
      cur = hasher.hashChildren(proof[i]!, cur);
      start = sibling.start;
    } else {
      cur = hasher.hashChildren(cur, proof[i]!);
    }
  }
  expectRoot(old, root1, 'root1');
  expectRoot(cur, root2, 'root2');
}

// Every tree extends the empty one, so the proof is empty; root1 can still be
// wrong, since the empty tree has exactly one root.
function verifyFromEmpty(
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
  hasher: MerkleHasher,
): void {
  if (proof.length !== 0) {
    fail('TREE_SIZE_INVALID', `consistency from tree size 0 takes an empty proof, got ${proof.length} hashes`);
  }
  expectRoot(hasher.emptyRoot(), root1, 'root1');
  if (size2 === 0) expectRoot(root1, root2, 'root2');
  else checkHashSize(root2, 'root2');
}
