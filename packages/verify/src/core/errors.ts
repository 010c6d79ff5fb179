// Errors of the verifiable core. Callers and tests branch on `code`, never on
// the message: messages are for people and may change.

/** Every reason a verification can fail. A closed set: verifiers print the code. */
export const VERIFICATION_CODES = [
  // any input a verifier reads: certificate.json, the signed statement, record lines, proof files
  'UTF8_INVALID',
  'JSON_DUPLICATE_MEMBER',
  'MEMBER_FORBIDDEN',
  'MEMBER_UNKNOWN',
  // envelope and signature (DSSE v1, Ed25519)
  'JSON_INVALID',
  'ENVELOPE_MALFORMED',
  'BASE64_INVALID',
  'PAYLOAD_TYPE_WRONG',
  'SIGNATURE_MISSING',
  'KEY_MALFORMED',
  'KEY_UNTRUSTED',
  'SIGNATURE_INVALID',
  // statement
  'STATEMENT_INVALID',
  'STATEMENT_NOT_CANONICAL',
  'VERSION_UNSUPPORTED',
  // Merkle trees and proofs (RFC 9162 section 2.1)
  'TREE_SIZE_INVALID',
  'INDEX_OUT_OF_RANGE',
  'PROOF_SIZE_WRONG',
  'MERKLE_ROOT_MISMATCH',
  // records file
  'RECORD_TOO_LONG',
  'RECORD_INVALID',
  'RECORD_NOT_CANONICAL',
  'RECORD_INDEX_WRONG',
  'RECORD_COUNT_MISMATCH',
  'RECORDS_DIGEST_MISMATCH',
  // per-object proof files
  'PROOF_MALFORMED',
  'PROOF_CERTIFICATE_MISMATCH',
  // version 2: the order file, the trust root and pins (docs/FORMAT.md sections 5.6 to 5.8)
  'ORDER_MISMATCH',
  'TRUST_ROOT_INVALID',
  'KEY_REVOKED',
  'KEY_OUTSIDE_VALIDITY',
  'PIN_MISMATCH',
  'PIN_MISSING',
  // approvals signed with people's own keys (section 5.9)
  'APPROVER_UNTRUSTED',
  'APPROVAL_INVALID',
  'APPROVAL_MISSING',
  // derived artifacts (section 5.10): a vendor's certificate bundle that is not the one the statement binds
  'VENDOR_CERTIFICATE_MISMATCH',
  // the transparency log (section 12): signed notes, checkpoints, receipts, witnesses
  'NOTE_MALFORMED',
  'NOTE_SIGNATURE_INVALID',
  'NOTE_UNVERIFIED',
  'RECEIPT_MISSING',
  'RECEIPT_MISMATCH',
  'COSIGNATURE_MISSING',
  'LOG_INCONSISTENT',
  // a legal exhibit (issue 18): a PDF whose attachments are the bundle and whose pages describe it
  'EXHIBIT_MALFORMED',
  'EXHIBIT_MISMATCH',
] as const;

export type VerificationCode = (typeof VERIFICATION_CODES)[number];

export class VerificationError extends Error {
  override readonly name = 'VerificationError';
  readonly code: VerificationCode;

  constructor(code: VerificationCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** One bad field: a JSON path such as `$.targets[2].scope.include` and what is wrong with it. */
export interface FieldProblem {
  path: string;
  problem: string;
}

/** Bad input, with every bad field listed at once so that a person can fix them all in one go. */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  readonly code = 'VALIDATION_FAILED' as const;
  readonly fields: readonly FieldProblem[];

  constructor(message: string, fields: readonly FieldProblem[], options?: { cause?: unknown }) {
    const detail = fields.map((f) => `${f.path}: ${f.problem}`).join('; ');
    super(detail ? `${message}: ${detail}` : message, options);
    this.fields = fields;
  }
}

export function isVerificationError(e: unknown): e is VerificationError {
  return e instanceof VerificationError;
}
