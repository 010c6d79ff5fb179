// A client polling an API endpoint at a steady rate, as a status page or a
// script watching an order does: open loop (each request is sent on its
// schedule whether or not the earlier ones were answered) and latency counted
// from the scheduled time, so that a stalled server cannot hide its stall by
// slowing the client down. Stops when an answer says to (`until`).
import { Agent, get as httpGet } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { round, sleep } from './procs.js';

export interface PollStats {
  n: number;
  p50: number;
  p99: number;
  max: number;
  seconds: number;
  /** failures by cause, e.g. "3 HTTP 503"; empty when none */
  failed: string;
  /** this process's own event-loop delay, max over the window (ms): a stall here is counted as server latency */
  clientLoopMax: number;
}

export function quantiles(l: number[]): { n: number; p50: number; p99: number; max: number } {
  l.sort((x, y) => x - y);
  const q = (f: number) => round(l[Math.max(0, Math.ceil(f * l.length) - 1)] ?? NaN);
  return { n: l.length, p50: q(0.5), p99: q(0.99), max: q(1) };
}

/**
 * GET url + path with `token`, `rate` times a second, until `until(body)` is
 * true for a 200 answer's JSON body or `timeoutMs` passes (then it throws).
 * Answers to requests sent before the stop count too.
 */
export async function pollAtRate(url: string, path: string, token: string, rate: number, until: (body: unknown) => boolean, timeoutMs: number): Promise<PollStats> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const headers = { authorization: `Bearer ${token}` };
  const lat: number[] = [];
  const failed = new Map<string, number>();
  const fail = (why: string) => failed.set(why, (failed.get(why) ?? 0) + 1);
  const inflight = new Set<Promise<void>>();
  let stopped = false;
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const t0 = performance.now();
  const interval = 1000 / rate;
  try {
    for (let k = 0; !stopped; k++) {
      if (performance.now() - t0 > timeoutMs) throw new Error(`${path}: no answer ended the polling in ${timeoutMs / 1000} s`);
      const due = t0 + k * interval;
      while (!stopped && due - performance.now() > 1) await sleep(Math.min(50, due - performance.now()));
      if (stopped) break;
      const p = new Promise<void>((resolve) => {
        const req = httpGet(url + path, { agent, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (b: Buffer) => chunks.push(b));
          res.once('end', () => {
            lat.push(performance.now() - due);
            if (res.statusCode !== 200) fail(`HTTP ${res.statusCode}`);
            else if (until(JSON.parse(Buffer.concat(chunks).toString('utf8')))) stopped = true;
            resolve();
          });
        });
        req.setTimeout(30_000, () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
        req.once('error', (err: NodeJS.ErrnoException) => {
          fail(err.code ?? err.message);
          resolve();
        });
      });
      inflight.add(p);
      void p.then(() => inflight.delete(p));
    }
    const seconds = (performance.now() - t0) / 1000;
    await Promise.all(inflight);
    return { ...quantiles(lat), seconds, failed: [...failed].map(([k, v]) => `${v} ${k}`).join(', '), clientLoopMax: round(loop.max / 1e6) };
  } finally {
    loop.disable();
    agent.destroy();
  }
}
