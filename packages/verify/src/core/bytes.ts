// Byte helpers for the browser-safe core: hex, base64 (RFC 4648), UTF-8 and a
// constant-time comparison. Only Web platform globals (TextEncoder/TextDecoder)
// are used, so the same code runs in Node and in a browser.

const HEX = '0123456789abcdef';
const HEX_PAIRS: string[] = Array.from({ length: 256 }, (_, i) => HEX[i >> 4]! + HEX[i & 15]!);

/** Lowercase hex, as every format of shredproof writes it. */
export function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX_PAIRS[bytes[i]!]!;
  return out;
}

function hexNibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  if (c >= 97 && c <= 102) return c - 87; // a-f
  return -1; // uppercase is rejected: the formats fix lowercase hex
}

/** Parses lowercase hex; returns undefined for anything else (odd length, uppercase, other characters). */
export function tryHexToBytes(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexNibble(hex.charCodeAt(2 * i));
    const lo = hexNibble(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) return undefined;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

export function hexToBytes(hex: string): Uint8Array {
  const out = tryHexToBytes(hex);
  if (!out) throw new TypeError('expected lowercase hex of even length');
  return out;
}

/** True when `s` is lowercase hex encoding exactly `byteLength` bytes. */
const LOWER_HEX = /^(?:[0-9a-f]{2})*$/;

export function isHex(s: unknown, byteLength?: number): s is string {
  if (typeof s !== 'string') return false;
  if (byteLength !== undefined && s.length !== byteLength * 2) return false;
  return LOWER_HEX.test(s); // no allocation: this runs twice per record when verifying millions
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_STD = new Int16Array(128).fill(-1);
const B64_URL = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) {
  B64_STD[B64.charCodeAt(i)] = i;
  B64_URL[B64.charCodeAt(i)] = i;
}
B64_URL['+'.charCodeAt(0)] = -1;
B64_URL['/'.charCodeAt(0)] = -1;
B64_URL['-'.charCodeAt(0)] = 62;
B64_URL['_'.charCodeAt(0)] = 63;

/** Standard base64 with padding (RFC 4648 section 4), as shredproof writes it. */
export function base64Encode(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + B64[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + '==';
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + '=';
  }
  return out;
}

/**
 * Strict base64 decoding. DSSE allows the standard or the URL-safe alphabet,
 * with or without padding; one string must not mix the two alphabets. Rejects
 * whitespace, misplaced padding, impossible lengths and non-zero trailing bits
 * (so that every byte string has one accepted encoding per alphabet).
 * Returns undefined for invalid input.
 */
export function tryBase64Decode(s: string): Uint8Array | undefined {
  let end = s.length;
  if (end % 4 === 0 && end > 0) {
    if (s.charCodeAt(end - 1) === 61) end--; // '='
    if (s.charCodeAt(end - 1) === 61) end--;
  }
  if (end % 4 === 1) return undefined;
  const urlSafe = /[-_]/.test(s);
  const table = urlSafe ? B64_URL : B64_STD;
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? table[c]! : -1;
    if (v < 0) return undefined;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  if (bits > 0 && (acc & ((1 << bits) - 1)) !== 0) return undefined; // non-canonical trailing bits
  return out;
}

export function base64Decode(s: string): Uint8Array {
  const out = tryBase64Decode(s);
  if (!out) throw new TypeError('invalid base64');
  return out;
}

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function utf8Encode(s: string): Uint8Array {
  return encoder.encode(s);
}

/** Decodes UTF-8, throwing TypeError on invalid sequences (never replaces them). */
export function utf8Decode(bytes: Uint8Array): string {
  return strictDecoder.decode(bytes);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Compares two byte strings in time that depends only on their lengths. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Byte-wise equality where timing does not matter (public data such as hashes). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
