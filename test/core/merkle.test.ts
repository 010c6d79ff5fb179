// RFC 6962 / RFC 9162 section 2.1 Merkle trees, cross-checked against a naive
// reference written straight from the RFC's recursive definitions (MTH, PATH,
// PROOF, SUBPROOF), with property tests that corrupt every input, and index
// arithmetic checked far beyond 2^32 against a bigint reference.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { VerificationError, type VerificationCode } from '../../packages/verify/src/core/errors.js';
import {
  consistencyProof,
  consistencyProofRanges,
  emptyRoot,
  hashChildren,
  hashLeaf,
  inclusionProof,
  inclusionProofRanges,
  MerkleRootBuilder,
  MerkleTree,
  nobleHasher,
  rangeRoot,
  rootFromInclusionProof,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
  type MerkleHasher,
  type NodeRange,
} from '../../packages/verify/src/core/merkle.js';
import { nodeHasher } from '../../packages/verify/src/node/merkle-hasher.js';

const HASHERS = [['noble', nobleHasher], ['node', nodeHasher]] as const;

function assertCode(fn: () => unknown, code: VerificationCode): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof VerificationError, `expected VerificationError ${code}, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return true;
  });
}

// ---- naive reference: RFC 6962 section 2.1 / RFC 9162 section 2.1, verbatim ----

const sha256 = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const k = (n: number): number => 2 ** Math.ceil(Math.log2(n) - 1); // largest power of two < n, for small n
const refMTH = (d: Uint8Array[]): Uint8Array =>
  d.length === 0 ? sha256() : d.length === 1 ? sha256(Uint8Array.of(0), d[0]!) : sha256(Uint8Array.of(1), refMTH(d.slice(0, k(d.length))), refMTH(d.slice(k(d.length))));
const refPATH = (m: number, d: Uint8Array[]): Uint8Array[] => {
  if (d.length <= 1) return [];
  const s = k(d.length);
  return m < s ? [...refPATH(m, d.slice(0, s)), refMTH(d.slice(s))] : [...refPATH(m - s, d.slice(s)), refMTH(d.slice(0, s))];
};
const refSUBPROOF = (m: number, d: Uint8Array[], b: boolean): Uint8Array[] => {
  if (m === d.length) return b ? [] : [refMTH(d)];
  const s = k(d.length);
  return m <= s ? [...refSUBPROOF(m, d.slice(0, s), b), refMTH(d.slice(s))] : [...refSUBPROOF(m - s, d.slice(s), false), refMTH(d.slice(0, s))];
};
const refPROOF = (m: number, d: Uint8Array[]): Uint8Array[] => (m === 0 ? [] : refSUBPROOF(m, d, true));

// Leaf inputs of varied length (0 to 37 bytes), distinct per index.
const leafInput = (i: number): Uint8Array => new TextEncoder().encode(`leaf ${i} `.padEnd(i % 38, '*').slice(0, i % 38));
const leafInputs = (n: number): Uint8Array[] => Array.from({ length: n }, (_, i) => Uint8Array.of(i & 0xff, i >> 8, ...leafInput(i)));

// ---- bigint reference for the node ranges: exact for any size ----------------

type BigRange = [bigint, bigint];
const splitBig = (n: bigint): bigint => {
  let s = 1n;
  while (s * 2n < n) s *= 2n;
  return s;
};
const refPathRanges = (m: bigint, lo: bigint, hi: bigint): BigRange[] => {
  if (hi - lo <= 1n) return [];
  const s = splitBig(hi - lo);
  return m < lo + s ? [...refPathRanges(m, lo, lo + s), [lo + s, hi]] : [...refPathRanges(m, lo + s, hi), [lo, lo + s]];
};
const refSubproofRanges = (m: bigint, lo: bigint, hi: bigint, b: boolean): BigRange[] => {
  if (m === hi) return b ? [] : [[lo, hi]];
  const s = splitBig(hi - lo);
  return m <= lo + s ? [...refSubproofRanges(m, lo, lo + s, b), [lo + s, hi]] : [...refSubproofRanges(m, lo + s, hi, false), [lo, lo + s]];
};
const toBig = (ranges: NodeRange[]): BigRange[] => ranges.map((r) => [BigInt(r.start), BigInt(r.end)]);
const refConsistencyRanges = (m: bigint, n: bigint): BigRange[] => (m === 0n || m === n ? [] : refSubproofRanges(m, 0n, n, true));
/** What decides a verifier's computation: for each proof node, is it a left sibling; and where the fold starts. */
const shape = (ranges: BigRange[], from: bigint): string => {
  let start = from;
  return ranges.map(([s]) => (s < start ? ((start = s), 'L') : 'R')).join('');
};

// ---- a fake hasher whose hashes name the leaf range they cover ---------------
// hashChildren(l, r) checks the RFC 6962 structure (r starts where l ends and l
// covers exactly the largest power of two below the total), so a root equal
// to cover(0, size) proves every index computation on the way was right,
// without hashing 2^41 leaves.

const cover = (start: number, end: number): Uint8Array => {
  const b = new Uint8Array(32);
  const v = new DataView(b.buffer);
  v.setFloat64(0, start);
  v.setFloat64(8, end);
  b[16] = 1;
  return b;
};
const uncover = (b: Uint8Array): [number, number] | undefined => {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return b.length === 32 && b[16] === 1 ? [v.getFloat64(0), v.getFloat64(8)] : undefined;
};
const rangeHasher: MerkleHasher = {
  hashLeaf: (input) => {
    const i = new DataView(input.buffer, input.byteOffset).getFloat64(0);
    return cover(i, i + 1);
  },
  hashChildren: (left, right) => {
    const [l, r] = [uncover(left), uncover(right)];
    const ok = l && r && l[1] === r[0] && l[1] - l[0] === Number(splitBig(BigInt(r[1] - l[0])));
    return ok ? cover(l[0], r[1]) : new Uint8Array(32);
  },
  emptyRoot: () => cover(0, 0),
};
const coverNode = (r: NodeRange) => cover(r.start, r.end);

describe('roots: every size 0..300', () => {
  const inputs = leafInputs(300);
  const want = Array.from({ length: 301 }, (_, n) => refMTH(inputs.slice(0, n)));
  for (const [name, hasher] of HASHERS) {
    it(`MerkleRootBuilder == rootFromLeafHashes == MerkleTree.root() == reference MTH, ${name} hasher`, () => {
      const leafHashes = inputs.map((d) => hasher.hashLeaf(d));
      const builder = new MerkleRootBuilder(hasher);
      for (let n = 0; n <= 300; n++) {
        assert.equal(builder.size, n);
        assert.deepEqual(builder.root(), want[n], `builder, size ${n}`);
        assert.deepEqual(builder.root(), want[n], `builder asked twice, size ${n}`);
        assert.deepEqual(rootFromLeafHashes(leafHashes.slice(0, n), hasher), want[n], `rootFromLeafHashes, size ${n}`);
        assert.deepEqual(MerkleTree.fromLeafHashes(leafHashes.slice(0, n), hasher).root(), want[n], `MerkleTree, size ${n}`);
        if (n < 300) builder.addLeaf(inputs[n]!);
      }
    });
  }

  it('the module functions and the hashers agree on the RFC 6962 primitives', () => {
    assert.deepEqual(emptyRoot(), sha256());
    assert.deepEqual(nodeHasher.emptyRoot(), sha256());
    fc.assert(
      // size 'max': fast-check's default size stops arrays at 10 bytes, short of 32 and of 4096.
      fc.property(fc.uint8Array({ maxLength: 9000, size: 'max' }), fc.uint8Array({ maxLength: 40, size: 'max' }), fc.uint8Array({ maxLength: 40, size: 'max' }), (d, l, r) => {
        const leaf = sha256(Uint8Array.of(0), d);
        assert.deepEqual(hashLeaf(d), leaf);
        assert.deepEqual(nodeHasher.hashLeaf(d), leaf);
        const node = sha256(Uint8Array.of(1), l, r); // also the fallback for children that are not 32 bytes
        assert.deepEqual(hashChildren(l, r), node);
        assert.deepEqual(nodeHasher.hashChildren(l, r), node);
      }),
      { numRuns: 300 },
    );
  });

  // hashChildren is public, and a proof from an attacker may hold hashes of any
  // length: a child that is not 32 bytes must not go through the 65-byte scratch
  // buffer, where it would leave stale bytes in the hash or overwrite its sibling.
  it('hashChildren hashes 0x01 || left || right when either child is not 32 bytes; hashLeaf at the scratch size', () => {
    const lengths = [0, 1, 31, 32, 33, 63, 64, 65];
    for (const a of lengths) {
      for (const b of lengths) {
        const [l, r] = [new Uint8Array(a).fill(0xa5), new Uint8Array(b).fill(0x5a)];
        const want = sha256(Uint8Array.of(1), l, r);
        for (const [name, hasher] of HASHERS) {
          hasher.hashChildren(new Uint8Array(32).fill(0xff), new Uint8Array(32).fill(0xee)); // leaves other bytes in any scratch buffer
          assert.deepEqual(hasher.hashChildren(l, r), want, `${name} hasher, children of ${a} and ${b} bytes`);
        }
        assert.deepEqual(hashChildren(l, r), want, `hashChildren, children of ${a} and ${b} bytes`);
      }
    }
    for (const n of [4095, 4096, 4097, 9000]) {
      const d = new Uint8Array(n).fill(n & 0xff);
      for (const [name, hasher] of HASHERS) assert.deepEqual(hasher.hashLeaf(d), sha256(Uint8Array.of(0), d), `${name} hasher, ${n}-byte leaf`);
    }
  });

  it('the builder and the tree copy what they take and give, take 32-byte leaf hashes only, flat or not', () => {
    const leafHashes = inputs.slice(0, 13).map(hashLeaf);
    const builder = new MerkleRootBuilder();
    const reused = Buffer.alloc(32); // a Buffer's slice() would share memory
    for (const h of leafHashes) {
      reused.set(h);
      builder.addLeafHash(reused);
    }
    assert.deepEqual(builder.root(), want[13]);
    const tree = MerkleTree.fromLeafHashes(leafHashes);
    assert.equal(tree.size, 13);
    tree.root().fill(0);
    tree.nodeHash({ start: 0, end: 8 }).fill(0);
    assert.deepEqual(tree.root(), want[13], 'callers get copies, not views of the tree');
    assert.throws(() => builder.addLeafHash(new Uint8Array(31)), TypeError);
    const flat = new Uint8Array(13 * 32);
    leafHashes.forEach((h, i) => flat.set(h, i * 32));
    assert.deepEqual(MerkleTree.fromLeafHashes(flat).root(), want[13]);
    assert.throws(() => MerkleTree.fromLeafHashes(flat.subarray(1)), TypeError);
  });
});

describe('inclusion proofs: every index of every size 1..70', () => {
  const inputs = leafInputs(70);
  it('equal the reference PATH, from MerkleTree and from rangeRoot, and verify', () => {
    for (let size = 1; size <= 70; size++) {
      const d = inputs.slice(0, size);
      const leafHashes = d.map(hashLeaf);
      const tree = MerkleTree.fromLeafHashes(leafHashes);
      const nodeTree = MerkleTree.fromLeafHashes(leafHashes, nodeHasher);
      const root = refMTH(d);
      for (let index = 0; index < size; index++) {
        const want = refPATH(index, d);
        assert.deepEqual(tree.inclusionProof(index), want, `tree, ${index}/${size}`);
        assert.deepEqual(nodeTree.inclusionProof(index), want, `tree with nodeHasher, ${index}/${size}`);
        assert.deepEqual(inclusionProof(index, size, (r) => rangeRoot(leafHashes, r)), want, `rangeRoot, ${index}/${size}`);
        assert.deepEqual(rootFromInclusionProof(index, size, leafHashes[index]!, want), root);
        verifyInclusion(index, size, leafHashes[index]!, want, root);
        verifyInclusion(index, size, leafHashes[index]!, want, root, nodeHasher);
      }
    }
  });

  it('MerkleTree.nodeHash answers every range, perfect or ragged', () => {
    const leafHashes = inputs.slice(0, 13).map(hashLeaf);
    const tree = MerkleTree.fromLeafHashes(leafHashes, nodeHasher);
    for (let start = 0; start < 13; start++) {
      for (let end = start + 1; end <= 13; end++) assert.deepEqual(tree.nodeHash({ start, end }), refMTH(inputs.slice(start, end)));
    }
    for (const r of [{ start: 3, end: 3 }, { start: 0, end: 14 }, { start: -1, end: 2 }, { start: 1.5, end: 2 }, { start: 5, end: 3 }]) {
      assertCode(() => tree.nodeHash(r), 'INDEX_OUT_OF_RANGE');
    }
  });
});

describe('MerkleTree serves proofs from its levels', () => {
  // Every proof node but the one on the ragged right border is a perfect subtree,
  // read from the levels without hashing; the ragged one (and the root) takes
  // one hash per 1-bit of its width, less one.
  it('a root or a whole proof costs at most log2(size) hashes, not a walk over the leaves', () => {
    let calls = 0;
    const counting: MerkleHasher = {
      hashLeaf: (d) => nobleHasher.hashLeaf(d),
      hashChildren: (l, r) => (calls++, nobleHasher.hashChildren(l, r)),
      emptyRoot: () => nobleHasher.emptyRoot(),
    };
    const leafHashes = leafInputs(1024).map(hashLeaf);
    for (const size of [1, 2, 3, 7, 8, 100, 1000, 1023, 1024]) {
      const tree = MerkleTree.fromLeafHashes(leafHashes.slice(0, size), counting);
      const bound = Math.ceil(Math.log2(size));
      const cost = (what: string, fn: () => unknown): void => {
        calls = 0;
        fn();
        assert.ok(calls <= bound, `${what} of a tree of size ${size}: ${calls} hashes, want at most ${bound}`);
      };
      cost('root', () => tree.root());
      for (let i = 0; i < size; i++) cost(`inclusion proof of ${i}`, () => tree.inclusionProof(i));
      for (let m = 0; m <= size; m++) cost(`consistency proof from ${m}`, () => tree.consistencyProof(m));
    }
  });
});

describe('consistency proofs: every pair of sizes up to 40', () => {
  const inputs = leafInputs(40);
  it('equal the reference PROOF and verify both roots', () => {
    const roots = Array.from({ length: 41 }, (_, n) => refMTH(inputs.slice(0, n)));
    for (let size2 = 0; size2 <= 40; size2++) {
      const tree = MerkleTree.fromLeafHashes(inputs.slice(0, size2).map(hashLeaf));
      const nodeTree = MerkleTree.fromLeafHashes(inputs.slice(0, size2).map(hashLeaf), nodeHasher);
      for (let size1 = 0; size1 <= size2; size1++) {
        const want = refPROOF(size1, inputs.slice(0, size2));
        assert.deepEqual(tree.consistencyProof(size1), want, `${size1}-${size2}`);
        assert.deepEqual(nodeTree.consistencyProof(size1), want, `${size1}-${size2} with nodeHasher`);
        verifyConsistency(size1, size2, want, roots[size1]!, roots[size2]!);
        verifyConsistency(size1, size2, want, roots[size1]!, roots[size2]!, nodeHasher);
      }
    }
  });
});

describe('corrupted proofs fail with the right code', () => {
  const SIZE = 100;
  const leafHashes = leafInputs(SIZE).map(hashLeaf);
  const tree = MerkleTree.fromLeafHashes(leafHashes);
  const roots = Array.from({ length: SIZE + 1 }, (_, n) => rootFromLeafHashes(leafHashes.slice(0, n)));
  const root = roots[SIZE]!;
  const flip = (b: Uint8Array, bit: number): Uint8Array => {
    const c = b.slice();
    c[bit >> 3]! ^= 1 << (bit & 7);
    return c;
  };
  const anyIndex = fc.integer({ min: 0, max: SIZE - 1 });
  const anyBit = fc.integer({ min: 0, max: 255 });
  const sizePair = fc.tuple(fc.integer({ min: 0, max: SIZE }), fc.integer({ min: 0, max: SIZE })).map(([a, b]) => (a <= b ? [a, b] : [b, a]));

  it('inclusion: flipping any bit of any proof element, of the leaf hash or of the root', () => {
    fc.assert(
      fc.property(anyIndex, fc.nat(), anyBit, fc.constantFrom('proof', 'leaf', 'root'), (i, e, bit, what) => {
        const proof = tree.inclusionProof(i);
        if (what === 'proof') proof[e % proof.length] = flip(proof[e % proof.length]!, bit);
        const leaf = what === 'leaf' ? flip(leafHashes[i]!, bit) : leafHashes[i]!;
        assertCode(() => verifyInclusion(i, SIZE, leaf, proof, what === 'root' ? flip(root, bit) : root), 'MERKLE_ROOT_MISMATCH');
      }),
      { numRuns: 500 },
    );
  });

  // A verifier folds the proof by the sides of its nodes: another (index, size)
  // with the same number of nodes on the same sides recomputes the same root.
  // No other index of the same tree has that shape; another size may (RFC 9162
  // proofs bind the shape, the signed tree head binds the size).
  it('inclusion: changing the index or the size', () => {
    fc.assert(
      fc.property(anyIndex, fc.integer({ min: -2, max: 2 * SIZE }), fc.boolean(), (i, other, changeIndex) => {
        const [i2, size2] = changeIndex ? [other, SIZE] : [i, other];
        fc.pre(i2 !== i || size2 !== SIZE);
        const proof = tree.inclusionProof(i);
        const run = () => verifyInclusion(i2, size2, leafHashes[i]!, proof, root);
        if (i2 < 0 || i2 >= size2) return assertCode(run, 'INDEX_OUT_OF_RANGE');
        const ranges = refPathRanges(BigInt(i2), 0n, BigInt(size2));
        if (ranges.length !== proof.length) return assertCode(run, 'PROOF_SIZE_WRONG');
        const sameShape = shape(ranges, BigInt(i2)) === shape(refPathRanges(BigInt(i), 0n, BigInt(SIZE)), BigInt(i));
        assert.ok(!(changeIndex && sameShape), 'two leaves of one tree cannot share a path shape');
        return sameShape ? run() : assertCode(run, 'MERKLE_ROOT_MISMATCH');
      }),
      { numRuns: 1000 },
    );
    // The example: leaf 0 of 100 and of 99 both have 7 right siblings.
    verifyInclusion(0, 99, leafHashes[0]!, tree.inclusionProof(0), root);
  });

  it('consistency: flipping any bit of any proof element or of either root', () => {
    fc.assert(
      fc.property(sizePair, fc.nat(), anyBit, fc.constantFrom('proof', 'root1', 'root2'), ([size1, size2], e, bit, what) => {
        const proof = consistencyProof(size1!, size2!, (r) => tree.nodeHash(r));
        fc.pre(what !== 'proof' || proof.length > 0);
        fc.pre(!(what === 'root2' && size1 === 0 && size2! > 0)); // from size 0, nothing constrains root2
        if (what === 'proof') proof[e % proof.length] = flip(proof[e % proof.length]!, bit);
        const r1 = what === 'root1' ? flip(roots[size1!]!, bit) : roots[size1!]!;
        const r2 = what === 'root2' ? flip(roots[size2!]!, bit) : roots[size2!]!;
        assertCode(() => verifyConsistency(size1!, size2!, proof, r1, r2), 'MERKLE_ROOT_MISMATCH');
      }),
      { numRuns: 500 },
    );
  });

  it('consistency: changing either size', () => {
    const consistencyShape = (m: bigint, n: bigint): string => {
      const ranges = refConsistencyRanges(m, n);
      const seeded = ranges[0]![1] === m; // proof[0] is MTH(D[start:size1]) rather than root1
      return seeded ? `seed ${shape(ranges.slice(1), ranges[0]![0])}` : `root1 ${shape(ranges, 0n)}`;
    };
    fc.assert(
      fc.property(sizePair, fc.integer({ min: -2, max: 2 * SIZE }), fc.boolean(), ([s1, s2], other, changeFirst) => {
        const [size1, size2] = changeFirst ? [other, s2!] : [s1!, other];
        fc.pre(size1 !== s1 || size2 !== s2);
        const proof = consistencyProof(s1!, s2!, (r) => tree.nodeHash(r));
        const [r1, r2] = [roots[s1!]!, roots[s2!]!];
        const run = () => verifyConsistency(size1, size2, proof, r1, r2);
        if (size1 < 0 || size2 < 0 || size1 > size2) return assertCode(run, 'INDEX_OUT_OF_RANGE');
        if (size1 === 0 && proof.length > 0) return assertCode(run, 'TREE_SIZE_INVALID');
        const want = size1 === 0 || size1 === size2 ? 0 : refConsistencyRanges(BigInt(size1), BigInt(size2)).length;
        if (proof.length !== want) return assertCode(run, 'PROOF_SIZE_WRONG');
        let ok: boolean;
        if (size1 === 0) ok = r1.every((x, j) => x === emptyRoot()[j]) && (size2 > 0 || r1.every((x, j) => x === r2[j]));
        else if (size1 === size2) ok = r1.every((x, j) => x === r2[j]);
        else ok = consistencyShape(BigInt(size1), BigInt(size2)) === consistencyShape(BigInt(s1!), BigInt(s2!));
        return ok ? run() : assertCode(run, 'MERKLE_ROOT_MISMATCH');
      }),
      { numRuns: 1000 },
    );
  });
});

describe('argument checks', () => {
  const leafHashes = leafInputs(8).map(hashLeaf);
  const tree = MerkleTree.fromLeafHashes(leafHashes);
  const root = tree.root();
  const asNumber = (x: unknown) => x as number; // what a parsed, unvalidated JSON file can hand in

  it('indices and sizes', () => {
    for (const [index, size] of [[0, 0], [8, 8], [-1, 8], [1.5, 8], [NaN, 8], [2 ** 53, 2 ** 53 - 1], [0, -1], [0, 2 ** 53], [asNumber('1'), 8]]) {
      assertCode(() => inclusionProofRanges(index!, size!), 'INDEX_OUT_OF_RANGE');
    }
    for (const size of [2.5, NaN, Infinity, asNumber('8'), asNumber(8n)]) {
      assertCode(() => inclusionProofRanges(0, size), 'TREE_SIZE_INVALID');
      assertCode(() => consistencyProofRanges(0, size), 'TREE_SIZE_INVALID');
    }
    assertCode(() => consistencyProofRanges(3, 2), 'INDEX_OUT_OF_RANGE');
    assertCode(() => consistencyProofRanges(-1, 2), 'INDEX_OUT_OF_RANGE');
    assert.deepEqual(consistencyProofRanges(0, 0), []);
    assert.deepEqual(consistencyProofRanges(0, 8), []);
    assert.deepEqual(consistencyProofRanges(5, 5), []);
    assertCode(() => rangeRoot(leafHashes, { start: 2, end: 9 }), 'INDEX_OUT_OF_RANGE');
    assertCode(() => rangeRoot(leafHashes, { start: 5, end: 3 }), 'INDEX_OUT_OF_RANGE'); // reversed: not the empty range
    assert.deepEqual(rangeRoot(leafHashes, { start: 4, end: 4 }), emptyRoot());
    assertCode(() => MerkleTree.fromLeafHashes([]).inclusionProof(0), 'INDEX_OUT_OF_RANGE');
    assertCode(() => tree.consistencyProof(9), 'INDEX_OUT_OF_RANGE');
  });

  it('inclusion: a one-leaf tree, and hashes of the wrong length', () => {
    verifyInclusion(0, 1, leafHashes[0]!, [], leafHashes[0]!);
    assertCode(() => verifyInclusion(0, 1, leafHashes[0]!, [], leafHashes[1]!), 'MERKLE_ROOT_MISMATCH');
    assertCode(() => verifyInclusion(0, 1, new Uint8Array(0), [], new Uint8Array(0)), 'MERKLE_ROOT_MISMATCH');
    assertCode(() => verifyInclusion(0, 1, leafHashes[0]!, [], root.subarray(1)), 'MERKLE_ROOT_MISMATCH');
    const proof = tree.inclusionProof(3);
    assertCode(() => verifyInclusion(3, 8, leafHashes[3]!, [...proof.slice(0, 2), new Uint8Array(33)], root), 'PROOF_SIZE_WRONG');
    assertCode(() => verifyInclusion(3, 8, new Uint8Array(0), proof.slice(1), root), 'PROOF_SIZE_WRONG'); // the proof is checked first
  });

  it('consistency: the size 0 and equal-size rules of RFC 9162 section 2.1.4.2', () => {
    const r5 = rootFromLeafHashes(leafHashes.slice(0, 5));
    verifyConsistency(0, 0, [], emptyRoot(), emptyRoot());
    verifyConsistency(0, 8, [], emptyRoot(), root);
    verifyConsistency(5, 5, [], r5, r5);
    assertCode(() => verifyConsistency(0, 8, [root], emptyRoot(), root), 'TREE_SIZE_INVALID');
    assertCode(() => verifyConsistency(0, 0, [root], emptyRoot(), emptyRoot()), 'TREE_SIZE_INVALID');
    assertCode(() => verifyConsistency(0, 8, [], r5, root), 'MERKLE_ROOT_MISMATCH');
    assertCode(() => verifyConsistency(0, 8, [], emptyRoot(), root.subarray(1)), 'MERKLE_ROOT_MISMATCH');
    assertCode(() => verifyConsistency(0, 0, [], emptyRoot(), root), 'MERKLE_ROOT_MISMATCH');
    assertCode(() => verifyConsistency(5, 5, [r5], r5, r5), 'PROOF_SIZE_WRONG');
    assertCode(() => verifyConsistency(5, 5, [], r5, root), 'MERKLE_ROOT_MISMATCH');
    assertCode(() => verifyConsistency(5, 5, [], r5.subarray(1), r5.subarray(1)), 'MERKLE_ROOT_MISMATCH');
    assertCode(() => verifyConsistency(8, 5, [], root, r5), 'INDEX_OUT_OF_RANGE');
  });

  it('checks the proof length and element sizes, and root1 when the fold starts from it, before hashing anything', () => {
    let calls = 0;
    const counting: MerkleHasher = {
      hashLeaf: (d) => (calls++, nobleHasher.hashLeaf(d)),
      hashChildren: (l, r) => (calls++, nobleHasher.hashChildren(l, r)),
      emptyRoot: () => (calls++, nobleHasher.emptyRoot()),
    };
    const proof = tree.inclusionProof(5);
    const cproof = tree.consistencyProof(3);
    const r3 = rootFromLeafHashes(leafHashes.slice(0, 3));
    assertCode(() => verifyInclusion(5, 8, leafHashes[5]!, proof.slice(1), root, counting), 'PROOF_SIZE_WRONG');
    assertCode(() => verifyInclusion(5, 8, leafHashes[5]!, [...proof, root], root, counting), 'PROOF_SIZE_WRONG');
    assertCode(() => verifyInclusion(5, 8, leafHashes[5]!, [...proof.slice(0, 2), root.subarray(1)], root, counting), 'PROOF_SIZE_WRONG');
    assertCode(() => verifyConsistency(3, 8, cproof.slice(1), r3, root, counting), 'PROOF_SIZE_WRONG');
    assertCode(() => verifyConsistency(3, 8, [...cproof.slice(1), new Uint8Array(0)], r3, root, counting), 'PROOF_SIZE_WRONG');
    // Size 4 is a power of two: the fold starts from root1 itself, so a root1 of the wrong length is refused unhashed.
    const r4 = rootFromLeafHashes(leafHashes.slice(0, 4));
    assertCode(() => verifyConsistency(4, 8, tree.consistencyProof(4), r4.subarray(1), root, counting), 'MERKLE_ROOT_MISMATCH');
    assertCode(() => verifyConsistency(4, 8, tree.consistencyProof(4), new Uint8Array(33), root, counting), 'MERKLE_ROOT_MISMATCH');
    assert.equal(calls, 0);
    verifyInclusion(5, 8, leafHashes[5]!, proof, root, counting);
    assert.equal(calls, proof.length);
    // Size 3 is not: the fold starts from proof[0], and root1 is refused when the folds are compared.
    assertCode(() => verifyConsistency(3, 8, cproof, r3.subarray(1), root, counting), 'MERKLE_ROOT_MISMATCH');
  });
});

describe('index arithmetic beyond 2^31, 2^32 and up to 2^53-1', () => {
  const MAX = BigInt(Number.MAX_SAFE_INTEGER);
  const bigSize = fc.oneof(fc.bigInt({ min: 1n, max: MAX }), fc.bigInt({ min: 2n ** 31n - 3n, max: 2n ** 32n + 3n }), fc.constantFrom(MAX, MAX - 1n, 2n ** 52n, 2n ** 52n + 1n));
  const indexAndSize = bigSize.chain((n) => fc.tuple(fc.oneof(fc.bigInt({ min: 0n, max: n - 1n }), fc.constantFrom(0n, n - 1n)), fc.constant(n)));
  const sizePair = bigSize.chain((n) => fc.tuple(fc.oneof(fc.bigInt({ min: 0n, max: n }), fc.constantFrom(0n, 1n, n - 1n, n)), fc.constant(n)));

  it('inclusion ranges equal the bigint reference, and fold to the root', () => {
    fc.assert(
      fc.property(indexAndSize, ([m, n]) => {
        const [index, size] = [Number(m), Number(n)];
        assert.deepEqual(toBig(inclusionProofRanges(index, size)), refPathRanges(m, 0n, n));
        const proof = inclusionProof(index, size, coverNode);
        verifyInclusion(index, size, cover(index, index + 1), proof, cover(0, size), rangeHasher);
        if (index + 1 < size) {
          const want = refPathRanges(m + 1n, 0n, n).length === proof.length ? 'MERKLE_ROOT_MISMATCH' : 'PROOF_SIZE_WRONG';
          assertCode(() => verifyInclusion(index + 1, size, cover(index, index + 1), proof, cover(0, size), rangeHasher), want);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('consistency ranges equal the bigint reference, and fold to both roots', () => {
    fc.assert(
      fc.property(sizePair, ([m, n]) => {
        const [size1, size2] = [Number(m), Number(n)];
        assert.deepEqual(toBig(consistencyProofRanges(size1, size2)), refConsistencyRanges(m, n));
        const proof = consistencyProof(size1, size2, coverNode);
        verifyConsistency(size1, size2, proof, cover(0, size1), cover(0, size2), rangeHasher);
        if (size1 > 0 && size1 < size2) assertCode(() => verifyConsistency(size1, size2, proof, cover(0, size1 + 1), cover(0, size2), rangeHasher), 'MERKLE_ROOT_MISMATCH');
      }),
      { numRuns: 2000 },
    );
  });

  it('the brief example: index 2^40+5 in a tree of size 2^41+3, and 32-bit boundaries', () => {
    const cases: [number, number][] = [
      [2 ** 40 + 5, 2 ** 41 + 3],
      [2 ** 31 - 1, 2 ** 31 + 1],
      [2 ** 31, 2 ** 32],
      [2 ** 32 - 1, 2 ** 32 + 1],
      [2 ** 32, 2 ** 32 + 1],
      [2 ** 53 - 2, 2 ** 53 - 1],
      [0, 2 ** 53 - 1],
    ];
    for (const [index, size] of cases) {
      const proof = inclusionProof(index, size, coverNode);
      assert.equal(proof.length, refPathRanges(BigInt(index), 0n, BigInt(size)).length);
      verifyInclusion(index, size, cover(index, index + 1), proof, cover(0, size), rangeHasher);
      assertCode(() => verifyInclusion(index, size, cover(index, index + 1), proof, cover(0, size - 1), rangeHasher), 'MERKLE_ROOT_MISMATCH');
      const cproof = consistencyProof(index, size, coverNode);
      verifyConsistency(index, size, cproof, cover(0, index), cover(0, size), rangeHasher);
    }
    assert.equal(inclusionProof(2 ** 40 + 5, 2 ** 41 + 3, coverNode).length, 42);
  });

  it('the builder and the in-memory tree have the RFC shape (range hasher, sizes 0..1100)', () => {
    const builder = new MerkleRootBuilder(rangeHasher);
    const leafHashes: Uint8Array[] = [];
    for (let n = 0; n <= 1100; n++) {
      assert.deepEqual(builder.root(), cover(0, n));
      if (n % 97 === 0) assert.deepEqual(MerkleTree.fromLeafHashes(leafHashes, rangeHasher).root(), cover(0, n));
      const input = new Uint8Array(8);
      new DataView(input.buffer).setFloat64(0, n);
      builder.addLeaf(input);
      leafHashes.push(rangeHasher.hashLeaf(input));
    }
  });
});
