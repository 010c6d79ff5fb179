// Locators of the Redis backend: the key without the configured keyPrefix, as
// a UTF-8 string. Items come back through the job queue: untrusted, checked.
import { isUnnameableLocator } from '../unnameable.js';
import { LONE_SURROGATE } from './scope.js';

export const MAX_LOCATOR_BYTES = 64 * 1024;

export function locatorProblem(locator: unknown): string | undefined {
  if (typeof locator !== 'string') return 'must be a string';
  if (locator.length === 0) return 'must not be empty';
  if (LONE_SURROGATE.test(locator)) return 'must be well-formed Unicode';
  if (Buffer.byteLength(locator) > MAX_LOCATOR_BYTES) return `longer than ${MAX_LOCATOR_BYTES} bytes`;
  // The stand-in of a key that no locator names: never a key to destroy.
  if (isUnnameableLocator(locator)) return 'is the stand-in of an unnameable key';
  return undefined;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The locator of a full key, or undefined when the key is outside the prefix or not valid UTF-8. */
export function locatorOfKey(key: Buffer, prefix: Buffer): string | undefined {
  if (key.length <= prefix.length || !key.subarray(0, prefix.length).equals(prefix)) return undefined;
  try {
    return strictUtf8.decode(key.subarray(prefix.length));
  } catch {
    return undefined;
  }
}
