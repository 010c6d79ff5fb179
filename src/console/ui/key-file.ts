// A person's key file (`shredproof person keygen`: NAME.key.pem, PKCS#8 PEM,
// optionally encrypted with PBES2) read inside the page, to sign an approval.
// The key never leaves the page: the file is read here, the signature is
// made here with the verifier's own code (the same signApproval the CLI
// uses), and only the signature is sent. An encrypted key is decrypted with
// noble's PBKDF2 and AES-CBC, not WebCrypto, which a browser offers on https
// and localhost only.
import { cbc } from '@noble/ciphers/aes.js';
import { pbkdf2Async } from '@noble/hashes/pbkdf2.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { type Signer, seedSigner } from '@shredproof/verify';

export class KeyFileError extends Error {
  override readonly name = 'KeyFileError';
}

/** The DER prefix of an Ed25519 PKCS#8 private key (RFC 8410 section 7): version 0, OID 1.3.101.112, then the 32-byte seed. */
const ED25519_PKCS8 = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];

function pemBody(text: string, label: string): Uint8Array | undefined {
  const m = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`).exec(text);
  if (!m) return undefined;
  const bin = atob(m[1]!.replace(/\s+/g, ''));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

const isEd25519Pkcs8 = (der: Uint8Array) => der.length === ED25519_PKCS8.length + 32 && ED25519_PKCS8.every((b, i) => der[i] === b);

function seedOf(der: Uint8Array): Uint8Array {
  if (!isEd25519Pkcs8(der)) throw new KeyFileError('the key file is not an Ed25519 private key (shredproof person keygen makes one)');
  return der.slice(ED25519_PKCS8.length);
}

// A DER reader for the few types PBES2 parameters use (X.690): enough to walk them, nothing more.
interface Tlv {
  tag: number;
  body: Uint8Array;
  end: number;
}
function tlv(b: Uint8Array, at: number): Tlv {
  const tag = b[at];
  let len = b[at + 1];
  if (tag === undefined || len === undefined) throw new KeyFileError('the encrypted key file is cut short');
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n < 1 || n > 3) throw new KeyFileError('the encrypted key file has a length this page does not read');
    len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | (b[start + i] ?? 0);
    start += n;
  }
  if (start + len > b.length) throw new KeyFileError('the encrypted key file is cut short');
  return { tag, body: b.subarray(start, start + len), end: start + len };
}
function children(seq: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  for (let at = 0; at < seq.length; at = out[out.length - 1]!.end) out.push(tlv(seq, at));
  return out;
}
const oid = (t: Tlv) => Array.from(t.body, (x) => x.toString(16).padStart(2, '0')).join('');
const int = (t: Tlv) => t.body.reduce((n, x) => n * 256 + x, 0);

// OIDs (DER bodies): PBES2 1.2.840.113549.1.5.13, PBKDF2 ...1.5.12, hmacWithSHA256 1.2.840.113549.2.9, aes256-CBC 2.16.840.1.101.3.4.1.42.
const PBES2 = '2a864886f70d01050d';
const PBKDF2 = '2a864886f70d01050c';
const HMAC_SHA256 = '2a864886f70d0209';
const AES256_CBC = '60864801650304012a';

/** More than any key file needs (OpenSSL writes 2,048); a file asking more would hold the page for minutes. */
const MAX_ITERATIONS = 10_000_000;

async function decrypt(der: Uint8Array, passphrase: string): Promise<Uint8Array> {
  const [alg, data] = children(tlv(der, 0).body);
  const [algOid, params] = children(alg!.body);
  if (oid(algOid!) !== PBES2) throw new KeyFileError('the key file is encrypted with a scheme other than PBES2');
  const [kdf, enc] = children(params!.body);
  const [kdfOid, kdfParams] = children(kdf!.body);
  if (oid(kdfOid!) !== PBKDF2) throw new KeyFileError('the key file derives its key with something other than PBKDF2');
  const kp = children(kdfParams!.body);
  const salt = kp[0]!.body;
  const iterations = int(kp[1]!);
  if (iterations < 1 || iterations > MAX_ITERATIONS) throw new KeyFileError(`the key file asks for ${iterations} PBKDF2 iterations; this page takes 1 to ${MAX_ITERATIONS}`);
  const prf = kp.find((t) => t.tag === 0x30);
  if (prf && oid(children(prf.body)[0]!) !== HMAC_SHA256) throw new KeyFileError('the key file uses a PBKDF2 hash other than SHA-256');
  const [encOid, iv] = children(enc!.body);
  if (oid(encOid!) !== AES256_CBC) throw new KeyFileError('the key file is encrypted with a cipher other than AES-256-CBC');
  const key = await pbkdf2Async(sha256, new TextEncoder().encode(passphrase), salt, { c: iterations, dkLen: 32 });
  let plain: Uint8Array;
  try {
    plain = cbc(key, iv!.body).decrypt(data!.body);
  } catch {
    throw new KeyFileError('the passphrase does not open this key file');
  }
  // A wrong passphrase can end in valid padding by chance (1 in 256): the key inside must still be an Ed25519 key.
  if (!isEd25519Pkcs8(plain)) throw new KeyFileError('the passphrase does not open this key file');
  return plain;
}

/** Whether a key file's text is encrypted (the page then asks for its passphrase). */
export const isEncrypted = (text: string) => text.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----');

/** The signer of a key file's text; `passphrase` opens an encrypted one. */
export async function signerFromKeyFile(text: string, passphrase?: string): Promise<Signer> {
  const plain = pemBody(text, 'PRIVATE KEY');
  if (plain) return seedSigner(seedOf(plain));
  const encrypted = pemBody(text, 'ENCRYPTED PRIVATE KEY');
  if (!encrypted) throw new KeyFileError('this is not a PEM private key file (the NAME.key.pem that shredproof person keygen wrote)');
  if (!passphrase) throw new KeyFileError('the key file is encrypted: give its passphrase');
  return seedSigner(seedOf(await decrypt(encrypted, passphrase)));
}
