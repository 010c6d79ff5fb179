// The audit chain has no key of its own; every certificate anchors it (issue:
// "with the server stopped, a script rewrote an approver, deleted an entry,
// re-chained, and /v1/audit/verify answered ok"). This test is that script.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { auditAnchors, certificateAnchors } from '../../src/app/audit-anchors.js';
import { checkpointAudit } from '../../src/app/audit-checkpoints.js';
import { auditHash } from '../../src/adapters/ledger/sqlite/access-store.js';
import { SqliteLedger } from '../../src/adapters/ledger/sqlite/sqlite-ledger.js';
import { executeDemoOrder, startHarness } from '../helpers/engine-harness.js';

const GENESIS = '0'.repeat(64);

/** Rewrites the log as an attacker with the file would: edit, delete, re-chain every hash. */
function rewrite(path: string, edit: (rows: Array<Record<string, unknown>>) => Array<Record<string, unknown>>): void {
  const db = new Database(path);
  db.exec('DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;');
  const rows = edit(db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as Array<Record<string, unknown>>);
  db.exec('DELETE FROM audit_log');
  let prev = GENESIS;
  rows.forEach((r, k) => {
    const e = {
      seq: k + 1, at: r.at, actor: r.actor, action: r.action, tokenId: r.token_id, role: r.role, orderId: r.order_id, method: r.method,
      path: r.path, status: r.status, remote: r.remote, userAgent: r.user_agent, detail: r.detail, prevHash: prev,
    } as Parameters<typeof auditHash>[0];
    const hash = auditHash(e);
    db.prepare(
      `INSERT INTO audit_log (seq, at, actor, action, token_id, role, order_id, method, path, status, remote, user_agent, detail, prev_hash, hash)
       VALUES (@seq, @at, @actor, @action, @tokenId, @role, @orderId, @method, @path, @status, @remote, @userAgent, @detail, @prevHash, @hash)`,
    ).run({ ...e, hash });
    prev = hash;
  });
  db.close();
}

describe('audit anchors in certificates', () => {
  it('every certificate carries the audit head; a rewritten, re-chained log fails against it, and so does a shortened one', async () => {
    const h = await startHarness({ objects: 30 });
    try {
      const id = await executeDemoOrder(h);
      h.runtime.coordinator.start();
      await h.runtime.coordinator.waitFor(id);
      await h.runtime.coordinator.stop();
      const env = JSON.parse(readFileSync(join(h.config.dataDir, 'certificates', id, 'certificate.json'), 'utf8')) as { payload: string };
      const statement = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8'));
      assert.ok(statement.audit.entries >= 4, JSON.stringify(statement.audit)); // created, planned, approved, executing...
      const deps = h.runtime.deps;
      const anchors = certificateAnchors(deps);
      assert.deepEqual(anchors.map((a) => [a.entries, a.head]), [[statement.audit.entries, statement.audit.head]]);
      // The coordinator signed a checkpoint at its first pass; entries added since get one of their own.
      deps.ledger.access.appendAudit({ at: new Date().toISOString(), actor: 'ada', action: 'token.created', detail: 'after the certificate' });
      const cp = checkpointAudit(deps)!;
      assert.equal(cp.entries, deps.ledger.access.auditHead().entries);
      assert.equal(checkpointAudit(deps), undefined, 'no new checkpoint while the log has not moved');
      assert.deepEqual(deps.ledger.access.verifyChain(auditAnchors(deps)), { ok: true, entries: deps.ledger.access.auditHead().entries });
      await h.runtime.close();

      // The approver becomes someone else, one entry disappears, the chain is recomputed.
      rewrite(h.config.ledgerPath, (rows) => rows.filter((r) => r.action !== 'order.planning').map((r) => (r.action === 'order.approved' ? { ...r, actor: 'mallory' } : r)));
      const ledger = new SqliteLedger(h.config.ledgerPath);
      try {
        assert.equal(ledger.access.verifyChain().ok, true, 'the chain alone cannot tell');
        // The certificate alone catches it, and so do all anchors together.
        const v = ledger.access.verifyChain(certificateAnchors({ ledger, signer: deps.signer }));
        assert.equal(v.ok, false);
        assert.equal(v.anchor, statement.certificateId);
        assert.equal(ledger.access.verifyChain(auditAnchors({ ledger, signer: deps.signer, dataDir: deps.dataDir })).ok, false);
      } finally {
        ledger.close();
      }

      // Only the entry after the certificate is changed: the signed checkpoint catches it.
      rewrite(h.config.ledgerPath, (rows) => rows.map((r) => (r.detail === 'after the certificate' ? { ...r, actor: 'mallory' } : r)));
      const late = new SqliteLedger(h.config.ledgerPath);
      try {
        const v = late.access.verifyChain(auditAnchors({ ledger: late, signer: deps.signer, dataDir: deps.dataDir }));
        assert.equal(v.ok, false);
        assert.match(v.anchor ?? '', /^checkpoint /);
      } finally {
        late.close();
      }

      // Cut short before the certificate's head: the anchor lies past the end.
      rewrite(h.config.ledgerPath, (rows) => rows.slice(0, 2));
      const cut = new SqliteLedger(h.config.ledgerPath);
      try {
        const v = cut.access.verifyChain(certificateAnchors({ ledger: cut, signer: deps.signer }));
        assert.deepEqual([v.ok, v.entries, v.anchor], [false, 2, statement.certificateId]);
      } finally {
        cut.close();
      }
    } finally {
      await h.close();
    }
  });
});
