// Destruction certificates: a v1 statement (statement.ts) signed as a DSSE v1
// envelope with Ed25519 (dsse.ts, ed25519.ts). verifyCertificate checks the
// signature before it parses the payload: nothing unauthenticated is trusted.
import { utf8Decode } from './bytes.js';
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

/** Parses certificate JSON text; JSON_INVALID for anything that is not JSON. */
export function parseCertificateText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new VerificationError('JSON_INVALID', 'the certificate is not valid JSON', { cause: e });
  }
}

/**
 * Verifies a certificate envelope (a parsed object or its JSON text) against
 * trusted keys and returns the validated statement. Throws VerificationError.
 */
export function verifyCertificate(envelope: unknown, trustedKeys: readonly TrustedKey[]): VerifiedCertificate {
  const input = typeof envelope === 'string' ? parseCertificateText(envelope) : envelope;
  const { payload, keyid } = verifyEnvelope(input, CERTIFICATE_PAYLOAD_TYPE, trustedKeys);
  let value: unknown;
  try {
    value = JSON.parse(utf8Decode(payload));
  } catch (e) {
    throw new VerificationError('STATEMENT_INVALID', 'the signed payload is not UTF-8 JSON', { cause: e });
  }
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
  if (statement.issuer.keyid !== keyid) {
    throw new VerificationError('STATEMENT_INVALID', `issuer.keyid ${statement.issuer.keyid} is not the signing key ${keyid}`);
  }
  return { statement, keyid };
}
