// Destruction certificates: a v1 statement (statement.ts) signed as a DSSE v1
// envelope with Ed25519 (dsse.ts, ed25519.ts). verifyCertificate checks the
// signature before it parses the payload: nothing unauthenticated is trusted.
import { canonicalizeToBytes } from './canonical-json.js';
import { type DsseEnvelope, signEnvelope, verifyEnvelope } from './dsse.js';
import type { Signer, TrustedKey } from './ed25519.js';
import { ValidationError, VerificationError } from './errors.js';
import {
  CERTIFICATE_PAYLOAD_TYPE,
  type CertificateStatement,
  STATEMENT_VERSION,
  validateStatement,
} from './statement.js';
import { decodeInput, parseJsonInput } from './strict-json.js';
import { isObject } from './validate.js';

export interface VerifiedCertificate {
  statement: CertificateStatement;
  /** The key id of the trusted key that signed it. */
  keyid: string;
}

/** Validates the statement, then signs its RFC 8785 bytes. The issuer keyid must be the signer's. */
export function signCertificate(statement: CertificateStatement, signer: Signer): DsseEnvelope {
  validateStatement(statement);
  if (statement.issuer.keyid !== signer.keyid) {
    throw new ValidationError('invalid certificate statement', [
      { path: '$.issuer.keyid', problem: `is ${statement.issuer.keyid}, but the signing key is ${signer.keyid}` },
    ]);
  }
  return signEnvelope(CERTIFICATE_PAYLOAD_TYPE, canonicalizeToBytes(statement), [signer]);
}

/**
 * Parses certificate.json: its bytes as read (strict UTF-8, UTF8_INVALID) or
 * its text. JSON_INVALID for anything that is not JSON; a member name twice
 * in one object or a forbidden one (strict-json.ts) has its own code.
 */
export function parseCertificate(input: Uint8Array | string): unknown {
  const text = typeof input === 'string' ? input : decodeInput(input, 'the certificate');
  return parseJsonInput(text, 'the certificate', 'JSON_INVALID').value;
}

/**
 * Verifies a certificate envelope (certificate.json's bytes or text, or the
 * envelope already parsed) against trusted keys and returns the validated
 * statement. Unknown envelope members are ignored, as DSSE requires
 * (envelope.md, "Parsing rules"): they are not signed. Throws VerificationError.
 */
export function verifyCertificate(envelope: unknown, trustedKeys: readonly TrustedKey[]): VerifiedCertificate {
  const input = typeof envelope === 'string' || envelope instanceof Uint8Array ? parseCertificate(envelope) : envelope;
  const { payload, keyid } = verifyEnvelope(input, CERTIFICATE_PAYLOAD_TYPE, trustedKeys);
  // The payload is signed, but the signer may be buggy or lying: parse it as strictly as any input.
  const text = decodeInput(payload, 'the signed statement');
  const { value, canonical } = parseJsonInput(text, 'the signed statement', 'STATEMENT_INVALID');
  if (isObject(value) && value.version !== STATEMENT_VERSION) {
    throw new VerificationError('VERSION_UNSUPPORTED', `statement version ${JSON.stringify(value.version)}, this verifier reads ${STATEMENT_VERSION}`);
  }
  let statement: CertificateStatement;
  try {
    statement = validateStatement(value);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new VerificationError('STATEMENT_INVALID', msg, { cause: e });
  }
  // docs/FORMAT.md section 5.1: the statement bytes are its RFC 8785 form, so that one statement has one signed form.
  if (!canonical) throw new VerificationError('STATEMENT_NOT_CANONICAL', 'the signed statement is not in RFC 8785 canonical form');
  if (statement.issuer.keyid !== keyid) {
    throw new VerificationError('STATEMENT_INVALID', `issuer.keyid ${statement.issuer.keyid} is not the signing key ${keyid}`);
  }
  return { statement, keyid };
}
