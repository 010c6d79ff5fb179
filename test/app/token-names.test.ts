// A token's name is a person (issue 11, item 4): tokens named ALICE, Alice or
// alice. approved alice's order before. Names that are one person under
// another spelling are refused at creation; the exact same name is the same
// person and stays allowed (a second token, a rotation).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { issueToken } from '../../src/app/tokens.js';
import { ValidationError } from '../../packages/verify/src/core/errors.js';
import { SqliteLedger } from '../../src/adapters/ledger/sqlite/sqlite-ledger.js';

describe('token names', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sp-names-'));
  const ledger = new SqliteLedger(join(dir, 'ledger.sqlite'));
  after(() => {
    ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const issue = (name: string, role = 'approver') => issueToken(ledger.access, { name, role, createdBy: 'root', now: new Date() });

  it('refuses another spelling of an existing name, revoked ones included, naming the field and the existing name', () => {
    issue('alice', 'operator');
    const revoked = issue('bob.smith');
    ledger.access.revokeToken(revoked.row.id, new Date().toISOString());
    for (const [name, existing] of [['ALICE', 'alice'], ['Alice', 'alice'], ['alice.', 'alice'], ['a_lice', 'alice'], ['bob-smith', 'bob.smith'], ['BobSmith', 'bob.smith']]) {
      const before = ledger.access.listTokens().length;
      assert.throws(
        () => issue(name!),
        (e: unknown) => e instanceof ValidationError && e.fields.some((f) => f.path === '$.name' && f.problem.includes(`existing name "${existing}"`)),
        name,
      );
      assert.equal(ledger.access.listTokens().length, before, 'nothing was created');
    }
  });

  it('allows the exact same name again, and different people', () => {
    issue('alice');
    issue('alicia');
    issue('carol');
    assert.deepEqual(ledger.access.listTokens().filter((t) => t.name === 'alice').map((t) => t.role), ['operator', 'approver']);
  });
});
