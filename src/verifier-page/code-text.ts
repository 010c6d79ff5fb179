// What each reason code of docs/FORMAT.md section 8 means, for a person who
// reads the INVALID verdict: the code and the core's message say exactly
// what failed; this says why it matters. Keyed by the core's closed union,
// so that a new code does not build until it has its sentence.
import type { VerificationCode } from '@shredproof/verify';

const CODE_TEXT: Readonly<Record<VerificationCode, string>> = {
  UTF8_INVALID: 'A file is not valid UTF-8 text: its bytes were damaged or altered.',
  JSON_DUPLICATE_MEMBER: 'A file names the same JSON member twice, so that two programs could read two different values. It is refused.',
  MEMBER_FORBIDDEN: 'A file holds a member name that verifiers refuse (one that could change how a program reads the rest).',
  MEMBER_UNKNOWN: 'A file holds a member its format does not define, where none may be added.',
  JSON_INVALID: 'A file is not valid JSON: it was damaged, cut short or is not the file it is named for.',
  ENVELOPE_MALFORMED: 'certificate.json is not a signed envelope of the expected shape.',
  BASE64_INVALID: 'A value that must be base64 is not.',
  PAYLOAD_TYPE_WRONG: 'The signed envelope says it holds something other than a shredproof certificate statement.',
  SIGNATURE_MISSING: 'The certificate carries no signature.',
  KEY_MALFORMED: 'A public key is not an Ed25519 key.',
  KEY_UNTRUSTED: 'None of the keys given made the signature: the certificate was signed by some other key.',
  SIGNATURE_INVALID: 'The signature does not match what it signs: the statement was changed after it was signed.',
  STATEMENT_INVALID: 'The signed statement breaks a rule of the format: a field is missing or wrong, or its numbers do not add up.',
  STATEMENT_NOT_CANONICAL: 'The signed statement is not written in its one canonical form (RFC 8785), so it could be read in more than one way.',
  VERSION_UNSUPPORTED: 'A file is of a format version this page does not read.',
  TREE_SIZE_INVALID: 'A Merkle tree size in a proof is impossible.',
  INDEX_OUT_OF_RANGE: 'A proof names an entry beyond the end of the tree it proves against.',
  PROOF_SIZE_WRONG: 'A proof has the wrong number of hashes for its place in the tree.',
  MERKLE_ROOT_MISMATCH: 'The entries do not hash to the root the certificate signed: an entry was added, removed, changed or moved.',
  RECORD_TOO_LONG: 'A line of a records or list file is longer than the format allows.',
  RECORD_INVALID: 'A line of a records or list file breaks a rule of the format.',
  RECORD_NOT_CANONICAL: 'A line of a records or list file is not in its canonical form (RFC 8785).',
  RECORD_INDEX_WRONG: 'A line of a records or list file has the wrong index: lines were dropped, added or reordered.',
  RECORD_COUNT_MISMATCH: 'A records or list file does not hold as many lines as the certificate says.',
  RECORDS_DIGEST_MISMATCH: 'A file’s SHA-256 is not the one the certificate signed: the file was changed.',
  PROOF_MALFORMED: 'A proof file is not a proof of the expected shape.',
  PROOF_CERTIFICATE_MISMATCH: 'A proof file carries another certificate than the bundle’s.',
  ORDER_MISMATCH: 'order.json is not the order document the certificate signed: its SHA-256 or what it says differs.',
  TRUST_ROOT_INVALID: 'trust.json breaks a rule of the format, so it cannot say which keys to trust.',
  KEY_REVOKED: 'The key that signed had been revoked when the certificate was issued: its signature means nothing.',
  KEY_OUTSIDE_VALIDITY: 'The certificate was issued outside the time in which the trust root allows its key to sign.',
  PIN_MISMATCH: 'What you pinned (a key id, the SHA-256 of trust.json, or a trust.json of your own) is not what signed these files.',
  PIN_MISSING: 'The signature is valid, but nothing you gave pins the key that made it.',
  APPROVER_UNTRUSTED:
    'The approval was signed with a key that the trust root does not list as a key of someone who may approve: nothing shows that the person named as approver signed it.',
  APPROVAL_INVALID:
    'A signed approval does not hold: it is not a signature over this order and this plan, or its key belongs to someone else, may not sign in that role, or was revoked or not valid when the order was approved.',
  APPROVAL_MISSING:
    'The trust root requires the approver to sign each order with their own key, and this certificate carries no such approval: nothing shows that a second person approved the plan.',
  VENDOR_CERTIFICATE_MISMATCH:
    'A derived artifact is said to be held by a vendor, but the vendor’s own certificate bundle is missing, or is not the one this certificate names (another certificate, another trust root or key, or one for another order): nothing shows the vendor destroyed it.',
  NOTE_MALFORMED:
    'A transparency log file (its checkpoint, a signed note or the receipt) is not in the format its specification gives: it was damaged or altered, or is not the file it is named for.',
  NOTE_SIGNATURE_INVALID:
    'A signature of the log or of a witness on the checkpoint does not hold: the checkpoint was altered after it was signed.',
  NOTE_UNVERIFIED:
    'The checkpoint is not signed by the transparency log the trust root names: nothing shows this certificate was published in that log.',
  RECEIPT_MISSING:
    'The trust root requires every certificate from a date on to be published in its transparency log, and this one carries no receipt: the issuer could have issued it in secret.',
  RECEIPT_MISMATCH:
    'The receipt does not prove that this certificate is in the log: its inclusion proof leads to another entry or another tree than its checkpoint signs.',
  COSIGNATURE_MISSING:
    'The trust root requires witnesses to have seen the log’s checkpoint, and not enough of them cosigned it: the log could be showing this certificate to you alone.',
  LOG_INCONSISTENT:
    'The log’s new checkpoint does not extend the one kept before: its history was rewritten, or it shows different histories to different people.',
  EXHIBIT_MALFORMED:
    'The exhibit is not a PDF this verifier can read, or its embedded files are not a certificate bundle it may unpack: it was damaged or altered, or was not made by shredproof.',
  EXHIBIT_MISMATCH:
    'The exhibit’s pages do not say what the signed certificate says: a page was edited, or the embedded certificate was swapped for another.',
};

/** The plain-language meaning of a reason code. */
export function explainCode(code: VerificationCode): string {
  return CODE_TEXT[code];
}
