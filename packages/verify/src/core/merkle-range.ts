// Leaf ranges and index arithmetic for Merkle trees: the split point k of
// RFC 6962 section 2.1 (= RFC 9162 section 2.1.1), "the largest power of two
// smaller than n", and the bounds checks on tree sizes and leaf indices that
// RFC 9162 sections 2.1.3 and 2.1.4 require of proofs.
//
// A proof node is named by its leaf range [start, end): it is MTH(D[start:end]).
//
// Leaf indices and tree sizes are JS numbers up to 2^53-1. Bitwise operators
// truncate to 32 bits, so no index arithmetic here uses them: only +, -, *,
// comparisons and loops over powers of two, all exact for safe integers.
//
// Everything but NodeRange is internal to the merkle-*.ts files; ./merkle.ts
// re-exports only NodeRange.

import { VerificationError } from './errors.js';

/** A proof node is MTH(D[start:end]) of the leaf range [start, end). */
export interface NodeRange {
  start: number;
  end: number;
}

/** @internal */
export function fail(code: VerificationError['code'], message: string): never {
  throw new VerificationError(code, message);
}

// Sizes and indices come from certificates and proof files: attacker
// controlled, so their type is checked at run time, not only by the compiler.
/** @internal */
export function checkSize(size: number, name: string): void {
  if (!Number.isInteger(size)) fail('TREE_SIZE_INVALID', `${name} ${String(size)} is not an integer`);
  if (size < 0 || size > Number.MAX_SAFE_INTEGER) {
    fail('INDEX_OUT_OF_RANGE', `${name} ${size} is outside [0, 2^53-1]`);
  }
}

/** @internal */
export function checkIndex(index: number, size: number): void {
  checkSize(size, 'tree size');
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    fail('INDEX_OUT_OF_RANGE', `index ${String(index)} out of range for tree size ${size}`);
  }
}

/** @internal */
export function checkSizePair(size1: number, size2: number): void {
  checkSize(size1, 'size1');
  checkSize(size2, 'size2');
  if (size1 > size2) fail('INDEX_OUT_OF_RANGE', `size1 ${size1} > size2 ${size2}`);
}

/** @internal */
export function checkRange(r: NodeRange, size: number): void {
  const ok = Number.isSafeInteger(r.start) && Number.isSafeInteger(r.end);
  if (!ok || r.start < 0 || r.start > r.end || r.end > size) {
    fail('INDEX_OUT_OF_RANGE', `range [${String(r.start)}, ${String(r.end)}) out of range for tree size ${size}`);
  }
}

/** @internal The split point k of RFC 6962 section 2.1: the largest power of two smaller than n (n >= 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** @internal log2(n) when n is a power of two, else -1. */
export function exactLog2(n: number): number {
  let height = 0;
  let p = 1;
  for (; p < n; p *= 2) height++;
  return p === n ? height : -1;
}
