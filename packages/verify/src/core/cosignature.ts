// C2SP cosignatures (c2sp.org/tlog-cosignature, docs/FORMAT.md section
// 12.4): a witness's statement that, as of a time, the largest consistent
// tree it has seen for the checkpoint's origin has this root. A signature
// line on the checkpoint, of a key of type 0x04, whose signature bytes are
// an 8-byte big-endian POSIX time followed by an Ed25519 signature over
//
//   "cosignature/v1\n" "time <seconds>\n" <the checkpoint's text>
import { base64Encode, concatBytes, utf8Encode } from './bytes.js';
import type { Signer } from './ed25519.js';
import { verifySignature } from './ed25519.js';
import { VerificationError } from './errors.js';
import { keyHintBytes, NOTE_KEY_COSIGNATURE_V1, NOTE_SIGNATURE_PREFIX, noteKeyHint, type NoteVerifierKey, signatureBy, type SignedNote } from './signed-note.js';

/** The message a cosignature signs. */
export function cosignedMessage(text: string, time: number): Uint8Array {
  if (!Number.isSafeInteger(time) || time < 0) throw new TypeError(`not a cosignature time: ${time}`);
  return utf8Encode(`cosignature/v1\ntime ${time}\n${text}`);
}

/** The 8 big-endian bytes of a time below 2^53. */
function timeBytes(time: number): Uint8Array {
  const out = new Uint8Array(8);
  let t = time;
  for (let i = 7; i >= 0; i--) {
    out[i] = t % 256;
    t = Math.floor(t / 256);
  }
  return out;
}

/** A witness's cosignature line over a checkpoint's `text` at `time` (POSIX seconds). */
export function cosignatureLine(text: string, name: string, signer: Signer, time: number): string {
  const hint = noteKeyHint(name, NOTE_KEY_COSIGNATURE_V1, signer.publicKey);
  const sig = signer.sign(cosignedMessage(text, time));
  return `${NOTE_SIGNATURE_PREFIX}${name} ${base64Encode(concatBytes(keyHintBytes(hint), timeBytes(time), sig))}\n`;
}

export interface Cosignature {
  key: NoteVerifierKey;
  /** POSIX seconds, as the witness signed it (exact below 2^53, which every real time is). */
  time: number;
}

/**
 * The cosignatures on `note` by the witnesses `keys` (type 0x04) that
 * verify. A witness that did not cosign is absent; one whose cosignature
 * does not hold, or whose time is 0 or beyond 2^53, is NOTE_SIGNATURE_INVALID.
 */
export function verifyCosignatures(note: SignedNote, keys: readonly NoteVerifierKey[]): Cosignature[] {
  const out: Cosignature[] = [];
  for (const key of keys) {
    if (key.type !== NOTE_KEY_COSIGNATURE_V1) continue;
    const sig = signatureBy(note, key);
    if (!sig) continue;
    const bad = (why: string) => new VerificationError('NOTE_SIGNATURE_INVALID', `the cosignature of ${key.name}: ${why}`);
    if (sig.signature.length !== 72) throw bad(`${sig.signature.length} bytes after the key hint; a timestamped Ed25519 signature is 72`);
    // C2SP: a time from 1 to 2^63 - 1, big-endian; signed as its decimal digits.
    let time = 0n;
    for (let i = 0; i < 8; i++) time = time * 256n + BigInt(sig.signature[i]!);
    if (time === 0n || time > 2n ** 63n - 1n) throw bad(`its time ${time} is not a time a witness signs (1 to 2^63 - 1)`);
    const message = utf8Encode(`cosignature/v1\ntime ${time}\n${note.text}`);
    if (!verifySignature(sig.signature.subarray(8), message, key.publicKey)) throw bad('does not hold over the checkpoint');
    out.push({ key, time: Number(time) });
  }
  return out;
}
