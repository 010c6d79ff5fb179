// The transparency log vectors of test/vectors/certificate/v2 (docs/FORMAT.md
// section 12; README.md here): valid-logged/, valid-approved/'s bundle whose
// trust.json names the issuer's log and which carries its certificate's
// receipt, and invalid/receipt-*, each with one thing changed. generate.ts
// writes them.
//
// The log is small and made here with the core's own code: six entries
// (keys, our certificate, a later key and its revocation), an RFC 6962 tree
// over them (MerkleTree), a checkpoint signed by the log's TEST key (seed
// 0x07 x 32) and cosigned by one witness (seed 0x08 x 32) at a fixed time,
// and the tlog-proof of our certificate's entry, index 3.
import { sha256 } from '@noble/hashes/sha2.js';
import {
  base64Decode,
  base64Encode,
  bytesToHex,
  certificateLogEvent,
  checkCertificateReceipt,
  cosignatureLine,
  type DsseEnvelope,
  formatCheckpointText,
  formatSignedNote,
  formatVerifierKey,
  hashLeaf,
  type LogEvent,
  logEntryBytes,
  MerkleTree,
  NOTE_KEY_COSIGNATURE_V1,
  NOTE_KEY_ED25519,
  noteSignatureLine,
  parseCertificate,
  parseTrustRoot,
  RECEIPT_FILE,
  type ReceiptFacts,
  seedSigner,
  type Signer,
  trustedKey,
  utf8Encode,
  verifyCertificate,
} from '../../../../packages/verify/src/core/index.js';
import { formatTlogProof } from '../../../../packages/verify/src/core/tlog-proof.js';
import { type BundleFiles, EXAMPLE_SEED, trustText } from '../../../../scripts/example-certificate-v2.js';
import type { Expected, InvalidVectorV2, ValidBundleV2 } from './generate.js';

/** The published TEST seeds of the log, its witness, and a key that is not the log's. */
export const LOG_SEED = new Uint8Array(32).fill(7);
export const WITNESS_SEED = new Uint8Array(32).fill(8);
const OTHER_LOG_SEED = new Uint8Array(32).fill(9);
/** The log's origin (its checkpoints' first line, and its key's name), another log's, and the witness's name. */
export const LOG_ORIGIN = 'log.example.com/shredproof-test';
const OTHER_ORIGIN = 'log.example.com/shredproof-staging';
export const WITNESS_NAME = 'witness.example.org/w1';
/** When the log began: receipts are required for certificates issued from then on (valid-approved/'s was issued 2026-11-20T10:05:00.000Z). */
export const RECEIPTS_REQUIRED_FROM = '2026-11-01T00:00:00Z';
/** The witness's cosignature time: 2026-11-20T10:10:00Z, five minutes after the certificate was issued. */
export const COSIGNED_AT = 1795169400;
/** Our certificate's entry in the log, and the log's size at the checkpoint. */
export const RECEIPT_INDEX = 3;
const LOG_SIZE = 6;
const ENTRY_TIME = '2026-01-01T00:00:00Z';

const sha = (s: string) => bytesToHex(sha256(utf8Encode(s)));
type Root = Record<string, any>;

/** The log's entries (section 12.1): the keys of valid-approved/'s trust.json, our certificate at RECEIPT_INDEX, then carol's key and its revocation. */
function logEvents(certificate: LogEvent, root: Root): LogEvent[] {
  const [bob, alice] = root.approvalKeys as Root[];
  const carol = seedSigner(new Uint8Array(32).fill(5));
  return [
    { type: 'key', role: 'certificate', keyid: root.certificateKeys[0].keyid, validFrom: ENTRY_TIME },
    { type: 'key', role: 'approval', keyid: bob!.keyid, validFrom: ENTRY_TIME, person: bob!.person, roles: bob!.roles },
    { type: 'key', role: 'approval', keyid: alice!.keyid, validFrom: ENTRY_TIME, person: alice!.person, roles: alice!.roles },
    certificate,
    { type: 'key', role: 'approval', keyid: carol.keyid, validFrom: '2026-11-20T10:06:00Z', person: 'carol@example.com', roles: ['approver'] },
    { type: 'key-revocation', role: 'approval', keyid: carol.keyid, revokedAt: '2026-11-20T10:08:00Z', reason: 'registered by mistake (TEST)' },
  ];
}

/** What a receipt variant changes: the checkpoint's origin and who signs it, the witness line, the index and hashes, or the text after all. */
interface ReceiptChange {
  origin?: string;
  logSigner?: Signer;
  cosigned?: boolean;
  index?: number;
  hashes?: (h: Uint8Array[]) => Uint8Array[];
  text?: (receipt: string) => string;
}

/** The log over `events`, and a receipt of entry RECEIPT_INDEX at its checkpoint, as changed by `c`. */
function receiptOf(events: LogEvent[], c: ReceiptChange = {}): string {
  const tree = MerkleTree.fromLeafHashes(events.map((e) => hashLeaf(logEntryBytes(e))));
  const text = formatCheckpointText({ origin: c.origin ?? LOG_ORIGIN, size: tree.size, rootHash: tree.root(), extensions: [] });
  const lines = [noteSignatureLine(text, LOG_ORIGIN, c.logSigner ?? seedSigner(LOG_SEED))];
  if (c.cosigned !== false) lines.push(cosignatureLine(text, WITNESS_NAME, seedSigner(WITNESS_SEED), COSIGNED_AT));
  const hashes = tree.inclusionProof(RECEIPT_INDEX);
  const receipt = formatTlogProof({ index: c.index ?? RECEIPT_INDEX, hashes: c.hashes ? c.hashes(hashes) : hashes, checkpoint: formatSignedNote(text, lines) });
  return c.text ? c.text(receipt) : receipt;
}

/** The trust root's `log` member (section 12.7), its members in the order the core writes them back (trustRootText). */
export function trustLog(): Root {
  return {
    origin: LOG_ORIGIN,
    keys: [formatVerifierKey(LOG_ORIGIN, NOTE_KEY_ED25519, seedSigner(LOG_SEED).publicKey)],
    witnesses: [formatVerifierKey(WITNESS_NAME, NOTE_KEY_COSIGNATURE_V1, seedSigner(WITNESS_SEED).publicKey)],
    witnessQuorum: 1,
    receiptsRequiredFrom: RECEIPTS_REQUIRED_FROM,
  };
}

/** A byte of a base64 string changed (XOR 0x01 at `at`), still base64 of as many bytes. */
function flipByte(b64: string, at: number): string {
  const bytes = base64Decode(b64);
  bytes[at]! ^= 0x01;
  return base64Encode(bytes);
}

/** The log's signature line in a receipt with one byte of the signature (after the 4-byte key hint) changed. */
function logSignatureAltered(receipt: string): string {
  const line = receipt.split('\n').find((l) => l.startsWith(`\u2014 ${LOG_ORIGIN} `))!;
  const b64 = line.slice(`\u2014 ${LOG_ORIGIN} `.length);
  return receipt.replace(line, `\u2014 ${LOG_ORIGIN} ${flipByte(b64, 4 + 10)}`);
}

/**
 * valid-logged/ (valid-approved/'s files, its trust.json with `log`, and the
 * receipt) with its three verdicts, and the invalid receipt vectors, each
 * one change to it. `approved` is valid-approved/, `approvedTrust` its trust root.
 */
export function buildLoggedVectors(approved: ValidBundleV2, approvedTrust: Root): { valid: ValidBundleV2; invalid: InvalidVectorV2[] } {
  const signer = seedSigner(EXAMPLE_SEED);
  const envelope = parseCertificate(approved.files['certificate.json']!) as DsseEnvelope;
  const { statement } = verifyCertificate(envelope, [trustedKey(signer.publicKey)]);
  const events = logEvents(certificateLogEvent(envelope, statement), approvedTrust);
  const trust: Root = { ...approvedTrust, log: trustLog() };
  const bundle = (c: { receipt?: string | null; trust?: Root } = {}): BundleFiles => {
    const files = { ...approved.files, 'trust.json': trustText(c.trust ?? trust) };
    const receipt = c.receipt === undefined ? receiptOf(events) : c.receipt;
    return receipt === null ? files : { ...files, [RECEIPT_FILE]: receipt };
  };
  const files = bundle();
  // What every verifier reports of the receipt: the core's own reading of it, under this trust root.
  const receipt: ReceiptFacts = checkCertificateReceipt(parseTrustRoot(files['trust.json']!), envelope, statement, files[RECEIPT_FILE]!)!;
  const { approvals, approvalsRequired } = approved.expected[0]!;
  const said = `approved by bob and performed by alice; entry ${RECEIPT_INDEX} of the ${LOG_SIZE}-entry log ${LOG_ORIGIN}, cosigned by ${WITNESS_NAME}`;
  const common = { approvals, approvalsRequired, receipt };
  const expected: Expected[] = [
    { code: null, pin: { keyid: signer.keyid }, pinned: true, ...common, description: `pinned by the signing key's id: valid, pinned, ${said}` },
    { code: null, pin: { trustSha256: sha(files['trust.json'] as string) }, pinned: true, ...common, description: `pinned by the SHA-256 of trust.json: valid, pinned, ${said}` },
    { code: null, pin: null, pinned: false, ...common, description: `no pin: valid, not pinned (the keys and the log's come from the bundle's own trust.json), ${said}` },
  ];
  const v = (name: string, code: Expected['code'], description: string, f: BundleFiles): InvalidVectorV2 => ({ name, files: f, expected: { code, pin: null, file: RECEIPT_FILE, description } });
  const revoked = structuredClone(trust);
  Object.assign(revoked.certificateKeys[0], { revokedAt: '2026-11-21T00:00:00Z', revocationReason: 'key stolen (TEST)', revocationLogIndex: RECEIPT_INDEX - 1 });
  const invalid = [
    v('receipt-missing', 'RECEIPT_MISSING', `no ${RECEIPT_FILE}: the trust root requires receipts from ${RECEIPTS_REQUIRED_FROM}, and the certificate was issued ${statement.issuedAt}`, bundle({ receipt: null })),
    v('receipt-index-changed', 'RECEIPT_MISMATCH', `the receipt says index ${RECEIPT_INDEX - 1} (its proof, of as many hashes, is of index ${RECEIPT_INDEX})`, bundle({ receipt: receiptOf(events, { index: RECEIPT_INDEX - 1 }) })),
    v('receipt-hash-changed', 'RECEIPT_MISMATCH', 'one byte of the second hash of the inclusion proof changed', bundle({
      receipt: receiptOf(events, { hashes: (h) => h.map((x, i) => (i === 1 ? Uint8Array.from(x, (b, j) => (j === 0 ? b ^ 1 : b)) : x)) }),
    })),
    v('receipt-other-log-key', 'NOTE_UNVERIFIED', `the checkpoint is signed, under the log's name, by another key (seed 0x09 x 32) than the trust root's log key, and cosigned by the witness`, bundle({
      receipt: receiptOf(events, { logSigner: seedSigner(OTHER_LOG_SEED) }),
    })),
    v('receipt-other-origin', 'NOTE_UNVERIFIED', `the checkpoint is of the log ${OTHER_ORIGIN} (the same entries), signed with the log's key and cosigned by the witness`, bundle({
      receipt: receiptOf(events, { origin: OTHER_ORIGIN }),
    })),
    v('receipt-log-signature-altered', 'NOTE_SIGNATURE_INVALID', "one byte of the log's signature on the checkpoint changed (its key hint kept)", bundle({ receipt: receiptOf(events, { text: logSignatureAltered }) })),
    v('receipt-cosignature-missing', 'COSIGNATURE_MISSING', `the checkpoint without the witness's cosignature; the trust root requires 1 (witnessQuorum)`, bundle({ receipt: receiptOf(events, { cosigned: false }) })),
    v('receipt-malformed', 'NOTE_MALFORMED', `the receipt's index line is "index 0${RECEIPT_INDEX}", with a leading zero`, bundle({
      receipt: receiptOf(events, { text: (r) => r.replace(`\nindex ${RECEIPT_INDEX}\n`, `\nindex 0${RECEIPT_INDEX}\n`) }),
    })),
    v('receipt-key-revoked-in-log', 'KEY_REVOKED', `trust.json revokes the signing key at 2026-11-21T00:00:00Z (after issuedAt ${statement.issuedAt}) with revocationLogIndex ${RECEIPT_INDEX - 1}; the receipt logs the certificate at index ${RECEIPT_INDEX}, after the revocation`, bundle({
      trust: revoked,
    })),
  ];
  return { valid: { files, expected }, invalid };
}
