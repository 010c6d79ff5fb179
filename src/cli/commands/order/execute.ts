// `shredproof order execute <id>`: sends an approved order's batches to the
// workers, without waiting (`order wait` follows it).
import type { Command } from 'commander';
import { count } from '../../../client/format.js';
import type { CliContext } from '../../context.js';
import { type Common, common, print, run } from './shared.js';

export function registerExecute(order: Command, ctx: CliContext): void {
  common(order.command('execute <id>'))
    .description('execute an approved order: its batches go to the workers (does not wait: see order wait)')
    .action((id: string, opts: Common) =>
      run('execute', opts, ctx, async (client) => {
        const o = await client.executeOrder(id);
        print(ctx, opts, o, () => [`${o.id} is ${o.state}${o.execution?.batches != null ? ` (${count(o.execution.batches, 'batch', 'batches')})` : ''}; follow it with: shredproof order wait ${o.id}`]);
      }),
    );
}
