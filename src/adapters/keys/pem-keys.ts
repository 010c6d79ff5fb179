// Signing keys on disk. The private key is PKCS#8 PEM, optionally encrypted
// with a passphrase (PBES2, AES-256-CBC, as `openssl pkey` reads it); the
// public key is SPKI PEM. Signing goes through node:crypto, several times as
// fast as the pure-JS path, behind the core's Signer interface (figures:
// bench/RESULTS.md, 'Measurements behind the code').
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { keyIdOf, publicKeyFromPem, type Signer } from '@shredproof/verify';

export const PRIVATE_KEY_FILE = 'signing-key.pem';
export const PUBLIC_KEY_FILE = 'public-key.pem';

export interface GeneratedKeys {
  keyid: string;
  privateKeyPath: string;
  publicKeyPath: string;
}

async function writeNew(path: string, data: string, mode: number): Promise<void> {
  // 'wx' fails if the file exists: a signing key is never silently replaced.
  const fh = await open(path, 'wx', mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export async function generateKeys(dir: string, passphrase?: string): Promise<GeneratedKeys> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const privatePem = privateKey.export(
    passphrase ? { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase } : { type: 'pkcs8', format: 'pem' },
  ) as string;
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const privateKeyPath = join(dir, PRIVATE_KEY_FILE);
  const publicKeyPath = join(dir, PUBLIC_KEY_FILE);
  await writeNew(privateKeyPath, privatePem, 0o600);
  try {
    await writeNew(publicKeyPath, publicPem, 0o644);
  } catch (e) {
    // Leave no half pair behind: a private key without its public key is useless and confusing.
    const { unlink } = await import('node:fs/promises');
    await unlink(privateKeyPath).catch(() => undefined);
    throw e;
  }
  return { keyid: keyIdOf(publicKeyFromPem(publicPem)), privateKeyPath, publicKeyPath };
}

function rawPublicKey(key: KeyObject): Uint8Array {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new Error('not an Ed25519 key');
  return new Uint8Array(Buffer.from(jwk.x, 'base64url'));
}

/** A Signer over a PKCS#8 PEM private key file (encrypted if a passphrase is given). */
export async function loadSigner(privateKeyPath: string, passphrase?: string): Promise<Signer> {
  const pem = await readFile(privateKeyPath, 'utf8');
  const key = createPrivateKey(passphrase ? { key: pem, passphrase } : pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${privateKeyPath} is not an Ed25519 private key`);
  const publicKey = rawPublicKey(createPublicKey(key));
  return {
    keyid: keyIdOf(publicKey),
    publicKey,
    sign: (message) => new Uint8Array(cryptoSign(null, message, key)),
  };
}
