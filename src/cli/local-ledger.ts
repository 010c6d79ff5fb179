// What the commands run on the server's machine share (token, key, person):
// who ran them, for the audit log, and the server's ledger file.
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { openLedgerFile } from '../main/offline.js';
import { CliExit, type CliContext, EXIT_USAGE } from './context.js';

/** Who ran the command, for the audit log: the OS account on the server's machine. */
export function localActor(): string {
  try {
    return `local:${userInfo().username}`;
  } catch {
    return 'local';
  }
}

/** The ledger path of --data-dir, else DATA_DIR, else ./data. */
export function ledgerPath(dataDir: string | undefined): string {
  return join(resolve(dataDir ?? process.env.DATA_DIR ?? './data'), 'ledger.sqlite');
}

/** The server's existing ledger: `command` never makes one (a mistyped --data-dir would start a second history). */
export function openExistingLedger(dataDir: string | undefined, command: string) {
  const path = ledgerPath(dataDir);
  if (!existsSync(path)) throw new CliExit(EXIT_USAGE, `${command}: no ledger at ${path}: is --data-dir (or DATA_DIR) the directory of \`shredproof serve\`?`);
  return openLedgerFile(path);
}

/**
 * The server's ledger, made when missing: for the commands that set a server
 * up before its first `serve` (token create, person add), which say so on
 * stderr, so that a mistyped --data-dir is seen.
 */
export function openOrCreateLedger(dataDir: string | undefined, command: string, ctx: CliContext) {
  const path = ledgerPath(dataDir);
  const exists = existsSync(path);
  const ledger = openLedgerFile(path);
  if (!exists) ctx.err(`${command}: no ledger was at ${path}; created a new one there (the server must use --data-dir ${resolve(path, '..')})`);
  return ledger;
}
