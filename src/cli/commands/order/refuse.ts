// `shredproof order refuse <id> --plan-root HEX --reason TEXT`: the approver
// who reviewed a plan and will not approve it says why. The order goes back
// to draft with the refusal as its failure; its document cannot be edited, so
// the operator plans it again once what made the plan wrong is put right, or
// cancels it and creates a corrected order. Nothing is signed: a refusal
// authorizes nothing.
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { checkRoot, type Common, common, PLAN_ROOT_HELP, print, run, usage } from './shared.js';

interface RefuseOptions extends Common {
  planRoot: string;
  reason: string;
}

export function registerRefuse(order: Command, ctx: CliContext): void {
  common(order.command('refuse <id>'))
    .description("refuse the plan you reviewed, saying why: the order goes back to draft (an approver; never the order's creator)")
    .requiredOption('--plan-root <hex>', PLAN_ROOT_HELP)
    .requiredOption('--reason <text>', 'why you refuse it (the order\'s failure, its history and the audit log keep it)')
    .action((id: string, opts: RefuseOptions) =>
      run('refuse', opts, ctx, async (client) => {
        checkRoot('refuse', opts.planRoot);
        if (!/\S/.test(opts.reason)) throw usage('refuse', '--reason must say why the plan is refused, got an empty reason');
        const o = await client.refuseOrder(id, opts.planRoot, opts.reason.trim());
        print(ctx, opts, o, () => [
          `refused the plan ${opts.planRoot} of ${o.id}: the order is ${o.state} again`,
          `failure: ${o.failure}`,
          `next: the operator plans it again once what made the plan wrong is put right (shredproof order plan ${o.id}), or cancels it (shredproof order cancel ${o.id} --reason TEXT) and creates a corrected order`,
        ]);
      }),
    );
}
