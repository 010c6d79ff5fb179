// `shredproof key list|rotate|revoke`: the certificate keys' history, on the
// server's machine against its ledger (DATA_DIR) and its key files
// (SHREDPROOF_KEY). What the subcommands run is in ./key-run.ts, imported
// when one runs (it loads the ledger).
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { KeyOptions, RevokeOptions, RotateOptions } from './key-run.js';
import { DATA_DIR_OPTION } from './data-dir-option.js';

export function registerKey(program: Command, ctx: CliContext): void {
  const key = program.command('key').description('the certificate signing keys over time: list, rotate, revoke (on the server machine)');
  const dataDir = DATA_DIR_OPTION;
  const keyFile = ['--key <file>', 'the signing key the server is configured with (env SHREDPROOF_KEY, default keys/signing-key.pem)'] as const;
  const run = () => import('./key-run.js');

  key
    .command('list')
    .description('every key the issuer has signed with: its window, status and revocation')
    .option(...dataDir)
    .option('--json', 'print JSON')
    .action(async (opts: KeyOptions) => (await run()).listKeys(opts, ctx));

  key
    .command('rotate')
    .description('a new signing key takes over now; the old one is retired (its certificates keep verifying) and its private key deleted; restart the server after')
    .option(...dataDir)
    .option(...keyFile)
    .option('--passphrase-env <VAR>', 'encrypt the new private key with the passphrase in this environment variable')
    .option('--json', 'print JSON')
    .action(async (opts: RotateOptions) => (await run()).rotateKey(opts, ctx));

  key
    .command('revoke')
    .description('mark a key compromised since an instant: every verifier then refuses the certificates it signed from then on')
    .requiredOption('--keyid <hex>', 'the key id')
    .requiredOption('--compromised-since <time>', 'RFC 3339 time (UTC, with Z) from which its signatures mean nothing')
    .requiredOption('--reason <text>', 'why, as the trust root will say')
    .option(...dataDir)
    .option('--json', 'print JSON')
    .action(async (opts: RevokeOptions) => (await run()).revokeKey(opts, ctx));
}
