// The one parser for everything a verifier reads: certificate.json, the
// signed statement, each line of records.ndjson and per-object proof files.
//
//  - Text is UTF-8 (RFC 8259 section 8.1), decoded strictly: invalid bytes are
//    UTF8_INVALID, never replaced by U+FFFD (which would let two different
//    files read as the same text).
//  - Member names are unique (RFC 7493, I-JSON, section 2.3). JSON.parse keeps
//    the last of two "payload"s or "status"es silently, while another reader
//    may keep the first: JSON_DUPLICATE_MEMBER.
//  - __proto__, constructor and prototype are refused as member names,
//    anywhere: JavaScript code gives them a meaning, and no version of the
//    formats ever used them (MEMBER_FORBIDDEN).
//
// The input is attacker controlled. Pure and synchronous: the CLI and the
// offline page run the same code.
import { utf8Decode } from './bytes.js';
import { type JsonValue, parseCanonical } from './canonical-json.js';
import { type VerificationCode, VerificationError } from './errors.js';

export const FORBIDDEN_MEMBER_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * In canonical text a member name is spelled without escapes and followed
 * directly by ":", so this finds every forbidden name there (and, rarely, a
 * string that only looks like one, which the full scan then clears).
 */
const MAY_NAME_FORBIDDEN = /"(?:__proto__|constructor|prototype)":/;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Strict UTF-8 (a byte order mark is kept, and then fails as JSON). `what` names the input in the message. */
export function decodeInput(bytes: Uint8Array, what: string): string {
  try {
    return utf8Decode(bytes);
  } catch (e) {
    throw new VerificationError('UTF8_INVALID', `${what} is not valid UTF-8`, { cause: e });
  }
}

/**
 * Parses one untrusted JSON text and says whether it is in RFC 8785 canonical
 * form. Not JSON (or not I-JSON: 1e400, lone surrogates) is `syntaxCode`; a
 * repeated or forbidden member name anywhere is JSON_DUPLICATE_MEMBER or
 * MEMBER_FORBIDDEN. Canonical text cannot repeat a name (its value would have
 * fewer members than the text), so only other text is scanned in full.
 */
export function parseJsonInput(text: string, what: string, syntaxCode: VerificationCode): { value: JsonValue; canonical: boolean } {
  let parsed: { value: JsonValue; canonical: boolean };
  try {
    parsed = parseCanonical(text);
  } catch (e) {
    throw new VerificationError(syntaxCode, `${what} is not valid JSON`, { cause: e });
  }
  if (!parsed.canonical || MAY_NAME_FORBIDDEN.test(text)) checkMemberNames(text, what);
  return parsed;
}

/** One open object (`names` set) or array (`names` undefined) of the scan, and where in it the scan is. */
interface Level {
  names: Set<string> | undefined;
  name: string;
  index: number;
}

/**
 * Walks `text`, which JSON.parse accepted, and throws at the first member
 * name that repeats in its object or is forbidden. Iterative: nesting depth
 * costs no stack.
 */
function checkMemberNames(text: string, what: string): void {
  const stack: Level[] = [];
  let expectName = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const end = stringEnd(text, i);
      if (expectName) {
        const top = stack[stack.length - 1]!; // expectName is set only inside an object
        const names = top.names!;
        const raw = text.slice(i + 1, end);
        const name = raw.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : raw;
        if (FORBIDDEN_MEMBER_NAMES.has(name)) {
          throw new VerificationError('MEMBER_FORBIDDEN', `${what}: ${pathOf(stack)} has a member named ${name}, which verifiers refuse`);
        }
        if (names.has(name)) throw new VerificationError('JSON_DUPLICATE_MEMBER', `${what}: ${pathOf(stack)} has the member ${JSON.stringify(name)} twice`);
        names.add(name);
        top.name = name;
        expectName = false;
      }
      i = end;
    } else if (c === 0x7b) {
      stack.push({ names: new Set(), name: '', index: 0 }); // {
      expectName = true;
    } else if (c === 0x5b) {
      stack.push({ names: undefined, name: '', index: 0 }); // [
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop(); // } ]
      expectName = false;
    } else if (c === 0x2c) {
      const top = stack[stack.length - 1]!; // , (only ever inside an object or array)
      if (top.names) expectName = true;
      else top.index++;
    }
  }
}

/** The offset of the quote that closes the string opening at `at` (the text is valid JSON, so there is one). */
function stringEnd(text: string, at: number): number {
  for (let j = at + 1; ; j++) {
    j = text.indexOf('"', j);
    let k = j - 1;
    while (text.charCodeAt(k) === 0x5c) k--; // backslashes before the quote: an odd number escapes it
    if ((j - 1 - k) % 2 === 0) return j;
  }
}

/** `$.targets[0]`: the JSON path of the innermost open object. */
function pathOf(stack: readonly Level[]): string {
  let path = '$';
  for (let l = 0; l < stack.length - 1; l++) {
    const { names, name, index } = stack[l]!;
    path += names === undefined ? `[${index}]` : IDENTIFIER.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
  }
  return path;
}
