// `shredproof order inventory` and `order history` (issue 20, CLI parity with
// the console) against a live in-process API: real Redis, ledger, files and
// planner. The inventory is listed across several pages, as an aligned table
// and as NDJSON, filtered by target, hold and --search; bad options are named
// before anything is sent; the history shows every state change.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type ApiHarness, startApiHarness, waitForState } from '../helpers/api-harness.js';
import { runCli } from '../helpers/run-cli.js';

const HOLD = { id: 'hold-1', reason: 'litigation hold on user-0007', target: 'photos', match: { include: ['users/user-0007/**'] } };
/** Users 0000-0009 of the dataset, 5 photos each: 50 objects, the 5 of user-0007 held. */
const ORDER = { reference: 'cli inventory test', targets: [{ backend: 'photos', scope: { include: ['users/user-000[0-9]/**'] } }], holds: [HOLD] };

interface InventoryObject {
  seq: number;
  target: string;
  locator: string;
  size: number;
  heldBy: string | null;
  status: string;
}

describe('shredproof order inventory and order history', () => {
  let api: ApiHarness;
  let as: (who: keyof ApiHarness['tokens'], ...args: string[]) => ReturnType<typeof runCli>;
  let id: string;
  /** The whole inventory, as the API gives it in one page. */
  let objects: InventoryObject[];

  const create = async (doc: unknown = ORDER) => ((await (await api.call('/v1/orders', { method: 'POST', json: doc })).json()) as { id: string }).id;

  before(async () => {
    api = await startApiHarness({ objects: 100, batchSize: 10 });
    as = (who, ...args) => runCli(...args, '--server', api.url, '--token', api.tokens[who]);
    id = await create();
    assert.equal((await api.call(`/v1/orders/${id}/plan`, { method: 'POST' })).status, 202);
    await waitForState(api, id, ['planned']);
    objects = ((await (await api.call(`/v1/orders/${id}/inventory?limit=1000`, { as: 'bob' })).json()) as { objects: InventoryObject[] }).objects;
    assert.equal(objects.length, 50);
  });
  after(async () => api?.close());

  /** The rows of a table: the columns before LOCATOR split on blanks, the locator from the header's column on. */
  function rows(stdout: string): Array<{ target: string; size: number; hold: string; status: string; locator: string }> {
    const [header, ...lines] = stdout.split('\n');
    assert.match(header!, /^TARGET +SIZE {2}HOLD +STATUS +LOCATOR$/);
    const at = header!.indexOf('LOCATOR');
    return lines.map((l) => {
      const [target, size, hold, status, ...rest] = l.slice(0, at).trimEnd().split(/ +/);
      assert.deepEqual(rest, [], l);
      return { target: target!, size: Number(size), hold: hold!, status: status!, locator: l.slice(at) };
    });
  }
  const asRow = (o: InventoryObject) => ({ target: o.target, size: o.size, hold: o.heldBy ?? '-', status: o.status, locator: o.locator });

  it('lists every planned object across pages, in plan order, as an aligned table; the count on stderr', async () => {
    // 7 a page: 8 requests, each following the cursor of the one before.
    const r = await as('bob', 'order', 'inventory', id, '--limit', '7');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(rows(r.stdout), objects.map(asRow));
    // Aligned: every column starts where its header does, held rows (on a later page than the first) included,
    // and the sizes end where SIZE does.
    const [header, ...lines] = r.stdout.split('\n');
    const sizeEnd = header!.indexOf('SIZE') + 4;
    for (const l of lines) {
      for (const col of ['HOLD', 'STATUS', 'LOCATOR']) assert.match(l.slice(header!.indexOf(col) - 2, header!.indexOf(col) + 1), /^ {2}\S$/, `${col} in ${l}`);
      assert.match(l.slice(sizeEnd - 1, sizeEnd + 2), /^\d {2}$/, l);
    }
    assert.ok(objects.some((o) => o.heldBy === 'hold-1') && objects.some((o) => o.heldBy === null));
    assert.equal(r.stderr, `50 objects, of the 50 objects planned for ${id}`);
    // The default page is the server's largest: the same table.
    assert.equal((await as('audrey', 'order', 'inventory', id)).stdout, r.stdout);
  });

  it('--held, --not-held and --target filter on the server; nothing matching prints no table', async () => {
    const held = await as('bob', 'order', 'inventory', id, '--held', '--limit', '2');
    assert.equal(held.code, 0, held.stderr);
    assert.deepEqual(rows(held.stdout), objects.filter((o) => o.heldBy !== null).map(asRow));
    assert.equal(rows(held.stdout).length, 5);
    assert.ok(rows(held.stdout).every((x) => x.hold === 'hold-1' && x.locator.startsWith('users/user-0007/')));
    assert.equal(held.stderr, `5 objects held, of the 50 objects planned for ${id}`);
    const notHeld = await as('bob', 'order', 'inventory', id, '--not-held', '--target', 'photos');
    assert.deepEqual(rows(notHeld.stdout), objects.filter((o) => o.heldBy === null).map(asRow));
    assert.equal(notHeld.stderr, `45 objects in photos, not held, of the 50 objects planned for ${id}`);
    const none = await as('bob', 'order', 'inventory', id, '--target', 'elsewhere');
    assert.equal(none.code, 0, none.stderr);
    assert.equal(none.stdout, '');
    assert.equal(none.stderr, `0 objects in elsewhere, of the 50 objects planned for ${id}`);
  });

  it('--json prints each object as the API gives it, one a line (NDJSON), across pages', async () => {
    const r = await as('bob', 'order', 'inventory', id, '--json', '--limit', '9');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.equal(lines.length, 50);
    assert.deepEqual(lines.map((l) => JSON.parse(l)), objects);
    assert.equal(r.stderr, '', 'nothing but the objects');
    const held = await as('bob', 'order', 'inventory', id, '--json', '--held');
    assert.deepEqual(held.stdout.split('\n').map((l) => JSON.parse(l)), objects.filter((o) => o.heldBy !== null));
  });

  it('--search keeps the objects whose locator contains the text, ignoring ASCII case (the server\'s search)', async () => {
    const r = await as('bob', 'order', 'inventory', id, '--search', 'USER-0003/', '--limit', '2');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(rows(r.stdout), objects.filter((o) => o.locator.includes('user-0003/')).map(asRow));
    assert.equal(rows(r.stdout).length, 5);
    assert.equal(r.stderr, `5 objects matching "USER-0003/", of the 50 objects planned for ${id}`);
    const j = await as('bob', 'order', 'inventory', id, '--search', 'photo-0000035', '--held', '--json');
    assert.equal(j.code, 0, j.stderr);
    assert.deepEqual(JSON.parse(j.stdout), objects.find((o) => o.locator.endsWith('/photo-0000035.jpg')));
    // The CLI's bound is the server's.
    const q = (s: string) => api.call(`/v1/orders/${id}/inventory?search=${s}`, { as: 'bob' });
    assert.equal((await q('x'.repeat(500))).status, 200);
    assert.equal((await q('x'.repeat(501))).status, 400);
  });

  it('a locator with a newline or a terminal escape is shown escaped, one row still; --json keeps it exact', async () => {
    const odd = 'odd/line\nbreak\u001b[2J.jpg';
    mkdirSync(join(api.dataset.root, 'odd'), { recursive: true });
    writeFileSync(join(api.dataset.root, odd), 'x');
    const other = await create({ reference: 'odd names', targets: [{ backend: 'photos', scope: { include: ['odd/**'] } }] });
    assert.equal((await as('alice', 'order', 'plan', other)).code, 0);
    const r = await as('bob', 'order', 'inventory', other);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(rows(r.stdout).map((x) => x.locator), ['odd/line\\u000abreak\\u001b[2J.jpg']);
    assert.doesNotMatch(r.stdout, /\u001b/);
    assert.equal(JSON.parse((await as('bob', 'order', 'inventory', other, '--json')).stdout).locator, odd);
  });

  it('bad options are usage errors (exit 2) naming the option; the bounds are the server\'s', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--limit', '0'], /^order inventory: --limit must be a whole number from 1 to 1000 \(objects per request\), got "0"$/],
      [['--limit', '1001'], /--limit must be a whole number from 1 to 1000/],
      [['--limit', '2.5'], /--limit must be a whole number from 1 to 1000/],
      [['--limit', 'all'], /--limit must be a whole number from 1 to 1000/],
      [['--search', ''], /^order inventory: --search must be 1 to 500 characters, got 0$/],
      [['--search', 'x'.repeat(501)], /--search must be 1 to 500 characters, got 501/],
      [['--target', ''], /--target must be a target's name of 1 to 63 characters/],
      [['--target', 't'.repeat(64)], /--target must be a target's name of 1 to 63 characters/],
      [['--held', '--not-held'], /^order inventory: give --held or --not-held, not both$/],
      [['--heldd'], /unknown option '--heldd'/],
    ];
    for (const [args, re] of cases) {
      const r = await as('bob', 'order', 'inventory', id, ...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re, args.join(' '));
      assert.equal(r.stdout, '');
    }
    const page = (limit: number) => api.call(`/v1/orders/${id}/inventory?limit=${limit}`, { as: 'bob' });
    assert.equal((await page(1000)).status, 200);
    assert.equal((await page(1001)).status, 400);
  });

  it('an order with no plan yet says so; an unknown order is the server\'s 404 (exit 1), one line of JSON with --json', async () => {
    const draft = await create();
    const r = await as('bob', 'order', 'inventory', draft);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `order inventory: ${draft} has no plan yet (it is draft); plan it first: shredproof order plan ${draft}`);
    const missing = 'ord-00000000-0000-4000-8000-000000000000';
    const none = await as('bob', 'order', 'inventory', missing);
    assert.equal(none.code, 1);
    assert.match(none.stderr, new RegExp(`^order inventory: refused by the server: 404 NOT_FOUND: no order ${missing}$`));
    const j = await as('bob', 'order', 'inventory', missing, '--json');
    assert.equal(j.code, 1);
    assert.doesNotMatch(j.stdout, /\n/);
    assert.equal(JSON.parse(j.stdout).code, 'NOT_FOUND');
  });

  it('history shows each state change: when, who, from, to, why; --json the API\'s', async () => {
    const other = await create();
    assert.equal((await as('alice', 'order', 'plan', other)).code, 0);
    assert.equal((await as('olga', 'order', 'cancel', other, '--reason', 'entered twice')).code, 0);
    const r = await as('audrey', 'order', 'history', other);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.equal(lines.length, 4, r.stdout);
    const changes = [
      ['alice', '\\(new\\) -> draft'],
      ['alice', 'draft -> planning'],
      ['alice', 'planning -> planned: .*'],
      ['olga ', 'planned -> cancelled: .*entered twice.*'],
    ];
    changes.forEach(([who, what], i) => assert.match(lines[i]!, new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\S+Z  ${who}  ${what}$`), lines[i]));
    const j = await as('audrey', 'order', 'history', other, '--json');
    assert.deepEqual(JSON.parse(j.stdout), await (await api.call(`/v1/orders/${other}/history`, { as: 'audrey' })).json());
    const none = await as('audrey', 'order', 'history', 'ord-00000000-0000-4000-8000-000000000000');
    assert.equal(none.code, 1);
    assert.match(none.stderr, /404 NOT_FOUND/);
  });
});
