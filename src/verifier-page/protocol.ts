// Messages between the verifier page and its worker. Files cross as File
// objects: the structured clone shares the bytes on disk, nothing is copied
// or sent anywhere. Every check runs in the worker; the page only shows.
import type { AnyCertificateStatement, ApprovalRole, DestructionRecord, ListEntry, ListName, Pin, ReceiptFacts, RetainedEntry, VerificationCode } from '@shredproof/verify';

/** The single files of a certificate bundle (docs/FORMAT.md section 10), by role, in the order the CLI checks them. */
export const FILE_SLOTS = ['certificate', 'records', 'retained', 'exceptions', 'rescan', 'order', 'trust', 'publicKey', 'receipt'] as const;
export type FileSlot = (typeof FILE_SLOTS)[number];

/** Each role's name in a bundle: what the reports call the file, and how a dropped bundle is sorted. */
export const BUNDLE_NAMES: Readonly<Record<FileSlot, string>> = {
  certificate: 'certificate.json',
  records: 'records.ndjson',
  retained: 'retained.ndjson',
  exceptions: 'exceptions.ndjson',
  rescan: 'rescan.ndjson',
  order: 'order.json',
  trust: 'trust.json',
  publicKey: 'public-key.pem',
  receipt: 'receipt.tlog-proof',
};

/** A file with the name a report gives it: "proofs/record-2.json" for a proof of a dropped bundle. */
export interface NamedFile {
  name: string;
  file: File;
}

/**
 * What the person chose: the bundle's files by role, its proofs, the names
 * of dropped files the format does not define, and the vendors' own bundles
 * it carries (vendors/<artifact>/, docs/FORMAT.md section 5.10).
 */
export type BundleInput = Partial<Record<FileSlot, File>> & { proofs: NamedFile[]; ignored: string[]; vendors: VendorBundleInput[] };

/** A held-by-vendor artifact's evidence: the vendor's bundle, found in vendors/<artifact>/ of a dropped bundle. */
export interface VendorBundleInput {
  /** The folder's name: the artifact it is the evidence of. */
  artifact: string;
  bundle: BundleInput;
}

/** A vendor bundle may carry vendors of its own, to this depth (docs/FORMAT.md section 5.10); ours is depth 0. */
export const MAX_VENDOR_DEPTH = 4;

/** Pins (docs/FORMAT.md section 5.8): what the person holds from the settlement or the docket, never from the bundle. */
export interface PinInput {
  keyid?: string;
  trustSha256?: string;
  /** A trust root of the person's own (`--trust FILE`). */
  trustRoot?: File;
}

export interface VerifyRequest {
  type: 'verify';
  bundle: BundleInput;
  pins: PinInput;
  /** A legal exhibit (docs/FORMAT.md section 13), instead of the bundle: its attachments are the bundle. */
  exhibit?: File;
}

export interface CheckFilesRequest {
  type: 'check-files';
  files: File[];
}

export type WorkerRequest = VerifyRequest | CheckFilesRequest;

/** A key as a person compares it: its key id and the raw 32 bytes, in hex. */
export interface KeyInfo {
  keyid: string;
  publicKeyHex: string;
}

/** One approval whose signature, key and role the trust root vouched for (docs/FORMAT.md section 5.9). */
export interface ApprovalShown {
  role: ApprovalRole;
  person: string;
  /** The key id of the person's own key that signed. */
  keyid: string;
  /** When the person signed, by their own clock. */
  signedAt: string;
}

/** What the page says about the certificate's approvals: verifyTrusted's approvalCheck, in the part a person reads. */
export interface ApprovalFacts {
  /** False when no trust root was available: then nothing about the approvals was checked. */
  checked: boolean;
  /** The trust root demands an approval signed by the approver's own key for this order (approvalsRequiredFrom). */
  required: boolean;
  approvals: ApprovalShown[];
  /** The trust root that lists the approval keys is pinned: it is your own, or the bundle's with the SHA-256 you gave. */
  rootPinned: boolean;
}

/** What a person compares with what the issuer published out of band. */
export interface TrustFacts {
  /** The key whose signature verified. */
  signer?: KeyInfo;
  /** Where the signer came from when the verdict is PIN_MISMATCH: the bundle's key, which is not the pinned one. */
  unpinnedSigner?: KeyInfo;
  /** SHA-256 of the bundle's trust.json, as sha256sum prints it: what `--trust-sha256` pins. */
  trustSha256?: string;
  /** SHA-256 of the person's own trust.json. */
  ownTrustSha256?: string;
  /** Key id of public-key.pem. */
  publicKeyId?: string;
  pinned: boolean;
  pin?: Pin;
  /** Set once a certificate (or a proof's certificate) verified. */
  approvals?: ApprovalFacts;
}

/** One file's verdict, as `shredproof verify --bundle` prints it (packages/verify/src/cli/verify-bundle.ts). */
export interface FileReport {
  file: string;
  status: 'valid' | 'invalid' | 'not checked' | 'ignored';
  code?: VerificationCode;
  detail?: string;
  /** The name of the file chosen for this role, when it is not the bundle's name. */
  chosen?: string;
}

/** The verified entries of a list file of a version 2 certificate, the first MAX_LIST_ROWS of them. */
export interface ListView {
  count: number;
  entries: ListEntry[];
}
export type ListViews = Partial<Record<ListName, ListView>>;
export const MAX_LIST_ROWS = 500;

/** What became of one held-by-vendor artifact's bundle, vendors/<artifact>/, for the derived section's tree. */
export interface VendorShown {
  artifact: string;
  /** "vendors/<artifact>/" */
  dir: string;
  /** verified: the vendor's bundle verified and is the one the statement binds; missing: it was not given. */
  status: 'verified' | 'invalid' | 'missing';
  /** invalid and missing: the first failure in it, with its path. */
  code?: VerificationCode;
  file?: string;
}

/**
 * What the page says about the certificate's receipt from the issuer's
 * transparency log (docs/FORMAT.md section 12.8): what it proved, or why it
 * was not checked. Absent when the bundle has no receipt and the trust root
 * names no log, or when the receipt failed (the verdict says so).
 */
export type ReceiptShown =
  | (ReceiptFacts & {
      status: 'verified';
      /** How many witnesses the trust root requires. */
      witnessQuorum: number;
      /** The trust root naming the log is pinned (the person's own, or the bundle's by its SHA-256). */
      rootPinned: boolean;
    })
  /** no-log: a receipt, but no trust root with a log to check it; not-required: no receipt, and the log does not require one for this certificate. */
  | { status: 'no-log' | 'not-required'; reason: string };

/** A legal exhibit that was read: its attachments verified as the bundle, and how its pages compared with the statement. */
export interface ExhibitShown {
  file: string;
  pages: number;
  attachments: number;
  /** matches: the pages say what the signed statement says; differs: EXHIBIT_MISMATCH; not-compared: the attached bundle is not valid. */
  text: 'matches' | 'differs' | 'not-compared';
}

interface Checked {
  files: FileReport[];
  /** Present when an exhibit was given and read. */
  exhibit?: ExhibitShown;
  facts: TrustFacts;
  lists: ListViews;
  /** The held-by-vendor artifacts' bundles, in the statement's order. */
  vendors: VendorShown[];
  receipt?: ReceiptShown;
  elapsedMs: number;
}

export type VerifyOutcome =
  | (Checked & {
      /** valid: pinned and every file valid; unpinned: every file valid, but nothing the person gave pins the key. */
      verdict: 'valid' | 'unpinned';
      statement: AnyCertificateStatement;
      /** What was checked, in order, for people: "signature", "records file (5 records)", ... */
      checked: string[];
    })
  | (Checked & {
      verdict: 'invalid';
      /** The first failure's code and file, in the CLI's order. */
      code: VerificationCode;
      file: string;
      message: string;
      /** Present when the certificate verified and a later file failed. */
      statement?: AnyCertificateStatement;
    })
  /** Not a verdict: an input could not be read, or inputs are missing (the CLI exits 2). */
  | { verdict: 'error'; message: string };

export interface Match {
  record: DestructionRecord;
  /** Hashes in the audit path that was checked against the certified root. */
  proofLength: number;
  source: 'records' | 'proof';
}

export interface HeldMatch {
  entry: RetainedEntry;
  source: 'retained' | 'proof';
}

/** What a photo was looked for in. */
export interface Searched {
  /** Records in the verified records file. */
  records?: number;
  /** Verified proofs of destroyed records. */
  recordProofs: number;
  /** Entries of the verified retained.ndjson, and how many of them carry a content hash. */
  retained?: { count: number; hashed: number };
  /** Verified proofs of retained entries that carry a content hash. */
  retainedProofs: number;
  /** The certificate's version: a version 1 statement lists retained objects without their hashes. */
  version: number;
}

export type CheckOutcome =
  | {
      status: 'found' | 'held' | 'not-found';
      name: string;
      size: number;
      sha256: string;
      searched: Searched;
      matches: Match[];
      held: HeldMatch[];
      /** The key was not pinned: the results hold only if it is the issuer's. */
      unpinned: boolean;
    }
  | { status: 'error'; name: string; message: string };

export type ProgressTask = 'records' | 'hash' | 'search';

/** Bytes read of the file being worked on, and lines so far (records and search). */
export type ProgressFn = (task: ProgressTask, bytes: number, totalBytes: number, lines: number) => void;

export type WorkerReply =
  | { type: 'progress'; task: ProgressTask; bytes: number; totalBytes: number; lines: number }
  | { type: 'verified'; outcome: VerifyOutcome }
  | { type: 'checked'; outcomes: CheckOutcome[]; elapsedMs: number };
