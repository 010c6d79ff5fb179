// The transparency log (src/app/transparency-log.ts, docs/FORMAT.md section
// 12) on a real ledger file: the perfect subtrees it stores give, for every
// pair of sizes up to 64, the inclusion and consistency proofs of a naive
// RFC 6962 tree computed here from the entries; its tiles are that tree's
// hashes; its checkpoints and receipts verify with the core's verifiers; it
// refuses to sign a checkpoint once its stored history was changed (a test
// rewrites the ledger); and it keeps only listed witnesses' cosignatures over
// checkpoints it signed.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { rewriteLogHistory } from '../helpers/rewrite-log.js';
import {
  bytesToHex,
  cosignatureLine,
  formatVerifierKey,
  NOTE_KEY_COSIGNATURE_V1,
  parseTilePath,
  seedSigner,
  verifyConsistency,
  verifyInclusion,
  verifyReceipt,
} from '../../packages/verify/src/core/index.js';
import { SqliteLedger } from '../../src/adapters/ledger/sqlite/sqlite-ledger.js';
import { RuleError } from '../../src/app/errors.js';
import {
  acceptCosignatures,
  addWitness,
  appendToLog,
  claimOrigin,
  consistencyProofAt,
  inclusionProofAt,
  type LogKey,
  receiptFor,
  rootAt,
  servedCheckpoint,
  signCheckpoint,
  tileBytes,
  trustLog,
} from '../../src/app/transparency-log.js';

const sha = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
/** RFC 6962 section 2.1, written out here from the entries: no stored node, no shared code. */
function naiveRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return sha();
  if (leaves.length === 1) return sha(new Uint8Array([0]), leaves[0]!);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha(new Uint8Array([1]), naiveRoot(leaves.slice(0, k)), naiveRoot(leaves.slice(k)));
}

const event = (i: number) => ({ type: 'key' as const, role: 'certificate' as const, keyid: bytesToHex(sha(new Uint8Array([i]))), validFrom: '2026-12-01T00:00:00.000Z' });
const clock = { now: () => new Date('2026-12-06T10:00:00.000Z') };

describe('the transparency log on a ledger', () => {
  let dir: string;
  let ledger: SqliteLedger;
  const key: LogKey = { origin: 'log.example.com/shredproof-test', signer: seedSigner(new Uint8Array(32).fill(7)) };
  const witness = seedSigner(new Uint8Array(32).fill(8));
  const witnessVkey = formatVerifierKey('witness.example.org/w1', NOTE_KEY_COSIGNATURE_V1, witness.publicKey);
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sp-tlog-'));
    ledger = new SqliteLedger(join(dir, 'ledger.db'));
    claimOrigin(ledger.tlog, key.origin);
  });
  after(() => {
    ledger?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the naive tree\'s root, inclusion and consistency proofs for every size pair up to 64', () => {
    const leaves: Uint8Array[] = [];
    for (let n = 1; n <= 64; n++) {
      appendToLog(ledger, [{ event: event(n) }], clock.now().toISOString());
      leaves.push(ledger.tlog.entries(n - 1, 1)[0]!.entry);
      assert.equal(bytesToHex(rootAt(ledger.tlog, n)), bytesToHex(naiveRoot(leaves)), `root at ${n}`);
    }
    const roots = [sha(), ...leaves.map((_, i) => naiveRoot(leaves.slice(0, i + 1)))];
    const leafHash = (i: number) => sha(new Uint8Array([0]), leaves[i]!);
    let checked = 0;
    for (let size2 = 1; size2 <= 64; size2++) {
      for (let i = 0; i < size2; i++) {
        verifyInclusion(i, size2, leafHash(i), inclusionProofAt(ledger.tlog, i, size2), roots[size2]!);
        checked++;
      }
      for (let size1 = 1; size1 <= size2; size1++) {
        verifyConsistency(size1, size2, consistencyProofAt(ledger.tlog, size1, size2), roots[size1]!, roots[size2]!);
        checked++;
      }
    }
    assert.equal(checked, 2 * ((64 * 65) / 2));
    assert.equal(bytesToHex(rootAt(ledger.tlog, 0)), bytesToHex(sha()));
  });

  it('serves the tree as tiles: full and partial hash tiles and entry bundles, nothing beyond the signed checkpoint', () => {
    assert.equal(tileBytes(ledger.tlog, { level: 0, index: 0, width: 64 }), undefined, 'no checkpoint yet: no tile');
    signCheckpoint({ ledger, clock, logKey: key });
    const tile = tileBytes(ledger.tlog, parseTilePath('tile/0/000.p/64') as never)!;
    assert.equal(tile.length, 64 * 32);
    const leaves = ledger.tlog.entries(0, 64).map((e) => e.entry);
    for (let i = 0; i < 64; i++) assert.equal(bytesToHex(tile.subarray(32 * i, 32 * i + 32)), bytesToHex(sha(new Uint8Array([0]), leaves[i]!)), `hash ${i}`);
    const bundle = tileBytes(ledger.tlog, { level: -1, index: 0, width: 64 })!;
    let at = 0;
    for (const l of leaves) {
      assert.equal((bundle[at]! << 8) | bundle[at + 1]!, l.length);
      assert.deepEqual(bundle.subarray(at + 2, at + 2 + l.length), l);
      at += 2 + l.length;
    }
    assert.equal(at, bundle.length);
    for (const t of [{ level: 0, index: 0, width: 256 }, { level: 0, index: 0, width: 63 }, { level: 0, index: 1, width: 1 }, { level: 1, index: 0, width: 1 }]) {
      assert.equal(tileBytes(ledger.tlog, t), undefined, JSON.stringify(t));
    }
  });

  it('signs checkpoints and receipts that the core verifies, with the trust root\'s log', () => {
    appendToLog(ledger, [{ event: event(100), ref: 'cert-x' }, { event: event(101) }], clock.now().toISOString());
    assert.equal(receiptFor(ledger.tlog, 'cert-x'), undefined, 'logged, no checkpoint covers it yet');
    const cp = signCheckpoint({ ledger, clock, logKey: key })!;
    assert.equal(cp.size, 66);
    assert.equal(signCheckpoint({ ledger, clock, logKey: key })!.size, 66, 'nothing new: the same checkpoint');
    const log = trustLog(ledger.tlog, key)!;
    assert.deepEqual([log.origin, log.witnesses, log.witnessQuorum, log.receiptsRequiredFrom], [key.origin, [], 0, '2026-12-06T10:00:00.000Z']);
    const facts = verifyReceipt(log, receiptFor(ledger.tlog, 'cert-x')!, ledger.tlog.entries(64, 1)[0]!.entry);
    assert.deepEqual([facts.index, facts.treeSize], [64, 66]);
  });

  it('keeps a listed witness\'s cosignature of a checkpoint it signed; refuses others, and changes nothing', () => {
    const note = servedCheckpoint(ledger.tlog)!;
    const text = note.slice(0, note.indexOf('\n\n') + 1);
    const refused = (body: string, pattern: RegExp) => assert.throws(() => acceptCosignatures({ ledger, clock }, body), (e: unknown) => e instanceof RuleError && e.code === 'LOG_REFUSED' && pattern.test(e.message), pattern.source);
    const cosigned = note + cosignatureLine(text, 'witness.example.org/w1', witness, 1_765_000_000);
    refused(cosigned, /no cosignature by a listed witness \(none listed/);
    addWitness({ ledger, clock }, witnessVkey, 'admin');
    refused(note.replace('\n66\n', '\n65\n') + cosignatureLine(text.replace('\n66\n', '\n65\n'), 'witness.example.org/w1', witness, 1_765_000_000), /signed no checkpoint with that text/);
    const good = cosignatureLine(text, 'witness.example.org/w1', witness, 1_765_000_000);
    refused(note + good.slice(0, 60) + (good[60] === 'A' ? 'B' : 'A') + good.slice(61), /does not hold over the checkpoint/);
    assert.equal(ledger.tlog.cosignatures(66).length, 0);
    assert.deepEqual(acceptCosignatures({ ledger, clock }, cosigned), ['witness.example.org/w1']);
    assert.ok(servedCheckpoint(ledger.tlog)!.endsWith(cosignatureLine(text, 'witness.example.org/w1', witness, 1_765_000_000)));
    ledger.tlog.setSetting('log_witness_quorum', '1');
    const log = trustLog(ledger.tlog, key)!;
    assert.equal(verifyReceipt(log, receiptFor(ledger.tlog, 'cert-x')!, ledger.tlog.entries(64, 1)[0]!.entry).cosignatures.length, 1);
    // A newer checkpoint is not cosigned yet: the receipt stays at the cosigned one, which the quorum accepts.
    appendToLog(ledger, [{ event: event(102) }], clock.now().toISOString());
    signCheckpoint({ ledger, clock, logKey: key });
    assert.equal(verifyReceipt(log, receiptFor(ledger.tlog, 'cert-x')!, ledger.tlog.entries(64, 1)[0]!.entry).treeSize, 66);
  });

  it('refuses to sign once its stored history was changed in the ledger, and signs nothing', () => {
    const last = ledger.tlog.latestCheckpoint()!;
    appendToLog(ledger, [{ event: event(103) }], clock.now().toISOString());
    // What an operator with the ledger file could do: rewrite an old entry, and the whole tree over it so that it is consistent again.
    rewriteLogHistory(join(dir, 'ledger.db'), 3);
    assert.throws(() => signCheckpoint({ ledger, clock, logKey: key }), (e: unknown) => (e as { code?: string }).code === 'LOG_INCONSISTENT' && /the ledger's log was changed/.test((e as Error).message));
    assert.equal(ledger.tlog.latestCheckpoint()!.size, last.size, 'no checkpoint signed');
  });
});
