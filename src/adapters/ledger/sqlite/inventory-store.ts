// The plan's inventory and its batches in the ledger. Writes are batched in
// transactions: one row at a time would be far slower (figures:
// bench/RESULTS.md, 'Measurements behind the code').
import {
  type BatchObject,
  type InventoryEntry,
  type InventoryPageRow,
  type InventoryQuery,
  type InventoryStore,
  type PlanTargetSummary,
  ITEM_STATUS,
  type PlannedObject,
} from '../../../app/ports/inventory.js';
import { RETAINED_ARTIFACT_HOLD_PREFIX } from '../../../app/order-document.js';
import { UNNAMEABLE_PREFIX } from '../../storage/unnameable.js';
import type { LedgerConnection } from './connection.js';

/** How many locators of each target the plan shows as its sample (docs/ORDERS.md section 5). */
export const PLAN_SAMPLE_SIZE = 20;
/** The stand-in prefix as bytes: it starts with NUL, which SQLite's text functions do not promise to handle; its blob functions do. */
const STAND_IN = Buffer.from(UNNAMEABLE_PREFIX, 'utf8');

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

  /** Per-target objects, bytes and held objects of the current plan, and a sample of the locators it destroys. */
  planSummary(id: string): Record<string, PlanTargetSummary> {
    const num = this.conn.orderNum(id);
    const rows = this.sql('SELECT target, COUNT(*) AS objects, SUM(size) AS bytes, COUNT(held_by) AS held, MIN(seq) AS first FROM inventory WHERE order_num = ? GROUP BY target')
      .all(num) as Array<{ target: string; objects: number; bytes: number; held: number; first: number }>;
    return Object.fromEntries(rows.map((r) => [r.target, { objects: r.objects, bytes: r.bytes, held: r.held, sample: this.planSample(num, r.target, r.first) }]));
  }

  /**
   * The first PLAN_SAMPLE_SIZE locators of a target, in plan order, that the
   * plan itself neither held nor could not name: what plan-order.ts samples as
   * it lists. Decided from what does not change after the plan, so that the
   * sample an approver saw is the one shown later: a stand-in locator marks an
   * unnameable object; a hold the plan found has no batch, where one found by
   * a worker when it checked again keeps the batch the object was planned in,
   * and an approver's retention of a derived artifact holds under the
   * RETAINED_ARTIFACT_HOLD_PREFIX. A target's rows are contiguous from `first`
   * (the plan lists targets one after the other), so the search starts there.
   */
  private planSample(num: number, target: string, first: number): string[] {
    const rows = this.sql(
      `SELECT locator FROM inventory WHERE order_num = ? AND seq >= ? AND target = ?
         AND substr(CAST(locator AS BLOB), 1, ?) <> ?
         AND NOT (held_by IS NOT NULL AND batch IS NULL AND substr(held_by, 1, ?) <> ?)
       ORDER BY seq LIMIT ?`,
    ).all(num, first, target, STAND_IN.length, STAND_IN, RETAINED_ARTIFACT_HOLD_PREFIX.length, RETAINED_ARTIFACT_HOLD_PREFIX, PLAN_SAMPLE_SIZE) as Array<{ locator: string }>;
    return rows.map((r) => r.locator);
  }

  /**
   * A page of the planned inventory in plan order, for an approver to review.
   * `search` is a substring of the locator, ASCII letters in any case: instr
   * takes it as plain text (a %, _ or \ in it is itself, never a wildcard or an
   * escape), and SQLite's lower() folds ASCII only. No index helps a substring:
   * a search reads the order's inventory from the cursor on until the page is full.
   */
  inventoryPage(id: string, q: InventoryQuery): InventoryPageRow[] {
    const where = ['order_num = ?', 'seq > ?'];
    const args: unknown[] = [this.conn.orderNum(id), q.afterSeq ?? -1];
    if (q.target !== undefined) {
      where.push('target = ?');
      args.push(q.target);
    }
    if (q.held !== undefined) where.push(q.held ? 'held_by IS NOT NULL' : 'held_by IS NULL');
    if (q.search !== undefined) {
      where.push('instr(lower(locator), lower(?)) > 0');
      args.push(q.search);
    }
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
