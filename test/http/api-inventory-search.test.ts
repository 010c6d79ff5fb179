// What an approver reviews, through the HTTP API against a real server and
// real files: the plan's sample of each target (the first 20 locators the
// plan destroys, as the plan itself listed them), and GET .../inventory's
// search, alone and with target, held and the cursor; a search out of bounds
// is refused naming the parameter.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { planOrder, type PlanReport } from '../../src/app/plan-order.js';
import { demoOrder, DEMO_HOLD_USER } from '../../src/demo/dataset.js';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.js';

type Json = Record<string, any>;

/** Files whose names hold the characters a LIKE pattern would take as wildcards, and letters in upper case. */
const ODD = ['users/user-0001/a%b.jpg', 'users/user-0001/a_b.jpg', 'users/user-0001/axb.jpg', 'users/user-0001/IMG_Upper.JPG'];

describe('HTTP API: the plan\'s sample and the inventory search', () => {
  let api: ApiHarness;
  let id: string;
  let report: PlanReport;
  before(async () => {
    api = await startApiHarness({ objects: 60, batchSize: 10 });
    for (const locator of ODD) writeFileSync(join(api.dataset.root, locator), locator);
    const r = await api.call('/v1/orders', { method: 'POST', json: demoOrder('photos') });
    id = ((await r.json()) as Json).id;
    // Planned in process, so that the test holds the plan's own report to compare with.
    report = await planOrder(api.runtime.deps, id, 'alice');
  });
  after(async () => api?.close());

  const inventory = async (query: string, as: 'bob' | 'audrey' = 'bob'): Promise<Json> => {
    const r = await api.call(`/v1/orders/${id}/inventory?${query}`, { as });
    assert.equal(r.status, 200, await r.clone().text());
    return (await r.json()) as Json;
  };
  const locators = (page: Json) => page.objects.map((o: Json) => o.locator);

  it('shows each target\'s sample as the plan computed it: the first 20 locators it destroys, in plan order', async () => {
    const order = (await (await api.call(`/v1/orders/${id}`, { as: 'bob' })).json()) as Json;
    const sample = order.plan.targets.photos.sample as string[];
    assert.deepEqual(sample, report.targets.photos!.sample);
    assert.equal(sample.length, 20);
    assert.deepEqual(sample, locators(await inventory('held=false&limit=20')));
    assert.ok(sample.every((l) => !l.includes(DEMO_HOLD_USER)));
  });

  it('finds objects by a piece of their locator, ASCII letters in either case, % and _ only as themselves', async () => {
    assert.deepEqual(locators(await inventory('search=A%25B')), ['users/user-0001/a%b.jpg']);
    assert.deepEqual(locators(await inventory('search=a_b')), ['users/user-0001/a_b.jpg']);
    assert.deepEqual(locators(await inventory('search=img_upper.jpg')), ['users/user-0001/IMG_Upper.JPG']);
    assert.deepEqual(locators(await inventory('search=nowhere')), []);
  });

  it('combines the search with held, target and the cursor', async () => {
    const held = [...api.dataset.held.keys()].sort();
    assert.deepEqual(locators(await inventory(`search=${DEMO_HOLD_USER.toUpperCase()}&held=true`)), held);
    assert.deepEqual(locators(await inventory(`search=${DEMO_HOLD_USER}&held=false`)), []);
    assert.deepEqual(locators(await inventory('search=user-0001/&target=derived:none')), []);
    const all = locators(await inventory('search=user-0001/&target=photos&limit=1000'));
    assert.ok(all.length >= ODD.length + 2, all.join(' '));
    const seen: string[] = [];
    for (let cursor: string | null = ''; cursor !== null; ) {
      const page: Json = await inventory(`search=user-0001/&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.ok(page.objects.length <= 2);
      seen.push(...locators(page));
      cursor = page.nextCursor;
    }
    assert.deepEqual(seen, all);
  });

  it('refuses a search that is empty, longer than 500 characters, or given twice, naming the parameter', async () => {
    for (const query of ['search=', `search=${'x'.repeat(501)}`, 'search=a&search=b']) {
      const r = await api.call(`/v1/orders/${id}/inventory?${query}`, { as: 'audrey' });
      assert.equal(r.status, 400, query.slice(0, 20));
      const p = (await r.json()) as Json;
      assert.deepEqual([p.code, p.errors.map((e: Json) => `${e.in} ${e.path}`)], ['INVALID_REQUEST', ['query $.search']]);
    }
    assert.deepEqual((await inventory(`search=${'x'.repeat(500)}`, 'audrey')).objects, []);
  });
});
