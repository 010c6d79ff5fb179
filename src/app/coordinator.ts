// The coordinator's loop: ingest finished batches, keep executing orders
// dispatched (which is also how it resumes after a restart or a Redis
// restart), and finalize orders with nothing left pending. One instance owns
// the ledger and the key; ticks never overlap.
import { FINAL_STATES, type OrderRow, type OrderState } from './ports/orders.js';
import { checkpointAudit } from './audit-checkpoints.js';
import { withdrawBatches } from './cancel-order.js';
import { dispatch } from './execute-order.js';
import type { EngineDeps } from './deps.js';
import { finalizeOrder } from './finalize-order.js';
import { ingestFinished } from './ingest.js';
import { signCheckpoint } from './transparency-log.js';

export class Coordinator {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private lastJobCheck = new Map<string, number>();
  private lastPendingCheck = new Map<string, number>();
  private lastAuditCheckpoint = 0;
  /** The last reason each order could not be finalized, so that a wait (a derived artifact's disposition) is logged once, not every tick. */
  private finalizeBlocked = new Map<string, string>();
  /** Why the log last refused to sign, so that it is logged once. */
  private logRefusal: string | undefined;
  private stopped = false;

  constructor(
    private readonly deps: EngineDeps,
    /** auditCheckpointMs: how often the audit log's head is signed when it moved (default 10 minutes). */
    private readonly opts: { intervalMs?: number; jobCheckMs?: number; auditCheckpointMs?: number } = {},
  ) {}

  /** One pass. Safe to call at any time; concurrent calls share the pass in flight. */
  tick(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<void> {
    const { deps } = this;
    let ingested = 0;
    for (let n = 1; n > 0 && !this.stopped; ingested += n) n = await ingestFinished(deps);
    const now = Date.now();
    for (const order of deps.ledger.listOrders({ state: ['executing'], limit: 1000 })) {
      const last = this.lastJobCheck.get(order.id) ?? 0;
      const checkJobs = now - last > (this.opts.jobCheckMs ?? 30_000);
      if (checkJobs) this.lastJobCheck.set(order.id, now);
      const current = await dispatch(deps, order, checkJobs);
      if (current.cancelRequestedAt) await withdrawBatches(deps, current);
      // Only after results arrived, or now and then (a lookup of the kept counts).
      const lastCount = this.lastPendingCheck.get(order.id) ?? 0;
      if (ingested === 0 && now - lastCount < 2000) continue;
      this.lastPendingCheck.set(order.id, now);
      if (deps.ledger.pendingCount(current.id) === 0) await this.finalize(current.id);
    }
    for (const order of deps.ledger.listOrders({ state: ['finalizing'], limit: 1000 })) await this.finalize(order.id);
    this.signLogCheckpoint();
    if (now - this.lastAuditCheckpoint >= (this.opts.auditCheckpointMs ?? 600_000)) {
      this.lastAuditCheckpoint = now;
      try {
        checkpointAudit(deps);
      } catch (e) {
        deps.log.error({ err: (e as Error).message }, 'could not sign an audit checkpoint; will retry');
      }
    }
  }

  /**
   * A checkpoint of the transparency log once it grew (a key, a revocation or
   * a vendor certificate logged by a command, a certificate whose receipt
   * was not written). A log whose history was changed is refused, and said
   * once, loudly: it signs nothing more until a person looks.
   */
  private signLogCheckpoint(): void {
    const { deps } = this;
    if (!deps.logKey || deps.ledger.tlog.size() === (deps.ledger.tlog.latestCheckpoint()?.size ?? 0)) return;
    try {
      signCheckpoint({ ledger: deps.ledger, clock: deps.clock, logKey: deps.logKey });
      this.logRefusal = undefined;
    } catch (e) {
      const err = (e as Error).message;
      if (this.logRefusal === err) return;
      this.logRefusal = err;
      deps.log.error({ err, code: (e as { code?: string }).code }, 'SECURITY: the transparency log refused to sign a checkpoint; will retry (logged again only if the reason changes)');
    }
  }

  private async finalize(id: string): Promise<void> {
    try {
      await finalizeOrder(this.deps, id);
      this.lastJobCheck.delete(id);
      this.lastPendingCheck.delete(id);
      this.finalizeBlocked.delete(id);
    } catch (e) {
      const err = (e as Error).message;
      if (this.finalizeBlocked.get(id) === err) return;
      this.finalizeBlocked.set(id, err);
      this.deps.log.error({ orderId: id, err }, 'finalize failed; will retry (logged again only if the reason changes)');
    }
  }

  start(): void {
    this.stopped = false;
    const loop = () => {
      if (this.stopped) return;
      this.tick()
        .catch((e) => this.deps.log.error({ err: (e as Error).message }, 'coordinator pass failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, this.opts.intervalMs ?? 200);
        });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Resolves when the order reaches a terminal state. */
  async waitFor(id: string, onTick?: (o: OrderRow) => void, pollMs = 200): Promise<OrderRow> {
    for (;;) {
      const o = this.deps.ledger.getOrder(id);
      if (!o) throw new Error(`no order ${id}`);
      onTick?.(o);
      if ((FINAL_STATES as readonly OrderState[]).includes(o.state)) return o;
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }
}
