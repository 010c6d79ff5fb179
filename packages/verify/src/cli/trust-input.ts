// What `verify` trusts, from its options and a bundle (docs/FORMAT.md
// sections 5.7, 5.8 and 10): the verifier's own trust root (--trust, a pin),
// the bundle's trust.json (not a pin by itself), a trust root's SHA-256
// (--trust-sha256, a pin) or a key id (--keyid, a pin), and public key files
// (--public-key, or the bundle's public-key.pem when it has no trust.json).
// The trust roots are read as bytes: their SHA-256 is what `sha256sum` prints.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseTrustRoot, resolveTrust, type ResolvedTrust, type TrustedKey, VerificationError } from '../core/index.js';
import { loadTrustedKey } from '../node/trusted-key.js';
import { CliExit, EXIT_USAGE } from './exit.js';

export interface TrustOptions {
  publicKey?: string[];
  trust?: string;
  trustSha256?: string;
  keyid?: string;
}

/** A file the command was given (or found in the bundle) that cannot be read: exit 2, never a verdict. */
export class UnreadableInput extends Error {}

export const unreadable = (what: string, path: string, e: unknown) => new UnreadableInput(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);

/** The file's bytes: the core decodes them strictly (invalid UTF-8 is UTF8_INVALID, not replaced). */
export async function readInput(path: string, what: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    throw unreadable(what, path, e);
  }
}

export interface BundleTrustFiles {
  /** The bundle's trust.json bytes, when it has one. */
  trustJson?: Uint8Array;
  /** The bundle's public-key.pem path, when it has one. */
  publicKeyPem?: string;
}

/**
 * Resolves what to trust. A bad --public-key or --trust file is a usage
 * error (exit 2): the verifier's own inputs are not evidence. A bundle's
 * trust.json that breaks the rules is a verdict (VerificationError).
 */
export async function loadTrust(opts: TrustOptions, bundle: BundleTrustFiles = {}): Promise<ResolvedTrust> {
  let keys: TrustedKey[] | undefined;
  const keyFiles = opts.publicKey?.length ? opts.publicKey : bundle.trustJson === undefined && opts.trust === undefined && bundle.publicKeyPem ? [bundle.publicKeyPem] : [];
  try {
    if (keyFiles.length > 0) keys = await Promise.all(keyFiles.map((p) => loadTrustedKey(p)));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== undefined && !(e instanceof VerificationError)) throw unreadable('public key', keyFiles.join(', '), e);
    const code = e instanceof VerificationError ? `${e.code}: ` : '';
    throw new CliExit(EXIT_USAGE, `verify: unusable public key: ${code}${e instanceof Error ? e.message : String(e)}`, 'unreadable-input');
  }
  const pinnedRoot = opts.trust !== undefined ? await readInput(opts.trust, 'trust root') : undefined;
  if (pinnedRoot === undefined && bundle.trustJson === undefined && keys === undefined) {
    throw new CliExit(EXIT_USAGE, 'verify: give --public-key, --trust or --bundle (a directory with trust.json or public-key.pem)');
  }
  if (opts.trustSha256 !== undefined && pinnedRoot === undefined && bundle.trustJson === undefined) {
    throw new CliExit(EXIT_USAGE, 'verify: --trust-sha256 pins a trust root: give --trust FILE or a --bundle that has trust.json');
  }
  if (pinnedRoot !== undefined) {
    try {
      parseTrustRoot(pinnedRoot, `the trust root ${opts.trust}`);
    } catch (e) {
      // The verifier's own trust root is an input like a key file: broken, it is a usage error, not a verdict.
      if (e instanceof VerificationError) throw new CliExit(EXIT_USAGE, `verify: unusable --trust file: ${e.code}: ${e.message}`, 'unreadable-input');
      throw e;
    }
  }
  try {
    return resolveTrust({
      ...(pinnedRoot !== undefined ? { pinnedRoot } : {}),
      ...(bundle.trustJson !== undefined ? { bundleRoot: bundle.trustJson } : {}),
      ...(opts.trustSha256 !== undefined ? { trustSha256: opts.trustSha256 } : {}),
      ...(opts.keyid !== undefined ? { keyid: opts.keyid } : {}),
      ...(keys !== undefined ? { keys } : {}),
    });
  } catch (e) {
    if (e instanceof VerificationError) throw e;
    throw new CliExit(EXIT_USAGE, `verify: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The bundle's trust files, as loadTrust takes them. */
export async function bundleTrustFiles(dir: string, names: ReadonlySet<string>): Promise<BundleTrustFiles> {
  return {
    ...(names.has('trust.json') ? { trustJson: await readInput(join(dir, 'trust.json'), 'trust root') } : {}),
    ...(names.has('public-key.pem') ? { publicKeyPem: join(dir, 'public-key.pem') } : {}),
  };
}
