// `shredproof order plan <id>`: starts planning, then follows it until the
// inventory is committed (unless --no-wait) and prints the plan to approve.
import type { Command } from 'commander';
import type { OrderView, ShredproofClient } from '../../../client/api-client.js';
import { followPlan, PlanFailedError, WaitTimeoutError } from '../../../client/follow.js';
import { count, formatPlan, formatProgressLine } from '../../../client/format.js';
import { CliExit, type CliContext, EXIT_INVALID } from '../../context.js';
import { statusLine } from '../../order-progress.js';
import { type Common, common, print, run, seconds } from './shared.js';

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

export function registerPlan(order: Command, ctx: CliContext): void {
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
}
