// The server's fast path for RFC 6962 section 2.1 hashing: node:crypto's
// one-shot crypto.hash (Node >= 20.12) runs OpenSSL's SHA-256 with the CPU's
// SHA instructions, much faster than @noble/hashes on 65-byte nodes
// (bench/merkle.ts; figures: bench/RESULTS.md, 'Measurements behind the
// code'). Same results as nobleHasher, which the tests check; the
// browser-safe core never imports this file.

import { createHash, hash } from 'node:crypto';
import {
  MERKLE_HASH_SIZE,
  RFC6962_LEAF_HASH_PREFIX,
  RFC6962_NODE_HASH_PREFIX,
  type MerkleHasher,
} from '../core/merkle.js';

// Leaf inputs up to this size are copied behind the prefix in a reused buffer
// (one native call); longer ones are streamed instead of copied.
const LEAF_SCRATCH_SIZE = 4096;

// A Buffer is a Uint8Array whose slice() shares memory and whose deep equality
// differs from a Uint8Array's: hand out a plain Uint8Array view of the same bytes.
function plain(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

// The digest as a 'binary' (latin1) string, copied into a fresh Uint8Array: several times as
// fast as asking for a Buffer, which costs an allocation through Buffer's pool on
// every call (figures: bench/RESULTS.md, 'Measurements behind the code').
function sha256(data: Uint8Array): Uint8Array {
  const s = hash('sha256', data, 'binary');
  const out = new Uint8Array(MERKLE_HASH_SIZE);
  for (let i = 0; i < MERKLE_HASH_SIZE; i++) out[i] = s.charCodeAt(i);
  return out;
}

function sha256Parts(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const part of parts) h.update(part);
  return plain(h.digest());
}

function makeNodeHasher(): MerkleHasher {
  // crypto.hash reads its input synchronously and keeps no reference to it, so
  // one scratch buffer is safe and spares an allocation per hash.
  const leaf = new Uint8Array(1 + LEAF_SCRATCH_SIZE);
  leaf[0] = RFC6962_LEAF_HASH_PREFIX;
  const node = new Uint8Array(1 + 2 * MERKLE_HASH_SIZE);
  node[0] = RFC6962_NODE_HASH_PREFIX;
  return {
    hashLeaf(input) {
      if (input.length > LEAF_SCRATCH_SIZE) return sha256Parts(leaf.subarray(0, 1), input);
      leaf.set(input, 1);
      return sha256(leaf.subarray(0, 1 + input.length));
    },
    hashChildren(left, right) {
      if (left.length !== MERKLE_HASH_SIZE || right.length !== MERKLE_HASH_SIZE) {
        return sha256Parts(node.subarray(0, 1), left, right);
      }
      node.set(left, 1);
      node.set(right, 1 + MERKLE_HASH_SIZE);
      return sha256(node);
    },
    emptyRoot: () => sha256(new Uint8Array(0)),
  };
}

/** node:crypto SHA-256 for servers and workers; use nobleHasher in browser-bound code. */
export const nodeHasher: MerkleHasher = makeNodeHasher();
