// The transparency log's rows (src/app/ports/transparency-log.ts) in the ledger.
import type { LogCheckpointRow, LogCosignatureRow, LogEntryRow, LogStore, LogWitnessRow } from '../../../app/ports/transparency-log.js';
import type { LedgerConnection } from './connection.js';

const bytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
const ENTRY = 'idx, type, ref, entry, logged_at AS loggedAt';
const CHECKPOINT = 'size, root, note, signed_at AS signedAt';

type RawEntry = Omit<LogEntryRow, 'entry'> & { entry: Buffer };
type RawCheckpoint = Omit<LogCheckpointRow, 'root'> & { root: Buffer };
const toEntry = (r: RawEntry): LogEntryRow => ({ ...r, entry: bytes(r.entry) });
const toCheckpoint = (r: RawCheckpoint | undefined): LogCheckpointRow | undefined => r && { ...r, root: bytes(r.root) };

export class SqliteLogStore implements LogStore {
  constructor(private readonly conn: LedgerConnection) {}

  size(): number {
    return (this.conn.sql('SELECT COALESCE(MAX(idx) + 1, 0) AS n FROM log_entries').get() as { n: number }).n;
  }

  insertEntry(e: LogEntryRow): void {
    this.conn.sql('INSERT INTO log_entries (idx, type, ref, entry, logged_at) VALUES (?,?,?,?,?)').run(e.idx, e.type, e.ref, Buffer.from(e.entry), e.loggedAt);
  }

  insertNode(level: number, idx: number, hash: Uint8Array): void {
    this.conn.sql('INSERT INTO log_nodes (level, idx, hash) VALUES (?,?,?)').run(level, idx, Buffer.from(hash));
  }

  node(level: number, idx: number): Uint8Array | undefined {
    const r = this.conn.sql('SELECT hash FROM log_nodes WHERE level = ? AND idx = ?').get(level, idx) as { hash: Buffer } | undefined;
    return r && bytes(r.hash);
  }

  nodes(level: number, from: number, count: number): Uint8Array[] {
    const rows = this.conn.sql('SELECT hash FROM log_nodes WHERE level = ? AND idx >= ? AND idx < ? ORDER BY idx').all(level, from, from + count) as Array<{ hash: Buffer }>;
    return rows.map((r) => bytes(r.hash));
  }

  entries(from: number, count: number): LogEntryRow[] {
    return (this.conn.sql(`SELECT ${ENTRY} FROM log_entries WHERE idx >= ? AND idx < ? ORDER BY idx`).all(from, from + count) as RawEntry[]).map(toEntry);
  }

  entryIndex(ref: string): number | undefined {
    const r = this.conn.sql('SELECT MAX(idx) AS idx FROM log_entries WHERE ref = ?').get(ref) as { idx: number | null };
    return r.idx ?? undefined;
  }

  latestCheckpoint(): LogCheckpointRow | undefined {
    return toCheckpoint(this.conn.sql(`SELECT ${CHECKPOINT} FROM log_checkpoints ORDER BY size DESC LIMIT 1`).get() as RawCheckpoint | undefined);
  }

  checkpoint(size: number): LogCheckpointRow | undefined {
    return toCheckpoint(this.conn.sql(`SELECT ${CHECKPOINT} FROM log_checkpoints WHERE size = ?`).get(size) as RawCheckpoint | undefined);
  }

  checkpointCovering(idx: number): LogCheckpointRow | undefined {
    return toCheckpoint(this.conn.sql(`SELECT ${CHECKPOINT} FROM log_checkpoints WHERE size > ? ORDER BY size LIMIT 1`).get(idx) as RawCheckpoint | undefined);
  }

  saveCheckpoint(row: LogCheckpointRow): void {
    this.conn.sql('INSERT INTO log_checkpoints (size, root, note, signed_at) VALUES (?,?,?,?)').run(row.size, Buffer.from(row.root), row.note, row.signedAt);
  }

  cosignatures(size: number): LogCosignatureRow[] {
    return this.conn.sql('SELECT size, witness, line, time, added_at AS addedAt FROM log_cosignatures WHERE size = ? ORDER BY witness').all(size) as LogCosignatureRow[];
  }

  largestCosigned(minWitnesses: number, minSize: number): LogCheckpointRow | undefined {
    const r = this.conn
      .sql(
        `SELECT ${CHECKPOINT} FROM log_checkpoints WHERE size >= ? AND size IN
           (SELECT size FROM log_cosignatures GROUP BY size HAVING COUNT(*) >= ?) ORDER BY size DESC LIMIT 1`,
      )
      .get(minSize, minWitnesses) as RawCheckpoint | undefined;
    return toCheckpoint(r);
  }

  saveCosignature(row: LogCosignatureRow): void {
    this.conn
      .sql(
        `INSERT INTO log_cosignatures (size, witness, line, time, added_at) VALUES (?,?,?,?,?)
         ON CONFLICT (size, witness) DO UPDATE SET line = excluded.line, time = excluded.time, added_at = excluded.added_at WHERE excluded.time > log_cosignatures.time`,
      )
      .run(row.size, row.witness, row.line, row.time, row.addedAt);
  }

  witnesses(): LogWitnessRow[] {
    return this.conn.sql('SELECT vkey, added_at AS addedAt, added_by AS addedBy FROM log_witnesses ORDER BY added_at, vkey').all() as LogWitnessRow[];
  }

  addWitness(row: LogWitnessRow): void {
    this.conn.sql('INSERT INTO log_witnesses (vkey, added_at, added_by) VALUES (?,?,?)').run(row.vkey, row.addedAt, row.addedBy);
  }

  removeWitness(vkey: string): boolean {
    return this.conn.sql('DELETE FROM log_witnesses WHERE vkey = ?').run(vkey).changes > 0;
  }

  setting(name: string): string | undefined {
    return (this.conn.sql('SELECT value FROM ledger_settings WHERE name = ?').get(name) as { value: string } | undefined)?.value;
  }

  setSetting(name: string, value: string): void {
    this.conn.sql('INSERT INTO ledger_settings (name, value) VALUES (?,?) ON CONFLICT (name) DO UPDATE SET value = excluded.value').run(name, value);
  }
}
