// `shredproof serve` and `shredproof worker`. What they run is imported when
// they run: the HTTP stack, the queue and the backend drivers take about half a
// second to load, which every other command would otherwise pay.
import type { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import type { CliContext } from '../main.js';

/** Flags override the environment (DATA_DIR, REDIS_URL, SHREDPROOF_KEY, SHREDPROOF_BACKENDS, PORT). */
function envWith(opts: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  const map: Record<string, string> = { dataDir: 'DATA_DIR', redisUrl: 'REDIS_URL', key: 'SHREDPROOF_KEY', backends: 'SHREDPROOF_BACKENDS', port: 'PORT', host: 'HOST', concurrency: 'SHREDPROOF_WORKER_CONCURRENCY' };
  for (const [k, v] of Object.entries(opts)) if (v !== undefined && map[k]) env[map[k]!] = v;
  return env;
}

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
      const { serve } = await import('../../main/serve.js');
      await serve(loadConfig(envWith(opts)), { worker: opts.worker });
    });
  program
    .command('worker')
    .description('run a stateless worker: takes batch jobs from Redis and destroys objects in the configured backends')
    .option('--redis-url <url>', 'Redis (env REDIS_URL)')
    .option('--backends <file>', 'backend configuration (env SHREDPROOF_BACKENDS)')
    .option('--concurrency <n>', 'batches in parallel (env SHREDPROOF_WORKER_CONCURRENCY, default 2)')
    .action(async (opts: Record<string, string | undefined>) => {
      const { work } = await import('../../../workers/main.js');
      await work(loadConfig(envWith(opts)));
    });
}
