// Execute: the approved plan becomes batch jobs on the queue. The transition
// to 'executing' is atomic, so a second execute of the same order fails.
// dispatch() is idempotent and is also how a restarted coordinator resumes.
import { randomBytes } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import { samePerson } from '@shredproof/verify';
import type { OrderRow } from './ports/orders.js';
import type { BatchJobData, OrderSpec } from './batch-types.js';
import { jobIdFor } from './batch-types.js';
import { planTargets } from './plan-targets.js';
import { planBindings } from './plan-order.js';
import type { EngineDeps } from './deps.js';
import { NotFoundError, QueueAuthError, RuleError } from './errors.js';

export function executeOrder(deps: EngineDeps, id: string, actor: string): OrderRow {
  const order = deps.ledger.getOrder(id);
  if (!order) throw new NotFoundError(`no order ${id}`);
  if (order.state !== 'approved') {
    const started = ['executing', 'finalizing', 'certified', 'certified-with-exceptions'].includes(order.state);
    throw new RuleError(started ? 'ALREADY_EXECUTED' : 'NOT_APPROVED', `order ${id} is ${order.state}; only an approved order can be executed`);
  }
  if (!order.approvedBy || samePerson(order.approvedBy, order.createdBy)) throw new RuleError('NOT_APPROVED', `order ${id} lacks an approval by a second person`);
  if (order.approvedRoot !== order.planRoot) throw new RuleError('STALE_PLAN', `order ${id} was approved for plan ${order.approvedRoot}, not the current plan ${order.planRoot}`);
  const at = deps.clock.now().toISOString();
  return deps.ledger.atomically(() => {
    const executing = deps.ledger.transition(id, ['approved'], 'executing', actor, at, { epoch: newEpoch(), execStartedAt: at }, 'execution started');
    // The plan grouped the objects into batches as it listed them: numbering every row here was
    // one long UPDATE inside this request, and stalled every API request behind it (figures:
    // bench/RESULTS.md, 'Measurements behind the code').
    const batchCount = deps.ledger.plannedBatchCount(id) ?? deps.ledger.assignBatches(id, deps.batchSize);
    return deps.ledger.patch(id, { batchCount }, at) ?? executing;
  });
}

export function newEpoch(): string {
  return randomBytes(6).toString('hex');
}

const DEFAULT_SPEC_TTL_S = 6 * 3600;

function specOf(deps: EngineDeps, order: OrderRow): OrderSpec {
  const targets = planTargets(order);
  const ttl = deps.specTtlSeconds ?? DEFAULT_SPEC_TTL_S;
  const bindings = planBindings(deps.ledger, order.id);
  return {
    orderId: order.id,
    epoch: order.epoch!,
    planRoot: order.approvedRoot!,
    // A derived artifact's target carries the holds of its backend under its own name (plan-targets.ts).
    targets: Object.fromEntries(targets.map((t) => [t.name, { backend: t.backend, scope: t.scope, ...(bindings[t.name] ? { binding: bindings[t.name] } : {}) }])),
    holds: targets.flatMap((t) => t.holds),
    expiresAt: new Date(deps.clock.now().getTime() + ttl * 1000).toISOString(),
  };
}

/**
 * The spec in Redis, if it is this coordinator's. A value that does not
 * verify was written by someone else: it is replaced with the real one (the
 * run's state is not lost for that, so no new epoch), and logged.
 */
async function currentSpec(deps: EngineDeps, order: OrderRow): Promise<OrderSpec | undefined | 'forged'> {
  try {
    return await deps.queue.store.readSpec(order.id);
  } catch (e) {
    if (!(e instanceof QueueAuthError)) throw e;
    deps.log.error({ orderId: order.id, err: e.message }, 'SECURITY: the order spec in Redis was not written by this coordinator; replacing it');
    return 'forged';
  }
}

/**
 * Makes sure that Redis holds this epoch's spec and a job for every batch
 * with pending objects. If the order was dispatched before and its spec is
 * gone, Redis lost the run's state: every pending object may have been
 * destroyed without a surviving intent, so they are marked uncertain (an
 * absent one becomes an exception, never a record) and a new epoch starts.
 */
export async function dispatch(deps: EngineDeps, order: OrderRow, checkJobs: boolean): Promise<OrderRow> {
  const spec = await currentSpec(deps, order);
  let current = order;
  const ttlMs = (deps.specTtlSeconds ?? DEFAULT_SPEC_TTL_S) * 1000;
  if (spec === 'forged' || (spec && spec.epoch === order.epoch && Date.parse(spec.expiresAt) - deps.clock.now().getTime() < ttlMs / 2)) {
    // Renewed at half its life, so that workers never find it expired while this coordinator runs.
    await deps.queue.store.publishSpec(specOf(deps, current));
    checkJobs = checkJobs || spec === 'forged';
  } else if (!spec || spec.epoch !== order.epoch) {
    const at = deps.clock.now().toISOString();
    if (order.dispatchedAt) {
      const n = deps.ledger.markPendingUncertain(order.id);
      deps.log.error({ orderId: order.id, uncertain: n }, 'Redis lost this order\'s execution state; starting a new epoch (pending objects that are already gone become exceptions)');
      current = deps.ledger.patch(order.id, { epoch: newEpoch(), failure: `Redis lost the execution state at ${at}; ${n} objects were in flight` }, at);
    }
    await deps.queue.store.publishSpec(specOf(deps, current));
    current = deps.ledger.patch(order.id, { dispatchedAt: current.dispatchedAt ?? at }, at);
    checkJobs = true;
  }
  // A cancelled execution gets no new jobs; the coordinator withdraws the waiting ones.
  if (checkJobs && !current.cancelRequestedAt) {
    const batches = deps.ledger.pendingBatches(order.id);
    const ids = batches.map((b) => jobIdFor(order.id, current.epoch!, b));
    const existing = await deps.queue.existing(ids);
    const missing = batches.filter((_, k) => !existing.has(ids[k]!));
    // About 2,000 objects per query and per enqueue, and a turn of the event loop after each: the
    // API shares this thread. Reading the pending objects of a large order takes long in all; in
    // larger chunks with only the enqueue's await between them, API requests waited for the whole
    // dispatch (figures: bench/RESULTS.md, 'Measurements behind the code').
    // Sized by the objects per batch that the plan made (the batch size may have been configured
    // differently since), from the kept counts, not from SHREDPROOF_BATCH_SIZE.
    const perBatch = Math.max(1, deps.ledger.progress(order.id).pending / Math.max(1, batches.length));
    const per = Math.max(1, Math.min(100, Math.floor(2_000 / perBatch)));
    for (let i = 0; i < missing.length; i += per) {
      // A cancel may arrive between two chunks: stop enqueueing, and let the caller see it.
      const fresh = deps.ledger.getOrder(order.id);
      if (fresh?.cancelRequestedAt) {
        current = fresh;
        break;
      }
      const chunk = new Set(missing.slice(i, i + per));
      const jobs = new Map<number, Omit<BatchJobData, 'mac'>>();
      for (const row of deps.ledger.pendingInBatches(order.id, Math.min(...chunk), Math.max(...chunk))) {
        if (!chunk.has(row.batch)) continue;
        let job = jobs.get(row.batch);
        if (!job) jobs.set(row.batch, (job = { orderId: order.id, epoch: current.epoch!, target: row.target, batch: row.batch, items: [] }));
        job.items.push({ seq: row.seq, locator: row.locator, size: row.size });
      }
      await deps.queue.enqueue([...jobs.values()]);
      await setImmediate(); // after the I/O that came in meanwhile: HTTP requests are answered between chunks
    }
    if (missing.length > 0) deps.log.info({ orderId: order.id, jobs: missing.length }, 'batches enqueued');
  }
  return current;
}
