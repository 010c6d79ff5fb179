// What an operator holding the ledger file could do to its transparency log:
// rewrite one entry and rebuild every stored perfect subtree over the new
// entries, so that the tree is consistent with itself again (tests of the
// log's own refusal, `shredproof witness`, and litewitness). With
// `dropCheckpoints`, the signed checkpoints and their cosignatures go too, so
// that the log's key signs the rewritten history afresh.
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';

const sha = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

export function rewriteLogHistory(ledgerPath: string, idx: number, opts: { dropCheckpoints?: boolean } = {}): void {
  const raw = new Database(ledgerPath);
  try {
    raw.prepare('UPDATE log_entries SET entry = ? WHERE idx = ?').run(Buffer.from('shredproof.log-entry.v1\n{"type":"key","forged":true}'), idx);
    const entries = (raw.prepare('SELECT entry FROM log_entries ORDER BY idx').all() as Array<{ entry: Buffer }>).map((r) => new Uint8Array(r.entry));
    raw.exec(`DELETE FROM log_nodes${opts.dropCheckpoints ? '; DELETE FROM log_cosignatures; DELETE FROM log_checkpoints' : ''}`);
    const insert = raw.prepare('INSERT INTO log_nodes (level, idx, hash) VALUES (?,?,?)');
    let row = entries.map((e) => sha(new Uint8Array([0]), e));
    for (let level = 0; row.length > 0; level++) {
      row.forEach((h, i) => insert.run(level, i, Buffer.from(h)));
      row = Array.from({ length: Math.floor(row.length / 2) }, (_, i) => sha(new Uint8Array([1]), row[2 * i]!, row[2 * i + 1]!));
    }
  } finally {
    raw.close();
  }
}
