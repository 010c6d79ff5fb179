// The lists of a version 2 certificate (docs/FORMAT.md section 5.5):
// retained.ndjson, exceptions.ndjson and rescan.ndjson. Each follows the rules
// of records.ndjson (section 3): one RFC 8785 entry per line, each line ending
// in "\n", leaf input = a line without its "\n", and the statement holds the
// list's head (tree root, count, file digest). Unlike a record, an entry has
// exactly the members of section 5.5: it names a person's object, and nothing
// unsigned may ride along. Lines are attacker controlled; parse them strictly.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8Encode } from './bytes.js';
import { canonicalize } from './canonical-json.js';
import { ValidationError, VerificationError } from './errors.js';
import { MerkleRootBuilder, nobleHasher } from './merkle.js';
import { RECORD_MAX_LINE_BYTES, SALT_BYTES } from './record.js';
import type { FileDigest, RecordsVerifierOptions } from './records-verifier.js';
import { ID, MERKLE_ALGORITHM } from './statement-shape.js';
import { type CertificateStatementV2, type ListHead, RESCAN_STATUSES, type RescanStatus, type RescanStatuses } from './statement-v2.js';
import { decodeInput, parseJsonInput } from './strict-json.js';
import { Checker, isObject } from './validate.js';

export const LIST_NAMES = ['retained', 'exceptions', 'rescan'] as const;
export type ListName = (typeof LIST_NAMES)[number];

/** The list's file in a bundle (section 10), as messages name it. */
export const listFileName = (list: ListName): string => `${list}.ndjson`;

interface EntryBase {
  /** The entry's line number in its file, from 0. */
  index: number;
  target: string;
  locator: string;
  /** At least 16 random bytes, lowercase hex, fresh for each entry, so that a sibling hash cannot be confirmed by a guess. */
  salt: string;
}

export interface RetainedEntry extends EntryBase {
  /** The order's holds[].id. */
  holdId: string;
  reason: string;
  /** The held object's content hash and length (section 4's bytes), when the issuer read it; both or neither. */
  sha256?: string;
  size?: number;
}

export interface ExceptionEntry extends EntryBase {
  code: string;
  reason: string;
}

export interface RescanEntry extends EntryBase {
  status: RescanStatus;
}

export type ListEntry = RetainedEntry | ExceptionEntry | RescanEntry;
export type ListEntryOf<L extends ListName> = { retained: RetainedEntry; exceptions: ExceptionEntry; rescan: RescanEntry }[L];

const MEMBERS: Record<ListName, ReadonlySet<string>> = {
  retained: new Set(['index', 'target', 'locator', 'holdId', 'reason', 'salt', 'sha256', 'size']),
  exceptions: new Set(['index', 'target', 'locator', 'code', 'reason', 'salt']),
  rescan: new Set(['index', 'target', 'locator', 'status', 'salt']),
};
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The field problems of an untrusted entry of `list` (none when valid): types, and exactly the members of section 5.5. */
export function listEntryProblems(list: ListName, value: unknown, path = '$'): Checker {
  const c = new Checker();
  if (!isObject(value)) {
    c.add(path, 'must be an object');
    return c;
  }
  for (const k of Object.keys(value)) {
    if (!MEMBERS[list].has(k)) c.add(IDENTIFIER.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`, `is not a member of an entry of ${listFileName(list)}`);
  }
  c.count(value.index, `${path}.index`);
  c.string(value.target, `${path}.target`, { max: 256 });
  c.string(value.locator, `${path}.locator`, { max: 4096 });
  c.hex(value.salt, `${path}.salt`, SALT_BYTES, true);
  if (list === 'retained') {
    c.string(value.holdId, `${path}.holdId`, { pattern: ID });
    c.string(value.reason, `${path}.reason`);
    if (value.sha256 !== undefined || value.size !== undefined) {
      c.hex(value.sha256, `${path}.sha256`, 32);
      c.count(value.size, `${path}.size`);
    }
  } else if (list === 'exceptions') {
    c.string(value.code, `${path}.code`);
    c.string(value.reason, `${path}.reason`);
  } else {
    c.literal(value.status, `${path}.status`, RESCAN_STATUSES);
  }
  return c;
}

/** Validates an entry of `list` (the issuer's side); throws ValidationError naming every bad field. */
export function validateListEntry<L extends ListName>(list: L, value: unknown): ListEntryOf<L> {
  const c = listEntryProblems(list, value);
  if (c.problems.length > 0) throw new ValidationError(`invalid ${list} entry`, c.problems);
  return value as ListEntryOf<L>;
}

/** Which list an entry belongs to, by the member only that list has. */
export function listOfEntry(entry: ListEntry): ListName {
  if ('holdId' in entry) return 'retained';
  if ('code' in entry) return 'exceptions';
  if ('status' in entry) return 'rescan';
  throw new ValidationError('not a list entry', [{ path: '$', problem: 'has none of holdId, code and status' }]);
}

/** The canonical line of an entry (without "\n"); the entry must be valid for its list. */
export function listEntryLine(entry: ListEntry): string {
  return canonicalize(validateListEntry(listOfEntry(entry), entry));
}

const where = (list: ListName, lineNumber?: number) => (lineNumber === undefined ? `the ${list} entry` : `${listFileName(list)} line ${lineNumber}`);
const tooLong = (at: string) => new VerificationError('RECORD_TOO_LONG', `${at}: longer than ${RECORD_MAX_LINE_BYTES} bytes`);

/**
 * Parses one untrusted line of a list file (`lineNumber` from 1, for the
 * messages): short, strict JSON (strict-json.ts), exactly the members of
 * section 5.5 with their types (RECORD_INVALID), canonical
 * (RECORD_NOT_CANONICAL): the record codes of step 5 of section 8.
 */
export function parseListEntryLine<L extends ListName>(list: L, line: string, lineNumber?: number): ListEntryOf<L> {
  const at = where(list, lineNumber);
  // UTF-8 takes one to three bytes per UTF-16 unit: encode only when the length alone does not decide (record.ts does the same).
  if (line.length > RECORD_MAX_LINE_BYTES || (line.length * 3 > RECORD_MAX_LINE_BYTES && utf8Encode(line).length > RECORD_MAX_LINE_BYTES)) throw tooLong(at);
  const parsed = parseJsonInput(line, at, 'RECORD_INVALID');
  const c = listEntryProblems(list, parsed.value);
  if (c.problems.length > 0) {
    const detail = c.problems.map((p) => `${p.path}: ${p.problem}`).join('; ');
    throw new VerificationError('RECORD_INVALID', `${at}: not a valid ${list} entry: ${detail}`, { cause: new ValidationError(`invalid ${list} entry`, c.problems) });
  }
  if (!parsed.canonical) throw new VerificationError('RECORD_NOT_CANONICAL', `${at}: not in RFC 8785 canonical form`);
  return parsed.value as unknown as ListEntryOf<L>;
}

/** The statement's head of `list`. */
export function listHeadOf(statement: CertificateStatementV2, list: ListName): ListHead {
  return list === 'retained' ? statement.retained : list === 'exceptions' ? statement.exceptions : statement.rescan.items;
}

function nobleFileDigest(): FileDigest {
  const h = sha256.create();
  return { update: (b) => void h.update(b), digestHex: () => bytesToHex(h.digest()) };
}

const NEWLINE = Uint8Array.of(0x0a);
const noStatuses = (): RescanStatuses => ({ held: 0, exception: 0, unplanned: 0, recreated: 0 });

/** What a list file held: its entries per target, and for rescan.ndjson per status. */
export interface ListSummary {
  list: ListName;
  count: number;
  perTarget: Map<string, number>;
  perStatus: RescanStatuses;
}

/**
 * Verifies a list file against a version 2 statement, line by line, in
 * O(log n) memory (as records-verifier.ts does for records.ndjson): push each
 * line without its "\n", then finish().
 */
export class ListVerifier {
  readonly #list: ListName;
  readonly #head: ListHead;
  readonly #statement: CertificateStatementV2;
  readonly #targets: ReadonlySet<string>;
  readonly #tree: MerkleRootBuilder;
  readonly #digest: FileDigest;
  readonly #summary: ListSummary;

  constructor(list: ListName, statement: CertificateStatementV2, options: RecordsVerifierOptions = {}) {
    this.#list = list;
    this.#head = listHeadOf(statement, list);
    this.#statement = statement;
    this.#targets = new Set(statement.targets.map((t) => t.name));
    this.#tree = new MerkleRootBuilder(options.hasher ?? nobleHasher);
    this.#digest = options.fileDigest ?? nobleFileDigest();
    this.#summary = { list, count: 0, perTarget: new Map(), perStatus: noStatuses() };
  }

  get count(): number {
    return this.#summary.count;
  }

  /** The next line, without its "\n": its bytes as read (strict UTF-8) or its text. Returns the entry. */
  push(line: Uint8Array | string): ListEntry {
    const n = this.#summary.count;
    const at = where(this.#list, n + 1);
    if (typeof line !== 'string' && line.length > RECORD_MAX_LINE_BYTES) throw tooLong(at);
    const text = typeof line === 'string' ? line : decodeInput(line, at);
    if (n >= this.#head.treeSize) throw new VerificationError('RECORD_COUNT_MISMATCH', `${listFileName(this.#list)}: more than ${this.#head.treeSize} entries`);
    const entry = parseListEntryLine(this.#list, text, n + 1);
    if (entry.index !== n) throw new VerificationError('RECORD_INDEX_WRONG', `${at}: index ${entry.index}, want ${n}`);
    if (!this.#targets.has(entry.target)) {
      throw new VerificationError('RECORD_INVALID', `${at}: names target ${JSON.stringify(entry.target)}, which the certificate does not list`);
    }
    const bytes = typeof line === 'string' ? utf8Encode(line) : line;
    this.#tree.addLeaf(bytes);
    this.#digest.update(bytes);
    this.#digest.update(NEWLINE);
    const s = this.#summary;
    s.count = n + 1;
    s.perTarget.set(entry.target, (s.perTarget.get(entry.target) ?? 0) + 1);
    if ('status' in entry) s.perStatus[entry.status]++;
    return entry;
  }

  /** After the last line: count, root, file digest, then the per-target or per-status counts. */
  finish(): ListSummary {
    const [s, head, file] = [this.#summary, this.#head, listFileName(this.#list)];
    if (s.count !== head.treeSize) throw new VerificationError('RECORD_COUNT_MISMATCH', `${file}: ${s.count} entries, the certificate says ${head.treeSize}`);
    if (bytesToHex(this.#tree.root()) !== head.rootHash) throw new VerificationError('MERKLE_ROOT_MISMATCH', `${file}: the entries do not hash to the certified root`);
    if (this.#digest.digestHex() !== head.sha256) {
      throw new VerificationError('RECORDS_DIGEST_MISMATCH', `${file} differs from the certified file (bytes outside the entries, such as line endings)`);
    }
    if (this.#list === 'rescan') {
      for (const k of RESCAN_STATUSES) {
        const want = this.#statement.rescan.statuses[k];
        if (s.perStatus[k] !== want) throw new VerificationError('RECORD_COUNT_MISMATCH', `${file}: ${s.perStatus[k]} entries of status ${k}, the certificate says ${want}`);
      }
      return s;
    }
    const member = this.#list === 'retained' ? 'retained' : 'exceptions';
    for (const t of this.#statement.targets) {
      const got = s.perTarget.get(t.name) ?? 0;
      if (got !== t[member]) throw new VerificationError('RECORD_COUNT_MISMATCH', `${file}: ${got} entries of target ${t.name}, the certificate says ${t[member]}`);
    }
    return s;
  }
}

/** Verifies a whole list file given as its bytes: every line must end in "\n" (RECORD_INVALID otherwise). */
export function verifyListFile(list: ListName, statement: CertificateStatementV2, file: Uint8Array, options?: RecordsVerifierOptions): ListSummary {
  const v = new ListVerifier(list, statement, options);
  for (let start = 0; start < file.length; ) {
    const end = file.indexOf(0x0a, start);
    if (end < 0) throw new VerificationError('RECORD_INVALID', `${listFileName(list)} line ${v.count + 1}: does not end in "\\n"`);
    v.push(file.subarray(start, end));
    start = end + 1;
  }
  return v.finish();
}

/**
 * Writes a list on the issuer's side: entries in order, each validated and
 * canonicalized once, hashed into the tree and the file digest, and counted
 * per target and status for the statement (statement-builder-v2.ts).
 */
export class ListBuilder<L extends ListName = ListName> {
  readonly list: L;
  readonly #tree: MerkleRootBuilder;
  readonly #digest: FileDigest;
  readonly #perTarget = new Map<string, number>();
  readonly #perStatus = noStatuses();
  #head: ListHead | undefined;

  constructor(list: L, options: RecordsVerifierOptions = {}) {
    this.list = list;
    this.#tree = new MerkleRootBuilder(options.hasher ?? nobleHasher);
    this.#digest = options.fileDigest ?? nobleFileDigest();
  }

  get size(): number {
    return this.#tree.size;
  }

  /** Adds the next entry (its index must be the current size) and returns its canonical line. */
  add(entry: ListEntryOf<L>): string {
    if (this.#head) throw new Error(`the ${this.list} list is closed: head() was called`);
    if (entry.index !== this.#tree.size) {
      throw new ValidationError(`${this.list} entries out of order`, [{ path: '$.index', problem: `is ${entry.index}, want ${this.#tree.size}` }]);
    }
    const line = canonicalize(validateListEntry(this.list, entry));
    const bytes = utf8Encode(line);
    this.#tree.addLeaf(bytes);
    this.#digest.update(bytes);
    this.#digest.update(NEWLINE);
    this.#perTarget.set(entry.target, (this.#perTarget.get(entry.target) ?? 0) + 1);
    if ('status' in entry) this.#perStatus[entry.status]++;
    return line;
  }

  /** The list's head for the statement, after the last entry: the list is closed then (a file digest is final). */
  head(): ListHead {
    this.#head ??= { algorithm: MERKLE_ALGORITHM, treeSize: this.#tree.size, rootHash: bytesToHex(this.#tree.root()), sha256: this.#digest.digestHex() };
    return { ...this.#head };
  }

  /** How many entries name each target (targets[].retained or targets[].exceptions). */
  countsByTarget(): Map<string, number> {
    return new Map(this.#perTarget);
  }

  /** How many entries have each status (rescan.statuses; all zero for the other lists). */
  countsByStatus(): RescanStatuses {
    return { ...this.#perStatus };
  }
}
