// A naive Ed25519 verifier written from RFC 8032 sections 5.1.3 (decoding),
// 5.1.4 (point addition) and 5.1.7 (verification), in BigInt, slow and
// plain, with the rule choices that verifiers disagree on as switches:
//   canonical   y < p and no x = 0 with the sign bit set, for A and R (RFC 8032
//               5.1.3 "decoding fails"); ZIP-215 accepts any y < 2^255 and both signs of x = 0
//   cofactored  [8][S]B = [8]R + [8][k]A (RFC 8032 5.1.7's equation), or the
//               cofactorless [S]B = R + [k]A the RFC calls "sufficient, but not required"
//   smallOrderA refuse a public key of order 1, 2, 4 or 8 (no RFC requires it;
//               libsodium and noble's strict mode do, and docs/FORMAT.md 5.1 does)
// S < L is required by every rule set here (RFC 8032 and ZIP-215 alike), and
// k = SHA-512(R || A || M) always hashes the bytes as given. The vectors'
// labels (test/vectors/ed25519/*.json) are checked against this, and the
// derived vectors are made with it (./generate.ts). Never use it to sign anything real.
import { sha512 } from '@noble/hashes/sha2.js';

export const P = 2n ** 255n - 19n;
/** The order of the prime-order subgroup (RFC 8032 5.1: "L"). */
export const L = 2n ** 252n + 27742317777372353535851937790883648493n;

const mod = (a: bigint, m = P) => ((a % m) + m) % m;

function pow(base: bigint, exp: bigint, m = P): bigint {
  let result = 1n;
  let b = mod(base, m);
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % m;
    b = (b * b) % m;
  }
  return result;
}

const inv = (a: bigint) => pow(a, P - 2n);
const D = mod(-121665n * inv(121666n));
const SQRT_M1 = pow(2n, (P - 1n) / 4n);

/** Extended homogeneous coordinates (X:Y:Z:T), x = X/Z, y = Y/Z, xy = T/Z (RFC 8032 5.1.4). */
export interface Point {
  X: bigint;
  Y: bigint;
  Z: bigint;
  T: bigint;
}

export const IDENTITY: Point = { X: 0n, Y: 1n, Z: 1n, T: 0n };

function affine(x: bigint, y: bigint): Point {
  return { X: x, Y: y, Z: 1n, T: mod(x * y) };
}

/** RFC 8032 5.1.4, the unified addition formula: complete on edwards25519, doublings included. */
export function add(p: Point, q: Point): Point {
  const a = mod((p.Y - p.X) * (q.Y - q.X));
  const b = mod((p.Y + p.X) * (q.Y + q.X));
  const c = mod(p.T * 2n * D * q.T);
  const d = mod(p.Z * 2n * q.Z);
  const e = b - a;
  const f = d - c;
  const g = d + c;
  const h = b + a;
  return { X: mod(e * f), Y: mod(g * h), Z: mod(f * g), T: mod(e * h) };
}

export const negate = (p: Point): Point => ({ X: mod(-p.X), Y: p.Y, Z: p.Z, T: mod(-p.T) });

/** [n]p by double-and-add, for any n >= 0 (not reduced: [L]p of a point with a small-order part is not the identity). */
export function multiply(p: Point, n: bigint): Point {
  let result = IDENTITY;
  let addend = p;
  for (let k = n; k > 0n; k >>= 1n) {
    if (k & 1n) result = add(result, addend);
    addend = add(addend, addend);
  }
  return result;
}

export const equal = (p: Point, q: Point) => mod(p.X * q.Z - q.X * p.Z) === 0n && mod(p.Y * q.Z - q.Y * p.Z) === 0n;

const littleEndian = (b: Uint8Array) => b.reduceRight((acc, byte) => (acc << 8n) | BigInt(byte), 0n);

/** RFC 8032 5.1.3. `canonical` false is ZIP-215's decoding: y taken mod p, and x = 0 with either sign. */
export function decode(bytes: Uint8Array, canonical: boolean): Point | undefined {
  if (bytes.length !== 32) return undefined;
  const n = littleEndian(bytes);
  const sign = n >> 255n;
  let y = n & ((1n << 255n) - 1n);
  if (y >= P) {
    if (canonical) return undefined;
    y -= P;
  }
  const u = mod(y * y - 1n);
  const v = mod(D * y * y + 1n);
  const x2 = mod(u * inv(v));
  if (x2 === 0n) {
    if (sign === 1n && canonical) return undefined;
    return affine(0n, y);
  }
  let x = pow(x2, (P + 3n) / 8n);
  if (mod(x * x - x2) !== 0n) x = mod(x * SQRT_M1);
  if (mod(x * x - x2) !== 0n) return undefined;
  if ((x & 1n) !== sign) x = P - x;
  return affine(x, y);
}

/** RFC 8032 5.1.2. */
export function encode(p: Point): Uint8Array {
  const zInv = inv(p.Z);
  const x = mod(p.X * zInv);
  let n = mod(p.Y * zInv) | ((x & 1n) << 255n);
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
}

export function scalarBytes(s: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0, n = s; i < 32; i++, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
}

/** The base point B: y = 4/5, x positive (RFC 8032 5.1). */
export const BASE = decode(Uint8Array.of(0x58, ...new Array<number>(31).fill(0x66)), true)!;

export const isSmallOrder = (p: Point) => equal(multiply(p, 8n), IDENTITY);

/** k = SHA-512(R || A || M) mod L, over the bytes as given. */
export function challenge(r: Uint8Array, publicKey: Uint8Array, message: Uint8Array): bigint {
  return mod(littleEndian(sha512(Uint8Array.from([...r, ...publicKey, ...message]))), L);
}

export interface Rules {
  canonical: boolean;
  cofactored: boolean;
  smallOrderA: boolean;
}

export const RULES = {
  /** RFC 8032 5.1.7 as written: canonical decodings, S < L, the cofactored equation. */
  rfc8032Cofactored: { canonical: true, cofactored: true, smallOrderA: false },
  /** RFC 8032 with the cofactorless equation it allows (OpenSSL, BoringSSL, Go, ref10 compare encodings of [S]B - [k]A with R). */
  rfc8032Cofactorless: { canonical: true, cofactored: false, smallOrderA: false },
  /** ZIP-215 (Zcash): any y < 2^255, S < L, the cofactored equation; what noble does without `zip215: false`. */
  zip215: { canonical: false, cofactored: true, smallOrderA: false },
  /** docs/FORMAT.md 5.1: strict RFC 8032 (cofactored, canonical) and no small-order key; noble with `zip215: false`. */
  shredproof: { canonical: true, cofactored: true, smallOrderA: true },
} as const satisfies Record<string, Rules>;

export type RuleSet = keyof typeof RULES;

export function verify(rules: Rules, signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  const rBytes = signature.subarray(0, 32);
  const a = decode(publicKey, rules.canonical);
  const r = decode(rBytes, rules.canonical);
  const s = littleEndian(signature.subarray(32));
  if (!a || !r || s >= L) return false;
  if (rules.smallOrderA && isSmallOrder(a)) return false;
  const k = challenge(rBytes, publicKey, message);
  // [S]B - R - [k]A, which is the identity (cofactorless) or of small order (cofactored) when the signature holds.
  const diff = add(add(multiply(BASE, s), negate(r)), negate(multiply(a, k)));
  return equal(rules.cofactored ? multiply(diff, 8n) : diff, IDENTITY);
}
