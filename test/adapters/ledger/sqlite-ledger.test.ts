// The SQLite ledger against a temp file: migrations, state transitions,
// batching, idempotent results, leaf numbering and certificates. A second,
// read-only connection looks at the rows the way a person with sqlite3 would.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { InventoryEntry, ItemResult, OrderRow } from '../../../src/app/ports/ledger.js';
import { ITEM_STATUS } from '../../../src/app/ports/ledger.js';
import { StateConflictError } from '../../../src/app/errors.js';
import { migrate } from '../../../src/adapters/ledger/sqlite/migrations.js';
import { SqliteLedger } from '../../../src/adapters/ledger/sqlite/sqlite-ledger.js';
import { draftRow } from '../../helpers/order-rows.js';

const T0 = '2025-01-02T03:04:05.000Z';
const T1 = '2025-01-02T03:05:00.000Z';
const SHA = (n: number) => n.toString(16).padStart(64, '0');

function orderRow(id: string, over: Partial<OrderRow> = {}): Omit<OrderRow, 'num'> {
  return draftRow(id, { documentSha256: SHA(1), createdAt: T0, updatedAt: T0, ...over });
}

/** Entries seq from..from+n-1; `target(seq)` and `held(seq)` decide the rest. */
function entries(from: number, n: number, target: (seq: number) => string, held: (seq: number) => string | undefined = () => undefined): InventoryEntry[] {
  return Array.from({ length: n }, (_, k) => {
    const seq = from + k;
    const h = held(seq);
    return { seq, target: target(seq), locator: `objects/${String(seq).padStart(7, '0')}.bin`, size: 100 + (seq % 7), salt: SHA(seq).slice(0, 32), ...(h ? { heldBy: h } : {}) };
  });
}

function destroyed(seq: number, extra: Partial<Extract<ItemResult, { kind: 'destroyed' }>> = {}): ItemResult {
  return { kind: 'destroyed', seq, sha256: SHA(seq + 1000), size: 1000 + seq, destroyedAt: T1, method: 'unlink', ...extra };
}

interface RawItem {
  seq: number;
  target: string;
  batch: number | null;
  batchType: string;
  status: number;
  leaf_index: number | null;
  uncertain: number;
}

describe('SqliteLedger', () => {
  let dir: string;
  let path: string;
  let ledger: SqliteLedger;
  const opened: Database.Database[] = [];

  /** A read-only view of the same file. */
  function raw(): Database.Database {
    const db = new Database(path, { readonly: true });
    opened.push(db);
    return db;
  }

  function items(id: string): RawItem[] {
    return raw()
      .prepare(
        `SELECT seq, target, batch, typeof(batch) AS batchType, status, leaf_index, uncertain
         FROM inventory i JOIN orders o ON o.num = i.order_num WHERE o.id = ? ORDER BY seq`,
      )
      .all(id) as RawItem[];
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sp-ledger-'));
    path = join(dir, 'sub', 'ledger.sqlite');
    ledger = new SqliteLedger(path);
  });
  afterEach(() => {
    for (const db of opened.splice(0)) db.close();
    try {
      ledger.close();
    } catch {
      // closed by the test
    }
    rmSync(dir, { recursive: true, force: true });
  });

  describe('schema migrations', () => {
    it('are applied once; re-opening is a no-op that keeps every row', () => {
      assert.equal(raw().pragma('user_version', { simple: true }), 10);
      const schema = () => raw().prepare("SELECT type, name, sql FROM sqlite_master ORDER BY name").all();
      const before = schema();
      assert.ok(before.length >= 4, 'tables and indexes exist');
      ledger.createOrder(orderRow('ord-1'), 'alice');
      ledger.close();
      for (let i = 0; i < 2; i++) {
        ledger = new SqliteLedger(path);
        assert.equal(ledger.getOrder('ord-1')?.reference, 'reference of ord-1');
        assert.equal(ledger.events('ord-1').length, 1);
        ledger.close();
      }
      ledger = new SqliteLedger(path);
      assert.deepEqual(schema(), before);
      assert.equal(raw().pragma('user_version', { simple: true }), 10);
      assert.equal(raw().pragma('journal_mode', { simple: true }), 'wal');
    });

    it('migrate() on an up-to-date database changes nothing', () => {
      const db = new Database(join(dir, 'm.sqlite'));
      try {
        assert.equal(migrate(db), 10);
        db.prepare("INSERT INTO orders (id, reference, document, document_sha256, state, created_by, created_at, updated_at) VALUES ('o','r','{}','x','draft','a','t','t')").run();
        assert.equal(migrate(db), 10);
        assert.equal(db.pragma('user_version', { simple: true }), 10);
        assert.equal((db.prepare('SELECT COUNT(*) AS n FROM orders').get() as { n: number }).n, 1);
      } finally {
        db.close();
      }
    });

    it('refuses a ledger file from a newer schema, with a clear message, and leaves it alone', () => {
      ledger.createOrder(orderRow('ord-1'), 'alice');
      ledger.close();
      const w = new Database(path);
      w.pragma('user_version = 11');
      w.close();
      assert.throws(() => new SqliteLedger(path), (e: Error) => {
        assert.match(e.message, /ledger schema version 11 is newer than this shredproof \(10\); upgrade shredproof/);
        return true;
      });
      const r = raw();
      assert.equal(r.pragma('user_version', { simple: true }), 11);
      assert.equal((r.prepare('SELECT COUNT(*) AS n FROM orders').get() as { n: number }).n, 1);
      // An empty file that claims a newer schema is refused too (and gets no tables).
      const other = join(dir, 'new.sqlite');
      const e = new Database(other);
      e.pragma('user_version = 11');
      e.close();
      assert.throws(() => new SqliteLedger(other), /schema version 11 is newer/);
      const o = new Database(other, { readonly: true });
      opened.push(o);
      assert.equal((o.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n, 0);
    });
  });

  describe('orders and transitions', () => {
    it('createOrder stores every field and records a creation event', () => {
      const o = ledger.createOrder(orderRow('ord-1'), 'alice');
      assert.equal(typeof o.num, 'number');
      const { num: _num, ...rest } = o;
      assert.deepEqual(rest, orderRow('ord-1'));
      assert.deepEqual(ledger.events('ord-1'), [{ at: T0, actor: 'alice', fromState: null, toState: 'draft', detail: null }]);
      assert.equal(ledger.getOrder('ord-2'), undefined);
      assert.throws(() => ledger.createOrder(orderRow('ord-1'), 'alice'), /UNIQUE/);
    });

    it('transition() moves the state with its patch and records actor, from, to and detail', () => {
      ledger.createOrder(orderRow('ord-1'), 'alice');
      const o = ledger.transition('ord-1', ['draft', 'planned'], 'planning', 'alice', T1, { planRoot: SHA(9), state: 'certified' }, 'plan started');
      assert.equal(o.state, 'planning', 'a state in the patch is ignored');
      assert.equal(o.planRoot, SHA(9));
      assert.equal(o.updatedAt, T1);
      assert.deepEqual(ledger.events('ord-1').at(-1), { at: T1, actor: 'alice', fromState: 'draft', toState: 'planning', detail: 'plan started' });
      ledger.transition('ord-1', ['planning'], 'planned', 'bob', T1);
      assert.deepEqual(
        ledger.events('ord-1').map((e) => [e.actor, e.fromState, e.toState]),
        [
          ['alice', null, 'draft'],
          ['alice', 'draft', 'planning'],
          ['bob', 'planning', 'planned'],
        ],
      );
    });

    it('transition() refuses a wrong state with StateConflictError and changes nothing', () => {
      ledger.createOrder(orderRow('ord-1'), 'alice');
      const before = { order: ledger.getOrder('ord-1'), events: ledger.events('ord-1') };
      assert.throws(
        () => ledger.transition('ord-1', ['approved'], 'executing', 'bob', T1, { epoch: 'e1' }),
        (e: unknown) => e instanceof StateConflictError && e.code === 'STATE_CONFLICT' && e.state === 'draft',
      );
      assert.throws(
        () => ledger.transition('ord-none', ['draft'], 'planning', 'bob', T1),
        (e: unknown) => e instanceof StateConflictError && e.code === 'STATE_CONFLICT' && e.state === undefined,
      );
      assert.deepEqual({ order: ledger.getOrder('ord-1'), events: ledger.events('ord-1') }, before);
    });

    it('transition() is atomic: when recording the event fails, the state change is rolled back', () => {
      ledger.createOrder(orderRow('ord-1'), 'alice');
      const before = { order: ledger.getOrder('ord-1'), events: ledger.events('ord-1') };
      // actor is NOT NULL: the UPDATE has run when the event insert fails.
      assert.throws(() => ledger.transition('ord-1', ['draft'], 'planning', null as unknown as string, T1, { planRoot: SHA(3) }), /NOT NULL/);
      assert.deepEqual({ order: ledger.getOrder('ord-1'), events: ledger.events('ord-1') }, before);
    });

    it('only one of two competing transitions from the same state wins', () => {
      ledger.createOrder(orderRow('ord-1', { state: 'approved' }), 'alice');
      ledger.transition('ord-1', ['approved'], 'executing', 'alice', T1, { epoch: 'e1' });
      assert.throws(() => ledger.transition('ord-1', ['approved'], 'executing', 'bob', T1, { epoch: 'e2' }), StateConflictError);
      assert.equal(ledger.getOrder('ord-1')!.epoch, 'e1');
      assert.equal(ledger.events('ord-1').filter((e) => e.toState === 'executing').length, 1);
    });

    it('patch() changes fields but never the state or id; listOrders filters by state', () => {
      ledger.createOrder(orderRow('ord-1'), 'alice');
      ledger.createOrder(orderRow('ord-2', { state: 'executing' }), 'alice');
      const p = ledger.patch('ord-1', { failure: 'x', state: 'certified', id: 'ord-9' }, T1);
      assert.equal(p.state, 'draft');
      assert.equal(p.id, 'ord-1');
      assert.equal(p.failure, 'x');
      assert.deepEqual(
        ledger.listOrders({ state: ['executing'] }).map((o) => o.id),
        ['ord-2'],
      );
      assert.deepEqual(
        ledger.listOrders().map((o) => o.id),
        ['ord-1', 'ord-2'],
      );
      assert.deepEqual(
        ledger.listOrders({ after: ledger.getOrder('ord-1')!.num }).map((o) => o.id),
        ['ord-2'],
      );
    });

    it('atomically() rolls back everything when its function throws', () => {
      ledger.createOrder(orderRow('ord-1', { state: 'approved' }), 'alice');
      ledger.appendInventory('ord-1', entries(0, 5, () => 'a'));
      assert.throws(() =>
        ledger.atomically(() => {
          ledger.transition('ord-1', ['approved'], 'executing', 'alice', T1);
          ledger.assignBatches('ord-1', 2);
          throw new Error('crash');
        }),
      );
      assert.equal(ledger.getOrder('ord-1')!.state, 'approved');
      assert.ok(items('ord-1').every((r) => r.batch === null));
    });
  });

  describe('inventory, batches and results', () => {
    beforeEach(() => {
      ledger.createOrder(orderRow('ord-1'), 'alice');
    });

    function checkBatches(id: string, size: number, expectedPerTarget: Record<string, number>): void {
      const rows = items(id);
      const batched = rows.filter((r) => r.batch !== null);
      for (const r of batched) {
        assert.ok(Number.isInteger(r.batch), `batch ${r.batch} of seq ${r.seq} is not an integer`);
        assert.equal(r.batchType, 'integer', `batch of seq ${r.seq} is stored as ${r.batchType}`);
      }
      const byBatch = new Map<number, RawItem[]>();
      for (const r of batched) byBatch.set(r.batch!, [...(byBatch.get(r.batch!) ?? []), r]);
      const count = Object.values(expectedPerTarget).reduce((a, b) => a + b, 0);
      assert.deepEqual([...byBatch.keys()].sort((a, b) => a - b), Array.from({ length: count }, (_, i) => i), 'batches are numbered 0..n-1');
      const perTarget: Record<string, number> = {};
      for (const [b, rs] of byBatch) {
        assert.equal(new Set(rs.map((r) => r.target)).size, 1, `batch ${b} spans two targets`);
        assert.ok(rs.length <= size, `batch ${b} holds ${rs.length} > ${size}`);
        perTarget[rs[0]!.target] = (perTarget[rs[0]!.target] ?? 0) + 1;
      }
      assert.deepEqual(perTarget, expectedPerTarget);
      // Within a target, batches follow seq order.
      const last: Record<string, number> = {};
      for (const r of batched) {
        assert.ok(r.batch! >= (last[r.target] ?? -Infinity), `seq ${r.seq} goes back to an earlier batch`);
        last[r.target] = r.batch!;
      }
      for (const b of ledger.pendingBatches(id)) assert.ok(Number.isInteger(b), `pendingBatches gave ${b}`);
    }

    it('assignBatches: ceil(n/size) batches per target, none spanning two targets, integer numbers, only pending rows', () => {
      // Targets interleave in seq order, to make a batch that spans targets possible; every 10th is held.
      const target = (s: number) => (s % 3 === 0 ? 'models' : 'photos');
      ledger.appendInventory('ord-1', entries(0, 50, target, (s) => (s % 10 === 5 ? 'hold-1' : undefined)));
      ledger.appendInventory('ord-1', entries(50, 25, target));
      // Two objects are resolved before batching (a re-batch after some progress).
      assert.equal(ledger.applyResults('ord-1', [destroyed(1), { kind: 'exception', seq: 3, code: 'ABSENT', reason: 'gone' }]), 2);
      const rows = items('ord-1');
      const pending = rows.filter((r) => r.status === ITEM_STATUS.pending);
      const n = { models: pending.filter((r) => r.target === 'models').length, photos: pending.filter((r) => r.target === 'photos').length };
      assert.deepEqual(n, { models: 22, photos: 46 });
      const count = ledger.assignBatches('ord-1', 4);
      assert.equal(count, Math.ceil(22 / 4) + Math.ceil(46 / 4));
      checkBatches('ord-1', 4, { models: 6, photos: 12 });
      for (const r of items('ord-1')) {
        if (r.status !== ITEM_STATUS.pending) assert.equal(r.batch, null, `seq ${r.seq} (status ${r.status}) was batched`);
        else assert.notEqual(r.batch, null, `pending seq ${r.seq} has no batch`);
      }
      assert.deepEqual(ledger.pendingBatches('ord-1'), Array.from({ length: count }, (_, i) => i));
      // batchItems: pending rows of one batch, in seq order, one target.
      let total = 0;
      for (const b of ledger.pendingBatches('ord-1')) {
        const its = ledger.batchItems('ord-1', b);
        assert.ok(its.length >= 1 && its.length <= 4);
        assert.equal(new Set(its.map((i) => i.target)).size, 1);
        assert.deepEqual(its.map((i) => i.seq), [...its.map((i) => i.seq)].sort((a, b) => a - b));
        assert.ok(its.every((i) => i.uncertain === false));
        total += its.length;
      }
      assert.equal(total, 68);
    });

    it('assignBatches with sizes that divide, do not divide, exceed n, and of 1', () => {
      ledger.appendInventory('ord-1', entries(0, 12, (s) => (s < 7 ? 'a' : 'b')));
      for (const [size, want] of [
        [1, { a: 7, b: 5 }],
        [3, { a: 3, b: 2 }],
        [5, { a: 2, b: 1 }],
        [7, { a: 1, b: 1 }],
        [1000, { a: 1, b: 1 }],
      ] as const) {
        assert.equal(ledger.assignBatches('ord-1', size), want.a + want.b, `size ${size}`);
        checkBatches('ord-1', size, want);
      }
      ledger.applyResults('ord-1', entries(0, 12, () => 'a').map((e) => destroyed(e.seq)));
      assert.equal(ledger.assignBatches('ord-1', 5), 0, 'nothing pending, no batches');
      assert.deepEqual(ledger.pendingBatches('ord-1'), []);
    });

    it('plannedBatchCount: null while any pending object has no batch, else the batch count; held objects never take one', () => {
      const withBatch = (from: number, n: number, size: number, offset: number) =>
        entries(from, n, () => 'a').map((e, k) => ({ ...e, batch: offset + Math.floor(k / size) }));
      ledger.appendInventory('ord-1', withBatch(0, 5, 2, 0));
      assert.equal(ledger.plannedBatchCount('ord-1'), 3);
      ledger.appendInventory('ord-1', entries(5, 1, () => 'a'));
      assert.equal(ledger.plannedBatchCount('ord-1'), null, 'one unbatched pending object: execute must batch');
      ledger.createOrder(orderRow('ord-2'), 'alice');
      assert.equal(ledger.plannedBatchCount('ord-2'), 0, 'nothing planned, no batches');
      assert.throws(() => ledger.appendInventory('ord-2', [{ ...entries(0, 1, () => 'a', () => 'h')[0]!, batch: 0 }]), /held and cannot be in a batch/);
      assert.equal(ledger.pendingCount('ord-2') + items('ord-2').length, 0, 'the refused page wrote nothing');
    });

    it('assignBatches touches only its own order', () => {
      ledger.createOrder(orderRow('ord-2'), 'alice');
      ledger.appendInventory('ord-1', entries(0, 10, () => 'a'));
      ledger.appendInventory('ord-2', entries(0, 10, () => 'a'));
      ledger.assignBatches('ord-1', 3);
      assert.ok(items('ord-2').every((r) => r.batch === null));
      assert.equal(ledger.pendingCount('ord-2'), 10);
    });

    it('applyResults: destroyed, exception and retained; idempotent; never changes a non-pending row', () => {
      ledger.appendInventory('ord-1', entries(0, 6, (s) => (s < 3 ? 'a' : 'b'), (s) => (s === 5 ? 'hold-plan' : undefined)));
      const results: ItemResult[] = [
        destroyed(0, { attributes: { versionId: 'v1' } }),
        destroyed(1),
        { kind: 'exception', seq: 2, code: 'HARDLINKED', reason: 'has another link' },
        { kind: 'retained', seq: 3, holdId: 'hold-late' },
      ];
      assert.equal(ledger.applyResults('ord-1', results), 4);
      const snapshot = () => ({
        items: items('ord-1'),
        rows: raw().prepare('SELECT * FROM inventory ORDER BY seq').all(),
      });
      const once = snapshot();
      assert.equal(ledger.applyResults('ord-1', results), 0, 'the same results again change nothing');
      assert.deepEqual(snapshot(), once);
      // Contradicting results for resolved rows (and for a row held at plan time) change nothing either.
      const contrary: ItemResult[] = [
        { kind: 'exception', seq: 0, code: 'X', reason: 'late' },
        { kind: 'retained', seq: 1, holdId: 'h' },
        destroyed(2),
        destroyed(3),
        destroyed(5),
        destroyed(99),
      ];
      assert.equal(ledger.applyResults('ord-1', contrary), 0);
      assert.deepEqual(snapshot(), once);
      assert.equal(ledger.applyResults('ord-1', []), 0);

      assert.deepEqual(
        once.items.map((r) => r.status),
        [ITEM_STATUS.destroyed, ITEM_STATUS.destroyed, ITEM_STATUS.exception, ITEM_STATUS.retained, ITEM_STATUS.pending, ITEM_STATUS.retained],
      );
      assert.equal(ledger.pendingCount('ord-1'), 1);
      assert.deepEqual(ledger.exceptions('ord-1'), [{ target: 'a', locator: 'objects/0000002.bin', code: 'HARDLINKED', reason: 'has another link' }]);
      assert.deepEqual(ledger.retained('ord-1'), [
        { target: 'b', locator: 'objects/0000003.bin', holdId: 'hold-late' },
        { target: 'b', locator: 'objects/0000005.bin', holdId: 'hold-plan' },
      ]);
    });

    it('progress() counts per target and in total, with bytes', () => {
      ledger.appendInventory('ord-1', entries(0, 8, (s) => (s % 2 ? 'b' : 'a'), (s) => (s === 7 ? 'h' : undefined)));
      ledger.applyResults('ord-1', [destroyed(0), destroyed(1), destroyed(2), { kind: 'exception', seq: 3, code: 'ABSENT', reason: 'gone' }]);
      const size = (s: number) => 100 + (s % 7);
      const p = ledger.progress('ord-1');
      assert.deepEqual(p.perTarget.a, { total: 4, pending: 2, destroyed: 2, exceptions: 0, retained: 0, bytesDestroyed: 1000 + 1000 + 2, bytesPlanned: size(0) + size(2) + size(4) + size(6) });
      assert.deepEqual(p.perTarget.b, { total: 4, pending: 1, destroyed: 1, exceptions: 1, retained: 1, bytesDestroyed: 1001, bytesPlanned: size(1) + size(3) + size(5) + size(7) });
      const { perTarget: _p, ...totals } = p;
      assert.deepEqual(totals, { total: 8, pending: 3, destroyed: 3, exceptions: 1, retained: 1, bytesDestroyed: 3003, bytesPlanned: [0, 1, 2, 3, 4, 5, 6, 7].reduce((a, s) => a + size(s), 0) });
      assert.deepEqual(ledger.progress('ord-1').perTarget.c, undefined);
    });

    it('markPendingUncertain marks exactly the pending rows', () => {
      ledger.appendInventory('ord-1', entries(0, 6, () => 'a', (s) => (s === 0 ? 'h' : undefined)));
      ledger.applyResults('ord-1', [destroyed(1)]);
      ledger.assignBatches('ord-1', 10);
      assert.equal(ledger.markPendingUncertain('ord-1'), 4);
      assert.deepEqual(
        items('ord-1').map((r) => [r.seq, r.uncertain]),
        [
          [0, 0],
          [1, 0],
          [2, 1],
          [3, 1],
          [4, 1],
          [5, 1],
        ],
      );
      assert.ok(ledger.batchItems('ord-1', 0).every((i) => i.uncertain === true));
      assert.equal(ledger.pendingCount('ord-1'), 4);
    });

    it('destroyedPages: the destroyed rows in seq order (leaf order), in pages, and nothing else', () => {
      ledger.appendInventory('ord-1', entries(0, 10, (s) => (s < 5 ? 'a' : 'b')));
      const gone = [9, 2, 7, 3, 0];
      ledger.applyResults('ord-1', [...gone.map((s) => destroyed(s, s === 7 ? { attributes: { recovered: 'true' } } : {})), { kind: 'exception', seq: 1, code: 'ABSENT', reason: 'r' }]);
      const rows = [...ledger.destroyedPages('ord-1')].flat();
      assert.deepEqual([...ledger.destroyedPages('ord-1', 2)].map((p) => p.map((r) => r.seq)), [[0, 2], [3, 7], [9]], 'pages of 2');
      assert.deepEqual([...ledger.destroyedPages('ord-1', 5)].map((p) => p.length), [5], 'a full last page, then no empty page');
      assert.deepEqual(rows.map((r) => r.seq), [0, 2, 3, 7, 9]);
      assert.deepEqual(rows[3], {
        seq: 7,
        target: 'b',
        locator: 'objects/0000007.bin',
        salt: SHA(7).slice(0, 32),
        sha256: SHA(1007),
        size: 1007,
        destroyedAt: T1,
        method: 'unlink',
        attributes: '{"recovered":"true"}',
      });
      assert.equal(rows[0]!.attributes, null);
    });

    it('findByLocator, inventoryInOrder', () => {
      ledger.appendInventory('ord-1', entries(0, 4, (s) => (s < 2 ? 'a' : 'b'), (s) => (s === 3 ? 'h' : undefined)));
      ledger.applyResults('ord-1', [destroyed(0), { kind: 'exception', seq: 1, code: 'ABSENT', reason: 'r' }]);
      assert.deepEqual(ledger.findByLocator('ord-1', 'a', 'objects/0000000.bin'), { seq: 0, status: ITEM_STATUS.destroyed, sha256: SHA(1000) });
      assert.deepEqual(ledger.findByLocator('ord-1', 'a', 'objects/0000001.bin'), { seq: 1, status: ITEM_STATUS.exception, sha256: null });
      assert.deepEqual(ledger.findByLocator('ord-1', 'b', 'objects/0000002.bin'), { seq: 2, status: ITEM_STATUS.pending, sha256: null });
      assert.deepEqual(ledger.findByLocator('ord-1', 'b', 'objects/0000003.bin'), { seq: 3, status: ITEM_STATUS.retained, sha256: null });
      assert.equal(ledger.findByLocator('ord-1', 'b', 'objects/0000000.bin'), undefined, 'another target');
      assert.equal(ledger.findByLocator('ord-1', 'a', 'objects/9.bin'), undefined);
      // The re-scan turns a record into an exception when the object is still there with its content.
      assert.equal(ledger.revokeDestroyed('ord-1', [0, 1, 2], 'PRESENT_AFTER_DESTROY', 'r'), 1, 'only destroyed objects change');
      assert.deepEqual(ledger.findByLocator('ord-1', 'a', 'objects/0000000.bin'), { seq: 0, status: ITEM_STATUS.exception, sha256: null });
      assert.deepEqual(ledger.exceptions('ord-1').map((e) => e.code), ['PRESENT_AFTER_DESTROY', 'ABSENT']);
      assert.deepEqual(
        [...ledger.inventoryInOrder('ord-1')],
        entries(0, 4, (s) => (s < 2 ? 'a' : 'b')).map(({ seq, target, locator, size, salt }) => ({ seq, target, locator, size, salt })),
      );
    });

    it('clearInventory empties one order, and appendInventory refuses a repeated seq atomically', () => {
      ledger.appendInventory('ord-1', entries(0, 3, () => 'a'));
      assert.throws(() => ledger.appendInventory('ord-1', entries(3, 3, () => 'a').concat(entries(0, 1, () => 'a'))), /UNIQUE/);
      assert.equal([...ledger.inventoryInOrder('ord-1')].length, 3, 'the failed page left no rows');
      ledger.clearInventory('ord-1');
      assert.equal(ledger.pendingCount('ord-1'), 0);
      assert.throws(() => ledger.appendInventory('ord-none', entries(0, 1, () => 'a')), StateConflictError);
    });
  });

  describe('certificates', () => {
    it('saveCertificate and certificate() round-trip; one certificate per order', () => {
      ledger.createOrder(orderRow('ord-1'), 'alice');
      ledger.createOrder(orderRow('ord-2'), 'alice');
      const c = { certificateId: 'cert-1', issuedAt: T1, rootHash: SHA(5), treeSize: 42, envelope: '{"payloadType":"x"}\n', recordsPath: '/data/certificates/ord-1/records.ndjson' };
      assert.equal(ledger.certificate('ord-1'), undefined);
      ledger.saveCertificate('ord-1', c);
      assert.deepEqual(ledger.certificate('ord-1'), c);
      assert.equal(ledger.certificate('ord-2'), undefined);
      assert.throws(() => ledger.saveCertificate('ord-1', { ...c, certificateId: 'cert-2' }), /UNIQUE|PRIMARY/);
      assert.throws(() => ledger.saveCertificate('ord-2', c), /UNIQUE/, 'certificate ids are unique');
      assert.deepEqual(ledger.certificate('ord-1'), c);
    });
  });

  describe('signing keys (the trust root\'s history)', () => {
    const PEM = '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAiojj3XQJ8ZX9UtstPLpdcspnCb8dlBIb83SIAbQPb1w=\n-----END PUBLIC KEY-----\n';
    const envelope = (keyid: string) => JSON.stringify({ payloadType: 'x', payload: '', signatures: [{ keyid, sig: '' }] });

    it('records a key once: a second record keeps the first validFrom, and the rows survive a re-open', () => {
      assert.deepEqual(ledger.keys.signingKeys(), []);
      const row = ledger.keys.recordSigningKey(SHA(7), PEM, T1);
      assert.deepEqual(row, { keyid: SHA(7), publicKeyPem: PEM, validFrom: T1, validUntil: null, revokedAt: null, revocationReason: null });
      assert.deepEqual(ledger.keys.recordSigningKey(SHA(7), PEM, '2030-01-01T00:00:00.000Z'), row);
      ledger.keys.recordSigningKey(SHA(8), PEM, T0);
      ledger.close();
      ledger = new SqliteLedger(path);
      assert.deepEqual(ledger.keys.signingKeys().map((k) => [k.keyid, k.validFrom]), [[SHA(8), T0], [SHA(7), T1]], 'oldest first');
    });

    it('earliestIssuedBy finds the first certificate a key signed, by its envelope, and nothing for another key', () => {
      for (const [n, issuedAt, keyid] of [[1, T1, SHA(7)], [2, T0, SHA(7)], [3, '2024-01-01T00:00:00.000Z', SHA(9)]] as const) {
        ledger.createOrder(orderRow(`ord-${n}`), 'alice');
        ledger.saveCertificate(`ord-${n}`, { certificateId: `cert-${n}`, issuedAt, rootHash: SHA(5), treeSize: 1, envelope: envelope(keyid), recordsPath: '/r' });
      }
      assert.equal(ledger.keys.earliestIssuedBy(SHA(7)), T0);
      assert.equal(ledger.keys.earliestIssuedBy(SHA(9)), '2024-01-01T00:00:00.000Z');
      assert.equal(ledger.keys.earliestIssuedBy(SHA(10)), undefined);
    });
  });

  it('at scale: 200,000 rows appended, batched and resolved correctly', () => {
    const N = 200_000;
    const PAGE = 10_000;
    const SIZE = 1000;
    // Two targets listed one after the other (as a plan lists them); 1 in 100 held.
    const target = (s: number) => (s < 120_000 ? 'photos' : 'models');
    const held = (s: number) => (s % 100 === 42 ? 'hold-1' : undefined);
    ledger.createOrder(orderRow('ord-big'), 'alice');
    for (let from = 0; from < N; from += PAGE) ledger.appendInventory('ord-big', entries(from, PAGE, target, held));
    const nPhotos = 120_000 - 1200;
    const nModels = 80_000 - 800;
    assert.equal(ledger.pendingCount('ord-big'), nPhotos + nModels);

    const count = ledger.assignBatches('ord-big', SIZE);
    assert.equal(count, Math.ceil(nPhotos / SIZE) + Math.ceil(nModels / SIZE));
    const stats = raw()
      .prepare(
        `SELECT batch, typeof(batch) AS t, COUNT(*) AS n, COUNT(DISTINCT target) AS targets, MIN(target) AS target
         FROM inventory WHERE order_num = (SELECT num FROM orders WHERE id = 'ord-big') AND status = 0 GROUP BY batch ORDER BY batch`,
      )
      .all() as Array<{ batch: number; t: string; n: number; targets: number; target: string }>;
    assert.equal(stats.length, count);
    stats.forEach((s, i) => {
      assert.ok(Number.isInteger(s.batch) && s.t === 'integer', `batch ${s.batch} is ${s.t}`);
      assert.equal(s.batch, i);
      assert.equal(s.targets, 1, `batch ${s.batch} spans targets`);
      assert.ok(s.n <= SIZE);
    });
    assert.equal(stats.filter((s) => s.target === 'photos').length, Math.ceil(nPhotos / SIZE));
    const pendingBatches = ledger.pendingBatches('ord-big');
    assert.equal(pendingBatches.length, count);
    assert.ok(pendingBatches.every(Number.isInteger));

    // Resolve every batch as a worker would report it: 1 in 50 absent, the rest destroyed.
    let changed = 0;
    const all: ItemResult[][] = [];
    for (const b of pendingBatches) {
      const results = ledger.batchItems('ord-big', b).map((i): ItemResult => (i.seq % 50 === 7 ? { kind: 'exception', seq: i.seq, code: 'ABSENT', reason: 'gone' } : destroyed(i.seq)));
      all.push(results);
      changed += ledger.applyResults('ord-big', results);
    }
    assert.equal(changed, nPhotos + nModels);
    assert.equal(ledger.pendingCount('ord-big'), 0);
    // A re-ingest of every batch changes nothing.
    let again = 0;
    for (const results of all) again += ledger.applyResults('ord-big', results);
    assert.equal(again, 0);

    const exceptions = Array.from({ length: N }, (_, s) => s).filter((s) => !held(s) && s % 50 === 7).length;
    const p = ledger.progress('ord-big');
    assert.equal(p.total, N);
    assert.equal(p.retained, 2000);
    assert.equal(p.exceptions, exceptions);
    assert.equal(p.destroyed, N - 2000 - exceptions);
    assert.equal(p.perTarget.photos!.total, 120_000);
    let k = 0;
    let lastSeq = -1;
    for (const r of [...ledger.destroyedPages('ord-big')].flat()) {
      assert.ok(r.seq > lastSeq);
      lastSeq = r.seq;
      k++;
    }
    assert.equal(k, p.destroyed);
  });
});
