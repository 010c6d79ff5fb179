// `prove`: a per-object proof (docs/FORMAT.md section 7) for one
// destroyed object, found by locator, by content SHA-256, or by hashing a
// file the caller holds. The certificate is verified with a trusted key
// (required: a proof for a certificate nobody checked proves nothing) and
// the whole records file against it, before anything is looked up.
//
// Exit 0: proof written. 1: not destroyed (not found; or, with --retained,
// --exceptions or --rescan, found in one of those lists: the proof written is
// then of that entry, section 7.1), or the certificate, records or a list are
// invalid. 2: usage, or input that cannot be read.
// Several matches (the same content destroyed in several places): the proof
// of the first (lowest leaf index) is written and the others are listed;
// --all DIR writes DIR/proof-<leaf>.json for each.
// Every line for a person goes through escapeForDisplay (the records' strings
// are attacker controlled), and the proof JSON through jsonForDisplay.
// --json: stdout holds one JSON document whatever happens (the report goes to
// stderr): {valid, found, certificateId, keyid, treeSize, matches, record,
// proof | written}; {valid: false, code, message} when invalid; {valid: false,
// error, message} for exit 2.
// Shared by `shredproof-verify prove` (main.ts here) and `shredproof prove`.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  buildObjectProofV2,
  type DsseEnvelope,
  escapeForDisplay,
  isStatementV2,
  type ListEntry,
  type ListName,
  MerkleTree,
  jsonForDisplay,
  parseCertificate,
  parseRecordLine,
  type TrustedKey,
  parseListEntryLine,
  utf8Encode,
  VerificationError,
  verifyCertificate,
  verifyListFile,
  type AnyCertificateStatement,
} from '../core/index.js';
import { nodeHasher } from '../node/merkle-hasher.js';
import { loadTrustedKey } from '../node/trusted-key.js';
import { type RecordSelector, RecordsIndex } from '../node/records-index.js';
import { CliExit, type CliIo, EXIT_INVALID, EXIT_OK, EXIT_USAGE, type UsageReason } from './exit.js';
import { describeRecord } from './verify.js';

export interface ProveOptions {
  certificate: string;
  records: string;
  publicKey: string[];
  locator?: string;
  target?: string;
  sha256?: string;
  file?: string;
  out?: string;
  all?: string;
  /** The list files of a version 2 certificate: an object not destroyed is looked up there too, in this order. */
  retained?: string;
  exceptions?: string;
  rescan?: string;
  json?: boolean;
}

/** What NOT FOUND means, and what it does not (issue 14): people read it as "still exists". */
const NOT_FOUND_MEANS = [
  'this means: none of the certificate\'s destroyed records has that content (or name).',
  'it does not say the object exists, or that it was kept: it may have been kept under a legal hold (give --retained retained.ndjson to look there),',
  'outside the order\'s scope, never in the order, or a different copy of it (a resized or re-encoded photo has another hash than the original).',
];

const usage = (why: string, reason: UsageReason = 'usage') => new CliExit(EXIT_USAGE, escapeForDisplay(`prove: ${why}`), reason);

/** File errors are usage errors (exit 2); verification errors pass through. */
async function fileStep<T>(what: string, path: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof VerificationError) throw e;
    throw usage(`cannot ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, /^(write|create)/.test(what) ? 'unwritable-output' : 'unreadable-input');
  }
}

async function sha256OfFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) h.update(chunk);
  return h.digest('hex');
}

async function selector(opts: ProveOptions): Promise<{ sel: RecordSelector; what: string }> {
  const given = [opts.locator, opts.sha256, opts.file].filter((v) => v !== undefined).length;
  if (given !== 1) throw usage('give exactly one of --locator, --sha256, --file');
  if (opts.target !== undefined && opts.locator === undefined) throw usage('--target goes with --locator');
  if (opts.out !== undefined && opts.all !== undefined) throw usage('give --out or --all, not both');
  if (opts.locator !== undefined) {
    if (opts.locator === '') throw usage('--locator is empty');
    const where = opts.target === undefined ? '' : ` in target ${opts.target}`;
    return { sel: { locator: opts.locator, target: opts.target }, what: `locator ${opts.locator}${where}` };
  }
  if (opts.sha256 !== undefined) {
    if (!/^[0-9a-fA-F]{64}$/.test(opts.sha256)) throw usage(`--sha256 must be 64 hex digits, got ${JSON.stringify(opts.sha256)}`);
    return { sel: { sha256: opts.sha256.toLowerCase() }, what: `sha256 ${opts.sha256.toLowerCase()}` };
  }
  const sha256 = await fileStep('read file', opts.file!, () => sha256OfFile(opts.file!));
  return { sel: { sha256 }, what: `sha256 ${sha256} (of ${opts.file})` };
}

async function run(opts: ProveOptions, ctx: CliIo, say: (line: string) => void): Promise<void> {
  const { sel, what } = await selector(opts);
  let keys: TrustedKey[];
  try {
    keys = await Promise.all(opts.publicKey.map((p) => loadTrustedKey(p)));
  } catch (e) {
    const code = e instanceof VerificationError ? `${e.code}: ` : '';
    throw usage(`unusable public key: ${code}${e instanceof Error ? e.message : String(e)}`, 'unreadable-input');
  }
  const bytes = await fileStep('read certificate', opts.certificate, () => readFile(opts.certificate));
  const envelope = parseCertificate(bytes) as DsseEnvelope;
  const { statement, keyid } = verifyCertificate(envelope, keys);
  const index = await fileStep('read records file', opts.records, () => RecordsIndex.load(opts.records, statement));
  say(`certificate ${statement.certificateId} verified with key ${keyid}; records.ndjson matches its Merkle root (${statement.merkle.treeSize} records)`);
  const found = await index.find(sel);
  const about = { valid: true, certificateId: statement.certificateId, keyid, treeSize: statement.merkle.treeSize };
  if (found.length === 0) {
    const listed = await findInLists(opts, statement, sel, envelope);
    if (listed) {
      say(describeListed(listed.list, listed.entry));
      const json = jsonForDisplay(listed.proof, 2);
      if (opts.out !== undefined) {
        await fileStep('write', opts.out, () => writeFile(opts.out!, json + '\n'));
        say(`wrote ${opts.out}: a proof of that ${listed.list}.ndjson entry`);
      } else if (!opts.json) ctx.out(json);
      if (opts.json) ctx.out(jsonForDisplay({ ...about, found: false, list: listed.list, entry: listed.entry, proof: listed.proof }, 2));
    } else {
      say(`NOT FOUND: no destroyed object with ${what}`);
      const searched = LISTS.filter((l) => opts[l] !== undefined);
      for (const l of NOT_FOUND_MEANS) say(`  ${searched.length > 0 ? l.replace(' (give --retained retained.ndjson to look there)', ` (not in the ${searched.join(', ')} list given either)`) : l}`);
      if (opts.json) ctx.out(jsonForDisplay({ ...about, found: false, query: what }, 2));
    }
    ctx.exitCode = EXIT_INVALID;
    return;
  }
  const first = await index.proof(found[0]!, envelope);
  const record = parseRecordLine('record' in first ? first.record : first.entry);
  for (const l of describeRecord(record, statement)) say(l);
  const written: string[] = [];
  if (opts.all !== undefined) {
    await fileStep('create directory', opts.all, () => mkdir(opts.all!, { recursive: true }));
    for (const i of found) {
      const path = join(opts.all, `proof-${i}.json`);
      const proof = jsonForDisplay(await index.proof(i, envelope), 2);
      await fileStep('write', path, () => writeFile(path, proof + '\n'));
      written.push(path);
      say(`wrote ${path}`);
    }
  } else {
    const json = jsonForDisplay(first, 2);
    if (opts.out === undefined) {
      if (!opts.json) ctx.out(json);
    } else {
      await fileStep('write', opts.out, () => writeFile(opts.out!, json + '\n'));
      written.push(opts.out);
      say(`wrote ${opts.out}`);
    }
    if (found.length > 1) {
      const listed = found.slice(1, 21).join(', ') + (found.length > 21 ? ', ...' : '');
      say(`${found.length - 1} more records match, at leaves ${listed}; --all DIR writes a proof for each`);
    }
  }
  if (opts.json) {
    const result = opts.out === undefined && opts.all === undefined ? { proof: first } : { written };
    ctx.out(jsonForDisplay({ ...about, found: true, matches: found, record, ...result }, 2));
  }
  ctx.exitCode = EXIT_OK;
}

/** Runs `prove` with parsed options: sets `io.exitCode`, or throws CliExit (exit 2). */
export async function runProve(opts: ProveOptions, io: CliIo): Promise<void> {
  // The proof goes to stdout unless --out or --all is given; the report then goes to stdout, else to stderr.
  // With --json, stdout holds the JSON document only.
  const sink = opts.json || (opts.out === undefined && opts.all === undefined) ? io.err : io.out;
  const say = (line: string) => sink(escapeForDisplay(line));
  try {
    await run(opts, io, say);
  } catch (e) {
    if (!(e instanceof VerificationError)) throw e;
    io.exitCode = EXIT_INVALID;
    say(`INVALID ${e.code}: ${e.message}`);
    if (opts.json) io.out(jsonForDisplay({ valid: false, code: e.code, message: e.message }, 2));
  }
}

const LISTS = ['retained', 'exceptions', 'rescan'] as const;

/** What a person reads about an object that is in a list, not among the destroyed. */
function describeListed(list: ListName, entry: ListEntry): string {
  const where = `${entry.target}:${entry.locator}`;
  if ('holdId' in entry) return `KEPT under a legal hold, not destroyed: ${where}, hold ${entry.holdId} (${entry.reason})`;
  if ('code' in entry) return `NOT destroyed (an exception): ${where}, ${entry.code}: ${entry.reason}`;
  return `FOUND in scope by the re-scan after execution (${list}): ${where}, status ${(entry as { status: string }).status}`;
}

/**
 * The entry of the first list given (retained, exceptions, rescan) that the
 * selector names: by locator, or by content hash (only retained entries carry
 * one, when the issuer recorded it). Each list is checked against the
 * certificate's head first; the proof is of version 2 (section 7.1).
 */
async function findInLists(opts: ProveOptions, statement: AnyCertificateStatement, sel: RecordSelector, envelope: DsseEnvelope) {
  for (const list of LISTS) {
    const path = opts[list];
    if (path === undefined) continue;
    if (!isStatementV2(statement)) throw usage(`--${list} goes with a version 2 certificate (a version 1 certificate lists these objects in its statement)`);
    const bytes = await fileStep(`read ${list} list`, path, () => readFile(path));
    verifyListFile(list, statement, bytes, { hasher: nodeHasher });
    const text = bytes.toString('utf8');
    const lines = text === '' ? [] : text.slice(0, -1).split('\n');
    const entries = lines.map((l, k) => parseListEntryLine(list, l, k + 1));
    const i = entries.findIndex((e) => ('sha256' in sel ? 'sha256' in e && e.sha256 === sel.sha256 : e.locator === sel.locator && (sel.target === undefined || e.target === sel.target)));
    if (i < 0) continue;
    const tree = MerkleTree.fromLeafHashes(lines.map((l) => nodeHasher.hashLeaf(utf8Encode(l))), nodeHasher);
    return { list, entry: entries[i]!, proof: buildObjectProofV2(list, lines[i]!, i, lines.length, tree.inclusionProof(i), envelope) };
  }
  return undefined;
}
