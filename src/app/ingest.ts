// Ingest: turn finished batch jobs into ledger results, then forget them in
// Redis. Applying results only changes pending objects, so a batch ingested
// twice (the coordinator died between the ledger commit and the removal)
// changes nothing the second time.
//
// The rule for an object's fate, in one place:
//   outcome destroyed                     -> destroyed (hash from the intent)
//   outcome absent, with an intent        -> destroyed, attributes.recovered = "true":
//                                            this run hashed it and was destroying it; it is gone
//   outcome absent, no intent             -> exception ABSENT (gone before this run touched it),
//                                            or OUTCOME_LOST if Redis lost the state while it was in flight
//   outcome retained / exception          -> as recorded
//   no outcome (the job failed for good,  -> probe: absent with an intent -> destroyed (recovered);
//   or was withdrawn by a cancel)            otherwise exception JOB_FAILED (or CANCELLED)
import type { ItemResult } from './ports/results.js';
import type { FinishedJob } from './ports/execution-queue.js';
import type { Intent, Outcome } from './batch-types.js';
import { planTarget } from './plan-targets.js';
import type { EngineDeps } from './deps.js';
import { QueueAuthError } from './errors.js';
import { planBindings } from './plan-order.js';

function destroyedResult(seq: number, intent: Intent, at: string, recovered: boolean): ItemResult {
  const attributes = { ...(intent.attributes ?? {}), ...(recovered ? { recovered: 'true' } : {}) };
  return {
    kind: 'destroyed',
    seq,
    sha256: intent.sha256,
    size: intent.size,
    destroyedAt: at,
    method: intent.method,
    ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
  };
}

function decide(seq: number, uncertain: boolean, intent: Intent | undefined, o: Outcome): ItemResult {
  switch (o.s) {
    case 'destroyed':
      if (!intent) return { kind: 'exception', seq, code: 'INTENT_MISSING', reason: 'reported destroyed without a recorded content hash; not certified' };
      return destroyedResult(seq, intent, o.at, false);
    case 'absent':
      if (intent) return destroyedResult(seq, intent, o.at, true);
      return uncertain
        ? { kind: 'exception', seq, code: 'OUTCOME_LOST', reason: 'absent when processed again after Redis lost the run\'s state: this run may have destroyed it, but its content-hash record was lost, so it is not certified' }
        : { kind: 'exception', seq, code: 'ABSENT', reason: 'already absent when this run went to hash it; not destroyed by this run' };
    case 'retained':
      return { kind: 'retained', seq, holdId: o.holdId };
    case 'exception':
      return { kind: 'exception', seq, code: o.code, reason: o.reason };
  }
}

/** A batch that ended, as the coordinator knows it: the objects come from the ledger, not from Redis. */
export interface EndedBatch {
  orderId: string;
  epoch: string;
  batch: number;
  target: string;
  /** The BullMQ job to remove once ingested. */
  jobId: string;
  failed: boolean;
  failedReason: string | undefined;
  /** For batches withdrawn by a cancel: the code of the exceptions for what has no outcome. */
  exceptionCode?: string;
}

/**
 * Ingests a finished job from Redis once it authenticates. One that does not
 * was not made by this coordinator: it is removed without a trace in the
 * ledger, and the next job check enqueues the real batch again if it is missing.
 */
export async function ingestJob(deps: EngineDeps, job: FinishedJob): Promise<void> {
  try {
    deps.queue.auth.verifyJob(job.data);
  } catch (e) {
    if (!(e instanceof QueueAuthError)) throw e;
    deps.log.error({ jobId: job.id, err: e.message }, 'SECURITY: removed a batch job that this coordinator did not make');
    await deps.queue.remove(job.id);
    return;
  }
  const { orderId, epoch, batch, target } = job.data;
  await ingestBatch(deps, { orderId, epoch, batch, target, jobId: job.id, failed: job.failed, failedReason: job.failedReason });
}

/** What an intent says about the object, against what the plan listed: a size that differs must be reported as a change. */
function planMismatch(intent: Intent, plannedSize: number): string | undefined {
  if (intent.size === plannedSize || intent.changedSincePlan === true) return undefined;
  return `the worker reported ${intent.size} bytes for an object planned at ${plannedSize} bytes without reporting a change; not certified`;
}

export async function ingestBatch(deps: EngineDeps, job: EndedBatch): Promise<void> {
  const { orderId, epoch, batch } = job;
  const order = deps.ledger.getOrder(orderId);
  if (!order || order.state !== 'executing' || order.epoch !== epoch) {
    // A job of a cancelled order or of an epoch that Redis lost: nothing to ingest.
    await deps.queue.remove(job.jobId);
    return;
  }
  const state = await deps.queue.store.readBatch(orderId, epoch, batch);
  if (state.rejected > 0) {
    deps.log.error({ orderId, batch, rejected: state.rejected }, 'SECURITY: batch state in Redis that no worker of this deployment wrote was ignored');
  }
  // The pending objects of this batch, from the ledger: results for anything else are never applied.
  const items = deps.ledger.batchItems(orderId, batch);
  const results: ItemResult[] = [];
  const unresolved: typeof items = [];
  for (const item of items) {
    const o = state.outcomes.get(item.seq);
    const intent = state.intents.get(item.seq);
    const mismatch = intent && planMismatch(intent, item.size);
    if (mismatch) results.push({ kind: 'exception', seq: item.seq, code: 'OUTCOME_MISMATCH', reason: mismatch });
    else if (o) results.push(decide(item.seq, item.uncertain, intent, o));
    else unresolved.push(item);
  }
  if (unresolved.length > 0) {
    const reason = job.exceptionCode ? (job.failedReason ?? job.exceptionCode) : `the batch job failed after all retries: ${job.failedReason ?? 'no outcome was recorded'}`;
    const withIntent = unresolved.filter((i) => state.intents.has(i.seq));
    const gone = new Set<number>();
    if (withIntent.length > 0) {
      const t = planTarget(order, job.target)!;
      // With the plan's binding: absent under another root proves nothing.
      const session = await deps.backends.get(t.backend).openTarget(t.scope, t.holds, planBindings(deps.ledger, orderId)[t.name]);
      try {
        const probes = await session.probe(withIntent);
        withIntent.forEach((i, k) => {
          // Only a probe that answers absent counts: an error (a reset, a timeout) is no proof of absence.
          if (probes[k]!.status === 'absent') gone.add(i.seq);
        });
      } finally {
        await session.close();
      }
    }
    const at = deps.clock.now().toISOString();
    for (const item of unresolved) {
      const intent = state.intents.get(item.seq);
      results.push(intent && gone.has(item.seq) ? destroyedResult(item.seq, intent, at, true) : { kind: 'exception', seq: item.seq, code: job.exceptionCode ?? 'JOB_FAILED', reason });
    }
  }
  deps.ledger.applyResults(orderId, results);
  deps.metrics?.ingested(job.target, results);
  // Only after the ledger has committed: forget the job and its batch state.
  await deps.queue.remove(job.jobId);
  await deps.queue.store.deleteBatch(orderId, epoch, batch);
  deps.log.debug({ orderId, batch, results: results.length, failed: job.failed }, 'batch ingested');
}

/** Ingests up to `limit` finished jobs; returns how many. */
export async function ingestFinished(deps: EngineDeps, limit = 200): Promise<number> {
  const jobs = await deps.queue.finished(limit);
  for (const job of jobs) {
    try {
      await ingestJob(deps, job);
    } catch (e) {
      // Leave the job in Redis: the next tick tries again.
      deps.log.warn({ orderId: job.data.orderId, batch: job.data.batch, err: (e as Error).message }, 'ingest failed; will retry');
    }
  }
  return jobs.length;
}
