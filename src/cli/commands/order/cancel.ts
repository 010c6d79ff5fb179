// `shredproof order cancel <id> --reason TEXT`: during execution, waiting
// batches are withdrawn and what was destroyed is still certified.
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { type Common, common, print, run } from './shared.js';

export function registerCancel(order: Command, ctx: CliContext): void {
  common(order.command('cancel <id>'))
    .description('cancel an order; during execution, waiting batches are withdrawn and what was destroyed is still certified')
    .requiredOption('--reason <text>', 'why (recorded with the order and in the audit log)')
    .action((id: string, opts: Common & { reason: string }) =>
      run('cancel', opts, ctx, async (client) => {
        const o = await client.cancelOrder(id, opts.reason);
        print(ctx, opts, o, () => [o.state === 'cancelled' ? `cancelled ${o.id}` : `cancel requested for ${o.id} (${o.state}): waiting batches are withdrawn, running ones finish; it ends cancelled, with a certificate of what was destroyed`]);
      }),
    );
}
