// `shredproof order proof <id>`: the proof that one destroyed object is in
// the certificate (or, with --list, that one entry is in a list of a version
// 2 certificate: kept under a hold, an exception), for `shredproof verify --proof`.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { type Common, common, run, usage, writeNew } from './shared.js';

const LISTS = ['records', 'retained', 'exceptions', 'rescan'] as const;

export function registerProof(order: Command, ctx: CliContext): void {
  common(order.command('proof <id>'))
    .description('a per-object proof of one destroyed object, for `shredproof verify --proof` (select by --locator, --sha256 or --leaf-index)')
    .option('--locator <locator>', 'the object\'s locator')
    .option('--target <backend>', 'with --locator, when several targets could hold it')
    .option('--sha256 <hex>', 'the SHA-256 of the object\'s content')
    .option('--leaf-index <n>', 'its leaf index in the certificate')
    .option('--list <list>', 'records (the default), or retained, exceptions or rescan: an entry of that list of a version 2 certificate')
    .option('--out <file>', 'write the proof here instead of standard output')
    .action((id: string, opts: Common & { locator?: string; target?: string; sha256?: string; leafIndex?: string; list?: string; out?: string }) =>
      run('proof', opts, ctx, async (client) => {
        const given = [opts.locator, opts.sha256, opts.leafIndex].filter((v) => v !== undefined).length;
        if (given !== 1) throw usage('proof', 'give exactly one of --locator, --sha256, --leaf-index');
        if (opts.target !== undefined && opts.locator === undefined) throw usage('proof', '--target goes with --locator');
        if (opts.leafIndex !== undefined && !/^[0-9]{1,15}$/.test(opts.leafIndex)) throw usage('proof', `--leaf-index must be a whole number, got ${JSON.stringify(opts.leafIndex)}`);
        const list = opts.list ?? 'records';
        if (!LISTS.includes(list as (typeof LISTS)[number])) throw usage('proof', `--list must be one of ${LISTS.join(', ')}, got ${JSON.stringify(opts.list)}`);
        const selector = opts.locator !== undefined ? { locator: opts.locator, ...(opts.target ? { target: opts.target } : {}) } : opts.sha256 !== undefined ? { sha256: opts.sha256 } : { leafIndex: Number(opts.leafIndex) };
        const proof = await client.proof(id, { ...selector, ...(list !== 'records' ? { list: list as (typeof LISTS)[number] } : {}) });
        const text = JSON.stringify(proof, null, 2);
        if (!opts.out) return ctx.out(text);
        await writeNew(resolve(opts.out), text + '\n', true);
        ctx.err(`wrote ${resolve(opts.out)} (leaf ${proof.leafIndex} of ${proof.treeSize}); check: shredproof verify --proof ${opts.out} --public-key public-key.pem`);
      }),
    );
}
