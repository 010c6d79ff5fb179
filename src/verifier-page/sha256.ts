// SHA-256 (FIPS 180-4 sections 5.1.1, 5.3.3, 6.2) for the page's worker,
// written so that Chromium's V8 keeps every word in a 32-bit register.
//
// Why the page does not use @noble/hashes, which the core uses and which this
// file is checked against (test/browser/page-hashing.test.ts): Chromium builds
// V8 with pointer compression, so a small integer ("Smi") is 31 bits there and
// 32 in Node. noble keeps the eight chaining words in object fields (this.A to
// this.H); half of those words do not fit 31 bits, so V8 stores the fields as
// boxed doubles, and the rounds that start from them run on doubles. Here the
// state lives in an Int32Array, the compression function
// (./sha256-compress.ts) works on locals only, and nothing allocates per block.
// In Chromium it is much faster than noble's, for long messages and
// for the leaf hashes of record lines alike (bench/verifier-page.ts compares
// them; figures: bench/RESULTS.md, 'Measurements behind the code').

import { compressBlocks } from './sha256-compress.js';

/** H(0), FIPS 180-4 section 5.3.3. */
const IV = Int32Array.of(0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19);

export const SHA256_BLOCK = 64;
export const SHA256_SIZE = 32;

function writeState(state: Int32Array, out: Uint8Array, at: number): void {
  for (let i = 0; i < 8; i++) {
    const v = state[i]!;
    out[at + 4 * i] = v >>> 24;
    out[at + 4 * i + 1] = v >>> 16;
    out[at + 4 * i + 2] = v >>> 8;
    out[at + 4 * i + 3] = v;
  }
}

/** Writes the 64-bit big-endian bit length of an n-byte message at buf[at, at + 8) (FIPS 180-4 section 5.1.1). */
function writeBitLength(buf: Uint8Array, at: number, n: number): void {
  const hi = Math.floor(n / 2 ** 29); // n * 8 >= 2^32 only past 512 MiB
  const lo = (n * 8) >>> 0; // exact: n * 8 < 2^53
  buf[at] = hi >>> 24;
  buf[at + 1] = hi >>> 16;
  buf[at + 2] = hi >>> 8;
  buf[at + 3] = hi;
  buf[at + 4] = lo >>> 24;
  buf[at + 5] = lo >>> 16;
  buf[at + 6] = lo >>> 8;
  buf[at + 7] = lo;
}

/** Bytes an n-byte message takes once padded: n, 0x80, zeros, 8 length bytes, a multiple of 64. */
export function paddedLength(n: number): number {
  return Math.ceil((n + 9) / SHA256_BLOCK) * SHA256_BLOCK;
}

/**
 * Pads an n-byte message in place (FIPS 180-4 section 5.1.1): 0x80, zeros and
 * the bit length after buf[0, n), up to paddedLength(n), which it returns.
 * What followed the message in buf is overwritten.
 */
export function padInPlace(buf: Uint8Array, n: number): number {
  const end = paddedLength(n);
  if (buf.length < end) throw new RangeError(`scratch of ${buf.length} bytes, a ${n}-byte message needs ${end}`);
  buf[n] = 0x80;
  buf.fill(0, n + 1, end - 8);
  writeBitLength(buf, end - 8, n);
  return end;
}

const oneShotState = new Int32Array(8);

/** SHA-256 of a message already padded in buf[0, end), into out[at, at + 32). */
export function digestPaddedBlocks(buf: Uint8Array, end: number, out: Uint8Array, at = 0): void {
  oneShotState.set(IV);
  compressBlocks(oneShotState, buf, 0, end);
  writeState(oneShotState, out, at);
}

/** SHA-256 of buf[0, n), into out[at, at + 32), padding in place: buf must hold paddedLength(n) bytes. */
export function digestPadded(buf: Uint8Array, n: number, out: Uint8Array, at = 0): void {
  digestPaddedBlocks(buf, padInPlace(buf, n), out, at);
}

/** Incremental SHA-256: update() any number of times, then digest(); reset() to start again. */
export class Sha256 {
  readonly #state = new Int32Array(8);
  /** A partial block, and room for the padding. */
  readonly #block = new Uint8Array(2 * SHA256_BLOCK);
  #pending = 0;
  #length = 0;

  constructor() {
    this.reset();
  }

  reset(): this {
    this.#state.set(IV);
    this.#pending = 0;
    this.#length = 0;
    return this;
  }

  update(bytes: Uint8Array): this {
    const n = bytes.length;
    const block = this.#block;
    let at = 0;
    let pending = this.#pending;
    if (pending > 0) {
      const take = Math.min(SHA256_BLOCK - pending, n);
      for (let i = 0; i < take; i++) block[pending + i] = bytes[i]!;
      pending += take;
      at = take;
      if (pending === SHA256_BLOCK) {
        compressBlocks(this.#state, block, 0, SHA256_BLOCK);
        pending = 0;
      }
    }
    if (pending === 0) {
      const whole = at + Math.floor((n - at) / SHA256_BLOCK) * SHA256_BLOCK;
      if (whole > at) compressBlocks(this.#state, bytes, at, whole);
      for (let i = whole; i < n; i++) block[i - whole] = bytes[i]!;
      pending = n - whole;
    }
    this.#pending = pending;
    this.#length += n;
    return this;
  }

  /** The digest of everything given to update(); the hasher then starts over, as if new. */
  digest(): Uint8Array {
    const out = new Uint8Array(SHA256_SIZE);
    const block = this.#block;
    const pending = this.#pending;
    const end = pending + 9 <= SHA256_BLOCK ? SHA256_BLOCK : 2 * SHA256_BLOCK;
    block[pending] = 0x80;
    block.fill(0, pending + 1, end - 8);
    writeBitLength(block, end - 8, this.#length);
    compressBlocks(this.#state, block, 0, end);
    writeState(this.#state, out, 0);
    this.reset();
    return out;
  }
}
