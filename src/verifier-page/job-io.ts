// Reading the chosen files in the worker, and the page's SHA-256 (./sha256.ts)
// in the core's FileDigest form. A file that cannot be read, or inputs that
// make no sense together, are not a verdict on the certificate: the CLI exits
// 2 for them (packages/verify/src/cli/trust-input.ts), and the page says "NOT CHECKED".
import { bytesToHex, type FileDigest } from '@shredproof/verify';
import { Sha256 } from './sha256.js';

/** Not a verdict: the person has something to fix in what they chose. */
export class UsageProblem extends Error {}

/** The file's bytes: the core decodes them strictly (file.text() would replace invalid UTF-8 and drop a byte order mark). */
export async function readBytes(file: File, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await file.arrayBuffer());
  } catch (e) {
    throw new UsageProblem(`cannot read the ${what} ${file.name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** SHA-256 of exactly these bytes, lowercase hex, as sha256sum prints it. */
export function sha256Hex(bytes: Uint8Array): string {
  return bytesToHex(new Sha256().update(bytes).digest());
}

/** The file digest of a list file (the core's verifyListFile), with the page's SHA-256. */
export function pageFileDigest(): FileDigest {
  const h = new Sha256();
  return { update: (b) => void h.update(b), digestHex: () => bytesToHex(h.digest()) };
}
