// Checks one golden vector of test/vectors/merkle against any implementation
// of the Merkle API. Browser-safe on purpose (no node:*, no node:assert): the
// offline verifier page runs the same vectors through the same function.

import { bytesEqual, bytesToHex, hexToBytes } from '../../packages/verify/src/core/bytes.js';

/** What the vectors exercise; bind a hasher before passing the functions in. */
export interface MerkleImplementation {
  hashLeaf(leafInput: Uint8Array): Uint8Array;
  emptyRoot(): Uint8Array;
  rootFromLeafHashes(leafHashes: readonly Uint8Array[]): Uint8Array;
  rootFromInclusionProof(index: number, size: number, leafHash: Uint8Array, proof: readonly Uint8Array[]): Uint8Array;
  verifyInclusion(index: number, size: number, leafHash: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): void;
  verifyConsistency(size1: number, size2: number, proof: readonly Uint8Array[], root1: Uint8Array, root2: Uint8Array): void;
}

export type Expected = 'ok' | { error: string };

export interface InclusionVector {
  kind: 'inclusion';
  description: string;
  index: number;
  size: number;
  leafHash: string;
  proof: string[];
  root: string;
  expected: Expected;
}

export interface ConsistencyVector {
  kind: 'consistency';
  description: string;
  size1: number;
  size2: number;
  proof: string[];
  root1: string;
  root2: string;
  expected: Expected;
}

export interface RootsVector {
  kind: 'roots';
  description: string;
  leafInputs: string[];
  leafHashes: string[];
  roots: { size: number; root: string }[];
  expected: 'ok';
}

export type MerkleVector = InclusionVector | ConsistencyVector | RootsVector;

export class VectorFailure extends Error {
  override readonly name = 'VectorFailure';
}

function fail(message: string): never {
  throw new VectorFailure(message);
}

function expectBytes(got: Uint8Array, want: Uint8Array, what: string): void {
  if (!bytesEqual(got, want)) fail(`${what}: got ${bytesToHex(got)}, want ${bytesToHex(want)}`);
}

/**
 * Runs `action` and compares its outcome with `expected`: no exception for
 * "ok", else an error whose `code` is the expected one (codes are the contract,
 * messages are not). The name check keeps a stray TypeError from passing.
 */
function expectOutcome(expected: Expected, action: () => void): void {
  let caught: unknown;
  try {
    action();
  } catch (e) {
    caught = e;
  }
  if (expected === 'ok') {
    if (caught !== undefined) fail(`expected success, got ${describe(caught)}`);
    return;
  }
  if (caught === undefined) fail(`expected error ${expected.error}, but verification succeeded`);
  const { name, code } = caught as { name?: unknown; code?: unknown };
  if (name !== 'VerificationError' || code !== expected.error) {
    fail(`expected VerificationError ${expected.error}, got ${describe(caught)}`);
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) return `${e.name} ${(e as { code?: string }).code ?? ''}: ${e.message}`;
  return String(e);
}

const hexList = (hashes: readonly string[]) => hashes.map((h) => hexToBytes(h));

function checkInclusion(impl: MerkleImplementation, v: InclusionVector): void {
  const leafHash = hexToBytes(v.leafHash);
  const proof = hexList(v.proof);
  const root = hexToBytes(v.root);
  expectOutcome(v.expected, () => impl.verifyInclusion(v.index, v.size, leafHash, proof, root));
  if (v.expected === 'ok') {
    expectBytes(impl.rootFromInclusionProof(v.index, v.size, leafHash, proof), root, 'rootFromInclusionProof');
  }
}

function checkConsistency(impl: MerkleImplementation, v: ConsistencyVector): void {
  const proof = hexList(v.proof);
  expectOutcome(v.expected, () => impl.verifyConsistency(v.size1, v.size2, proof, hexToBytes(v.root1), hexToBytes(v.root2)));
}

function checkRoots(impl: MerkleImplementation, v: RootsVector): void {
  const leafHashes = hexList(v.leafHashes);
  if (v.leafInputs.length !== leafHashes.length) fail('leafInputs and leafHashes differ in length');
  v.leafInputs.forEach((input, i) => expectBytes(impl.hashLeaf(hexToBytes(input)), leafHashes[i]!, `hashLeaf(leafInputs[${i}])`));
  for (const { size, root } of v.roots) {
    expectBytes(impl.rootFromLeafHashes(leafHashes.slice(0, size)), hexToBytes(root), `root of size ${size}`);
    if (size === 0) expectBytes(impl.emptyRoot(), hexToBytes(root), 'emptyRoot');
  }
}

/** Throws VectorFailure when `impl` does not do what the vector expects. */
export function checkMerkleVector(impl: MerkleImplementation, vector: MerkleVector): void {
  switch (vector.kind) {
    case 'inclusion':
      return checkInclusion(impl, vector);
    case 'consistency':
      return checkConsistency(impl, vector);
    case 'roots':
      return checkRoots(impl, vector);
    default:
      fail(`unknown vector kind ${String((vector as { kind?: unknown }).kind)}`);
  }
}
