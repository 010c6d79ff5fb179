// What `shredproof order plan` and `order wait` show while they wait: a line
// that rewrites itself on a terminal (a bar while the order executes, with
// the server's rate and ETA), and otherwise a complete line at each change of
// state and every few seconds.
import type { ProgressView } from '../client/api-client.js';
import { formatBytes, formatProgressLine } from '../client/format.js';
import type { CliContext } from './context.js';
import { type Progress, progressBar } from './progress.js';

/** A status line that rewrites itself on a terminal and prints now and then otherwise. */
export function statusLine(ctx: CliContext, everyMs: number): { show(line: string, force?: boolean): void; done(): void } {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let shown = '';
  return {
    show(line, force = false) {
      if (tty) {
        process.stderr.write(`\r\x1b[K${line}`);
        shown = line;
        return;
      }
      if (!force && Date.now() - last < everyMs) return;
      last = Date.now();
      ctx.err(line);
    },
    done() {
      if (tty && shown) process.stderr.write('\n');
    },
  };
}

/**
 * Draws progress while an order runs: a bar on a terminal while it executes
 * (as demo does, but with the server's rate and ETA: this client may join a
 * run halfway), a line at each change of state and every few seconds otherwise.
 */
export function progressView(ctx: CliContext): { update(p: ProgressView): void; note(s: string): void; stop(): void } {
  const tty = process.stderr.isTTY === true;
  const line = statusLine(ctx, 5000);
  let bar: Progress | undefined;
  let state = '';
  const counts = (p: ProgressView) => {
    const c = p.counts;
    return { done: c.destroyed + c.exceptions + c.retained, total: c.total, detail: `destroyed ${c.destroyed}, exceptions ${c.exceptions}` };
  };
  return {
    update(p) {
      const changed = p.state !== state;
      state = p.state;
      const { done, total, detail } = counts(p);
      if (tty && p.state === 'executing' && total > 0) {
        bar ??= progressBar('execute');
        const rate = p.rate ? { perSecond: p.rate.objectsPerSecond, etaSeconds: p.etaSeconds, extra: `${formatBytes(p.rate.bytesPerSecond)}/s` } : { perSecond: null, etaSeconds: p.etaSeconds };
        bar.update(done, total, detail, rate);
        return;
      }
      if (bar && changed) {
        bar.finish(done, total, detail);
        bar = undefined;
      }
      line.show(formatProgressLine(p), changed);
    },
    note: (s) => ctx.err(s),
    stop() {
      if (bar) process.stderr.write('\n'); // the stream ended mid-run (timeout): keep the last bar drawn
      line.done();
    },
  };
}
