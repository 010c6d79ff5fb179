// The ledger: orders, their history, the inventory with per-object outcomes,
// and certificates, in one SQLite file (better-sqlite3, WAL). Only the
// coordinator opens it. Writes are batched in transactions: one row at a time
// would be two orders of magnitude slower (see DESIGN.md's figures).
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { AccessStore } from './access-store.js';
import { migrate } from './migrations.js';
import { COLUMNS, type RawOrder, toOrder } from './order-rows.js';
import { type Prepare, statementCache } from './statements.js';
import {
  type CertificateRow,
  type InventoryEntry,
  type ItemResult,
  ITEM_STATUS,
  type Ledger,
  type OrderEvent,
  type OrderRow,
  type OrderState,
  type ProgressCounts,
  StateConflictError,
} from '../../../app/ports/ledger.js';

/** A destroyed object as the records file needs it. */
export interface DestroyedRow {
  seq: number;
  target: string;
  locator: string;
  salt: string;
  sha256: string;
  size: number;
  destroyedAt: string;
  method: string;
  attributes: string | null;
}

export class SqliteLedger implements Ledger {
  private readonly db: Database.Database;
  /** Prepared once, reused (./statements.ts). */
  private readonly sql: Prepare;
  /** Tokens and the audit log, in the same file and transactions. */
  readonly access: AccessStore;

  constructor(path: string) {
    if (path !== ':memory:') {
      // Token hashes and the audit log: only the owner reads them. SQLite gives the -wal and -shm
      // files the mode of the database file, so creating that one 0600 covers all three.
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      closeSync(openSync(path, 'a', 0o600));
      chmodSync(path, 0o600);
    }
    this.db = new Database(path);
    // Before the migrations: they take the write lock, and another process may hold it for a moment.
    this.db.pragma('busy_timeout = 5000');
    try {
      migrate(this.db); // first: a file from a newer shredproof is refused before anything is changed
    } catch (e) {
      this.db.close();
      throw e;
    }
    this.db.pragma('journal_mode = WAL');
    // FULL: a commit survives power loss. Outcomes reach the ledger only here.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.sql = statementCache(this.db);
    this.access = new AccessStore(this.db, this.sql);
  }

  close(): void {
    this.db.close();
  }

  createOrder(o: Omit<OrderRow, 'num'>, actor: string): OrderRow {
    const cols = Object.keys(COLUMNS) as Array<keyof typeof COLUMNS>;
    const run = this.db.transaction(() => {
      const info = this.sql(`INSERT INTO orders (${cols.map((c) => COLUMNS[c]).join(',')}) VALUES (${cols.map(() => '?').join(',')})`)
        .run(...cols.map((c) => o[c]));
      const num = Number(info.lastInsertRowid);
      this.addEvent(num, o.createdAt, actor, null, o.state, null);
      return num;
    });
    return this.getOrderByNum(run.immediate())!;
  }

  getOrder(id: string): OrderRow | undefined {
    const r = this.sql('SELECT * FROM orders WHERE id = ?').get(id) as RawOrder | undefined;
    return r && toOrder(r);
  }

  private getOrderByNum(num: number): OrderRow | undefined {
    const r = this.sql('SELECT * FROM orders WHERE num = ?').get(num) as RawOrder | undefined;
    return r && toOrder(r);
  }

  listOrders(filter: { state?: OrderState[]; limit?: number; after?: number; createdBy?: string } = {}): OrderRow[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.createdBy !== undefined) {
      where.push('created_by = ?');
      args.push(filter.createdBy);
    }
    if (filter.state?.length) {
      where.push(`state IN (${filter.state.map(() => '?').join(',')})`);
      args.push(...filter.state);
    }
    if (filter.after !== undefined) {
      where.push('num > ?');
      args.push(filter.after);
    }
    const sql = `SELECT * FROM orders ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY num LIMIT ?`;
    return (this.sql(sql).all(...args, filter.limit ?? 100) as RawOrder[]).map(toOrder);
  }

  /**
   * Moves an order from one of `from` to `to`, atomically with `patch` and an
   * event. Throws StateConflictError if the order is in another state: two
   * coordinators or two requests can never both take the same transition.
   */
  transition(id: string, from: readonly OrderState[], to: OrderState, actor: string, at: string, patch: Partial<OrderRow> = {}, detail?: string): OrderRow {
    return this.db.transaction(() => {
      const cur = this.getOrder(id);
      if (!cur) throw new StateConflictError(`no order ${id}`, undefined);
      if (!from.includes(cur.state)) {
        throw new StateConflictError(`order ${id} is ${cur.state}; this needs ${from.join(' or ')}`, cur.state);
      }
      const sets = ['state = ?', 'updated_at = ?'];
      const args: unknown[] = [to, at];
      for (const [k, v] of Object.entries(patch)) {
        const col = COLUMNS[k as keyof typeof COLUMNS];
        if (!col || k === 'state') continue;
        sets.push(`${col} = ?`);
        args.push(v);
      }
      this.sql(`UPDATE orders SET ${sets.join(', ')} WHERE num = ?`).run(...args, cur.num);
      this.addEvent(cur.num, at, actor, cur.state, to, detail ?? null);
      return this.getOrderByNum(cur.num)!;
    }).immediate();
  }

  /** Changes order fields without a state change (epoch bookkeeping). */
  patch(id: string, patch: Partial<OrderRow>, at: string): OrderRow {
    const sets = ['updated_at = ?'];
    const args: unknown[] = [at];
    for (const [k, v] of Object.entries(patch)) {
      const col = COLUMNS[k as keyof typeof COLUMNS];
      if (!col || k === 'state' || k === 'id') continue;
      sets.push(`${col} = ?`);
      args.push(v);
    }
    this.sql(`UPDATE orders SET ${sets.join(', ')} WHERE id = ?`).run(...args, id);
    return this.getOrder(id)!;
  }

  /** Every state change goes to the order's history and, in the same transaction, to the audit log. */
  private addEvent(num: number, at: string, actor: string, from: string | null, to: string, detail: string | null): void {
    this.sql('INSERT INTO order_events (order_num, at, actor, from_state, to_state, detail) VALUES (?,?,?,?,?,?)').run(num, at, actor, from, to, detail);
    const { id } = this.sql('SELECT id FROM orders WHERE num = ?').get(num) as { id: string };
    const change = from === null ? `created as ${to}` : from === to ? `stays ${to}` : `${from} -> ${to}`;
    this.access.appendAudit({ at, actor, action: `order.${to}`, orderId: id, detail: detail ? `${change}: ${detail}` : change });
  }

  events(id: string): OrderEvent[] {
    return this.sql(
      `SELECT e.at, e.actor, e.from_state AS fromState, e.to_state AS toState, e.detail
       FROM order_events e JOIN orders o ON o.num = e.order_num WHERE o.id = ? ORDER BY e.seq`,
    ).all(id) as OrderEvent[];
  }

  private num(id: string): number {
    const r = this.sql('SELECT num FROM orders WHERE id = ?').get(id) as { num: number } | undefined;
    if (!r) throw new StateConflictError(`no order ${id}`, undefined);
    return r.num;
  }

  clearInventory(id: string): void {
    this.sql('DELETE FROM inventory WHERE order_num = ?').run(this.num(id));
  }

  /** Records the identity of each store the plan listed (JSON { target: binding }), or forgets it (null). */
  setPlanBindings(id: string, bindings: string | null): void {
    const num = this.num(id);
    if (bindings === null) this.sql('DELETE FROM plan_bindings WHERE order_num = ?').run(num);
    else this.sql('INSERT INTO plan_bindings (order_num, bindings) VALUES (?, ?) ON CONFLICT (order_num) DO UPDATE SET bindings = excluded.bindings').run(num, bindings);
  }

  /** What setPlanBindings recorded for the order's current plan, or null. */
  planBindings(id: string): string | null {
    const r = this.sql('SELECT bindings FROM plan_bindings WHERE order_num = ?').get(this.num(id)) as { bindings: string } | undefined;
    return r?.bindings ?? null;
  }

  /** Appends planned objects; `seq` must continue from the last call (the plan streams pages). */
  appendInventory(id: string, entries: readonly InventoryEntry[]): void {
    const num = this.num(id);
    const ins = this.sql(
      'INSERT INTO inventory (order_num, seq, target, locator, size, salt, held_by, status, batch, exc_code, exc_reason) VALUES (?,?,?,?,?,?,?,?,?,?,?)',
    );
    this.db.transaction(() => {
      for (const e of entries) {
        if ((e.heldBy || e.exception) && e.batch !== undefined) throw new Error(`object ${e.seq} is ${e.heldBy ? 'held' : 'an exception'} and cannot be in a batch`);
        const status = e.exception ? ITEM_STATUS.exception : e.heldBy ? ITEM_STATUS.retained : ITEM_STATUS.pending;
        ins.run(num, e.seq, e.target, e.locator, e.size, e.salt, e.heldBy ?? null, status, e.batch ?? null, e.exception?.code ?? null, e.exception?.reason ?? null);
      }
    }).immediate();
  }

  /** Groups the pending objects into batches of up to `size`, per target, in seq order. Returns the batch count. */
  assignBatches(id: string, size: number): number {
    const num = this.num(id);
    return this.db.transaction(() => {
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
    }).immediate();
  }

  /**
   * The number of batches when the plan already grouped every pending object
   * (batches 0..n-1), or null when some pending object has no batch (an order
   * planned without batches): then execute calls assignBatches. Both are index
   * seeks on inventory_batch, so starting an execution costs no table scan.
   */
  plannedBatchCount(id: string): number | null {
    const num = this.num(id);
    const unbatched = this.sql('SELECT 1 FROM inventory WHERE order_num = ? AND status = 0 AND batch IS NULL LIMIT 1').get(num);
    if (unbatched) return null;
    const r = this.sql('SELECT MAX(batch) AS last FROM inventory WHERE order_num = ? AND status = 0').get(num) as { last: number | null };
    return r.last === null ? 0 : r.last + 1;
  }

  pendingCount(id: string): number {
    return (this.sql('SELECT COUNT(*) AS n FROM inventory WHERE order_num = ? AND status = 0').get(this.num(id)) as { n: number }).n;
  }

  /** After Redis lost a run's state: every pending object may have been destroyed without a surviving intent. */
  markPendingUncertain(id: string): number {
    return this.sql('UPDATE inventory SET uncertain = 1 WHERE order_num = ? AND status = 0').run(this.num(id)).changes;
  }

  /** Pending objects of batches `from`../../..`to` (inclusive), ordered by batch and seq: one query for many jobs. */
  pendingInBatches(id: string, from: number, to: number): Array<{ batch: number; seq: number; target: string; locator: string; size: number }> {
    return this.sql('SELECT batch, seq, target, locator, size FROM inventory WHERE order_num = ? AND status = 0 AND batch BETWEEN ? AND ? ORDER BY batch, seq')
      .all(this.num(id), from, to) as Array<{ batch: number; seq: number; target: string; locator: string; size: number }>;
  }

  /** Objects of a batch marked uncertain after Redis lost state (usually none: a partial index makes this free). */
  uncertainInBatch(id: string, batch: number): Set<number> {
    const rows = this.sql('SELECT seq FROM inventory WHERE order_num = ? AND batch = ? AND uncertain = 1').all(this.num(id), batch) as Array<{ seq: number }>;
    return new Set(rows.map((r) => r.seq));
  }

  /** Batches that still hold pending objects. */
  pendingBatches(id: string): number[] {
    return (this.sql('SELECT DISTINCT batch FROM inventory WHERE order_num = ? AND status = 0 ORDER BY batch').all(this.num(id)) as Array<{ batch: number }>).map(
      (r) => r.batch,
    );
  }

  /** The pending objects of a batch, as the plan listed them. */
  batchItems(id: string, batch: number): Array<{ seq: number; target: string; locator: string; size: number; uncertain: boolean }> {
    const rows = this.sql('SELECT seq, target, locator, size, uncertain FROM inventory WHERE order_num = ? AND batch = ? AND status = 0 ORDER BY seq')
      .all(this.num(id), batch) as Array<{ seq: number; target: string; locator: string; size: number; uncertain: number }>;
    return rows.map((r) => ({ ...r, uncertain: r.uncertain === 1 }));
  }

  /**
   * Records per-object results. Only pending objects change: applying the
   * same results twice (a re-ingested batch after a crash) is a no-op.
   * Returns how many objects changed.
   */
  applyResults(id: string, results: readonly ItemResult[]): number {
    const num = this.num(id);
    const destroyed = this.sql(
      `UPDATE inventory SET status = 1, sha256 = ?, content_size = ?, destroyed_at = ?, method = ?, attributes = ?
       WHERE order_num = ? AND seq = ? AND status = 0`,
    );
    const exception = this.sql(
      'UPDATE inventory SET status = 2, exc_code = ?, exc_reason = ? WHERE order_num = ? AND seq = ? AND status = 0',
    );
    const retained = this.sql('UPDATE inventory SET status = 3, held_by = ? WHERE order_num = ? AND seq = ? AND status = 0');
    return this.db.transaction(() => {
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
    }).immediate();
  }

  progress(id: string): ProgressCounts {
    const rows = this.sql(
      // Kept by triggers (migration 3); rows whose count went back to 0 add nothing.
      `SELECT target, status, n, planned_bytes, bytes FROM inventory_counts WHERE order_num = ? AND n > 0`,
    ).all(this.num(id)) as Array<{ target: string; status: number; n: number; planned_bytes: number; bytes: number }>;
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

  /** A page of the planned inventory in plan order, for an approver to review. */
  inventoryPage(
    id: string,
    q: { afterSeq?: number; limit: number; target?: string; held?: boolean },
  ): Array<{ seq: number; target: string; locator: string; size: number; heldBy: string | null; status: number }> {
    const where = ['order_num = ?', 'seq > ?'];
    const args: unknown[] = [this.num(id), q.afterSeq ?? -1];
    if (q.target !== undefined) {
      where.push('target = ?');
      args.push(q.target);
    }
    if (q.held !== undefined) where.push(q.held ? 'held_by IS NOT NULL' : 'held_by IS NULL');
    return this.sql(`SELECT seq, target, locator, size, held_by AS heldBy, status FROM inventory WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`)
      .all(...args, q.limit) as never;
  }

  /** How many orders are in each state. */
  orderCounts(): Partial<Record<OrderState, number>> {
    const rows = this.sql('SELECT state, COUNT(*) AS n FROM orders GROUP BY state').all() as Array<{ state: OrderState; n: number }>;
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  }

  /** Per-target objects, bytes and held objects of the current plan. */
  planSummary(id: string): Record<string, { objects: number; bytes: number; held: number }> {
    const rows = this.sql('SELECT target, COUNT(*) AS objects, SUM(size) AS bytes, COUNT(held_by) AS held FROM inventory WHERE order_num = ? GROUP BY target')
      .all(this.num(id)) as Array<{ target: string; objects: number; bytes: number; held: number }>;
    return Object.fromEntries(rows.map((r) => [r.target, { objects: r.objects, bytes: r.bytes, held: r.held }]));
  }

  findByLocator(id: string, target: string, locator: string): { seq: number; status: number; sha256: string | null } | undefined {
    return this.sql('SELECT seq, status, sha256 FROM inventory WHERE order_num = ? AND target = ? AND locator = ?')
      .get(this.num(id), target, locator) as { seq: number; status: number; sha256: string | null } | undefined;
  }

  /**
   * Turns objects recorded as destroyed into exceptions: the re-scan found
   * them still there with the content that was certified. Only while the
   * order is finalizing, before any certificate exists. Returns how many changed.
   */
  revokeDestroyed(id: string, seqs: readonly number[], code: string, reason: string): number {
    const num = this.num(id);
    const update = this.sql(
      `UPDATE inventory SET status = 2, exc_code = ?, exc_reason = ?, sha256 = NULL, content_size = NULL, destroyed_at = NULL, method = NULL, attributes = NULL
       WHERE order_num = ? AND seq = ? AND status = 1`,
    );
    return this.db.transaction(() => seqs.reduce((n, seq) => n + update.run(code, reason, num, seq).changes, 0))();
  }

  /**
   * Destroyed objects in leaf order (plan order), for the records file, in
   * pages of up to `pageSize` (keyset pagination on the primary key). No
   * statement stays open between two pages, so the caller may await between
   * them and let other work use the connection: iterating one open statement
   * over 100,000 rows held the event loop for over a second in finalize.
   */
  *destroyedPages(id: string, pageSize = 500): IterableIterator<DestroyedRow[]> {
    const num = this.num(id);
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
      .all(this.num(id)) as Array<{ target: string; locator: string; code: string; reason: string }>;
  }

  retained(id: string): Array<{ target: string; locator: string; holdId: string }> {
    return this.sql('SELECT target, locator, held_by AS holdId FROM inventory WHERE order_num = ? AND status = 3 ORDER BY seq')
      .all(this.num(id)) as Array<{ target: string; locator: string; holdId: string }>;
  }

  /** Inventory entries in plan order, for the inventory commitment and its export. */
  *inventoryInOrder(id: string): IterableIterator<{ seq: number; target: string; locator: string; size: number; salt: string }> {
    // Its own statement, not a cached one: the iteration keeps it busy until it ends (./statements.ts).
    yield* this.db
      .prepare('SELECT seq, target, locator, size, salt FROM inventory WHERE order_num = ? ORDER BY seq')
      .iterate(this.num(id)) as IterableIterator<never>;
  }

  saveCertificate(id: string, c: CertificateRow): void {
    this.sql('INSERT INTO certificates (order_num, certificate_id, issued_at, root_hash, tree_size, envelope, records_path) VALUES (?,?,?,?,?,?,?)')
      .run(this.num(id), c.certificateId, c.issuedAt, c.rootHash, c.treeSize, c.envelope, c.recordsPath);
  }

  /** Every certificate's envelope, oldest first (for the audit anchors). */
  *certificateEnvelopes(): IterableIterator<{ certificateId: string; envelope: string }> {
    yield* this.db.prepare('SELECT certificate_id AS certificateId, envelope FROM certificates ORDER BY issued_at').iterate() as IterableIterator<never>;
  }

  certificate(id: string): CertificateRow | undefined {
    return this.sql(
      `SELECT certificate_id AS certificateId, issued_at AS issuedAt, root_hash AS rootHash, tree_size AS treeSize,
              envelope, records_path AS recordsPath FROM certificates c JOIN orders o ON o.num = c.order_num WHERE o.id = ?`,
    ).get(id) as CertificateRow | undefined;
  }

  /**
   * Every write transaction here is BEGIN IMMEDIATE: it takes the write lock
   * first and waits (busy_timeout) for another process to release it. A
   * deferred one that reads first fails at once with SQLITE_BUSY when it
   * tries to upgrade while `shredproof token` writes to the same file.
   */
  /** Runs `f` in one transaction (for use cases that must change several things at once). */
  atomically<T>(f: () => T): T {
    return this.db.transaction(f).immediate();
  }
}
