// Deadlines in the command-line client (issue 20): `order create` prints each
// warning the server answers with (DEADLINE_PASSED for a deadline already
// past) on stderr and still succeeds; `order status` shows the deadline with
// the time left or past, and OVERDUE when the server says the order is. Against
// a live in-process API, and the text itself for a server older than these
// fields (the deadline then comes from the order document, and nothing is
// called overdue that the server did not call so).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { OrderView } from '../../src/client/api-client.js';
import { formatDeadline, formatTimeSpan } from '../../src/client/format.js';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.js';
import { runCli } from '../helpers/run-cli.js';

const PAST = '2020-01-01T00:00:00Z';
const FUTURE = '2099-01-01T00:00:00Z';
const orderWith = (deadline?: string) => ({
  reference: `deadline test ${deadline ?? 'none'}`,
  ...(deadline ? { deadline } : {}),
  targets: [{ backend: 'photos', scope: { include: ['users/user-0001/**'] } }],
});

describe('deadlines: order create and order status against the server', () => {
  let api: ApiHarness;
  let dir: string;
  let as: (who: keyof ApiHarness['tokens'], ...args: string[]) => ReturnType<typeof runCli>;
  const file = (name: string, doc: unknown) => {
    const f = join(dir, name);
    writeFileSync(f, JSON.stringify(doc));
    return f;
  };

  before(async () => {
    api = await startApiHarness({ objects: 20, coordinator: false });
    dir = mkdtempSync(join(tmpdir(), 'sp-deadline-cli-'));
    as = (who, ...args) => runCli(...args, '--server', api.url, '--token', api.tokens[who]);
  });
  after(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('create with a deadline already past: exit 0, the id on stdout, the DEADLINE_PASSED warning on stderr (with --json too)', async () => {
    const r = await as('alice', 'order', 'create', file('past.json', orderWith(PAST)));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ord-[0-9a-f-]{36}$/);
    assert.match(r.stderr, /^order create: warning DEADLINE_PASSED: .+$/m);
    const j = await as('alice', 'order', 'create', file('past.json', orderWith(PAST)), '--json');
    assert.equal(j.code, 0, j.stderr);
    assert.ok(JSON.parse(j.stdout).warnings.some((w: { code: string }) => w.code === 'DEADLINE_PASSED'), j.stdout);
    assert.match(j.stderr, /^order create: warning DEADLINE_PASSED: /m);
  });

  it('create with a deadline ahead, or none, warns of nothing', async () => {
    for (const doc of [orderWith(FUTURE), orderWith()]) {
      const r = await as('alice', 'order', 'create', file('ok.json', doc));
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /warning/);
    }
  });

  it('status shows the deadline: the time left, none, or OVERDUE with the time past', async () => {
    const id = async (deadline?: string) => ((await (await api.call('/v1/orders', { method: 'POST', json: orderWith(deadline) })).json()) as { id: string }).id;
    const line = async (order: string) => {
      const r = await as('audrey', 'order', 'status', order);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout.split('\n').find((l) => l.startsWith('deadline ')) ?? `no deadline line in\n${r.stdout}`;
    };
    assert.match(await line(await id(FUTURE)), new RegExp(`^deadline {3}${FUTURE}, \\d+ d \\d+ h left$`));
    assert.equal(await line(await id()), 'deadline   none');
    // A draft whose deadline is past is overdue: the server says so, and the line says it plainly.
    assert.match(await line(await id(PAST)), new RegExp(`^deadline {3}${PAST}: OVERDUE by \\d+ d \\d+ h$`));
  });
});

describe('the deadline line (formatDeadline)', () => {
  const NOW = Date.parse('2030-06-01T12:00:00Z');
  const order = (fields: Partial<OrderView> & { documentDeadline?: string }): OrderView => {
    const { documentDeadline, ...rest } = fields;
    return { document: documentDeadline ? { deadline: documentDeadline } : {}, execution: null, ...rest } as OrderView;
  };

  it('from a server that sends deadline and overdue', () => {
    assert.equal(formatDeadline(order({ deadline: '2030-06-03T15:00:00Z', overdue: false }), NOW), '2030-06-03T15:00:00Z, 2 d 3 h left');
    assert.equal(formatDeadline(order({ deadline: '2030-06-01T11:15:00Z', overdue: true }), NOW), '2030-06-01T11:15:00Z: OVERDUE by 45 min 0 s');
    assert.equal(formatDeadline(order({ deadline: null, overdue: false }), NOW), 'none');
  });

  it('from an older server: the document\'s deadline, never called OVERDUE on this side\'s guess', () => {
    assert.equal(formatDeadline(order({ documentDeadline: '2030-06-01T12:00:30Z' }), NOW), '2030-06-01T12:00:30Z, 30 s left');
    assert.equal(formatDeadline(order({ documentDeadline: '2030-05-01T12:00:00Z' }), NOW), '2030-05-01T12:00:00Z, passed 31 d 0 h ago');
    assert.equal(formatDeadline(order({}), NOW), 'none');
  });

  it('once execution finished: whether it finished in time', () => {
    const finished = (at: string) => ({ startedAt: '2030-05-01T00:00:00Z', finishedAt: at, batches: 1, cancelRequestedAt: null });
    assert.equal(formatDeadline(order({ deadline: '2030-05-20T00:00:00Z', overdue: false, execution: finished('2030-05-18T22:00:00Z') }), NOW), '2030-05-20T00:00:00Z: met, finished 1 d 2 h before it');
    assert.equal(formatDeadline(order({ deadline: '2030-05-20T00:00:00Z', overdue: false, execution: finished('2030-05-20T00:10:00Z') }), NOW), '2030-05-20T00:00:00Z: missed, finished 10 min 0 s after it');
  });

  it('formatTimeSpan: seconds and minutes below a day, days and hours from a day on; rounded before it is split', () => {
    assert.deepEqual([59, 59.7, 90, 119.6, 7199, 7200, 86_399, 86_400, 2 * 86_400 + 3 * 3600 + 1200].map(formatTimeSpan), ['59 s', '1 min 0 s', '1 min 30 s', '2 min 0 s', '2 h 0 min', '2 h 0 min', '24 h 0 min', '1 d 0 h', '2 d 3 h']);
  });
});
