// The ledger's statement cache: one prepared statement per SQL text, bounded,
// and the iterating queries still work while cached statements run beside them.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteLedger } from '../../../src/adapters/ledger/sqlite/sqlite-ledger.js';
import { statementCache } from '../../../src/adapters/ledger/sqlite/statements.js';

describe('statementCache', () => {
  it('prepares each SQL text once, and starts over past its bound', () => {
    const db = new Database(':memory:');
    try {
      const sql = statementCache(db, 3);
      const a = sql('SELECT 1 AS v');
      assert.equal(sql('SELECT 1 AS v'), a, 'the same statement for the same text');
      assert.notEqual(sql('SELECT 2 AS v'), a);
      sql('SELECT 3 AS v');
      assert.equal(sql('SELECT 1 AS v'), a, 'still cached at the bound');
      sql('SELECT 4 AS v'); // the fourth text: the cache starts over
      const again = sql('SELECT 1 AS v');
      assert.notEqual(again, a, 'prepared again after the cache started over');
      assert.deepEqual(again.get(), { v: 1 });
    } finally {
      db.close();
    }
  });
});

describe('the ledger with cached statements', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sp-stmts-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a cached query inside an open iteration of the inventory (the iterating query has its own statement)', () => {
    const ledger = new SqliteLedger(join(dir, 'ledger.sqlite'));
    try {
      ledger.createOrder(
        {
          id: 'ord-1', reference: 'r', state: 'draft', document: '{}', documentSha256: '0'.repeat(64), createdBy: 'alice', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z',
          planRoot: null, planCount: null, planBytes: null, plannedAt: null, approvedBy: null, approvedAt: null, approvedRoot: null, approvals: null, derived: null,
          epoch: null, dispatchedAt: null, cancelRequestedAt: null, batchCount: null, execStartedAt: null, finishedAt: null, failure: null,
        } as never,
        'alice',
      );
      ledger.appendInventory('ord-1', Array.from({ length: 5 }, (_, seq) => ({ seq, target: 't', locator: `l${seq}`, size: 1, salt: '00'.repeat(16) })));
      const seen: number[] = [];
      for (const e of ledger.inventoryInOrder('ord-1')) {
        // Each of these uses cached statements, and one of them the same table.
        assert.equal(ledger.findByLocator('ord-1', 't', e.locator)?.seq, e.seq);
        assert.equal(ledger.getOrder('ord-1')?.state, 'draft');
        seen.push(e.seq);
      }
      assert.deepEqual(seen, [0, 1, 2, 3, 4]);
      for (const _ of ledger.inventoryInOrder('ord-1')) {
        assert.equal([...ledger.inventoryInOrder('ord-1')].length, 5, 'a nested iteration of the same query');
        break;
      }
    } finally {
      ledger.close();
    }
  });
});
