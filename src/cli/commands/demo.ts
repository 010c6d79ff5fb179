// `shredproof demo`: a complete order on a generated dataset, through the real
// queue, ledger and worker; then the outputs are verified and summarized. The
// run is in ./demo-run.ts, imported when the command runs: the engine and the
// backend drivers (BullMQ, the AWS SDK, pg, mysql2) take about half a second
// to load, which every other command, `verify` included, would pay for nothing.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { DemoOptions } from './demo-run.js';

export function registerDemo(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description('run a complete order on a generated dataset through the real queue and ledger, then verify the certificate')
    .option('--out <dir>', 'where to write certificate.json, records.ndjson, public-key.pem', 'shredproof-demo')
    .option('--objects <n>', 'how many synthetic photos', '1000')
    .option('--keep', 'keep the work directory (dataset remains, ledger, ephemeral key) for inspection')
    .action(async (opts: DemoOptions) => (await import('./demo-run.js')).runDemo(opts, ctx));
}
