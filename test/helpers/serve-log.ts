// A transparency log served from a ledger file in a process of its own
// (src/http/log-routes.ts over the ledger at argv[2]), for tests whose
// client blocks their own event loop (spawnSync). Prints the port it
// listens on, then serves until killed.
import express from 'express';
import { SqliteLedger } from '../../src/adapters/ledger/sqlite/sqlite-ledger.js';
import type { ApiContext } from '../../src/http/context.js';
import { mountLog } from '../../src/http/log-routes.js';

const ledger = new SqliteLedger(process.argv[2]!);
const app = express();
mountLog(app, { engine: { ledger, clock: { now: () => new Date() } } } as unknown as ApiContext);
const server = app.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as { port: number }).port}\n`));
process.on('SIGTERM', () => {
  server.close();
  ledger.close();
  process.exit(0);
});
