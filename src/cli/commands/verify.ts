// `shredproof verify` and `shredproof prove`: the verifier package's commands
// (@shredproof/verify/cli), with the options, output and exit codes of
// `shredproof-verify verify` and `shredproof-verify prove`. Exit 0 valid (or
// proof written), 1 invalid or not found, 2 usage or unreadable input.
import type { Command } from 'commander';
import { camelCase, type CommandSpec, flagOf, PROVE_COMMAND, VERIFY_COMMAND } from '@shredproof/verify/cli';
import type { CliContext } from '../context.js';

const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];

function register<O>(program: Command, spec: CommandSpec<O>, ctx: CliContext): void {
  const cmd = program.command(spec.name).description(spec.summary);
  for (const o of spec.options) {
    if (o.multiple) cmd[o.required ? 'requiredOption' : 'option'](flagOf(o), o.description, collect);
    else cmd[o.required ? 'requiredOption' : 'option'](flagOf(o), o.description);
  }
  cmd.action((opts: Record<string, unknown>) => spec.run(Object.fromEntries(Object.entries(opts).map(([k, v]) => [camelCase(k), v])) as O, ctx));
}

export function registerVerify(program: Command, ctx: CliContext): void {
  register(program, VERIFY_COMMAND, ctx);
}

export function registerProve(program: Command, ctx: CliContext): void {
  register(program, PROVE_COMMAND, ctx);
}
