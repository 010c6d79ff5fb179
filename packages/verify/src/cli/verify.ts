// `verify`: exit 0 valid, 1 invalid (with the reason code), 2 usage or
// unreadable input. Never "valid" unless every check that was asked for passed.
// After VALID it says whether the key was pinned (docs/FORMAT.md section
// 5.8): valid but not pinned still exits 0, unless --require-pin. --exhibit
// (verify-exhibit.ts) verifies the bundle attached to a legal exhibit's PDF
// as --bundle does, then its pages against the statement (section 13).
// With --json, stdout holds one JSON document whatever the exit code: exit 2
// prints {valid: false, error, message} (main.ts).
// Every line for a person goes through escapeForDisplay: the inputs' strings
// are attacker controlled, and a control character in them is a terminal command.
// Shared by `shredproof-verify verify` (main.ts here) and `shredproof verify`.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import {
  type AnyCertificateStatement,
  type ApprovalVerdict,
  canonicalize,
  escapeForDisplay,
  jsonForDisplay,
  parseCertificate,
  type Pin,
  requirePin,
  VerificationError,
  verifyCertificate,
  type VerifiedObjectProof,
  verifyObjectProof,
  verifyTrusted,
} from '../core/index.js';
import { verifyRecordsFile } from '../node/fast-verify.js';
import { nodeHasher } from '../node/merkle-hasher.js';
import { CliExit, type CliIo, EXIT_INVALID, EXIT_OK, EXIT_USAGE } from './exit.js';
import { type BundleResult, verifyBundle } from './verify-bundle.js';
import { type ExhibitResult, verifyExhibit } from './verify-exhibit.js';
import { approvalLines, describeProven, pinLines, summarize } from './verify-describe.js';
import { receiptLines } from './verify-receipt.js';
import { loadTrust, readInput, type TrustOptions, unreadable, UnreadableInput } from './trust-input.js';

export { describeRecord } from './verify-describe.js';

export interface VerifyOptions extends TrustOptions {
  certificate?: string;
  records?: string;
  proof?: string;
  bundle?: string;
  exhibit?: string;
  requirePin?: boolean;
  json?: boolean;
}

/** A file we may read, not a directory (whose stream fails only at its first read). */
async function checkReadable(path: string, what: string): Promise<void> {
  try {
    await access(path, constants.R_OK);
    if ((await stat(path)).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
  } catch (e) {
    throw unreadable(what, path, e);
  }
}

interface Verdict {
  checked: string[];
  statement: AnyCertificateStatement;
  keyid: string;
  pinned: boolean;
  pin?: Pin;
  approvalCheck?: ApprovalVerdict;
  proven?: VerifiedObjectProof;
  bundle?: BundleResult;
  exhibit?: ExhibitResult;
}

/** The verdict of a bundle that verified. */
const bundleVerdict = (bundle: BundleResult): Verdict => ({
  checked: bundle.files.filter((f) => f.status === 'valid').map((f) => f.file),
  statement: bundle.statement!,
  keyid: bundle.keyid!,
  pinned: bundle.pinned,
  ...(bundle.pin ? { pin: bundle.pin } : {}),
  ...(bundle.approvalCheck ? { approvalCheck: bundle.approvalCheck } : {}),
  bundle,
});

/** --certificate, --records and --proof, each checked with the keys the options give. */
async function verifyFiles(opts: VerifyOptions): Promise<Verdict> {
  if (!opts.certificate && !opts.proof) throw new CliExit(EXIT_USAGE, 'verify: give --certificate, --proof, --bundle, --exhibit, or several');
  if (opts.records && !opts.certificate) throw new CliExit(EXIT_USAGE, 'verify: --records needs --certificate');
  const trust = await loadTrust(opts);
  const checked: string[] = [];
  let verdict: Omit<Verdict, 'checked'> | undefined;
  let certificateBytes: Uint8Array | undefined;
  if (opts.certificate) {
    certificateBytes = await readInput(opts.certificate, 'certificate');
    const bytes = certificateBytes;
    const v = verifyTrusted(trust, (keys) => verifyCertificate(bytes, keys));
    verdict = { statement: v.statement, keyid: v.keyid, pinned: v.pinned, ...(v.pin ? { pin: v.pin } : {}), ...(v.approvalCheck ? { approvalCheck: v.approvalCheck } : {}) };
    checked.push('signature', 'statement');
  }
  if (opts.records && verdict) {
    await checkReadable(opts.records, 'records file');
    try {
      await verifyRecordsFile(verdict.statement, opts.records);
    } catch (e) {
      if (e instanceof VerificationError) throw e;
      throw unreadable('records file', opts.records, e); // a read that failed is no verdict on the records
    }
    checked.push('records');
  }
  if (opts.proof) {
    const bytes = await readInput(opts.proof, 'proof');
    const v = verifyTrusted(trust, (keys) => verifyObjectProof(bytes, keys, { hasher: nodeHasher }));
    if (certificateBytes !== undefined && canonicalize(parseCertificate(certificateBytes)) !== canonicalize(v.proof.certificate)) {
      throw new VerificationError('PROOF_CERTIFICATE_MISMATCH', 'the proof carries a different certificate than --certificate');
    }
    verdict ??= { statement: v.statement, keyid: v.keyid, pinned: v.pinned, ...(v.pin ? { pin: v.pin } : {}), ...(v.approvalCheck ? { approvalCheck: v.approvalCheck } : {}) };
    verdict.proven = v;
    const e = v.entry;
    checked.push(v.list === 'records' ? `inclusion of ${e.target}:${e.locator} (sha256 ${v.record.sha256}) at leaf ${e.index}` : `inclusion of ${e.target}:${e.locator} in the ${v.list} list at leaf ${e.index}`);
  }
  return { checked, ...verdict! };
}

async function run(opts: VerifyOptions, ctx: CliIo): Promise<void> {
  let verdict: Verdict;
  if (opts.exhibit !== undefined) {
    if (opts.bundle !== undefined || opts.certificate || opts.records || opts.proof) throw new CliExit(EXIT_USAGE, 'verify: --exhibit checks the files attached to its PDF; give --bundle, --certificate, --records or --proof without it');
    const exhibit = await verifyExhibit(opts.exhibit, opts);
    if (exhibit.failure) throw new BundleInvalid(exhibit.bundle, exhibit.failure.file, exhibit.failure.error, exhibit);
    verdict = { ...bundleVerdict(exhibit.bundle!), exhibit };
  } else if (opts.bundle !== undefined) {
    if (opts.certificate || opts.records || opts.proof) throw new CliExit(EXIT_USAGE, 'verify: --bundle checks the files of its directory; give --certificate, --records or --proof without it');
    const bundle = await verifyBundle(opts.bundle, opts);
    if (bundle.failure) throw new BundleInvalid(bundle, bundle.failure.file, bundle.failure.error);
    verdict = bundleVerdict(bundle);
  } else {
    verdict = await verifyFiles(opts);
  }
  if (opts.requirePin) requirePin(verdict);
  const { checked, statement, keyid, pinned, pin, proven, bundle, approvalCheck, exhibit } = verdict;
  if (opts.json) {
    const shown = proven ? { list: proven.list, entry: proven.entry, ...(proven.list === 'records' ? { record: proven.record, leafIndex: proven.record.index } : {}) } : {};
    const approvals = approvalCheck ? { approvals: { checked: true, required: approvalCheck.required, signed: approvalCheck.approvals.map(({ key: _key, ...a }) => a) } } : { approvals: { checked: false } };
    const receipt = bundle?.receipt ? { receipt: bundle.receipt } : {};
    const pages = exhibit ? { exhibit: { ...exhibitJson(exhibit), text: 'matches' } } : {};
    ctx.out(jsonForDisplay({ valid: true, pinned, ...(pin ? { pin } : {}), checked, keyid, ...shown, ...(bundle ? { files: bundle.files } : {}), ...approvals, ...receipt, ...pages, statement }, 2));
    return;
  }
  const say = (line: string) => ctx.out(escapeForDisplay(line));
  say(exhibit ? `VALID (exhibit: ${checked.join(', ')})` : `VALID (${checked.join(', ')})`);
  for (const l of pinLines(pinned, pin, keyid, bundle?.trustSha256)) say(l);
  if (bundle) printBundle(bundle, ctx);
  if (proven) for (const l of describeProven(proven)) say(l);
  for (const l of summarize(statement, keyid)) say(l);
  for (const l of approvalLines(statement, approvalCheck)) say(l);
  for (const l of receiptLines(bundle?.receipt)) say(l);
  if (exhibit) say(pagesLine(exhibit));
}

const exhibitJson = (e: ExhibitResult) => ({ file: e.file, ...(e.attachments ? { attachments: e.attachments, pages: e.pages } : {}) });

/** The exhibit's last line: how its pages compared with the statement (docs/FORMAT.md section 13). */
function pagesLine(e: ExhibitResult): string {
  const pages = `its ${e.pages} page${e.pages === 1 ? '' : 's'}`;
  if (!e.failure) return `exhibit: ${pages} say what the signed statement says, word for word (white space aside)`;
  if (e.failure.error.code === 'EXHIBIT_MISMATCH') return `exhibit: ${pages} do NOT say what the signed statement says`;
  return "exhibit: its pages were not compared with the statement: the attached bundle is not valid";
}

/** A bundle (or an exhibit) with an invalid file: the verdict names the file, and every file's line follows. */
class BundleInvalid extends Error {
  constructor(
    readonly bundle: BundleResult | undefined,
    readonly file: string,
    readonly error: VerificationError,
    readonly exhibit?: ExhibitResult,
  ) {
    // The core's list and records messages name their file already.
    super(error.message.startsWith(`${file}`) ? error.message : `${file}: ${error.message}`);
  }
}

/** One line per file of a bundle, after the verdict. */
function printBundle(bundle: BundleResult, ctx: CliIo): void {
  for (const f of bundle.files) {
    const status = f.status === 'valid' ? 'VALID' : f.status === 'invalid' ? `INVALID ${f.code}` : f.status;
    ctx.out(escapeForDisplay(`  ${f.file.padEnd(18)} ${status}${f.detail ? `: ${f.detail}` : ''}`));
  }
}

/** Runs `verify` with parsed options: sets `io.exitCode`, or throws CliExit (exit 2). */
export async function runVerify(opts: VerifyOptions, io: CliIo): Promise<void> {
  try {
    await run(opts, io);
    io.exitCode = EXIT_OK;
  } catch (e) {
    if (e instanceof UnreadableInput) throw new CliExit(EXIT_USAGE, escapeForDisplay(`verify: ${e.message}`), 'unreadable-input');
    if (e instanceof BundleInvalid) {
      io.exitCode = EXIT_INVALID;
      const exhibit = e.exhibit ? { exhibit: exhibitJson(e.exhibit) } : {};
      if (opts.json) io.out(jsonForDisplay({ valid: false, code: e.error.code, message: e.message, file: e.file, ...(e.bundle ? { files: e.bundle.files } : {}), ...exhibit }, 2));
      else {
        io.out(escapeForDisplay(`INVALID ${e.error.code}: ${e.message}`));
        if (e.bundle) printBundle(e.bundle, io);
        if (e.exhibit?.bundle) io.out(escapeForDisplay(pagesLine(e.exhibit)));
      }
      return;
    }
    if (!(e instanceof VerificationError)) throw e;
    io.exitCode = EXIT_INVALID;
    // The message quotes the input (a keyid, a target name): never raw.
    if (opts.json) io.out(jsonForDisplay({ valid: false, code: e.code, message: e.message }, 2));
    else io.out(escapeForDisplay(`INVALID ${e.code}: ${e.message}`));
  }
}
