// A person's key file (`shredproof person keygen`: NAME.key.pem, PKCS#8 PEM,
// optionally encrypted with PBES2) read inside the page, to sign an approval.
// The key never leaves the page: the file is read here, the signature is
// made here with the verifier's own code (the same signApproval the CLI
// uses), and only the signature is sent. An encrypted key is decrypted with
// noble's PBKDF2 and AES-CBC, not WebCrypto, which a browser offers on https
// and localhost only.
//
// The file comes from the person's disk and may be anything: every step of
// the DER below checks the tag and the number of parts it expects, so that
// a damaged or foreign file is refused with a KeyFileError saying what is
// wrong, never with an error of the reader itself.
import { cbc } from '@noble/ciphers/aes.js';
import { pbkdf2Async } from '@noble/hashes/pbkdf2.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { type Signer, seedSigner } from '@shredproof/verify';

export class KeyFileError extends Error {
  override readonly name = 'KeyFileError';
}

/** A key file is a few hundred bytes; the page reads no text longer than this. */
export const MAX_KEY_FILE_TEXT = 64 * 1024;

const NOT_ED25519 = 'the key file is not an Ed25519 private key (shredproof person keygen makes one)';
const WRONG_PASSPHRASE = 'the passphrase does not open this key file';

/** The DER inside a PEM block labelled `label`; undefined when the text has no such block. */
function pemBody(text: string, label: string): Uint8Array | undefined {
  const m = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`).exec(text);
  if (!m) return undefined;
  const damaged = new KeyFileError(`the key file's ${label} block is not valid base64: the file is damaged`);
  const body = m[1]!.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) throw damaged;
  let bin: string;
  try {
    bin = atob(body);
  } catch {
    throw damaged; // atob's InvalidCharacterError: a length no base64 has
  }
  if (bin.length === 0) throw new KeyFileError(`the key file's ${label} block is empty`);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

// A DER reader (X.690) for the few types PKCS#8 and PBES2 use: enough to walk them, checking each step, nothing more.
interface Tlv {
  tag: number;
  body: Uint8Array;
  /** Where the element ends in what holds it. */
  end: number;
}
/** Makes the error for a structure that is not the one expected: `why` names the part and what is wrong with it. */
type Bad = (why: string) => KeyFileError;

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const OCTET_STRING = 0x04;
const NULL = 0x05;
const OBJECT_IDENTIFIER = 0x06;
/** OneAsymmetricKey's attributes, [0] IMPLICIT (constructed). */
const ATTRIBUTES = 0xa0;
/** OneAsymmetricKey's publicKey, [1] IMPLICIT BIT STRING (primitive). */
const PUBLIC_KEY = 0x81;
const TAG_NAMES: Record<number, string> = {
  [SEQUENCE]: 'a SEQUENCE',
  [INTEGER]: 'an INTEGER',
  [OCTET_STRING]: 'an OCTET STRING',
  [NULL]: 'a NULL',
  [OBJECT_IDENTIFIER]: 'an OBJECT IDENTIFIER',
  [ATTRIBUTES]: 'a [0]',
  [PUBLIC_KEY]: 'a [1]',
};
const tagName = (tag: number) => TAG_NAMES[tag] ?? `tag 0x${tag.toString(16).padStart(2, '0')}`;

/** The element at `at` of `b`, which is `part`. */
function element(b: Uint8Array, at: number, part: string, bad: Bad): Tlv {
  const tag = b[at];
  let len = b[at + 1];
  if (tag === undefined || len === undefined) throw bad(`${part} is cut short`);
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n < 1 || n > 3) throw bad(`${part} has a length this page does not read`);
    if (start + n > b.length) throw bad(`${part} is cut short`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[start + i]!;
    start += n;
  }
  if (start + len > b.length) throw bad(`${part} is cut short`);
  return { tag, body: b.subarray(start, start + len), end: start + len };
}

/** `t`, checked to be `part` with tag `tag`. */
function expect(t: Tlv, tag: number, part: string, bad: Bad): Tlv {
  if (t.tag !== tag) throw bad(`${part} is ${tagName(t.tag)}, not ${tagName(tag)}`);
  return t;
}

/** The one element, with tag `tag`, that `b` holds and nothing after it. */
function whole(b: Uint8Array, tag: number, part: string, bad: Bad): Tlv {
  if (b.length > 0 && b[0] !== tag) throw bad(`${part} is ${tagName(b[0]!)}, not ${tagName(tag)}`);
  const t = expect(element(b, 0, part, bad), tag, part, bad);
  if (t.end !== b.length) throw bad(`${part} has ${b.length - t.end} byte(s) after its end`);
  return t;
}

/** The parts of `t`, a SEQUENCE that is `part`, with `min` to `max` of them. */
function parts(t: Tlv, part: string, min: number, max: number, bad: Bad): Tlv[] {
  expect(t, SEQUENCE, part, bad);
  const out: Tlv[] = [];
  for (let at = 0; at < t.body.length; at = out[out.length - 1]!.end) {
    if (out.length === max) throw bad(`${part} has more than ${max} part(s)`);
    out.push(element(t.body, at, `part ${out.length + 1} of ${part}`, bad));
  }
  if (out.length < min) throw bad(`${part} has ${out.length} part(s), not ${min === max ? min : `${min} to ${max}`}`);
  return out;
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
/** An OBJECT IDENTIFIER's DER body, as hex. */
const oid = (t: Tlv, part: string, bad: Bad) => hex(expect(t, OBJECT_IDENTIFIER, part, bad).body);
/** A non-negative INTEGER of at most 6 bytes (a safe integer); undefined when larger or negative. */
function int(t: Tlv, part: string, bad: Bad): number | undefined {
  const b = expect(t, INTEGER, part, bad).body;
  if (b.length === 0) throw bad(`${part} is an empty INTEGER`);
  if (b[0]! & 0x80 || b.length > 6) return undefined;
  return b.reduce((n, x) => n * 256 + x, 0);
}
/** An AlgorithmIdentifier `part`: its OID (hex) and its parameters, if any. */
function algorithm(t: Tlv, part: string, bad: Bad): { oid: string; params?: Tlv } {
  const [id, params] = parts(t, part, 1, 2, bad);
  return { oid: oid(id!, `the OID of ${part}`, bad), ...(params ? { params } : {}) };
}

// OIDs (DER bodies): Ed25519 1.3.101.112, PBES2 1.2.840.113549.1.5.13, PBKDF2 ...1.5.12, hmacWithSHA256 1.2.840.113549.2.9, aes256-CBC 2.16.840.1.101.3.4.1.42.
const ED25519 = '2b6570';
const PBES2 = '2a864886f70d01050d';
const PBKDF2 = '2a864886f70d01050c';
const HMAC_SHA256 = '2a864886f70d0209';
const AES256_CBC = '60864801650304012a';

/**
 * The Ed25519 seed of a PrivateKeyInfo (PKCS#8, RFC 5208) or OneAsymmetricKey
 * (RFC 5958, version 1 with its public key, as some tools write Ed25519 keys):
 * version 0 or 1, algorithm 1.3.101.112 with no parameters, an OCTET STRING
 * holding the 32-byte seed as an OCTET STRING (RFC 8410 section 7), then
 * optional [0] attributes and [1] public key. A public key, when present,
 * must be the seed's own.
 */
function seedOf(der: Uint8Array, bad: Bad): Uint8Array {
  const [version, alg, privateKey, ...rest] = parts(whole(der, SEQUENCE, 'the private key', bad), 'the private key', 3, 5, bad);
  const v = int(version!, 'the private key\'s version', bad);
  if (v !== 0 && v !== 1) throw bad(`the private key's version is ${v ?? 'out of range'}, not 0 (PKCS#8) or 1 (RFC 5958)`);
  const { oid: algOid, params } = algorithm(alg!, 'the private key\'s algorithm', bad);
  if (algOid !== ED25519) throw new KeyFileError(NOT_ED25519);
  if (params) throw bad('the private key\'s Ed25519 algorithm has parameters; RFC 8410 gives it none');
  const inner = expect(privateKey!, OCTET_STRING, 'the private key\'s key', bad).body;
  const seed = whole(inner, OCTET_STRING, 'the Ed25519 private key', bad).body;
  if (seed.length !== 32) throw bad(`the Ed25519 private key is ${seed.length} bytes, not 32`);
  let publicKey: Uint8Array | undefined;
  let next = 0;
  if (rest[next]?.tag === ATTRIBUTES) next++;
  if (rest[next]?.tag === PUBLIC_KEY) {
    const bits = rest[next]!.body;
    if (bits.length !== 33 || bits[0] !== 0) throw bad(`the private key's public key is ${Math.max(bits.length - 1, 0)} bytes${bits[0] ? ` with ${bits[0]} unused bit(s)` : ''}, not 32`);
    if (v !== 1) throw bad('the private key is version 0 but carries a public key, which only version 1 (RFC 5958) may');
    publicKey = bits.subarray(1);
    next++;
  }
  if (next < rest.length) throw bad(`the private key has ${tagName(rest[next]!.tag)} after its key, where only [0] attributes and then a [1] public key may be`);
  if (publicKey && hex(seedSigner(seed).publicKey) !== hex(publicKey)) {
    throw new KeyFileError('the key file\'s public key is not the public key of its private key: the file is damaged or was put together wrongly');
  }
  return seed.slice();
}

/** More than any key file needs (OpenSSL writes 2,048); a file asking more would hold the page for minutes. */
const MAX_ITERATIONS = 10_000_000;

/** The PrivateKeyInfo inside an EncryptedPrivateKeyInfo (PKCS#8) encrypted as OpenSSL does: PBES2, PBKDF2 with HMAC-SHA256, AES-256-CBC. */
async function decrypt(der: Uint8Array, passphrase: string): Promise<Uint8Array> {
  const bad: Bad = (why) => new KeyFileError(`the encrypted key file is not PBES2 parameters as OpenSSL writes them: ${why}`);
  const [alg, data] = parts(whole(der, SEQUENCE, 'the encrypted key', bad), 'the encrypted key', 2, 2, bad);
  const scheme = algorithm(alg!, 'the encryption scheme', bad);
  if (scheme.oid !== PBES2) throw new KeyFileError('the key file is encrypted with a scheme other than PBES2');
  if (!scheme.params) throw bad('the PBES2 scheme has no parameters');
  const [kdf, enc] = parts(scheme.params, 'the PBES2 parameter list', 2, 2, bad);
  const derivation = algorithm(kdf!, 'the key derivation', bad);
  if (derivation.oid !== PBKDF2) throw new KeyFileError('the key file derives its key with something other than PBKDF2');
  if (!derivation.params) throw bad('the PBKDF2 function has no parameters');
  // PBKDF2-params (RFC 8018 A.2): salt, iterationCount, keyLength OPTIONAL, prf DEFAULT hmacWithSHA1.
  const [salt, count, ...more] = parts(derivation.params, 'the PBKDF2 parameter list', 2, 4, bad);
  expect(salt!, OCTET_STRING, 'the PBKDF2 salt', bad);
  const iterations = int(count!, 'the PBKDF2 iteration count', bad);
  if (iterations === undefined || iterations < 1 || iterations > MAX_ITERATIONS) throw new KeyFileError(`the key file asks for ${iterations ?? 'an out-of-range number of'} PBKDF2 iterations; this page takes 1 to ${MAX_ITERATIONS}`);
  const keyLength = more[0]?.tag === INTEGER ? more.shift() : undefined;
  if (keyLength && int(keyLength, 'the PBKDF2 key length', bad) !== 32) throw bad('the PBKDF2 key length is not 32 bytes, the key of AES-256');
  const prf = more.shift();
  if (more.length > 0) throw bad('the PBKDF2 parameter list has a part after its hash');
  // With no hash named, PBKDF2 uses HMAC-SHA1 (what OpenSSL before 1.1 wrote).
  const hash = prf ? algorithm(prf, 'the PBKDF2 hash', bad) : undefined;
  if (hash?.oid !== HMAC_SHA256) throw new KeyFileError(`the key file uses a PBKDF2 hash other than SHA-256${hash ? '' : ' (HMAC-SHA1, which it names by naming none)'}`);
  if (hash.params && hash.params.tag !== NULL) throw bad('the HMAC-SHA256 algorithm has parameters other than NULL');
  const cipher = algorithm(enc!, 'the encryption', bad);
  if (cipher.oid !== AES256_CBC) throw new KeyFileError('the key file is encrypted with a cipher other than AES-256-CBC');
  if (!cipher.params) throw bad('the AES-256-CBC cipher has no IV');
  const iv = expect(cipher.params, OCTET_STRING, 'the AES-256-CBC IV', bad).body;
  const ciphertext = expect(data!, OCTET_STRING, 'the encrypted data', bad).body;
  // Damage, not a wrong passphrase: no passphrase could open these.
  if (iv.length !== 16) throw new KeyFileError(`the encrypted key file is damaged: its AES-256-CBC IV is ${iv.length} bytes, not 16`);
  if (ciphertext.length === 0 || ciphertext.length % 16 !== 0) throw new KeyFileError(`the encrypted key file is damaged: its encrypted data is ${ciphertext.length} bytes, not a (non-zero) multiple of 16`);
  const key = await pbkdf2Async(sha256, new TextEncoder().encode(passphrase), salt!.body, { c: iterations, dkLen: 32 });
  let plain: Uint8Array;
  try {
    plain = cbc(key, iv).decrypt(ciphertext);
  } catch {
    throw new KeyFileError(WRONG_PASSPHRASE);
  }
  return plain;
}

/** Whether a key file's text is encrypted (the page then asks for its passphrase). */
export const isEncrypted = (text: string) => text.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----');

/** The signer of a key file's text; `passphrase` opens an encrypted one. */
export async function signerFromKeyFile(text: string, passphrase?: string): Promise<Signer> {
  // Characters, each at least one byte: a text over the limit in characters is over it in bytes.
  if (text.length > MAX_KEY_FILE_TEXT) throw new KeyFileError(`the file is larger than ${MAX_KEY_FILE_TEXT / 1024} KiB: a key file is a few hundred bytes, so this is not one`);
  const plain = pemBody(text, 'PRIVATE KEY');
  if (plain) return seedSigner(seedOf(plain, (why) => new KeyFileError(`the key file is not a PKCS#8 private key as OpenSSL writes one: ${why}`)));
  const encrypted = pemBody(text, 'ENCRYPTED PRIVATE KEY');
  if (!encrypted) throw new KeyFileError('this is not a PEM private key file (the NAME.key.pem that shredproof person keygen wrote)');
  if (!passphrase) throw new KeyFileError('the key file is encrypted: give its passphrase');
  const der = await decrypt(encrypted, passphrase);
  // A wrong passphrase can end in valid padding by chance (1 in 256): what it opens must still be a private key.
  return seedSigner(seedOf(der, () => new KeyFileError(WRONG_PASSPHRASE)));
}
