// Orders and their history in the ledger. Every state change goes to the
// order's history and, in the same transaction, to the audit log.
import { overdueAt } from '../../../app/deadlines.js';
import { StateConflictError } from '../../../app/errors.js';
import type { AuditLog } from '../../../app/ports/access.js';
import type { OrderCounts, OrderEvent, OrderFilter, OrderRow, OrderState, OrderStore } from '../../../app/ports/orders.js';
import type { LedgerConnection } from './connection.js';
import { COLUMNS, type RawOrder, toOrder } from './order-rows.js';

/**
 * `overdue(state, deadline, now)` in SQL is src/app/deadlines.ts's rule itself, registered as a
 * function of the connection: the filter of GET /v1/orders, the metrics and the order view can
 * never disagree about which orders are overdue. The deadline is read from the stored document.
 */
const OVERDUE = "shredproof_overdue(state, json_extract(document, '$.deadline'), ?)";

export class SqliteOrderStore implements OrderStore {
  constructor(
    private readonly conn: LedgerConnection,
    private readonly audit: Pick<AuditLog, 'appendAudit'>,
  ) {
    conn.db.function('shredproof_overdue', { deterministic: true }, (state, deadline, now) =>
      overdueAt(state as OrderState, deadline as string | null, new Date(now as string)) ? 1 : 0,
    );
  }

  createOrder(o: Omit<OrderRow, 'num'>, actor: string): OrderRow {
    const cols = Object.keys(COLUMNS) as Array<keyof typeof COLUMNS>;
    const num = this.conn.atomically(() => {
      const info = this.conn
        .sql(`INSERT INTO orders (${cols.map((c) => COLUMNS[c]).join(',')}) VALUES (${cols.map(() => '?').join(',')})`)
        .run(...cols.map((c) => o[c]));
      const num = Number(info.lastInsertRowid);
      this.addEvent(num, o.createdAt, actor, null, o.state, null);
      return num;
    });
    return this.getOrderByNum(num)!;
  }

  getOrder(id: string): OrderRow | undefined {
    const r = this.conn.sql('SELECT * FROM orders WHERE id = ?').get(id) as RawOrder | undefined;
    return r && toOrder(r);
  }

  private getOrderByNum(num: number): OrderRow | undefined {
    const r = this.conn.sql('SELECT * FROM orders WHERE num = ?').get(num) as RawOrder | undefined;
    return r && toOrder(r);
  }

  listOrders(filter: OrderFilter = {}): OrderRow[] {
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
    if (filter.overdue !== undefined) {
      where.push(`${OVERDUE} = ?`);
      args.push(filter.overdue.now.toISOString(), filter.overdue.overdue ? 1 : 0);
    }
    if (filter.after !== undefined) {
      where.push('num > ?');
      args.push(filter.after);
    }
    const sql = `SELECT * FROM orders ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY num LIMIT ?`;
    return (this.conn.sql(sql).all(...args, filter.limit ?? 100) as RawOrder[]).map(toOrder);
  }

  /**
   * Moves an order from one of `from` to `to`, atomically with `patch` and an
   * event. Throws StateConflictError if the order is in another state: two
   * coordinators or two requests can never both take the same transition.
   */
  transition(id: string, from: readonly OrderState[], to: OrderState, actor: string, at: string, patch: Partial<OrderRow> = {}, detail?: string): OrderRow {
    return this.conn.atomically(() => {
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
      this.conn.sql(`UPDATE orders SET ${sets.join(', ')} WHERE num = ?`).run(...args, cur.num);
      this.addEvent(cur.num, at, actor, cur.state, to, detail ?? null);
      return this.getOrderByNum(cur.num)!;
    });
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
    this.conn.sql(`UPDATE orders SET ${sets.join(', ')} WHERE id = ?`).run(...args, id);
    return this.getOrder(id)!;
  }

  /** Every state change goes to the order's history and, in the same transaction, to the audit log. */
  private addEvent(num: number, at: string, actor: string, from: string | null, to: string, detail: string | null): void {
    this.conn.sql('INSERT INTO order_events (order_num, at, actor, from_state, to_state, detail) VALUES (?,?,?,?,?,?)').run(num, at, actor, from, to, detail);
    const { id } = this.conn.sql('SELECT id FROM orders WHERE num = ?').get(num) as { id: string };
    const change = from === null ? `created as ${to}` : from === to ? `stays ${to}` : `${from} -> ${to}`;
    this.audit.appendAudit({ at, actor, action: `order.${to}`, orderId: id, detail: detail ? `${change}: ${detail}` : change });
  }

  events(id: string): OrderEvent[] {
    return this.conn.sql(
      `SELECT e.at, e.actor, e.from_state AS fromState, e.to_state AS toState, e.detail
       FROM order_events e JOIN orders o ON o.num = e.order_num WHERE o.id = ? ORDER BY e.seq`,
    ).all(id) as OrderEvent[];
  }

  /** How many orders are in each state, and how many are overdue at `now`: one pass over the orders. */
  orderCounts(now: Date): OrderCounts {
    const rows = this.conn.sql(`SELECT state, COUNT(*) AS n, SUM(${OVERDUE}) AS overdue FROM orders GROUP BY state`).all(now.toISOString()) as Array<{
      state: OrderState;
      n: number;
      overdue: number;
    }>;
    return { byState: Object.fromEntries(rows.map((r) => [r.state, r.n])), overdue: rows.reduce((sum, r) => sum + r.overdue, 0) };
  }
}
