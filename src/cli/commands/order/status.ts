// `shredproof order status <id>`: state, plan, approval, counts, rate, ETA
// and certificate of an order.
import type { Command } from 'commander';
import { formatStatus } from '../../../client/format.js';
import type { CliContext } from '../../context.js';
import { type Common, common, print, run } from './shared.js';

export function registerStatus(order: Command, ctx: CliContext): void {
  common(order.command('status <id>'))
    .description('state, plan, approval, counts, rate, ETA and certificate of an order')
    .action((id: string, opts: Common) =>
      run('status', opts, ctx, async (client) => {
        const [o, p] = await Promise.all([client.getOrder(id), client.progress(id)]);
        print(ctx, opts, { order: o, progress: p }, () => formatStatus(o, p));
      }),
    );
}
