// Entry point bundled for Chromium by bench/verifier-page.ts: SHA-256
// throughput of @noble/hashes (what the page ran before) and of the page's
// own src/verifier-page/sha256.ts, measured in the same browser in the same
// run, on the two shapes the records verifier hashes: long runs of bytes (the
// file digest) and leaf inputs the size of a record line.
import { sha256 } from '@noble/hashes/sha2.js';
import { nobleHasher } from '../packages/verify/src/core/index.js';
import { MerkleScratch } from '../src/verifier-page/page-hasher.js';
import { Sha256 } from '../src/verifier-page/sha256.js';

export interface HashSpeed {
  bulkNoble: number;
  bulkPage: number;
  leavesNoble: number;
  leavesPage: number;
}

/** Best of `rounds` runs of f, in MB/s of `bytes` (the best is the least disturbed by other processes). */
function best(rounds: number, bytes: number, f: () => void): number {
  let fastest = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    f();
    fastest = Math.min(fastest, performance.now() - t);
  }
  return Math.round(bytes / 1e6 / (fastest / 1000));
}

function hashSpeed(): HashSpeed {
  const bulk = new Uint8Array(32 << 20).map((_, i) => (i * 131) & 0xff);
  const LINE = 270; // the bench's records are 270 bytes a line
  const lines = Math.floor(bulk.length / LINE);
  const out = new Uint8Array(32);
  const scratch = new MerkleScratch();
  const page = new Sha256();
  let sink = 0; // every digest feeds it, so that no work can be skipped
  const speed: HashSpeed = {
    bulkNoble: best(3, bulk.length, () => void (sink ^= sha256(bulk)[0]!)),
    bulkPage: best(3, bulk.length, () => void (sink ^= page.update(bulk).digest()[0]!)),
    leavesNoble: best(3, lines * LINE, () => {
      for (let i = 0; i < lines; i++) sink ^= nobleHasher.hashLeaf(bulk.subarray(i * LINE, (i + 1) * LINE))[0]!;
    }),
    leavesPage: best(3, lines * LINE, () => {
      for (let i = 0; i < lines; i++) {
        scratch.leaf(bulk, i * LINE, (i + 1) * LINE, out, 0);
        sink ^= out[0]!;
      }
    }),
  };
  (globalThis as { hashSpeedSink?: number }).hashSpeedSink = sink;
  return speed;
}

(globalThis as { hashSpeed?: typeof hashSpeed }).hashSpeed = hashSpeed;
