// Destruction certificates: a statement of version 1 (statement.ts) or 2
// (statement-v2.ts) signed as a DSSE v1 envelope with Ed25519 (dsse.ts,
// ed25519.ts). The payload type says the version (docs/FORMAT.md section
// 5.4): each type carries only its own. verifyCertificate checks the
// signature before it parses the payload: nothing unauthenticated is trusted.
import { canonicalizeToBytes } from './canonical-json.js';
import { type DsseEnvelope, signEnvelope, verifyEnvelope } from './dsse.js';
import type { Signer, TrustedKey } from './ed25519.js';
import { ValidationError, VerificationError } from './errors.js';
import { CERTIFICATE_PAYLOAD_TYPE, STATEMENT_VERSION, validateStatement } from './statement.js';
import { type AnyCertificateStatement, CERTIFICATE_PAYLOAD_TYPE_V2, STATEMENT_VERSION_V2, validateStatementV2 } from './statement-v2.js';
import { decodeInput, parseJsonInput } from './strict-json.js';
import { isObject } from './validate.js';

export interface VerifiedCertificate {
  statement: AnyCertificateStatement;
  /** The key id of the trusted key that signed it. */
  keyid: string;
}

/** Each payload type, the statement version it carries and that version's validation. */
const VERSIONS = [
  { payloadType: CERTIFICATE_PAYLOAD_TYPE, version: STATEMENT_VERSION, validate: validateStatement },
  { payloadType: CERTIFICATE_PAYLOAD_TYPE_V2, version: STATEMENT_VERSION_V2, validate: validateStatementV2 },
] as const;
const PAYLOAD_TYPES = VERSIONS.map((v) => v.payloadType);

/** Validates the statement, then signs its RFC 8785 bytes under its version's payload type. The issuer keyid must be the signer's. */
export function signCertificate(statement: AnyCertificateStatement, signer: Signer): DsseEnvelope {
  const v = VERSIONS.find((x) => x.version === statement.version) ?? VERSIONS[0];
  v.validate(statement);
  if (statement.issuer.keyid !== signer.keyid) {
    throw new ValidationError('invalid certificate statement', [
      { path: '$.issuer.keyid', problem: `is ${statement.issuer.keyid}, but the signing key is ${signer.keyid}` },
    ]);
  }
  return signEnvelope(v.payloadType, canonicalizeToBytes(statement), [signer]);
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
 * statement, of the version its payload type names (VERSION_UNSUPPORTED for
 * a statement of another version). Unknown envelope members are ignored, as
 * DSSE requires (envelope.md, "Parsing rules"): they are not signed. Throws
 * VerificationError.
 */
export function verifyCertificate(envelope: unknown, trustedKeys: readonly TrustedKey[]): VerifiedCertificate {
  const input = typeof envelope === 'string' || envelope instanceof Uint8Array ? parseCertificate(envelope) : envelope;
  const { payloadType, payload, keyid } = verifyEnvelope(input, PAYLOAD_TYPES, trustedKeys);
  const v = VERSIONS.find((x) => x.payloadType === payloadType)!; // verifyEnvelope accepted only these
  // The payload is signed, but the signer may be buggy or lying: parse it as strictly as any input.
  const text = decodeInput(payload, 'the signed statement');
  const { value, canonical } = parseJsonInput(text, 'the signed statement', 'STATEMENT_INVALID');
  if (isObject(value) && value.version !== v.version) {
    throw new VerificationError('VERSION_UNSUPPORTED', `statement version ${JSON.stringify(value.version)} under payload type ${payloadType}, which carries version ${v.version}`);
  }
  let statement: AnyCertificateStatement;
  try {
    statement = v.validate(value);
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
