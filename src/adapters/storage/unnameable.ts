// Objects in scope that no locator can name: a file name that is not valid
// UTF-8, a path past the locator length limit, a Redis key that is not UTF-8 or
// is over 64 KiB. They cannot be destroyed by name, so they are never skipped
// silently either: listing reports each with a stand-in locator that no real
// object has (it starts with NUL, which no backend admits in a locator), the
// plan records it as an UNNAMEABLE exception, and the re-scan finds it again
// under the same stand-in, so the certificate cannot say complete.
import { createHash } from 'node:crypto';

export const UNNAMEABLE_PREFIX = '\u0000unnameable:';

const SHOWN_BYTES = 200;

function percentEncode(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9/._~-]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * The stand-in locator of an object known only by its raw bytes (a root-relative
 * path, a key without its prefix): the bytes percent-encoded, and past 200
 * bytes a prefix of them and the SHA-256 of all, so that it stays unique and short.
 */
export function unnameableLocator(raw: Uint8Array): string {
  if (raw.length <= SHOWN_BYTES) return UNNAMEABLE_PREFIX + percentEncode(raw);
  const digest = createHash('sha256').update(raw).digest('hex');
  return `${UNNAMEABLE_PREFIX}${percentEncode(raw.subarray(0, SHOWN_BYTES))}...(${raw.length} bytes, sha256 ${digest})`;
}

export function isUnnameableLocator(locator: string): boolean {
  return locator.startsWith(UNNAMEABLE_PREFIX);
}
