// A small, fully deterministic version 2 certificate bundle (docs/FORMAT.md
// section 10) built from real bytes with the fixed TEST key of the v1 example
// (seed 0x01 x 32; its private half is published, never use it for anything
// else). The same five records as scripts/example-certificate.ts, one
// retained entry, one exception, two re-scan entries, order.json, trust.json,
// public-key.pem and three proofs. It feeds section 11 of docs/FORMAT.md and
// the vectors under test/vectors/certificate/v2/.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, canonicalize, hashLeaf, MerkleTree, publicKeyToPem, seedSigner, utf8Encode } from '../packages/verify/src/core/index.js';
import { signCertificate } from '../packages/verify/src/core/certificate.js';
import type { DsseEnvelope } from '../packages/verify/src/core/dsse.js';
import { type ExceptionEntry, LIST_NAMES, ListBuilder, type RescanEntry, type RetainedEntry } from '../packages/verify/src/core/list.js';
import { buildObjectProofV2, type ObjectProofV2, type ProofList } from '../packages/verify/src/core/object-proof.js';
import type { DestructionRecord } from '../packages/verify/src/core/record.js';
import { StatementBuilderV2 } from '../packages/verify/src/core/statement-builder-v2.js';
import type { CertificateStatementV2 } from '../packages/verify/src/core/statement-v2.js';
import { buildExample, EXAMPLE_SEED } from './example-certificate.js';

export { EXAMPLE_SEED };

const h = (s: string) => bytesToHex(sha256(utf8Encode(s)));
/** A fresh salt per entry, as section 5.5 wants; derived from a label here so that the example stays the same. */
const salt = (label: string) => h(`example v2 salt ${label}`).slice(0, 32);

/** The held photo's content: 1200 real bytes, the size the plan's inventory gives it. */
const HELD_CONTENT = utf8Encode('held evidence photo, real bytes '.repeat(40).slice(0, 1200));

const RETAINED: RetainedEntry[] = [
  {
    index: 0,
    target: 'photos',
    locator: 'user-3001/evidence.jpg',
    holdId: 'hold-7',
    reason: 'litigation hold, case 26-cv-123',
    salt: salt('retained 0'),
    sha256: bytesToHex(sha256(HELD_CONTENT)),
    size: HELD_CONTENT.length,
  },
];
const EXCEPTIONS: ExceptionEntry[] = [
  { index: 0, target: 'training-exports', locator: '2026-10/locked.tar', code: 'EACCES', reason: 'permission denied on unlink', salt: salt('exceptions 0') },
];
const RESCAN: RescanEntry[] = [
  { index: 0, target: 'photos', locator: 'user-3001/evidence.jpg', status: 'held', salt: salt('rescan 0') },
  { index: 1, target: 'training-exports', locator: '2026-10/locked.tar', status: 'exception', salt: salt('rescan 1') },
];

/** The order document as approved (docs/ORDERS.md section 1), with holds and derived filled in as stored. */
export const EXAMPLE_ORDER = {
  reference: 'FTC Docket No. C-0000 (example)',
  description: 'Destroy the photos of users 1041 and 2200 and the October face-training exports.',
  deadline: '2026-11-30T23:59:59Z',
  targets: [
    { backend: 'photos', scope: { include: ['user-1041/**', 'user-2200/**', 'user-3001/**'] } },
    { backend: 'training-exports', scope: { include: ['2026-10/**'] } },
  ],
  holds: [{ id: 'hold-7', reason: 'litigation hold, case 26-cv-123', target: 'photos', match: { include: ['user-3001/**'] } }],
  derived: [],
};

/** The proofs of the bundle: file name under proofs/, the list and the leaf index. */
export const EXAMPLE_PROOFS: ReadonlyArray<[string, ProofList, number]> = [
  ['record-2.json', 'records', 2],
  ['retained-0.json', 'retained', 0],
  ['exception-0.json', 'exceptions', 0],
];

export interface ExampleV2 {
  statement: CertificateStatementV2;
  envelope: DsseEnvelope;
  /** The lines of each file, without "\n": records.ndjson and the three lists. */
  lines: Record<ProofList, string[]>;
  /** order.json: the RFC 8785 bytes of EXAMPLE_ORDER, no final newline. */
  orderJson: string;
  trust: Record<string, unknown>;
  trustJson: string;
  publicKeyPem: string;
  proofs: Record<string, ObjectProofV2>;
}

/** The trust root of section 5.7 for one key, valid from `validFrom`, written as the bundle holds it. */
export function trustRootFor(publicKey: Uint8Array, keyid: string, validFrom = '2026-01-01T00:00:00Z'): Record<string, unknown> {
  const spki = publicKeyToPem(publicKey).split('\n')[1]!; // the 44 DER bytes, one base64 line
  return {
    type: 'shredproof.trust-root',
    version: 1,
    issuer: 'Example Corp compliance (TEST KEY)',
    certificateKeys: [{ keyid, publicKey: spki, validFrom }],
  };
}

export const trustText = (root: unknown): string => JSON.stringify(root, null, 2) + '\n';

/** The proofs of EXAMPLE_PROOFS over these lines, each carrying `envelope`. */
export function proofsFor(envelope: DsseEnvelope, lines: Record<ProofList, string[]>): Record<string, ObjectProofV2> {
  const proofs: Record<string, ObjectProofV2> = {};
  for (const [file, list, i] of EXAMPLE_PROOFS) {
    const tree = MerkleTree.fromLeafHashes(lines[list].map((l) => hashLeaf(utf8Encode(l))));
    proofs[file] = buildObjectProofV2(list, lines[list][i]!, i, lines[list].length, tree.inclusionProof(i), envelope);
  }
  return proofs;
}

export function buildExampleV2(): ExampleV2 {
  const signer = seedSigner(EXAMPLE_SEED);
  const v1 = buildExample();
  const builder = new StatementBuilderV2();
  const records = v1.lines.map((l) => builder.add(JSON.parse(l) as DestructionRecord));
  const lists = { retained: new ListBuilder('retained'), exceptions: new ListBuilder('exceptions'), rescan: new ListBuilder('rescan') };
  const listLines = {
    retained: RETAINED.map((e) => lists.retained.add(e)),
    exceptions: EXCEPTIONS.map((e) => lists.exceptions.add(e)),
    rescan: RESCAN.map((e) => lists.rescan.add(e)),
  };
  const orderJson = canonicalize(EXAMPLE_ORDER);
  const persistence = ['unlink does not overwrite blocks; backups and snapshots may keep copies'];
  const statement = builder.build({
    certificateId: 'cert-example-0002',
    issuedAt: '2026-11-20T10:05:00.000Z',
    issuer: { name: 'Example Corp compliance (TEST KEY)', keyid: signer.keyid },
    tool: { name: 'shredproof', version: '0.1.0' },
    order: {
      id: 'ord-example-0002',
      reference: EXAMPLE_ORDER.reference,
      sha256: bytesToHex(sha256(utf8Encode(orderJson))),
      createdBy: 'alice@example.com',
      approvedBy: 'bob@example.com',
      approvedAt: '2026-11-20T09:30:00.000Z',
      deadline: EXAMPLE_ORDER.deadline,
    },
    // The same plan as the v1 example: 7 objects, committed before anything was destroyed.
    inventory: v1.statement.inventory,
    execution: v1.statement.execution,
    targets: (['photos', 'training-exports'] as const).map((name, i) => ({
      name,
      kind: 'filesystem',
      system: ['files-01.example.com:/srv/photos', 'ml-02.example.com:/srv/training-exports'][i]!,
      persistence,
      planned: [4, 3][i]!,
      retained: lists.retained.countsByTarget().get(name) ?? 0,
      exceptions: lists.exceptions.countsByTarget().get(name) ?? 0,
    })),
    retained: lists.retained.head(),
    exceptions: lists.exceptions.head(),
    rescan: { completedAt: '2026-11-20T10:04:00.000Z', items: lists.rescan.head(), statuses: lists.rescan.countsByStatus() },
  });
  const envelope = signCertificate(statement, signer);
  const lines = { records, ...listLines };
  const trust = trustRootFor(signer.publicKey, signer.keyid);
  return { statement, envelope, lines, orderJson, trust, trustJson: trustText(trust), publicKeyPem: publicKeyToPem(signer.publicKey), proofs: proofsFor(envelope, lines) };
}

/** A file of a bundle: text, or bytes where a vector holds invalid UTF-8. */
export type Contents = string | Uint8Array;
export type BundleFiles = Record<string, Contents>;

export const ndjson = (lines: readonly string[]): string => lines.map((l) => l + '\n').join('');
export const envelopeText = (env: DsseEnvelope): string => JSON.stringify(env, null, 2) + '\n';

/** The files of a bundle, by path inside it. */
export function bundleFiles(ex: Omit<ExampleV2, 'statement'>): BundleFiles {
  const files: BundleFiles = {
    'certificate.json': envelopeText(ex.envelope),
    'records.ndjson': ndjson(ex.lines.records),
    'order.json': ex.orderJson,
    'trust.json': ex.trustJson,
    'public-key.pem': ex.publicKeyPem,
  };
  for (const list of LIST_NAMES) files[`${list}.ndjson`] = ndjson(ex.lines[list]);
  for (const [name, proof] of Object.entries(ex.proofs)) files[`proofs/${name}`] = JSON.stringify(proof, null, 2) + '\n';
  return files;
}
