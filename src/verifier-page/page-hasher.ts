// RFC 6962 section 2.1 (= RFC 9162 section 2.1.1) leaf and node hashes
// computed with ./sha256.ts, which runs much faster than
// @noble/hashes in Chromium (that file says why; figures: bench/RESULTS.md,
// 'Measurements behind the code'). They are the same bytes as
// the core's nobleHasher: test/browser/page-hashing.test.ts checks them
// against node:crypto and noble, in Node and in Chromium.
import {
  MERKLE_HASH_SIZE,
  type MerkleHasher,
  RFC6962_LEAF_HASH_PREFIX,
  RFC6962_NODE_HASH_PREFIX,
} from '@shredproof/verify';
import { digestPadded, digestPaddedBlocks, padInPlace, paddedLength, Sha256 } from './sha256.js';

const NODE_INPUT = 1 + 2 * MERKLE_HASH_SIZE;
/** Leaf inputs up to this size (a record line's limit and more) are copied behind the prefix and padded in place; longer ones are streamed. */
const LEAF_SCRATCH_INPUT = 64 * 1024 + 1024;

/**
 * Leaf and node hashes written into the caller's memory, with no allocation
 * per hash: each prefixed input is copied into a scratch buffer that has room
 * for its padding. One per user: the scratch is reused by every call.
 */
export class MerkleScratch {
  readonly #leaf = new Uint8Array(paddedLength(1 + LEAF_SCRATCH_INPUT));
  // A node's input is always 65 bytes: its padding is written once, and each node fills in bytes 1 to 64.
  readonly #node = new Uint8Array(paddedLength(NODE_INPUT));
  readonly #nodeEnd: number;
  readonly #streaming = new Sha256();

  constructor() {
    this.#leaf[0] = RFC6962_LEAF_HASH_PREFIX;
    this.#node[0] = RFC6962_NODE_HASH_PREFIX;
    this.#nodeEnd = padInPlace(this.#node, NODE_INPUT);
  }

  /** SHA-256(0x00 || bytes[start, end)) into out[at, at + 32). */
  leaf(bytes: Uint8Array, start: number, end: number, out: Uint8Array, at: number): void {
    const length = end - start;
    if (length > LEAF_SCRATCH_INPUT) {
      const h = this.#streaming.update(this.#leaf.subarray(0, 1)).update(bytes.subarray(start, end)).digest();
      out.set(h, at);
      return;
    }
    const leaf = this.#leaf;
    for (let i = 0; i < length; i++) leaf[1 + i] = bytes[start + i]!;
    digestPadded(leaf, 1 + length, out, at);
  }

  /** SHA-256(0x01 || left[l, l + 32) || right[r, r + 32)) into out[at, at + 32); out may be left or right. */
  node(left: Uint8Array, l: number, right: Uint8Array, r: number, out: Uint8Array, at: number): void {
    const node = this.#node;
    for (let i = 0; i < MERKLE_HASH_SIZE; i++) node[1 + i] = left[l + i]!;
    for (let i = 0; i < MERKLE_HASH_SIZE; i++) node[1 + MERKLE_HASH_SIZE + i] = right[r + i]!;
    digestPaddedBlocks(node, this.#nodeEnd, out, at); // reads all of node before it writes out
  }

  /** SHA-256 of bytes as they are, no prefix (the empty tree's root is that of no bytes). */
  plain(bytes: Uint8Array): Uint8Array {
    return this.#streaming.update(bytes).digest();
  }
}

/** The MerkleHasher interface over MerkleScratch, for the core's MerkleTree (the photo check's proofs). */
export function pageMerkleHasher(): MerkleHasher {
  const scratch = new MerkleScratch();
  return {
    hashLeaf(input) {
      const out = new Uint8Array(MERKLE_HASH_SIZE);
      scratch.leaf(input, 0, input.length, out, 0);
      return out;
    },
    hashChildren(left, right) {
      // The core's hasher takes children of any length; so does this one, off the fast path.
      if (left.length !== MERKLE_HASH_SIZE || right.length !== MERKLE_HASH_SIZE) {
        return new Sha256().update(Uint8Array.of(RFC6962_NODE_HASH_PREFIX)).update(left).update(right).digest();
      }
      const out = new Uint8Array(MERKLE_HASH_SIZE);
      scratch.node(left, 0, right, 0, out, 0);
      return out;
    },
    emptyRoot: () => scratch.plain(new Uint8Array(0)),
  };
}
