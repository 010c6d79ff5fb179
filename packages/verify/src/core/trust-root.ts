// The trust root, trust.json (docs/FORMAT.md section 5.7): which Ed25519
// keys (section 5.2, RFC 8032 and RFC 8410) speak for an issuer, and when.
// A verifier checks a certificate's signature with these keys, then the
// signing key's window against the statement's issuedAt.
//
// trust.json comes from the bundle or from the verifier's own files; the bundle
// is attacker controlled, so every member is checked before use (section 1:
// strict UTF-8, I-JSON, no refused member names). Members this version does not
// know are ignored, as section 5.7 says (a later version adds the log's key).
// approvalKeys and approvalsRequiredFrom (section 5.9) were added to version 1
// that way: a verifier older than them ignores them, and so checks less.
import { compareTimes } from './time.js';
import { base64Encode, tryBase64Decode } from './bytes.js';
import { keyIdOf, publicKeyFromPem, publicKeyToPem, type TrustedKey, trustedKey } from './ed25519.js';
import { ValidationError, VerificationError } from './errors.js';
import { PERSON_NAME_RE } from './person.js';
import { NOTE_KEY_COSIGNATURE_V1, NOTE_KEY_ED25519, type NoteKeyType, parseVerifierKey } from './signed-note.js';
import { decodeInput, parseJsonInput } from './strict-json.js';
import { Checker, isObject, isRfc3339Utc } from './validate.js';

export const TRUST_ROOT_TYPE = 'shredproof.trust-root';
export const TRUST_ROOT_VERSION = 1;

export interface TrustRootKey {
  /** Lowercase hex SHA-256 of the 32 raw public key bytes (section 5.2). */
  keyid: string;
  /** Base64 of the 44-byte DER SubjectPublicKeyInfo: what a PEM file holds between its two lines. */
  publicKey: string;
  /** The first instant the key may sign. */
  validFrom: string;
  /** The first instant it may no longer sign; later than validFrom. */
  validUntil?: string;
  /** From this instant on its signatures mean nothing. */
  revokedAt?: string;
  /** Present exactly when revokedAt is. */
  revocationReason?: string;
  /**
   * The index of the revocation's entry in the transparency log (section
   * 12): a certificate by this key whose receipt's index is greater was
   * logged after it, whatever its issuedAt says. Only with revokedAt.
   */
  revocationLogIndex?: number;
}

/** The issuer's transparency log (section 12): its origin, its keys, and what verifiers require of receipts. */
export interface TrustLog {
  origin: string;
  /** Verifier keys (signed-note) of the log, type 0x01, as strings. */
  keys: string[];
  /** Witnesses whose cosignatures (type 0x04 verifier keys) count. */
  witnesses: string[];
  /** How many of them must have cosigned a receipt's checkpoint; 0 when absent. */
  witnessQuorum: number;
  /** A certificate issued at or after this instant must carry a receipt. */
  receiptsRequiredFrom?: string;
}

export const APPROVAL_KEY_ROLES = ['approver', 'performer'] as const;

/** A person's key that may sign approvals (section 5.9), with the same window members as a certificate key. */
export interface ApprovalKey extends TrustRootKey {
  /** The person, as certificates name them in order.approvedBy and order.createdBy. */
  person: string;
  /** What the key may sign as: approver, performer or both. */
  roles: Array<(typeof APPROVAL_KEY_ROLES)[number]>;
}

export interface TrustRoot {
  type: typeof TRUST_ROOT_TYPE;
  version: typeof TRUST_ROOT_VERSION;
  /** Who the keys speak for; shown, never compared with a statement. */
  issuer: string;
  certificateKeys: TrustRootKey[];
  /** People's keys that may sign approvals; empty when the root lists none. */
  approvalKeys: ApprovalKey[];
  /** Orders approved at or after this instant must carry an approval signed by an approver's key. */
  approvalsRequiredFrom?: string;
  /** The transparency log, when the issuer runs one. */
  log?: TrustLog;
}

/**
 * The raw 32-byte key of a trust root's `publicKey`: base64 as section 1
 * reads it, then the SPKI check of ed25519.ts (through its PEM reader, so
 * that the DER rule lives in one place). KEY_MALFORMED or BASE64_INVALID.
 */
function rawPublicKey(publicKey: string): Uint8Array {
  const der = tryBase64Decode(publicKey);
  if (!der) throw new VerificationError('BASE64_INVALID', 'is not valid base64');
  return publicKeyFromPem(`-----BEGIN PUBLIC KEY-----\n${base64Encode(der)}\n-----END PUBLIC KEY-----\n`);
}

/** The SPKI DER of a raw key, as base64: the one line of publicKeyToPem's body (44 bytes fit in one 64-character line). */
function spkiBase64(publicKey: Uint8Array): string {
  return publicKeyToPem(publicKey).split('\n')[1]!;
}

function checkKey(c: Checker, v: unknown, path: string): TrustRootKey | undefined {
  const o = c.object(v, path);
  if (!o) return undefined;
  const keyid = c.hex(o.keyid, `${path}.keyid`, 32);
  let raw: Uint8Array | undefined;
  if (typeof o.publicKey !== 'string') c.add(`${path}.publicKey`, 'must be a base64 string');
  else {
    try {
      raw = rawPublicKey(o.publicKey);
    } catch (e) {
      c.add(`${path}.publicKey`, `is not an Ed25519 public key: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (keyid !== undefined && raw && keyIdOf(raw) !== keyid) {
    c.add(`${path}.keyid`, `is not the SHA-256 of its publicKey (${keyIdOf(raw)})`);
  }
  const validFrom = c.time(o.validFrom, `${path}.validFrom`);
  const validUntil = o.validUntil === undefined ? undefined : c.time(o.validUntil, `${path}.validUntil`);
  if (validFrom !== undefined && validUntil !== undefined && compareTimes(validUntil, validFrom) <= 0) {
    c.add(`${path}.validUntil`, `${validUntil} is not after validFrom ${validFrom}`);
  }
  const revokedAt = o.revokedAt === undefined ? undefined : c.time(o.revokedAt, `${path}.revokedAt`);
  const reason = o.revocationReason;
  if (reason !== undefined && typeof reason !== 'string') c.add(`${path}.revocationReason`, 'must be a string');
  if (o.revokedAt !== undefined && reason === undefined) c.add(`${path}.revocationReason`, 'is missing: revokedAt needs a reason');
  if (o.revokedAt === undefined && reason !== undefined) c.add(`${path}.revokedAt`, 'is missing: revocationReason is given without it');
  const logIndex = o.revocationLogIndex === undefined ? undefined : c.count(o.revocationLogIndex, `${path}.revocationLogIndex`);
  if (o.revocationLogIndex !== undefined && o.revokedAt === undefined) c.add(`${path}.revocationLogIndex`, 'is only for a revoked key');
  if (keyid === undefined || !raw || validFrom === undefined) return undefined;
  const key: TrustRootKey = { keyid, publicKey: o.publicKey as string, validFrom };
  if (validUntil !== undefined) key.validUntil = validUntil;
  if (revokedAt !== undefined && typeof reason === 'string') {
    key.revokedAt = revokedAt;
    key.revocationReason = reason;
    if (logIndex !== undefined) key.revocationLogIndex = logIndex;
  }
  return key;
}

function checkApprovalKey(c: Checker, v: unknown, path: string): ApprovalKey | undefined {
  const key = checkKey(c, v, path);
  if (!isObject(v)) return undefined;
  const person = c.string(v.person, `${path}.person`, { pattern: PERSON_NAME_RE });
  const roles = c.array(v.roles, `${path}.roles`);
  const before = c.problems.length;
  if (roles && roles.length === 0) c.add(`${path}.roles`, 'must list at least one role');
  roles?.forEach((r, i) => c.literal(r, `${path}.roles[${i}]`, APPROVAL_KEY_ROLES));
  if (roles && new Set(roles).size !== roles.length) c.add(`${path}.roles`, 'must not repeat a role');
  if (!key || person === undefined || !roles || c.problems.length > before) return undefined;
  return { ...key, person, roles: roles as ApprovalKey['roles'] };
}

/** The `log` member (section 12.7): an origin, one log key at least, witnesses each once, a quorum they can meet. */
function checkLog(c: Checker, v: unknown): TrustLog | undefined {
  const o = c.object(v, '$.log');
  if (!o) return undefined;
  const before = c.problems.length;
  // eslint-disable-next-line no-control-regex
  const origin = c.string(o.origin, '$.log.origin', { pattern: /^[^\u0000-\u001f]{1,255}$/ });
  const keys = c.stringArray(o.keys, '$.log.keys');
  if (keys && keys.length === 0) c.add('$.log.keys', 'must list the log\'s key');
  keys?.forEach((k, i) => vkeyProblem(c, k, `$.log.keys[${i}]`, NOTE_KEY_ED25519));
  const witnesses = o.witnesses === undefined ? [] : c.stringArray(o.witnesses, '$.log.witnesses');
  witnesses?.forEach((k, i) => vkeyProblem(c, k, `$.log.witnesses[${i}]`, NOTE_KEY_COSIGNATURE_V1));
  // A cosignature does not sign its witness's name: one key under two names would count twice toward the quorum.
  if (witnesses && new Set(witnesses.map((w) => w.split('+')[0])).size !== witnesses.length) c.add('$.log.witnesses', 'names a witness twice');
  else if (witnesses && new Set(witnesses.map((w) => w.slice(w.indexOf('+', w.indexOf('+') + 1) + 1))).size !== witnesses.length) c.add('$.log.witnesses', 'lists one key under two names');
  const quorum = o.witnessQuorum === undefined ? 0 : c.count(o.witnessQuorum, '$.log.witnessQuorum');
  if (quorum !== undefined && witnesses && quorum > witnesses.length) c.add('$.log.witnessQuorum', `is ${quorum}, but only ${witnesses.length} witness(es) are listed`);
  const required = o.receiptsRequiredFrom === undefined ? undefined : c.time(o.receiptsRequiredFrom, '$.log.receiptsRequiredFrom');
  if (c.problems.length > before || origin === undefined || !keys || !witnesses || quorum === undefined) return undefined;
  return { origin, keys, witnesses, witnessQuorum: quorum, ...(required !== undefined ? { receiptsRequiredFrom: required } : {}) };
}

function vkeyProblem(c: Checker, vkey: string, path: string, type: NoteKeyType): void {
  try {
    parseVerifierKey(vkey, type);
  } catch (e) {
    c.add(path, e instanceof Error ? e.message : String(e));
  }
}

/**
 * Checks every rule of section 5.7 and returns the trust root with only the
 * members this version knows. Throws VERSION_UNSUPPORTED for another version
 * (whose shape this verifier cannot know), else ValidationError listing every
 * bad field.
 */
function validateTrustRoot(value: unknown, what: string): TrustRoot {
  if (!isObject(value)) throw new ValidationError(`${what} is invalid`, [{ path: '$', problem: 'must be a JSON object' }]);
  if (value.type !== TRUST_ROOT_TYPE) {
    throw new ValidationError(`${what} is invalid`, [{ path: '$.type', problem: `must be ${JSON.stringify(TRUST_ROOT_TYPE)}` }]);
  }
  if (value.version !== TRUST_ROOT_VERSION) {
    throw new VerificationError('VERSION_UNSUPPORTED', `${what}: trust root version ${JSON.stringify(value.version)}, this verifier reads ${TRUST_ROOT_VERSION}`);
  }
  const c = new Checker();
  if (typeof value.issuer !== 'string') c.add('$.issuer', 'must be a string');
  const list = c.array(value.certificateKeys, '$.certificateKeys');
  if (list && list.length === 0) c.add('$.certificateKeys', 'must list at least one key');
  const keys: TrustRootKey[] = [];
  const firstIndex = new Map<string, number>();
  list?.forEach((v, i) => {
    const key = checkKey(c, v, `$.certificateKeys[${i}]`);
    if (!key) return;
    const first = firstIndex.get(key.keyid);
    if (first !== undefined) c.add(`$.certificateKeys[${i}].keyid`, `repeats $.certificateKeys[${first}].keyid ${key.keyid}`);
    else firstIndex.set(key.keyid, i);
    keys.push(key);
  });
  const approvalKeys: ApprovalKey[] = [];
  if (value.approvalKeys !== undefined) {
    c.array(value.approvalKeys, '$.approvalKeys')?.forEach((v, i) => {
      const key = checkApprovalKey(c, v, `$.approvalKeys[${i}]`);
      if (!key) return;
      // One key, one person and one duty: a certificate key that could also approve would let the
      // service approve its own orders, and a key listed twice could carry two people's names.
      const first = firstIndex.get(key.keyid);
      if (first !== undefined) c.add(`$.approvalKeys[${i}].keyid`, `repeats $.certificateKeys[${first}].keyid ${key.keyid}: a certificate key cannot approve`);
      const again = approvalKeys.findIndex((k) => k.keyid === key.keyid);
      if (again >= 0) c.add(`$.approvalKeys[${i}].keyid`, `repeats $.approvalKeys[${again}].keyid ${key.keyid}`);
      approvalKeys.push(key);
    });
  }
  const requiredFrom = value.approvalsRequiredFrom === undefined ? undefined : c.time(value.approvalsRequiredFrom, '$.approvalsRequiredFrom');
  const log = value.log === undefined ? undefined : checkLog(c, value.log);
  if (c.problems.length > 0) throw new ValidationError(`${what} is invalid`, c.problems);
  const root: TrustRoot = { type: TRUST_ROOT_TYPE, version: TRUST_ROOT_VERSION, issuer: value.issuer as string, certificateKeys: keys, approvalKeys };
  if (requiredFrom !== undefined) root.approvalsRequiredFrom = requiredFrom;
  if (log) root.log = log;
  return root;
}

/**
 * Parses trust.json: its bytes as read (strict UTF-8) or its text. Not JSON
 * or any rule of section 5.7 broken is TRUST_ROOT_INVALID, with the bad
 * fields' paths in the message; another version is VERSION_UNSUPPORTED; a
 * member name twice or a refused one has its section 1 code.
 */
export function parseTrustRoot(input: Uint8Array | string, what = 'the trust root'): TrustRoot {
  const text = typeof input === 'string' ? input : decodeInput(input, what);
  const { value } = parseJsonInput(text, what, 'TRUST_ROOT_INVALID');
  try {
    return validateTrustRoot(value, what);
  } catch (e) {
    if (e instanceof ValidationError) throw new VerificationError('TRUST_ROOT_INVALID', e.message, { cause: e });
    throw e;
  }
}

/** The raw 32-byte public key of a trust root entry (validated when the root was parsed). */
export function publicKeyOf(key: TrustRootKey): Uint8Array {
  return rawPublicKey(key.publicKey);
}

/** The trust root's keys, to verify signatures with (section 5.1); revoked keys too, so that checkKeyWindow can say KEY_REVOKED. */
export function trustRootKeys(root: TrustRoot): TrustedKey[] {
  return root.certificateKeys.map((k) => trustedKey(rawPublicKey(k.publicKey)));
}

/**
 * Section 5.7's two rules for the key that signed a statement issued at
 * `issuedAt` (a valid time): revoked (KEY_REVOKED) before outside its window
 * (KEY_OUTSIDE_VALIDITY). A key the root does not list is KEY_UNTRUSTED.
 * Returns the key's entry.
 */
export function checkKeyWindow(root: TrustRoot, keyid: string, issuedAt: string): TrustRootKey {
  const index = root.certificateKeys.findIndex((k) => k.keyid === keyid);
  const key = root.certificateKeys[index];
  if (!key) throw new VerificationError('KEY_UNTRUSTED', `key ${keyid} is not in the trust root`);
  if (!isRfc3339Utc(issuedAt)) throw new VerificationError('STATEMENT_INVALID', `issuedAt ${JSON.stringify(issuedAt)} is not a time`);
  const at = `$.certificateKeys[${index}]`;
  if (key.revokedAt !== undefined && compareTimes(issuedAt, key.revokedAt) >= 0) {
    throw new VerificationError(
      'KEY_REVOKED',
      `issued at ${issuedAt}, but key ${keyid} was revoked at ${key.revokedAt} (${at}.revokedAt): ${JSON.stringify(key.revocationReason ?? '')}`,
    );
  }
  if (compareTimes(issuedAt, key.validFrom) < 0) {
    throw new VerificationError('KEY_OUTSIDE_VALIDITY', `issued at ${issuedAt}, before key ${keyid} is valid from ${key.validFrom} (${at}.validFrom)`);
  }
  if (key.validUntil !== undefined && compareTimes(issuedAt, key.validUntil) >= 0) {
    throw new VerificationError('KEY_OUTSIDE_VALIDITY', `issued at ${issuedAt}, but key ${keyid} is valid only until ${key.validUntil} (${at}.validUntil)`);
  }
  return key;
}

export interface TrustRootKeyInput {
  /** The raw 32-byte Ed25519 public key. */
  publicKey: Uint8Array;
  validFrom: string;
  validUntil?: string;
  revokedAt?: string;
  revocationReason?: string;
  revocationLogIndex?: number;
}

export interface ApprovalKeyInput extends TrustRootKeyInput {
  person: string;
  roles: ApprovalKey['roles'];
}

/**
 * The issuer side: a trust root for these keys, checked by the rules
 * verifiers apply (ValidationError listing every bad field). Approval keys
 * and approvalsRequiredFrom are written only when given.
 */
export function buildTrustRoot(input: {
  issuer: string;
  keys: readonly TrustRootKeyInput[];
  approvalKeys?: readonly ApprovalKeyInput[];
  approvalsRequiredFrom?: string;
  log?: TrustLog;
}): TrustRoot {
  const entry = (k: TrustRootKeyInput): Record<string, unknown> => {
    // A key of the wrong size is written as it is, and then named by validateTrustRoot like any bad key.
    const publicKey = k.publicKey.length === 32 ? spkiBase64(k.publicKey) : base64Encode(k.publicKey);
    const key: Record<string, unknown> = { keyid: keyIdOf(k.publicKey), publicKey, validFrom: k.validFrom };
    if (k.validUntil !== undefined) key.validUntil = k.validUntil;
    if (k.revokedAt !== undefined) key.revokedAt = k.revokedAt;
    if (k.revocationReason !== undefined) key.revocationReason = k.revocationReason;
    if (k.revocationLogIndex !== undefined) key.revocationLogIndex = k.revocationLogIndex;
    return key;
  };
  const root: Record<string, unknown> = { type: TRUST_ROOT_TYPE, version: TRUST_ROOT_VERSION, issuer: input.issuer, certificateKeys: input.keys.map(entry) };
  if (input.approvalKeys !== undefined && input.approvalKeys.length > 0) {
    root.approvalKeys = input.approvalKeys.map((k) => ({ person: k.person, roles: k.roles, ...entry(k) }));
  }
  if (input.approvalsRequiredFrom !== undefined) root.approvalsRequiredFrom = input.approvalsRequiredFrom;
  if (input.log !== undefined) {
    const { witnesses, witnessQuorum, ...log } = input.log;
    // Written as given, the optional members only when they say something.
    root.log = { ...log, ...(witnesses.length > 0 ? { witnesses } : {}), ...(witnessQuorum > 0 ? { witnessQuorum } : {}) };
  }
  return validateTrustRoot(root, 'the trust root');
}

/** trust.json as the server writes it: indented JSON and a final newline. Its SHA-256 is what `--trust-sha256` pins. */
export function trustRootText(root: TrustRoot): string {
  // A root without approval keys is written as version 1 first was, without the member.
  const { approvalKeys, ...rest } = root;
  return JSON.stringify(approvalKeys.length > 0 ? root : rest, null, 2) + '\n';
}
