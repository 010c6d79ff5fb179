// Merkle trees as RFC 6962 section 2.1 defines them (= RFC 9162 section 2.1.1):
// leaf = SHA-256(0x00 || input), node = SHA-256(0x01 || left || right), split at
// the largest power of two smaller than n, empty tree = SHA-256(""). Inclusion
// proofs follow RFC 9162 section 2.1.3, consistency proofs section 2.1.4.
//
// Pure and synchronous, so that the offline browser verifier runs this file.
//
// Leaf indices and tree sizes are JS numbers up to 2^53-1. Bitwise operators
// truncate to 32 bits, so no index arithmetic here uses them: only +, -, *,
// comparisons and loops over powers of two, all exact for safe integers.
//
// A proof node is named by its leaf range [start, end): it is MTH(D[start:end]).
// Generation returns these ranges and lets a store supply the hashes
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

import { sha256 } from '@noble/hashes/sha2.js';
import { bytesEqual, bytesToHex } from './bytes.js';
import { VerificationError } from './errors.js';

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

/** A proof node is MTH(D[start:end]) of the leaf range [start, end). */
export interface NodeRange {
  start: number;
  end: number;
}

function fail(code: VerificationError['code'], message: string): never {
  throw new VerificationError(code, message);
}

// Sizes and indices come from certificates and proof files: attacker
// controlled, so their type is checked at run time, not only by the compiler.
function checkSize(size: number, name: string): void {
  if (!Number.isInteger(size)) fail('TREE_SIZE_INVALID', `${name} ${String(size)} is not an integer`);
  if (size < 0 || size > Number.MAX_SAFE_INTEGER) {
    fail('INDEX_OUT_OF_RANGE', `${name} ${size} is outside [0, 2^53-1]`);
  }
}

function checkIndex(index: number, size: number): void {
  checkSize(size, 'tree size');
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    fail('INDEX_OUT_OF_RANGE', `index ${String(index)} out of range for tree size ${size}`);
  }
}

function checkSizePair(size1: number, size2: number): void {
  checkSize(size1, 'size1');
  checkSize(size2, 'size2');
  if (size1 > size2) fail('INDEX_OUT_OF_RANGE', `size1 ${size1} > size2 ${size2}`);
}

function checkRange(r: NodeRange, size: number): void {
  const ok = Number.isSafeInteger(r.start) && Number.isSafeInteger(r.end);
  if (!ok || r.start < 0 || r.start > r.end || r.end > size) {
    fail('INDEX_OUT_OF_RANGE', `range [${String(r.start)}, ${String(r.end)}) out of range for tree size ${size}`);
  }
}

/** The split point k of RFC 6962 section 2.1: the largest power of two smaller than n (n >= 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** log2(n) when n is a power of two, else -1. */
function exactLog2(n: number): number {
  let height = 0;
  let p = 1;
  for (; p < n; p *= 2) height++;
  return p === n ? height : -1;
}

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

/** MTH(D[r.start:r.end]) over a list of leaf hashes. */
export function rangeRoot(leafHashes: readonly Uint8Array[], r: NodeRange, hasher: MerkleHasher = nobleHasher): Uint8Array {
  checkRange(r, leafHashes.length);
  const builder = new MerkleRootBuilder(hasher);
  for (let i = r.start; i < r.end; i++) builder.addLeafHash(leafHashes[i]!);
  return builder.root();
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
      const same = old === cur; // until the first right sibling both hashes are one value
      old = hasher.hashChildren(proof[i]!, old);
      cur = same ? old : hasher.hashChildren(proof[i]!, cur);
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

// Not .slice(): on a Node Buffer (a Uint8Array subclass) that returns a view, not a copy.
function copy(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

function checkLeafHash(leafHash: Uint8Array): void {
  if (leafHash.length !== MERKLE_HASH_SIZE) {
    throw new TypeError(`leaf hash is ${leafHash.length} bytes, want ${MERKLE_HASH_SIZE}`);
  }
}

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
