// The plan's inventory and its batches in the ledger. Writes are batched in
// transactions: one row at a time would be far slower (figures:
// bench/RESULTS.md, 'Measurements behind the code').
import {
  type BatchObject,
  type InventoryEntry,
  type InventoryPageRow,
  type InventoryStore,
  ITEM_STATUS,
  type PlannedObject,
} from '../../../app/ports/inventory.js';
import type { LedgerConnection } from './connection.js';

export class SqliteInventoryStore implements InventoryStore {
  constructor(private readonly conn: LedgerConnection) {}

  private get sql() {
    return this.conn.sql;
  }

  clearInventory(id: string): void {
    this.sql('DELETE FROM inventory WHERE order_num = ?').run(this.conn.orderNum(id));
  }

  /** Records the identity of each store the plan listed (JSON { target: binding }), or forgets it (null). */
  setPlanBindings(id: string, bindings: string | null): void {
    const num = this.conn.orderNum(id);
    if (bindings === null) this.sql('DELETE FROM plan_bindings WHERE order_num = ?').run(num);
    else this.sql('INSERT INTO plan_bindings (order_num, bindings) VALUES (?, ?) ON CONFLICT (order_num) DO UPDATE SET bindings = excluded.bindings').run(num, bindings);
  }

  /** What setPlanBindings recorded for the order's current plan, or null. */
  planBindings(id: string): string | null {
    const r = this.sql('SELECT bindings FROM plan_bindings WHERE order_num = ?').get(this.conn.orderNum(id)) as { bindings: string } | undefined;
    return r?.bindings ?? null;
  }

  /** Appends planned objects; `seq` must continue from the last call (the plan streams pages). */
  appendInventory(id: string, entries: readonly InventoryEntry[]): void {
    const num = this.conn.orderNum(id);
    const ins = this.sql(
      'INSERT INTO inventory (order_num, seq, target, locator, size, salt, held_by, status, batch, exc_code, exc_reason) VALUES (?,?,?,?,?,?,?,?,?,?,?)',
    );
    this.conn.atomically(() => {
      for (const e of entries) {
        if ((e.heldBy || e.exception) && e.batch !== undefined) throw new Error(`object ${e.seq} is ${e.heldBy ? 'held' : 'an exception'} and cannot be in a batch`);
        const status = e.exception ? ITEM_STATUS.exception : e.heldBy ? ITEM_STATUS.retained : ITEM_STATUS.pending;
        ins.run(num, e.seq, e.target, e.locator, e.size, e.salt, e.heldBy ?? null, status, e.batch ?? null, e.exception?.code ?? null, e.exception?.reason ?? null);
      }
    });
  }

  /** Per-target objects, bytes and held objects of the current plan. */
  planSummary(id: string): Record<string, { objects: number; bytes: number; held: number }> {
    const rows = this.sql('SELECT target, COUNT(*) AS objects, SUM(size) AS bytes, COUNT(held_by) AS held FROM inventory WHERE order_num = ? GROUP BY target')
      .all(this.conn.orderNum(id)) as Array<{ target: string; objects: number; bytes: number; held: number }>;
    return Object.fromEntries(rows.map((r) => [r.target, { objects: r.objects, bytes: r.bytes, held: r.held }]));
  }

  /** A page of the planned inventory in plan order, for an approver to review. */
  inventoryPage(id: string, q: { afterSeq?: number; limit: number; target?: string; held?: boolean }): InventoryPageRow[] {
    const where = ['order_num = ?', 'seq > ?'];
    const args: unknown[] = [this.conn.orderNum(id), q.afterSeq ?? -1];
    if (q.target !== undefined) {
      where.push('target = ?');
      args.push(q.target);
    }
    if (q.held !== undefined) where.push(q.held ? 'held_by IS NOT NULL' : 'held_by IS NULL');
    return this.sql(`SELECT seq, target, locator, size, held_by AS heldBy, status FROM inventory WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`)
      .all(...args, q.limit) as InventoryPageRow[];
  }

  /** Inventory entries in plan order, for the inventory commitment and its export. */
  *inventoryInOrder(id: string): IterableIterator<PlannedObject> {
    // Its own statement, not a cached one: the iteration keeps it busy until it ends (./statements.ts).
    yield* this.conn.db
      .prepare('SELECT seq, target, locator, size, salt FROM inventory WHERE order_num = ? ORDER BY seq')
      .iterate(this.conn.orderNum(id)) as IterableIterator<PlannedObject>;
  }

  /** Groups the pending objects into batches of up to `size`, per target, in seq order. Returns the batch count. */
  assignBatches(id: string, size: number): number {
    const num = this.conn.orderNum(id);
    return this.conn.atomically(() => {
      const targets = this.sql('SELECT target, COUNT(*) AS n FROM inventory WHERE order_num = ? AND status = 0 GROUP BY target ORDER BY MIN(seq)')
        .all(num) as Array<{ target: string; n: number }>;
      // One set-based UPDATE per target: no per-row round trips, no rows held in memory.
      const upd = this.sql(
        `UPDATE inventory SET batch = CAST(? AS INTEGER) + (p.rn - 1) / CAST(? AS INTEGER)
         FROM (SELECT seq, row_number() OVER (ORDER BY seq) AS rn FROM inventory
               WHERE order_num = ? AND status = 0 AND target = ?) AS p
         WHERE inventory.order_num = ? AND inventory.seq = p.seq`,
      );
      let offset = 0;
      for (const t of targets) {
        upd.run(offset, size, num, t.target, num);
        offset += Math.ceil(t.n / size);
      }
      return offset;
    });
  }

  /**
   * The number of batches when the plan already grouped every pending object
   * (batches 0..n-1), or null when some pending object has no batch (an order
   * planned without batches): then execute calls assignBatches. Both are index
   * seeks on inventory_batch, so starting an execution costs no table scan.
   */
  plannedBatchCount(id: string): number | null {
    const num = this.conn.orderNum(id);
    const unbatched = this.sql('SELECT 1 FROM inventory WHERE order_num = ? AND status = 0 AND batch IS NULL LIMIT 1').get(num);
    if (unbatched) return null;
    const r = this.sql('SELECT MAX(batch) AS last FROM inventory WHERE order_num = ? AND status = 0').get(num) as { last: number | null };
    return r.last === null ? 0 : r.last + 1;
  }

  /** From the counts the triggers keep (migration 3): a lookup, where counting the index took 80 ms at 3M objects. */
  pendingCount(id: string): number {
    return (this.sql('SELECT COALESCE(SUM(n), 0) AS n FROM inventory_counts WHERE order_num = ? AND status = 0').get(this.conn.orderNum(id)) as { n: number }).n;
  }

  /** After Redis lost a run's state: every pending object may have been destroyed without a surviving intent. */
  markPendingUncertain(id: string): number {
    return this.sql('UPDATE inventory SET uncertain = 1 WHERE order_num = ? AND status = 0').run(this.conn.orderNum(id)).changes;
  }

  /** Pending objects of batches `from`..`to` (inclusive), ordered by batch and seq: one query for many jobs. */
  pendingInBatches(id: string, from: number, to: number): BatchObject[] {
    return this.sql('SELECT batch, seq, target, locator, size FROM inventory WHERE order_num = ? AND status = 0 AND batch BETWEEN ? AND ? ORDER BY batch, seq')
      .all(this.conn.orderNum(id), from, to) as BatchObject[];
  }

  /** Objects of a batch marked uncertain after Redis lost state (usually none: a partial index makes this free). */
  uncertainInBatch(id: string, batch: number): Set<number> {
    const rows = this.sql('SELECT seq FROM inventory WHERE order_num = ? AND batch = ? AND uncertain = 1').all(this.conn.orderNum(id), batch) as Array<{ seq: number }>;
    return new Set(rows.map((r) => r.seq));
  }

  retainTarget(id: string, target: string, holdId: string): number {
    const num = this.conn.orderNum(id);
    return this.conn.atomically(() => {
      // A target's batches are one contiguous range (assignBatches, plan-order.ts): the ones after it move down by its width.
      const range = this.sql('SELECT MIN(batch) AS lo, MAX(batch) AS hi FROM inventory WHERE order_num = ? AND status = 0 AND target = ?').get(num, target) as { lo: number | null; hi: number | null };
      const kept = this.sql('UPDATE inventory SET status = 3, held_by = ?, batch = NULL WHERE order_num = ? AND status = 0 AND target = ?').run(holdId, num, target).changes;
      if (range.lo !== null && range.hi !== null) {
        this.sql('UPDATE inventory SET batch = batch - ? WHERE order_num = ? AND batch > ?').run(range.hi - range.lo + 1, num, range.hi);
      }
      return kept;
    });
  }

  /** Batches that still hold pending objects. */
  pendingBatches(id: string): number[] {
    return (this.sql('SELECT DISTINCT batch FROM inventory WHERE order_num = ? AND status = 0 ORDER BY batch').all(this.conn.orderNum(id)) as Array<{ batch: number }>).map(
      (r) => r.batch,
    );
  }

  /** The pending objects of a batch, as the plan listed them. */
  batchItems(id: string, batch: number): Array<{ seq: number; target: string; locator: string; size: number; uncertain: boolean }> {
    // INDEXED BY: without statistics SQLite walks the whole order by its primary key to spare the
    // sort, which made ingest quadratic in the order's size (bench/RESULTS.md, 'Measurements behind the code').
    const rows = this.sql('SELECT seq, target, locator, size, uncertain FROM inventory INDEXED BY inventory_batch WHERE order_num = ? AND batch = ? AND status = 0 ORDER BY seq')
      .all(this.conn.orderNum(id), batch) as Array<{ seq: number; target: string; locator: string; size: number; uncertain: number }>;
    return rows.map((r) => ({ ...r, uncertain: r.uncertain === 1 }));
  }
}
