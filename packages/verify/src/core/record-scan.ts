// A single-pass byte scanner for the usual destruction record line: printable
// ASCII, the members of docs/FORMAT.md section 3 in RFC 8785 order, and
// `attributes` as an object of strings (values may hold \" and \\, as an S3
// ETag does). It accepts a line only when the core's parseRecordLine would
// accept it as valid and canonical with the same values; for anything else
// (other escapes, non-ASCII, unknown members, a forbidden attribute name,
// anything invalid) it says no,
// and the caller asks the core, which then gives the verdict and its code.
// test/core/record-scan.test.ts checks that both agree. It lives in the core
// because both verifiers run it: the CLI (packages/verify/src/node/fast-verify.ts) and the
// offline page (src/verifier-page/records-check.ts).
//
// The bytes are attacker controlled: every read is bounded by `end`.
import { RECORD_MAX_LINE_BYTES } from './record.js';
import { decodeInput, FORBIDDEN_MEMBER_NAMES } from './strict-json.js';

/** Where the scanner found the values: byte offsets into the line's buffer, ends exclusive. */
export interface ScannedRecord {
  index: number;
  size: number;
  locator: number;
  locatorEnd: number;
  target: number;
  targetEnd: number;
  method: number;
  methodEnd: number;
  /** Offset of the 64 hex digits. */
  sha256: number;
}

/** A ScannedRecord to reuse: scanRecord fills it in place, so a reader allocates one, not one per line. */
export function newScannedRecord(): ScannedRecord {
  return { index: 0, size: 0, locator: 0, locatorEnd: 0, target: 0, targetEnd: 0, method: 0, methodEnd: 0, sha256: 0 };
}

/**
 * A line of a records file as text, for the core: strict UTF-8 (a byte order
 * mark is kept, and then fails as JSON), UTF8_INVALID otherwise. The CLI's
 * and the page's readers both use it, so both refuse the same bytes alike.
 */
export function decodeLine(bytes: Uint8Array, lineNumber: number): string {
  return decodeInput(bytes, `line ${lineNumber}`);
}

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const ATTRIBUTES = ascii('{"attributes":{');
const DESTROYED_AT = ascii('"destroyedAt":"');
const INDEX = ascii('","index":');
const LOCATOR = ascii(',"locator":"');
const METHOD = ascii('","method":"');
const SALT = ascii('","salt":"');
const SHA256 = ascii('","sha256":"');
const SIZE = ascii('","size":');
const TARGET = ascii(',"target":"');
const QUOTE = 0x22;
// One table lookup per byte instead of a chain of comparisons.
const TEXT = 1; // printable ASCII but `"` and `\`: a string's bytes that need no escape
const HEX = 2; // [0-9a-f]
const METHOD_CHAR = 4; // [a-z0-9-]
const CLASS = new Uint8Array(256);
for (let c = 0x20; c <= 0x7e; c++) if (c !== QUOTE && c !== 0x5c) CLASS[c]! |= TEXT;
for (const c of ascii('0123456789abcdef')) CLASS[c]! |= HEX;
for (const c of ascii('abcdefghijklmnopqrstuvwxyz0123456789-')) CLASS[c]! |= METHOD_CHAR;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** True (and `out` filled) when bytes[start, end) is a valid canonical record of the usual shape. */
export function scanRecord(b: Uint8Array, start: number, end: number, out: ScannedRecord): boolean {
  if (end - start > RECORD_MAX_LINE_BYTES || end - start < 2) return false;
  let at = start;
  if (lit(b, at, end, ATTRIBUTES)) {
    at = attributes(b, at + ATTRIBUTES.length, end);
    if (at < 0 || at >= end || b[at] !== 0x2c) return false; // ,
    at++;
  } else if (b[at++] !== 0x7b) return false; // {
  if (!lit(b, at, end, DESTROYED_AT)) return false;
  const time = at + DESTROYED_AT.length;
  at = text(b, time, end);
  if (at < 0 || !isTime(b, time, at) || !lit(b, at, end, INDEX)) return false;
  at = count(b, at + INDEX.length, end);
  if (at < 0) return false;
  out.index = scannedNumber;
  if (!lit(b, at, end, LOCATOR)) return false;
  out.locator = at + LOCATOR.length;
  at = out.locatorEnd = text(b, out.locator, end);
  if (at < 0 || at === out.locator || at - out.locator > 4096 || !lit(b, at, end, METHOD)) return false;
  out.method = at + METHOD.length;
  at = out.methodEnd = methodName(b, out.method, end);
  if (at < 0 || !lit(b, at, end, SALT)) return false;
  const salt = at + SALT.length;
  at = hex(b, salt, end);
  if (at < 0 || at - salt < 32 || (at - salt) % 2 !== 0 || !lit(b, at, end, SHA256)) return false;
  out.sha256 = at + SHA256.length;
  at = hex(b, out.sha256, end);
  if (at - out.sha256 !== 64 || !lit(b, at, end, SIZE)) return false;
  at = count(b, at + SIZE.length, end);
  if (at < 0) return false;
  out.size = scannedNumber;
  if (!lit(b, at, end, TARGET)) return false;
  out.target = at + TARGET.length;
  at = out.targetEnd = text(b, out.target, end);
  if (at < 0 || at === out.target || at - out.target > 256) return false;
  return at + 2 === end && b[at + 1] === 0x7d; // "}
}

function lit(b: Uint8Array, at: number, end: number, piece: Uint8Array): boolean {
  if (at + piece.length > end) return false;
  for (let i = 0; i < piece.length; i++) if (b[at + i] !== piece[i]) return false;
  return true;
}

/** The closing quote of a string of printable ASCII without `"` or `\` starting at `at`, or -1. */
function text(b: Uint8Array, at: number, end: number): number {
  while (at < end && (CLASS[b[at]!]! & TEXT) !== 0) at++;
  return at < end && b[at] === QUOTE ? at : -1;
}

/** `"k":"v",...}` with strictly increasing keys (RFC 8785 order, no duplicates), none forbidden; returns the offset after `}`, or -1. */
function attributes(b: Uint8Array, at: number, end: number): number {
  if (at < end && b[at] === 0x7d) return at + 1;
  let prev = -1;
  let prevEnd = -1;
  for (;;) {
    if (at >= end || b[at] !== QUOTE) return -1;
    const key = at + 1;
    const keyEnd = text(b, key, end);
    if (keyEnd < 0 || (prev >= 0 && !ascending(b, prev, prevEnd, key, keyEnd)) || forbidden(b, key, keyEnd)) return -1;
    if (keyEnd + 3 > end || b[keyEnd + 1] !== 0x3a || b[keyEnd + 2] !== QUOTE) return -1; // :"
    at = attributeValue(b, keyEnd + 3, end);
    if (at < 0 || at + 1 >= end) return -1;
    prev = key;
    prevEnd = keyEnd;
    const c = b[at + 1];
    if (c === 0x7d) return at + 2; // }
    if (c !== 0x2c) return -1; // ,
    at += 2;
  }
}

const FORBIDDEN = [...FORBIDDEN_MEMBER_NAMES].map(ascii);

/** True for the names the core refuses (strict-json.ts): the core then gives MEMBER_FORBIDDEN. Costs a length test for other names. */
function forbidden(b: Uint8Array, s: number, e: number): boolean {
  for (const name of FORBIDDEN) if (name.length === e - s && lit(b, s, e, name)) return true;
  return false;
}

/** Like text(), plus the escapes \\" and \\\\ (canonical for `"` and `\\`): an S3 ETag is a quoted string. */
function attributeValue(b: Uint8Array, at: number, end: number): number {
  for (; at < end; at++) {
    const c = b[at]!;
    if ((CLASS[c]! & TEXT) !== 0) continue;
    if (c === QUOTE) return at;
    if (c !== 0x5c || at + 1 >= end || (b[at + 1] !== QUOTE && b[at + 1] !== 0x5c)) return -1;
    at++; // the escaped character
  }
  return -1;
}

/** a < b bytewise (for ASCII the same as RFC 8785's UTF-16 order). */
function ascending(b: Uint8Array, a0: number, a1: number, b0: number, b1: number): boolean {
  for (let i = 0; a0 + i < a1 && b0 + i < b1; i++) {
    if (b[a0 + i] !== b[b0 + i]) return b[a0 + i]! < b[b0 + i]!;
  }
  return a1 - a0 < b1 - b0;
}

let scannedNumber = 0;

/** A canonical JSON integer in [0, 2^53-1] (no sign, no leading zero, no fraction or exponent) into scannedNumber. */
function count(b: Uint8Array, at: number, end: number): number {
  const first = at;
  let v = 0;
  for (; at < end && b[at]! >= 0x30 && b[at]! <= 0x39; at++) v = v * 10 + (b[at]! - 0x30);
  const digits = at - first;
  if (digits === 0 || digits > 16 || (digits > 1 && b[first] === 0x30) || v > Number.MAX_SAFE_INTEGER) return -1;
  scannedNumber = v;
  return at;
}

/** [a-z0-9][a-z0-9-]* of at most 64 bytes, up to its closing quote. */
function methodName(b: Uint8Array, at: number, end: number): number {
  const first = at;
  if (at >= end || b[at] === 0x2d) return -1; // the first character is not "-"
  while (at < end && (CLASS[b[at]!]! & METHOD_CHAR) !== 0) at++;
  return at < end && b[at] === QUOTE && at > first && at - first <= 64 ? at : -1;
}

/** Lowercase hex digits up to a closing quote; returns its offset, or -1. */
function hex(b: Uint8Array, at: number, end: number): number {
  while (at < end && (CLASS[b[at]!]! & HEX) !== 0) at++;
  return at < end && b[at] === QUOTE ? at : -1;
}

function digit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

function twoDigits(b: Uint8Array, at: number): number {
  return (b[at]! - 0x30) * 10 + b[at + 1]! - 0x30;
}

const TIME_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];

/** The core's isRfc3339Utc on bytes: YYYY-MM-DDTHH:MM:SS[.1-9 digits]Z, a day that exists in its month. */
export function isTime(b: Uint8Array, s: number, e: number): boolean {
  const len = e - s;
  if (len !== 20 && (len < 22 || len > 30)) return false;
  for (const i of TIME_DIGITS) if (!digit(b[s + i])) return false;
  if (b[s + 4] !== 0x2d || b[s + 7] !== 0x2d || b[s + 10] !== 0x54 || b[s + 13] !== 0x3a || b[s + 16] !== 0x3a || b[e - 1] !== 0x5a) return false; // - - T : : Z
  if (len > 20) {
    if (b[s + 19] !== 0x2e) return false; // .
    for (let i = s + 20; i < e - 1; i++) if (!digit(b[i])) return false;
  }
  const year = twoDigits(b, s) * 100 + twoDigits(b, s + 2);
  const month = twoDigits(b, s + 5);
  const day = twoDigits(b, s + 8);
  if (month < 1 || month > 12 || day < 1 || twoDigits(b, s + 11) > 23 || twoDigits(b, s + 14) > 59 || twoDigits(b, s + 17) > 60) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (month === 2 && !leap ? 28 : DAYS_IN_MONTH[month - 1]!);
}
