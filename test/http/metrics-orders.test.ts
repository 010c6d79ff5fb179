// /metrics: the order gauges, counted at scrape time from a real ledger (one
// query for both: orders by state, every state with 0, and the overdue ones,
// by the engine's clock), and docs/API.md's "Metrics" section, which must
// list every metric the registry exposes, with its type and labels.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteLedger } from '../../src/adapters/ledger/sqlite/sqlite-ledger.js';
import { ORDER_STATES, type OrderRow, type OrderState } from '../../src/app/ports/orders.js';
import { ApiMetrics } from '../../src/http/metrics.js';
import { ROOT } from '../helpers/run-cli.js';
import { draftRow } from '../helpers/order-rows.js';

/** The queue is not this test's subject (test/http/metrics-queue.test.ts asks a real one). */
const queue = { depth: async () => ({ waiting: 0 }), workers: async () => 1 };

function order(id: string, state: OrderState, deadline?: string): Omit<OrderRow, 'num'> {
  return draftRow(id, { reference: id, document: JSON.stringify({ reference: id, targets: [], ...(deadline ? { deadline } : {}) }), state });
}

/** The value of a sample line `name{labels} value`, or undefined without one. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics: orders by state and overdue orders, from the ledger', () => {
  let dir: string;
  let ledger: SqliteLedger;
  let now = new Date('2026-06-01T00:00:00.000Z');
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sp-metrics-orders-'));
    ledger = new SqliteLedger(join(dir, 'ledger.sqlite'));
    ledger.createOrder(order('a', 'draft', '2026-05-01T00:00:00Z'), 'alice'); // overdue
    ledger.createOrder(order('b', 'draft', '2026-07-01T00:00:00Z'), 'alice'); // not yet
    ledger.createOrder(order('c', 'executing', '2026-05-31T23:59:59.999Z'), 'alice'); // overdue
    ledger.createOrder(order('d', 'certified', '2026-05-01T00:00:00Z'), 'alice'); // over: never overdue
    ledger.createOrder(order('e', 'planned'), 'alice'); // no deadline
  });
  after(() => {
    ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const scrape = () => new ApiMetrics({ queue, ledger, clock: { now: () => now } }).registry.metrics();

  it('has a sample for every state, 0 included, and counts the overdue orders', async () => {
    const text = await scrape();
    const counts: Partial<Record<OrderState, number>> = { draft: 2, executing: 1, certified: 1, planned: 1 };
    for (const state of ORDER_STATES) assert.equal(sample(text, `shredproof_orders{state="${state}"}`), counts[state] ?? 0, state);
    assert.equal(sample(text, 'shredproof_orders_overdue'), 2);
    assert.match(text, /^# TYPE shredproof_orders_overdue gauge$/m);
  });

  it('counts again at each scrape, by the clock of that scrape', async () => {
    now = new Date('2026-07-01T00:00:00.001Z');
    assert.equal(sample(await scrape(), 'shredproof_orders_overdue'), 3);
    ledger.transition('a', ['draft'], 'cancelled', 'alice', now.toISOString());
    const text = await scrape();
    assert.equal(sample(text, 'shredproof_orders_overdue'), 2);
    assert.deepEqual([sample(text, 'shredproof_orders{state="draft"}'), sample(text, 'shredproof_orders{state="cancelled"}')], [1, 1]);
  });
});

describe('docs/API.md: the Metrics section', () => {
  const api = readFileSync(join(ROOT, 'docs/API.md'), 'utf8');
  const section = api.slice(api.indexOf('\n## Metrics\n'), api.indexOf('\n## ', api.indexOf('\n## Metrics\n') + 1));
  /** metric -> [type, labels] as the section's table says. */
  const documented = new Map(
    section
      .split('\n')
      .map((l) => /^\| `([a-z_0-9]+)` \| (counter|gauge|histogram|summary) \| ([^|]*) \|/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      // A label's values may follow it in parentheses: `phase` (`plan`, `execute`, `finalize`).
      .map((m) => [m[1]!, [m[2]!, [...m[3]!.replace(/\([^)]*\)/g, '').matchAll(/`([a-z_]+)`/g)].map((x) => x[1]!).sort()]] as const),
  );

  it('lists every metric the registry exposes, with its type and labels', async () => {
    const metrics = new ApiMetrics({ queue, ledger: { orderCounts: () => ({ byState: {}, overdue: 0 }) }, clock: { now: () => new Date() } });
    const registered = await metrics.registry.getMetricsAsJSON();
    assert.ok(registered.length > 30, `only ${registered.length} metrics registered`);
    const wrong: string[] = [];
    for (const m of registered) {
      const labels = [...((metrics.registry.getSingleMetric(m.name) as unknown as { labelNames?: string[] }).labelNames ?? [])].sort();
      const row = documented.get(m.name);
      if (!row) wrong.push(`${m.name}: not in the section`);
      else if (row[0] !== String(m.type)) wrong.push(`${m.name}: documented as a ${row[0]}, registered as a ${m.type}`);
      else if (row[1].join(',') !== labels.join(',')) wrong.push(`${m.name}: documented labels ${row[1].join(', ') || '–'}, registered ${labels.join(', ') || '–'}`);
    }
    assert.deepEqual(wrong, []);
  });

  it('lists no shredproof_ metric that is not registered', async () => {
    const metrics = new ApiMetrics({ queue, ledger: { orderCounts: () => ({ byState: {}, overdue: 0 }) }, clock: { now: () => new Date() } });
    const registered = new Set((await metrics.registry.getMetricsAsJSON()).map((m) => m.name));
    assert.deepEqual([...documented.keys()].filter((n) => n.startsWith('shredproof_') && !registered.has(n)), []);
  });
});
