// `shredproof log witness add|list|remove`, `log quorum N`, `log push --witness URL`:
// the transparency log's witnesses, on the server's machine against its
// ledger (DATA_DIR), like `person` and `vendor` (./log-run.ts;
// docs/API.md "The transparency log").
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { DATA_DIR_OPTION } from './data-dir-option.js';
import type { LogOptions } from './log-run.js';

export function registerLog(program: Command, ctx: CliContext): void {
  const log = program.command('log').description("the transparency log's witnesses (on the server machine)");
  const run = () => import('./log-run.js');
  const witness = log.command('witness').description('the witnesses whose cosignatures the log keeps and the trust root names');
  witness
    .command('add')
    .description("list a witness: its cosignatures are kept and served, and the trust root names it (audited)")
    .requiredOption('--vkey <vkey>', "the witness's verifier key, name+hint+base64 of a cosignature/v1 key (shredproof witness --print-vkey gives it)")
    .option(...DATA_DIR_OPTION)
    .option('--json', 'print JSON')
    .action(async (opts: LogOptions & { vkey: string }) => (await run()).witnessAdd(opts, ctx));
  witness
    .command('remove')
    .description('stop listing a witness (audited); its cosignatures already served stay in receipts')
    .requiredOption('--vkey <vkey>', "the witness's verifier key, as listed")
    .option(...DATA_DIR_OPTION)
    .option('--json', 'print JSON')
    .action(async (opts: LogOptions & { vkey: string }) => (await run()).witnessRemove(opts, ctx));
  witness
    .command('list')
    .description('the listed witnesses, the quorum, and the newest checkpoint each cosigned')
    .option(...DATA_DIR_OPTION)
    .option('--json', 'print JSON')
    .action(async (opts: LogOptions) => (await run()).witnessList(opts, ctx));
  log
    .command('quorum <n>')
    .description("how many listed witnesses must have cosigned a receipt's checkpoint (the trust root's witnessQuorum; audited)")
    .option(...DATA_DIR_OPTION)
    .option('--json', 'print JSON')
    .action(async (n: string, opts: LogOptions) => (await run()).setQuorum(n, opts, ctx));
  log
    .command('push')
    .description('send the newest checkpoint, with a consistency proof, to a witness that speaks C2SP tlog-witness, and keep its cosignature')
    .requiredOption('--witness <url>', "the witness's submission prefix: POST <url>/add-checkpoint")
    .option(...DATA_DIR_OPTION)
    .option('--json', 'print JSON')
    .action(async (opts: LogOptions & { witness: string }) => (await run()).push(opts, ctx));
}
