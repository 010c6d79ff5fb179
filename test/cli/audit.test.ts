// `shredproof audit` (issue 20, CLI parity with the console) against a live
// in-process API: every entry of the audit log across pages, as text and as
// NDJSON from which the hash chain recomputes, one order's entries, the
// roles the server refuses, bad options; and `audit --verify`, which exits 0
// on a log that holds and 1 on a log edited behind the server's back (an
// entry changed through SQLite, the last entry deleted under a signed
// checkpoint), saying where it breaks.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { checkpointAudit } from '../../src/app/audit-checkpoints.js';
import { AUDIT_GENESIS, auditHash } from '../../src/adapters/ledger/sqlite/access-store.js';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.js';
import { runCli } from '../helpers/run-cli.js';

const ORDER = { reference: 'cli audit test', targets: [{ backend: 'photos', scope: { include: ['users/user-0001/**'] } }] };

interface Entry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  role: string | null;
  orderId: string | null;
  method: string | null;
  path: string | null;
  status: number | null;
  remote: string | null;
  detail: string | null;
  prevHash: string;
  hash: string;
}

describe('shredproof audit', () => {
  let api: ApiHarness;
  let as: (who: keyof ApiHarness['tokens'], ...args: string[]) => ReturnType<typeof runCli>;
  let id: string;
  /** The whole log, as the API gives it in one page. */
  const everything = async (query = '') => ((await (await api.call(`/v1/audit?limit=1000${query}`, { as: 'audrey' })).json()) as { entries: Entry[] }).entries;

  before(async () => {
    api = await startApiHarness({ objects: 20, coordinator: false });
    as = (who, ...args) => runCli(...args, '--server', api.url, '--token', api.tokens[who]);
    // Two orders, one cancelled: writes and state changes, each audited.
    for (let i = 0; i < 2; i++) id = ((await (await api.call('/v1/orders', { method: 'POST', json: ORDER })).json()) as { id: string }).id;
    assert.equal((await api.call(`/v1/orders/${id}/cancel`, { method: 'POST', json: { reason: 'audit test' } })).status, 200);
  });
  after(async () => api?.close());

  it('prints every entry, oldest first, across pages: seq, when, who (role), what, the request and its answer, from where', async () => {
    const entries = await everything();
    assert.ok(entries.length > 12, `${entries.length} entries`);
    const r = await as('audrey', 'audit', '--limit', '5');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.deepEqual(lines.map((l) => Number(l.split('  ')[0])), entries.map((e) => e.seq));
    const create = entries.findIndex((e) => e.action === 'createOrder' && e.orderId === id);
    assert.equal(lines[create], `${entries[create]!.seq}  ${entries[create]!.at}  alice (operator)  createOrder  POST /v1/orders -> 201  from 127.0.0.1`);
    const cancelled = entries.findIndex((e) => e.action === 'order.cancelled');
    assert.match(lines[cancelled]!, new RegExp(`^\\d+  \\S+  alice  order\\.cancelled  ${id}: draft -> cancelled: .*audit test$`));
    assert.equal(r.stderr, '');
    // An admin reads it too, with the default page: the same lines.
    assert.equal((await as('ada', 'audit')).stdout, r.stdout);
  });

  it('--json prints each entry as the API gives it, one a line: the hash chain recomputes from the lines alone', async () => {
    const r = await as('audrey', 'audit', '--json', '--limit', '4');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n').map((l) => JSON.parse(l) as Entry);
    assert.deepEqual(lines, await everything());
    let prev = AUDIT_GENESIS;
    for (const e of lines) {
      const { hash, ...rest } = e;
      assert.equal(rest.prevHash, prev, `seq ${e.seq}`);
      assert.equal(auditHash(rest as Parameters<typeof auditHash>[0]), hash, `seq ${e.seq}`);
      prev = hash;
    }
  });

  it('--order keeps one order\'s entries', async () => {
    const r = await as('audrey', 'audit', '--order', id, '--json', '--limit', '2');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n').map((l) => JSON.parse(l) as Entry);
    assert.deepEqual(lines, await everything(`&orderId=${id}`));
    assert.ok(lines.length >= 4 && lines.every((e) => e.orderId === id), r.stdout);
    const none = await as('audrey', 'audit', '--order', 'ord-00000000-0000-4000-8000-000000000000');
    assert.equal(none.code, 0, none.stderr);
    assert.equal(none.stdout, '');
    assert.equal(none.stderr, 'audit: no entries of ord-00000000-0000-4000-8000-000000000000');
  });

  it('an operator or an approver is refused by the server (exit 1, 403), --json with the problem on one line', async () => {
    for (const who of ['alice', 'bob'] as const) {
      const r = await as(who, 'audit');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^audit: refused by the server: 403 FORBIDDEN: listAudit needs the role auditor or admin/);
    }
    const j = await as('alice', 'audit', '--json');
    assert.equal(j.code, 1);
    assert.doesNotMatch(j.stdout, /\n/);
    assert.equal(JSON.parse(j.stdout).code, 'FORBIDDEN');
    const v = await as('bob', 'audit', '--verify');
    assert.equal(v.code, 1);
    assert.match(v.stderr, /403 FORBIDDEN: verifyAudit needs the role auditor or admin/);
  });

  it('bad options are usage errors (exit 2) naming the option; a token the server does not know exits 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--order', 'order-1'], /^audit: --order must be an order id \(ord-<uuid>\), got "order-1"$/],
      [['--limit', '0'], /^audit: --limit must be a whole number from 1 to 1000 \(entries per request\), got "0"$/],
      [['--limit', '1001'], /--limit must be a whole number from 1 to 1000/],
      [['--verify', '--order', id], /^audit: --verify checks the whole log: give it without --order and --limit$/],
      [['--verify', '--limit', '5'], /--verify checks the whole log/],
      [['--verfy'], /unknown option '--verfy'/],
    ];
    for (const [args, re] of cases) {
      const r = await as('audrey', 'audit', ...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re, args.join(' '));
      assert.equal(r.stdout, '');
    }
    // The CLI's bounds are the server's.
    const page = (limit: number) => api.call(`/v1/audit?limit=${limit}`, { as: 'audrey' });
    assert.equal((await page(1000)).status, 200);
    assert.equal((await page(1001)).status, 400);
    const bad = await runCli('audit', '--server', api.url, '--token', `sp_${'0'.repeat(16)}_${'A'.repeat(43)}`);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^audit: the server did not accept the token \(401 UNAUTHENTICATED/);
  });

  it('--verify: exit 0 and VERIFIED on a log that holds; --json the verdict', async () => {
    const entries = (await everything()).length;
    const r = await as('audrey', 'audit', '--verify');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `audit log VERIFIED: ${entries} entries; every link of the hash chain holds, and the chain agrees with the audit heads of the certificates and signed checkpoints`);
    const j = await as('ada', 'audit', '--verify', '--json');
    assert.equal(j.code, 0, j.stderr);
    assert.deepEqual(JSON.parse(j.stdout), { ok: true, entries });
  });

  // Last: these edit the ledger behind the server's back, as someone with the file could.
  it('--verify: exit 1 when the last entry is deleted under a signed checkpoint, and when an entry is changed', async () => {
    const signed = checkpointAudit(api.runtime.deps)!;
    assert.equal(signed.entries, (await everything()).length);
    const db = new Database(join(api.config.dataDir, 'ledger.sqlite'));
    try {
      db.exec('DROP TRIGGER audit_log_no_delete');
      db.prepare('DELETE FROM audit_log WHERE seq = ?').run(signed.entries);
    } finally {
      db.close();
    }
    const cut = await as('audrey', 'audit', '--verify');
    assert.equal(cut.code, 1, cut.stderr);
    assert.equal(cut.stdout, `audit log DOES NOT VERIFY: the log ends at entry ${signed.entries - 1}, short of the signed checkpoint ${signed.at}: it was cut short`);

    const db2 = new Database(join(api.config.dataDir, 'ledger.sqlite'));
    try {
      db2.exec('DROP TRIGGER audit_log_no_update');
      db2.prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2").run();
    } finally {
      db2.close();
    }
    const edited = await as('audrey', 'audit', '--verify');
    assert.equal(edited.code, 1, edited.stderr);
    assert.equal(edited.stdout, 'audit log DOES NOT VERIFY: entry 2 does not hold (its hash, or its link to the entry before it): the log was changed there');
    const j = await as('audrey', 'audit', '--verify', '--json');
    assert.equal(j.code, 1);
    assert.deepEqual(JSON.parse(j.stdout), { ok: false, entries: 2, brokenAt: 2 });
  });
});
