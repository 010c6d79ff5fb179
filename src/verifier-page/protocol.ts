// Messages between the verifier page and its worker. Files cross as File
// objects: the structured clone shares the bytes on disk, nothing is copied
// or sent anywhere. Every check runs in the worker; the page only shows.
import type { CertificateStatement, DestructionRecord, VerificationCode } from '@shredproof/verify';

export interface VerifyRequest {
  type: 'verify';
  certificate?: File;
  publicKey: File;
  records?: File;
  proof?: File;
}

export interface CheckFilesRequest {
  type: 'check-files';
  files: File[];
}

export type WorkerRequest = VerifyRequest | CheckFilesRequest;

/** The trusted key as a person compares it: its key id and the raw 32 bytes, in hex. */
export interface KeyInfo {
  keyid: string;
  publicKeyHex: string;
}

export type VerifyOutcome =
  | {
      verdict: 'valid';
      key: KeyInfo;
      statement: CertificateStatement;
      /** What was checked, in order: "signature", "statement", "records", "proof". */
      checked: string[];
      records?: number;
      proofRecord?: DestructionRecord;
      elapsedMs: number;
    }
  | {
      verdict: 'invalid';
      code: VerificationCode;
      message: string;
      key?: KeyInfo;
      /** Present when the signature and statement verified and a later check failed. */
      statement?: CertificateStatement;
      elapsedMs: number;
    }
  /** Not a verdict: an input could not be read, or inputs are missing. */
  | { verdict: 'error'; message: string };

export interface Match {
  record: DestructionRecord;
  /** Hashes in the audit path that was checked against the certified root. */
  proofLength: number;
  source: 'records' | 'proof';
}

export type CheckOutcome =
  | {
      status: 'found' | 'not-found';
      name: string;
      size: number;
      sha256: string;
      /** What was searched: the verified records file (n records) or the one record of a proof. */
      searched: { source: 'records' | 'proof'; count: number };
      matches: Match[];
    }
  | { status: 'error'; name: string; message: string };

export type ProgressTask = 'records' | 'hash' | 'search';

/** Bytes read of the file being worked on, and lines so far (records and search). */
export type ProgressFn = (task: ProgressTask, bytes: number, totalBytes: number, lines: number) => void;

export type WorkerReply =
  | { type: 'progress'; task: ProgressTask; bytes: number; totalBytes: number; lines: number }
  | { type: 'verified'; outcome: VerifyOutcome }
  | { type: 'checked'; outcomes: CheckOutcome[]; elapsedMs: number };
