// Per-object proof files (docs/FORMAT.md, "Per-object proof"): one record
// line, its leaf index, the tree size, the RFC 9162 section 2.1.3 audit path
// and the signed certificate. Enough for a person to check, offline, that one
// object is among the destroyed set, while revealing no other record.
import { hexToBytes, isHex, bytesToHex } from './bytes.js';
import { type VerifiedCertificate, verifyCertificate } from './certificate.js';
import type { DsseEnvelope } from './dsse.js';
import type { TrustedKey } from './ed25519.js';
import { VerificationError } from './errors.js';
import { type MerkleHasher, nobleHasher, verifyInclusion } from './merkle.js';
import { type DestructionRecord, parseRecordLine, recordLeafInput } from './record.js';
import { decodeInput, parseJsonInput } from './strict-json.js';
import { isCount, isObject } from './validate.js';

export const OBJECT_PROOF_TYPE = 'shredproof.object-proof';
export const OBJECT_PROOF_VERSION = 1;

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

export function buildObjectProof(
  line: string,
  leafIndex: number,
  treeSize: number,
  auditPath: readonly Uint8Array[],
  certificate: DsseEnvelope,
): ObjectProof {
  return {
    type: OBJECT_PROOF_TYPE,
    version: OBJECT_PROOF_VERSION,
    record: line,
    leafIndex,
    treeSize,
    auditPath: auditPath.map(bytesToHex),
    certificate,
  };
}

export interface VerifiedObjectProof extends VerifiedCertificate {
  record: DestructionRecord;
  /** The proof as verified. */
  proof: ObjectProof;
}

/** The members of a version 1 proof (docs/FORMAT.md section 7); a change to them is a new version. */
const PROOF_MEMBERS: ReadonlySet<string> = new Set(['type', 'version', 'record', 'leafIndex', 'treeSize', 'auditPath', 'certificate']);

/** Shape check of an untrusted proof file; every member is attacker controlled. */
function parseObjectProof(input: unknown): ObjectProof {
  const bad = (why: string) => new VerificationError('PROOF_MALFORMED', why);
  if (!isObject(input)) throw bad('the proof is not a JSON object');
  if (input.type !== OBJECT_PROOF_TYPE) throw bad(`type is not ${JSON.stringify(OBJECT_PROOF_TYPE)}`);
  if (input.version !== OBJECT_PROOF_VERSION) throw new VerificationError('VERSION_UNSUPPORTED', `proof version ${JSON.stringify(input.version)}, this verifier reads 1`);
  for (const k of Object.keys(input)) {
    if (!PROOF_MEMBERS.has(k)) throw new VerificationError('MEMBER_UNKNOWN', `the proof has a member ${JSON.stringify(k)}, which proof version 1 does not define`);
  }
  if (typeof input.record !== 'string') throw bad('record is not a string');
  if (!isCount(input.leafIndex)) throw bad('leafIndex is not a non-negative safe integer');
  if (!isCount(input.treeSize)) throw bad('treeSize is not a non-negative safe integer');
  if (!Array.isArray(input.auditPath) || !input.auditPath.every((h) => isHex(h, 32))) {
    throw bad('auditPath is not an array of 32-byte lowercase hex hashes');
  }
  if (!isObject(input.certificate)) throw bad('certificate is not an object');
  return input as unknown as ObjectProof;
}

/**
 * Verifies a proof file (its bytes as read, strict UTF-8, or its text, or the
 * proof already parsed): its shape, its certificate, the record and the
 * audit path to the certified root. Throws VerificationError.
 */
export function verifyObjectProof(
  input: unknown,
  trustedKeys: readonly TrustedKey[],
  options: { hasher?: MerkleHasher } = {},
): VerifiedObjectProof {
  const text = input instanceof Uint8Array ? decodeInput(input, 'the proof file') : input;
  const parsed = typeof text === 'string' ? parseJsonInput(text, 'the proof file', 'PROOF_MALFORMED').value : text;
  const proof = parseObjectProof(parsed);
  const verified = verifyCertificate(proof.certificate, trustedKeys);
  const { merkle } = verified.statement;
  if (proof.treeSize !== merkle.treeSize) {
    throw new VerificationError('PROOF_CERTIFICATE_MISMATCH', `proof is for tree size ${proof.treeSize}, the certificate's tree has ${merkle.treeSize}`);
  }
  const record = parseRecordLine(proof.record);
  if (record.index !== proof.leafIndex) {
    throw new VerificationError('RECORD_INDEX_WRONG', `record index ${record.index}, proof leafIndex ${proof.leafIndex}`);
  }
  if (!verified.statement.targets.some((t) => t.name === record.target)) {
    throw new VerificationError('RECORD_INVALID', `record names target ${JSON.stringify(record.target)}, which the certificate does not list`);
  }
  const hasher = options.hasher ?? nobleHasher;
  verifyInclusion(
    proof.leafIndex,
    proof.treeSize,
    hasher.hashLeaf(recordLeafInput(proof.record)),
    proof.auditPath.map((h) => hexToBytes(h)),
    hexToBytes(merkle.rootHash),
    hasher,
  );
  return { ...verified, record, proof };
}
