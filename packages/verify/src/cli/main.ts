// `shredproof-verify`: the verifier's own command line, for whoever checks a
// certificate without running shredproof (a regulator, a court's expert, a
// data subject). Two commands, with the same options, output and exit codes
// as `shredproof verify` and `shredproof prove`:
//   shredproof-verify verify --public-key KEY.pem --certificate certificate.json [--records records.ndjson] [--proof proof.json] [--json]
//   shredproof-verify prove --public-key KEY.pem --certificate C --records R (--locator L [--target T] | --sha256 H | --file F) [--out F | --all DIR] [--json]
// Arguments are parsed with node:util's parseArgs: this package depends on
// nothing beyond @noble. An unknown option is reported before a missing one,
// so that a typo is named as such.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { camelCase, flagOf, PROVE_COMMAND, VERIFY_COMMAND } from './commands.js';
import { CliExit, type CliIo, EXIT_INVALID, EXIT_OK, EXIT_USAGE, jsonErrorDocument } from './exit.js';
import { processOutput } from './output.js';

const NAME = 'shredproof-verify';
type AnyCommand = typeof VERIFY_COMMAND | typeof PROVE_COMMAND;
const COMMANDS: Record<string, AnyCommand> = { verify: VERIFY_COMMAND, prove: PROVE_COMMAND };

function parseConfig(spec: AnyCommand): NonNullable<ParseArgsConfig['options']> {
  const options: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean', short: 'h' } };
  for (const o of spec.options) options[o.name] = o.value ? { type: 'string', ...(o.multiple ? { multiple: true } : {}) } : { type: 'boolean' };
  return options;
}

function usageLine(spec: AnyCommand): string {
  const rows = [...spec.options.map((o) => [flagOf(o), `${o.description}${o.required ? ' (required)' : ''}`]), ['-h, --help', 'display help for command']];
  return `Usage: ${NAME} ${spec.name} [options]\n\n${spec.summary}\n\nOptions:\n${rows.map(([f, d]) => `  ${f!.padEnd(22)} ${d!}`).join('\n')}`;
}

function programHelp(): string {
  return `Usage: ${NAME} [options] [command]\n\nVerify shredproof destruction certificates and per-object proofs offline.\n\nOptions:\n  -V, --version          output the version number\n  -h, --help             display help\n\nCommands:\n${Object.entries(COMMANDS)
    .map(([n, s]) => `  ${n.padEnd(22)} ${s.summary}`)
    .join('\n')}`;
}

/** This package's version, from its package.json (found by walking up: src/cli/ or dist/cli/). */
export function verifierVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === '@shredproof/verify' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not here: one level up
    }
    const up = dirname(dir);
    if (up === dir) return 'unknown';
    dir = up;
  }
}

/** parseArgs' errors, reworded as a person reads them: the option named, and what is wrong. */
function parseProblem(e: NodeJS.ErrnoException, spec: AnyCommand): string {
  const option = /'(-{1,2}[^' ]+)/.exec(e.message)?.[1];
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option '${option ?? e.message}'`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const o = spec.options.find((x) => x.name === option?.replace(/^-+/, ''));
      if (o === undefined) return e.message;
      return o.value ? `option '${flagOf(o)}' argument missing` : `option '--${o.name}' takes no value`;
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']*)'/.exec(e.message)?.[1] ?? ''}`.trim();
    default:
      return e.message;
  }
}

/** Runs the command line `argv` (as process.argv: node, script, args...); returns the exit code. */
export async function main(argv: readonly string[], io?: Partial<Pick<CliIo, 'out' | 'err'>>): Promise<number> {
  const std = io?.out && io.err ? undefined : processOutput();
  const ctx: CliIo = { out: io?.out ?? std!.out, err: io?.err ?? std!.err, exitCode: EXIT_OK };
  const args = argv.slice(2);
  const [command, ...rest] = args;
  const end = rest.indexOf('--');
  const json = (end < 0 ? rest : rest.slice(0, end)).includes('--json');
  const usage = (message: string, spec?: AnyCommand): number => {
    ctx.err(`error: ${message}`);
    if (spec) ctx.err(`(run ${NAME} ${command} --help for usage)`);
    else ctx.err(programHelp());
    if (json) ctx.out(jsonErrorDocument('usage', message));
    return EXIT_USAGE;
  };
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    (command === undefined ? ctx.err : ctx.out)(programHelp());
    return command === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (command === '--version' || command === '-V') {
    ctx.out(verifierVersion());
    return EXIT_OK;
  }
  const spec = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (spec === undefined) return usage(`unknown command '${command}'`);
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: rest, options: parseConfig(spec), strict: true, allowPositionals: false }));
  } catch (e) {
    return usage(parseProblem(e as NodeJS.ErrnoException, spec), spec);
  }
  if (values.help === true) {
    ctx.out(usageLine(spec));
    return EXIT_OK;
  }
  const missing = spec.options.find((o) => o.required && values[o.name] === undefined);
  if (missing !== undefined) return usage(`required option '${flagOf(missing)}' not specified`, spec);
  let code: number;
  try {
    // parseArgs gave each option the type its spec declares: the command's own options.
    const options = Object.fromEntries(Object.entries(values).map(([k, v]) => [camelCase(k), v]));
    await (spec.run as (opts: unknown, io: CliIo) => Promise<void>)(options, ctx);
    code = ctx.exitCode;
  } catch (e) {
    if (e instanceof CliExit) {
      ctx.err(e.message);
      if (json && e.exitCode === EXIT_USAGE) ctx.out(jsonErrorDocument(e.reason, e.message));
      return e.exitCode;
    }
    const message = e instanceof Error ? e.message : String(e);
    ctx.err(`${NAME}: ${message}`);
    if (json) ctx.out(jsonErrorDocument('failed', message));
    return EXIT_INVALID;
  }
  const failure = std?.stdoutFailure();
  if (failure && code === EXIT_OK) {
    ctx.err(`${NAME}: cannot write to standard output: ${failure.code ?? failure.message}`);
    return EXIT_INVALID;
  }
  return code;
}
