// `shredproof token create|list|revoke`: API tokens, managed on the server's
// machine against its ledger (DATA_DIR). This is how the first admin token is
// made; later ones can also come from POST /v1/tokens. The secret is printed
// once and stored nowhere: only its hash goes into the ledger. What the
// subcommands run is in ./token-run.ts, imported when one runs: it loads the
// ledger (better-sqlite3), which no other command may pay for or reach.
import type { Command } from 'commander';
import { ROLES } from '../../app/ports/access.js';
import type { CliContext } from '../context.js';
import type { CreateOptions, TokenOptions } from './token-run.js';
import { DATA_DIR_OPTION } from './data-dir-option.js';

export function registerToken(program: Command, ctx: CliContext): void {
  const token = program.command('token').description('manage API bearer tokens (on the server machine, against DATA_DIR)');
  const dataDir = DATA_DIR_OPTION;
  const run = () => import('./token-run.js');

  token
    .command('create')
    .description('create a token and print it once')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .requiredOption('--name <name>', 'the person it is for; the two-person rule compares names')
    .option('--expires-in-days <n>', 'expire after this many days')
    .option(...dataDir)
    .option('--json', 'print JSON')
    .action(async (opts: CreateOptions) => (await run()).createToken(opts, ctx));

  token
    .command('list')
    .description('list tokens (never their secrets)')
    .option(...dataDir)
    .option('--json', 'print JSON')
    .action(async (opts: TokenOptions) => (await run()).listTokens(opts, ctx));

  token
    .command('revoke <tokenId>')
    .description('revoke a token at once')
    .option(...dataDir)
    .action(async (tokenId: string, opts: TokenOptions) => (await run()).revokeToken(tokenId, opts, ctx));
}
