// Per-person receipts (issue 18, item 3): for one data subject, what became
// of each object they name, with a per-object proof of version 2
// (docs/FORMAT.md section 7.1) for each, and nothing about anyone else. A
// receipt holds the signed certificate (whose statement names no object),
// the person's own queries, and one proof per object found: the entry, its
// leaf index and sibling hashes of salted entries. No other entry, locator,
// hash, salt or count is put in it. Shared by `shredproof receipt` and
// GET /v1/orders/{id}/receipt; the callers verify the certificate and load
// the records (checked against the signed root) and hand over the lists'
// bytes, which are checked here against the statement's heads.
//
// The answer is never a guess: an object named by two entries (a bare
// locator in two targets, a content hash destroyed in two places) is refused
// with ReceiptError('AMBIGUOUS') for the caller to name it precisely, and
// an object in no list is "not-in-certificate", which says only that.
import {
  buildObjectProofV2,
  type CertificateStatementV2,
  type DsseEnvelope,
  type FieldProblem,
  LIST_NAMES,
  type ListEntry,
  type ListName,
  MerkleTree,
  type ObjectProof,
  type ObjectProofV2,
  parseListEntryLine,
  parseRecordLine,
  type ProofList,
  type TrustedKey,
  utf8Decode,
  utf8Encode,
  ValidationError,
  VerificationError,
  verifyListFile,
  verifyObjectProof,
} from '@shredproof/verify';
import { nodeHasher } from '@shredproof/verify/node';

export const RECEIPT_TYPE = 'shredproof.receipt';
export const RECEIPT_VERSION = 1;
/** The most objects one receipt names: it is a short document for one person. */
export const MAX_RECEIPT_OBJECTS = 100;
/** A locator as a person may name it: `target:locator`, a target of 256 characters and a locator of 4,096 (docs/FORMAT.md section 3). */
export const MAX_RECEIPT_LOCATOR = 256 + 1 + 4096;
export const RECEIPT_STATUSES = ['destroyed', 'retained', 'exception', 'found-by-rescan', 'not-in-certificate'] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

/** What the person named: a locator (bare or `target:locator`), a content SHA-256, or a file they hold (its name and SHA-256; the file never leaves their machine). */
export type ReceiptQuery = { locator: string } | { sha256: string } | { file: string; sha256: string };

export interface ReceiptObject {
  query: ReceiptQuery;
  status: ReceiptStatus;
  /** The proof of the entry that says so; absent for not-in-certificate. */
  proof?: ObjectProofV2;
  /** The re-scan's entry for the same object (rescan.ndjson), when there is one: it was found again after execution. */
  rescan?: ObjectProofV2;
}

export interface Receipt {
  type: typeof RECEIPT_TYPE;
  version: typeof RECEIPT_VERSION;
  certificateId: string;
  issuedAt: string;
  issuer: { name: string; keyid: string };
  order: { id: string; reference: string };
  /** The signed certificate, as every proof carries it: a receipt that found nothing still says which certificate it read. */
  certificate: DsseEnvelope;
  objects: ReceiptObject[];
}

/** A query with the caller's name for where it came from (`--locator #2`, `$.sha256[1]`), for the messages. */
export type ReceiptRequest = ReceiptQuery & { field: string };

/** What the use case needs of the records file: RecordsIndex (@shredproof/verify/node), loaded against the signed root. */
export interface RecordsLookup {
  find(sel: { locator: string; target?: string } | { sha256: string }, limit?: number): Promise<number[]>;
  line(leafIndex: number): Promise<string>;
  proof(leafIndex: number, certificate: DsseEnvelope): Promise<ObjectProof | ObjectProofV2>;
}

export interface ReceiptSources {
  envelope: DsseEnvelope;
  /** The envelope's statement, verified by the caller with `keys`. */
  statement: CertificateStatementV2;
  keys: readonly TrustedKey[];
  records: RecordsLookup;
  /** The bytes of retained.ndjson, exceptions.ndjson and rescan.ndjson. */
  lists: Record<ListName, Uint8Array>;
}

/** The request cannot be answered without a guess; `field` names the query. */
export class ReceiptError extends Error {
  override readonly name = 'ReceiptError';
  constructor(
    readonly code: 'AMBIGUOUS',
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

const SHA256 = /^[0-9a-fA-F]{64}$/;
/** How many matches an AMBIGUOUS message lists (it goes to the operator or auditor, never into a receipt). */
const LISTED = 20;

/** Every bad query (a malformed hash, an empty or overlong locator) and a count outside 1..100, each named by its field. */
export function receiptRequestProblems(requests: readonly ReceiptRequest[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (requests.length === 0) problems.push({ path: '$', problem: 'names no object: give at least one locator, sha256 or file' });
  if (requests.length > MAX_RECEIPT_OBJECTS) {
    problems.push({ path: requests[MAX_RECEIPT_OBJECTS]!.field, problem: `is object ${MAX_RECEIPT_OBJECTS + 1} of ${requests.length}: a receipt names at most ${MAX_RECEIPT_OBJECTS} objects` });
  }
  for (const r of requests) {
    if ('locator' in r) {
      if (typeof r.locator !== 'string' || r.locator === '') problems.push({ path: r.field, problem: 'is empty' });
      else if (r.locator.length > MAX_RECEIPT_LOCATOR) problems.push({ path: r.field, problem: `is ${r.locator.length} characters, at most ${MAX_RECEIPT_LOCATOR}` });
    } else if (typeof r.sha256 !== 'string' || !SHA256.test(r.sha256)) {
      problems.push({ path: r.field, problem: `must be 64 hex digits, got ${JSON.stringify(String(r.sha256).slice(0, 80))}` });
    }
  }
  return problems;
}

/** A list file of the certificate, checked against its head, with its tree built once. */
class CheckedList {
  readonly lines: string[];
  readonly entries: ListEntry[];
  #tree: MerkleTree | undefined;

  constructor(
    readonly list: ListName,
    statement: CertificateStatementV2,
    bytes: Uint8Array,
  ) {
    verifyListFile(list, statement, bytes, { hasher: nodeHasher });
    const text = utf8Decode(bytes);
    this.lines = text === '' ? [] : text.slice(0, -1).split('\n');
    this.entries = this.lines.map((l, i) => parseListEntryLine(list, l, i + 1));
  }

  proof(i: number, envelope: DsseEnvelope): ObjectProofV2 {
    this.#tree ??= MerkleTree.fromLeafHashes(this.lines.map((l) => nodeHasher.hashLeaf(utf8Encode(l))), nodeHasher);
    return buildObjectProofV2(this.list, this.lines[i]!, i, this.lines.length, this.#tree.inclusionProof(i), envelope);
  }
}

/** One entry that names the object asked about. */
interface Hit {
  list: ProofList;
  index: number;
  target: string;
  locator: string;
}

const STATUS: Record<Exclude<ProofList, 'rescan'>, ReceiptStatus> = { records: 'destroyed', retained: 'retained', exceptions: 'exception' };
const objectKey = (h: { target: string; locator: string }) => `${h.target}\u0000${h.locator}`;
const shown = (h: Hit) => `${h.list} leaf ${h.index} (${h.target}:${h.locator})`;

export async function makeReceipt(src: ReceiptSources, requests: readonly ReceiptRequest[]): Promise<Receipt> {
  const problems = receiptRequestProblems(requests);
  if (problems.length > 0) throw new ValidationError('invalid receipt request', problems);
  const { statement, envelope } = src;
  const lists = Object.fromEntries(LIST_NAMES.map((l) => [l, new CheckedList(l, statement, src.lists[l])])) as Record<ListName, CheckedList>;
  const targets = new Set(statement.targets.map((t) => t.name));
  const objects: ReceiptObject[] = [];
  for (const r of requests) {
    const query: ReceiptQuery = 'locator' in r ? { locator: r.locator } : 'file' in r ? { file: r.file, sha256: r.sha256.toLowerCase() } : { sha256: r.sha256.toLowerCase() };
    const hits = 'locator' in query ? await byLocator(src.records, lists, targets, query.locator) : await bySha256(src.records, lists, query.sha256);
    const found = resolve(r.field, hits, lists);
    if (!found) {
      objects.push({ query, status: 'not-in-certificate' });
      continue;
    }
    const prove = async (h: Hit) => {
      const proof = h.list === 'records' ? await src.records.proof(h.index, envelope) : lists[h.list].proof(h.index, envelope);
      // Never hand out a proof that does not verify on its own, with the certificate's own key.
      const v = verifyObjectProof(proof, src.keys, { hasher: nodeHasher });
      if (v.list !== h.list || v.entry.index !== h.index || proof.version !== 2) throw new Error(`internal: the proof of ${h.list} leaf ${h.index} proves another entry`);
      return proof;
    };
    const status = found.primary ? STATUS[found.primary.list as keyof typeof STATUS] : 'found-by-rescan';
    const object: ReceiptObject = { query, status, proof: await prove(found.primary ?? found.rescan!) };
    if (found.primary && found.rescan) object.rescan = await prove(found.rescan);
    objects.push(object);
  }
  return {
    type: RECEIPT_TYPE,
    version: RECEIPT_VERSION,
    certificateId: statement.certificateId,
    issuedAt: statement.issuedAt,
    issuer: { name: statement.issuer.name, keyid: statement.issuer.keyid },
    order: { id: statement.order.id, reference: statement.order.reference },
    certificate: envelope,
    objects,
  };
}

/**
 * The entries that name `locator`: as a bare locator in any target, and, when
 * the part before its first ':' is a target of the certificate, as
 * `target:locator` (locators may hold ':' themselves: `public.users:{"id":42}`).
 */
async function byLocator(records: RecordsLookup, lists: Record<ListName, CheckedList>, targets: ReadonlySet<string>, locator: string): Promise<Hit[]> {
  const colon = locator.indexOf(':');
  const readings: Array<{ target?: string; locator: string }> = [{ locator }];
  if (colon > 0 && targets.has(locator.slice(0, colon)) && colon + 1 < locator.length) readings.push({ target: locator.slice(0, colon), locator: locator.slice(colon + 1) });
  const hits: Hit[] = [];
  for (const sel of readings) {
    for (const i of await records.find(sel, LISTED + 1)) hits.push(await recordHit(records, i));
    for (const l of LIST_NAMES) {
      lists[l].entries.forEach((e, i) => {
        if (e.locator === sel.locator && (sel.target === undefined || e.target === sel.target)) hits.push({ list: l, index: i, target: e.target, locator: e.locator });
      });
    }
  }
  return hits;
}

/** The records and retained entries (when the issuer read the held content) with that content hash. */
async function bySha256(records: RecordsLookup, lists: Record<ListName, CheckedList>, sha256: string): Promise<Hit[]> {
  const hits: Hit[] = [];
  for (const i of await records.find({ sha256 }, LISTED + 1)) hits.push(await recordHit(records, i));
  lists.retained.entries.forEach((e, i) => {
    if ('sha256' in e && e.sha256 === sha256) hits.push({ list: 'retained', index: i, target: e.target, locator: e.locator });
  });
  return hits;
}

async function recordHit(records: RecordsLookup, i: number): Promise<Hit> {
  const r = parseRecordLine(await records.line(i), i + 1);
  return { list: 'records', index: i, target: r.target, locator: r.locator };
}

/**
 * The one object the hits name, as its entry in records, retained or
 * exceptions (primary) and its re-scan entry; undefined when none names it.
 * A content hash names no re-scan entry (those carry none): the object's own
 * is looked up by its target and locator.
 */
function resolve(field: string, hits: Hit[], lists: Record<ListName, CheckedList>): { primary?: Hit; rescan?: Hit } | undefined {
  const objects = new Map<string, Hit[]>();
  for (const h of hits) objects.set(objectKey(h), [...(objects.get(objectKey(h)) ?? []), h]);
  if (objects.size === 0) return undefined;
  if (objects.size > 1) {
    const names = [...objects.values()].map((hs) => `${hs[0]!.target}:${hs[0]!.locator}`);
    const more = hits.length > LISTED ? ', ...' : '';
    throw new ReceiptError('AMBIGUOUS', field, `names ${names.length > LISTED ? `more than ${LISTED}` : names.length} objects of this certificate (${names.slice(0, LISTED).join(', ')}${more}); name the one meant as target:locator`);
  }
  const mine = [...objects.values()][0]!;
  const primary = mine.filter((h) => h.list !== 'rescan');
  let rescan = mine.filter((h) => h.list === 'rescan');
  if (rescan.length === 0) {
    const key = objectKey(mine[0]!);
    lists.rescan.entries.forEach((e, i) => {
      if (objectKey(e) === key) rescan.push({ list: 'rescan', index: i, target: e.target, locator: e.locator });
    });
  }
  rescan = rescan.filter((h, k) => rescan.findIndex((o) => o.index === h.index) === k);
  if (primary.length > 1 || rescan.length > 1) {
    throw new ReceiptError('AMBIGUOUS', field, `names one object in ${primary.length + rescan.length} entries of this certificate (${[...primary, ...rescan].slice(0, LISTED).map(shown).join(', ')}); it cannot say which holds`);
  }
  return { ...(primary[0] ? { primary: primary[0] } : {}), ...(rescan[0] ? { rescan: rescan[0] } : {}) };
}

/** The statement of a verified certificate, if it is of version 2: a version 1 statement lists other people's retained objects in itself. */
export function receiptStatement(statement: { version: number }): CertificateStatementV2 {
  if (statement.version !== 2) {
    throw new VerificationError('VERSION_UNSUPPORTED', `a receipt needs a version 2 certificate (docs/FORMAT.md section 7.1), this one is version ${statement.version}: its statement lists other people's retained objects`);
  }
  return statement as CertificateStatementV2;
}
