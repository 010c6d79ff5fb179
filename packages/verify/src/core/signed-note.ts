// C2SP signed notes (c2sp.org/signed-note, docs/FORMAT.md section 12.2): a
// text ending in a newline, a blank line, then signature lines
// "— <key name> <base64(key hint || signature)>\n". The transparency log's
// checkpoints (./checkpoint.ts) are signed notes, and so are the witnesses'
// cosignatures on them (./cosignature.ts).
//
// A note comes from a log, a receipt or a witness: hostile input. It is read
// strictly, as the spec says a verifier may and as Go's
// golang.org/x/mod/sumdb/note reads it: valid UTF-8, no control character
// but the newline, the text split from the signatures at the LAST blank
// line, every line after it a signature line, standard base64 with padding
// and nothing else, at most 100 signature lines. Stricter than that reader
// in one way: two signature lines with one key name and key hint are refused
// (it verifies the first and skips the rest). Signatures from keys the
// verifier does not know are ignored, as the spec requires; a known key's
// signature that fails rejects the whole note.
import { sha256 } from '@noble/hashes/sha2.js';
import { base64Encode, concatBytes, tryBase64Decode, utf8Decode, utf8Encode } from './bytes.js';
import { ED25519_PUBLIC_KEY_LENGTH, type Signer, verifySignature } from './ed25519.js';
import { VerificationError } from './errors.js';

/** Signature types of the spec's registry that shredproof reads: the log's own Ed25519 key, and a witness's timestamped cosignature key. */
export const NOTE_KEY_ED25519 = 0x01;
export const NOTE_KEY_COSIGNATURE_V1 = 0x04;
export type NoteKeyType = typeof NOTE_KEY_ED25519 | typeof NOTE_KEY_COSIGNATURE_V1;

/** "— " (U+2014, U+0020) opens every signature line. */
const SIG_PREFIX = '\u2014 ';
/** golang.org/x/mod/sumdb/note refuses more; the spec asks verifiers to accept at least 16. */
export const MAX_NOTE_SIGNATURES = 100;
/** A note larger than this is refused before it is read (a checkpoint with 100 cosignatures is under 20 KB). */
export const MAX_NOTE_BYTES = 1_000_000;

export interface NoteSignature {
  name: string;
  /** The 4-byte key hint (key ID) as an unsigned 32-bit integer. */
  keyHint: number;
  /** The signature bytes after the key hint. */
  signature: Uint8Array;
  /** The whole line, "— name base64\n", exactly as read. */
  line: string;
}

export interface SignedNote {
  /** The signed text, ending in "\n"; the blank line is not part of it. */
  text: string;
  signatures: NoteSignature[];
}

export interface NoteVerifierKey {
  name: string;
  keyHint: number;
  type: NoteKeyType;
  /** The raw 32-byte Ed25519 public key. */
  publicKey: Uint8Array;
}

const malformed = (why: string): never => {
  throw new VerificationError('NOTE_MALFORMED', why);
};

/** A key name: non-empty, no Unicode space, no "+" (the spec's rule; x/mod's isValidName). */
export function isNoteKeyName(name: string): boolean {
  return name.length > 0 && !/[\s\u0085+]/u.test(name);
}

/** SHA-256(name || 0x0A || type || public key)[:4], big-endian: the key hint of the spec. */
export function noteKeyHint(name: string, type: number, publicKey: Uint8Array): number {
  const h = sha256(concatBytes(utf8Encode(name), new Uint8Array([0x0a, type]), publicKey));
  return ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
}

/** Base64 that is exactly what base64Encode writes back: the standard alphabet, padded, canonical. */
export function strictBase64(s: string): Uint8Array | undefined {
  const bytes = tryBase64Decode(s);
  return bytes && base64Encode(bytes) === s ? bytes : undefined;
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

/** The verifier key string of the spec: "<name>+<8 lowercase hex key hint>+<base64(type || public key)>". */
export function formatVerifierKey(name: string, type: NoteKeyType, publicKey: Uint8Array): string {
  if (!isNoteKeyName(name)) throw new TypeError(`not a note key name: ${JSON.stringify(name)}`);
  return `${name}+${hex8(noteKeyHint(name, type, publicKey))}+${base64Encode(concatBytes(new Uint8Array([type]), publicKey))}`;
}

/**
 * Reads a verifier key string. NOTE_MALFORMED when it is not one, when its
 * hint is not the one its name and key make, or for a type other than
 * Ed25519 (0x01) and cosignature/v1 (0x04), or `want` when given.
 */
export function parseVerifierKey(vkey: string, want?: NoteKeyType): NoteVerifierKey {
  const first = vkey.indexOf('+');
  const second = first < 0 ? -1 : vkey.indexOf('+', first + 1);
  if (second < 0) malformed(`verifier key ${JSON.stringify(vkey)}: not name+hint+key`);
  const name = vkey.slice(0, first);
  const hint = vkey.slice(first + 1, second);
  if (!isNoteKeyName(name)) malformed(`verifier key: the name ${JSON.stringify(name)} is empty, or has a space or a "+"`);
  if (!/^[0-9a-f]{8}$/.test(hint)) malformed(`verifier key ${name}: the key hint ${JSON.stringify(hint)} is not 8 lowercase hex digits`);
  const key = strictBase64(vkey.slice(second + 1));
  if (!key) malformed(`verifier key ${name}: the key is not standard padded base64`);
  const type = key![0];
  if (type !== NOTE_KEY_ED25519 && type !== NOTE_KEY_COSIGNATURE_V1) malformed(`verifier key ${name}: signature type ${String(type)} is neither Ed25519 (1) nor cosignature/v1 (4)`);
  if (want !== undefined && type !== want) malformed(`verifier key ${name}: signature type ${type}, want ${want}`);
  const publicKey = key!.subarray(1);
  if (publicKey.length !== ED25519_PUBLIC_KEY_LENGTH) malformed(`verifier key ${name}: the public key is ${publicKey.length} bytes, not 32`);
  const keyHint = noteKeyHint(name, type!, publicKey);
  if (hex8(keyHint) !== hint) malformed(`verifier key ${name}: key hint ${hint} is not the key's (${hex8(keyHint)})`);
  return { name, keyHint, type: type as NoteKeyType, publicKey };
}

/** Splits and checks a signed note (the strict reading of the header comment); verifies nothing. NOTE_MALFORMED. */
export function parseSignedNote(input: Uint8Array | string): SignedNote {
  if (typeof input !== 'string' && input.length > MAX_NOTE_BYTES) malformed(`the note is ${input.length} bytes; at most ${MAX_NOTE_BYTES}`);
  let s: string;
  try {
    s = typeof input === 'string' ? input : utf8Decode(input);
  } catch {
    return malformed('the note is not valid UTF-8');
  }
  if (s.length > MAX_NOTE_BYTES) malformed(`the note is over ${MAX_NOTE_BYTES} bytes`);
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u0009\u000b-\u001f]/.exec(s);
  if (control) malformed(`the note holds the control character U+${control[0].charCodeAt(0).toString(16).padStart(4, '0')} at ${control.index}; only newlines are allowed`);
  const split = s.lastIndexOf('\n\n');
  if (split < 0) malformed('the note has no blank line between its text and its signatures');
  const text = s.slice(0, split + 1);
  const block = s.slice(split + 2);
  if (block.length === 0) malformed('the note has no signature line');
  if (!block.endsWith('\n')) malformed('the last signature line does not end in a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) malformed(`the note has ${lines.length} signature lines; at most ${MAX_NOTE_SIGNATURES}`);
  const seen = new Set<string>();
  const signatures = lines.map((l, i): NoteSignature => {
    if (!l.startsWith(SIG_PREFIX)) malformed(`line ${i + 1} after the blank line is not a signature line ("— name signature")`);
    const rest = l.slice(SIG_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = rest.slice(0, space);
    const bytes = space < 0 ? undefined : strictBase64(rest.slice(space + 1));
    if (space < 0 || !isNoteKeyName(name)) malformed(`signature line ${i + 1}: no valid key name before a space`);
    if (!bytes || bytes.length < 5) malformed(`signature line ${i + 1} (${name}): the signature is not standard padded base64 of a key hint and a signature`);
    const keyHint = ((bytes![0]! << 24) | (bytes![1]! << 16) | (bytes![2]! << 8) | bytes![3]!) >>> 0;
    const who = `${name}+${hex8(keyHint)}`;
    if (seen.has(who)) malformed(`the note is signed twice by ${who}`);
    seen.add(who);
    return { name, keyHint, signature: bytes!.subarray(4), line: `${l}\n` };
  });
  return { text, signatures };
}

/** The signatures of `note` by `key` (same name and key hint): none or one, since parseSignedNote refuses two. */
export function signatureBy(note: SignedNote, key: Pick<NoteVerifierKey, 'name' | 'keyHint'>): NoteSignature | undefined {
  return note.signatures.find((s) => s.name === key.name && s.keyHint === key.keyHint);
}

/**
 * The Ed25519 (type 0x01) keys among `keys` whose signatures on `note`
 * verify. Signatures from other keys are ignored; a known key's signature
 * that fails is NOTE_SIGNATURE_INVALID, and no verified one at all is
 * NOTE_UNVERIFIED (the spec's rules). Cosignature keys are ./cosignature.ts's.
 */
export function verifyNote(note: SignedNote, keys: readonly NoteVerifierKey[]): NoteVerifierKey[] {
  const text = utf8Encode(note.text);
  const verified: NoteVerifierKey[] = [];
  for (const key of keys) {
    if (key.type !== NOTE_KEY_ED25519) continue;
    const sig = signatureBy(note, key);
    if (!sig) continue;
    if (!verifySignature(sig.signature, text, key.publicKey)) throw new VerificationError('NOTE_SIGNATURE_INVALID', `the signature of ${key.name}+${hex8(key.keyHint)} does not hold over the note's text`);
    verified.push(key);
  }
  if (verified.length === 0) {
    const known = keys.filter((k) => k.type === NOTE_KEY_ED25519).map((k) => `${k.name}+${hex8(k.keyHint)}`);
    throw new VerificationError('NOTE_UNVERIFIED', `no signature of the note is by a known key (${known.join(', ') || 'none given'}); it is signed by ${note.signatures.map((s) => `${s.name}+${hex8(s.keyHint)}`).join(', ')}`);
  }
  return verified;
}

/** The signature line of `name`'s Ed25519 key over `text` (which must end in "\n"). */
export function noteSignatureLine(text: string, name: string, signer: Signer): string {
  if (!text.endsWith('\n')) throw new TypeError('a note text ends in a newline');
  const hint = noteKeyHint(name, NOTE_KEY_ED25519, signer.publicKey);
  return `${SIG_PREFIX}${name} ${base64Encode(concatBytes(keyHintBytes(hint), signer.sign(utf8Encode(text))))}\n`;
}

/** A signed note: `text`, the blank line, then the given signature lines (each ending in "\n"). */
export function formatSignedNote(text: string, lines: readonly string[]): string {
  return `${text}\n${lines.join('')}`;
}

/** The key hint in the 4 bytes a signature line starts with. */
export function keyHintBytes(hint: number): Uint8Array {
  return new Uint8Array([hint >>> 24, (hint >>> 16) & 0xff, (hint >>> 8) & 0xff, hint & 0xff]);
}

export { SIG_PREFIX as NOTE_SIGNATURE_PREFIX };
