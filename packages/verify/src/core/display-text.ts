// Untrusted text made safe to show. A certificate's strings (a locator, a
// reason, an unsigned keyid) reach a terminal or a page as they are, and
// control characters there are commands: ESC [1A ESC [2K moves up a line and
// erases it (ECMA-48), so `INVALID ...` can become `VALID`; U+202E reverses
// the text after it (Unicode bidirectional algorithm, UAX #9). Every such
// character is shown as its JSON escape (`\u001b`), visible and inert.
//
// Pure: the CLI's verify and prove, and the offline page, use this one helper.

/**
 * C0 controls, DEL and C1 controls (ECMA-48), the bidi embeddings, overrides
 * and isolates (U+202A-U+202E, U+2066-U+2069) and the implicit marks
 * (U+061C, U+200E, U+200F), and the line and paragraph separators
 * U+2028/U+2029, which start a new line where they are shown.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same but C0, which JSON.stringify escapes in strings, and whose "\n" and " " lay out JSON text outside them. */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const escape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * `text` with every unsafe character replaced by its `\uXXXX` escape; other
 * text (a backslash included) is left as it is, so that ordinary locators
 * can still be copied from the output.
 */
export function escapeForDisplay(text: string): string {
  return text.replace(UNSAFE, escape);
}

/**
 * JSON.stringify, then the unsafe characters that it leaves as they are
 * (DEL, C1, bidi controls, U+2028/U+2029) written as `\uXXXX` escapes. Still
 * JSON, with the same value: outside strings JSON text holds only ASCII, so
 * every such character is inside a string, where the escape means it.
 */
export function jsonForDisplay(value: unknown, space?: number): string {
  return JSON.stringify(value, null, space).replace(UNSAFE_IN_JSON, escape);
}
