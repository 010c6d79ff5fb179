// Per-object results and progress in the ledger: what ingest records, what
// the progress endpoint counts, and what finalize reads for the records file.
import type Database from 'better-sqlite3';
import { ITEM_STATUS, type ItemStatus } from '../../../app/ports/inventory.js';
import type { DestroyedRow, ItemResult, ProgressCounts, ResultStore } from '../../../app/ports/results.js';
import type { LedgerConnection } from './connection.js';

export class SqliteResultStore implements ResultStore {
  constructor(private readonly conn: LedgerConnection) {}

  private get sql() {
    return this.conn.sql;
  }

  /**
   * Records per-object results. Only pending objects change: applying the
   * same results twice (a re-ingested batch after a crash) is a no-op.
   * Returns how many objects changed.
   */
  applyResults(id: string, results: readonly ItemResult[]): number {
    const num = this.conn.orderNum(id);
    const destroyed = this.sql(
      `UPDATE inventory SET status = 1, sha256 = ?, content_size = ?, destroyed_at = ?, method = ?, attributes = ?
       WHERE order_num = ? AND seq = ? AND status = 0`,
    );
    const exception = this.sql(
      'UPDATE inventory SET status = 2, exc_code = ?, exc_reason = ? WHERE order_num = ? AND seq = ? AND status = 0',
    );
    const retained = this.sql('UPDATE inventory SET status = 3, held_by = ? WHERE order_num = ? AND seq = ? AND status = 0');
    return this.conn.atomically(() => {
      let changed = 0;
      for (const r of results) {
        let info: Database.RunResult;
        if (r.kind === 'destroyed') {
          info = destroyed.run(r.sha256, r.size, r.destroyedAt, r.method, r.attributes ? JSON.stringify(r.attributes) : null, num, r.seq);
        } else if (r.kind === 'retained') {
          info = retained.run(r.holdId, num, r.seq);
        } else {
          info = exception.run(r.code, r.reason, num, r.seq);
        }
        changed += info.changes;
      }
      return changed;
    });
  }

  progress(id: string): ProgressCounts {
    const rows = this.sql(
      // Kept by triggers (migration 3); rows whose count went back to 0 add nothing.
      `SELECT target, status, n, planned_bytes, bytes FROM inventory_counts WHERE order_num = ? AND n > 0`,
    ).all(this.conn.orderNum(id)) as Array<{ target: string; status: number; n: number; planned_bytes: number; bytes: number }>;
    const out: ProgressCounts = { total: 0, pending: 0, destroyed: 0, exceptions: 0, retained: 0, bytesDestroyed: 0, bytesPlanned: 0, perTarget: {} };
    for (const r of rows) {
      const t = (out.perTarget[r.target] ??= { total: 0, pending: 0, destroyed: 0, exceptions: 0, retained: 0, bytesDestroyed: 0, bytesPlanned: 0 });
      for (const c of [out, t]) {
        c.total += r.n;
        c.bytesPlanned += r.planned_bytes;
        if (r.status === ITEM_STATUS.pending) c.pending += r.n;
        else if (r.status === ITEM_STATUS.destroyed) {
          c.destroyed += r.n;
          c.bytesDestroyed += r.bytes;
        } else if (r.status === ITEM_STATUS.exception) c.exceptions += r.n;
        else c.retained += r.n;
      }
    }
    return out;
  }

  findByLocator(id: string, target: string, locator: string): { seq: number; status: ItemStatus; sha256: string | null } | undefined {
    return this.sql('SELECT seq, status, sha256 FROM inventory WHERE order_num = ? AND target = ? AND locator = ?')
      .get(this.conn.orderNum(id), target, locator) as { seq: number; status: ItemStatus; sha256: string | null } | undefined;
  }

  /**
   * Turns objects recorded as destroyed into exceptions: the re-scan found
   * them still there with the content that was certified. Only while the
   * order is finalizing, before any certificate exists. Returns how many changed.
   */
  revokeDestroyed(id: string, seqs: readonly number[], code: string, reason: string): number {
    const num = this.conn.orderNum(id);
    const update = this.sql(
      `UPDATE inventory SET status = 2, exc_code = ?, exc_reason = ?, sha256 = NULL, content_size = NULL, destroyed_at = NULL, method = NULL, attributes = NULL
       WHERE order_num = ? AND seq = ? AND status = 1`,
    );
    return this.conn.db.transaction(() => seqs.reduce((n, seq) => n + update.run(code, reason, num, seq).changes, 0))();
  }

  /**
   * Destroyed objects in leaf order (plan order), for the records file, in
   * pages of up to `pageSize` (keyset pagination on the primary key). No
   * statement stays open between two pages, so the caller may await between
   * them and let other work use the connection: iterating one open statement
   * over 100,000 rows held the event loop for over a second in finalize.
   */
  *destroyedPages(id: string, pageSize = 500): IterableIterator<DestroyedRow[]> {
    const num = this.conn.orderNum(id);
    const page = this.sql(
      `SELECT seq, target, locator, salt, sha256, content_size AS size, destroyed_at AS destroyedAt, method, attributes
       FROM inventory WHERE order_num = ? AND seq > ? AND status = 1 ORDER BY seq LIMIT ?`,
    );
    for (let after = -1; ; ) {
      const rows = page.all(num, after, pageSize) as DestroyedRow[];
      if (rows.length === 0) return;
      yield rows;
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1]!.seq;
    }
  }

  exceptions(id: string): Array<{ target: string; locator: string; code: string; reason: string }> {
    return this.sql('SELECT target, locator, exc_code AS code, exc_reason AS reason FROM inventory WHERE order_num = ? AND status = 2 ORDER BY seq')
      .all(this.conn.orderNum(id)) as Array<{ target: string; locator: string; code: string; reason: string }>;
  }

  retained(id: string): Array<{ target: string; locator: string; holdId: string }> {
    return this.sql('SELECT target, locator, held_by AS holdId FROM inventory WHERE order_num = ? AND status = 3 ORDER BY seq')
      .all(this.conn.orderNum(id)) as Array<{ target: string; locator: string; holdId: string }>;
  }
}
