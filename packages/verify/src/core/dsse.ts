// DSSE v1 envelopes (secure-systems-lab/dsse, envelope.md and protocol.md):
// the signature covers PAE(payloadType, payload) =
//   "DSSEv1" SP LEN(type) SP type SP LEN(payload) SP payload
// where LEN is the byte length in ASCII decimal, and never the JSON around it.
import { base64Encode, concatBytes, tryBase64Decode, utf8Encode } from './bytes.js';
import { type Signer, type TrustedKey, verifySignature } from './ed25519.js';
import { VerificationError } from './errors.js';

export interface DsseSignature {
  keyid: string;
  sig: string;
}

export interface DsseEnvelope {
  payloadType: string;
  payload: string;
  signatures: DsseSignature[];
}

export function pae(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = utf8Encode(payloadType);
  return concatBytes(
    utf8Encode(`DSSEv1 ${type.length} `),
    type,
    utf8Encode(` ${payload.length} `),
    payload,
  );
}

export function signEnvelope(payloadType: string, payload: Uint8Array, signers: readonly Signer[]): DsseEnvelope {
  const message = pae(payloadType, payload);
  return {
    payloadType,
    payload: base64Encode(payload),
    signatures: signers.map((s) => ({ keyid: s.keyid, sig: base64Encode(s.sign(message)) })),
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Checks the shape of an untrusted envelope. Every member is attacker
 * controlled: check types before use, and never trust a keyid to mean
 * anything but a hint for which trusted key to try.
 */
export function parseEnvelope(input: unknown): DsseEnvelope {
  if (!isRecord(input)) throw new VerificationError('ENVELOPE_MALFORMED', 'envelope is not a JSON object');
  const { payloadType, payload, signatures } = input;
  if (typeof payloadType !== 'string') throw new VerificationError('ENVELOPE_MALFORMED', 'payloadType is not a string');
  if (typeof payload !== 'string') throw new VerificationError('ENVELOPE_MALFORMED', 'payload is not a string');
  if (!Array.isArray(signatures)) throw new VerificationError('ENVELOPE_MALFORMED', 'signatures is not an array');
  if (signatures.length === 0) throw new VerificationError('SIGNATURE_MISSING', 'the envelope has no signatures');
  const sigs: DsseSignature[] = signatures.map((s, i) => {
    if (!isRecord(s) || typeof s.sig !== 'string' || (s.keyid !== undefined && typeof s.keyid !== 'string')) {
      throw new VerificationError('ENVELOPE_MALFORMED', `signatures[${i}] is not {keyid?: string, sig: string}`);
    }
    return { keyid: (s.keyid as string | undefined) ?? '', sig: s.sig };
  });
  return { payloadType, payload, signatures: sigs };
}

export interface VerifiedEnvelope {
  /** One of the expected payload types: the one the envelope names, which the signature covers. */
  payloadType: string;
  payload: Uint8Array;
  /** The trusted key whose signature verified. */
  keyid: string;
}

/**
 * Verifies that at least one signature is a valid Ed25519 signature by one of
 * the trusted keys, over an envelope of one of the expected payload types
 * (PAYLOAD_TYPE_WRONG otherwise). A signature whose keyid names a trusted key
 * must verify: a bad signature under a trusted keyid is SIGNATURE_INVALID even
 * when another signature is good, so that tampering is never silently ignored.
 */
export function verifyEnvelope(input: unknown, expectedPayloadType: string | readonly string[], trustedKeys: readonly TrustedKey[]): VerifiedEnvelope {
  const env = parseEnvelope(input);
  const expected = typeof expectedPayloadType === 'string' ? [expectedPayloadType] : expectedPayloadType;
  if (!expected.includes(env.payloadType)) {
    const want = expected.map((t) => JSON.stringify(t)).join(' or ');
    throw new VerificationError('PAYLOAD_TYPE_WRONG', `payloadType ${JSON.stringify(env.payloadType)}, want ${want}`);
  }
  const payload = tryBase64Decode(env.payload);
  if (!payload) throw new VerificationError('BASE64_INVALID', 'payload is not valid base64');
  const message = pae(env.payloadType, payload);

  let verifiedBy: string | undefined;
  for (const [i, s] of env.signatures.entries()) {
    const candidates = s.keyid === '' ? trustedKeys : trustedKeys.filter((k) => k.keyid === s.keyid);
    if (candidates.length === 0) continue;
    const sig = tryBase64Decode(s.sig);
    if (!sig) throw new VerificationError('BASE64_INVALID', `signatures[${i}].sig is not valid base64`);
    const good = candidates.find((k) => verifySignature(sig, message, k.publicKey));
    if (good) verifiedBy ??= good.keyid;
    else if (s.keyid !== '') throw new VerificationError('SIGNATURE_INVALID', `signatures[${i}] does not verify under key ${s.keyid}`);
  }
  if (verifiedBy === undefined) {
    const named = env.signatures.map((s) => s.keyid || '(none)').join(', ');
    throw new VerificationError('KEY_UNTRUSTED', `no signature by a trusted key (signed by: ${named})`);
  }
  return { payloadType: env.payloadType, payload, keyid: verifiedBy };
}
