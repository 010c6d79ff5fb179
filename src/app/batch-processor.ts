// What a worker does with one batch job. Per object: hash -> record the
// intent durably -> destroy (the backend re-checks scope and holds) -> probe
// -> record the outcome. Idempotent: a retried job skips objects with an
// outcome and resolves objects whose intent was recorded by an interrupted
// attempt (docs/ARCHITECTURE.md, invariant 3).
import type { DestroyOutcome, HashOutcome, ProbeOutcome, TargetSession } from './ports/storage-backend.js';
import type { WorkerBatchStore } from './ports/batch-store.js';
import type { BatchItem, BatchJobData, BatchSummary, Intent, Outcome } from './batch-types.js';
import { TransientJobError } from './errors.js';

export interface ProcessorDeps {
  store: WorkerBatchStore;
  session: TargetSession;
  method: string;
  now: () => Date;
  /** Hash/destroy rounds within one attempt, for objects that changed or hit transient errors. */
  rounds?: number;
  /**
   * Called right before every destroy call; throws if this worker no longer
   * owns the job (its lock expired and another worker may be running it, or
   * the order is already certified). Narrows a stalled worker's window to
   * destroy anything after someone else took over.
   */
  beforeDestroy?: () => Promise<void>;
  /** Fault injection for crash tests: called at the two most delicate instants. */
  faults?: { afterIntents?: () => void; afterDestroy?: () => void };
}

type Pending = BatchItem & { lastError?: string };

function refusalOutcome(o: Exclude<HashOutcome | DestroyOutcome, { status: 'hashed' | 'destroyed' | 'changed' }>, at: string): Outcome | undefined {
  switch (o.status) {
    case 'absent':
      return { s: 'absent', at };
    case 'held':
      return { s: 'retained', holdId: o.holdId };
    case 'out-of-scope':
      return { s: 'exception', code: 'OUT_OF_SCOPE', reason: 'no longer inside the order scope when re-checked before destroying' };
    case 'error':
      return o.transient ? undefined : { s: 'exception', code: o.code, reason: o.message };
  }
}

export async function processBatch(job: Omit<BatchJobData, 'mac'>, deps: ProcessorDeps): Promise<BatchSummary> {
  const { store, session, now } = deps;
  const iso = () => now().toISOString();
  const state = await store.readBatch(job.orderId, job.epoch, job.batch);
  const summary: BatchSummary = { destroyed: 0, bytes: 0, other: 0 };
  let todo: Pending[] = job.items.filter((i) => !state.outcomes.has(i.seq));

  // Objects whose intent an interrupted attempt recorded: if they are gone now, the
  // destroy happened (or was about to); the coordinator certifies them with the intent's hash.
  const interrupted = todo.filter((i) => state.intents.has(i.seq));
  if (interrupted.length > 0) {
    const probes = await session.probe(interrupted);
    const resolved = new Map<number, Outcome>();
    interrupted.forEach((item, k) => {
      if (probes[k]!.status === 'absent') resolved.set(item.seq, { s: 'absent', at: iso() });
    });
    await store.writeOutcomes(job.orderId, job.epoch, job.batch, resolved);
    todo = todo.filter((i) => !resolved.has(i.seq));
  }

  const rounds = deps.rounds ?? 3;
  for (let round = 0; round < rounds && todo.length > 0; round++) {
    const outcomes = new Map<number, Outcome>();
    const intents = new Map<number, Intent>();
    const next: Pending[] = [];

    // Invariant 3: the content hash is durable before any destroy becomes durable.
    const toDestroy: Array<Pending & { fingerprint: string; k: number }> = [];
    let recorded = false;
    const record = async (hashes: readonly HashOutcome[]): Promise<void> => {
      if (recorded) throw new Error('the backend recorded hashes twice in one call');
      if (hashes.length !== todo.length) throw new Error(`the backend answered ${hashes.length} hashes for ${todo.length} items`);
      recorded = true;
      todo.forEach((item, k) => {
        const h = hashes[k]!;
        if (h.status === 'hashed') {
          intents.set(item.seq, {
            sha256: h.sha256,
            size: h.size,
            fingerprint: h.fingerprint,
            method: deps.method,
            ...(h.attributes ? { attributes: h.attributes } : {}),
            at: iso(),
            // The coordinator refuses a size other than the planned one unless it is reported as a change.
            ...(h.size !== item.size ? { changedSincePlan: true as const } : {}),
          });
          toDestroy.push({ ...item, fingerprint: h.fingerprint, k });
          return;
        }
        const o = refusalOutcome(h, iso());
        if (o) outcomes.set(item.seq, o);
        else next.push({ ...item, lastError: h.status === 'error' ? `${h.code}: ${h.message}` : h.status });
      });
      await store.writeIntents(job.orderId, job.epoch, job.batch, intents);
      if (intents.size > 0) deps.faults?.afterIntents?.();
      if (toDestroy.length > 0) await deps.beforeDestroy?.();
    };

    let destroyed: DestroyOutcome[];
    if (session.consume) {
      // One pass: the backend hashes, calls `record`, and only then makes the destruction durable.
      const results = await session.consume(todo, record);
      if (!recorded) throw new Error('the backend destroyed without recording hashes');
      destroyed = toDestroy.map(({ k }) => results[k]?.destroy ?? { status: 'error', code: 'NO_OUTCOME', message: 'the backend gave no destroy outcome for a hashed item', transient: true });
    } else {
      await record(await session.hash(todo));
      destroyed = await session.destroy(toDestroy.map(({ k: _k, ...item }) => item));
    }
    if (toDestroy.length > 0) deps.faults?.afterDestroy?.();
    const removed: Pending[] = [];
    const seenAbsent = new Set<number>();
    toDestroy.forEach((item, k) => {
      const d = destroyed[k]!;
      if (d.status === 'destroyed') {
        removed.push(item);
        if (d.probed === 'absent') seenAbsent.add(item.seq);
      } else if (d.status === 'changed') next.push({ ...item, lastError: 'changed between hashing and destroying' });
      else {
        const o = refusalOutcome(d, iso());
        if (o) outcomes.set(item.seq, o);
        else next.push({ ...item, lastError: d.status === 'error' ? `${d.code}: ${d.message}` : d.status });
      }
    });

    // Invariant 2: destroyed only when a probe afterwards shows the object absent.
    // A backend that looked again after destroying, in the same call, has probed already.
    const unprobed = removed.filter((i) => !seenAbsent.has(i.seq));
    const probed = await session.probe(unprobed);
    const probes = new Map<number, ProbeOutcome>(unprobed.map((item, k) => [item.seq, probed[k]!]));
    removed.forEach((item) => {
      const p: ProbeOutcome = seenAbsent.has(item.seq)
        ? { status: 'absent' }
        : (probes.get(item.seq) ?? { status: 'error', code: 'NO_OUTCOME', message: 'the backend gave no probe outcome', transient: true });
      if (p.status === 'absent') {
        outcomes.set(item.seq, { s: 'destroyed', at: iso() });
        summary.destroyed++;
        summary.bytes += intents.get(item.seq)!.size;
      } else if (p.status === 'present') {
        outcomes.set(item.seq, { s: 'exception', code: 'STILL_PRESENT', reason: 'the destroy call succeeded but a probe afterwards found the object' });
      } else {
        next.push({ ...item, lastError: `probe failed: ${p.code}: ${p.message}` });
      }
    });

    await store.writeOutcomes(job.orderId, job.epoch, job.batch, outcomes);
    summary.other += [...outcomes.values()].filter((o) => o.s !== 'destroyed').length;
    todo = next;
  }

  if (todo.length > 0) {
    const changing = todo.filter((t) => t.lastError?.startsWith('changed'));
    if (changing.length === todo.length) {
      // Content that keeps changing under us is someone else's live data: report it, do not chase it.
      const outcomes = new Map<number, Outcome>(
        changing.map((t) => [t.seq, { s: 'exception', code: 'CHANGING', reason: `content changed between hashing and destroying in ${rounds} rounds` }]),
      );
      await store.writeOutcomes(job.orderId, job.epoch, job.batch, outcomes);
      summary.other += outcomes.size;
      return summary;
    }
    throw new TransientJobError(`${todo.length} objects unresolved after ${rounds} rounds; first: ${todo[0]!.locator}: ${todo[0]!.lastError ?? 'unknown'}`);
  }
  return summary;
}
