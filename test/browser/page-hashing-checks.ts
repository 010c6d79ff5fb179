// The verifier page's SHA-256 (src/verifier-page/sha256.ts), its Merkle
// hashes and its file digest as plain functions of their data, browser-safe
// (no node:*), so that the very same code runs in Node and, bundled by the
// page's own esbuild settings, in Chromium. Each returns hex digests computed
// by the page's code and by @noble/hashes side by side, in the runtime it runs
// in; test/browser/page-hashing.test.ts compares them with node:crypto and the
// two runtimes with each other.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, MerkleRootBuilder, MerkleTree, nobleHasher, utf8Encode } from '../../packages/verify/src/core/index.js';
import { forEachBlobLine } from '../../src/verifier-page/blob-lines.js';
import { MerkleScratch, pageMerkleHasher } from '../../src/verifier-page/page-hasher.js';
import { digestPadded, paddedLength, Sha256 } from '../../src/verifier-page/sha256.js';

/** A message by description, so that large ones need not cross the bridge: `text` repeated, or `length` pseudo-random bytes from `seed`. */
export type MessageSpec = { text: string; repeat?: number } | { seed: number; length: number };

/** xorshift32: the same bytes in every runtime, for any seed. */
export function seededBytes(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed | 0 || 0x9e3779b9;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x >>> 24;
  }
  return out;
}

export function messageBytes(spec: MessageSpec): Uint8Array {
  if ('seed' in spec) return seededBytes(spec.seed, spec.length);
  const one = utf8Encode(spec.text);
  const out = new Uint8Array(one.length * (spec.repeat ?? 1));
  for (let at = 0; at < out.length; at += one.length) out.set(one, at);
  return out;
}

/** Each message hashed three ways: Sha256 in one update, digestPadded (padding in place, as leaves are), and noble. */
function digests(specs: readonly MessageSpec[]): Array<{ page: string; padded: string; noble: string }> {
  const h = new Sha256(); // one object for all: digest() must leave it as new
  return specs.map((spec) => {
    const m = messageBytes(spec);
    const scratch = new Uint8Array(paddedLength(m.length) + 7).fill(0xa5); // stale bytes after the message must not matter
    scratch.set(m);
    const out = new Uint8Array(40);
    digestPadded(scratch, m.length, out, 3);
    return { page: bytesToHex(h.update(m).digest()), padded: bytesToHex(out.subarray(3, 35)), noble: bytesToHex(sha256(m)) };
  });
}

export interface StreamCase {
  hex: string;
  /** Where to cut the message into update() calls; sorted, may repeat (an empty update) and include 0 and the length. */
  splits: number[];
}

/** Each message fed in pieces, then again in one piece through the same object: both must give noble's digest. */
function streamed(cases: readonly StreamCase[]): Array<{ pieces: string; whole: string; noble: string }> {
  const h = new Sha256();
  return cases.map(({ hex, splits }) => {
    const m = hexToBytes(hex);
    let from = 0;
    for (const at of [...splits, m.length]) {
      h.update(m.subarray(from, at));
      from = at;
    }
    const pieces = bytesToHex(h.digest());
    return { pieces, whole: bytesToHex(h.update(m).digest()), noble: bytesToHex(sha256(m)) };
  });
}

/** A long message hashed by update() calls of 1 MiB (the length's high 32 bits are non-zero past 512 MiB). */
function longDigest(length: number): string {
  const chunk = seededBytes(7, 1 << 20);
  const h = new Sha256();
  for (let left = length; left > 0; left -= chunk.length) h.update(left >= chunk.length ? chunk : chunk.subarray(0, left));
  return bytesToHex(h.digest());
}

export interface MerkleCase {
  /** Leaf inputs, hex. */
  leaves: string[];
  /** Pairs of children of any length, hex: 32 bytes each is the fast path. */
  children: Array<[string, string]>;
}

interface HashSet {
  leaves: string[];
  leavesInPlace: string[];
  children: string[];
  emptyRoot: string;
  root: string;
  treeRoot: string;
}

/** Leaf, node and root hashes by the page's hasher and by the core's nobleHasher. */
function merkle(c: MerkleCase): { page: HashSet; noble: HashSet } {
  const inputs = c.leaves.map(hexToBytes);
  const children = c.children.map(([l, r]) => [hexToBytes(l), hexToBytes(r)] as const);
  const run = (hasher: typeof nobleHasher): Omit<HashSet, 'leavesInPlace'> => {
    const builder = new MerkleRootBuilder(hasher);
    for (const input of inputs) builder.addLeaf(input);
    const leafHashes = inputs.map((input) => hasher.hashLeaf(input));
    return {
      leaves: leafHashes.map(bytesToHex),
      children: children.map(([l, r]) => bytesToHex(hasher.hashChildren(l, r))),
      emptyRoot: bytesToHex(hasher.emptyRoot()),
      root: bytesToHex(builder.root()),
      treeRoot: bytesToHex(MerkleTree.fromLeafHashes(leafHashes, hasher).root()),
    };
  };
  // As the records verifier calls it: the input inside a larger buffer, the hash written at an offset.
  const scratch = new MerkleScratch();
  const leavesInPlace = inputs.map((input) => {
    const around = new Uint8Array(input.length + 10).fill(0x0a);
    around.set(input, 5);
    const out = new Uint8Array(40);
    scratch.leaf(around, 5, 5 + input.length, out, 8);
    return bytesToHex(out.subarray(8, 40));
  });
  const noble = run(nobleHasher);
  return { page: { ...run(pageMerkleHasher()), leavesInPlace }, noble: { ...noble, leavesInPlace: noble.leaves } };
}

/**
 * The records file's digest as the page's verifier computes it: Sha256 fed
 * the reader's whole reads of complete lines, for several window sizes (the
 * smaller ones cut lines across reads). Returns each digest and line count.
 */
async function fileDigests({ hex, windows }: { hex: string; windows: readonly number[] }): Promise<{ digests: string[]; lines: number[]; noble: string }> {
  const bytes = hexToBytes(hex);
  const blob = new Blob([new Uint8Array(bytes)]); // a copy typed over an ArrayBuffer, as Blob wants
  const digests: string[] = [];
  const lines: number[] = [];
  for (const windowBytes of windows) {
    const h = new Sha256();
    lines.push(await forEachBlobLine(blob, () => undefined, { onLines: (b, s, e) => void h.update(b.subarray(s, e)), max: 64, windowBytes }));
    digests.push(bytesToHex(h.digest()));
  }
  return { digests, lines, noble: bytesToHex(sha256(bytes)) };
}

export const pageHashingChecks = { digests, streamed, longDigest, merkle, fileDigests };
export type PageHashingChecks = typeof pageHashingChecks;
