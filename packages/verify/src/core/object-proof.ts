// Per-object proof files (docs/FORMAT.md section 7): one line of a certified
// file, its leaf index, the tree size, the RFC 9162 section 2.1.3 audit path
// and the signed certificate. Enough for a person to check, offline, that one
// object is in the certified file, while revealing no other entry. Version 1
// proves a record of a v1 certificate; version 2 (section 7.1) an entry of
// any of the four files of a v2 certificate. Every member is attacker controlled.
import { bytesToHex, hexToBytes, isHex, utf8Encode } from './bytes.js';
import { type VerifiedCertificate, verifyCertificate } from './certificate.js';
import type { DsseEnvelope } from './dsse.js';
import type { TrustedKey } from './ed25519.js';
import { VerificationError } from './errors.js';
import { type ExceptionEntry, type ListName, listHeadOf, parseListEntryLine, type RescanEntry, type RetainedEntry } from './list.js';
import { type MerkleHasher, nobleHasher, verifyInclusion } from './merkle.js';
import { type DestructionRecord, parseRecordLine } from './record.js';
import { isStatementV2 } from './statement-v2.js';
import { decodeInput, parseJsonInput } from './strict-json.js';
import { isCount, isObject } from './validate.js';

export const OBJECT_PROOF_TYPE = 'shredproof.object-proof';
export const OBJECT_PROOF_VERSION = 1;
export const OBJECT_PROOF_VERSION_V2 = 2;

/** The file a version 2 proof's entry is a line of. */
export type ProofList = 'records' | ListName;
export const PROOF_LISTS: readonly ProofList[] = ['records', 'retained', 'exceptions', 'rescan'];

export interface ObjectProof {
  type: typeof OBJECT_PROOF_TYPE;
  version: typeof OBJECT_PROOF_VERSION;
  /** The exact line of records.ndjson, without its "\n". */
  record: string;
  leafIndex: number;
  treeSize: number;
  /** Sibling hashes, lowercase hex, bottom-up (RFC 9162 section 2.1.3.1). */
  auditPath: string[];
  certificate: DsseEnvelope;
}

export interface ObjectProofV2 {
  type: typeof OBJECT_PROOF_TYPE;
  version: typeof OBJECT_PROOF_VERSION_V2;
  list: ProofList;
  /** The exact line of that list's file, without its "\n". */
  entry: string;
  leafIndex: number;
  /** The list's tree size: merkle.treeSize for records, else the list head's. */
  treeSize: number;
  auditPath: string[];
  certificate: DsseEnvelope;
}

export function buildObjectProof(line: string, leafIndex: number, treeSize: number, auditPath: readonly Uint8Array[], certificate: DsseEnvelope): ObjectProof {
  return { type: OBJECT_PROOF_TYPE, version: OBJECT_PROOF_VERSION, record: line, leafIndex, treeSize, auditPath: auditPath.map(bytesToHex), certificate };
}

export function buildObjectProofV2(
  list: ProofList,
  line: string,
  leafIndex: number,
  treeSize: number,
  auditPath: readonly Uint8Array[],
  certificate: DsseEnvelope,
): ObjectProofV2 {
  return { type: OBJECT_PROOF_TYPE, version: OBJECT_PROOF_VERSION_V2, list, entry: line, leafIndex, treeSize, auditPath: auditPath.map(bytesToHex), certificate };
}

interface VerifiedProofBase extends VerifiedCertificate {
  /** The proof as verified. */
  proof: ObjectProof | ObjectProofV2;
}

/** A verified proof: which file the entry is a line of, and the entry; for records also as `record`. */
export type VerifiedObjectProof =
  | (VerifiedProofBase & { list: 'records'; entry: DestructionRecord; record: DestructionRecord })
  | (VerifiedProofBase & { list: 'retained'; entry: RetainedEntry; record?: undefined })
  | (VerifiedProofBase & { list: 'exceptions'; entry: ExceptionEntry; record?: undefined })
  | (VerifiedProofBase & { list: 'rescan'; entry: RescanEntry; record?: undefined });

/** The members of each proof version (sections 7 and 7.1); a change to them is a new version. */
const MEMBERS: Record<number, ReadonlySet<string>> = {
  [OBJECT_PROOF_VERSION]: new Set(['type', 'version', 'record', 'leafIndex', 'treeSize', 'auditPath', 'certificate']),
  [OBJECT_PROOF_VERSION_V2]: new Set(['type', 'version', 'list', 'entry', 'leafIndex', 'treeSize', 'auditPath', 'certificate']),
};

/** Shape check of an untrusted proof file, either version. */
function parseObjectProof(input: unknown): ObjectProof | ObjectProofV2 {
  const bad = (why: string) => new VerificationError('PROOF_MALFORMED', why);
  if (!isObject(input)) throw bad('the proof is not a JSON object');
  if (input.type !== OBJECT_PROOF_TYPE) throw bad(`type is not ${JSON.stringify(OBJECT_PROOF_TYPE)}`);
  const { version } = input;
  const members = typeof version === 'number' ? MEMBERS[version] : undefined;
  if (!members) throw new VerificationError('VERSION_UNSUPPORTED', `proof version ${JSON.stringify(version)}, this verifier reads 1 and 2`);
  // A version 1 proof relabelled 2 has version 1's members: its version is none this verifier knows.
  if (version === OBJECT_PROOF_VERSION_V2 && 'record' in input && !('entry' in input)) {
    throw new VerificationError('VERSION_UNSUPPORTED', 'the proof says version 2 but has the members of version 1 ("record")');
  }
  for (const k of Object.keys(input)) {
    if (!members.has(k)) throw new VerificationError('MEMBER_UNKNOWN', `the proof has a member ${JSON.stringify(k)}, which proof version ${version} does not define`);
  }
  const line = version === OBJECT_PROOF_VERSION ? 'record' : 'entry';
  if (version === OBJECT_PROOF_VERSION_V2 && !PROOF_LISTS.includes(input.list as ProofList)) throw bad(`list is not one of ${PROOF_LISTS.join(', ')}`);
  if (typeof input[line] !== 'string') throw bad(`${line} is not a string`);
  if (!isCount(input.leafIndex)) throw bad('leafIndex is not a non-negative safe integer');
  if (!isCount(input.treeSize)) throw bad('treeSize is not a non-negative safe integer');
  if (!Array.isArray(input.auditPath) || !input.auditPath.every((h) => isHex(h, 32))) {
    throw bad('auditPath is not an array of 32-byte lowercase hex hashes');
  }
  if (!isObject(input.certificate)) throw bad('certificate is not an object');
  return input as unknown as ObjectProof | ObjectProofV2;
}

/**
 * Verifies a proof file (its bytes as read, strict UTF-8, or its text, or the
 * proof already parsed), either version: its shape, its certificate (of the
 * proof's version: PROOF_CERTIFICATE_MISMATCH otherwise), the entry, and the
 * audit path to the certified root of its file. Throws VerificationError.
 */
export function verifyObjectProof(input: unknown, trustedKeys: readonly TrustedKey[], options: { hasher?: MerkleHasher } = {}): VerifiedObjectProof {
  const text = input instanceof Uint8Array ? decodeInput(input, 'the proof file') : input;
  const parsed = typeof text === 'string' ? parseJsonInput(text, 'the proof file', 'PROOF_MALFORMED').value : text;
  const proof = parseObjectProof(parsed);
  const verified = verifyCertificate(proof.certificate, trustedKeys);
  const { statement } = verified;
  if (statement.version !== proof.version) {
    throw new VerificationError('PROOF_CERTIFICATE_MISMATCH', `a version ${proof.version} proof carries a version ${statement.version} certificate`);
  }
  const list: ProofList = proof.version === OBJECT_PROOF_VERSION ? 'records' : proof.list;
  const line = proof.version === OBJECT_PROOF_VERSION ? proof.record : proof.entry;
  const head = list === 'records' || !isStatementV2(statement) ? statement.merkle : listHeadOf(statement, list);
  const file = list === 'records' ? 'tree' : `${list} list`;
  if (proof.treeSize !== head.treeSize) {
    throw new VerificationError('PROOF_CERTIFICATE_MISMATCH', `proof is for tree size ${proof.treeSize}, the certificate's ${file} has ${head.treeSize}`);
  }
  const entry = list === 'records' ? parseRecordLine(line) : parseListEntryLine(list, line);
  if (entry.index !== proof.leafIndex) {
    throw new VerificationError('RECORD_INDEX_WRONG', `${list === 'records' ? 'record' : 'entry'} index ${entry.index}, proof leafIndex ${proof.leafIndex}`);
  }
  if (!statement.targets.some((t) => t.name === entry.target)) {
    throw new VerificationError('RECORD_INVALID', `${list === 'records' ? 'record' : 'entry'} names target ${JSON.stringify(entry.target)}, which the certificate does not list`);
  }
  const hasher = options.hasher ?? nobleHasher;
  verifyInclusion(
    proof.leafIndex,
    proof.treeSize,
    hasher.hashLeaf(utf8Encode(line)),
    proof.auditPath.map((h) => hexToBytes(h)),
    hexToBytes(head.rootHash),
    hasher,
  );
  const record = list === 'records' ? (entry as DestructionRecord) : undefined;
  return { ...verified, list, entry, record, proof } as VerifiedObjectProof;
}
