// S3 locators. One inventory item per object version, so that every version
// whose content is destroyed is hashed and recorded on its own. The locator is
// `${key}#${versionId}`, split at the LAST '#': keys may contain '#', version
// ids may not (S3 and MinIO write them from a URL-safe alphabet; a listed id
// with '#' fails the listing rather than produce an ambiguous locator).
// Objects of an unversioned bucket have S3's own version id "null":
// `photos/a.jpg#null`. A locator therefore means the same content whatever
// the bucket's versioning state is when a worker reads it.

export const NULL_VERSION = 'null';

/** S3 limits keys to 1024 bytes of UTF-8. */
export const MAX_KEY_BYTES = 1024;
const MAX_VERSION_ID_LENGTH = 1024;

export interface VersionRef {
  key: string;
  versionId: string;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isWellFormedUnicode(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Why a version id cannot appear in a locator, or undefined. */
export function versionIdProblem(versionId: unknown): string | undefined {
  if (typeof versionId !== 'string' || versionId.length === 0) return 'version id must be a non-empty string';
  if (versionId.length > MAX_VERSION_ID_LENGTH) return `version id too long (${versionId.length} characters, max ${MAX_VERSION_ID_LENGTH})`;
  // eslint-disable-next-line no-control-regex
  if (/[#\u0000-\u001f\u007f]/.test(versionId)) return "version id contains '#' or a control character";
  return undefined;
}

export function formatLocator(ref: VersionRef): string {
  const problem = versionIdProblem(ref.versionId);
  if (problem !== undefined) throw new Error(`cannot name ${JSON.stringify(ref.key)}: ${problem}`);
  return `${ref.key}#${ref.versionId}`;
}

/** Parses a locator; locators come through Redis: untrusted, checked field by field. */
export function parseLocator(locator: unknown): VersionRef | string {
  if (typeof locator !== 'string') return 'locator must be a string';
  const hash = locator.lastIndexOf('#');
  if (hash <= 0) return "locator must be '<key>#<versionId>' with a non-empty key";
  const key = locator.slice(0, hash);
  const versionId = locator.slice(hash + 1);
  if (!isWellFormedUnicode(key)) return 'key must be well-formed Unicode';
  if (utf8Length(key) > MAX_KEY_BYTES) return `key too long (${utf8Length(key)} bytes, max ${MAX_KEY_BYTES})`;
  const problem = versionIdProblem(versionId);
  if (problem !== undefined) return problem;
  return { key, versionId };
}
