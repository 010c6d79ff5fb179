// `shredproof worker`: a stateless worker process (workers/main.ts), imported
// when the command runs. Through it the process loads the worker's modules
// only: never the ledger, the signing key, HTTP or the verifier page.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { envWith } from '../env-flags.js';

export function registerWorker(program: Command, _ctx: CliContext): void {
  program
    .command('worker')
    .description('run a stateless worker: takes batch jobs from Redis and destroys objects in the configured backends')
    .option('--redis-url <url>', 'Redis (env REDIS_URL)')
    .option('--backends <file>', 'backend configuration (env SHREDPROOF_BACKENDS)')
    .option('--concurrency <n>', 'batches in parallel (env SHREDPROOF_WORKER_CONCURRENCY, default 2)')
    .action(async (opts: Record<string, string | undefined>) => {
      const [{ loadConfig }, { work }] = await Promise.all([import('../../config/config.js'), import('../../../workers/main.js')]);
      await work(loadConfig(envWith(opts)));
    });
}
