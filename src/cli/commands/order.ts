// `shredproof order create|plan|approve|execute|status|wait|cancel|fetch|proof`:
// the command-line client of the HTTP API (src/client). It talks to a
// running `shredproof serve`; the server decides every rule, and its
// refusals are printed with their code and each field they name.
//
// Exit codes: 0 done; 1 the server refused (any problem+json other than 401),
// or the order ended other than certified (wait), or its plan failed (plan);
// 2 the request could not be put: bad usage, an unreadable or non-JSON file,
// no token, a server that cannot be reached, or a token it does not accept.
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { Command } from 'commander';
import { ApiError, type OrderView, ShredproofClient, UnreachableError } from '../../client/api-client.js';
import { followPlan, followProgress, PlanFailedError, WaitTimeoutError } from '../../client/follow.js';
import { count, formatApiError, formatBytes, formatPlan, formatProgressLine, formatStatus } from '../../client/format.js';
import { CliExit, type CliContext, EXIT_INVALID, EXIT_USAGE } from '../main.js';
import { progressView, statusLine } from '../order-progress.js';
import { packageVersion } from '../../version.js';

export const DEFAULT_SERVER = 'http://127.0.0.1:8080';

interface Common {
  server?: string;
  token?: string;
  tokenFile?: string;
  json?: boolean;
}

const EXIT_HELP = `
Connection: --server, else SHREDPROOF_SERVER, else ${DEFAULT_SERVER}.
Token: --token-file F, --token T, else SHREDPROOF_TOKEN. A token given with
--token is visible to every user of this machine in \`ps\`: prefer the file
or the variable.

Exit codes: 0 done; 1 the server refused (its code, detail and each bad field
are printed), the order did not end certified (wait) or its plan failed (plan);
2 usage error, unreadable input, no token, server unreachable, or token not
accepted (401).`;

function common(cmd: Command): Command {
  return cmd
    .option('--server <url>', `the shredproof server (env SHREDPROOF_SERVER, default ${DEFAULT_SERVER})`)
    .option('--token-file <file>', 'read the bearer token from this file')
    .option('--token <token>', 'bearer token (env SHREDPROOF_TOKEN); shows in `ps`, prefer --token-file or the variable')
    .option('--json', 'print the API\'s JSON, for scripts');
}

const usage = (name: string, msg: string) => new CliExit(EXIT_USAGE, `order ${name}: ${msg}`);

async function clientFor(name: string, opts: Common): Promise<ShredproofClient> {
  if (opts.token !== undefined && opts.tokenFile !== undefined) throw usage(name, 'give --token or --token-file, not both');
  let token = opts.token ?? process.env.SHREDPROOF_TOKEN;
  if (opts.tokenFile !== undefined) {
    try {
      token = (await readFile(opts.tokenFile, 'utf8')).trim();
    } catch (e) {
      throw usage(name, `cannot read the token file ${opts.tokenFile}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  }
  if (!token) throw usage(name, 'no token: give --token-file FILE or set SHREDPROOF_TOKEN (tokens come from `shredproof token create`)');
  const server = opts.server ?? process.env.SHREDPROOF_SERVER ?? DEFAULT_SERVER;
  try {
    return new ShredproofClient({ server, token, userAgent: `shredproof-cli/${packageVersion()}` });
  } catch (e) {
    throw usage(name, `--server: ${(e as Error).message}`);
  }
}

/** Runs one subcommand and turns what went wrong into the documented exit code and message. */
async function run(name: string, opts: Common, ctx: CliContext, body: (client: ShredproofClient) => Promise<void>): Promise<void> {
  const client = await clientFor(name, opts);
  try {
    await body(client);
  } catch (e) {
    if (e instanceof UnreachableError) {
      throw new CliExit(EXIT_USAGE, `order ${name}: cannot reach the shredproof server at ${e.server} (${e.reason}). Is \`shredproof serve\` running there? Set --server or SHREDPROOF_SERVER.`);
    }
    if (e instanceof ApiError) {
      if (opts.json && e.problem) ctx.out(JSON.stringify(e.problem, null, 2));
      if (e.status === 401) {
        throw new CliExit(EXIT_USAGE, `order ${name}: the server did not accept the token (${formatApiError(e)[0]}). Check --token-file, --token or SHREDPROOF_TOKEN; tokens come from \`shredproof token create\`.`);
      }
      throw new CliExit(EXIT_INVALID, [`order ${name}: refused by the server: ${formatApiError(e)[0]}`, ...formatApiError(e).slice(1)].join('\n'));
    }
    throw e;
  }
}

const print = (ctx: CliContext, opts: Common, json: unknown, text: () => string[]) => {
  if (opts.json) ctx.out(JSON.stringify(json, null, 2));
  else for (const l of text()) ctx.out(l);
};

function seconds(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const s = Number(v);
  if (!Number.isFinite(s) || s <= 0 || s > 31 * 86_400) throw usage(name, `--timeout must be a number of seconds above 0, got ${JSON.stringify(v)}`);
  return s * 1000;
}

async function readDocument(file: string): Promise<unknown> {
  let text: string;
  try {
    if (file === '-') {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      text = Buffer.concat(chunks).toString('utf8');
    } else text = await readFile(file, 'utf8');
  } catch (e) {
    throw usage('create', `cannot read ${file === '-' ? 'standard input' : file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw usage('create', `${file === '-' ? 'standard input' : file} is not JSON: ${(e as Error).message}`);
  }
}

async function waitForPlan(client: ShredproofClient, id: string, ctx: CliContext, timeoutMs: number | undefined): Promise<OrderView> {
  const line = statusLine(ctx, 2000);
  let first = true;
  try {
    return await followPlan(client, id, {
      onProgress(p) {
        line.show(formatProgressLine(p), first);
        first = false;
      },
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    });
  } catch (e) {
    if (e instanceof PlanFailedError) throw new CliExit(EXIT_INVALID, `order plan: ${e.message}`);
    if (e instanceof WaitTimeoutError) {
      throw new CliExit(EXIT_INVALID, `order plan: ${id} is still planning after ${e.seconds} s (${count(e.last?.planning?.listed ?? 0, 'object')} listed); follow it with \`shredproof order status ${id}\``);
    }
    throw e;
  } finally {
    line.done();
  }
}

async function writeNew(path: string, data: string | NodeJS.ReadableStream, force: boolean): Promise<void> {
  const tmp = `${path}.part`;
  if (typeof data === 'string') await writeFile(tmp, data);
  else await pipeline(data, createWriteStream(tmp));
  if (!force && existsSync(path)) {
    await rm(tmp, { force: true });
    throw usage('fetch', `${path} exists; choose another --out or give --force`);
  }
  await rename(tmp, path);
}

export function registerOrder(program: Command, ctx: CliContext): void {
  const order = program
    .command('order')
    .description('drive deletion orders through a shredproof server\'s HTTP API (create, plan, approve, execute, status, wait, cancel, fetch, proof)')
    .addHelpText('after', EXIT_HELP);

  common(order.command('create <file>'))
    .description('create an order from an order document (JSON file, or - for standard input); prints its id')
    .action((file: string, opts: Common) =>
      run('create', opts, ctx, async (client) => {
        const doc = await readDocument(file);
        const o = await client.createOrder(doc);
        print(ctx, opts, o, () => [o.id]);
        if (!opts.json) ctx.err(`created ${o.id} (${o.state}) by ${o.createdBy}; next: shredproof order plan ${o.id}`);
      }),
    );

  common(order.command('plan <id>'))
    .description('plan the order: list every object in scope and commit to the inventory; waits for the plan unless --no-wait')
    .option('--no-wait', 'return as soon as planning started')
    .option('--timeout <seconds>', 'give up waiting after this long (exit 1)')
    .action((id: string, opts: Common & { wait: boolean; timeout?: string }) =>
      run('plan', opts, ctx, async (client) => {
        const timeoutMs = seconds('plan', opts.timeout);
        const started = await client.planOrder(id);
        if (!opts.wait) return print(ctx, opts, started, () => [`${id} is ${started.state}; follow it with: shredproof order status ${id}`]);
        const o = await waitForPlan(client, id, ctx, timeoutMs);
        print(ctx, opts, o, () => [`planned ${o.id}`, ...formatPlan(o), `to approve this plan (a second person): shredproof order approve ${o.id} --plan-root ${o.plan!.root}`]);
      }),
    );

  common(order.command('approve <id>'))
    .description('approve the plan you reviewed (a second person: never the order\'s creator)')
    .requiredOption('--plan-root <hex>', 'the plan root you reviewed (order status shows it); refused if the plan changed since')
    .action((id: string, opts: Common & { planRoot: string }) =>
      run('approve', opts, ctx, async (client) => {
        if (!/^[0-9a-f]{64}$/.test(opts.planRoot)) throw usage('approve', `--plan-root must be 64 lowercase hex digits, got ${JSON.stringify(opts.planRoot)}`);
        const o = await client.approveOrder(id, opts.planRoot);
        print(ctx, opts, o, () => [`approved ${o.id} by ${o.approval?.by} for plan root ${o.approval?.planRoot}`]);
      }),
    );

  common(order.command('execute <id>'))
    .description('execute an approved order: its batches go to the workers (does not wait: see order wait)')
    .action((id: string, opts: Common) =>
      run('execute', opts, ctx, async (client) => {
        const o = await client.executeOrder(id);
        print(ctx, opts, o, () => [`${o.id} is ${o.state}${o.execution?.batches != null ? ` (${count(o.execution.batches, 'batch', 'batches')})` : ''}; follow it with: shredproof order wait ${o.id}`]);
      }),
    );

  common(order.command('status <id>'))
    .description('state, plan, approval, counts, rate, ETA and certificate of an order')
    .action((id: string, opts: Common) =>
      run('status', opts, ctx, async (client) => {
        const [o, p] = await Promise.all([client.getOrder(id), client.progress(id)]);
        print(ctx, opts, { order: o, progress: p }, () => formatStatus(o, p));
      }),
    );

  common(order.command('wait <id>'))
    .description('follow the order\'s progress until it ends; exit 0 when certified, 1 when it ended otherwise')
    .option('--timeout <seconds>', 'give up after this long (exit 1)')
    .action((id: string, opts: Common & { timeout?: string }) =>
      run('wait', opts, ctx, async (client) => {
        const timeoutMs = seconds('wait', opts.timeout);
        const view = progressView(ctx);
        let state: string;
        try {
          ({ state } = await followProgress(client, id, {
            onProgress: (p) => view.update(p),
            onReconnect: (why, n) => view.note(`order wait: ${why}; reconnecting (attempt ${n})`),
            ...(timeoutMs !== undefined ? { timeoutMs } : {}),
          }));
        } catch (e) {
          if (e instanceof WaitTimeoutError) throw new CliExit(EXIT_INVALID, `order wait: ${id} is ${e.last ? e.last.state : 'not finished'} after ${e.seconds} s; still running on the server`);
          throw e;
        } finally {
          view.stop();
        }
        const [o, p] = await Promise.all([client.getOrder(id), client.progress(id)]);
        const c = p.counts;
        const cert = o.certificate ? `; certificate ${o.certificate.id}` : '';
        print(ctx, opts, { order: o, progress: p }, () => [`${o.id} ${o.state}: destroyed ${count(c.destroyed, 'object')} (${formatBytes(c.bytesDestroyed)}), retained ${c.retained}, exceptions ${c.exceptions}${cert}`]);
        if (state === 'certified') return;
        const why: Record<string, string> = {
          'certified-with-exceptions': `exceptions: ${c.exceptions} (objects not destroyed, or not provably); the certificate lists each with its reason`,
          cancelled: o.certificate ? 'cancelled during execution; the certificate covers what was destroyed before' : 'cancelled before execution; nothing was destroyed',
          failed: o.failure ?? 'no reason recorded',
        };
        throw new CliExit(EXIT_INVALID, `order wait: ${id} ended ${state}: ${why[state] ?? o.failure ?? ''}`);
      }),
    );

  common(order.command('cancel <id>'))
    .description('cancel an order; during execution, waiting batches are withdrawn and what was destroyed is still certified')
    .requiredOption('--reason <text>', 'why (recorded with the order and in the audit log)')
    .action((id: string, opts: Common & { reason: string }) =>
      run('cancel', opts, ctx, async (client) => {
        const o = await client.cancelOrder(id, opts.reason);
        print(ctx, opts, o, () => [o.state === 'cancelled' ? `cancelled ${o.id}` : `cancel requested for ${o.id} (${o.state}): waiting batches are withdrawn, running ones finish; it ends cancelled, with a certificate of what was destroyed`]);
      }),
    );

  common(order.command('fetch <id>'))
    .description('download certificate.json, records.ndjson and public-key.pem of a certified order into a directory, for `shredproof verify`')
    .requiredOption('--out <dir>', 'where to write them')
    .option('--force', 'overwrite files that exist')
    .action((id: string, opts: Common & { out: string; force?: boolean }) =>
      run('fetch', opts, ctx, async (client) => {
        const dir = resolve(opts.out);
        const files = { certificate: join(dir, 'certificate.json'), records: join(dir, 'records.ndjson'), publicKey: join(dir, 'public-key.pem') };
        if (!opts.force) for (const f of Object.values(files)) if (existsSync(f)) throw usage('fetch', `${f} exists; choose another --out or give --force`);
        const certificate = await client.certificate(id);
        let keyid: string | undefined;
        try {
          keyid = (JSON.parse(certificate) as { signatures?: Array<{ keyid?: unknown }> }).signatures?.[0]?.keyid as string | undefined;
        } catch {
          // reported below
        }
        if (typeof keyid !== 'string') throw new CliExit(EXIT_INVALID, `order fetch: the server's certificate for ${id} is not a signed envelope`);
        const pem = await client.keyPem(keyid);
        await mkdir(dir, { recursive: true });
        await writeNew(files.records, Readable.fromWeb((await client.records(id)) as NodeReadableStream<Uint8Array>), opts.force === true);
        await writeNew(files.certificate, certificate, opts.force === true);
        await writeNew(files.publicKey, pem, opts.force === true);
        print(ctx, opts, { orderId: id, keyid, files }, () => [
          `wrote ${files.certificate}, records.ndjson, public-key.pem (keyid ${keyid})`,
          'the key came from the same server: compare its keyid with the one published out of band, then check:',
          `shredproof verify --certificate ${files.certificate} --public-key ${files.publicKey} --records ${files.records}`,
        ]);
      }),
    );

  common(order.command('proof <id>'))
    .description('a per-object proof of one destroyed object, for `shredproof verify --proof` (select by --locator, --sha256 or --leaf-index)')
    .option('--locator <locator>', 'the object\'s locator')
    .option('--target <backend>', 'with --locator, when several targets could hold it')
    .option('--sha256 <hex>', 'the SHA-256 of the object\'s content')
    .option('--leaf-index <n>', 'its leaf index in the certificate')
    .option('--out <file>', 'write the proof here instead of standard output')
    .action((id: string, opts: Common & { locator?: string; target?: string; sha256?: string; leafIndex?: string; out?: string }) =>
      run('proof', opts, ctx, async (client) => {
        const given = [opts.locator, opts.sha256, opts.leafIndex].filter((v) => v !== undefined).length;
        if (given !== 1) throw usage('proof', 'give exactly one of --locator, --sha256, --leaf-index');
        if (opts.target !== undefined && opts.locator === undefined) throw usage('proof', '--target goes with --locator');
        if (opts.leafIndex !== undefined && !/^[0-9]{1,15}$/.test(opts.leafIndex)) throw usage('proof', `--leaf-index must be a whole number, got ${JSON.stringify(opts.leafIndex)}`);
        const proof = await client.proof(
          id,
          opts.locator !== undefined ? { locator: opts.locator, ...(opts.target ? { target: opts.target } : {}) } : opts.sha256 !== undefined ? { sha256: opts.sha256 } : { leafIndex: Number(opts.leafIndex) },
        );
        const text = JSON.stringify(proof, null, 2);
        if (!opts.out) return ctx.out(text);
        await writeNew(resolve(opts.out), text + '\n', true);
        ctx.err(`wrote ${resolve(opts.out)} (leaf ${proof.leafIndex} of ${proof.treeSize}); check: shredproof verify --proof ${opts.out} --public-key public-key.pem`);
      }),
    );
}
