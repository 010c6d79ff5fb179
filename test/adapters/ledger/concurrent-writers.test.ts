// Two processes writing the same ledger file: `shredproof token create` runs
// on the server's machine while `serve` writes. Every write transaction is
// BEGIN IMMEDIATE, so neither side fails with SQLITE_BUSY: it waits its turn.
// (Before, a deferred read-then-write transaction failed at once, and a
// token could be stored without its secret ever being printed.)
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { SqliteLedger } from '../../../src/adapters/ledger/sqlite/sqlite-ledger.js';
import { BIN, ROOT } from '../../helpers/run-cli.js';

const run = promisify(execFile);

describe('ledger: concurrent writers in two processes', () => {
  let dir: string;
  let ledger: SqliteLedger;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sp-concurrent-'));
    ledger = new SqliteLedger(join(dir, 'ledger.sqlite'));
  });
  after(() => {
    ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('token create in 6 processes while this one appends audit entries: all succeed, the chain holds', async () => {
    const children = Array.from({ length: 6 }, (_, i) =>
      run(process.execPath, [BIN, 'token', 'create', '--role', 'auditor', '--name', `p${i}`, '--data-dir', dir, '--json'], { cwd: ROOT }).then(
        (r) => ({ ok: true as const, out: r.stdout }),
        (e: { stderr?: string }) => ({ ok: false as const, out: e.stderr ?? String(e) }),
      ),
    );
    let mine = 0;
    let settled = false;
    void Promise.all(children).then(() => (settled = true));
    const end = Date.now() + 30_000;
    while (!settled && Date.now() < end) {
      // Read, then write, in one transaction: the pattern that used to fail under a concurrent writer.
      for (let k = 0; k < 20; k++) ledger.access.appendAudit({ at: new Date().toISOString(), actor: 'serve', action: 'test.write', detail: String(mine++) });
      // A short real pause, not just a turn of the loop: SQLite's busy handler in the children sleeps
      // and retries, and a parent that takes the lock again at once could starve them past their 5 s
      // busy_timeout on a loaded machine (a failure that would say nothing about the ledger).
      await new Promise((r) => setTimeout(r, 5));
    }
    const results = await Promise.all(children);
    for (const r of results) assert.ok(r.ok, r.out);
    const tokens = ledger.access.listTokens();
    assert.equal(tokens.length, 6);
    const audit = ledger.access.audit({ limit: 1_000_000 });
    assert.equal(audit.filter((e) => e.action === 'token.create').length, 6);
    assert.equal(audit.filter((e) => e.action === 'test.write').length, mine);
    assert.ok(mine > 0);
    assert.deepEqual(ledger.access.verifyChain(), { ok: true, entries: audit.length });
  });
});
