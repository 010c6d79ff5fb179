// The lifecycle of a long-running process (`serve`, `worker`): SIGTERM and
// SIGINT close everything gracefully. They are listened for from the start, so
// that a stop while start-up still waits for Redis ends the process cleanly too.
import type { Logger } from '../log.js';

/** The first SIGTERM or SIGINT: `signal` aborts a start-up in progress, `requested` resolves. */
export interface StopRequest {
  signal: AbortSignal;
  requested: Promise<void>;
}

export function listenForStop(log: Logger): StopRequest {
  const ac = new AbortController();
  const requested = new Promise<void>((resolve) => {
    const handler = (sig: string) => {
      if (ac.signal.aborted) return;
      log.info({ signal: sig }, 'shutting down');
      ac.abort();
      resolve();
    };
    process.once('SIGTERM', () => handler('SIGTERM'));
    process.once('SIGINT', () => handler('SIGINT'));
  });
  return { signal: ac.signal, requested };
}

/** Waits for the stop, then closes; what fails while closing is logged, not thrown. */
export async function closeOnStop(log: Logger, stop: StopRequest, close: () => Promise<void>): Promise<void> {
  await stop.requested;
  await close().catch((e) => log.error({ err: (e as Error).message }, 'error while shutting down'));
}
