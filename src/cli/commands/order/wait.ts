// `shredproof order wait <id>`: follows the order's progress until it ends;
// exits 0 when it is certified, 1 when it ended otherwise or --timeout passed.
import type { Command } from 'commander';
import { followProgress, WaitTimeoutError } from '../../../client/follow.js';
import { count, formatBytes } from '../../../client/format.js';
import { CliExit, type CliContext, EXIT_INVALID } from '../../context.js';
import { progressView } from '../../order-progress.js';
import { type Common, common, print, run, seconds } from './shared.js';

export function registerWait(order: Command, ctx: CliContext): void {
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
}
