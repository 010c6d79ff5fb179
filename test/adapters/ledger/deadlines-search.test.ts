// The ledger's side of deadlines, inventory search and the plan's sample,
// against a real SQLite file. The expectations are written out by hand
// here, not derived from src/app/deadlines.ts, so that a wrong rule fails
// this test and not only a ledger that disagrees with it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { isOverdue } from '../../../src/app/deadlines.js';
import { type InventoryEntry, ORDER_STATES, type OrderRow, type OrderState } from '../../../src/app/ports/ledger.js';
import { SqliteLedger } from '../../../src/adapters/ledger/sqlite/sqlite-ledger.js';
import { UNNAMEABLE_PREFIX } from '../../../src/adapters/storage/unnameable.js';
import { draftRow } from '../../helpers/order-rows.js';

const NOW = new Date('2026-03-01T12:00:00.001Z');
const FINAL: readonly OrderState[] = ['certified', 'certified-with-exceptions', 'failed', 'cancelled'];

/** Deadlines around NOW, and whether each has passed at NOW (by hand: every digit of the fraction counts). */
const DEADLINES: Array<[string | undefined, boolean]> = [
  ['2026-02-01T00:00:00Z', true],
  ['2026-03-01T12:00:00Z', true],
  ['2026-03-01T12:00:00.0009Z', true],
  ['2026-03-01T12:00:00.000999999Z', true],
  ['2026-03-01T12:00:00.001Z', false], // the same instant is not past
  ['2026-03-01T12:00:00.0010000Z', false],
  ['2026-03-01T12:00:00.001000001Z', false],
  ['2026-03-01T12:00:01Z', false],
  ['2026-12-31T23:59:59Z', false],
  [undefined, false],
];

function orderRow(id: string, state: OrderState, deadline: string | undefined): Omit<OrderRow, 'num'> {
  const document = JSON.stringify({ reference: `order ${id}`, targets: [{ backend: 'photos', scope: { include: ['a/**'] } }], ...(deadline ? { deadline } : {}) });
  return draftRow(id, { reference: `order ${id}`, document, state });
}

describe('the SQLite ledger: overdue orders', () => {
  let dir: string;
  let ledger: SqliteLedger;
  /** Every order made, with whether it is overdue at NOW. */
  const made: Array<{ id: string; overdue: boolean }> = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sp-ledger-deadlines-'));
    ledger = new SqliteLedger(join(dir, 'ledger.sqlite'));
    made.length = 0;
    let n = 0;
    for (const state of ORDER_STATES) {
      for (const [deadline, passed] of DEADLINES) {
        const id = `ord-${String(n++).padStart(3, '0')}`;
        ledger.createOrder(orderRow(id, state, deadline), 'alice');
        made.push({ id, overdue: passed && !FINAL.includes(state) });
      }
    }
  });
  afterEach(() => {
    ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ids = (rows: OrderRow[]) => rows.map((r) => r.id);

  it('lists exactly the orders whose deadline passed and that are not in a final state, and the others', () => {
    const overdue = made.filter((m) => m.overdue).map((m) => m.id);
    assert.equal(overdue.length, (ORDER_STATES.length - FINAL.length) * DEADLINES.filter(([, passed]) => passed).length);
    assert.deepEqual(ids(ledger.listOrders({ overdue: { overdue: true, now: NOW }, limit: 1000 })), overdue);
    assert.deepEqual(ids(ledger.listOrders({ overdue: { overdue: false, now: NOW }, limit: 1000 })), made.filter((m) => !m.overdue).map((m) => m.id));
  });

  it('judges each order as the order view does (isOverdue)', () => {
    for (const m of made) assert.equal(isOverdue(ledger.getOrder(m.id)!, NOW), m.overdue, m.id);
  });

  it('combines the filter with the state filter, and moves an order out of it when it ends', () => {
    const planned = made.filter((m) => m.overdue && ledger.getOrder(m.id)!.state === 'planned').map((m) => m.id);
    assert.deepEqual(ids(ledger.listOrders({ state: ['planned'], overdue: { overdue: true, now: NOW }, limit: 1000 })), planned);
    ledger.transition(planned[0]!, ['planned'], 'cancelled', 'alice', NOW.toISOString());
    assert.deepEqual(ids(ledger.listOrders({ state: ['planned', 'cancelled'], overdue: { overdue: true, now: NOW }, limit: 1000 })), planned.slice(1));
  });

  it('pages through the overdue orders with the cursor: each once, in order', () => {
    const seen: string[] = [];
    let after: number | undefined;
    for (;;) {
      const page = ledger.listOrders({ overdue: { overdue: true, now: NOW }, limit: 3, ...(after !== undefined ? { after } : {}) });
      if (page.length === 0) break;
      seen.push(...ids(page));
      after = page[page.length - 1]!.num;
    }
    assert.deepEqual(seen, made.filter((m) => m.overdue).map((m) => m.id));
  });

  it('counts the orders of every state and the overdue ones in one answer, judged at the instant given', () => {
    const counts = ledger.orderCounts(NOW);
    for (const state of ORDER_STATES) assert.equal(counts.byState[state], DEADLINES.length, state);
    assert.equal(counts.overdue, made.filter((m) => m.overdue).length);
    // A year later every deadline has passed; before them all, none has.
    assert.equal(ledger.orderCounts(new Date('2027-06-01T00:00:00Z')).overdue, (ORDER_STATES.length - FINAL.length) * (DEADLINES.length - 1));
    assert.equal(ledger.orderCounts(new Date('2026-01-01T00:00:00Z')).overdue, 0);
  });
});

describe('the SQLite ledger: inventory search and the plan\'s sample', () => {
  let dir: string;
  let ledger: SqliteLedger;
  const ID = 'ord-inventory';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sp-ledger-search-'));
    ledger = new SqliteLedger(join(dir, 'ledger.sqlite'));
    ledger.createOrder(orderRow(ID, 'planned', undefined), 'alice');
  });
  afterEach(() => {
    ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Appends objects of one target, in order, from `seq`; a locator with `#held` in it is held, one starting with the stand-in prefix is unnameable. */
  function plan(seq: number, target: string, locators: string[]): number {
    let batch = 0;
    const entries: InventoryEntry[] = locators.map((locator, k) => {
      const base = { seq: seq + k, target, locator, size: 10 + k, salt: 'ab'.repeat(16) };
      if (locator.startsWith(UNNAMEABLE_PREFIX)) return { ...base, exception: { code: 'UNNAMEABLE', reason: 'not UTF-8' } };
      if (locator.includes('#held')) return { ...base, heldBy: 'lit-1' };
      return { ...base, batch: batch++ };
    });
    ledger.appendInventory(ID, entries);
    return seq + locators.length;
  }

  const search = (q: Parameters<SqliteLedger['inventoryPage']>[1]) => ledger.inventoryPage(ID, q).map((r) => `${r.target}:${r.locator}`);

  const NAMES = ['Photos/IMG_0001.JPG', 'photos/img_0002.jpg', 'a%b.txt', 'a_b.txt', 'axb.txt', 'a\\b.txt', 'a\\\\b.txt', 'ÉTÉ.jpg', 'été.jpg', 'x/#held/a_b.txt'];

  it('finds a piece of the locator, ASCII letters in either case, every other character literally', () => {
    const standIn = `${UNNAMEABLE_PREFIX}scan-%FF.jpg`;
    plan(plan(0, 'photos', NAMES), 'archive', ['a_b.txt', 'AXB.TXT', standIn]);
    assert.deepEqual(search({ limit: 100, search: 'img_' }), ['photos:Photos/IMG_0001.JPG', 'photos:photos/img_0002.jpg']);
    assert.deepEqual(search({ limit: 100, search: 'PHOTOS/IMG_000' }), ['photos:Photos/IMG_0001.JPG', 'photos:photos/img_0002.jpg']);
    // _ and % are no wildcards, \ is no escape: each finds only itself.
    assert.deepEqual(search({ limit: 100, search: 'a_b' }), ['photos:a_b.txt', 'photos:x/#held/a_b.txt', 'archive:a_b.txt']);
    assert.deepEqual(search({ limit: 100, search: '%' }), ['photos:a%b.txt', `archive:${standIn}`]);
    assert.deepEqual(search({ limit: 100, search: 'a%' }), ['photos:a%b.txt']);
    assert.deepEqual(search({ limit: 100, search: '\\' }), ['photos:a\\b.txt', 'photos:a\\\\b.txt']);
    assert.deepEqual(search({ limit: 100, search: 'a\\b' }), ['photos:a\\b.txt']);
    assert.deepEqual(search({ limit: 100, search: '\\\\' }), ['photos:a\\\\b.txt']);
    assert.deepEqual(search({ limit: 100, search: 'axb' }), ['photos:axb.txt', 'archive:AXB.TXT']);
    // Letters beyond ASCII are compared as they are.
    assert.deepEqual(search({ limit: 100, search: 'été' }), ['photos:été.jpg']);
    assert.deepEqual(search({ limit: 100, search: 'ÉTÉ' }), ['photos:ÉTÉ.jpg']);
    assert.deepEqual(search({ limit: 100, search: 'nothing like it' }), []);
    // The stand-in of an unnameable object starts with NUL: it is found all the same.
    assert.deepEqual(search({ limit: 100, search: 'UNNAMEABLE:SCAN' }), [`archive:${standIn}`]);
  });

  it('combines the search with target, held and the cursor', () => {
    plan(plan(0, 'photos', NAMES), 'archive', ['a_b.txt', 'AXB.TXT']);
    assert.deepEqual(search({ limit: 100, search: 'a_b', target: 'archive' }), ['archive:a_b.txt']);
    assert.deepEqual(search({ limit: 100, search: 'a_b', held: true }), ['photos:x/#held/a_b.txt']);
    assert.deepEqual(search({ limit: 100, search: 'a_b', held: false }), ['photos:a_b.txt', 'archive:a_b.txt']);
    // Pages of one: each match once, in plan order, whatever lies between them.
    const seen: string[] = [];
    let afterSeq: number | undefined;
    for (;;) {
      const [row] = ledger.inventoryPage(ID, { limit: 1, search: 'B.T', ...(afterSeq !== undefined ? { afterSeq } : {}) });
      if (!row) break;
      seen.push(row.locator);
      afterSeq = row.seq;
    }
    assert.deepEqual(seen, ['a%b.txt', 'a_b.txt', 'axb.txt', 'a\\b.txt', 'a\\\\b.txt', 'x/#held/a_b.txt', 'a_b.txt', 'AXB.TXT']);
  });

  it('samples per target the first 20 locators the plan destroys: not held, not unnameable', () => {
    const photos = [`${UNNAMEABLE_PREFIX}%FF%FE`, 'p/#held/0', ...Array.from({ length: 25 }, (_, i) => `p/${String(i).padStart(2, '0')}`)];
    const next = plan(0, 'photos', photos);
    plan(next, 'derived:model', ['m/#held/0', 'm/1', 'm/2']);
    const summary = ledger.planSummary(ID);
    assert.deepEqual(summary.photos!.sample, Array.from({ length: 20 }, (_, i) => `p/${String(i).padStart(2, '0')}`));
    assert.deepEqual(summary['derived:model']!.sample, ['m/1', 'm/2']);
    assert.deepEqual([summary.photos!.objects, summary.photos!.held], [27, 1]);
  });

  it('keeps the sample of the plan when objects are then retained, fail or are destroyed', () => {
    const photos = Array.from({ length: 22 }, (_, i) => `p/${String(i).padStart(2, '0')}`);
    const next = plan(0, 'photos', photos);
    plan(next, 'derived:model', ['m/1', 'm/2']);
    const before = ledger.planSummary(ID);
    // A worker finds p/00 held when it checks again, p/01 is gone, p/02 is destroyed, and an approver retains the model.
    ledger.applyResults(ID, [
      { kind: 'retained', seq: 0, holdId: 'lit-1' },
      { kind: 'exception', seq: 1, code: 'ABSENT', reason: 'gone before it was hashed' },
      { kind: 'destroyed', seq: 2, sha256: 'cd'.repeat(32), size: 12, destroyedAt: NOW.toISOString(), method: 'unlink' },
    ]);
    assert.equal(ledger.retainTarget(ID, 'derived:model', 'derived.model'), 2);
    const after = ledger.planSummary(ID);
    assert.deepEqual(after.photos!.sample, before.photos!.sample);
    assert.deepEqual(after['derived:model']!.sample, ['m/1', 'm/2']);
    assert.deepEqual(before.photos!.sample.slice(0, 3), ['p/00', 'p/01', 'p/02']);
  });
});
