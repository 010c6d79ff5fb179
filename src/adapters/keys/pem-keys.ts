// Signing keys on disk. The private key is PKCS#8 PEM, optionally encrypted
// with a passphrase (PBES2, AES-256-CBC, as `openssl pkey` reads it); the
// public key is SPKI PEM. Signing goes through node:crypto, several times as
// fast as the pure-JS path, behind the core's Signer interface (figures:
// bench/RESULTS.md, 'Measurements behind the code').
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { mkdir, open, readFile, rename, rmdir, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
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

/**
 * A new key pair in `dir`, never over an existing file: the private key mode
 * 0600, the public key 0644. The file names default to the server's
 * (signing-key.pem, public-key.pem); a person's key has its own.
 */
export async function generateKeys(dir: string, passphrase?: string, names = { privateKey: PRIVATE_KEY_FILE, publicKey: PUBLIC_KEY_FILE }): Promise<GeneratedKeys> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const privatePem = privateKey.export(
    passphrase ? { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase } : { type: 'pkcs8', format: 'pem' },
  ) as string;
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const privateKeyPath = join(dir, names.privateKey);
  const publicKeyPath = join(dir, names.publicKey);
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
  return signerFromPem(await readFile(privateKeyPath, 'utf8'), privateKeyPath, passphrase);
}

/** A Signer over a PKCS#8 PEM private key held in memory (from the environment or a file descriptor); `source` names it in errors. */
export function signerFromPem(pem: string, source: string, passphrase?: string): Signer {
  const key = createPrivateKey(passphrase ? { key: pem, passphrase } : pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${source} is not an Ed25519 private key`);
  const publicKey = rawPublicKey(createPublicKey(key));
  return {
    keyid: keyIdOf(publicKey),
    publicKey,
    sign: (message) => new Uint8Array(cryptoSign(null, message, key)),
  };
}

export interface RotatedKeyFiles {
  /** The key id of the new key, now at the configured paths. */
  keyid: string;
  /** Where the old private key was moved; the caller deletes it once the ledger has recorded the rotation. */
  retiredPrivateKeyPath: string;
}

/**
 * Puts a new key pair at the configured paths (`shredproof key rotate`). The
 * new files are written and fsynced beside the old ones first, then renamed
 * into place; the old private key is moved aside, not deleted, so that a
 * crash between here and the ledger's record loses nothing (the coordinator
 * records a new key it starts with, and retires the old one then).
 */
export async function rotateKeyFiles(privateKeyPath: string, publicKeyPath: string, oldKeyid: string, passphrase?: string): Promise<RotatedKeyFiles> {
  const stage = join(dirname(privateKeyPath), `.rotating-${process.pid}`);
  await mkdir(stage, { mode: 0o700 });
  const fresh = await generateKeys(stage, passphrase);
  const retiredPrivateKeyPath = join(dirname(privateKeyPath), `retired-${oldKeyid.slice(0, 16)}-${basename(privateKeyPath)}`);
  await rename(privateKeyPath, retiredPrivateKeyPath);
  await rename(fresh.privateKeyPath, privateKeyPath);
  await rename(fresh.publicKeyPath, publicKeyPath);
  await syncDir(dirname(privateKeyPath));
  await rmdir(stage);
  return { keyid: fresh.keyid, retiredPrivateKeyPath };
}

/** Deletes a retired private key: after a rotation, nothing may sign with it again. */
export async function deleteRetiredKey(path: string): Promise<void> {
  await unlink(path);
  await syncDir(dirname(path));
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * The transparency log's key (docs/FORMAT.md section 12), a key of its own:
 * loaded from `path`, or made there (PKCS#8 PEM, mode 0600, in a 0700
 * directory) on the coordinator's first start, as the queue key is. Its
 * public half is in the trust root; it never signs a certificate.
 */
export async function loadOrCreateLogKey(path: string): Promise<{ signer: Signer; created: boolean }> {
  let created = false;
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    await writeNew(path, pem, 0o600);
    created = true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`cannot create the log key ${path}: ${(e as Error).message}`);
  }
  return { signer: await loadSigner(path), created };
}
