// Progress of an order, for GET .../progress and its Server-Sent Events
// stream: counts and bytes per state, the rate over the last half minute,
// and an ETA. Counting is one indexed GROUP BY in the ledger; results are
// cached for a moment so that many watchers cost the ledger one query.
import type { EngineDeps } from '../app/deps.js';
import type { OrderRow } from '../app/ports/orders.js';
import type { ProgressCounts } from '../app/ports/results.js';

export interface ProgressView {
  orderId: string;
  state: OrderRow['state'];
  at: string;
  planning: { listed: number } | null;
  counts: Omit<ProgressCounts, 'perTarget'>;
  perTarget: ProgressCounts['perTarget'];
  rate: { objectsPerSecond: number; bytesPerSecond: number } | null;
  etaSeconds: number | null;
  elapsedSeconds: number | null;
}

interface Sample {
  t: number;
  done: number;
  bytes: number;
}

const WINDOW_MS = 30_000;
const CACHE_MS = 250;

export class ProgressService {
  private readonly listed = new Map<string, number>();
  private readonly samples = new Map<string, Sample[]>();
  private readonly cache = new Map<string, { t: number; version: string; counts: ProgressCounts }>();
  private readonly plans = new Map<string, ReturnType<EngineDeps['ledger']['planSummary']>>();

  constructor(private readonly engine: Pick<EngineDeps, 'ledger' | 'clock'>) {}

  /** The plan's listing progress, reported by the planner while it runs. */
  planListed(orderId: string, n: number | undefined): void {
    if (n === undefined) this.listed.delete(orderId);
    else this.listed.set(orderId, n);
  }

  /** Per-target totals of a plan: a scan of the inventory, done once per plan root (a plan never changes; a re-plan has a new root). */
  planTargets(order: OrderRow): ReturnType<EngineDeps['ledger']['planSummary']> {
    const key = `${order.id}:${order.planRoot}`;
    let hit = this.plans.get(key);
    if (!hit) {
      hit = this.engine.ledger.planSummary(order.id);
      this.plans.set(key, hit);
      if (this.plans.size > 1000) this.plans.delete(this.plans.keys().next().value!);
    }
    return hit;
  }

  private counts(order: OrderRow, now: number): ProgressCounts {
    // A state change (the last one: certified) always shows fresh counts.
    const version = `${order.state}@${order.updatedAt}`;
    const hit = this.cache.get(order.id);
    if (hit && hit.version === version && now - hit.t < CACHE_MS) return hit.counts;
    const counts = this.engine.ledger.progress(order.id);
    this.cache.set(order.id, { t: now, version, counts });
    if (this.cache.size > 1000) this.cache.delete(this.cache.keys().next().value!);
    return counts;
  }

  view(order: OrderRow): ProgressView {
    const nowDate = this.engine.clock.now();
    const now = nowDate.getTime();
    const { perTarget, ...counts } = this.counts(order, now);
    const done = counts.destroyed + counts.exceptions + counts.retained;
    let rate: ProgressView['rate'] = null;
    let etaSeconds: number | null = null;
    let elapsedSeconds: number | null = null;
    if (order.execStartedAt) {
      const start = Date.parse(order.execStartedAt);
      const end = order.finishedAt ? Date.parse(order.finishedAt) : now;
      elapsedSeconds = Math.max(0, (end - start) / 1000);
      const win = this.window(order.id, { t: now, done, bytes: counts.bytesDestroyed });
      const first = win[0]!;
      const last = win[win.length - 1]!;
      // The recent window when it spans a few seconds; else the average since the start.
      const [dt, dn, db] =
        last.t - first.t >= 3000 ? [(last.t - first.t) / 1000, last.done - first.done, last.bytes - first.bytes] : [elapsedSeconds, done, counts.bytesDestroyed];
      if (dt > 0) rate = { objectsPerSecond: round(dn / dt), bytesPerSecond: round(db / dt) };
      if (order.state === 'executing' && rate && rate.objectsPerSecond > 0) etaSeconds = round(counts.pending / rate.objectsPerSecond);
      if (order.finishedAt) etaSeconds = 0;
    }
    return {
      orderId: order.id,
      state: order.state,
      at: nowDate.toISOString(),
      planning: order.state === 'planning' ? { listed: this.listed.get(order.id) ?? 0 } : null,
      counts,
      perTarget,
      rate,
      etaSeconds,
      elapsedSeconds: elapsedSeconds === null ? null : round(elapsedSeconds),
    };
  }

  private window(orderId: string, s: Sample): Sample[] {
    const w = this.samples.get(orderId) ?? [];
    if (w.length === 0 || s.t - w[w.length - 1]!.t >= 1000) w.push(s);
    while (w.length > 2 && s.t - w[0]!.t > WINDOW_MS) w.shift();
    this.samples.set(orderId, w);
    if (this.samples.size > 1000) this.samples.delete(this.samples.keys().next().value!);
    return [...w.slice(0, -1), s];
  }
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
