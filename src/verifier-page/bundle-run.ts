// One bundle's verification as it goes, in the worker: each file's verdict
// in the order `shredproof verify --bundle` gives them, the first failure,
// what the person compares, and what verified (for the statement view and
// the photo check). A vendor's bundle (vendors/<artifact>/, docs/FORMAT.md
// section 5.10) is verified as a bundle of its own, in a Run whose files are
// reported with its path in ours: "vendors/<artifact>/records.ndjson". What
// the receipt of the transparency log proved (section 12.8) is kept too.
import { type AnyCertificateStatement, type ApprovalVerdict, type DestructionRecord, isVerificationError, type ResolvedTrust, type RetainedEntry, type VerificationError } from '@shredproof/verify';
import type { RetainedIndex, VerifiedRecords } from './file-jobs.js';
import { type BundleInput, BUNDLE_NAMES, FILE_SLOTS, type FileReport, type FileSlot, type ListViews, type PinInput, type ReceiptShown, type TrustFacts, type VendorShown } from './protocol.js';
import { approvalFacts, keyInfo } from './trust-job.js';

/** What the last verification established; the photo check searches it. */
export interface VerifiedSession {
  statement: AnyCertificateStatement;
  pinned: boolean;
  records?: VerifiedRecords;
  /** Destroyed records proved by proof files, each with its audit path's length. */
  recordProofs: Array<{ record: DestructionRecord; proofLength: number }>;
  /** Retained entries proved by proof files. */
  heldProofs: RetainedEntry[];
  retained?: RetainedIndex;
}

/** What verifyTrusted returns, in the part the page shows. */
interface Trusted {
  keyid: string;
  pinned: boolean;
  pin?: TrustFacts['pin'];
  statement: AnyCertificateStatement;
  approvalCheck?: ApprovalVerdict;
}

/** Every file of a bundle, its vendors' included, by its path in the bundle. */
export function bundlePaths(b: BundleInput, prefix = ''): string[] {
  const own = [...FILE_SLOTS.filter((s) => b[s]).map((s) => BUNDLE_NAMES[s]), ...b.proofs.map((p) => p.name), ...b.ignored].map((f) => prefix + f);
  return [...own, ...b.vendors.flatMap((v) => bundlePaths(v.bundle, `${prefix}vendors/${v.artifact}/`))];
}

export class Run {
  readonly files: FileReport[] = [];
  readonly facts: TrustFacts = { pinned: false };
  readonly lists: ListViews = {};
  readonly checked: string[] = [];
  readonly vendors: VendorShown[] = [];
  receipt: ReceiptShown | undefined;
  failure: { file: string; error: VerificationError } | undefined;
  statement: AnyCertificateStatement | undefined;
  session: Omit<VerifiedSession, 'statement' | 'pinned'> = { recordProofs: [], heldProofs: [] };

  /**
   * @param prefix the bundle's path in the bundle dropped ('' for that bundle, "vendors/<artifact>/" for a vendor's)
   * @param depth how deep in vendors it is (0 for the bundle dropped)
   */
  constructor(
    readonly bundle: BundleInput,
    readonly pins: PinInput,
    readonly prefix = '',
    readonly depth = 0,
  ) {}

  /** The name of the file chosen for a role, when it differs from the bundle's (only the bundle dropped has boxes). */
  #chosen(file: string): { chosen?: string } {
    const slot = FILE_SLOTS.find((s) => BUNDLE_NAMES[s] === file);
    const name = slot && this.prefix === '' ? this.bundle[slot]?.name : undefined;
    return name !== undefined && name !== file ? { chosen: name } : {};
  }

  valid(file: string, detail: string): void {
    this.files.push({ file: this.prefix + file, status: 'valid', detail, ...this.#chosen(file) });
  }

  fail(file: string, error: VerificationError): void {
    this.files.push({ file: this.prefix + file, status: 'invalid', code: error.code, detail: error.message, ...this.#chosen(file) });
    this.failure ??= { file: this.prefix + file, error };
  }

  /** A file already reported valid, found invalid by a later check (a vendor's certificate that is not the one bound). */
  failLater(file: string, error: VerificationError): void {
    const row = this.files.find((r) => r.file === this.prefix + file);
    if (row) Object.assign(row, { status: 'invalid', code: error.code, detail: error.message });
    else this.files.push({ file: this.prefix + file, status: 'invalid', code: error.code, detail: error.message });
    this.failure ??= { file: this.prefix + file, error };
  }

  /** A file that was not checked, or that the format does not define. */
  note(file: string, status: 'not checked' | 'ignored', detail: string): void {
    this.files.push({ file: this.prefix + file, status, detail, ...this.#chosen(file) });
  }

  /** Every chosen file but `except`, as not checked: nothing can be checked without keys or a valid certificate. */
  notCheckedRest(except: string, why: string): void {
    for (const file of bundlePaths(this.bundle)) if (file !== except) this.note(file, 'not checked', why);
  }

  /** Runs one file's check if that file was chosen: its detail line when valid, its code when not. */
  async check(slot: FileSlot, run: (file: File) => Promise<string> | string): Promise<void> {
    const file = this.bundle[slot];
    if (!file) return;
    try {
      this.valid(BUNDLE_NAMES[slot], await run(file));
    } catch (e) {
      if (!isVerificationError(e)) throw e;
      this.fail(BUNDLE_NAMES[slot], e);
    }
  }

  trusted(v: Trusted, trust: ResolvedTrust): void {
    this.statement ??= v.statement;
    this.facts.signer ??= keyInfo(trust.keys, v.keyid);
    this.facts.approvals ??= approvalFacts(v.approvalCheck, trust);
    this.facts.pinned = v.pinned;
    if (v.pin) this.facts.pin = v.pin;
  }

  /** A vendor's run, done: its rows join ours, and its first failure is ours if we had none. */
  adopt(inner: Run): void {
    this.files.push(...inner.files);
    if (inner.failure) this.failure ??= inner.failure;
  }
}
