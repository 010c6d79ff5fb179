// `shredproof token create|list|revoke` against a real ledger file: the token
// is printed once and works against the API; only its hash is stored; bad
// input is refused with exit 2 and changes nothing; list and revoke refuse a
// data directory without a ledger (a typo made an empty one before), create
// makes the first one and says where.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { authenticate } from '../../src/app/tokens.js';
import { SqliteLedger } from '../../src/adapters/ledger/sqlite/sqlite-ledger.js';
import { runCli, spawnCli } from '../helpers/run-cli.js';

describe('shredproof token', () => {
  let dir: string;
  const ledger = () => new SqliteLedger(join(dir, 'ledger.sqlite'));
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sp-token-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('create prints the token once on stdout; it authenticates as that name and role', async () => {
    const r = await runCli('token', 'create', '--role', 'admin', '--name', 'ada', '--data-dir', dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^sp_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    assert.match(r.stderr, /role admin.*shown only now/);
    const l = ledger();
    try {
      const a = authenticate(l.access, r.stdout, new Date());
      assert.ok(a.ok);
      assert.deepEqual(a.ok && [a.principal.name, a.principal.role], ['ada', 'admin']);
      const audit = l.access.audit().filter((e) => e.action === 'token.create');
      assert.equal(audit.length, 1);
      assert.match(audit[0]!.actor, /^local/);
    } finally {
      l.close();
    }
  });

  it('create --json, with an expiry; list shows it without any secret', async () => {
    const r = await runCli('token', 'create', '--role', 'auditor', '--name', 'audrey', '--expires-in-days', '30', '--data-dir', dir, '--json');
    assert.equal(r.code, 0, r.stderr);
    const { token, info } = JSON.parse(r.stdout);
    // By position: base64url secrets may contain '_', so splitting on it can leave a short tail.
    const secret = /^sp_[0-9a-f]{16}_([A-Za-z0-9_-]{43})$/.exec(token)![1]!;
    assert.equal(info.role, 'auditor');
    assert.ok(Math.abs(Date.parse(info.expiresAt) - Date.now() - 30 * 86_400_000) < 60_000);
    const list = await runCli('token', 'list', '--data-dir', dir);
    assert.equal(list.code, 0);
    assert.match(list.stdout, new RegExp(`${info.id}\\s+auditor\\s+audrey\\s+active`));
    assert.equal(list.stdout.includes(secret), false);
    const json = JSON.parse((await runCli('token', 'list', '--data-dir', dir, '--json')).stdout);
    assert.equal(json.tokens.length, 2);
    assert.equal(JSON.stringify(json).includes(secret), false);
  });

  it('revoke stops a token at once; revoking twice or an unknown id fails with exit 1', async () => {
    const { token, info } = JSON.parse((await runCli('token', 'create', '--role', 'operator', '--name', 'olga', '--data-dir', dir, '--json')).stdout);
    assert.equal((await runCli('token', 'revoke', info.id, '--data-dir', dir)).code, 0);
    const l = ledger();
    try {
      const a = authenticate(l.access, token, new Date());
      assert.deepEqual(a, { ok: false, reason: 'REVOKED', tokenId: info.id });
    } finally {
      l.close();
    }
    const again = await runCli('token', 'revoke', info.id, '--data-dir', dir);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already revoked/);
    const unknown = await runCli('token', 'revoke', 'tok_0000000000000000', '--data-dir', dir);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no token tok_0000000000000000/);
  });

  it('refuses a bad role, name or expiry with exit 2 naming the option, and creates nothing', async () => {
    const count = () => {
      const l = ledger();
      try {
        return l.access.listTokens().length;
      } finally {
        l.close();
      }
    };
    const before = count();
    const role = await runCli('token', 'create', '--role', 'root', '--name', 'x', '--data-dir', dir);
    assert.equal(role.code, 2);
    assert.match(role.stderr, /--role: must be one of operator, approver, auditor, admin/);
    const name = await runCli('token', 'create', '--role', 'auditor', '--name', 'has space', '--data-dir', dir);
    assert.equal(name.code, 2);
    assert.match(name.stderr, /--name: must be 1-64 characters/);
    const days = await runCli('token', 'create', '--role', 'auditor', '--name', 'x', '--expires-in-days', '0', '--data-dir', dir);
    assert.equal(days.code, 2);
    assert.match(days.stderr, /--expires-in-days must be a whole number/);
    const missing = await runCli('token', 'create', '--name', 'x', '--data-dir', dir);
    assert.equal(missing.code, 2);
    assert.equal(count(), before);
  });

  it('list and revoke refuse a data directory without a ledger (exit 2, naming the path) and create nothing there', async () => {
    const typo = join(dir, 'dta');
    const ledgerPath = join(typo, 'ledger.sqlite');
    for (const args of [['list'], ['list', '--json'], ['revoke', 'tok_0000000000000000']]) {
      const r = await runCli('token', ...args, '--data-dir', typo);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.ok(r.stderr.includes(`no ledger at ${ledgerPath}`), r.stderr);
    }
    // The same from DATA_DIR, through the real binary.
    const env = spawnCli(['token', 'list'], { env: { DATA_DIR: typo } });
    assert.equal(env.code, 2, env.stderr);
    assert.ok(env.stderr.includes(`no ledger at ${ledgerPath}`), env.stderr);
    assert.equal(existsSync(typo), false, 'nothing was created');
  });

  it('create on a fresh machine makes the ledger (how the first admin token is made) and says where', async () => {
    const fresh = join(dir, 'fresh', 'data');
    const first = await runCli('token', 'create', '--role', 'admin', '--name', 'first-admin', '--data-dir', fresh);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^sp_[0-9a-f]{16}_/);
    assert.ok(first.stderr.includes(`no ledger was at ${join(fresh, 'ledger.sqlite')}; created a new one there`), first.stderr);
    const list = await runCli('token', 'list', '--data-dir', fresh);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /admin\s+first-admin\s+active/);
    const second = await runCli('token', 'create', '--role', 'auditor', '--name', 'audrey', '--data-dir', fresh);
    assert.equal(second.code, 0, second.stderr);
    assert.doesNotMatch(second.stderr, /created a new one/);
  });
});
