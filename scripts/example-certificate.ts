// A small, fully deterministic certificate built from real bytes with a
// fixed TEST key (seed 0x01 x 32). It feeds the worked example of
// docs/FORMAT.md and the vectors under test/vectors/certificate/. Never use
// this key for anything else: its private half is published here.
import { sha256 } from '@noble/hashes/sha2.js';
import {
  bytesToHex,
  type CertificateStatement,
  type DestructionRecord,
  type DsseEnvelope,
  MerkleTree,
  publicKeyToPem,
  seedSigner,
  signCertificate,
  StatementBuilder,
  utf8Encode,
  hashLeaf,
  canonicalizeToBytes,
  rootFromLeafHashes,
} from '../packages/verify/src/core/index.js';

export const EXAMPLE_SEED = new Uint8Array(32).fill(1);

export interface Example {
  statement: CertificateStatement;
  envelope: DsseEnvelope;
  lines: string[];
  publicKeyPem: string;
  tree: MerkleTree;
}

const h = (s: string) => bytesToHex(sha256(utf8Encode(s)));
const salt = (i: number) => h(`example salt ${i}`).slice(0, 32);

/** Objects of the example: content is hashed for real, so the sha256 members are true. */
const OBJECTS = [
  { target: 'photos', locator: 'user-1041/profile.jpg', content: 'not really a JPEG, but real bytes 1' },
  { target: 'photos', locator: 'user-1041/beach.jpg', content: 'not really a JPEG, but real bytes 2' },
  { target: 'photos', locator: 'user-2200/selfie.jpg', content: 'not really a JPEG, but real bytes 3' },
  { target: 'training-exports', locator: '2026-10/faces-000.tar', content: 'a training shard' },
  { target: 'training-exports', locator: '2026-10/faces-001.tar', content: 'another training shard' },
];

export function buildExample(): Example {
  const signer = seedSigner(EXAMPLE_SEED);
  const builder = new StatementBuilder();
  const lines: string[] = [];
  OBJECTS.forEach((o, index) => {
    const content = utf8Encode(o.content);
    const record: DestructionRecord = {
      index,
      target: o.target,
      locator: o.locator,
      sha256: bytesToHex(sha256(content)),
      size: content.length,
      destroyedAt: `2026-11-20T10:00:0${index}.000Z`,
      method: 'unlink',
      salt: salt(index),
    };
    lines.push(builder.add(record));
  });
  // The plan held 7 objects: the 5 destroyed, one under a legal hold, one that could not be removed.
  const inventoryEntries = [
    ...OBJECTS.map((o, i) => ({ target: o.target, locator: o.locator, size: utf8Encode(o.content).length, salt: salt(i) })),
    { target: 'photos', locator: 'user-3001/evidence.jpg', size: 1200, salt: salt(5) },
    { target: 'training-exports', locator: '2026-10/locked.tar', size: 4096, salt: salt(6) },
  ];
  const inventoryRoot = rootFromLeafHashes(inventoryEntries.map((e, index) => hashLeaf(canonicalizeToBytes({ index, ...e }))));
  const statement = builder.build({
    certificateId: 'cert-example-0001',
    issuedAt: '2026-11-20T10:05:00.000Z',
    issuer: { name: 'Example Corp compliance (TEST KEY)', keyid: signer.keyid },
    order: {
      id: 'ord-example-0001',
      reference: 'FTC Docket No. C-0000 (example)',
      sha256: h('the canonical order document'),
      createdBy: 'alice@example.com',
      approvedBy: 'bob@example.com',
      approvedAt: '2026-11-20T09:30:00.000Z',
    },
    inventory: {
      algorithm: 'rfc6962-sha256',
      treeSize: inventoryEntries.length,
      rootHash: bytesToHex(inventoryRoot),
      bytes: inventoryEntries.reduce((a, e) => a + e.size, 0),
      plannedAt: '2026-11-20T09:00:00.000Z',
    },
    execution: { startedAt: '2026-11-20T09:59:59.000Z', finishedAt: '2026-11-20T10:00:05.000Z' },
    targets: [
      { name: 'photos', kind: 'filesystem', planned: 4, persistence: ['unlink does not overwrite blocks; backups and snapshots may keep copies'] },
      { name: 'training-exports', kind: 'filesystem', planned: 3, persistence: ['unlink does not overwrite blocks; backups and snapshots may keep copies'] },
    ],
    rescan: {
      completedAt: '2026-11-20T10:04:00.000Z',
      items: [
        { target: 'photos', locator: 'user-3001/evidence.jpg', status: 'held' },
        { target: 'training-exports', locator: '2026-10/locked.tar', status: 'exception' },
      ],
    },
    exceptions: [{ target: 'training-exports', locator: '2026-10/locked.tar', code: 'EACCES', reason: 'permission denied on unlink' }],
    retained: [{ target: 'photos', locator: 'user-3001/evidence.jpg', holdId: 'hold-7', reason: 'litigation hold, case 26-cv-123' }],
  });
  const envelope = signCertificate(statement, signer);
  const tree = MerkleTree.fromLeafHashes(lines.map((l) => hashLeaf(utf8Encode(l))));
  return { statement, envelope, lines, publicKeyPem: publicKeyToPem(signer.publicKey), tree };
}
