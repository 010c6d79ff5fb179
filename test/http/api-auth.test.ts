// Tokens and the audit log: bad, revoked and expired tokens are refused with
// the same 401; failed authentications are rate limited per address; secrets
// never reach the ledger; every write with a token and every failed
// authentication is in the append-only, hash-chained audit log.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { issueToken } from '../../src/auth/tokens.js';
import { type ApiHarness, startApiHarness } from '../helpers/api-harness.js';

const ORDER = { reference: 'auth tests', targets: [{ backend: 'photos', scope: { include: ['users/**'] } }] };

describe('HTTP API: authentication and audit', () => {
  let api: ApiHarness;
  before(async () => {
    api = await startApiHarness({ objects: 10, coordinator: false, http: { authFailuresPerMinute: 7 } });
  });
  after(async () => api?.close());

  const raw = (authorization: string | null, path = '/v1/orders') =>
    fetch(api.url + path, { headers: authorization === null ? {} : { authorization } });

  it('refuses a missing, malformed, unknown, revoked or expired token with the same 401', async () => {
    const store = api.runtime.deps.ledger.access;
    const revoked = issueToken(store, { name: 'rita', role: 'auditor', createdBy: 'test', now: new Date() });
    store.revokeToken(revoked.row.id, new Date().toISOString());
    const expired = issueToken(store, { name: 'eve', role: 'auditor', createdBy: 'test', now: new Date(Date.now() - 10_000), expiresAt: new Date(Date.now() - 1000) });
    const good = api.tokens.audrey;
    const forged = good.slice(0, -4) + (good.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const cases: Array<[string, string | null]> = [
      ['missing', null],
      ['not bearer', `Basic ${Buffer.from('a:b').toString('base64')}`],
      ['malformed', 'Bearer sp_nothex_abc'],
      ['unknown id', `Bearer sp_0123456789abcdef_${'A'.repeat(43)}`],
      ['right id, wrong secret', `Bearer ${forged}`],
      ['revoked', `Bearer ${revoked.token}`],
      ['expired', `Bearer ${expired.token}`],
    ];
    const bodies = new Set<string>();
    for (const [what, auth] of cases) {
      const r = await raw(auth);
      assert.equal(r.status, 401, what);
      const p = (await r.json()) as any;
      assert.equal(p.code, 'UNAUTHENTICATED', what);
      assert.match(r.headers.get('www-authenticate')!, /^Bearer realm="shredproof"/, what);
      if (auth?.startsWith('Bearer')) bodies.add(p.detail);
    }
    assert.deepEqual([...bodies], ['the token is not valid'], 'no answer tells which tokens exist');
    // The audit log knows why, for the operator.
    const failures = store.audit({ limit: 1000 }).filter((e) => e.action === 'auth.failed').map((e) => e.detail);
    assert.deepEqual(failures.slice(-7), ['NO_TOKEN', 'MALFORMED', 'MALFORMED', 'UNKNOWN', 'UNKNOWN', 'REVOKED', 'EXPIRED']);
  });

  it('rate limits failed authentications per address (429), but not successful requests', async () => {
    // The first test used all 7 failures of this window's allowance: the next one from this address is refused.
    const r = await raw('Bearer sp_0123456789abcdef_' + 'B'.repeat(43));
    assert.equal(r.status, 429);
    assert.equal(((await r.json()) as any).code, 'TOO_MANY_AUTH_FAILURES');
    const wait = Number(r.headers.get('retry-after'));
    assert.ok(wait > 0 && wait <= 60, `Retry-After ${wait}`);
    // A valid token from the same address waits too: guessing must not go on between good requests.
    assert.equal((await raw(`Bearer ${api.tokens.audrey}`)).status, 429);
  });

  it('does not count successful requests against the limit', async () => {
    const other = await startApiHarness({ objects: 5, coordinator: false, http: { authFailuresPerMinute: 3 } });
    try {
      for (let i = 0; i < 20; i++) assert.equal((await other.call('/v1/orders', { as: 'audrey' })).status, 200);
      for (let i = 0; i < 3; i++) assert.equal((await fetch(other.url + '/v1/orders')).status, 401);
      assert.equal((await fetch(other.url + '/v1/orders')).status, 429);
      // Public routes are not behind the limiter.
      assert.equal((await fetch(other.url + '/healthz')).status, 200);
    } finally {
      await other.close();
    }
  });

  it('lets one client hold more open progress streams than the failure limit (only failures count)', async () => {
    const other = await startApiHarness({ objects: 5, coordinator: false, http: { authFailuresPerMinute: 3 } });
    const controllers: AbortController[] = [];
    try {
      const id = ((await (await other.call('/v1/orders', { method: 'POST', json: ORDER })).json()) as { id: string }).id;
      const statuses = await Promise.all(
        Array.from({ length: 10 }, async () => {
          const c = new AbortController();
          controllers.push(c);
          return (await other.call(`/v1/orders/${id}/progress/stream`, { as: 'audrey', signal: c.signal })).status;
        }),
      );
      assert.deepEqual(statuses, Array(10).fill(200));
      assert.equal((await other.call('/v1/orders', { as: 'audrey' })).status, 200);
    } finally {
      for (const c of controllers) c.abort();
      await other.close();
    }
  });

  it('stores only hashes: no token secret is anywhere in the ledger file', async () => {
    const ledgerPath = join(api.config.dataDir, 'ledger.sqlite');
    const files = [ledgerPath, `${ledgerPath}-wal`].filter((f) => existsSync(f));
    const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
    assert.ok(bytes.includes(Buffer.from(api.tokens.alice.slice(3, 19))), 'the token ids are there: the scan reads the right files');
    for (const token of Object.values(api.tokens)) {
      // The secret's alphabet (base64url) includes '_', so take it by position, not by splitting:
      // splitting gave a 1-3 character tail that a binary file holds by chance (a CI failure).
      const secret = /^sp_[0-9a-f]{16}_([A-Za-z0-9_-]{43})$/.exec(token)![1]!;
      assert.equal(secret.length, 43);
      assert.equal(bytes.includes(Buffer.from(secret)), false, 'secret absent');
    }
  });
});

describe('HTTP API: the audit log', () => {
  let api: ApiHarness;
  before(async () => {
    api = await startApiHarness({ objects: 10, coordinator: false });
  });
  after(async () => api?.close());

  it('records who, when, what, from where and how it ended, for every write and every state change', async () => {
    const created = (await (await api.call('/v1/orders', { method: 'POST', json: ORDER, headers: { 'user-agent': 'audit-test/1' } })).json()) as any;
    await api.call(`/v1/orders/${created.id}/cancel`, { method: 'POST', as: 'olga', json: { reason: 'audit test' } });
    const r = await api.call(`/v1/audit?orderId=${created.id}`, { as: 'audrey' });
    const { entries } = (await r.json()) as any;
    const view = entries.map((e: any) => [e.actor, e.action, e.status]);
    assert.deepEqual(view, [
      ['alice', 'order.draft', null],
      ['alice', 'createOrder', 201],
      ['olga', 'order.cancelled', null],
      ['olga', 'cancelOrder', 200],
    ]);
    const write = entries[1];
    assert.equal(write.tokenId, api.tokens.alice.slice(0, 19).replace('sp_', 'tok_'));
    assert.equal(write.role, 'operator');
    assert.equal(write.remote, '127.0.0.1');
    assert.equal(write.userAgent, 'audit-test/1');
    assert.equal(write.method, 'POST');
    assert.equal(write.path, '/v1/orders');
    assert.ok(Date.parse(write.at) <= Date.now());
    assert.match(entries[2].detail, /draft -> cancelled: cancelled before execution: audit test/);
  });

  it('pages with a cursor, and its hash chain verifies', async () => {
    const first = (await (await api.call('/v1/audit?limit=2', { as: 'ada' })).json()) as any;
    assert.equal(first.entries.length, 2);
    const next = (await (await api.call(`/v1/audit?limit=2&cursor=${first.nextCursor}`, { as: 'ada' })).json()) as any;
    assert.equal(next.entries[0].seq, first.entries[1].seq + 1);
    assert.equal(next.entries[0].prevHash, first.entries[1].hash);
    const v = (await (await api.call('/v1/audit/verify', { as: 'audrey' })).json()) as any;
    assert.equal(v.ok, true);
    assert.ok(v.entries >= 4);
  });

  it('cannot be changed through SQLite, and an edit behind its back breaks the chain', async () => {
    const path = join(api.config.dataDir, 'ledger.sqlite');
    const db = new Database(path);
    try {
      assert.throws(() => db.prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2").run(), /append-only/);
      assert.throws(() => db.prepare('DELETE FROM audit_log WHERE seq = 2').run(), /append-only/);
      // Someone with the file drops the trigger and edits an entry: the chain shows it.
      db.exec('DROP TRIGGER audit_log_no_update');
      db.prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2").run();
    } finally {
      db.close();
    }
    const v = (await (await api.call('/v1/audit/verify', { as: 'audrey' })).json()) as any;
    assert.deepEqual([v.ok, v.brokenAt], [false, 2]);
  });
});
