// Progress a person can watch: a bar on a terminal, a line every few seconds otherwise.
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, total: number, detail?: string): void;
  stop(): void;
}

export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted} {detail}`, stream, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    const t0 = Date.now();
    return {
      update(done, total, detail = '') {
        const rate = Math.round(done / Math.max(0.001, (Date.now() - t0) / 1000));
        if (!started) {
          bar.start(total, done, { rate, detail });
          started = true;
        } else {
          bar.setTotal(total);
          bar.update(done, { rate, detail });
        }
      },
      stop: () => started && bar.stop(),
    };
  }
  let last = 0;
  return {
    update(done, total, detail = '') {
      const now = Date.now();
      if (now - last < 2000 && done < total) return;
      last = now;
      stream.write(`${label}: ${done}/${total}${detail ? ' ' + detail : ''}\n`);
    },
    stop() {},
  };
}
