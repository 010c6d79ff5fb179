// Which keys a verifier trusts, and whether they were pinned (docs/FORMAT.md
// sections 5.7, 5.8 and 10). The CLI and the offline page both resolve their
// inputs here, so that they pick the same keys and say "pinned" alike.
//
// Keys come from a pinned trust root if one is given, else from the bundle's
// trust.json, else from public key files. Only three things pin: a trust root
// the verifier holds, the SHA-256 of the bundle's trust.json, a key id. The
// bundle's own trust.json and public-key.pem come from the company being
// checked: a certificate verified with them alone is "key NOT pinned".
import { sha256 } from '@noble/hashes/sha2.js';
import { type ApprovalVerdict, checkApprovals } from './approval.js';
import { bytesToHex, utf8Encode } from './bytes.js';
import type { TrustedKey } from './ed25519.js';
import { isVerificationError, VerificationError } from './errors.js';
import { checkDispositions } from './disposition.js';
import { type AnyCertificateStatement, isStatementV2 } from './statement-v2.js';
import { checkKeyWindow, parseTrustRoot, type TrustRoot, trustRootKeys } from './trust-root.js';

export interface TrustSources {
  /** The verifier's own trust.json (--trust): pins. */
  pinnedRoot?: Uint8Array | string;
  /** The bundle's trust.json: not a pin by itself. Give its bytes as read, so that trustSha256 hashes exactly them. */
  bundleRoot?: Uint8Array | string;
  /** --trust-sha256: pins the bundle's trust.json bytes (hex, as sha256sum prints it). */
  trustSha256?: string;
  /** --keyid: pins the signing key. */
  keyid?: string;
  /** Public key files (--public-key, the bundle's public-key.pem): not a pin. */
  keys?: readonly TrustedKey[];
}

export type PinKind = 'trust-root' | 'trust-sha256' | 'keyid';

export interface Pin {
  kind: PinKind;
  /** The key id, or the SHA-256 of the trust root's bytes (for a trust root the verifier holds, of that file). */
  value: string;
}

export interface ResolvedTrust {
  /** The keys to verify signatures with. */
  keys: readonly TrustedKey[];
  keySource: 'pinned-root' | 'bundle-root' | 'keys';
  /** The trust root whose dates and revocations apply: the pinned one, else the bundle's. */
  root?: TrustRoot;
  pinnedRoot?: TrustRoot;
  bundleRoot?: TrustRoot;
  /** Every pin given, strongest first; each must hold. */
  pins: readonly Pin[];
  /** The strongest pin given (pins[0]), to show. */
  pin?: Pin;
}

export interface TrustVerdict {
  /** True exactly when a pin was given and held. */
  pinned: boolean;
  pin?: Pin;
  /** The approvals checked against the trust root (section 5.9); absent when there was no trust root to check them with. */
  approvalCheck?: ApprovalVerdict;
}

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/** A pin typed by a person: 64 hex digits (sha256sum's output), either case. A usage problem is a plain Error. */
function pinHex(value: string, what: string): string {
  if (!SHA256_HEX.test(value)) throw new Error(`${what} must be 64 hex digits, got ${JSON.stringify(value)}`);
  return value.toLowerCase();
}

const bytesOf = (input: Uint8Array | string): Uint8Array => (typeof input === 'string' ? utf8Encode(input) : input);

/**
 * Parses the trust roots given, checks the bundle's trust.json against a
 * pinned SHA-256 (PIN_MISMATCH, also when there is no trust.json to check)
 * and picks the keys. Throws a plain Error for a usage problem (a malformed
 * pin, no key source at all) and VerificationError for bad input.
 */
export function resolveTrust(sources: TrustSources): ResolvedTrust {
  const { pinnedRoot: pinnedInput, bundleRoot: bundleInput } = sources;
  const wantSha256 = sources.trustSha256 === undefined ? undefined : pinHex(sources.trustSha256, 'the trust root SHA-256 pin (--trust-sha256)');
  const keyid = sources.keyid === undefined ? undefined : pinHex(sources.keyid, 'the key id pin (--keyid)');
  if (pinnedInput === undefined && bundleInput === undefined && (sources.keys?.length ?? 0) === 0) {
    throw new Error('no key to verify with: give a trust root (--trust), a trust.json in the bundle or a public key');
  }
  const pins: Pin[] = [];
  let pinnedRoot: TrustRoot | undefined;
  let bundleRoot: TrustRoot | undefined;
  if (pinnedInput !== undefined) {
    pinnedRoot = parseTrustRoot(pinnedInput, 'the pinned trust root');
    pins.push({ kind: 'trust-root', value: bytesToHex(sha256(bytesOf(pinnedInput))) });
  }
  if (wantSha256 !== undefined) {
    if (bundleInput === undefined) {
      throw new VerificationError('PIN_MISMATCH', `the trust root is pinned by SHA-256 ${wantSha256}, but no trust.json was given`);
    }
    // The exact bytes, as sha256sum reads them: the pin is over the file, not over its parsed meaning.
    const got = bytesToHex(sha256(bytesOf(bundleInput)));
    if (got !== wantSha256) throw new VerificationError('PIN_MISMATCH', `trust.json has SHA-256 ${got}, the pin is ${wantSha256}`);
    pins.push({ kind: 'trust-sha256', value: wantSha256 });
  }
  if (bundleInput !== undefined) bundleRoot = parseTrustRoot(bundleInput, "the bundle's trust.json");
  if (keyid !== undefined) pins.push({ kind: 'keyid', value: keyid });

  const resolved: ResolvedTrust = pinnedRoot
    ? { keys: trustRootKeys(pinnedRoot), keySource: 'pinned-root', root: pinnedRoot, pins }
    : bundleRoot
      ? { keys: trustRootKeys(bundleRoot), keySource: 'bundle-root', root: bundleRoot, pins }
      : { keys: sources.keys ?? [], keySource: 'keys', pins };
  if (pinnedRoot) resolved.pinnedRoot = pinnedRoot;
  if (bundleRoot) resolved.bundleRoot = bundleRoot;
  if (pins[0]) resolved.pin = pins[0];
  return resolved;
}

/**
 * Runs `verify` (verifyCertificate or verifyObjectProof of the core) with the
 * resolved keys, then applies section 5.8 and section 5.7's key window:
 *  - no trusted key signed, with a pin given: PIN_MISMATCH (KEY_UNTRUSTED
 *    without one);
 *  - a key id pin: only that key may verify, and it must be the signer's;
 *  - a pinned trust root and the bundle's trust.json: the bundle's must list
 *    the signing key with the same public key;
 *  - the pinned root's dates and revocations, else the bundle root's
 *    (KEY_REVOKED, KEY_OUTSIDE_VALIDITY);
 *  - that root's approval keys, over the statement's approvals (section 5.9:
 *    APPROVER_UNTRUSTED, APPROVAL_INVALID, APPROVAL_MISSING) and its signed
 *    dispositions of derived artifacts (section 5.10).
 */
export function verifyTrusted<T extends { keyid: string; statement: AnyCertificateStatement }>(
  trust: ResolvedTrust,
  verify: (keys: readonly TrustedKey[]) => T,
): T & TrustVerdict {
  const keyPin = trust.pins.find((p) => p.kind === 'keyid')?.value;
  // With a key id pinned, another trusted key's signature must not stand in for the pinned key's.
  const keys = keyPin === undefined ? trust.keys : trust.keys.filter((k) => k.keyid === keyPin);
  let result: T;
  try {
    result = verify(keys);
  } catch (e) {
    if (isVerificationError(e) && e.code === 'KEY_UNTRUSTED' && trust.pins.length > 0) {
      const pinned = trust.pins.map((p) => `${p.kind} ${p.value}`).join(', ');
      throw new VerificationError('PIN_MISMATCH', `no pinned key signed it (pinned: ${pinned}): ${e.message}`, { cause: e });
    }
    throw e;
  }
  if (keyPin !== undefined && result.keyid !== keyPin) {
    throw new VerificationError('PIN_MISMATCH', `signed by key ${result.keyid}, the pinned key id is ${keyPin}`);
  }
  if (trust.pinnedRoot && trust.bundleRoot) {
    // trustRootKeys computes each key id from the public key itself (never from the file's keyid
    // member), so listing the signing key id means listing the same public key.
    if (!trustRootKeys(trust.bundleRoot).some((k) => k.keyid === result.keyid)) {
      throw new VerificationError('PIN_MISMATCH', `the bundle's trust.json does not list the signing key ${result.keyid} of the pinned trust root`);
    }
  }
  let approvalCheck: ApprovalVerdict | undefined;
  if (trust.root) {
    checkKeyWindow(trust.root, result.keyid, result.statement.issuedAt);
    approvalCheck = checkApprovals(trust.root, result.statement);
    if (isStatementV2(result.statement)) checkDispositions(trust.root, result.statement);
  }
  const verdict: TrustVerdict = { pinned: trust.pins.length > 0 };
  if (trust.pin) verdict.pin = trust.pin;
  if (approvalCheck) verdict.approvalCheck = approvalCheck;
  return { ...result, ...verdict };
}

/** For --require-pin: a valid certificate whose key was not pinned is PIN_MISSING. */
export function requirePin<R extends TrustVerdict>(result: R): R {
  if (!result.pinned) {
    throw new VerificationError('PIN_MISSING', 'the signature is valid, but its key is not pinned: no trust root, trust root SHA-256 or key id was given');
  }
  return result;
}
