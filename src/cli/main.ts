// The `shredproof` command line: one program, one module per command under
// ./commands. The exit codes are a contract (./context.ts). A command module
// declares its options and imports what it runs only when it runs: a `worker`
// process must not load the ledger, HTTP or the page builder, and `verify`
// pays for nothing else.
import { type Command, CommanderError } from 'commander';
import { processOutput } from '@shredproof/verify/cli';
import { ShredproofCommand } from './command.js';
import { CliExit, type CliContext, EXIT_INVALID, EXIT_OK, EXIT_USAGE, jsonErrorDocument } from './context.js';
import { registerArtifact } from './commands/artifact.js';
import { registerAudit } from './commands/audit.js';
import { registerDemo } from './commands/demo.js';
import { registerKeygen } from './commands/keygen.js';
import { registerOrder } from './commands/order/index.js';
import { registerServe } from './commands/serve.js';
import { registerToken } from './commands/token.js';
import { registerKey } from './commands/key.js';
import { registerPerson } from './commands/person.js';
import { registerVendor } from './commands/vendor.js';
import { registerLog } from './commands/log.js';
import { registerWitness } from './commands/witness.js';
import { registerExhibit } from './commands/exhibit.js';
import { registerVerifierPage } from './commands/verifier-page.js';
import { registerProve, registerVerify } from './commands/verify.js';
import { registerReceipt } from './commands/receipt.js';
import { registerWorker } from './commands/worker.js';
import { packageVersion } from '../version.js';

export function buildProgram(ctx: CliContext): Command {
  const program = new ShredproofCommand('shredproof')
    .description('Verifiable data destruction: run deletion orders and issue checkable destruction certificates.')
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.out(s.replace(/\n$/, '')), writeErr: (s) => ctx.err(s.replace(/\n$/, '')) })
    .showHelpAfterError();
  registerKeygen(program, ctx);
  registerVerify(program, ctx);
  registerProve(program, ctx);
  registerReceipt(program, ctx);
  registerDemo(program, ctx);
  registerServe(program, ctx);
  registerWorker(program, ctx);
  registerToken(program, ctx);
  registerKey(program, ctx);
  registerPerson(program, ctx);
  registerVendor(program, ctx);
  registerLog(program, ctx);
  registerWitness(program, ctx);
  registerExhibit(program, ctx);
  registerOrder(program, ctx);
  registerArtifact(program, ctx);
  registerAudit(program, ctx);
  registerVerifierPage(program, ctx);
  return program;
}

/**
 * `verify --json` and `prove --json` answer with a JSON document on stdout
 * whatever happens, usage errors included: a script reads one document, and
 * the exit code says which kind it is.
 */
function wantsJsonErrors(argv: readonly string[]): boolean {
  const args = argv.slice(2);
  const end = args.indexOf('--');
  return ['verify', 'prove'].includes(args[0] ?? '') && (end < 0 ? args : args.slice(0, end)).includes('--json');
}

export async function main(argv: string[], io?: Partial<Pick<CliContext, 'out' | 'err'>>): Promise<number> {
  const std = io?.out && io.err ? undefined : processOutput();
  const ctx: CliContext = {
    out: io?.out ?? std!.out,
    err: io?.err ?? std!.err,
    exitCode: EXIT_OK,
  };
  const json = wantsJsonErrors(argv);
  const program = buildProgram(ctx);
  let code: number;
  try {
    await program.parseAsync(argv);
    code = ctx.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version end with exitCode 0; every other commander error is a usage error
      if (e.exitCode !== 0 && json) ctx.out(jsonErrorDocument('usage', e.message.replace(/^error: /, '')));
      return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (e instanceof CliExit) {
      ctx.err(e.message);
      if (json && e.exitCode === EXIT_USAGE) ctx.out(jsonErrorDocument(e.reason, e.message));
      return e.exitCode;
    }
    const message = e instanceof Error ? e.message : String(e);
    ctx.err(`shredproof: ${message}`);
    if (json) ctx.out(jsonErrorDocument('failed', message));
    return EXIT_INVALID;
  }
  // Output that could not be written (other than to a reader that left: EPIPE) is a failure.
  const failure = std?.stdoutFailure();
  if (failure && code === EXIT_OK) {
    ctx.err(`shredproof: cannot write to standard output: ${failure.code ?? failure.message}`);
    return EXIT_INVALID;
  }
  return code;
}
