// Merkle benchmarks: the streaming root over millions of leaves (time and peak
// RSS), node:crypto against @noble/hashes, and proof verifications per second.
//   node --import tsx bench/merkle.ts      prints a markdown table
// Everything here is synchronous, on one core. Times are CPU time of the
// process (process.cpuUsage), which other load on the machine barely moves;
// wall-clock time is in the notes.

import { execFile } from 'node:child_process';
import { hash as cryptoHash } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { MerkleRootBuilder, MerkleTree, nobleHasher, verifyConsistency, verifyInclusion, type MerkleHasher } from '../packages/verify/src/core/merkle.js';
import { nodeHasher } from '../packages/verify/src/node/merkle-hasher.js';
import type { BenchResult } from './types.js';

const HASHERS = { nodeHasher, nobleHasher } as const;
type HasherName = keyof typeof HASHERS;
const RECORD_BYTES = 100;
const RSS_SAMPLE_EVERY = 1 << 16; // leaves between two RSS samples
const MB = 1024 * 1024;

const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;
const millions = (n: number): string => `${n / 1e6}M`;

/** A 100-byte record for leaf i, written into one reused buffer: no input is kept. */
function recordWriter(): (i: number) => Uint8Array {
  const record = new Uint8Array(RECORD_BYTES);
  for (let j = 0; j < RECORD_BYTES; j++) record[j] = (j * 131 + 7) & 0xff;
  const view = new DataView(record.buffer);
  return (i) => {
    view.setFloat64(0, i);
    return record;
  };
}

interface StreamRun {
  cpuSeconds: number;
  wallSeconds: number;
  peakRssMb: number;
  baseRssMb: number;
}

/** What `run` returns, and the CPU and wall-clock seconds it took. */
function timed<T>(run: () => T): { result: T; cpuSeconds: number; wallSeconds: number } {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  const result = run();
  const { user, system } = process.cpuUsage(cpu);
  return { result, cpuSeconds: (user + system) / 1e6, wallSeconds: (performance.now() - wall) / 1000 };
}

/**
 * Streams `leaves` leaves through a MerkleRootBuilder. With `prehashed`, the
 * leaf hashes are taken as given (addLeafHash), as when workers hash records
 * at ingest and the coordinator only combines them.
 */
function streamRoot(leaves: number, hasher: MerkleHasher, prehashed: boolean): StreamRun {
  const record = recordWriter();
  const fakeLeafHash = new Uint8Array(32);
  const fakeView = new DataView(fakeLeafHash.buffer);
  const baseRss = process.memoryUsage.rss();
  let peakRss = baseRss;
  const { cpuSeconds, wallSeconds } = timed(() => {
    const builder = new MerkleRootBuilder(hasher);
    for (let i = 0; i < leaves; i++) {
      if (prehashed) {
        fakeView.setFloat64(0, i);
        builder.addLeafHash(fakeLeafHash);
      } else {
        builder.addLeaf(record(i));
      }
      if (i % RSS_SAMPLE_EVERY === 0) peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }
    return builder.root();
  });
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  return { cpuSeconds, wallSeconds, peakRssMb: peakRss / MB, baseRssMb: baseRss / MB };
}

/** Deterministic pseudo-random integers in [0, n) (xorshift32): every run measures the same proofs. */
function prng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

function perSecond(count: number, run: () => void): number {
  return count / timed(run).cpuSeconds;
}

const CHILD_FLAG = '--merkle-stream-child';

// Each streaming run gets a fresh process, so that its peak RSS is its own and
// not what earlier runs left on the heap.
async function streamInChild(leaves: number, hasherName: HasherName, prehashed = false): Promise<StreamRun> {
  const args = [...process.execArgv, fileURLToPath(import.meta.url), CHILD_FLAG, hasherName, String(leaves), String(prehashed)];
  const { stdout } = await promisify(execFile)(process.execPath, args, { encoding: 'utf8' });
  return JSON.parse(stdout) as StreamRun;
}

async function streamingResults(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const runs = new Map<string, StreamRun>();
  for (const hasherName of ['nodeHasher', 'nobleHasher'] as const) {
    for (const leaves of [1_000_000, 3_000_000]) {
      const run = await streamInChild(leaves, hasherName);
      runs.set(`${hasherName} ${leaves}`, run);
      const isTarget = hasherName === 'nodeHasher' && leaves === 3_000_000;
      results.push({
        name: `root of ${millions(leaves)} leaves, MerkleRootBuilder + ${hasherName}`,
        value: round(run.cpuSeconds),
        unit: 's CPU',
        ...(isTarget ? { target: '< 5 s' } : {}),
        note: `${Math.round(leaves / run.cpuSeconds).toLocaleString('en-US')} leaves/s; wall ${round(run.wallSeconds)} s; ${RECORD_BYTES}-byte records made on the fly`,
      });
      if (hasherName === 'nodeHasher') {
        results.push({
          name: `peak RSS, root of ${millions(leaves)} leaves (nodeHasher)`,
          value: Math.round(run.peakRssMb),
          unit: 'MB',
          target: '< 100 MB',
          note: `fresh process, sampled every ${RSS_SAMPLE_EVERY} leaves; ${Math.round(run.baseRssMb)} MB of it before the first leaf (node + tsx)`,
        });
      }
    }
  }
  const node3 = runs.get('nodeHasher 3000000')!;
  const noble3 = runs.get('nobleHasher 3000000')!;
  results.push({ name: 'nodeHasher speed-up over nobleHasher (3M leaves)', value: round(noble3.cpuSeconds / node3.cpuSeconds), unit: 'x', note: 'noble CPU time / node CPU time' });
  const pre = await streamInChild(3_000_000, 'nodeHasher', true);
  results.push({
    name: 'root of 3M leaf hashes already computed, MerkleRootBuilder.addLeafHash + nodeHasher',
    value: round(pre.cpuSeconds),
    unit: 's CPU',
    target: '< 5 s',
    note: `node hashes only (n-1), as when workers hash records at ingest; wall ${round(pre.wallSeconds)} s; peak RSS ${Math.round(pre.peakRssMb)} MB`,
  });
  return results;
}

function proofResults(): BenchResult[] {
  const SIZE = 1_000_000;
  const record = recordWriter();
  const leafHashes = new Uint8Array(SIZE * 32);
  const build = timed(() => {
    for (let i = 0; i < SIZE; i++) leafHashes.set(nodeHasher.hashLeaf(record(i)), i * 32);
    return MerkleTree.fromLeafHashes(leafHashes, nodeHasher);
  });
  const tree = build.result;
  const root = tree.root();
  const results: BenchResult[] = [
    {
      name: 'MerkleTree of 1M leaves: hash leaves + build levels',
      value: round(build.cpuSeconds),
      unit: 's CPU',
      note: `nodeHasher; 64 MB of flat levels; wall ${round(build.wallSeconds)} s`,
    },
  ];

  const next = prng(20240601);
  const N = 20_000;
  const indices = Array.from({ length: N }, () => next(SIZE));
  const inclusionProofs: Uint8Array[][] = [];
  const makeRate = perSecond(N, () => indices.forEach((i) => inclusionProofs.push(tree.inclusionProof(i))));
  results.push({ name: 'inclusion proofs made per second (tree of 1M)', value: Math.round(makeRate), unit: 'ops/s', note: '20 ranges, hashes read from the levels' });
  for (const [hasherName, hasher] of Object.entries(HASHERS)) {
    const leaves = indices.map((i) => leafHashes.subarray(i * 32, i * 32 + 32));
    const rate = perSecond(N, () => indices.forEach((index, j) => verifyInclusion(index, SIZE, leaves[j]!, inclusionProofs[j]!, root, hasher)));
    results.push({ name: `inclusion proof verifications per second (tree of 1M, ${hasherName})`, value: Math.round(rate), unit: 'ops/s', note: '20 hashes each' });
  }

  const C = 5_000;
  const consistency = Array.from({ length: C }, () => {
    const size1 = 1 + next(SIZE - 1);
    return { size1, proof: tree.consistencyProof(size1), root1: tree.nodeHash({ start: 0, end: size1 }) };
  });
  for (const [hasherName, hasher] of Object.entries(HASHERS)) {
    const rate = perSecond(C, () => consistency.forEach((c) => verifyConsistency(c.size1, SIZE, c.proof, c.root1, root, hasher)));
    results.push({ name: `consistency proof verifications per second (random size1 -> 1M, ${hasherName})`, value: Math.round(rate), unit: 'ops/s', note: 'both roots recomputed' });
  }
  return results;
}

/**
 * The floor: raw one-shot SHA-256 of 65-byte inputs (one tree node) on this
 * machine today, with the digest as a Buffer and as a latin1 string (what
 * nodeHasher asks for: the Buffer costs an allocation per call).
 */
function rawHashRates(): BenchResult[] {
  const input = new Uint8Array(65);
  const n = 2_000_000;
  return (['buffer', 'latin1'] as const).map((encoding) => {
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      input[1] = i & 0xff;
      if (encoding === 'buffer') cryptoHash('sha256', input, 'buffer');
      else cryptoHash('sha256', input, 'binary');
    }
    const { user, system } = process.cpuUsage(cpu0);
    const perSecond = n / ((user + system) / 1e6);
    return {
      name: `baseline: node:crypto one-shot SHA-256 of 65-byte inputs, digest as ${encoding === 'buffer' ? 'a Buffer' : 'a latin1 string'}`,
      value: Math.round(perSecond),
      unit: 'hashes/s',
      note: `a root over 3M leaves needs 6M hashes: ${(6e6 / perSecond).toFixed(1)} s CPU at least at this rate`,
    };
  });
}

export async function benchMerkle(): Promise<BenchResult[]> {
  return [...rawHashRates(), ...(await streamingResults()), ...proofResults()];
}

function toMarkdown(results: readonly BenchResult[]): string {
  const rows = results.map((r) => `| ${r.name} | ${r.value.toLocaleString('en-US')} ${r.unit} | ${r.target ?? ''} | ${r.note ?? ''} |`);
  return ['| what | result | target | note |', '|---|---|---|---|', ...rows].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [flag, hasherName, leaves, prehashed] = process.argv.slice(2);
  if (flag === CHILD_FLAG) console.log(JSON.stringify(streamRoot(Number(leaves), HASHERS[hasherName as HasherName], prehashed === 'true')));
  else console.log(toMarkdown(await benchMerkle()));
}
