// The entries of shredproof's transparency log (docs/FORMAT.md section
// 12.1). Each entry is the leaf input of the log's RFC 6962 tree: the type
// prefix "shredproof.log-entry.v1\n" and then the RFC 8785 JSON of one
// event. A certificate's event is made from the certificate alone, so that a
// verifier holding only the bundle can recompute the leaf its receipt proves.
// Entries are short (well under the 65,535 bytes an entry bundle of
// tlog-tiles can frame): a certificate is logged by the SHA-256 of its
// signed statement, not its bytes.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, tryBase64Decode, utf8Decode, utf8Encode } from './bytes.js';
import { canonicalizeToBytes, parseCanonical } from './canonical-json.js';
import type { DsseEnvelope } from './dsse.js';
import { VerificationError } from './errors.js';
import type { AnyCertificateStatement } from './statement-v2.js';
import { isObject } from './validate.js';

export const LOG_ENTRY_PREFIX = 'shredproof.log-entry.v1\n';
/** tlog-tiles frames an entry with a 16-bit length. */
export const MAX_LOG_ENTRY_BYTES = 65_535;

/** A certificate issued: the statement's SHA-256 binds its content, the rest says what it is at a glance. */
export interface CertificateLogged {
  type: 'certificate';
  certificateId: string;
  orderId: string;
  issuedAt: string;
  /** The key that signed it. */
  keyid: string;
  /** SHA-256 of the signed statement (the DSSE payload's bytes). */
  statementSha256: string;
}

/** A key entering the issuer's history: a certificate key (rotation), or a person's approval key. */
export interface KeyLogged {
  type: 'key';
  role: 'certificate' | 'approval';
  keyid: string;
  validFrom: string;
  validUntil?: string;
  /** An approval key's person and roles. */
  person?: string;
  roles?: string[];
}

export interface KeyRevocationLogged {
  type: 'key-revocation';
  role: 'certificate' | 'approval';
  keyid: string;
  revokedAt: string;
  reason: string;
}

/** A vendor's certificate, verified and attached to an order as evidence for a derived artifact (section 5.10). */
export interface VendorCertificateLogged {
  type: 'vendor-certificate';
  orderId: string;
  artifact: string;
  vendor: string;
  certificateId: string;
  certificateSha256: string;
  trustSha256: string;
  keyid: string;
}

export type LogEvent = CertificateLogged | KeyLogged | KeyRevocationLogged | VendorCertificateLogged;
export const LOG_EVENT_TYPES = ['certificate', 'key', 'key-revocation', 'vendor-certificate'] as const;

/** The leaf input of an event: the prefix and its RFC 8785 JSON. */
export function logEntryBytes(event: LogEvent): Uint8Array {
  const bytes = concatBytes(utf8Encode(LOG_ENTRY_PREFIX), canonicalizeToBytes(event));
  if (bytes.length > MAX_LOG_ENTRY_BYTES) throw new TypeError(`a log entry of ${bytes.length} bytes; at most ${MAX_LOG_ENTRY_BYTES}`);
  return bytes;
}

/** The event that logs a certificate, from its envelope and the statement it verified to. */
export function certificateLogEvent(envelope: Pick<DsseEnvelope, 'payload'>, statement: Pick<AnyCertificateStatement, 'certificateId' | 'order' | 'issuedAt' | 'issuer'>): CertificateLogged {
  const payload = tryBase64Decode(envelope.payload);
  if (!payload) throw new VerificationError('ENVELOPE_MALFORMED', 'the payload is not base64');
  return {
    type: 'certificate',
    certificateId: statement.certificateId,
    orderId: statement.order.id,
    issuedAt: statement.issuedAt,
    keyid: statement.issuer.keyid,
    statementSha256: bytesToHex(sha256(payload)),
  };
}

/**
 * Reads a log entry (a witness or monitor shows what it saw): the prefix,
 * then canonical JSON of an object with a known `type`. Its members are not
 * checked further: an entry says what the log claims, and what it proves
 * comes from the certificate that recomputes it. NOTE_MALFORMED otherwise.
 */
export function parseLogEntry(bytes: Uint8Array): LogEvent {
  const bad = (why: string) => new VerificationError('NOTE_MALFORMED', `log entry: ${why}`);
  let text: string;
  try {
    text = utf8Decode(bytes);
  } catch {
    throw bad('not valid UTF-8');
  }
  if (!text.startsWith(LOG_ENTRY_PREFIX)) throw bad(`does not start with ${JSON.stringify(LOG_ENTRY_PREFIX)}`);
  let parsed: ReturnType<typeof parseCanonical>;
  try {
    parsed = parseCanonical(text.slice(LOG_ENTRY_PREFIX.length));
  } catch (e) {
    throw bad(`not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!parsed.canonical) throw bad('not in RFC 8785 canonical form');
  const v = parsed.value;
  if (!isObject(v) || !(LOG_EVENT_TYPES as readonly unknown[]).includes(v.type)) throw bad(`type is not one of ${LOG_EVENT_TYPES.join(', ')}`);
  return v as unknown as LogEvent;
}
