// A trusted public key from a PEM SPKI file, as the verifier's commands take
// it (--public-key). Whoever trusts the file trusts its key: where it comes
// from (the issuer's published key, its keyid checked out of band) is the
// verifier's business.
import { readFile } from 'node:fs/promises';
import { publicKeyFromPem, type TrustedKey, trustedKey } from '../core/index.js';

export async function loadTrustedKey(publicKeyPath: string): Promise<TrustedKey> {
  return trustedKey(publicKeyFromPem(await readFile(publicKeyPath, 'utf8')));
}
