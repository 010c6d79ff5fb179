// `shredproof order history <id>`: every state change of an order, one a
// line: when, who, from which state to which, and why.
import type { Command } from 'commander';
import { formatHistory } from '../../../client/format.js';
import type { CliContext } from '../../context.js';
import { type Common, common, print, run } from './shared.js';

export function registerHistory(order: Command, ctx: CliContext): void {
  common(order.command('history <id>'))
    .description('every state change of an order: when, who, from, to, why')
    .action((id: string, opts: Common) =>
      run('history', opts, ctx, async (client) => {
        const h = await client.history(id);
        print(ctx, opts, h, () => formatHistory(h));
      }),
    );
}
