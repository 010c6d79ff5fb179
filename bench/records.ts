// Records: serialization (canonical lines per second) and verification of a
// 1,000,000-record file through the CLI path (read, UTF-8, canonical check,
// RFC 6962 root, digest), against plain JSON.parse of the same lines as a
// baseline in the same run.
//   node --import tsx bench/records.ts [records]
import { mkdtempSync, rmSync, writeFileSync, openSync, writeSync, closeSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DestructionRecord, type StatementParts, recordLine, seedSigner, StatementBuilder, signCertificate, verifyCertificate, trustedKey, buildObjectProof, verifyObjectProof, MerkleTree, hashLeaf, utf8Encode } from '../src/core/index.js';
import { nodeHasher } from '../src/node/merkle-hasher.js';
import { nodeFileDigest, verifyRecordsFile } from '../src/node/fast-verify.js';
import type { BenchResult } from './types.js';

function record(i: number): DestructionRecord {
  const hex = (i * 2654435761).toString(16).padStart(8, '0').slice(-8);
  return {
    index: i,
    target: 'photos',
    locator: `users/user-${String(i % 50_000).padStart(5, '0')}/photo-${String(i).padStart(8, '0')}.jpg`,
    sha256: hex.repeat(8),
    size: 1000 + (i % 60_000),
    destroyedAt: '2026-11-26T10:00:00.000Z',
    method: 'unlink',
    salt: hex.repeat(4),
  };
}

export async function benchRecords(n = 1_000_000): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'spbench-rec-'));
  try {
    // serialization: validate + canonicalize (what finalize does per record)
    let t = performance.now();
    const builder = new StatementBuilder({ hasher: nodeHasher, fileDigest: nodeFileDigest() });
    const path = join(dir, 'records.ndjson');
    const fd = openSync(path, 'w');
    let chunk = '';
    for (let i = 0; i < n; i++) {
      chunk += builder.add(record(i)) + '\n';
      if (chunk.length > 1 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    writeSync(fd, chunk);
    closeSync(fd);
    const buildS = (performance.now() - t) / 1000;
    t = performance.now();
    for (let i = 0; i < 200_000; i++) recordLine(record(i));
    const lineS = (performance.now() - t) / 1000;

    const signer = seedSigner(new Uint8Array(32).fill(5));
    const at = '2026-11-26T10:00:00.000Z';
    const parts: StatementParts = {
      certificateId: 'bench', issuedAt: at, issuer: { name: 'bench', keyid: signer.keyid },
      order: { id: 'bench', reference: 'bench', sha256: '0'.repeat(64), createdBy: 'a', approvedBy: 'b', approvedAt: at },
      inventory: { algorithm: 'rfc6962-sha256', treeSize: n, rootHash: '0'.repeat(64), bytes: 0, plannedAt: at },
      execution: { startedAt: at, finishedAt: at },
      targets: [{ name: 'photos', kind: 'filesystem', planned: n, persistence: [] }],
      rescan: { completedAt: at, items: [] }, exceptions: [], retained: [],
    };
    const statement = builder.build(parts);
    const envelope = signCertificate(statement, signer);
    writeFileSync(join(dir, 'certificate.json'), JSON.stringify(envelope));

    // verification through the CLI's path, and a JSON.parse-only baseline over the same file
    const { statement: verified } = verifyCertificate(readFileSync(join(dir, 'certificate.json'), 'utf8'), [trustedKey(signer.publicKey)]);
    t = performance.now();
    await verifyRecordsFile(verified, path);
    const verifyS = (performance.now() - t) / 1000;
    t = performance.now();
    let parsed = 0;
    for (const line of readFileSync(path, 'utf8').split('\n')) if (line) parsed += (JSON.parse(line) as { size: number }).size > 0 ? 1 : 0;
    const parseS = (performance.now() - t) / 1000;

    // per-object proofs over the first 100,000 records: verify 2,000 proofs, the certificate signature included (as `verify --proof` does)
    const lines = readFileSync(path, 'utf8').split('\n', 100_000);
    const sub = lines.length;
    const tree = MerkleTree.fromLeafHashes(lines.map((l) => hashLeaf(utf8Encode(l))));
    const small = new StatementBuilder({ hasher: nodeHasher, fileDigest: nodeFileDigest() });
    for (const l of lines) small.add(JSON.parse(l) as DestructionRecord);
    const smallEnv = signCertificate(
      small.build({ ...parts, targets: [{ name: 'photos', kind: 'filesystem', planned: sub, persistence: [] }], inventory: { ...parts.inventory, treeSize: sub } }),
      signer,
    );
    const proofs = 2000;
    t = performance.now();
    for (let k = 0; k < proofs; k++) {
      const i = (k * 7919) % sub;
      verifyObjectProof(buildObjectProof(lines[i]!, i, sub, tree.inclusionProof(i), smallEnv), [trustedKey(signer.publicKey)], { hasher: nodeHasher });
    }
    const proofS = (performance.now() - t) / 1000;
    const k = (x: number) => Math.round(x);
    return [
      { name: `${n.toLocaleString('en-US')} records: build (validate + canonicalize + hash + digest + write)`, value: k(n / buildS), unit: 'records/s', note: `${buildS.toFixed(2)} s` },
      { name: 'record serialization alone (validate + RFC 8785)', value: k(200_000 / lineS), unit: 'records/s' },
      { name: `${n.toLocaleString('en-US')} records: verify records.ndjson (CLI path: UTF-8, canonical check, root, digest, sums)`, value: k(n / verifyS), unit: 'records/s', target: '>= 300,000 (issue 6)', note: `${verifyS.toFixed(2)} s` },
      { name: 'baseline: JSON.parse of the same lines only', value: k(n / parseS), unit: 'records/s', note: `verify is ${(verifyS / parseS).toFixed(1)}x the bare parse time` },
      { name: `per-object proof verification (tree of ${sub.toLocaleString('en-US')}, signature included)`, value: k(proofs / proofS), unit: 'proofs/s', note: `${((proofS / proofs) * 1e6).toFixed(0)} us each` },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const n = Number(process.argv[2] ?? 1_000_000);
  for (const r of await benchRecords(n)) console.log(`| ${r.name} | ${r.value} ${r.unit} | ${r.target ?? ''} | ${r.note ?? ''} |`);
}
