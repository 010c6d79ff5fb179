// Deadlines through the HTTP API, against a real server (ledger, Redis,
// coordinator): an order created after its deadline is created with the
// warning DEADLINE_PASSED, which its audit entry records; the order view and
// the list say whether an order is overdue, judged by the engine's clock;
// GET /v1/orders filters on it, page by page; /metrics counts the orders of
// every state and the overdue ones.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { deadlineWarnings } from '../../src/app/deadlines.js';
import { ORDER_STATES } from '../../src/app/ports/orders.js';
import { demoOrder } from '../../src/demo/dataset.js';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.js';

type Json = Record<string, any>;

const DAY = 86_400_000;
/** An instant as an order document writes a deadline: seconds, no fraction. */
const deadlineAt = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('the deadline warning, in words', () => {
  const now = new Date('2026-11-20T09:12:03.418Z');
  const message = (deadline: string) => deadlineWarnings({ deadline }, now)[0]?.message;

  it('says how long ago the deadline passed, in the largest unit that fits twice', () => {
    assert.match(message('2026-11-17T09:00:00Z')!, /^the deadline 2026-11-17T09:00:00Z passed 3 days ago \(the server's clock says 2026-11-20T09:12:03\.418Z\); /);
    assert.match(message('2026-11-19T08:00:00Z')!, / passed 25 hours ago /);
    assert.match(message('2026-11-20T09:10:00Z')!, / passed 2 minutes ago /);
    assert.match(message('2026-11-20T09:11:00Z')!, / passed 63 seconds ago /);
    assert.match(message('2026-11-20T09:12:03.417Z')!, / passed 1 second ago /);
  });

  it('says nothing of a deadline ahead, of one at this very instant, or of none', () => {
    assert.deepEqual(deadlineWarnings({ deadline: '2026-11-20T09:12:03.418Z' }, now), []);
    assert.deepEqual(deadlineWarnings({ deadline: '2026-11-20T09:12:03.4180001Z' }, now), []);
    assert.deepEqual(deadlineWarnings({ deadline: '2026-12-31T23:59:59Z' }, now), []);
    assert.deepEqual(deadlineWarnings({}, now), []);
    assert.equal(deadlineWarnings({ deadline: '2026-11-20T09:12:03.4179999Z' }, now)[0]?.code, 'DEADLINE_PASSED');
  });
});

describe('HTTP API: deadlines, overdue orders and their metrics', () => {
  let api: ApiHarness;
  before(async () => {
    api = await startApiHarness({ objects: 20, batchSize: 10 });
  });
  after(async () => api?.close());
  /** The engine's own clock, put back after a test that moves it. */
  let realClock: ApiHarness['runtime']['deps']['clock'] | undefined;
  afterEach(() => {
    if (realClock) api.runtime.deps.clock = realClock;
    realClock = undefined;
  });
  const setClock = (ms: number) => {
    realClock ??= api.runtime.deps.clock;
    api.runtime.deps.clock = { now: () => new Date(ms) };
  };

  async function create(deadline: string | undefined, as: 'alice' | 'olga' = 'alice'): Promise<Json> {
    const r = await api.call('/v1/orders', { method: 'POST', as, json: { ...(demoOrder('photos') as object), ...(deadline ? { deadline } : {}) } });
    assert.equal(r.status, 201, await r.clone().text());
    return (await r.json()) as Json;
  }
  const get = async (path: string, as: 'alice' | 'audrey' | 'bob' = 'audrey') => (await (await api.call(path, { as })).json()) as Json;

  it('creates an order whose deadline has passed, with the warning DEADLINE_PASSED; the order is overdue from the start', async () => {
    const deadline = deadlineAt(Date.now() - 3 * DAY - 3_600_000);
    const created = await create(deadline);
    assert.equal(created.state, 'draft');
    assert.deepEqual([created.deadline, created.overdue], [deadline, true]);
    assert.equal(created.warnings.length, 1);
    assert.equal(created.warnings[0].code, 'DEADLINE_PASSED');
    assert.match(created.warnings[0].message, new RegExp(`^the deadline ${deadline} passed 3 days ago \\(the server's clock says 20\\d\\d-`));
    const shown = await get(`/v1/orders/${created.id}`);
    assert.deepEqual([shown.deadline, shown.overdue, 'warnings' in shown], [deadline, true, false]);
  });

  it('records the warning in the audit entry of that create, where auditors read it', async () => {
    const created = await create(deadlineAt(Date.now() - 2 * DAY));
    const { entries } = await get(`/v1/audit?orderId=${created.id}`);
    const entry = entries.find((e: Json) => e.action === 'createOrder');
    assert.ok(entry, JSON.stringify(entries));
    assert.deepEqual([entry.status, entry.actor, entry.detail], [201, 'alice', `warning DEADLINE_PASSED: ${created.warnings[0].message}`]);
    assert.equal((await get('/v1/audit/verify')).ok, true);
  });

  it('creates an order whose deadline is ahead, or that has none, with no warning and not overdue', async () => {
    const deadline = deadlineAt(Date.now() + 3 * DAY);
    const ahead = await create(deadline);
    assert.deepEqual([ahead.deadline, ahead.overdue, ahead.warnings], [deadline, false, []]);
    const none = await create(undefined);
    assert.deepEqual([none.deadline, none.overdue, none.warnings], [null, false, []]);
    const { entries } = await get(`/v1/audit?orderId=${none.id}`);
    assert.equal(entries.find((e: Json) => e.action === 'createOrder').detail, null);
  });

  it('judges by the engine\'s clock: an order becomes overdue when its deadline passes, and is no longer once it is cancelled', async () => {
    const due = Math.floor((Date.now() + 10 * DAY) / 1000) * 1000;
    const order = await create(deadlineAt(due));
    setClock(due);
    assert.equal((await get(`/v1/orders/${order.id}`)).overdue, false, 'at the deadline itself, it has not passed');
    setClock(due + 1000);
    assert.equal((await get(`/v1/orders/${order.id}`)).overdue, true);
    const listed = await get('/v1/orders?overdue=true&limit=500');
    assert.ok(listed.orders.some((o: Json) => o.id === order.id && o.overdue === true && o.deadline === deadlineAt(due)));
    const r = await api.call(`/v1/orders/${order.id}/cancel`, { method: 'POST', json: { reason: 'the deadline was missed; a new order replaces this one' } });
    assert.equal(r.status, 200);
    assert.deepEqual([((await r.json()) as Json).overdue, (await get(`/v1/orders/${order.id}`)).overdue], [false, false]);
    assert.ok(!(await get('/v1/orders?overdue=true&limit=500')).orders.some((o: Json) => o.id === order.id));
  });

  it('filters the list on overdue=true|false, with state and createdBy, and pages through it with the cursor', async () => {
    await create(deadlineAt(Date.now() - DAY), 'olga');
    await create(deadlineAt(Date.now() + DAY), 'olga');
    await create(deadlineAt(Date.now() - 5 * DAY), 'alice');
    const all: Json[] = (await get('/v1/orders?limit=500')).orders;
    const late = all.filter((o) => o.overdue).map((o) => o.id);
    assert.ok(late.length >= 4 && late.length < all.length, `${late.length} of ${all.length} overdue`);
    const pages = async (query: string): Promise<string[]> => {
      const ids: string[] = [];
      for (let cursor: string | null = ''; cursor !== null; ) {
        const page: Json = await get(`/v1/orders?${query}&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        assert.ok(page.orders.length <= 1);
        ids.push(...page.orders.map((o: Json) => o.id));
        cursor = page.nextCursor;
      }
      return ids;
    };
    assert.deepEqual(await pages('overdue=true'), late);
    assert.deepEqual(await pages('overdue=false'), all.filter((o) => !o.overdue).map((o) => o.id));
    assert.deepEqual(await pages('overdue=true&createdBy=olga'), all.filter((o) => o.overdue && o.createdBy === 'olga').map((o) => o.id));
    assert.deepEqual(await pages('overdue=true&state=cancelled'), []);
    assert.deepEqual(await pages('overdue=false&state=cancelled'), all.filter((o) => o.state === 'cancelled').map((o) => o.id));
  });

  it('refuses overdue=maybe, naming the parameter', async () => {
    for (const value of ['maybe', 'TRUE', '1', '']) {
      const r = await api.call(`/v1/orders?overdue=${value}`, { as: 'audrey' });
      assert.equal(r.status, 400, value);
      const p = (await r.json()) as Json;
      assert.equal(p.code, 'INVALID_REQUEST');
      assert.deepEqual(p.errors.map((e: Json) => `${e.in} ${e.path}`), ['query $.overdue']);
    }
  });

  it('counts in /metrics the orders of every state, 0 included, and the overdue ones', async () => {
    const text = await (await api.call('/metrics', { as: 'audrey' })).text();
    const value = (series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      assert.ok(line, `no ${series} in /metrics`);
      return Number(line.slice(series.length + 1));
    };
    const all: Json[] = (await get('/v1/orders?limit=500')).orders;
    for (const state of ORDER_STATES) assert.equal(value(`shredproof_orders{state="${state}"}`), all.filter((o) => o.state === state).length, state);
    assert.equal(value('shredproof_orders{state="certified"}'), 0);
    assert.equal(value('shredproof_orders_overdue'), all.filter((o) => o.overdue).length);
    assert.ok(value('shredproof_orders_overdue') >= 4);
  });
});
