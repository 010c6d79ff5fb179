// Destruction records (docs/FORMAT.md, "Destruction record"). A record is one
// JSON object in RFC 8785 canonical form; records.ndjson holds one per line in
// leaf order, and leaf input i of the RFC 6962 tree is the UTF-8 bytes of
// line i without its "\n".
import { randomBytes } from '@noble/hashes/utils.js';
import { bytesToHex, utf8Encode } from './bytes.js';
import { canonicalize } from './canonical-json.js';
import { ValidationError, VerificationError } from './errors.js';
import { parseJsonInput } from './strict-json.js';
import { Checker, isObject } from './validate.js';

export interface DestructionRecord {
  /** Leaf index, from 0, equal to the line number (from 0) in records.ndjson. */
  index: number;
  /** The backend name in the order. */
  target: string;
  /** The object's name within the backend (a root-relative path, an S3 key, a table row key). */
  locator: string;
  /** SHA-256 (lowercase hex) of the destroyed content, in the backend's documented byte form. */
  sha256: string;
  /** Byte length of that content. */
  size: number;
  /** When the destroy call returned and a probe showed the object absent (RFC 3339 UTC). */
  destroyedAt: string;
  /** What was done, named for what it is: 'unlink', 's3-delete-all-versions', 'sql-delete', ... */
  method: string;
  /** At least 16 random bytes, lowercase hex, so that no leaf can be guessed from known content. */
  salt: string;
  /** Backend facts such as an S3 versionId or ETag, or the content form of a SQL row. Strings only. */
  attributes?: Record<string, string>;
}

export const SALT_BYTES = 16;
/** A record line longer than this is refused before parsing (a record is a few hundred bytes). */
export const RECORD_MAX_LINE_BYTES = 64 * 1024;

const METHOD = /^[a-z0-9][a-z0-9-]*$/;

export function newSalt(): string {
  return bytesToHex(randomBytes(SALT_BYTES));
}

/** Returns the field problems of an untrusted record value (empty when valid). */
export function recordProblems(value: unknown, path = '$'): Checker {
  const c = new Checker();
  if (!isObject(value)) {
    c.add(path, 'must be an object');
    return c;
  }
  c.count(value.index, `${path}.index`);
  c.string(value.target, `${path}.target`, { max: 256 });
  c.string(value.locator, `${path}.locator`, { max: 4096 });
  c.hex(value.sha256, `${path}.sha256`, 32);
  c.count(value.size, `${path}.size`);
  c.time(value.destroyedAt, `${path}.destroyedAt`);
  c.string(value.method, `${path}.method`, { pattern: METHOD, max: 64 });
  c.hex(value.salt, `${path}.salt`, SALT_BYTES, true);
  if (value.attributes !== undefined) {
    const attrs = c.object(value.attributes, `${path}.attributes`);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (typeof v !== 'string') c.add(`${path}.attributes.${k}`, 'must be a string');
      }
    }
  }
  return c;
}

/** Validates a record value (the issuer's side); throws ValidationError naming every bad field. */
export function validateRecord(value: unknown): DestructionRecord {
  const c = recordProblems(value);
  c.noForbiddenMembers(value, '$');
  if (c.problems.length > 0) throw new ValidationError('invalid destruction record', c.problems);
  return value as DestructionRecord;
}

/** The canonical line of a record (without the trailing "\n"). */
export function recordLine(record: DestructionRecord): string {
  return canonicalize(validateRecord(record));
}

export function recordLeafInput(line: string): Uint8Array {
  return utf8Encode(line);
}

/**
 * Parses one line of an untrusted records file. The line must be short,
 * strict JSON (no member name twice, none forbidden: strict-json.ts), a
 * valid record and canonical; unknown members are allowed (they are covered
 * by the leaf hash) so that older verifiers can check newer records.
 */
export function parseRecordLine(line: string, lineNumber?: number): DestructionRecord {
  const where = lineNumber === undefined ? 'record' : `line ${lineNumber}`;
  // UTF-8 takes at least one and at most three bytes per UTF-16 unit: only lines
  // between max/3 and max units need encoding to know, and a huge one is refused unencoded.
  if (line.length > RECORD_MAX_LINE_BYTES || (line.length * 3 > RECORD_MAX_LINE_BYTES && utf8Encode(line).length > RECORD_MAX_LINE_BYTES)) {
    throw new VerificationError('RECORD_TOO_LONG', `${where} is longer than ${RECORD_MAX_LINE_BYTES} bytes`);
  }
  const parsed = parseJsonInput(line, where, 'RECORD_INVALID');
  const c = recordProblems(parsed.value);
  if (c.problems.length > 0) {
    const detail = c.problems.map((p) => `${p.path}: ${p.problem}`).join('; ');
    throw new VerificationError('RECORD_INVALID', `${where} is not a valid record: ${detail}`, {
      cause: new ValidationError('invalid destruction record', c.problems),
    });
  }
  if (!parsed.canonical) throw new VerificationError('RECORD_NOT_CANONICAL', `${where} is not in RFC 8785 canonical form`);
  return parsed.value as unknown as DestructionRecord;
}
