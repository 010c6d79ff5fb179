// /metrics (Prometheus text format, prom-client): what the engine did
// (objects and bytes destroyed, exceptions, phase durations), what
// waits (queue depth, live workers, orders per state, overdue orders), the API's own request
// timings, and Node's process metrics under the names Node dashboards expect
// (process_cpu_seconds_total, nodejs_heap_size_used_bytes, ...).
// One registry per app, so tests and several apps in one process never mix.
// At the end: the scrape listener, a port of its own for Prometheus.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Config } from '../config/config.js';
import type { EngineDeps } from '../app/deps.js';
import type { EngineMetrics } from '../app/ports/metrics.js';
import { ORDER_STATES, type OrderCounts } from '../app/ports/orders.js';
import type { ItemResult } from '../app/ports/results.js';
import { checkPrivateFile } from '../adapters/queue/queue-key.js';
import { createHttpServer, type Problem, sendProblem } from './http-server.js';

/** What a scrape asks the queue. `workers` is optional: a queue that cannot count its workers has no workers gauge. */
export interface QueueReadings {
  depth(): Promise<Record<string, number>>;
  workers?(): Promise<number>;
}

/** How long a scrape waits for Redis before it answers without the queue's numbers (shredproof_queue_up 0). */
export const QUEUE_SCRAPE_TIMEOUT_MS = 2000;

interface QueueSnapshot {
  depth: Record<string, number> | undefined;
  workers: number | undefined;
}

export class ApiMetrics implements EngineMetrics {
  readonly registry = new Registry();
  private readonly destroyed = new Counter({ name: 'shredproof_objects_destroyed_total', help: 'Objects destroyed and recorded', labelNames: ['target'], registers: [this.registry] });
  private readonly bytes = new Counter({ name: 'shredproof_bytes_destroyed_total', help: 'Bytes of content destroyed and recorded', labelNames: ['target'], registers: [this.registry] });
  private readonly exceptions = new Counter({ name: 'shredproof_object_exceptions_total', help: 'Objects that ended as exceptions (not destroyed by this run, or not provably)', labelNames: ['target', 'code'], registers: [this.registry] });
  private readonly phases = new Histogram({
    name: 'shredproof_phase_duration_seconds',
    help: 'Duration of order phases',
    labelNames: ['phase'],
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 24 * 3600],
    registers: [this.registry],
  });
  private readonly http = new Histogram({
    name: 'shredproof_http_request_duration_seconds',
    help: 'API request durations by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [this.registry],
  });
  /** The queue's numbers for the scrape under way: the gauges that need Redis share one round of questions. */
  private pending: Promise<QueueSnapshot> | undefined;
  /** The ledger's counts for the scrape under way: the two order gauges share one query. */
  private counting: Promise<OrderCounts> | undefined;

  constructor(
    engine: { queue: QueueReadings; ledger: Pick<EngineDeps['ledger'], 'orderCounts'>; clock: EngineDeps['clock'] },
    opts: { queueTimeoutMs?: number } = {},
  ) {
    // No prefix: process_cpu_seconds_total, process_resident_memory_bytes, nodejs_eventloop_lag_p99_seconds...
    collectDefaultMetrics({ register: this.registry });
    const queue = engine.queue;
    const timeoutMs = opts.queueTimeoutMs ?? QUEUE_SCRAPE_TIMEOUT_MS;
    const snapshot = () => (this.pending ??= askQueue(queue, timeoutMs).finally(() => (this.pending = undefined)));
    new Gauge({
      name: 'shredproof_queue_up',
      help: 'Whether Redis told this scrape the queue\'s depth in time (1) or not (0: shredproof_queue_jobs has no values)',
      registers: [this.registry],
      async collect() {
        this.set((await snapshot()).depth ? 1 : 0);
      },
    });
    new Gauge({
      name: 'shredproof_queue_jobs',
      help: 'Batch jobs in the queue by state',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const [state, n] of Object.entries((await snapshot()).depth ?? {})) this.set({ state }, n);
      },
    });
    if (typeof queue.workers === 'function') {
      new Gauge({
        name: 'shredproof_queue_workers',
        help: 'Workers connected to the queue, as Redis sees them',
        registers: [this.registry],
        async collect() {
          const n = (await snapshot()).workers;
          // No value rather than 0 when Redis did not say (down, slow, or CLIENT LIST not allowed): 0 would read as "every worker is gone".
          if (n === undefined) this.remove();
          else this.set(n);
        },
      });
    }
    const counts = () => (this.counting ??= Promise.resolve().then(() => engine.ledger.orderCounts(engine.clock.now())).finally(() => (this.counting = undefined)));
    new Gauge({
      name: 'shredproof_orders',
      help: 'Orders by state (every state, 0 included)',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        const { byState } = await counts();
        // Every state, with 0: a series that vanishes when its last order moves on reads as "no data", not as none.
        for (const state of ORDER_STATES) this.set({ state }, byState[state] ?? 0);
      },
    });
    new Gauge({
      name: 'shredproof_orders_overdue',
      help: 'Orders whose deadline has passed and that are not in a final state (certified, certified-with-exceptions, failed, cancelled)',
      registers: [this.registry],
      async collect() {
        this.set((await counts()).overdue);
      },
    });
  }

  ingested(target: string, results: readonly ItemResult[]): void {
    let n = 0;
    let bytes = 0;
    for (const r of results) {
      if (r.kind === 'destroyed') {
        n++;
        bytes += r.size;
      } else if (r.kind === 'exception') this.exceptions.inc({ target, code: r.code });
      // Held objects are set aside when the plan is made, not here: they are in the order's progress, not a rate.
    }
    if (n > 0) {
      this.destroyed.inc({ target }, n);
      this.bytes.inc({ target }, bytes);
    }
  }

  phase(phase: 'plan' | 'execute' | 'finalize', seconds: number): void {
    this.phases.observe({ phase }, seconds);
  }

  /** Times a request under its route pattern (never the raw URL: ids would explode the label set). */
  httpTimer(route: string): RequestHandler {
    return (req, res, next) => {
      const end = this.http.startTimer({ method: req.method, route });
      res.once('finish', () => end({ status: String(res.statusCode) }));
      next();
    };
  }
}

/**
 * Depth and workers, each undefined when Redis fails to answer it or takes
 * longer than timeoutMs: a dead Redis must not hang the scrape. The two fail
 * apart: counting workers needs CLIENT LIST, which a Redis user may lack.
 */
async function askQueue(queue: QueueReadings, timeoutMs: number): Promise<QueueSnapshot> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  const bounded = <T>(ask: () => Promise<T>): Promise<T | undefined> =>
    Promise.race([
      Promise.resolve()
        .then(ask)
        .catch(() => undefined),
      late,
    ]);
  try {
    const [depth, workers] = await Promise.all([bounded(() => queue.depth()), queue.workers ? bounded(() => queue.workers!()) : undefined]);
    return { depth, workers };
  } finally {
    clearTimeout(timer);
  }
}

// The scrape listener (SHREDPROOF_METRICS_PORT): GET /metrics for Prometheus,
// on a port of its own, so that Prometheus needs no person's API token. Beyond
// loopback it requires the scrape token of SHREDPROOF_METRICS_TOKEN_FILE
// (config.ts refuses the one without the other).

/** The scrape token: one line of at least 32 characters, in a file only its owner may read. */
export function loadScrapeToken(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the metrics scrape token ${path}: ${(e as Error).message}`);
  }
  checkPrivateFile(path, 'metrics scrape token');
  const token = text.trim();
  if (!/^[\x21-\x7e]{32,512}$/.test(token)) {
    throw new Error(`metrics scrape token ${path}: want one line of 32 to 512 printable characters without spaces (such as \`openssl rand -hex 32\`), found ${token.length} characters`);
  }
  return token;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/** Answers GET /metrics from the registry; with a token, only to `Authorization: Bearer <token>`. */
export function scrapeListener(metrics: ApiMetrics, token: string | undefined): RequestListener {
  // Compared as SHA-256 digests: equal lengths for timingSafeEqual, and no timing that depends on the presented value.
  const want = token === undefined ? undefined : sha256(token);
  const problem = (res: ServerResponse, status: number, code: Problem['code'], title: string, headers: Record<string, string> = {}) => sendProblem(res, { status, code, title }, headers);
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') return problem(res, 404, 'NOT_FOUND', 'Not found: this port answers only GET /metrics');
    if (req.method !== 'GET' && req.method !== 'HEAD') return problem(res, 405, 'METHOD_NOT_ALLOWED', 'Method not allowed', { Allow: 'GET, HEAD' });
    if (want) {
      const m = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '');
      if (!m || !timingSafeEqual(sha256(m[1]!), want)) {
        return problem(res, 401, 'UNAUTHENTICATED', 'Authentication required', { 'WWW-Authenticate': 'Bearer realm="shredproof-metrics"' });
      }
    }
    metrics.registry.metrics().then(
      (body) => res.writeHead(200, { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' }).end(req.method === 'HEAD' ? undefined : body),
      () => problem(res, 500, 'INTERNAL', 'The metrics could not be collected'),
    );
  };
}

/** Starts the scrape listener of config.metrics (its port is set); resolves once it listens. */
export async function listenForScrapes(metrics: ApiMetrics, settings: Config['metrics']): Promise<Server> {
  if (settings.port === undefined) throw new Error('no SHREDPROOF_METRICS_PORT: the scrape listener is off');
  const token = settings.tokenFile === undefined ? undefined : loadScrapeToken(settings.tokenFile);
  const server = createHttpServer(scrapeListener(metrics, token), { bodyLimitBytes: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(new Error(`cannot listen for metrics scrapes on ${settings.host}:${settings.port}: ${e.code === 'EADDRINUSE' ? 'the address is in use' : e.message}`)));
    server.listen(settings.port, settings.host, () => resolve());
  });
  return server;
}
