// POST /v1/orders/{id}/refuse: an approver's refusal of the plan they
// reviewed, with a reason, against the real API. The order becomes a draft
// again with its plan cleared and the refusal as its failure; its history
// and the audit log say who refused which plan and why; the operator can
// plan it again. Refused: an operator (by role), the order's creator (even
// holding the approver role), a plan that changed since the review, an
// order that is not planned, and an empty or missing reason, each with its
// problem code and nothing changed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { demoOrder } from '../../src/demo/dataset.js';
import { type ApiHarness, startApiHarness, waitForState } from '../helpers/api-harness.js';

describe('POST /v1/orders/{id}/refuse', () => {
  let api: ApiHarness;
  let id: string;
  let root: string;
  const refuse = (as: 'bob' | 'alice' | 'aliceApprover' | 'olga', body: unknown, order = id) => api.call(`/v1/orders/${order}/refuse`, { method: 'POST', as, json: body });
  const code = async (r: Response) => ((await r.json()) as { code: string }).code;

  before(async () => {
    api = await startApiHarness({ objects: 20 });
    id = ((await (await api.call('/v1/orders', { method: 'POST', json: demoOrder('photos') })).json()) as { id: string }).id;
    await api.call(`/v1/orders/${id}/plan`, { method: 'POST' });
    root = (await waitForState(api, id, ['planned'])).plan.root;
  });
  after(async () => api?.close());

  it('refuses whoever may not refuse, and bad bodies, changing nothing', async () => {
    assert.equal(await code(await refuse('olga', { planRoot: root, reason: 'no' })), 'FORBIDDEN');
    assert.equal(await code(await refuse('aliceApprover', { planRoot: root, reason: 'my own' })), 'SELF_APPROVAL');
    assert.equal(await code(await refuse('bob', { planRoot: 'f'.repeat(64), reason: 'an older plan' })), 'STALE_PLAN');
    for (const body of [{ planRoot: root, reason: '   ' }, { planRoot: root }, { planRoot: 'xyz', reason: 'bad root' }, { planRoot: root, reason: 'x', extra: 1 }]) {
      const r = await refuse('bob', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      const problem = (await r.json()) as { code: string; errors: Array<{ path: string }> };
      assert.equal(problem.code, 'INVALID_REQUEST');
      assert.ok(problem.errors.length > 0, JSON.stringify(problem));
    }
    const still = (await (await api.call(`/v1/orders/${id}`)).json()) as { state: string; plan: { root: string } };
    assert.equal(still.state, 'planned');
    assert.equal(still.plan.root, root);
  });

  it('an approver refuses with a reason: draft again, plan cleared, the reason in failure, history and audit', async () => {
    const r = await refuse('bob', { planRoot: root, reason: 'the scope takes every user; the request names one' });
    assert.equal(r.status, 200);
    const o = (await r.json()) as { state: string; plan: unknown; failure: string; approval: unknown };
    assert.equal(o.state, 'draft');
    assert.equal(o.plan, null);
    assert.equal(o.approval, null);
    assert.equal(o.failure, `plan ${root} refused by bob: the scope takes every user; the request names one`);
    const events = ((await (await api.call(`/v1/orders/${id}/history`)).json()) as { events: Array<{ actor: string; fromState: string; toState: string; detail: string }> }).events;
    const last = events[events.length - 1]!;
    assert.deepEqual([last.actor, last.fromState, last.toState, last.detail], ['bob', 'planned', 'draft', o.failure]);
    const audit = ((await (await api.call(`/v1/audit?orderId=${id}`, { as: 'audrey' })).json()) as { entries: Array<{ action: string; actor: string; status: number | null }> }).entries;
    assert.ok(audit.some((e) => e.action === 'refuseOrder' && e.actor === 'bob' && e.status === 200), JSON.stringify(audit.map((e) => e.action)));
    // Not planned any more: a second refusal is NOT_PLANNED; the operator plans again.
    assert.equal(await code(await refuse('bob', { planRoot: root, reason: 'again' })), 'NOT_PLANNED');
    assert.equal((await api.call(`/v1/orders/${id}/plan`, { method: 'POST' })).status, 202);
    const replanned = await waitForState(api, id, ['planned']);
    assert.equal(replanned.failure, null, 'planning again clears the refusal');
  });
});
