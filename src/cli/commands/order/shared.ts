// What the `order` subcommands share: the connection and token options, the
// client they make from them, and the turning of what went wrong into the
// documented exit codes (./index.ts lists them).
import { createWriteStream, existsSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { jsonForDisplay } from '@shredproof/verify';
import type { Command } from 'commander';
import { ApiError, ShredproofClient, UnreachableError } from '../../../client/api-client.js';
import { formatApiError } from '../../../client/format.js';
import { CliExit, type CliContext, EXIT_INVALID, EXIT_USAGE } from '../../context.js';
import { packageVersion } from '../../../version.js';

export const DEFAULT_SERVER = 'http://127.0.0.1:8080';

export interface Common {
  server?: string;
  token?: string;
  tokenFile?: string;
  json?: boolean;
}

/** The connection, token and --json options; `json` says what --json prints when it is not the API's answer as it is. */
export function common(cmd: Command, json = 'print the API\'s JSON, for scripts'): Command {
  return cmd
    .option('--server <url>', `the shredproof server (env SHREDPROOF_SERVER, default ${DEFAULT_SERVER})`)
    .option('--token-file <file>', 'read the bearer token from this file')
    .option('--token <token>', 'bearer token (env SHREDPROOF_TOKEN); shows in `ps`, prefer --token-file or the variable')
    .option('--json', json);
}

/** A usage error of `order <name>`. */
export const usage = (name: string, msg: string) => usageOf(`order ${name}`, msg);
/** A usage error of the command `command` as typed (`order inventory`, `audit`), which starts its message. */
export const usageOf = (command: string, msg: string) => new CliExit(EXIT_USAGE, `${command}: ${msg}`);

async function clientFor(command: string, opts: Common): Promise<ShredproofClient> {
  if (opts.token !== undefined && opts.tokenFile !== undefined) throw usageOf(command, 'give --token or --token-file, not both');
  let token = opts.token ?? process.env.SHREDPROOF_TOKEN;
  if (opts.tokenFile !== undefined) {
    try {
      token = (await readFile(opts.tokenFile, 'utf8')).trim();
    } catch (e) {
      throw usageOf(command, `cannot read the token file ${opts.tokenFile}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  }
  if (!token) throw usageOf(command, 'no token: give --token-file FILE or set SHREDPROOF_TOKEN (tokens come from `shredproof token create`)');
  const server = opts.server ?? process.env.SHREDPROOF_SERVER ?? DEFAULT_SERVER;
  try {
    return new ShredproofClient({ server, token, userAgent: `shredproof-cli/${packageVersion()}` });
  } catch (e) {
    throw usageOf(command, `--server: ${(e as Error).message}`);
  }
}

/** Runs one subcommand of `order` and turns what went wrong into the documented exit code and message. */
export function run(name: string, opts: Common, ctx: CliContext, body: (client: ShredproofClient) => Promise<void>): Promise<void> {
  return runCommand(`order ${name}`, opts, ctx, body);
}

/**
 * Runs the API client command `command` (as typed: `order inventory`, `audit`), with the exit codes of ./index.ts.
 * With --json a refusal prints the server's problem document on stdout; `ndjson` commands, whose stdout is one
 * JSON value a line, print it on one line.
 */
export async function runCommand(command: string, opts: Common, ctx: CliContext, body: (client: ShredproofClient) => Promise<void>, output: { ndjson?: boolean } = {}): Promise<void> {
  const client = await clientFor(command, opts);
  try {
    await body(client);
  } catch (e) {
    if (e instanceof UnreachableError) {
      throw new CliExit(EXIT_USAGE, `${command}: cannot reach the shredproof server at ${e.server} (${e.reason}). Is \`shredproof serve\` running there? Set --server or SHREDPROOF_SERVER.`);
    }
    if (e instanceof ApiError) {
      if (opts.json && e.problem) ctx.out(output.ndjson ? jsonForDisplay(e.problem) : JSON.stringify(e.problem, null, 2));
      if (e.status === 401) {
        throw new CliExit(EXIT_USAGE, `${command}: the server did not accept the token (${formatApiError(e)[0]}). Check --token-file, --token or SHREDPROOF_TOKEN; tokens come from \`shredproof token create\`.`);
      }
      throw new CliExit(EXIT_INVALID, [`${command}: refused by the server: ${formatApiError(e)[0]}`, ...formatApiError(e).slice(1)].join('\n'));
    }
    throw e;
  }
}

/** What --plan-root is, for the commands that decide on a plan (approve, sign-plan, refuse). */
export const PLAN_ROOT_HELP = 'the plan root you reviewed (order status shows it); refused if the plan changed since';

/** A usage error of `order <name>` unless `root` is a plan root: 64 lowercase hex digits. */
export const checkRoot = (name: string, root: string) => {
  if (!/^[0-9a-f]{64}$/.test(root)) throw usage(name, `--plan-root must be 64 lowercase hex digits, got ${JSON.stringify(root)}`);
};

export const print = (ctx: CliContext, opts: Common, json: unknown, text: () => string[]) => {
  if (opts.json) ctx.out(JSON.stringify(json, null, 2));
  else for (const l of text()) ctx.out(l);
};

export function seconds(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const s = Number(v);
  if (!Number.isFinite(s) || s <= 0 || s > 31 * 86_400) throw usage(name, `--timeout must be a number of seconds above 0, got ${JSON.stringify(v)}`);
  return s * 1000;
}

/** Writes a file whole or not at all (through PATH.part); refuses to replace one unless `force`. */
export async function writeNew(path: string, data: string | Uint8Array | NodeJS.ReadableStream, force: boolean): Promise<void> {
  const tmp = `${path}.part`;
  if (typeof data === 'string' || data instanceof Uint8Array) await writeFile(tmp, data);
  else await pipeline(data, createWriteStream(tmp));
  if (!force && existsSync(path)) {
    await rm(tmp, { force: true });
    throw usage('fetch', `${path} exists; choose another --out or give --force`);
  }
  await rename(tmp, path);
}
