// `shredproof serve`: the coordinator (ledger, signing key, HTTP) and one
// in-process worker. What it runs is imported when it runs: the HTTP stack,
// the ledger, the queue and the backend drivers take about half a second to
// load, which every other command would otherwise pay.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { envWith } from '../env-flags.js';

export function registerServe(program: Command, _ctx: CliContext): void {
  program
    .command('serve')
    .description('run the coordinator (ledger, signing key, HTTP) and one in-process worker')
    .option('--no-worker', 'do not run the in-process worker (run `shredproof worker` processes instead)')
    .option('--data-dir <dir>', 'ledger and certificates (env DATA_DIR, default ./data)')
    .option('--redis-url <url>', 'Redis (env REDIS_URL, default redis://127.0.0.1:6379)')
    .option('--key <file>', 'the signing key (env SHREDPROOF_KEY, default keys/signing-key.pem)')
    .option('--backends <file>', 'backend configuration (env SHREDPROOF_BACKENDS, default ./backends.json)')
    .option('--host <host>', 'HTTP address (env HOST, default 127.0.0.1)')
    .option('--port <port>', 'HTTP port (env PORT, default 8080)')
    .addHelpText('after', '\nRequired: SHREDPROOF_ISSUER, the name of the organisation that signs, as every certificate shows it (no default).\nWaits for Redis (REDIS_URL) if it does not answer yet, saying so once.')
    .action(async (opts: Record<string, string | undefined> & { worker: boolean }) => {
      const [{ loadConfig }, { serve }] = await Promise.all([import('../../config/config.js'), import('../../main/serve.js')]);
      await serve(loadConfig(envWith(opts)), { worker: opts.worker });
    });
}
