// `shredproof witness --log URL --trust trust.json --state FILE [--cosign-key F --name N]`:
// a regulator's witness of an issuer's transparency log (./witness-run.ts;
// docs/VERIFYING.md "Witnessing the log"). Exit 0: the checkpoint extends
// the one kept (and is kept now); 1: refused, saying what the log did; 2:
// usage, or the log or a file cannot be read.
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { WitnessOptions } from './witness-run.js';

export function registerWitness(program: Command, ctx: CliContext): void {
  program
    .command('witness')
    .description("check that an issuer's transparency log only grows: verify its newest checkpoint against the trust root, prove from its tiles that it extends the one kept last time, keep it, and optionally cosign it")
    .option('--log <url>', "the log's URL prefix: the server's URL followed by /log (https://shredproof.example.com/log)")
    .option('--trust <file>', "the issuer's trust.json, the one you pinned: its log member names the log's origin and key")
    .option('--state <file>', 'where this witness keeps the last checkpoint it accepted (made on the first run; keep it, and back it up)')
    .option('--cosign-key <file>', 'your Ed25519 key (PEM; shredproof person keygen makes one): cosign the checkpoint and hand the cosignature to the log')
    .option('--name <name>', 'your witness name, as the log lists your key (witness.example.org/regulator); with --cosign-key')
    .option('--passphrase-env <VAR>', 'the passphrase of an encrypted --cosign-key, in this environment variable')
    .option('--print-vkey', "print your verifier key (--cosign-key under --name), for the log's operator to list, and exit")
    .option('--json', 'print JSON')
    .action(async (opts: WitnessOptions & { printVkey?: boolean }) => {
      const run = await import('./witness-run.js');
      if (opts.printVkey) return run.printWitnessKey(opts, ctx);
      const { CliExit, EXIT_USAGE } = await import('../context.js');
      for (const o of ['log', 'trust', 'state'] as const) if (opts[o] === undefined) throw new CliExit(EXIT_USAGE, `witness: --${o} is required`);
      await run.runWitness(opts, ctx);
    });
}
