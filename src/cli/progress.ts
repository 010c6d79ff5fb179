// Progress a person can watch. On a terminal: one line redrawn in place, with
// a bar, done/total, the rate and the time left. Anywhere else (a pipe, a log
// file): a complete line every few seconds, and always a final one, so that a
// log never ends on a stale count.
//
// The rate is measured over the last seconds of updates, and shown only once
// a second has passed: the first update after a fast start would otherwise
// claim 1000000/s, and a rate of zero an infinite ETA.
import { formatSeconds } from '../client/format.js';

/** Where progress goes: process.stderr, or a stand-in with the same members in tests. */
export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  stream?: ProgressStream;
  /** Not a terminal: at most one line this often; the first and the final lines always. */
  everyMs?: number;
  now?: () => number;
}

/** A rate known elsewhere (a server measures its own): shown instead of the one measured here. */
export interface KnownRate {
  perSecond: number | null;
  etaSeconds: number | null;
  /** Added after the rate, e.g. bytes per second. */
  extra?: string;
}

export interface Progress {
  update(done: number, total: number, detail?: string, rate?: KnownRate): void;
  /** The final state, always shown: on a terminal the bar at its end and a newline. */
  finish(done: number, total: number, detail?: string): void;
}

const WINDOW_MS = 5_000;
const REDRAW_MS = 100;
const BAR = 30;
const MIN_BAR = 6;

export function formatRate(perSecond: number | null): string {
  if (perSecond === null || !Number.isFinite(perSecond)) return '-/s';
  return `${perSecond < 10 ? perSecond.toFixed(1) : Math.round(perSecond)}/s`;
}

const percent = (done: number, total: number) => (total <= 0 ? 100 : Math.min(100, Math.floor((100 * done) / total)));

/** Rate over the updates of the last WINDOW_MS, once they span a second; null before. */
class RateMeter {
  private samples: Array<{ t: number; done: number }> = [];

  sample(t: number, done: number): number | null {
    const last = this.samples[this.samples.length - 1];
    if (last && done < last.done) this.samples = []; // went back (a new plan): start again
    this.samples.push({ t, done });
    while (this.samples.length > 2 && t - this.samples[1]!.t >= WINDOW_MS) this.samples.shift();
    const first = this.samples[0]!;
    const span = (t - first.t) / 1000;
    return span >= 1 ? (done - first.done) / span : null;
  }
}

export function progressBar(label: string, opts: ProgressOptions = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  const now = opts.now ?? Date.now;
  const meter = new RateMeter();
  const t0 = now();
  let start: number | undefined;
  let lastShown = -Infinity;

  const rateOf = (done: number, total: number, known: KnownRate | undefined): KnownRate => {
    const perSecond = meter.sample(now(), done);
    if (known) return known;
    return { perSecond, etaSeconds: perSecond !== null && perSecond > 0 ? Math.max(0, total - done) / perSecond : null };
  };
  const rateText = (r: KnownRate) => `${formatRate(r.perSecond)}${r.extra ? `, ${r.extra}` : ''}`;
  const etaText = (r: KnownRate) => (r.etaSeconds !== null && Number.isFinite(r.etaSeconds) ? formatSeconds(r.etaSeconds) : '-');
  /** The final line's rate: the average since the first update, if that spans a second. */
  const average = (done: number) => {
    const s = (now() - t0) / 1000;
    return { seconds: s, perSecond: s >= 1 ? (done - (start ?? 0)) / s : null };
  };

  if (stream.isTTY) {
    /** One line, redrawn in place; the bar takes what the columns leave (a wrapped line could not be redrawn). */
    const draw = (done: number, total: number, rest: string, final = false) => {
      // A terminal without a size (columns 0: a pty nobody sized) is taken as 80 wide.
      const max = (stream.columns && stream.columns >= 20 ? stream.columns : 80) - 1;
      const tail = `] ${String(percent(done, total)).padStart(3)}% ${done}/${total}, ${rest}`;
      const head = `${label.padEnd(7)} [`;
      const width = Math.max(MIN_BAR, Math.min(BAR, max - head.length - tail.length));
      const filled = total <= 0 ? width : Math.min(width, Math.floor((width * done) / total));
      const line = `${head}${'#'.repeat(filled)}${'-'.repeat(width - filled)}${tail}`;
      // The final line may wrap: nothing redraws it.
      stream.write(final ? `\r\x1b[K${line}\n` : `\r\x1b[K${line.length > max ? line.slice(0, max) : line}`);
    };
    return {
      update(done, total, detail = '', known) {
        start ??= done;
        const r = rateOf(done, total, known);
        const t = now();
        if (t - lastShown < REDRAW_MS && done < total) return;
        lastShown = t;
        draw(done, total, `${rateText(r)}, ETA ${etaText(r)}${detail ? `, ${detail}` : ''}`);
      },
      finish(done, total, detail = '') {
        const a = average(done);
        draw(done, total, `done in ${a.seconds.toFixed(1)} s${a.perSecond !== null ? `, ${formatRate(a.perSecond)}` : ''}${detail ? `; ${detail}` : ''}`, true);
      },
    };
  }

  const everyMs = opts.everyMs ?? 2000;
  return {
    update(done, total, detail = '', known) {
      start ??= done;
      const r = rateOf(done, total, known);
      const t = now();
      if (t - lastShown < everyMs) return;
      lastShown = t;
      stream.write(`${label}: ${done}/${total} (${percent(done, total)}%), ${rateText(r)}, ETA ${etaText(r)}${detail ? `; ${detail}` : ''}\n`);
    },
    finish(done, total, detail = '') {
      const a = average(done);
      stream.write(`${label}: ${done}/${total} (${percent(done, total)}%) finished in ${a.seconds.toFixed(1)} s${a.perSecond !== null ? `, ${formatRate(a.perSecond)} on average` : ''}${detail ? `; ${detail}` : ''}\n`);
    },
  };
}
