// POST /v1/orders/{id}/refuse: an approver's refusal of the plan they
// reviewed, with a reason, against the real API. The order becomes a draft
// again with its plan cleared and the refusal as its failure; its history
// and the audit log say who refused which plan and why; the operator can
// plan it again. Refused: an operator (by role), the order's creator (even
// holding the approver role), a plan that changed since the review, an
// order that is not planned, an empty or missing reason, and a token whose
// person the registry does not show as a current approver (as an approval
// is), each with its problem code and nothing changed.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { addPerson, removePerson } from '../../src/app/people.js';
import type { Role } from '../../src/app/ports/access.js';
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

  it('checks the person in the registry, not the token: not holding the approver role, or removed, is APPROVAL_REFUSED, changing nothing', async () => {
    /**
     * An approver token in force for `name`, written to the token store as it is: issueToken checks the person
     * only when it issues a token (a token kept from before the people registry, or written to the ledger by
     * hand, was never checked), and authentication reads the token alone. The rule must read the registry.
     */
    const liveToken = (name: string, role: Role = 'approver') => {
      const secret = randomBytes(32).toString('base64url');
      const tokenId = `tok_${randomBytes(8).toString('hex')}`;
      const secretSha256 = createHash('sha256').update(secret).digest('hex');
      api.runtime.deps.ledger.access.createToken({ id: tokenId, name, role, secretSha256, createdAt: new Date().toISOString(), createdBy: 'test', expiresAt: null, revokedAt: null, lastUsedAt: null });
      return `sp_${tokenId.slice(4)}_${secret}`;
    };
    const refuseWith = (token: string) =>
      fetch(`${api.url}/v1/orders/${id}/refuse`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ planRoot: root, reason: 'not on my watch' }),
      });
    const view = async () => (await (await api.call(`/v1/orders/${id}`, { as: 'audrey' })).json()) as Record<string, unknown>;
    const before = await view();
    assert.equal(before.state, 'planned');
    // carla is registered as an auditor only: an approver token of hers does not make her one.
    addPerson(api.runtime.deps, { name: 'carla', roles: ['auditor'] }, 'test');
    // rhea was an approver and was removed (shredproof person remove): her registry row is gone, whatever token lives.
    addPerson(api.runtime.deps, { name: 'rhea', roles: ['approver'] }, 'test');
    removePerson(api.runtime.deps, 'rhea', 'test');
    const cases: Array<[string, RegExp]> = [
      ['carla', /carla does not hold the approver role \(roles: auditor\)/],
      ['rhea', /"rhea" is not a registered person/],
      ['nobody', /"nobody" is not a registered person/],
    ];
    for (const [name, why] of cases) {
      const token = liveToken(name);
      assert.equal((await fetch(`${api.url}/v1/whoami`, { headers: { authorization: `Bearer ${token}` } })).status, 200, `${name}'s token is in force`);
      const r = await refuseWith(token);
      const p = (await r.json()) as { code: string; detail: string };
      assert.equal(r.status, 409, JSON.stringify(p));
      assert.equal(p.code, 'APPROVAL_REFUSED');
      assert.match(p.detail, new RegExp(`^the refusal of order ${id} by ${name} is not accepted: ${why.source}`));
      assert.deepEqual(await view(), before, `${name}: the order changed`);
    }
    const audit = ((await (await api.call(`/v1/audit?orderId=${id}`, { as: 'audrey' })).json()) as { entries: Array<{ action: string; actor: string; status: number | null }> }).entries;
    for (const [name] of cases) assert.ok(audit.some((e) => e.action === 'refuseOrder' && e.actor === name && e.status === 409), name);
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
