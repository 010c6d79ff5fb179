// Which keys the page verifies with, and what pins them (docs/FORMAT.md
// sections 5.7, 5.8 and 10), resolved from the person's pins and the bundle
// as `shredproof verify` resolves its options (packages/verify/src/cli/trust-input.ts):
// the core's resolveTrust picks the keys, verifyTrusted (in ./verify-job.ts)
// decides. Keys come from a trust root the person holds, else the bundle's
// trust.json, else its public-key.pem; only the person's own inputs pin.
import {
  type ApprovalVerdict,
  bytesToHex,
  parseTrustRoot,
  publicKeyFromPem,
  resolveTrust,
  type ResolvedTrust,
  type TrustedKey,
  trustedKey,
  trustRootKeys,
  VerificationError,
} from '@shredproof/verify';
import { readBytes, sha256Hex, UsageProblem } from './job-io.js';
import type { ApprovalFacts, BundleInput, KeyInfo, PinInput, TrustFacts } from './protocol.js';

/** A verdict on one file that stops the verification: nothing after it can be checked. */
export class FileFailure extends Error {
  constructor(
    readonly file: string,
    readonly error: VerificationError,
  ) {
    super(error.message);
  }
}

export interface PageTrust {
  trust: ResolvedTrust;
  /** public-key.pem's key when it parsed, whether or not it was used to verify. */
  pemKey?: TrustedKey;
}

/** public-key.pem as the core reads it (KEY_MALFORMED for anything but an Ed25519 SPKI). */
export async function readPemKey(file: File): Promise<TrustedKey> {
  const text = new TextDecoder().decode(await readBytes(file, 'public key'));
  return trustedKey(publicKeyFromPem(text));
}

/**
 * Reads the trust inputs, fills in what a person compares (the SHA-256 of
 * each trust.json, public-key.pem's key id) and resolves the keys and pins.
 * Throws UsageProblem where the CLI exits 2, FileFailure where it gives a
 * verdict.
 */
export async function resolvePageTrust(bundle: BundleInput, pins: PinInput, facts: TrustFacts): Promise<PageTrust> {
  const ownRoot = pins.trustRoot ? await readBytes(pins.trustRoot, 'trust root of your own') : undefined;
  const bundleRoot = bundle.trust ? await readBytes(bundle.trust, 'trust.json') : undefined;
  if (ownRoot) facts.ownTrustSha256 = sha256Hex(ownRoot);
  if (bundleRoot) facts.trustSha256 = sha256Hex(bundleRoot);
  const anyRoot = ownRoot !== undefined || bundleRoot !== undefined;
  let pemKey: TrustedKey | undefined;
  if (bundle.publicKey) {
    try {
      pemKey = await readPemKey(bundle.publicKey);
      facts.publicKeyId = pemKey.keyid;
    } catch (e) {
      if (!(e instanceof VerificationError)) throw e;
      // The key to verify with is unusable: that is the verdict. With a trust root, the file is checked later, as the CLI does.
      if (!anyRoot) throw new FileFailure('public-key.pem', new VerificationError(e.code, `the public key: ${e.message}`, { cause: e }));
    }
  }
  if (!anyRoot && !pemKey) throw new UsageProblem("No key to verify with: choose public-key.pem, the bundle's trust.json, or a trust.json of your own.");
  if (pins.trustSha256 !== undefined && !anyRoot) {
    throw new UsageProblem("A trust.json SHA-256 pin is checked against the bundle's trust.json: choose trust.json too.");
  }
  if (ownRoot) {
    try {
      parseTrustRoot(ownRoot, 'your trust.json');
    } catch (e) {
      // The person's own trust root is an input like a key file: broken, it is theirs to fix, not a verdict (the CLI exits 2).
      if (e instanceof VerificationError) throw new UsageProblem(`Your own trust.json cannot be used: ${e.code}: ${e.message}`);
      throw e;
    }
  }
  try {
    const trust = resolveTrust({
      ...(ownRoot ? { pinnedRoot: ownRoot } : {}),
      ...(bundleRoot ? { bundleRoot } : {}),
      ...(pins.trustSha256 !== undefined ? { trustSha256: pins.trustSha256 } : {}),
      ...(pins.keyid !== undefined ? { keyid: pins.keyid } : {}),
      // As the CLI: public-key.pem verifies only when no trust root is given.
      ...(!anyRoot && pemKey ? { keys: [pemKey] } : {}),
    });
    return pemKey ? { trust, pemKey } : { trust };
  } catch (e) {
    if (e instanceof VerificationError) throw new FileFailure(bundleRoot ? 'trust.json' : 'certificate.json', e);
    throw new UsageProblem(e instanceof Error ? e.message : String(e));
  }
}

/** The key a signature verified with, as a person compares it. */
export function keyInfo(keys: readonly TrustedKey[], keyid: string): KeyInfo {
  const key = keys.find((k) => k.keyid === keyid);
  return { keyid, publicKeyHex: key ? bytesToHex(key.publicKey) : '' };
}

/**
 * For a PIN_MISMATCH: which of the bundle's own keys did sign, so that the
 * page can show it beside the pin. Display only: the verdict stays INVALID.
 */
export function bundleSigner(t: PageTrust, verify: (keys: readonly TrustedKey[]) => { keyid: string }): KeyInfo | undefined {
  const keys = t.trust.bundleRoot ? trustRootKeys(t.trust.bundleRoot) : t.pemKey ? [t.pemKey] : [];
  if (keys.length === 0) return undefined;
  try {
    return keyInfo(keys, verify(keys).keyid);
  } catch {
    return undefined;
  }
}

/**
 * What verifyTrusted concluded about the approvals (docs/FORMAT.md section
 * 5.9), as the page shows it. Without a trust root nothing was checked. The
 * approval keys are pinned only with the root: a key id pin ties the
 * certificate's key to the issuer, not the approvers' keys listed beside it.
 */
export function approvalFacts(check: ApprovalVerdict | undefined, trust: ResolvedTrust): ApprovalFacts {
  const rootPinned = trust.keySource === 'pinned-root' || trust.pins.some((p) => p.kind === 'trust-sha256');
  if (!check) return { checked: false, required: false, approvals: [], rootPinned: false };
  const approvals = check.approvals.map(({ role, person, keyid, signedAt }) => ({ role, person, keyid, signedAt }));
  return { checked: true, required: check.required, approvals, rootPinned };
}
