// Writes the Merkle golden vectors of this directory:
//   node --import tsx test/vectors/merkle/generate.ts
//
// Every hash in the output is a published RFC 6962 reference value (see
// README.md for the sources) or a deliberate corruption of one: this script
// never imports src/, so a bug there cannot leak into the expected values.
// What it computes itself, with naive recursions straight from RFC 9162
// section 2.1, is only which published node hashes a proof is made of, and the
// expected error code of a mutation (the order in which a verifier checks).

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = dirname(fileURLToPath(import.meta.url));
const TD = 'transparency-dev/merkle';

// transparency-dev/merkle testonly/constants.go: LeafInputs().
const LEAF_INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];

// transparency-dev/merkle testonly/constants.go: NodeHashes(), level by level
// (level h holds the aligned perfect subtrees of 2^h leaves).
const NODE_HASHES: string[][] = [
  [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
    '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
    'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
    '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
  ],
  [
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
    'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
  ],
  [
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
  ],
  ['5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'],
];

// transparency-dev/merkle testonly/constants.go: RootHashes(), by tree size 0..8.
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const EMPTY_ROOT = ROOTS[0]!;

// transparency-dev/merkle proof/verify_test.go: sha256SomeHash, a 32-byte value that is no node of the tree.
const SOME_HASH = 'abacaba000000000000000000000000000000000000000000060061e00123456';

// Published audit paths: testonly/reference_test.go TestRefInclusionProof and
// proof/verify_test.go inclusionProofs (there `leaf` is 1-based).
const PUBLISHED_INCLUSION: { index: number; size: number; proof: string[]; from: string }[] = [
  { index: 0, size: 1, proof: [], from: 'testonly/reference_test.go' },
  { index: 0, size: 2, proof: [NODE_HASHES[0]![1]!], from: 'testonly/reference_test.go' },
  { index: 1, size: 2, proof: [NODE_HASHES[0]![0]!], from: 'testonly/reference_test.go' },
  { index: 2, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'], from: 'proof/verify_test.go' },
  {
    index: 1,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
    from: 'proof/verify_test.go',
  },
  {
    index: 0,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
    from: 'proof/verify_test.go',
  },
  {
    index: 5,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
    from: 'proof/verify_test.go',
  },
];

// Published consistency proofs: proof/verify_test.go consistencyProofs.
const PUBLISHED_CONSISTENCY: { size1: number; size2: number; proof: string[]; from: string }[] = [
  { size1: 1, size2: 1, proof: [], from: 'proof/verify_test.go' },
  {
    size1: 1,
    size2: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
    from: 'proof/verify_test.go',
  },
  {
    size1: 6,
    size2: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
    from: 'proof/verify_test.go',
  },
  {
    size1: 2,
    size2: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
    from: 'proof/verify_test.go',
  },
  {
    size1: 6,
    size2: 7,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
    from: 'proof/verify_test.go',
  },
];

// ---- naive RFC 9162 section 2.1 recursions over leaf ranges -------------------

type Range = [start: number, end: number];

function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** PATH(m, D[lo:hi]) as ranges, leaf first (RFC 9162 section 2.1.3.1). */
function pathRanges(m: number, lo: number, hi: number): Range[] {
  if (hi - lo <= 1) return [];
  const k = split(hi - lo);
  return m < k ? [...pathRanges(m, lo, lo + k), [lo + k, hi]] : [...pathRanges(m - k, lo + k, hi), [lo, lo + k]];
}

/** SUBPROOF(m, D[lo:hi], b) as ranges (RFC 9162 section 2.1.4.1). */
function subproofRanges(m: number, lo: number, hi: number, b: boolean): Range[] {
  if (m === hi - lo) return b ? [] : [[lo, hi]];
  const k = split(hi - lo);
  return m <= k
    ? [...subproofRanges(m, lo, lo + k, b), [lo + k, hi]]
    : [...subproofRanges(m - k, lo + k, hi, false), [lo, lo + k]];
}

/** The published hash of MTH(D[start:end]), when the sources publish it. */
function publishedNode([start, end]: Range): string | undefined {
  if (start === 0) return ROOTS[end];
  const width = end - start;
  const level = Math.log2(width);
  if (!Number.isInteger(level) || start % width !== 0) return undefined;
  return NODE_HASHES[level]?.[start / width];
}

function publishedNodes(ranges: Range[]): string[] | undefined {
  const hashes = ranges.map(publishedNode);
  return hashes.every((h) => h !== undefined) ? (hashes as string[]) : undefined;
}

// ---- expected outcomes: the order in which a verifier must check ------------

type Expected = 'ok' | { error: string };
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const is32 = (h: string) => h.length === 64;

function sizeError(size: number): string | undefined {
  if (!Number.isInteger(size)) return 'TREE_SIZE_INVALID';
  if (size < 0 || size > MAX_SAFE) return 'INDEX_OUT_OF_RANGE';
  return undefined;
}

/** Structural checks come first; if they pass, only the unmodified vector verifies. */
function expectInclusion(v: InclusionVector, intact: boolean): Expected {
  const code =
    sizeError(v.size) ??
    (!Number.isSafeInteger(v.index) || v.index < 0 || v.index >= v.size ? 'INDEX_OUT_OF_RANGE' : undefined) ??
    (v.proof.length !== pathRanges(v.index, 0, v.size).length || !v.proof.every(is32) ? 'PROOF_SIZE_WRONG' : undefined) ??
    (intact ? undefined : 'MERKLE_ROOT_MISMATCH');
  return code ? { error: code } : 'ok';
}

/**
 * Like expectInclusion, except where the roots alone decide (RFC 9162 section
 * 2.1.4.2): from size 0, root1 must be the empty root and root2 is unchecked
 * (any tree extends the empty one); for equal sizes the roots must be equal.
 */
function expectConsistency(v: ConsistencyVector, intact: boolean): Expected {
  const { size1, size2, proof, root1, root2 } = v;
  let code = sizeError(size1) ?? sizeError(size2) ?? (size1 > size2 ? 'INDEX_OUT_OF_RANGE' : undefined);
  if (!code && size1 === 0 && proof.length > 0) code = 'TREE_SIZE_INVALID';
  if (!code) {
    const want = size1 === 0 || size1 === size2 ? 0 : subproofRanges(size1, 0, size2, true).length;
    if (proof.length !== want || !proof.every(is32)) code = 'PROOF_SIZE_WRONG';
  }
  if (!code) {
    let mismatch = !intact;
    if (size1 === 0) mismatch = root1 !== EMPTY_ROOT || (size2 === 0 ? root2 !== root1 : !is32(root2));
    else if (size1 === size2) mismatch = root1 !== root2 || !is32(root1);
    if (mismatch) code = 'MERKLE_ROOT_MISMATCH';
  }
  return code ? { error: code } : 'ok';
}

// ---- vectors and their mutations --------------------------------------------

interface InclusionVector {
  kind: 'inclusion';
  description: string;
  index: number;
  size: number;
  leafHash: string;
  proof: string[];
  root: string;
  expected: Expected;
}

interface ConsistencyVector {
  kind: 'consistency';
  description: string;
  size1: number;
  size2: number;
  proof: string[];
  root1: string;
  root2: string;
  expected: Expected;
}

/** A mutation: a name for the file, what it does, and the changed fields (undefined = not applicable). */
type Mutation<V> = [name: string, what: string, change: Partial<V> | undefined];

const flipBit = (hex: string, mask: number) => ((parseInt(hex.slice(0, 2), 16) ^ mask).toString(16).padStart(2, '0') + hex.slice(2));
const shorten = (hex: string) => hex.slice(0, 62);

function inclusionMutations(v: InclusionVector, full: boolean): Mutation<InclusionVector>[] {
  const { index, size, proof, root } = v;
  const ln = proof.length;
  const otherRoot = ROOTS[size === 8 ? 7 : size + 1]!;
  const basic: Mutation<InclusionVector>[] = [
    ['wrong-leaf', 'leaf hash of another leaf', { leafHash: NODE_HASHES[0]![(index + 1) % 8]! }],
    ['wrong-root', 'root of another tree size', { root: otherRoot }],
    ['truncated-proof', 'last proof hash removed', ln > 0 ? { proof: proof.slice(0, -1) } : undefined],
    ['padded-proof', 'the root appended to the proof', { proof: [...proof, root] }],
  ];
  if (!full) return basic;
  return [
    ...basic,
    ['trailing-garbage', 'an empty hash appended', { proof: [...proof, ''] }],
    ['preceding-garbage', 'an empty hash prepended', { proof: ['', ...proof] }],
    ['inserted-component', 'an unrelated hash inserted after proof[0]', ln > 1 ? { proof: [proof[0]!, SOME_HASH, ...proof.slice(1)] } : undefined],
    ['swapped-elements', 'proof[0] and proof[1] swapped', ln > 1 ? { proof: [proof[1]!, proof[0]!, ...proof.slice(2)] } : undefined],
    ...proof.map((_, i): Mutation<InclusionVector> => [`flipped-bit-${i}`, `bit 3 of proof[${i}] flipped`, { proof: proof.map((h, j) => (j === i ? flipBit(h, 8) : h)) }]),
    ['short-element', 'proof[0] cut to 31 bytes', ln > 0 ? { proof: [shorten(proof[0]!), ...proof.slice(1)] } : undefined],
    ['empty-root', 'the empty-tree root', { root: EMPTY_ROOT }],
    ['random-root', 'a hash that is no node of the tree', { root: SOME_HASH }],
    ['short-root', 'root cut to 31 bytes', { root: shorten(root) }],
    ['short-leaf-hash', 'leaf hash cut to 31 bytes', { leafHash: shorten(v.leafHash) }],
    ['index-out-of-range', 'index = size', { index: size }],
    ['index-minus-1', 'index - 1', index > 0 ? { index: index - 1 } : undefined],
    ['index-plus-1', 'index + 1', { index: index + 1 }],
    ['negative-index', 'index -1', { index: -1 }],
    ['fractional-index', 'index + 0.5', { index: index + 0.5 }],
    ['size-doubled', 'size * 2', { size: size * 2 }],
    ['size-halved', 'floor(size / 2)', { size: Math.floor(size / 2) }],
    ['fractional-size', 'size + 0.5', { size: size + 0.5 }],
    ['unsafe-size', 'size 2^53, beyond the safe integers', { size: 2 ** 53 }],
  ];
}

function consistencyMutations(v: ConsistencyVector, full: boolean): Mutation<ConsistencyVector>[] {
  const { size1, size2, proof, root1, root2 } = v;
  const ln = proof.length;
  const basic: Mutation<ConsistencyVector>[] = [
    ['swapped-roots', 'root1 and root2 swapped', root1 !== root2 ? { root1: root2, root2: root1 } : undefined],
    ['wrong-root1', 'root1 replaced by an unrelated hash', { root1: SOME_HASH }],
    ['wrong-root2', 'root2 replaced by an unrelated hash', { root2: SOME_HASH }],
    ['truncated-proof', 'last proof hash removed', ln > 0 ? { proof: proof.slice(0, -1) } : undefined],
    ['padded-proof', 'root2 appended to the proof', { proof: [...proof, root2] }],
  ];
  if (!full) return basic;
  return [
    ...basic,
    ['empty-proof', 'all proof hashes removed', ln > 0 ? { proof: [] } : undefined],
    ['trailing-garbage', 'an empty hash appended', { proof: [...proof, ''] }],
    ['preceding-garbage', 'an empty hash prepended', { proof: ['', ...proof] }],
    ['preceding-root1', 'root1 prepended', { proof: [root1, ...proof] }],
    ['preceding-proof0', 'proof[0] repeated in front', ln > 0 ? { proof: [proof[0]!, ...proof] } : undefined],
    ...proof.map((_, i): Mutation<ConsistencyVector> => [`flipped-bit-${i}`, `bit 4 of proof[${i}] flipped`, { proof: proof.map((h, j) => (j === i ? flipBit(h, 16) : h)) }]),
    ['short-element', 'proof[0] cut to 31 bytes', ln > 0 ? { proof: [shorten(proof[0]!), ...proof.slice(1)] } : undefined],
    ['short-root1', 'root1 cut to 31 bytes', { root1: shorten(root1) }],
    ['short-root2', 'root2 cut to 31 bytes', { root2: shorten(root2) }],
    ['swapped-sizes', 'size1 and size2 swapped', size1 !== size2 ? { size1: size2, size2: size1 } : undefined],
    ['size1-minus-1', 'size1 - 1', { size1: size1 - 1 }],
    ['size1-plus-1', 'size1 + 1', { size1: size1 + 1 }],
    ['size2-doubled', 'size2 * 2', { size2: size2 * 2 }],
    ['size2-halved', 'floor(size2 / 2)', { size2: Math.floor(size2 / 2) }],
    ['fractional-size1', 'size1 + 0.5', { size1: size1 + 0.5 }],
    ['unsafe-size2', 'size2 2^53, beyond the safe integers', { size2: 2 ** 53 }],
  ];
}

function write(path: string, vector: object): void {
  mkdirSync(dirname(join(OUT, path)), { recursive: true });
  writeFileSync(join(OUT, path), JSON.stringify(vector, null, 2) + '\n');
}

let files = 0;
function emit<V extends InclusionVector | ConsistencyVector>(
  prefix: string,
  base: V,
  mutations: Mutation<V>[],
  expect: (v: V, intact: boolean) => Expected,
): void {
  write(`${prefix}happy-path.json`, { ...base, expected: expect(base, true) });
  files++;
  for (const [name, what, change] of mutations) {
    if (!change) continue;
    if (Object.entries(change).every(([k, x]) => JSON.stringify(x) === JSON.stringify(base[k as keyof V]))) continue; // no-op here
    const v = { ...base, ...change, description: `${base.description}; mutation: ${what}` };
    write(`${prefix}${name}.json`, { ...v, expected: expect(v, false) });
    files++;
  }
}

function generateInclusion(): void {
  const published = new Map(PUBLISHED_INCLUSION.map((p) => [`${p.index}/${p.size}`, p]));
  for (let size = 1; size <= 8; size++) {
    for (let index = 0; index < size; index++) {
      const proof = publishedNodes(pathRanges(index, 0, size));
      const source = published.get(`${index}/${size}`);
      if (source && proof?.join() !== source.proof.join()) throw new Error(`assembled path ${index}/${size} differs from ${source.from}`);
      if (!proof) continue; // a node on the path is not published
      const description = source
        ? `audit path published in ${TD} ${source.from}`
        : `audit path assembled from the published NodeHashes of ${TD} testonly/constants.go`;
      const base: InclusionVector = { kind: 'inclusion', description, index, size, leafHash: NODE_HASHES[0]![index]!, proof, root: ROOTS[size]!, expected: 'ok' };
      emit(`inclusion/${size}/${index}-`, base, inclusionMutations(base, source !== undefined), expectInclusion);
    }
  }
  const empty: InclusionVector = { kind: 'inclusion', description: 'no index is in the empty tree', index: 0, size: 0, leafHash: NODE_HASHES[0]![0]!, proof: [], root: EMPTY_ROOT, expected: 'ok' };
  write('inclusion/0/0-index-out-of-range.json', { ...empty, expected: expectInclusion(empty, true) });
  files++;
}

function generateConsistency(): void {
  const published = new Map(PUBLISHED_CONSISTENCY.map((p) => [`${p.size1}-${p.size2}`, p]));
  for (let size2 = 0; size2 <= 8; size2++) {
    for (let size1 = 0; size1 <= size2; size1++) {
      const ranges = size1 === 0 || size1 === size2 ? [] : subproofRanges(size1, 0, size2, true);
      const proof = publishedNodes(ranges);
      const source = published.get(`${size1}-${size2}`);
      if (source && proof?.join() !== source.proof.join()) throw new Error(`assembled proof ${size1}-${size2} differs from ${source.from}`);
      if (!proof) continue;
      const description = source
        ? `consistency proof published in ${TD} ${source.from}`
        : `consistency proof assembled from the published NodeHashes and RootHashes of ${TD} testonly/constants.go`;
      const base: ConsistencyVector = { kind: 'consistency', description, size1, size2, proof, root1: ROOTS[size1]!, root2: ROOTS[size2]!, expected: 'ok' };
      // One tree of each edge case (from size 0, equal sizes) gets every mutation too: that is where verifiers go wrong.
      const full = source !== undefined || (size2 === 8 && (size1 === 0 || size1 === 8)) || (size1 === 0 && size2 === 0);
      emit(`consistency/${size1}-${size2}/`, base, consistencyMutations(base, full), expectConsistency);
    }
  }
}

function generateRoots(): void {
  write('roots.json', {
    kind: 'roots',
    description: `RFC 6962 reference tree: LeafInputs, NodeHashes level 0 and RootHashes of ${TD} testonly/constants.go`,
    leafInputs: LEAF_INPUTS,
    leafHashes: NODE_HASHES[0],
    roots: ROOTS.map((root, size) => ({ size, root })),
    expected: 'ok',
  });
  files++;
}

rmSync(join(OUT, 'inclusion'), { recursive: true, force: true });
rmSync(join(OUT, 'consistency'), { recursive: true, force: true });
generateRoots();
generateInclusion();
generateConsistency();
console.log(`wrote ${files} vector files under ${OUT}`);
