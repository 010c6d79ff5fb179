// A worker process for test/app/crash-sql.test.ts: `shredproof worker` as it
// runs (workers/main.ts), that SIGKILLs itself right before its Nth intent
// write of a SQL consume() (CRASH_SQL_BEFORE_INTENTS=N): the DELETE ...
// RETURNING has run in a transaction still open, nothing is recorded and
// nothing committed. The two other instants need no entry of their own: the
// real worker's SHREDPROOF_FAULT=intents:N (after the intent write, before
// COMMIT) and destroy:N (after COMMIT, before the outcome).
import type { HashOutcome } from '../../src/app/ports/storage-backend.js';
import { SqlTargetSession } from '../../src/adapters/storage/sql/sql-target-session.js';
import { loadConfig } from '../../src/config/config.js';
import { work } from '../../workers/main.js';

const at = Number(process.env.CRASH_SQL_BEFORE_INTENTS);
if (!Number.isInteger(at) || at < 1) throw new Error(`CRASH_SQL_BEFORE_INTENTS must be a positive integer, got ${String(process.env.CRASH_SQL_BEFORE_INTENTS)}`);

let calls = 0;
const consume = SqlTargetSession.prototype.consumeOnePass;
SqlTargetSession.prototype.consumeOnePass = function (this: SqlTargetSession, items, record) {
  return consume.call(this, items, async (hashes: readonly HashOutcome[]) => {
    if (hashes.some((h) => h.status === 'hashed') && ++calls === at) process.kill(process.pid, 'SIGKILL');
    await record(hashes);
  });
};

await work(loadConfig(process.env));
