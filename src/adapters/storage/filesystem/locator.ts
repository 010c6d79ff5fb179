// Locators of the filesystem backend: root-relative POSIX paths such as
// 'photos/a.jpg'. A locator handed to hash/destroy/probe has travelled through
// Redis and is attacker controlled: it is checked here, in the main thread,
// and again inside the thread that touches the disk.

// With the u flag a surrogate class matches only lone surrogates, never a valid pair.
// (String.prototype.isWellFormed is ES2024, beyond this project's lib.)
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** False when the string holds a lone surrogate, which has no UTF-8 encoding. */
export function isWellFormedUnicode(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/** Why a locator is refused, or undefined when it is well formed. */
export const MAX_LOCATOR_CHARS = 4096;

export function locatorProblem(locator: unknown): string | undefined {
  if (typeof locator !== 'string') return 'not a string';
  if (locator.length === 0) return 'empty';
  if (locator.length > MAX_LOCATOR_CHARS) return `too long (${locator.length} characters, max ${MAX_LOCATOR_CHARS})`;
  // A lone surrogate would be encoded as U+FFFD and name a different file.
  if (!isWellFormedUnicode(locator)) return 'not well-formed Unicode';
  if (locator.includes('\0')) return 'contains NUL';
  if (locator.includes('\\')) return 'contains a backslash';
  if (locator.startsWith('/')) return 'absolute';
  for (const segment of locator.split('/')) {
    if (segment === '') return 'empty path segment';
    if (segment === '.' || segment === '..') return `'${segment}' segment`;
  }
  return undefined;
}

export function isValidLocator(locator: unknown): locator is string {
  return locatorProblem(locator) === undefined;
}

/** Splits a valid locator into its parent directory ('' for the root) and its last segment. */
export function splitLocator(locator: string): { dir: string; name: string } {
  const slash = locator.lastIndexOf('/');
  return slash < 0 ? { dir: '', name: locator } : { dir: locator.slice(0, slash), name: locator.slice(slash + 1) };
}

/** Joins a directory locator ('' = root) and an entry name. */
export function joinLocator(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}
