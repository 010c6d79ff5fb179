// Writes test/vectors/ed25519/derived.json (signatures made here with the
// naive RFC 8032 arithmetic of ./reference.ts) and certificates/<name>/
// (certificates signed that way over docs/FORMAT.md's worked example, with
// the example's records). taming-eddsas.json is not written here: it is the
// published data (README.md). Run: node --import tsx test/vectors/ed25519/generate.ts
// test/core/ed25519-strict.test.ts checks that the files on disk are what
// this script writes.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, canonicalizeToBytes, CERTIFICATE_PAYLOAD_TYPE, keyIdOf, pae, publicKeyToPem, type Signer, signCertificate, utf8Encode } from '../../../packages/verify/src/core/index.js';
import { buildExample } from '../../../scripts/example-certificate.js';
import { add, BASE, challenge, decode, encode, equal, IDENTITY, L, multiply, type Point, RULES, type RuleSet, scalarBytes, verify } from './reference.js';

export const ED25519_VECTOR_DIR = dirname(fileURLToPath(import.meta.url));
export const CERTIFICATE_SETS_DIR = join(ED25519_VECTOR_DIR, 'certificates');

/** What each rule set decides (./reference.ts's RULES), and what `openssl pkeyutl -verify -rawin` did. */
export type Decisions = Record<RuleSet, boolean> & { openssl: boolean };

export interface Ed25519Vector {
  name: string;
  description: string;
  /** Hex. */
  message: string;
  publicKey: string;
  signature: string;
  expect: Decisions;
}

export interface VectorFile {
  source: string;
  vectors: Ed25519Vector[];
}

export function readVectorFile(name: 'taming-eddsas.json' | 'derived.json'): VectorFile {
  return JSON.parse(readFileSync(join(ED25519_VECTOR_DIR, name), 'utf8')) as VectorFile;
}

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => Number.parseInt(b, 16)));
const littleEndian = (b: Uint8Array) => b.reduceRight((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
/** A scalar mod L from a label: deterministic, so the files never change. */
const scalarFrom = (label: string) => littleEndian(sha512(utf8Encode(label))) % L;
const concat = (a: Uint8Array, b: Uint8Array) => Uint8Array.from([...a, ...b]);

/**
 * What OpenSSL 3.0 (`openssl pkeyutl -verify -pubin -rawin`, Debian's 3.0.x)
 * did with each derived vector and certificate: it accepts what its
 * cofactorless check accepts, small-order and non-canonical keys included.
 * test/independent/ed25519-openssl.test.ts runs openssl and checks these.
 */
const OPENSSL: Record<string, boolean> = {
  'rfc8032-test-2': true,
  'rfc8032-test-2-s-plus-l': false,
  'identity-key': true,
  'identity-key-other-message': true,
  'noncanonical-identity-key': true,
  'negative-zero-identity-key': true,
  'order-2-key': true,
  'mixed-order-key-cofactored-only': false,
};

/** The 32-byte encodings used below, written out so that a reader can see them. */
export const ENCODINGS = {
  /** The identity (0, 1): y = 1, sign 0. */
  identity: '0100000000000000000000000000000000000000000000000000000000000000',
  /** y = p + 1, which is 1 mod p: the identity, non-canonical (y >= p). */
  identityNonCanonical: 'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  /** y = 1 with the sign bit set although x = 0: the identity, non-canonical ("-0"). */
  identityNegativeZero: '0100000000000000000000000000000000000000000000000000000000000080',
  /** (0, -1), the point of order 2: y = p - 1. */
  order2: 'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  /** A point of order 8 (the small-order key of the "Taming the many EdDSAs" vectors 0 and 1, sign bit clear). */
  order8: 'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
};

function decisions(name: string, signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): Decisions {
  const openssl = OPENSSL[name];
  if (openssl === undefined) throw new Error(`no recorded openssl decision for ${name}`);
  const out = Object.fromEntries(Object.entries(RULES).map(([k, rules]) => [k, verify(rules, signature, message, publicKey)])) as Record<RuleSet, boolean>;
  return { ...out, openssl };
}

/** A signature with R = the identity and S = 0: valid for every message under a key whose [k]A vanishes (under [8], or exactly). */
const identitySignature = () => concat(hex(ENCODINGS.identity), new Uint8Array(32));

/** Key (0, -1) of order 2: R is the identity or the key itself, whichever makes R + [k]A the identity for this message (also cofactorless). */
function order2Signature(message: Uint8Array): Uint8Array | undefined {
  const a = hex(ENCODINGS.order2);
  for (const r of [hex(ENCODINGS.identity), a]) {
    const k = challenge(r, a, message);
    const rIsIdentity = r[0] === 1;
    if ((k % 2n === 0n) === rIsIdentity) return concat(r, new Uint8Array(32));
  }
  return undefined;
}

/** A key [a]B + T with T of order 8, and its holder's signatures with R = [r]B: the cofactored check passes, the cofactorless one only when 8 divides k. */
export function mixedOrderKey(): { secret: bigint; publicKey: Uint8Array; point: Point } {
  const torsion = decode(hex(ENCODINGS.order8), true)!;
  if (!equal(multiply(torsion, 8n), IDENTITY) || equal(multiply(torsion, 4n), IDENTITY)) throw new Error('ENCODINGS.order8 is not of order 8');
  const secret = scalarFrom('shredproof test vector: mixed-order key');
  const point = add(multiply(BASE, secret), torsion);
  return { secret, publicKey: encode(point), point };
}

function mixedOrderSignature(message: Uint8Array): Uint8Array {
  const key = mixedOrderKey();
  for (let i = 0; ; i++) {
    const r = scalarFrom(`shredproof test vector: nonce ${i}`);
    const rBytes = encode(multiply(BASE, r));
    const k = challenge(rBytes, key.publicKey, message);
    if (k % 8n === 0n) continue; // [k]T vanishes: the cofactorless check would pass too
    return concat(rBytes, scalarBytes((r + k * key.secret) % L));
  }
}

/**
 * RFC 8032 section 7.1, TEST 2 (the one-byte message 0x72): every verifier
 * accepts it. (TEST 1 signs the empty message, which `openssl pkeyutl -rawin`
 * 3.0 cannot read: "Could not allocate 0 bytes for oneshot sign/verify buffer".)
 */
const RFC8032_TEST_2 = {
  message: '72',
  publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
  signature: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
};

export function derivedVectors(): Ed25519Vector[] {
  const anyMessage = utf8Encode('any message');
  const test2 = { message: hex(RFC8032_TEST_2.message), publicKey: hex(RFC8032_TEST_2.publicKey), signature: hex(RFC8032_TEST_2.signature) };
  const sPlusL = concat(test2.signature.subarray(0, 32), scalarBytes(littleEndian(test2.signature.subarray(32)) + L));
  const order2Message = utf8Encode('a message signed by the key of order 2');
  const mixedMessage = utf8Encode('a message signed by a key with a small-order component');
  const raw: Array<[string, string, Uint8Array, Uint8Array, Uint8Array]> = [
    ['rfc8032-test-2', 'RFC 8032 section 7.1 TEST 2: an ordinary valid signature, the control', test2.message, test2.publicKey, test2.signature],
    ['rfc8032-test-2-s-plus-l', 'TEST 2 with S + L in place of S: the same point equation, a non-canonical scalar (S >= L); the classic malleability', test2.message, test2.publicKey, sPlusL],
    ['identity-key', 'public key = the identity (01 then 31 zero bytes), R = the identity, S = 0 (issue 21): holds for every message under every equation; only a small-order key check refuses it', anyMessage, hex(ENCODINGS.identity), identitySignature()],
    ['identity-key-other-message', 'the same key and signature over another message: it does not depend on the message', utf8Encode('another message'), hex(ENCODINGS.identity), identitySignature()],
    ['noncanonical-identity-key', 'public key = the identity encoded with y = p + 1 (non-canonical), R = the identity, S = 0: ZIP-215 accepts, RFC 8032 decoding fails', anyMessage, hex(ENCODINGS.identityNonCanonical), identitySignature()],
    ['negative-zero-identity-key', 'public key = the identity with the sign bit set (x = 0, so non-canonical), R = the identity, S = 0: ZIP-215 accepts, RFC 8032 decoding fails', anyMessage, hex(ENCODINGS.identityNegativeZero), identitySignature()],
    ['order-2-key', 'public key = (0, -1) of order 2, S = 0, R chosen so that R + [k]A is the identity: every RFC 8032 equation holds; only a small-order key check refuses it', order2Message, hex(ENCODINGS.order2), order2Signature(order2Message)!],
    ['mixed-order-key-cofactored-only', 'public key = [a]B + T, T of order 8, signed by the holder of a with 8 not dividing k: the cofactored equation holds, the cofactorless one does not', mixedMessage, mixedOrderKey().publicKey, mixedOrderSignature(mixedMessage)],
  ];
  return raw.map(([name, description, message, publicKey, signature]) => ({
    name,
    description,
    message: bytesToHex(message),
    publicKey: bytesToHex(publicKey),
    signature: bytesToHex(signature),
    expect: decisions(name, signature, message, publicKey),
  }));
}

export interface CertificateSet {
  name: string;
  description: string;
  files: { 'certificate.json': string; 'public-key.pem': string; 'records.ndjson': string; 'expected.json': string };
}

/** What a shredproof verifier (core, CLI, page) must answer: 'ok' or the code; and the signature's decisions over the PAE bytes. */
export interface CertificateExpectation {
  description: string;
  verdict: 'ok' | 'SIGNATURE_INVALID';
  signature: Decisions;
}

/** The worked example re-issued under `publicKey`, signed by `sign` (over the PAE bytes). */
function certificateSet(name: string, description: string, publicKey: Uint8Array, sign: (message: Uint8Array) => Uint8Array | undefined): CertificateSet {
  const example = buildExample();
  const keyid = keyIdOf(publicKey);
  // Some signatures exist only for some messages: vary the certificate id until one does.
  for (let i = 0; i < 16; i++) {
    const statement = { ...example.statement, certificateId: i === 0 ? `cert-${name}` : `cert-${name}-${i}`, issuer: { ...example.statement.issuer, keyid } };
    const message = pae(CERTIFICATE_PAYLOAD_TYPE, canonicalizeToBytes(statement));
    const signature = sign(message);
    if (!signature) continue;
    const signer: Signer = { keyid, publicKey, sign: () => signature };
    const expect = decisions(name, signature, message, publicKey);
    const expected: CertificateExpectation = { description, verdict: expect.shredproof ? 'ok' : 'SIGNATURE_INVALID', signature: expect };
    return {
      name,
      description,
      files: {
        'certificate.json': JSON.stringify(signCertificate(statement, signer), null, 2) + '\n',
        'public-key.pem': publicKeyToPem(publicKey),
        'records.ndjson': example.lines.map((l) => l + '\n').join(''),
        'expected.json': JSON.stringify(expected, null, 2) + '\n',
      },
    };
  }
  throw new Error(`no signature found for ${name}`);
}

export function certificateSets(): CertificateSet[] {
  return [
    certificateSet('identity-key', 'the example statement "signed" under the identity key with R = the identity and S = 0: anybody can make this for any statement', hex(ENCODINGS.identity), identitySignature),
    certificateSet('noncanonical-identity-key', 'as identity-key, with the key encoded y = p + 1', hex(ENCODINGS.identityNonCanonical), identitySignature),
    certificateSet('negative-zero-identity-key', 'as identity-key, with the key encoded with the sign bit set', hex(ENCODINGS.identityNegativeZero), identitySignature),
    certificateSet('order-2-key', 'the example statement under the key (0, -1) of order 2, S = 0: anybody can make this for any statement', hex(ENCODINGS.order2), order2Signature),
    certificateSet('mixed-order-key-cofactored-only', 'the example statement signed by the holder of a key [a]B + T (T of order 8) so that only the cofactored equation holds: valid by RFC 8032 as written and here, refused by cofactorless verifiers such as openssl', mixedOrderKey().publicKey, mixedOrderSignature),
  ];
}

/** Every file this script writes, by path relative to test/vectors/ed25519/. */
export function generatedFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const derived: VectorFile = {
    source: 'made by test/vectors/ed25519/generate.ts with the RFC 8032 arithmetic of reference.ts (rfc8032-test-2 is RFC 8032 section 7.1 TEST 2); see README.md',
    vectors: derivedVectors(),
  };
  files.set('derived.json', JSON.stringify(derived, null, 2) + '\n');
  for (const set of certificateSets()) for (const [file, text] of Object.entries(set.files)) files.set(join('certificates', set.name, file), text);
  return files;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  rmSync(CERTIFICATE_SETS_DIR, { recursive: true, force: true });
  for (const [path, text] of generatedFiles()) {
    mkdirSync(dirname(join(ED25519_VECTOR_DIR, path)), { recursive: true });
    writeFileSync(join(ED25519_VECTOR_DIR, path), text);
  }
  console.log(`wrote ${generatedFiles().size} files under ${ED25519_VECTOR_DIR}`);
}
