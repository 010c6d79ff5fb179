// `shredproof order approve <id> --plan-root HEX`: a second person approves
// the exact plan they reviewed.
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { type Common, common, print, run, usage } from './shared.js';

export function registerApprove(order: Command, ctx: CliContext): void {
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
}
