// Records: serialization (canonical lines per second); verification of a
// 1,000,000-record file through the CLI (`shredproof verify --records`: read,
// UTF-8, canonical check, RFC 6962 root, digest, sums), in process and as a
// child process, against the core's RecordsVerifier (the CLI path before the
// Node fast path) and plain JSON.parse of the same lines as baselines in the
// same run; per-object proofs; and the RecordsIndex the API serves proofs from.
//   node --import tsx bench/records.ts [records]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, openSync, writeSync, closeSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DestructionRecord, type StatementParts, recordLine, seedSigner, StatementBuilder, signCertificate, verifyCertificate, trustedKey, buildObjectProof, verifyObjectProof, MerkleTree, hashLeaf, utf8Encode, publicKeyToPem, RecordsVerifier } from '../packages/verify/src/core/index.js';
import { main } from '../src/cli/main.js';
import { nodeHasher } from '../packages/verify/src/node/merkle-hasher.js';
import { nodeFileDigest } from '../packages/verify/src/node/fast-verify.js';
import { decodeLine } from '../packages/verify/src/core/record-scan.js';
import { forEachLine } from '../packages/verify/src/node/line-reader.js';
import { RecordsIndex } from '../packages/verify/src/node/records-index.js';
import type { BenchResult } from './types.js';

const BIN = fileURLToPath(new URL('../bin/shredproof.js', import.meta.url));

/** Median wall time of three runs, in seconds: this machine is shared, and single runs vary by half. */
async function median3(f: () => Promise<void>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await f();
    times.push((performance.now() - t) / 1000);
  }
  return times.sort((a, b) => a - b)[1]!;
}

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

    // verification through the CLI: in process (main(), so module loading is not counted) and as a child process
    writeFileSync(join(dir, 'public-key.pem'), publicKeyToPem(signer.publicKey));
    const cli = ['verify', '--certificate', join(dir, 'certificate.json'), '--public-key', join(dir, 'public-key.pem'), '--records', path];
    const verifyS = await median3(async () => {
      const out: string[] = [];
      const code = await main(['node', 'shredproof', ...cli], { out: (l) => out.push(l), err: (l) => out.push(l) });
      if (code !== 0 || !out[0]?.startsWith('VALID')) throw new Error(`verify failed: ${out.join('\n')}`);
    });
    const childS = await median3(async () => {
      const child = spawnSync(process.execPath, [BIN, ...cli], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`shredproof verify exited ${child.status}: ${child.stdout}${child.stderr}`);
    });
    const startS = await median3(async () => void spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' }));

    // baselines over the same file: the core RecordsVerifier (the CLI path before the Node fast path), and JSON.parse alone
    const { statement: verified } = verifyCertificate(readFileSync(join(dir, 'certificate.json'), 'utf8'), [trustedKey(signer.publicKey)]);
    const coreS = await median3(async () => {
      const core = new RecordsVerifier(verified, { hasher: nodeHasher, fileDigest: nodeFileDigest() });
      await forEachLine(path, (b, s, e, n) => core.push(decodeLine(b.subarray(s, e), n)));
      core.finish();
    });
    t = performance.now();
    let parsed = 0;
    for (const line of readFileSync(path, 'utf8').split('\n')) if (line) parsed += (JSON.parse(line) as { size: number }).size > 0 ? 1 : 0;
    const parseS = (performance.now() - t) / 1000;

    // the API's proof index, in a fresh process so that its memory is its own
    const ix = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--index', dir, String(n)], { encoding: 'utf8' });
    if (ix.status !== 0 || !ix.stdout) throw new Error(`index child exited ${ix.status}: ${ix.stdout}${ix.stderr}`);
    const index = JSON.parse(ix.stdout) as IndexFigures;

    // per-object proofs over the first 100,000 records: verify 2,000 proofs, the certificate signature included (as `verify --proof` does)
    const lines = readFileSync(path, 'utf8').split('\n', Math.min(n, 100_000));
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
    const perS = (secs: number) => k(n / secs);
    return [
      { name: `${n.toLocaleString('en-US')} records: build (validate + canonicalize + hash + digest + write)`, value: k(n / buildS), unit: 'records/s', note: `${buildS.toFixed(2)} s` },
      { name: 'record serialization alone (validate + RFC 8785)', value: k(200_000 / lineS), unit: 'records/s' },
      { name: `${n.toLocaleString('en-US')} records: \`shredproof verify --records\` in process (certificate, UTF-8, canonical check, root, digest, sums)`, value: perS(verifyS), unit: 'records/s', target: '>= 300,000 (issue 6)', note: `${verifyS.toFixed(2)} s (median of 3); Node fast path (packages/verify/src/core/record-scan.ts), same verdicts as the core` },
      { name: 'the same as a child process, start-up included', value: perS(childS), unit: 'records/s', note: `${childS.toFixed(2)} s (median of 3), of which ${startS.toFixed(2)} s is \`shredproof --version\` (Node, tsx, every command's imports)` },
      { name: 'baseline: the core RecordsVerifier over the same file (the CLI path before)', value: perS(coreS), unit: 'records/s', note: `${coreS.toFixed(2)} s (median of 3); the CLI is ${(coreS / verifyS).toFixed(1)}x faster` },
      { name: 'baseline: JSON.parse of the same lines only', value: perS(parseS), unit: 'records/s', note: `the CLI's whole verification takes ${(verifyS / parseS).toFixed(1)}x the bare parse time` },
      { name: `per-object proof verification (tree of ${sub.toLocaleString('en-US')}, signature included)`, value: k(proofs / proofS), unit: 'proofs/s', note: `${((proofS / proofs) * 1e6).toFixed(0)} us each` },
      { name: `RecordsIndex.load, ${n.toLocaleString('en-US')} records (verifies them too)`, value: Number(index.loadS.toFixed(2)), unit: 's', note: `${(index.memoryBytes / 1e6).toFixed(1)} MB by memoryBytes; fresh process: RSS ${index.rssBefore.toFixed(0)} MB before, peak ${index.rssPeak.toFixed(0)} MB, ${index.rssAfter.toFixed(0)} MB after` },
      { name: 'RecordsIndex find by locator + proof, median of 200', value: Number(index.median.toFixed(2)), unit: 'ms', target: 'a few ms', note: `95th percentile ${index.p95.toFixed(2)} ms; reads 16 lines from disk and checks them against the tree` },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface IndexFigures {
  loadS: number;
  memoryBytes: number;
  rssBefore: number;
  rssPeak: number;
  rssAfter: number;
  median: number;
  p95: number;
}

/** Loads the index over DIR's files, then times 200 lookups with proofs (run as a child process). */
async function indexFigures(dir: string, n: number): Promise<IndexFigures> {
  const mb = (kb: string) => Number(/\d+/.exec(kb)![0]) / 1024;
  const status = () => readFileSync('/proc/self/status', 'utf8');
  const envelope = JSON.parse(readFileSync(join(dir, 'certificate.json'), 'utf8')) as Parameters<RecordsIndex['proof']>[1];
  const signer = seedSigner(new Uint8Array(32).fill(5));
  const { statement } = verifyCertificate(envelope, [trustedKey(signer.publicKey)]);
  const rssBefore = process.memoryUsage().rss / 1e6;
  let t = performance.now();
  const index = await RecordsIndex.load(join(dir, 'records.ndjson'), statement);
  const loadS = (performance.now() - t) / 1000;
  const times: number[] = [];
  for (let k = 0; k < 200; k++) {
    const i = (k * 104_729) % n;
    t = performance.now();
    const [leaf] = await index.find({ locator: record(i).locator, target: 'photos' });
    await index.proof(leaf!, envelope);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const rssPeak = mb(/VmHWM:.*/.exec(status())![0]) * 1.048576;
  return { loadS, memoryBytes: index.memoryBytes, rssBefore, rssPeak, rssAfter: process.memoryUsage().rss / 1e6, median: times[100]!, p95: times[190]! };
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--index') {
  process.stdout.write(JSON.stringify(await indexFigures(process.argv[3]!, Number(process.argv[4]))) + '\n');
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const n = Number(process.argv[2] ?? 1_000_000);
  for (const r of await benchRecords(n)) console.log(`| ${r.name} | ${r.value} ${r.unit} | ${r.target ?? ''} | ${r.note ?? ''} |`);
}
