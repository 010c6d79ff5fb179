// Runs every golden vector under test/vectors/merkle (walked, so new files are
// picked up) against the core with both hashers.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as merkle from '../../packages/verify/src/core/merkle.js';
import type { MerkleHasher } from '../../packages/verify/src/core/merkle.js';
import { nodeHasher } from '../../packages/verify/src/node/merkle-hasher.js';
import { checkMerkleVector, type MerkleImplementation, type MerkleVector } from './merkle-vector-runner.js';

const VECTORS = fileURLToPath(new URL('../vectors/merkle/', import.meta.url));

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.json') ? [join(dir, e.name)] : []))
    .sort();
}

function implementation(hasher: MerkleHasher): MerkleImplementation {
  return {
    hashLeaf: (input) => hasher.hashLeaf(input),
    emptyRoot: () => hasher.emptyRoot(),
    rootFromLeafHashes: (leafHashes) => merkle.rootFromLeafHashes(leafHashes, hasher),
    rootFromInclusionProof: (index, size, leafHash, proof) => merkle.rootFromInclusionProof(index, size, leafHash, proof, hasher),
    verifyInclusion: (index, size, leafHash, proof, root) => merkle.verifyInclusion(index, size, leafHash, proof, root, hasher),
    verifyConsistency: (size1, size2, proof, root1, root2) => merkle.verifyConsistency(size1, size2, proof, root1, root2, hasher),
  };
}

const files = walk(VECTORS);
const vectors = files.map((file) => ({ name: relative(VECTORS, file), vector: JSON.parse(readFileSync(file, 'utf8')) as MerkleVector }));

test('the vector directory holds every kind of vector and every outcome', () => {
  const kinds = new Set(vectors.map((v) => v.vector.kind));
  assert.deepEqual([...kinds].sort(), ['consistency', 'inclusion', 'roots']);
  const codes = new Set(vectors.map(({ vector: { expected } }) => (expected === 'ok' ? 'ok' : expected.error)));
  assert.deepEqual([...codes].sort(), ['INDEX_OUT_OF_RANGE', 'MERKLE_ROOT_MISMATCH', 'PROOF_SIZE_WRONG', 'TREE_SIZE_INVALID', 'ok']);
  assert.ok(vectors.length > 500, `only ${vectors.length} vectors: run test/vectors/merkle/generate.ts`);
});

for (const [hasherName, hasher] of [['noble', merkle.nobleHasher], ['node', nodeHasher]] as const) {
  describe(`merkle vectors, ${hasherName} hasher`, () => {
    const impl = implementation(hasher);
    for (const { name, vector } of vectors) {
      test(name, () => checkMerkleVector(impl, vector));
    }
  });
}
