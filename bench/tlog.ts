// The transparency log (issue 17; src/app/transparency-log.ts) on a real
// ledger file, at 1,000, 100,000 and 1,000,000 entries: how fast
// certificates are appended (each in its own transaction with a checkpoint
// signed after it, as finalize does), how long an inclusion and a
// consistency proof take from the stored tree, and how long a full tile
// takes to read. Baseline, in the same run: the same proofs from an
// in-memory tree of the same leaves (the core's MerkleTree), which holds
// everything in RAM and so is as fast as proofs get.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { MerkleTree, seedSigner, tilePath } from '../packages/verify/src/core/index.js';
import { nodeHasher } from '../packages/verify/src/node/merkle-hasher.js';
import { SqliteLedger } from '../src/adapters/ledger/sqlite/sqlite-ledger.js';
import { appendToLog, claimOrigin, consistencyProofAt, inclusionProofAt, type LogAppend, signCheckpoint, tileBytes } from '../src/app/transparency-log.js';
import type { ApiContext } from '../src/http/context.js';
import { mountLog } from '../src/http/log-routes.js';
import type { BenchResult } from './types.js';

const SIZES = [1_000, 100_000, 1_000_000];
const PROOFS = 1_000;
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

function event(i: number): LogAppend {
  const hex = i.toString(16).padStart(64, '0');
  return {
    event: { type: 'certificate', certificateId: `cert-${i}`, orderId: `ord-${i}`, issuedAt: '2026-12-06T10:00:00.000Z', keyid: hex, statementSha256: hex },
    ref: `cert-${i}`,
  };
}

/** Deterministic indices, so that runs compare. */
function picks(n: number, below: number, seed: number): number[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x % below;
  });
}

function msPer(n: number, run: () => void): number {
  const t0 = performance.now();
  run();
  return (performance.now() - t0) / n;
}

export async function benchTlog(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'sp-bench-tlog-'));
  const results: BenchResult[] = [];
  try {
    const ledger = new SqliteLedger(join(dir, 'ledger.sqlite'));
    const clock = { now: () => new Date() };
    const logKey = { origin: 'bench.example/log', signer: seedSigner(new Uint8Array(32).fill(9)) };
    claimOrigin(ledger.tlog, logKey.origin);
    let size = 0;
    for (const target of SIZES) {
      // Fill up to the size in bulk (10,000 entries a transaction): not the figure, the way there.
      const fill0 = performance.now();
      while (size < target - 1_000) {
        const n = Math.min(10_000, target - 1_000 - size);
        appendToLog(ledger, Array.from({ length: n }, (_, k) => event(size + k)), clock.now().toISOString());
        size += n;
      }
      const fillSeconds = (performance.now() - fill0) / 1000;
      // The last 1,000 as finalize appends them: one certificate a transaction, then a checkpoint.
      const t0 = performance.now();
      for (let k = 0; k < 1_000; k++) {
        appendToLog(ledger, [event(size)], clock.now().toISOString());
        size++;
        signCheckpoint({ ledger, clock, logKey });
      }
      const perSecond = 1_000 / ((performance.now() - t0) / 1000);
      results.push({ name: `append at ${target.toLocaleString('en-US')} entries: one certificate per transaction, then a signed checkpoint`, value: Math.round(perSecond), unit: 'certificates/s', note: `the last 1,000 of ${target.toLocaleString('en-US')}; filling before them in bulk took ${round(fillSeconds, 1)} s` });

      const store = ledger.tlog;
      const inclusion = msPer(PROOFS, () => {
        for (const i of picks(PROOFS, size, 1)) inclusionProofAt(store, i, size);
      });
      const consistency = msPer(PROOFS, () => {
        for (const s1 of picks(PROOFS, size - 1, 2)) consistencyProofAt(store, s1 + 1, size);
      });
      const fullTiles = Math.floor(size / 256);
      const tile = msPer(PROOFS, () => {
        for (const n of picks(PROOFS, fullTiles, 3)) tileBytes(store, { level: 0, index: n, width: 256 });
      });
      // The same tiles over HTTP, through the server's own route (src/http/log-routes.ts), one request at a time.
      const app = express();
      mountLog(app, { engine: { ledger } } as unknown as ApiContext);
      const server = await new Promise<Server>((resolve) => {
        const srv = app.listen(0, '127.0.0.1', () => resolve(srv));
      });
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/log/`;
      const httpT0 = performance.now();
      for (const n of picks(PROOFS, fullTiles, 4)) await (await fetch(url + tilePath({ level: 0, index: n, width: 256 }))).arrayBuffer();
      const httpTile = (performance.now() - httpT0) / PROOFS;
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      // The baseline: the same proofs from every leaf hash in memory.
      const leaves = store.nodes(0, 0, size);
      const tree = MerkleTree.fromLeafHashes(leaves, nodeHasher);
      const memInclusion = msPer(PROOFS, () => {
        for (const i of picks(PROOFS, size, 1)) tree.inclusionProof(i);
      });
      const memConsistency = msPer(PROOFS, () => {
        for (const s1 of picks(PROOFS, size - 1, 2)) tree.consistencyProof(s1 + 1);
      });
      const at = `at ${size.toLocaleString('en-US')} entries`;
      results.push(
        { name: `inclusion proof ${at}, from the stored tree`, value: round(inclusion), unit: 'ms', target: '< 5 ms at 1,000,000', note: `${PROOFS} random leaves; in memory (every leaf hash in RAM): ${round(memInclusion, 4)} ms, ratio ${round(inclusion / memInclusion, 1)}x` },
        { name: `consistency proof ${at}, from the stored tree`, value: round(consistency), unit: 'ms', target: '< 5 ms at 1,000,000', note: `${PROOFS} random older sizes; in memory: ${round(memConsistency, 4)} ms, ratio ${round(consistency / memConsistency, 1)}x` },
        { name: `a full tile (256 hashes) ${at}, read from the ledger`, value: round(tile), unit: 'ms', target: '< 2 ms', note: `${PROOFS} random tiles of level 0, warm (the page cache holds the file); without HTTP` },
        { name: `a full tile ${at}, served: GET /log/tile/0/N over HTTP on loopback`, value: round(httpTile), unit: 'ms', target: '< 2 ms', note: `${PROOFS} requests one after another, keep-alive, each read to the end` },
      );
    }
    ledger.close();
    results.push({ name: 'ledger file at 1,000,000 entries (entries, every perfect subtree, 1,000 checkpoints)', value: round(statSync(join(dir, 'ledger.sqlite')).size / 2 ** 20, 1), unit: 'MB' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}
