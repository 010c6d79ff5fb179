// Follows an order's progress until it reaches a final state, over the
// Server-Sent Events stream. A stream that drops (a restarted server, a proxy
// timeout, a network blip) is opened again; a refusal (401, 403, 404) is not
// retried. The caller bounds the whole wait with a timeout.
import { FINAL_STATES } from '../app/ports/orders.js';
import { ApiError, type OrderView, type ProgressView, type ShredproofClient, UnreachableError } from './api-client.js';

/** The states an order never leaves: the server's own list. */
export { FINAL_STATES };

export class WaitTimeoutError extends Error {
  override readonly name = 'WaitTimeoutError';
  constructor(
    readonly seconds: number,
    readonly last: ProgressView | undefined,
  ) {
    super(`still ${last?.state ?? 'unknown'} after ${seconds} s`);
  }
}

/** The plan ended without a plan: listing failed (the order is back to draft, with the reason in `failure`), or it was cancelled. */
export class PlanFailedError extends Error {
  override readonly name = 'PlanFailedError';
  constructor(readonly order: OrderView) {
    super(`the plan of ${order.id} did not complete; the order is ${order.state}${order.failure ? `: ${order.failure}` : ''}`);
  }
}

/**
 * Polls an order while it is `planning` (a plan has no stream: `planned` is
 * not a final state); resolves with the planned order, or throws
 * PlanFailedError, or WaitTimeoutError after timeoutMs.
 */
export async function followPlan(
  client: ShredproofClient,
  id: string,
  opts: { onProgress?: (p: ProgressView) => void; timeoutMs?: number; pollMs?: number } = {},
): Promise<OrderView> {
  const end = opts.timeoutMs === undefined ? Infinity : Date.now() + opts.timeoutMs;
  for (;;) {
    const p = await client.progress(id);
    if (p.state !== 'planning') break;
    opts.onProgress?.(p);
    if (Date.now() > end) throw new WaitTimeoutError(Math.round(opts.timeoutMs! / 1000), p);
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 400));
  }
  const o = await client.getOrder(id);
  if (!o.plan || o.failure) throw new PlanFailedError(o);
  return o;
}

export interface FollowOptions {
  onProgress?: (p: ProgressView) => void;
  /** Called before each new attempt after the stream dropped, with why. */
  onReconnect?: (why: string, attempt: number) => void;
  /** The whole wait; unbounded when absent. */
  timeoutMs?: number;
  /** How long the server may stay unreachable before giving up (default 60 s). */
  maxOutageMs?: number;
  /** Progress events per stream (the server's intervalMs, default 1000). */
  intervalMs?: number;
  signal?: AbortSignal;
}

/** The server sent an event this client cannot read: following again would only read it again. */
export class StreamProtocolError extends Error {
  override readonly name = 'StreamProtocolError';
}

function parseEvent<T>(data: string): T {
  try {
    return JSON.parse(data) as T;
  } catch {
    throw new StreamProtocolError(`the progress stream sent an event that is not JSON: ${data.slice(0, 80)}`);
  }
}

/** Statuses worth another try: the server or a proxy in front of it is briefly unavailable. */
const TRANSIENT = new Set([502, 503, 504]);

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Resolves with the final state once the server's stream says `end`. */
export async function followProgress(client: ShredproofClient, id: string, opts: FollowOptions = {}): Promise<{ state: string; last: ProgressView | undefined }> {
  const deadline = new AbortController();
  const timer = opts.timeoutMs !== undefined ? setTimeout(() => deadline.abort(), opts.timeoutMs) : undefined;
  const signal = opts.signal ? AbortSignal.any([opts.signal, deadline.signal]) : deadline.signal;
  const maxOutageMs = opts.maxOutageMs ?? 60_000;
  let last: ProgressView | undefined;
  let attempt = 0;
  let unreachableSince: number | undefined;
  // Only a stream that was had is followed again: a server never reached is a wrong address, not an outage.
  let connected = false;
  const timedOut = () => new WaitTimeoutError(Math.round((opts.timeoutMs ?? 0) / 1000), last);
  try {
    for (;;) {
      let why: string;
      try {
        for await (const ev of client.progressEvents(id, { ...(opts.intervalMs ? { intervalMs: opts.intervalMs } : {}), signal })) {
          unreachableSince = undefined;
          connected = true;
          attempt = 0;
          if (ev.event === 'progress') {
            last = parseEvent<ProgressView>(ev.data);
            opts.onProgress?.(last);
          } else if (ev.event === 'end') {
            return { state: parseEvent<{ state: string }>(ev.data).state, last };
          }
        }
        why = 'the server closed the stream before the order ended';
      } catch (e) {
        if (deadline.signal.aborted) throw timedOut();
        if (opts.signal?.aborted || e instanceof StreamProtocolError) throw e;
        if (e instanceof UnreachableError) {
          if (!connected) throw e;
          unreachableSince ??= Date.now();
          if (Date.now() - unreachableSince > maxOutageMs) throw e;
          why = e.message;
        } else if (e instanceof ApiError) {
          if (!TRANSIENT.has(e.status)) throw e;
          why = e.message;
        } else {
          // The body broke off mid-stream (undici: "terminated").
          why = `the stream broke: ${(e as Error).message}`;
        }
      }
      attempt++;
      opts.onReconnect?.(why, attempt);
      await sleep(Math.min(5000, 250 * 2 ** Math.min(attempt - 1, 5)), signal);
      if (deadline.signal.aborted) throw timedOut();
      if (opts.signal?.aborted) throw opts.signal.reason;
    }
  } finally {
    clearTimeout(timer);
  }
}
