// What `shredproof receipt` runs (./receipt.ts declares it). Checks every
// option first and names each bad one; hashes the person's files here (they
// are never sent anywhere); verifies the bundle's certificate (with the
// bundle's trust.json or public-key.pem, and the pins given), the records
// file against its root and each list against its head; then makes the
// receipt (src/app/receipts.ts) and writes it, whole or not at all.
// Exit 0 written; 1 the bundle does not verify (INVALID <CODE>); 2 usage, an
// ambiguous name, or input that cannot be read. Nothing is written but --out.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  type DsseEnvelope,
  escapeForDisplay,
  jsonForDisplay,
  LIST_NAMES,
  type ListName,
  parseCertificate,
  parseTrustRoot,
  publicKeyToPem,
  resolveTrust,
  type ResolvedTrust,
  ValidationError,
  VerificationError,
  verifyCertificate,
  verifyTrusted,
} from '@shredproof/verify';
import { loadTrustedKey, RecordsIndex } from '@shredproof/verify/node';
import { makeReceipt, type Receipt, ReceiptError, type ReceiptRequest, receiptRequestProblems, receiptStatement, type RecordsLookup } from '../../app/receipts.js';
import { CliExit, type CliContext, EXIT_INVALID, EXIT_USAGE } from '../context.js';

export interface ReceiptOptions {
  bundle?: string;
  locator?: string[];
  sha256?: string[];
  file?: string[];
  out?: string;
  trust?: string;
  keyid?: string;
}

const usage = (why: string, reason: 'usage' | 'unreadable-input' | 'unwritable-output' = 'usage') => new CliExit(EXIT_USAGE, escapeForDisplay(`receipt: ${why}`), reason);
const errno = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/** The person's queries, in the order: every --locator, every --sha256, every --file (hashed later). */
function requestsOf(opts: ReceiptOptions): Array<ReceiptRequest & { path?: string }> {
  return [
    ...(opts.locator ?? []).map((locator, i) => ({ field: `--locator #${i + 1}`, locator })),
    ...(opts.sha256 ?? []).map((sha256, i) => ({ field: `--sha256 #${i + 1}`, sha256 })),
    // A placeholder hash until the file is read: the count and the other queries are checked first.
    ...(opts.file ?? []).map((path, i) => ({ field: `--file #${i + 1}`, file: basename(path), sha256: '0'.repeat(64), path })),
  ];
}

/** Every problem with the options at once: exit 2, nothing read or written yet. */
function checkOptions(opts: ReceiptOptions, requests: readonly ReceiptRequest[]): void {
  const problems: string[] = [];
  if (opts.bundle === undefined) problems.push('--bundle: is required');
  if (opts.out === undefined) problems.push('--out: is required (F.json or F.pdf)');
  else if (!/\.(json|pdf)$/i.test(opts.out)) problems.push(`--out: must end in .json or .pdf, got ${JSON.stringify(opts.out)}`);
  if (opts.keyid !== undefined && !/^[0-9a-fA-F]{64}$/.test(opts.keyid)) problems.push(`--keyid: must be 64 hex digits, got ${JSON.stringify(opts.keyid)}`);
  for (const p of receiptRequestProblems(requests)) {
    problems.push(p.path === '$' ? 'no object named: give at least one --locator, --sha256 or --file' : `${p.path}: ${p.problem}`);
  }
  if (problems.length > 0) throw usage(problems.join('; '));
}

async function sha256OfFile(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) h.update(chunk);
  return h.digest('hex');
}

/** What verifies the certificate: a --trust root and a --keyid pin, over the bundle's trust.json or else its public-key.pem. */
async function trustOf(opts: ReceiptOptions, dir: string, names: ReadonlySet<string>): Promise<ResolvedTrust> {
  const read = async (path: string, what: string) => readFile(path).catch((e: unknown) => Promise.reject(usage(`cannot read ${what} ${path}: ${errno(e)}`, 'unreadable-input')));
  const pinnedRoot = opts.trust === undefined ? undefined : await read(opts.trust, '--trust');
  const bundleRoot = names.has('trust.json') ? await read(join(dir, 'trust.json'), 'trust root') : undefined;
  let keys;
  if (bundleRoot === undefined && pinnedRoot === undefined && names.has('public-key.pem')) {
    keys = [await loadTrustedKey(join(dir, 'public-key.pem')).catch((e: unknown) => Promise.reject(usage(`unusable public key ${join(dir, 'public-key.pem')}: ${e instanceof Error ? e.message : errno(e)}`, 'unreadable-input')))];
  }
  if (pinnedRoot === undefined && bundleRoot === undefined && keys === undefined) throw usage(`--bundle: ${dir} has neither trust.json nor public-key.pem: give --trust FILE`);
  if (pinnedRoot !== undefined) {
    try {
      parseTrustRoot(pinnedRoot, `--trust ${opts.trust}`);
    } catch (e) {
      // The verifier's own trust root is an input like a key file: broken, it is a usage error, not a verdict.
      if (e instanceof VerificationError) throw usage(`--trust: unusable trust root: ${e.code}: ${e.message}`, 'unreadable-input');
      throw e;
    }
  }
  try {
    return resolveTrust({ ...(pinnedRoot ? { pinnedRoot } : {}), ...(bundleRoot ? { bundleRoot } : {}), ...(keys ? { keys } : {}), ...(opts.keyid ? { keyid: opts.keyid } : {}) });
  } catch (e) {
    if (e instanceof VerificationError) throw e;
    throw usage(e instanceof Error ? e.message : String(e));
  }
}

/** A file of the bundle that the certificate says is empty may be left out; one that is not must be there. */
async function bundleFile(dir: string, names: ReadonlySet<string>, file: string, entries: number): Promise<Uint8Array | undefined> {
  if (!names.has(file)) {
    if (entries === 0) return undefined;
    throw usage(`--bundle: ${dir} has no ${file}, and the certificate's ${file} holds ${entries} entries: without it, a receipt cannot say what became of an object`, 'unreadable-input');
  }
  return readFile(join(dir, file)).catch((e: unknown) => Promise.reject(usage(`cannot read ${join(dir, file)}: ${errno(e)}`, 'unreadable-input')));
}

const NO_RECORDS: RecordsLookup = {
  find: () => Promise.resolve([]),
  line: (i) => Promise.reject(new RangeError(`leaf index ${i} out of range for tree size 0`)),
  proof: (i) => Promise.reject(new RangeError(`leaf index ${i} out of range for tree size 0`)),
};

interface Made {
  receipt: Receipt;
  publicKeyPem: string;
  statement: ReturnType<typeof receiptStatement>;
}

async function make(opts: ReceiptOptions, requests: ReceiptRequest[]): Promise<Made> {
  const dir = opts.bundle!;
  let names: Set<string>;
  try {
    names = new Set(await readdir(dir));
  } catch (e) {
    throw usage(`--bundle: cannot read the directory ${dir}: ${errno(e)}`, 'unreadable-input');
  }
  if (!names.has('certificate.json')) throw usage(`--bundle: ${dir} has no certificate.json: it is not a certificate bundle`);
  const trust = await trustOf(opts, dir, names);
  const certificateBytes = await bundleFile(dir, names, 'certificate.json', 1);
  const envelope = parseCertificate(certificateBytes!) as DsseEnvelope;
  const verified = verifyTrusted(trust, (keys) => verifyCertificate(envelope, keys));
  const statement = receiptStatement(verified.statement);
  const signingKey = trust.keys.find((k) => k.keyid === verified.keyid)!;
  let records = NO_RECORDS;
  if (names.has('records.ndjson') || statement.merkle.treeSize > 0) {
    await bundleFile(dir, names, 'records.ndjson', statement.merkle.treeSize);
    records = await RecordsIndex.load(join(dir, 'records.ndjson'), statement);
  }
  const heads = { retained: statement.retained, exceptions: statement.exceptions, rescan: statement.rescan.items };
  const lists = {} as Record<ListName, Uint8Array>;
  for (const l of LIST_NAMES) lists[l] = (await bundleFile(dir, names, `${l}.ndjson`, heads[l].treeSize)) ?? new Uint8Array(0);
  const receipt = await makeReceipt({ envelope, statement, keys: [signingKey], records, lists }, requests);
  return { receipt, publicKeyPem: publicKeyToPem(signingKey.publicKey), statement };
}

/** The receipt's bytes: JSON (the documented form) or the PDF for the person. */
async function render(made: Made, out: string): Promise<Buffer> {
  if (/\.json$/i.test(out)) return Buffer.from(jsonForDisplay(made.receipt, 2) + '\n', 'utf8');
  const { RECEIPT_FONT, renderReceiptPdf } = await import('../../adapters/receipt/pdf-receipt.js');
  await access(RECEIPT_FONT).catch(() => Promise.reject(usage(`the font ${RECEIPT_FONT} that a PDF receipt embeds is not installed (Debian and Ubuntu: fonts-dejavu-core); --out F.json still works`, 'unreadable-input')));
  return renderReceiptPdf(made.receipt, { statement: made.statement, publicKeyPem: made.publicKeyPem });
}

/** Whole or not at all: a temporary file beside it, then a rename. */
async function writeWhole(out: string, bytes: Buffer): Promise<void> {
  const tmp = join(dirname(out), `.${basename(out)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, bytes, { flag: 'wx' });
    await rename(tmp, out);
  } catch (e) {
    await rm(tmp, { force: true });
    throw usage(`--out: cannot write ${out}: ${errno(e)}`, 'unwritable-output');
  }
}

const STATUS_WORDS: Record<string, string> = {
  destroyed: 'DESTROYED',
  retained: 'KEPT under a legal hold',
  exception: 'NOT DESTROYED (an exception)',
  'found-by-rescan': 'NOT DESTROYED (found by the re-scan after execution)',
  'not-in-certificate': 'NOT IN THIS CERTIFICATE (it says nothing about this object)',
};

export async function runReceipt(opts: ReceiptOptions, ctx: CliContext): Promise<void> {
  const requests = requestsOf(opts);
  checkOptions(opts, requests);
  const unreadable: string[] = [];
  for (const r of requests) {
    if (r.path === undefined) continue;
    try {
      (r as { sha256: string }).sha256 = await sha256OfFile(r.path);
    } catch (e) {
      unreadable.push(`${r.field}: cannot read ${r.path}: ${errno(e)}`);
    }
    delete r.path;
  }
  if (unreadable.length > 0) throw usage(unreadable.join('; '), 'unreadable-input');
  let made: Made;
  try {
    made = await make(opts, requests);
  } catch (e) {
    if (e instanceof VerificationError) throw new CliExit(EXIT_INVALID, escapeForDisplay(`receipt: INVALID ${e.code}: ${e.message}`));
    if (e instanceof ReceiptError || e instanceof ValidationError) throw usage(e.message);
    throw e;
  }
  const bytes = await render(made, opts.out!);
  await writeWhole(opts.out!, bytes);
  const { receipt } = made;
  const say = (line: string) => ctx.out(escapeForDisplay(line));
  say(`certificate ${receipt.certificateId} of order ${JSON.stringify(receipt.order.reference)} verified with key ${receipt.issuer.keyid}; its records and lists match it`);
  receipt.objects.forEach((o, k) => {
    const asked = 'file' in o.query ? `file ${o.query.file} (sha256 ${o.query.sha256})` : 'sha256' in o.query ? `sha256 ${o.query.sha256}` : `locator ${o.query.locator}`;
    const entry = o.proof ? (JSON.parse(o.proof.entry) as { target: string; locator: string; destroyedAt?: string }) : undefined;
    const where = entry ? `: ${entry.target}:${entry.locator}${entry.destroyedAt ? ` at ${entry.destroyedAt}` : ''}` : '';
    say(`${k + 1}. ${asked}: ${STATUS_WORDS[o.status]}${where}${o.rescan ? ' (and found by the re-scan)' : ''}`);
  });
  const proofs = receipt.objects.filter((o) => o.proof).length;
  say(`wrote ${opts.out}: ${receipt.objects.length} object(s), ${proofs} with a proof that \`shredproof verify --proof\` checks alone`);
}
