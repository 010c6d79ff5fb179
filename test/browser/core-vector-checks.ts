// The core's golden vectors as plain functions of their data, browser-safe
// (no node:*), so that the very same code runs in Node and, bundled by the
// verifier page's own esbuild settings, in Chromium: Merkle inclusion,
// consistency and roots (test/vectors/merkle, through the shared runner), and
// RFC 8785 canonical JSON (test/vectors/canonical-json). Each returns what it
// found, not a pass/fail, so a test can compare the two runtimes answer by answer.
import { bytesToHex, canonicalize, canonicalizeToBytes, parseCanonical, ValidationError } from '../../packages/verify/src/core/index.js';
import * as merkle from '../../packages/verify/src/core/merkle.js';
import { checkMerkleVector, type MerkleImplementation, type MerkleVector } from '../core/merkle-vector-runner.js';

const noble: MerkleImplementation = {
  hashLeaf: (input) => merkle.nobleHasher.hashLeaf(input),
  emptyRoot: () => merkle.nobleHasher.emptyRoot(),
  rootFromLeafHashes: (leafHashes) => merkle.rootFromLeafHashes(leafHashes),
  rootFromInclusionProof: (index, size, leafHash, proof) => merkle.rootFromInclusionProof(index, size, leafHash, proof),
  verifyInclusion: (index, size, leafHash, proof, root) => merkle.verifyInclusion(index, size, leafHash, proof, root),
  verifyConsistency: (size1, size2, proof, root1, root2) => merkle.verifyConsistency(size1, size2, proof, root1, root2),
};

const failure = (e: unknown) => `${e instanceof Error ? e.name : 'thrown'}: ${e instanceof Error ? e.message : String(e)}`;

/** 'ok' when the vector's expectation held (its expected error code included), else what went wrong. */
function merkleVectors(vectors: readonly MerkleVector[]): string[] {
  return vectors.map((v) => {
    try {
      checkMerkleVector(noble, v);
      return 'ok';
    } catch (e) {
      return failure(e);
    }
  });
}

/** Hex of the RFC 8785 bytes of each input text. */
function canonicalHex(inputs: readonly string[]): string[] {
  return inputs.map((text) => {
    try {
      return bytesToHex(canonicalizeToBytes(JSON.parse(text)));
    } catch (e) {
      return failure(e);
    }
  });
}

/** parseCanonical of each text: whether it was canonical and its canonical form, or the paths it was rejected at. */
function parseCanonicalTexts(texts: readonly string[]): Array<{ canonical: boolean; canonicalized: string } | { rejected: string[] } | { error: string }> {
  return texts.map((text) => {
    try {
      const { value, canonical } = parseCanonical(text);
      return { canonical, canonicalized: canonicalize(value) };
    } catch (e) {
      return e instanceof ValidationError ? { rejected: e.fields.map((f) => f.path) } : { error: failure(e) };
    }
  });
}

export const coreVectorChecks = { merkleVectors, canonicalHex, parseCanonicalTexts };
export type CoreVectorChecks = typeof coreVectorChecks;
