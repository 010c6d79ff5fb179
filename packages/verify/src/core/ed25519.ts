// Ed25519 (RFC 8032) through @noble/ed25519, strict: signatures are checked
// with `zip215: false`, so non-canonical encodings and small-order keys fail.
// Public keys travel as PEM SubjectPublicKeyInfo (RFC 8410), which
// `openssl pkey -pubin` reads; the key id is hex SHA-256 of the raw 32 bytes.
import * as ed from '@noble/ed25519';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { base64Encode, bytesEqual, bytesToHex, tryBase64Decode } from './bytes.js';
import { VerificationError } from './errors.js';

// The one place that wires SHA-512 into noble's synchronous API.
ed.hashes.sha512 = sha512;

export const ED25519_PUBLIC_KEY_LENGTH = 32;
export const ED25519_SIGNATURE_LENGTH = 64;

// DER prefixes from RFC 8410: SPKI = SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING (32 bytes) },
// PKCS#8 v1 = SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING (32-byte seed) } }.
const SPKI_PREFIX = Uint8Array.of(0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00);
const PKCS8_PREFIX = Uint8Array.of(
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
);

export interface TrustedKey {
  keyid: string;
  publicKey: Uint8Array;
}

/** Anything that can produce Ed25519 signatures: a key in memory here, node:crypto or an HSM elsewhere. */
export interface Signer {
  readonly keyid: string;
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

export function keyIdOf(publicKey: Uint8Array): string {
  return bytesToHex(sha256(publicKey));
}

export function trustedKey(publicKey: Uint8Array): TrustedKey {
  if (publicKey.length !== ED25519_PUBLIC_KEY_LENGTH) {
    throw new VerificationError('KEY_MALFORMED', `wrong public key size ${publicKey.length}, want 32`);
  }
  return { keyid: keyIdOf(publicKey), publicKey };
}

/** The lowest-level check; returns false for any malformed input rather than throwing. */
export function verifySignature(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== ED25519_SIGNATURE_LENGTH || publicKey.length !== ED25519_PUBLIC_KEY_LENGTH) return false;
  try {
    return ed.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}

export function publicKeyFromSeed(seed: Uint8Array): Uint8Array {
  return ed.getPublicKey(seed);
}

/** A signer over a raw 32-byte seed held in memory (the browser, tests, the demo). */
export function seedSigner(seed: Uint8Array): Signer {
  const publicKey = ed.getPublicKey(seed);
  return { keyid: keyIdOf(publicKey), publicKey, sign: (message) => ed.sign(message, seed) };
}

function pemBody(pem: string, label: string): Uint8Array | undefined {
  const re = new RegExp(`^-----BEGIN ${label}-----\\r?\\n([A-Za-z0-9+/=\\r\\n]+)-----END ${label}-----\\r?\\n?$`);
  const m = re.exec(pem.trim() + '\n');
  if (!m) return undefined;
  return tryBase64Decode(m[1]!.replace(/\r?\n/g, ''));
}

function toPem(der: Uint8Array, label: string): string {
  const b64 = base64Encode(der);
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

export function publicKeyToPem(publicKey: Uint8Array): string {
  if (publicKey.length !== ED25519_PUBLIC_KEY_LENGTH) throw new TypeError(`Ed25519 public key must be 32 bytes, got ${publicKey.length}`);
  const der = new Uint8Array(SPKI_PREFIX.length + 32);
  der.set(SPKI_PREFIX);
  der.set(publicKey, SPKI_PREFIX.length);
  return toPem(der, 'PUBLIC KEY');
}

/** Reads an Ed25519 public key from PEM SPKI. Throws KEY_MALFORMED for anything else (RSA, EC, truncated, padded). */
export function publicKeyFromPem(pem: string): Uint8Array {
  const der = pemBody(pem, 'PUBLIC KEY');
  if (!der) throw new VerificationError('KEY_MALFORMED', 'not a PEM "PUBLIC KEY" block');
  if (der.length !== SPKI_PREFIX.length + 32 || !bytesEqual(der.subarray(0, SPKI_PREFIX.length), SPKI_PREFIX)) {
    throw new VerificationError('KEY_MALFORMED', `not an Ed25519 SubjectPublicKeyInfo (${der.length} bytes, want 44)`);
  }
  return der.slice(SPKI_PREFIX.length);
}

export function privateKeyToPem(seed: Uint8Array): string {
  if (seed.length !== 32) throw new TypeError('Ed25519 seed must be 32 bytes');
  const der = new Uint8Array(PKCS8_PREFIX.length + 32);
  der.set(PKCS8_PREFIX);
  der.set(seed, PKCS8_PREFIX.length);
  return toPem(der, 'PRIVATE KEY');
}

/** Reads an unencrypted PKCS#8 Ed25519 private key and returns its 32-byte seed. */
export function privateKeyFromPem(pem: string): Uint8Array {
  const der = pemBody(pem, 'PRIVATE KEY');
  if (!der || der.length !== PKCS8_PREFIX.length + 32 || !bytesEqual(der.subarray(0, PKCS8_PREFIX.length), PKCS8_PREFIX)) {
    throw new VerificationError('KEY_MALFORMED', 'not an unencrypted Ed25519 PKCS#8 private key');
  }
  return der.slice(PKCS8_PREFIX.length);
}
