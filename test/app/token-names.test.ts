// A token belongs to a person (issue 11 item 4, issue 15 item 3): tokens named
// ALICE, Alice or alice. approved alice's order before issue 11, and an admin
// minted an approver token "root-admin.2" for themselves before issue 15. Now
// people are registered (src/app/people.ts), names that are one person under
// another spelling are refused there, and a token is only for a registered
// person in one of their roles.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { addPerson, removePerson } from '../../src/app/people.js';
import { issueToken } from '../../src/app/tokens.js';
import { ValidationError } from '../../packages/verify/src/core/errors.js';
import { SqliteLedger } from '../../src/adapters/ledger/sqlite/sqlite-ledger.js';

const fieldSays = (path: string, text: string) => (e: unknown) => e instanceof ValidationError && e.fields.some((f) => f.path === path && f.problem.includes(text));

describe('token names are people', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sp-names-'));
  const ledger = new SqliteLedger(join(dir, 'ledger.sqlite'));
  const deps = { ledger, clock: { now: () => new Date() } };
  after(() => {
    ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const issue = (name: string, role = 'approver') => issueToken(ledger, { name, role, createdBy: 'root', now: new Date() });

  it('refuses to register another spelling of a person, removed ones included, naming the field and the existing name', () => {
    addPerson(deps, { name: 'alice', roles: ['operator', 'approver'] }, 'root');
    addPerson(deps, { name: 'bob.smith', roles: ['approver'] }, 'root');
    removePerson(deps, 'bob.smith', 'root');
    for (const [name, existing] of [['ALICE', 'alice'], ['Alice', 'alice'], ['alice.', 'alice'], ['a_lice', 'alice'], ['bob-smith', 'bob.smith'], ['BobSmith', 'bob.smith']]) {
      const before = ledger.people.people().length;
      assert.throws(() => addPerson(deps, { name: name!, roles: ['approver'] }, 'root'), fieldSays('$.name', `spelling of "${existing}"`), name);
      assert.equal(ledger.people.people().length, before, 'nothing was registered');
    }
  });

  it('gives tokens to a registered person in their roles, several of them; refuses anyone else and any other role', () => {
    issue('alice', 'operator');
    issue('alice', 'approver');
    assert.deepEqual(ledger.access.listTokens().filter((t) => t.name === 'alice').map((t) => t.role).sort(), ['approver', 'operator']);
    const before = ledger.access.listTokens().length;
    // The admin's old trick: an approver token for a made-up second name.
    assert.throws(() => issue('root-admin.2'), fieldSays('$.name', 'no person is registered as "root-admin.2"'));
    assert.throws(() => issue('alice', 'admin'), fieldSays('$.role', 'alice does not hold the role admin (roles: operator, approver)'));
    // A removed person gets no token.
    assert.throws(() => issue('bob.smith'), fieldSays('$.name', 'no person is registered'));
    assert.equal(ledger.access.listTokens().length, before, 'nothing was created');
  });
});
