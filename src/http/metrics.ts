// /metrics (Prometheus text format, prom-client): what the engine did
// (objects and bytes destroyed, exceptions, phase durations), what
// waits (queue depth, orders per state), and the API's own request timings.
// One registry per app, so tests and several apps in one process never mix.
import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EngineDeps, EngineMetrics } from '../engine/engine-deps.js';
import type { ItemResult } from '../ledger/ledger.js';

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

  constructor(engine: Pick<EngineDeps, 'queue' | 'ledger'>) {
    collectDefaultMetrics({ register: this.registry, prefix: 'shredproof_process_' });
    new Gauge({
      name: 'shredproof_queue_jobs',
      help: 'Batch jobs in the queue by state',
      labelNames: ['state'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const [state, n] of Object.entries(await engine.queue.depth())) this.set({ state }, n);
      },
    });
    new Gauge({
      name: 'shredproof_orders',
      help: 'Orders by state',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [state, n] of Object.entries(engine.ledger.orderCounts())) this.set({ state }, n);
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
