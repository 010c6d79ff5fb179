// The progress counters (migration 3) are kept by triggers: after any
// sequence of plan writes, results (repeated ones included), re-plans and a
// second order, they equal a GROUP BY over the inventory itself.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import type { ItemResult, OrderRow } from '../../../src/app/ports/ledger.js';
import { NO_PLAN } from '../../../src/app/ports/ledger.js';
import { SqliteLedger } from '../../../src/adapters/ledger/sqlite/sqlite-ledger.js';

const T = '2025-01-02T03:04:05.000Z';

function order(id: string): Omit<OrderRow, 'num'> {
  return {
    id, reference: id, document: '{}', documentSha256: '0'.repeat(64), state: 'draft', createdBy: 'alice', createdAt: T, updatedAt: T,
    ...NO_PLAN, epoch: null, dispatchedAt: null, cancelRequestedAt: null, batchCount: null, execStartedAt: null, finishedAt: null, failure: null,
  };
}

type Step =
  | { op: 'plan'; order: 0 | 1; n: number; heldEvery: number }
  | { op: 'results'; order: 0 | 1; seqs: number[]; kind: 0 | 1 | 2 };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('plan' as const), order: fc.constantFrom(0 as const, 1 as const), n: fc.integer({ min: 0, max: 40 }), heldEvery: fc.integer({ min: 2, max: 9 }) }),
  fc.record({ op: fc.constant('results' as const), order: fc.constantFrom(0 as const, 1 as const), seqs: fc.array(fc.integer({ min: 0, max: 45 }), { maxLength: 15 }), kind: fc.constantFrom(0 as const, 1 as const, 2 as const) }),
);

describe('ledger: progress counters kept by triggers', () => {
  it('equal a GROUP BY over the inventory after any sequence of writes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-counts-'));
    try {
      let run = 0;
      fc.assert(
        fc.property(fc.array(step, { maxLength: 12 }), (steps) => {
          const path = join(dir, `l${run++}.sqlite`);
          const ledger = new SqliteLedger(path);
          const raw = new Database(path, { readonly: true });
          try {
            const ids = ['o-a', 'o-b'];
            for (const id of ids) ledger.createOrder(order(id), 'alice');
            for (const s of steps) {
              const id = ids[s.order]!;
              if (s.op === 'plan') {
                ledger.clearInventory(id);
                ledger.appendInventory(
                  id,
                  Array.from({ length: s.n }, (_, seq) => ({ seq, target: seq % 3 ? 't1' : 't2', locator: `x/${seq}`, size: 10 + seq, salt: '00'.repeat(16), ...(seq % s.heldEvery === 0 ? { heldBy: 'h' } : {}) })),
                );
              } else {
                const results: ItemResult[] = s.seqs.map((seq) =>
                  s.kind === 0
                    ? { kind: 'destroyed', seq, sha256: 'ab'.repeat(32), size: 1000 + seq, destroyedAt: T, method: 'unlink' }
                    : s.kind === 1
                      ? { kind: 'exception', seq, code: 'ABSENT', reason: 'gone' }
                      : { kind: 'retained', seq, holdId: 'late' },
                );
                ledger.applyResults(id, results);
              }
            }
            for (const id of ids) {
              const rows = raw
                .prepare(
                  `SELECT target, status, COUNT(*) AS n, SUM(size) AS pb, SUM(COALESCE(content_size, 0)) AS b
                   FROM inventory WHERE order_num = (SELECT num FROM orders WHERE id = ?) GROUP BY target, status`,
                )
                .all(id) as Array<{ target: string; status: number; n: number; pb: number; b: number }>;
              const p = ledger.progress(id);
              const sum = (f: (r: (typeof rows)[number]) => number, where: (r: (typeof rows)[number]) => boolean = () => true) => rows.filter(where).reduce((a, r) => a + f(r), 0);
              assert.equal(p.total, sum((r) => r.n));
              assert.equal(p.pending, sum((r) => r.n, (r) => r.status === 0));
              assert.equal(ledger.pendingCount(id), p.pending, 'pendingCount reads the same counters');
              assert.equal(p.destroyed, sum((r) => r.n, (r) => r.status === 1));
              assert.equal(p.exceptions, sum((r) => r.n, (r) => r.status === 2));
              assert.equal(p.retained, sum((r) => r.n, (r) => r.status === 3));
              assert.equal(p.bytesPlanned, sum((r) => r.pb));
              assert.equal(p.bytesDestroyed, sum((r) => r.b, (r) => r.status === 1));
              assert.deepEqual(Object.keys(p.perTarget).sort(), [...new Set(rows.map((r) => r.target))].sort());
            }
          } finally {
            raw.close();
            ledger.close();
          }
        }),
        { numRuns: 150 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an existing ledger is upgraded with its counts filled in from the inventory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-counts-up-'));
    try {
      const path = join(dir, 'l.sqlite');
      const ledger = new SqliteLedger(path);
      ledger.createOrder(order('o'), 'alice');
      ledger.appendInventory('o', Array.from({ length: 10 }, (_, seq) => ({ seq, target: 't', locator: `x/${seq}`, size: 5, salt: '00'.repeat(16) })));
      ledger.applyResults('o', [{ kind: 'destroyed', seq: 1, sha256: 'ab'.repeat(32), size: 7, destroyedAt: T, method: 'unlink' }]);
      const before = ledger.progress('o');
      ledger.close();
      // Back to schema 2, as a file from the previous release would be.
      const db = new Database(path);
      db.exec('DROP TRIGGER inventory_counts_insert; DROP TRIGGER inventory_counts_delete; DROP TRIGGER inventory_counts_update; DROP TABLE inventory_counts');
      // And what migrations 6 and 7 add, which a schema 2 file does not have either.
      db.exec('DROP TABLE people; DROP TABLE person_keys; DROP TABLE ledger_settings; ALTER TABLE orders DROP COLUMN approvals; DROP TABLE artifact_manifest; DROP TABLE artifacts; ALTER TABLE orders DROP COLUMN derived; DROP TABLE vendors; DROP TABLE log_cosignatures; DROP TABLE log_checkpoints; DROP TABLE log_nodes; DROP TABLE log_entries; DROP TABLE log_witnesses');
      db.pragma('user_version = 2');
      db.close();
      const again = new SqliteLedger(path);
      try {
        assert.deepEqual(again.progress('o'), before);
        assert.equal(before.destroyed, 1);
        assert.equal(before.bytesDestroyed, 7);
      } finally {
        again.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
