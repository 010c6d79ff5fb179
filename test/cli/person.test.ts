// `shredproof person` as a person and an admin run it (issue 15, items 2 and
// 3), in child processes against a real ledger file: keygen writes a key
// pair (private 0600, never overwritten); add registers a person with roles
// and their key, audited; bad input exits 2 naming the option and changes
// nothing; set-key, revoke-key and remove change what trust.json and tokens
// say; list shows it all.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { keyIdOf, publicKeyFromPem } from '../../packages/verify/src/core/index.js';
import { SqliteLedger } from '../../src/adapters/ledger/sqlite/sqlite-ledger.js';
import { runCli } from '../helpers/run-cli.js';

describe('shredproof person', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sp-person-'));
  const data = join(dir, 'data');
  after(() => rmSync(dir, { recursive: true, force: true }));
  const person = (...args: string[]) => runCli('person', ...args, '--data-dir', data);
  const keyidOf = (pub: string) => keyIdOf(publicKeyFromPem(readFileSync(pub, 'utf8')));
  /** What the ledger holds, read after the command's process is gone. */
  const ledgerState = () => {
    const l = new SqliteLedger(join(data, 'ledger.sqlite'));
    try {
      return { people: l.people.people(), keys: l.people.personKeys(), audit: l.access.audit({ limit: 1000 }), tokens: l.access.listTokens() };
    } finally {
      l.close();
    }
  };

  it('keygen writes NAME.key.pem (0600) and NAME.pub.pem, and never overwrites them', async () => {
    const k = await runCli('person', 'keygen', '--name', 'bob', '--dir', join(dir, 'bob'));
    assert.equal(k.code, 0, k.stderr);
    const pub = join(dir, 'bob', 'bob.pub.pem');
    assert.equal(statSync(join(dir, 'bob', 'bob.key.pem')).mode & 0o777, 0o600);
    assert.match(k.stdout, new RegExp(`^keyid ${keyidOf(pub)}$`, 'm'));
    assert.match(k.stdout, /shredproof person add --name bob --roles approver --public-key .*bob\.pub\.pem/);
    const again = await runCli('person', 'keygen', '--name', 'bob', '--dir', join(dir, 'bob'));
    assert.equal(again.code, 1);
    assert.match(again.stderr, /refusing to overwrite it/);
    const bad = await runCli('person', 'keygen', '--name', 'bob smith', '--dir', dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--name must be 1-64 characters/);
  });

  it('add registers the person and their key, audited; the first add makes the ledger and says so', async () => {
    const r = await person('add', '--name', 'bob', '--roles', 'approver', '--public-key', join(dir, 'bob', 'bob.pub.pem'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /no ledger was at .*; created a new one there/);
    assert.match(r.stdout, /^added bob: roles approver$/m);
    assert.match(r.stdout, new RegExp(`^key ${keyidOf(join(dir, 'bob', 'bob.pub.pem'))} from .*: signs as approver$`, 'm'));
    const s = ledgerState();
    assert.deepEqual(s.people.map((p) => [p.name, p.roles]), [['bob', ['approver']]]);
    assert.deepEqual(s.audit.map((e) => e.action), ['person.add', 'person.key']);
    assert.match(s.audit[0]!.actor, /^local/);
    // An approver without a key is told they cannot approve yet.
    const noKey = await person('add', '--name', 'dana', '--roles', 'approver,auditor');
    assert.equal(noKey.code, 0, noKey.stderr);
    assert.match(noKey.stdout, /no key: dana cannot approve until one is registered/);
  });

  it('bad input exits 2 naming the option, and changes nothing', async () => {
    const before = JSON.stringify(ledgerState());
    const pub = join(dir, 'bob', 'bob.pub.pem');
    for (const [args, pattern] of [
      [['add', '--name', 'Bob', '--roles', 'approver'], /--name: is another spelling of "bob"/],
      [['add', '--name', 'erin', '--roles', 'root'], /--roles: must be one of operator, approver, auditor, admin, not "root"/],
      [['add', '--name', 'erin', '--roles', ''], /--roles: must list one or more/],
      [['add', '--name', 'erin', '--roles', 'approver', '--public-key', pub], /--public-key: key [0-9a-f]{64} is registered already, to bob/],
      [['add', '--name', 'erin', '--roles', 'approver', '--public-key', join(dir, 'nope.pem')], /cannot read --public-key/],
      [['add', '--name', 'erin', '--roles', 'approver', '--public-key', join(dir, 'bob', 'bob.key.pem')], /--public-key: is not an Ed25519 public key in PEM/],
      [['set-key', '--name', 'nobody', '--public-key', pub], /--name: no current person is named "nobody"/],
      [['revoke-key', '--keyid', 'a'.repeat(64), '--compromised-since', 'yesterday', '--reason', 'r'], /--keyid: no person's key has id a{64} \(shredproof person list\); --compromised-since: must be an RFC 3339 UTC time/],
      [['remove', '--name', 'nobody'], /--name: no current person is named "nobody"/],
    ] as const) {
      const r = await person(...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, pattern, args.join(' '));
    }
    assert.equal(JSON.stringify(ledgerState()), before);
    // A command that needs the ledger never makes one.
    const elsewhere = await runCli('person', 'list', '--data-dir', join(dir, 'typo'));
    assert.equal(elsewhere.code, 2);
    assert.match(elsewhere.stderr, /no ledger at .*typo/);
  });

  it('set-key stops the old key, revoke-key dates a compromise, remove revokes tokens at once; list shows it all', async () => {
    const k2 = await runCli('person', 'keygen', '--name', 'bob', '--dir', join(dir, 'bob-2'));
    assert.equal(k2.code, 0);
    const set = await person('set-key', '--name', 'bob', '--public-key', join(dir, 'bob-2', 'bob.pub.pem'));
    assert.equal(set.code, 0, set.stderr);
    const token = await runCli('token', 'create', '--role', 'approver', '--name', 'bob', '--data-dir', data);
    assert.equal(token.code, 0, token.stderr);
    const second = keyidOf(join(dir, 'bob-2', 'bob.pub.pem'));
    const revoked = await person('revoke-key', '--keyid', second, '--compromised-since', '2026-01-01T00:00:00Z', '--reason', 'laptop lost');
    assert.equal(revoked.code, 0, revoked.stderr);
    const removed = await person('remove', '--name', 'bob');
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, /^removed bob: 1 token\(s\) revoked, their keys stopped now$/m);
    const s = ledgerState();
    assert.ok(s.tokens.every((t) => t.revokedAt !== null), 'every token of bob is revoked');
    assert.ok(s.keys.every((k) => k.validUntil !== null), 'both keys stopped');
    assert.equal(s.keys.find((k) => k.keyid === second)!.revokedAt, '2026-01-01T00:00:00Z');
    assert.deepEqual(s.audit.map((e) => e.action).slice(-4), ['person.key', 'token.create', 'person.key-revoke', 'person.remove']);
    const list = await person('list');
    assert.equal(list.code, 0);
    assert.match(list.stdout, /^bob +approver +removed .* by local/m);
    assert.match(list.stdout, new RegExp(`^  key ${second} +signs approver .* REVOKED since 2026-01-01T00:00:00Z: laptop lost$`, 'm'));
    const json = JSON.parse((await person('list', '--json')).stdout) as { people: unknown[]; keys: unknown[] };
    assert.deepEqual([json.people.length, json.keys.length], [2, 2]);
  });
});
