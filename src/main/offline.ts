// The composition root of the offline commands that work on the server's
// state on its machine, with no Redis and no HTTP: `token` opens the ledger
// file here. The CLI imports this file only when such a command runs, so that
// no other command (a worker above all) loads the ledger. (`keygen` wires
// nothing: it calls the key adapter, src/adapters/keys, on its own.)
import { SqliteLedger } from '../adapters/ledger/sqlite/sqlite-ledger.js';

/** The server's ledger file, made (with its schema) if it is not there: `token create` may precede the first `serve`. */
export function openLedgerFile(path: string): SqliteLedger {
  return new SqliteLedger(path);
}
