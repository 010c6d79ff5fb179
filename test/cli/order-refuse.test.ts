// `shredproof order refuse ID --plan-root HEX --reason TEXT` (src/cli/commands/order/refuse.ts
// over src/client) against a live in-process API, as test/cli/order-client.test.ts runs the
// other order commands: an approver refuses the plan they reviewed and the order is a draft
// again, its failure saying who refused which plan and why; the server's refusals exit 1
// with their code (an operator's token: 403 FORBIDDEN; the creator: SELF_APPROVAL; an older
// plan: STALE_PLAN), with --json printing the problem document; bad or missing options exit 2
// naming the option, before anything reaches the server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { demoOrder } from '../../src/demo/dataset.js';
import { type ApiHarness, startApiHarness, waitForState } from '../helpers/api-harness.js';
import { runCli } from '../helpers/run-cli.js';

describe('shredproof order refuse', () => {
  let api: ApiHarness;
  let as: (who: keyof ApiHarness['tokens'], ...args: string[]) => ReturnType<typeof runCli>;
  let id: string;
  let root: string;
  const view = async () => (await (await api.call(`/v1/orders/${id}`, { as: 'audrey' })).json()) as Record<string, any>;
  /** How many refusals of this order reached the server (the audit log records every write, refused or not). */
  const audited = async () =>
    ((await (await api.call(`/v1/audit?orderId=${id}`, { as: 'audrey' })).json()) as { entries: Array<{ action: string }> }).entries.filter((e) => e.action === 'refuseOrder').length;

  before(async () => {
    api = await startApiHarness({ objects: 20 });
    as = (who, ...args) => runCli(...args, '--server', api.url, '--token', api.tokens[who]);
    id = ((await (await api.call('/v1/orders', { method: 'POST', json: demoOrder('photos') })).json()) as { id: string }).id;
    assert.equal((await api.call(`/v1/orders/${id}/plan`, { method: 'POST' })).status, 202);
    root = (await waitForState(api, id, ['planned'])).plan.root;
  });
  after(async () => api?.close());

  it('bad or missing options are usage errors (exit 2) naming the option, and nothing reaches the server', async () => {
    const requests = await audited();
    const before = await view();
    const cases: Array<[string[], RegExp]> = [
      [['--plan-root', 'abc', '--reason', 'why'], /^order refuse: --plan-root must be 64 lowercase hex digits, got "abc"$/],
      [['--plan-root', root.toUpperCase(), '--reason', 'why'], /^order refuse: --plan-root must be 64 lowercase hex digits/],
      [['--plan-root', root, '--reason', ''], /^order refuse: --reason must say why the plan is refused, got an empty reason$/],
      [['--plan-root', root, '--reason', '  \t '], /^order refuse: --reason must say why/],
      [['--reason', 'why'], /required option '--plan-root <hex>'/],
      [['--plan-root', root], /required option '--reason <text>'/],
    ];
    for (const [args, message] of cases) {
      const r = await as('bob', 'order', 'refuse', id, ...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
      assert.equal(r.stdout, '');
    }
    assert.equal(await audited(), requests, 'a usage error sends nothing');
    assert.deepEqual(await view(), before);
  });

  it('an operator token is refused (exit 1, 403 FORBIDDEN), the creator (SELF_APPROVAL) and an older plan (STALE_PLAN) too; the order stays planned', async () => {
    const before = await view();
    const olga = await as('olga', 'order', 'refuse', id, '--plan-root', root, '--reason', 'not mine to refuse');
    assert.equal(olga.code, 1, olga.stderr);
    assert.match(olga.stderr, /^order refuse: refused by the server: 403 FORBIDDEN: refuseOrder needs the role approver; this token's role is operator/);
    assert.equal(olga.stdout, '');
    const json = await as('olga', 'order', 'refuse', id, '--plan-root', root, '--reason', 'not mine to refuse', '--json');
    assert.equal(json.code, 1);
    assert.equal(JSON.parse(json.stdout).code, 'FORBIDDEN');
    const alice = await as('aliceApprover', 'order', 'refuse', id, '--plan-root', root, '--reason', 'my own order');
    assert.equal(alice.code, 1);
    assert.match(alice.stderr, /^order refuse: refused by the server: 409 SELF_APPROVAL: alice is the person who created order/);
    const stale = await as('bob', 'order', 'refuse', id, '--plan-root', 'f'.repeat(64), '--reason', 'an older plan');
    assert.equal(stale.code, 1);
    assert.match(stale.stderr, /^order refuse: refused by the server: 409 STALE_PLAN: /);
    assert.deepEqual(await view(), before);
  });

  it('an approver refuses: the order is a draft again, its failure saying who refused which plan and why; --json prints the order', async () => {
    const reason = 'the scope takes every user; the request names one';
    const r = await as('bob', 'order', 'refuse', id, '--plan-root', root, '--reason', `  ${reason} `);
    assert.equal(r.code, 0, r.stderr);
    const failure = `plan ${root} refused by bob: ${reason}`;
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], `refused the plan ${root} of ${id}: the order is draft again`);
    assert.equal(lines[1], `failure: ${failure}`);
    assert.match(lines[2]!, new RegExp(`^next: the operator plans it again .*shredproof order plan ${id}.*shredproof order cancel ${id} --reason TEXT`));
    const o = await view();
    assert.deepEqual([o.state, o.plan, o.approval, o.failure], ['draft', null, null, failure]);
    // `order history` shows it too: bob took it from planned back to draft, with the reason.
    const h = await as('audrey', 'order', 'history', id, '--json');
    assert.equal(h.code, 0, h.stderr);
    const last = JSON.parse(h.stdout).events.at(-1);
    assert.deepEqual([last.actor, last.fromState, last.toState, last.detail], ['bob', 'planned', 'draft', failure]);
    // Not planned any more: a second refusal is refused; planned again, --json prints the refused order.
    const again = await as('bob', 'order', 'refuse', id, '--plan-root', root, '--reason', 'again');
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^order refuse: refused by the server: 409 NOT_PLANNED: /);
    assert.equal((await api.call(`/v1/orders/${id}/plan`, { method: 'POST' })).status, 202);
    const replanned = (await waitForState(api, id, ['planned'])).plan.root as string;
    const j = await as('bob', 'order', 'refuse', id, '--plan-root', replanned, '--reason', 'still too wide', '--json');
    assert.equal(j.code, 0, j.stderr);
    const refused = JSON.parse(j.stdout);
    assert.deepEqual([refused.id, refused.state, refused.failure], [id, 'draft', `plan ${replanned} refused by bob: still too wide`]);
  });
});
