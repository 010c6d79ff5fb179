// `verify --exhibit F.pdf`: a legal exhibit (docs/FORMAT.md section 13), a
// PDF whose attachments are a certificate bundle and whose pages say what
// its certificate says. The PDF is read by the core's strict reader
// (core/exhibit-pdf.ts); its attachments are unpacked into a private
// temporary directory (0700, files 0600, never an existing file) and
// verified there exactly as `verify --bundle` verifies a directory, with the
// same pins; then the pages' text is compared with exhibitText of the
// verified statement, whose facts are read from the attachments as the
// writer reads them from the bundle. The directory is removed afterwards,
// whatever happened.
//
// A file that is read but is not an exhibit is a verdict, INVALID
// EXHIBIT_MALFORMED (exit 1), as a certificate.json that is not JSON is
// JSON_INVALID; exit 2 is for a PDF that cannot be read at all.
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { checkExhibitText, exhibitFacts, exhibitText, isStatementV2, readExhibitPdf, VerificationError } from '../core/index.js';
import { nodeInflate } from '../node/inflate.js';
import { CliExit, EXIT_USAGE } from './exit.js';
import { readInput, type TrustOptions, UnreadableInput } from './trust-input.js';
import { type BundleResult, verifyBundle } from './verify-bundle.js';

export interface ExhibitResult {
  /** The PDF's path, as given. */
  file: string;
  /** Its attachments' names, in the PDF's order; its page count. Absent when the PDF could not be read. */
  attachments?: string[];
  pages?: number;
  /** The attachments verified as a bundle (absent when the PDF could not be read or has no certificate.json). */
  bundle?: BundleResult;
  /** The first failure, and the file it names (an attachment, or the PDF itself). */
  failure?: { file: string; error: VerificationError };
}

/** Reads, unpacks and verifies the exhibit at `path`; a failure is in the result, exit-2 errors are thrown. */
export async function verifyExhibit(path: string, opts: TrustOptions): Promise<ExhibitResult> {
  const bytes = await readInput(path, 'exhibit');
  const result: ExhibitResult = { file: path };
  const fail = (error: VerificationError, file = path) => Object.assign(result, { failure: { file, error } });
  let pdf;
  try {
    pdf = await readExhibitPdf(bytes, nodeInflate);
  } catch (e) {
    if (e instanceof VerificationError) return fail(e);
    throw e;
  }
  const files = pdf.attachments;
  Object.assign(result, { attachments: [...files.keys()], pages: pdf.pages.length });
  if (!files.has('certificate.json')) {
    const carried = files.size === 0 ? 'it carries no attached file' : `it carries ${[...files.keys()].join(', ')}`;
    return fail(new VerificationError('EXHIBIT_MALFORMED', `no attachment is named certificate.json: this is not the exhibit of a certificate bundle (${carried})`));
  }
  if (!opts.trust && !opts.publicKey?.length && !files.has('trust.json') && !files.has('public-key.pem')) {
    throw new CliExit(EXIT_USAGE, 'verify: the exhibit attaches neither trust.json nor public-key.pem: give --trust or --public-key');
  }
  let bundle: BundleResult;
  try {
    bundle = await inTemporaryBundle(files, path, (dir) => verifyBundle(dir, opts));
  } catch (e) {
    if (e instanceof VerificationError) return fail(e);
    throw e;
  }
  result.bundle = bundle;
  if (bundle.failure) return fail(bundle.failure.error, bundle.failure.file);
  const statement = bundle.statement!;
  try {
    if (!isStatementV2(statement)) throw new VerificationError('EXHIBIT_MISMATCH', `the attached certificate is version ${statement.version}: an exhibit's words are made of a version 2 statement, so its pages cannot be compared`);
    const r = bundle.receipt;
    checkExhibitText(pdf.pages, exhibitText(statement, exhibitFacts(files, statement.records.sha256, r?.checked ? r : undefined)));
  } catch (e) {
    if (e instanceof VerificationError) return fail(e);
    throw e;
  }
  return result;
}

/**
 * Runs `f` on a private directory holding `files` under their names (the
 * core refused any name that is not a safe relative path), then removes it.
 * A file the bundle check cannot read there is one the attachments made
 * unreadable (a file named like a directory): EXHIBIT_MALFORMED.
 */
async function inTemporaryBundle<T>(files: ReadonlyMap<string, Uint8Array>, pdf: string, f: (dir: string) => Promise<T>): Promise<T> {
  let dir: string;
  try {
    dir = await mkdtemp(join(tmpdir(), 'shredproof-exhibit-'));
    await chmod(dir, 0o700);
  } catch (e) {
    throw new CliExit(EXIT_USAGE, `verify: cannot make a temporary directory to unpack ${pdf} into: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, 'unreadable-input');
  }
  try {
    for (const [name, bytes] of files) {
      const target = resolve(dir, ...name.split('/'));
      if (!target.startsWith(dir + sep)) throw new VerificationError('EXHIBIT_MALFORMED', `the attachment ${JSON.stringify(name)} would be written outside the bundle`);
      try {
        await mkdir(dirname(target), { recursive: true, mode: 0o700 });
        await writeFile(target, bytes, { mode: 0o600, flag: 'wx' });
      } catch (e) {
        throw new CliExit(EXIT_USAGE, `verify: cannot unpack ${JSON.stringify(name)} of ${pdf} into a temporary directory: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, 'unreadable-input');
      }
    }
    return await f(dir);
  } catch (e) {
    if (e instanceof UnreadableInput) throw new VerificationError('EXHIBIT_MALFORMED', `the attachments are not a bundle that can be read: ${e.message.replaceAll(dir + sep, '').replaceAll(dir, 'the exhibit')}`);
    throw e;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
