// The `shredproof` command line. Exit codes are a contract (DESIGN.md):
// verify exits 0 valid, 1 invalid, 2 usage or unreadable input; other
// commands exit 0 on success, 1 on failure, 2 on usage errors.
import { Command, CommanderError } from 'commander';
import { registerDemo } from './commands/demo.js';
import { registerKeygen } from './commands/keygen.js';
import { registerOrder } from './commands/order.js';
import { registerProve } from './commands/prove.js';
import { registerServe } from './commands/serve.js';
import { registerToken } from './commands/token.js';
import { registerVerifierPage } from './commands/verifier-page.js';
import { registerVerify } from './commands/verify.js';

export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

/** Thrown by a command to end with a given exit code after printing its message. */
export class CliExit extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

export interface CliContext {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Set by commands that decide their own exit code (verify). */
  exitCode: number;
}

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('shredproof')
    .description('Verifiable data destruction: run deletion orders and issue checkable destruction certificates.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.out(s.replace(/\n$/, '')), writeErr: (s) => ctx.err(s.replace(/\n$/, '')) })
    .showHelpAfterError();
  registerKeygen(program, ctx);
  registerVerify(program, ctx);
  registerProve(program, ctx);
  registerDemo(program, ctx);
  registerServe(program, ctx);
  registerToken(program, ctx);
  registerOrder(program, ctx);
  registerVerifierPage(program, ctx);
  return program;
}

export async function main(argv: string[], io?: Partial<Pick<CliContext, 'out' | 'err'>>): Promise<number> {
  const ctx: CliContext = {
    out: io?.out ?? ((l) => process.stdout.write(l + '\n')),
    err: io?.err ?? ((l) => process.stderr.write(l + '\n')),
    exitCode: EXIT_OK,
  };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv);
    return ctx.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version end with exitCode 0; every other commander error is a usage error
      return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (e instanceof CliExit) {
      ctx.err(e.message);
      return e.exitCode;
    }
    ctx.err(`shredproof: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT_INVALID;
  }
}
