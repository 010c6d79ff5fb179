// ingestBatch (src/app/ingest.ts) against a real engine: a SQLite ledger,
// real Redis with intents and outcomes sealed by the queue key, real files.
// Its rule for an object without an outcome (the job failed for good, or a
// cancel withdrew it): certified as destroyed ("recovered") only when this run
// recorded its content hash AND a probe now answers that it is absent. A probe
// that fails (a reset, a timeout, a refusal) proves nothing: the object
// becomes a JOB_FAILED or CANCELLED exception (issue 21: counting a probe
// error as absence certified destructions that nobody confirmed). And each
// object gets exactly one result: one with an outcome never also takes the
// path of the unresolved ones.
//
// The probe errors come from a wrapper around the filesystem backend's target
// session: a real filesystem cannot be made to answer a transient probe error
// (ECONNRESET, a timeout) on demand. Everything else is the real backend.
import assert from 'node:assert/strict';
import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { type Intent, jobIdFor, type Outcome } from '../../src/app/batch-types.js';
import { cancelOrder, withdrawBatches } from '../../src/app/cancel-order.js';
import type { EngineDeps } from '../../src/app/deps.js';
import { ingestBatch, ingestJob } from '../../src/app/ingest.js';
import type { ItemResult } from '../../src/app/ports/ledger.js';
import type { ObjectRef, ProbeOutcome, StorageBackend, StorageBackends, TargetSession } from '../../src/app/ports/storage-backend.js';
import { loadQueueAuth } from '../../src/adapters/queue/queue-key.js';
import { RedisBatchStore } from '../../src/adapters/queue/redis-batch-store.js';
import { executeDemoOrder, type Harness, startHarness } from '../helpers/engine-harness.js';
import { REDIS_URL } from '../helpers/services.js';

type Item = { seq: number; target: string; locator: string; size: number; uncertain: boolean };

interface Setup {
  h: Harness;
  orderId: string;
  epoch: string;
  batch: number;
  items: Item[];
  store: RedisBatchStore;
  /** The deps ingest gets: the real ones, with the probe wrapper and a metrics recorder. */
  deps: EngineDeps;
  /** Every item list the wrapped sessions were asked to probe, in order. */
  probed: string[][];
  /** Every result ingest reported (EngineMetrics.ingested), in order, and how often it reported. */
  reported: ItemResult[];
  calls: { ingested: number };
  /** Target sessions opened and closed through the wrapper. */
  sessions: { opened: number; closed: number };
}

const harnesses: Harness[] = [];
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
after(async () => {
  for (const h of harnesses) await h.close();
  redis.disconnect();
});

/**
 * The registry, with each target session's probe answering `errors[locator]`
 * for the locators named there and the real filesystem's answer for the others.
 */
function probeWrapper(real: StorageBackends, errors: Map<string, ProbeOutcome>, probed: string[][], sessions: Setup['sessions']): StorageBackends {
  const wrapSession = (s: TargetSession): TargetSession => ({
    list: () => s.list(),
    hash: (items) => s.hash(items),
    destroy: (items) => s.destroy(items),
    async probe(items: readonly ObjectRef[]) {
      probed.push(items.map((i) => i.locator));
      const answers = await s.probe(items);
      return answers.map((a, k) => errors.get(items[k]!.locator) ?? a);
    },
    close: () => {
      sessions.closed++;
      return s.close();
    },
  });
  const wrapBackend = (b: StorageBackend): StorageBackend => Object.assign(Object.create(b) as StorageBackend, {
    openTarget: async (scope: unknown, holds: Parameters<StorageBackend['openTarget']>[1]) => {
      sessions.opened++;
      return wrapSession(await b.openTarget(scope, holds));
    },
  });
  return Object.assign(Object.create(real) as StorageBackends, { get: (name: string) => wrapBackend(real.get(name)) });
}

/** A real engine with one executing demo order whose jobs no worker runs. */
async function setup(errors = new Map<string, ProbeOutcome>()): Promise<Setup> {
  const h = await startHarness({ objects: 12, worker: false });
  harnesses.push(h);
  const real = h.runtime.deps;
  const orderId = await executeDemoOrder(h);
  const epoch = real.ledger.getOrder(orderId)!.epoch!;
  const batches = real.ledger.pendingBatches(orderId);
  assert.equal(batches.length, 1, 'one batch');
  const batch = batches[0]!;
  const items = real.ledger.batchItems(orderId, batch);
  assert.ok(items.length >= 8, `${items.length} items`);
  const store = new RedisBatchStore(redis, h.config.queue.prefix, loadQueueAuth(h.config.queueKeyPath, { create: false }));
  const probed: string[][] = [];
  const reported: ItemResult[] = [];
  const calls = { ingested: 0 };
  const sessions = { opened: 0, closed: 0 };
  const deps: EngineDeps = {
    ...real,
    backends: probeWrapper(real.backends, errors, probed, sessions),
    metrics: {
      ingested: (_target, results) => {
        calls.ingested++;
        reported.push(...results);
      },
      phase: () => undefined,
    },
  };
  return { h, orderId, epoch, batch, items, store, deps, probed, reported, calls, sessions };
}

/** The intent a worker records after hashing the file: its real content hash and planned size. */
function intentFor(s: Setup, item: Item): Intent {
  const sha256 = s.h.dataset.inScope.get(item.locator);
  assert.ok(sha256, `${item.locator} is in scope`);
  return { sha256, size: item.size, fingerprint: 'test', method: 'unlink', at: new Date().toISOString() };
}

async function writeIntents(s: Setup, items: Item[], more: Partial<Intent> = {}): Promise<void> {
  await s.store.writeIntents(s.orderId, s.epoch, s.batch, new Map(items.map((i) => [i.seq, { ...intentFor(s, i), ...more }])));
}

/** What ingest reported for an item (one result: assertOneResultEach checks that). */
const reportedFor = (s: Setup, item: Item) => s.reported.find((r) => r.seq === item.seq);

const deleteFile = (s: Setup, item: Item) => unlinkSync(join(s.h.dataset.root, item.locator));

/** Each planned object's fate in the ledger: 'destroyed', 'destroyed recovered', 'exception CODE', 'retained HOLD' or 'pending'. */
function fates(s: Setup): Map<string, string> {
  const { ledger } = s.h.runtime.deps;
  const out = new Map<string, string>();
  for (const page of ledger.destroyedPages(s.orderId)) {
    for (const r of page) {
      const attributes = r.attributes ? (JSON.parse(r.attributes as unknown as string) as Record<string, string>) : {};
      out.set(r.locator, attributes.recovered === 'true' ? 'destroyed recovered' : 'destroyed');
    }
  }
  for (const e of ledger.exceptions(s.orderId)) out.set(e.locator, `exception ${e.code}`);
  for (const r of ledger.retained(s.orderId)) out.set(r.locator, `retained ${r.holdId}`);
  for (const i of ledger.batchItems(s.orderId, s.batch)) out.set(i.locator, 'pending');
  return out;
}

const failedJob = (s: Setup) => ({
  orderId: s.orderId,
  epoch: s.epoch,
  batch: s.batch,
  target: 'photos',
  jobId: jobIdFor(s.orderId, s.epoch, s.batch),
  failed: true,
  failedReason: 'worker lost its connection (test)',
});

const TRANSIENT: ProbeOutcome = { status: 'error', code: 'ECONNRESET', message: 'connection reset by peer (test)', transient: true };
const PERMANENT: ProbeOutcome = { status: 'error', code: 'EACCES', message: 'permission denied (test)', transient: false };

/** One result per item, each reported once. */
function assertOneResultEach(s: Setup): void {
  const seqs = s.reported.map((r) => r.seq).sort((a, b) => a - b);
  assert.deepEqual(seqs, s.items.map((i) => i.seq), 'exactly one result per item of the batch');
}

describe('ingest: objects without an outcome', { timeout: 120_000 }, () => {
  for (const [label, error] of [['a transient', TRANSIENT], ['a permanent', PERMANENT]] as const) {
    it(`a failed job: an object whose intent was recorded and whose probe answers ${label} error is a JOB_FAILED exception, not a recovered record`, async () => {
      const errors = new Map<string, ProbeOutcome>();
      const s = await setup(errors);
      const [erring, gone, present, ...rest] = s.items as [Item, Item, Item, ...Item[]];
      await writeIntents(s, [erring, gone, present]);
      // Both erring and gone were removed from disk; only gone's probe is believed.
      deleteFile(s, erring);
      deleteFile(s, gone);
      errors.set(erring.locator, error);
      await ingestBatch(s.deps, failedJob(s));
      const f = fates(s);
      assert.equal(f.get(erring.locator), 'exception JOB_FAILED', `probe answered ${error.code}: no proof of absence`);
      assert.equal(f.get(gone.locator), 'destroyed recovered', 'the control: an intent and a probe that answers absent');
      assert.equal(f.get(present.locator), 'exception JOB_FAILED');
      for (const i of rest) assert.equal(f.get(i.locator), 'exception JOB_FAILED', i.locator);
      assert.deepEqual(s.probed, [[erring.locator, gone.locator, present.locator]], 'only the objects with an intent are probed');
      assert.deepEqual(s.sessions, { opened: 1, closed: 1 }, 'the target session is closed');
      assertOneResultEach(s);
      const exception = s.reported.find((r) => r.seq === erring.seq);
      assert.deepEqual(exception, { kind: 'exception', seq: erring.seq, code: 'JOB_FAILED', reason: 'the batch job failed after all retries: worker lost its connection (test)' });
    });
  }

  it('a cancelled order: withdrawn batches make CANCELLED exceptions of objects whose probe errs, transient or permanent', async () => {
    const errors = new Map<string, ProbeOutcome>();
    const s = await setup(errors);
    const [transient, permanent, gone, ...rest] = s.items as [Item, Item, Item, ...Item[]];
    await writeIntents(s, [transient, permanent, gone]);
    for (const i of [transient, permanent, gone]) deleteFile(s, i);
    errors.set(transient.locator, TRANSIENT);
    errors.set(permanent.locator, PERMANENT);
    const order = cancelOrder(s.deps, s.orderId, 'carol', 'settlement amended (test)');
    assert.ok(order.cancelRequestedAt);
    // The coordinator's call for a cancelled order, with the wrapped probe: no worker ever ran the batch.
    await withdrawBatches(s.deps, order);
    const f = fates(s);
    assert.equal(f.get(transient.locator), 'exception CANCELLED');
    assert.equal(f.get(permanent.locator), 'exception CANCELLED');
    assert.equal(f.get(gone.locator), 'destroyed recovered');
    for (const i of rest) assert.equal(f.get(i.locator), 'exception CANCELLED', i.locator);
    assertOneResultEach(s);
    assert.deepEqual(reportedFor(s, transient), { kind: 'exception', seq: transient.seq, code: 'CANCELLED', reason: 'the order was cancelled before this batch ran' });
  });

  it('an object gone without an intent recorded is JOB_FAILED, and is not even probed', async () => {
    const errors = new Map<string, ProbeOutcome>();
    const s = await setup(errors);
    const [first] = s.items as [Item, ...Item[]];
    deleteFile(s, first); // gone, but this run never recorded its hash: not certifiable
    errors.set(first.locator, { status: 'absent' }); // were it probed, it would answer absent
    await ingestBatch(s.deps, { ...failedJob(s), failedReason: undefined });
    assert.equal(fates(s).get(first.locator), 'exception JOB_FAILED');
    assert.deepEqual(reportedFor(s, first), { kind: 'exception', seq: first.seq, code: 'JOB_FAILED', reason: 'the batch job failed after all retries: no outcome was recorded' });
    assert.deepEqual(s.probed, [], 'no intent, no probe');
    assert.deepEqual(s.sessions, { opened: 0, closed: 0 }, 'no target session is opened for nothing');
    assertOneResultEach(s);
  });
});

describe('ingest: an object with an outcome is decided once', { timeout: 120_000 }, () => {
  /** Outcomes for the first items of the batch, one of each kind; returns them by item. */
  async function withOutcomes(s: Setup) {
    const [destroyed, absentWithIntent, absent, retained, excepted, noIntent, ...rest] = s.items as [Item, Item, Item, Item, Item, Item, ...Item[]];
    const at = '2026-12-01T10:00:00.000Z';
    await writeIntents(s, [destroyed], { attributes: { etag: '"e1"' } });
    await writeIntents(s, [absentWithIntent], { attributes: { versionId: 'v1' } });
    for (const i of [destroyed, absentWithIntent, absent, noIntent]) deleteFile(s, i);
    const outcomes = new Map<number, Outcome>([
      [destroyed.seq, { s: 'destroyed', at }],
      [absentWithIntent.seq, { s: 'absent', at }],
      [absent.seq, { s: 'absent', at }],
      [retained.seq, { s: 'retained', holdId: 'hold-late' }],
      [excepted.seq, { s: 'exception', code: 'EACCES', reason: 'permission denied on unlink' }],
      [noIntent.seq, { s: 'destroyed', at }], // reported destroyed, but no content hash was recorded
    ]);
    await s.store.writeOutcomes(s.orderId, s.epoch, s.batch, outcomes);
    const check = () => {
      const f = fates(s);
      assert.equal(f.get(destroyed.locator), 'destroyed');
      assert.equal(f.get(absentWithIntent.locator), 'destroyed recovered');
      assert.equal(f.get(absent.locator), 'exception ABSENT');
      assert.equal(f.get(retained.locator), 'retained hold-late');
      assert.equal(f.get(excepted.locator), 'exception EACCES');
      assert.equal(f.get(noIntent.locator), 'exception INTENT_MISSING');
      const sha = (i: Item) => s.h.dataset.inScope.get(i.locator)!;
      assert.deepEqual(reportedFor(s, destroyed), { kind: 'destroyed', seq: destroyed.seq, sha256: sha(destroyed), size: destroyed.size, destroyedAt: at, method: 'unlink', attributes: { etag: '"e1"' } });
      assert.deepEqual(reportedFor(s, absentWithIntent), {
        kind: 'destroyed', seq: absentWithIntent.seq, sha256: sha(absentWithIntent), size: absentWithIntent.size, destroyedAt: at, method: 'unlink', attributes: { versionId: 'v1', recovered: 'true' },
      });
      assert.deepEqual(reportedFor(s, absent), { kind: 'exception', seq: absent.seq, code: 'ABSENT', reason: 'already absent when this run went to hash it; not destroyed by this run' });
      assert.deepEqual(reportedFor(s, retained), { kind: 'retained', seq: retained.seq, holdId: 'hold-late' });
      assert.deepEqual(reportedFor(s, excepted), { kind: 'exception', seq: excepted.seq, code: 'EACCES', reason: 'permission denied on unlink' });
      assert.deepEqual(reportedFor(s, noIntent), { kind: 'exception', seq: noIntent.seq, code: 'INTENT_MISSING', reason: 'reported destroyed without a recorded content hash; not certified' });
    };
    return { rest, check };
  }

  it('a job that completed: every object has its outcome, nothing is probed, one result each', async () => {
    const s = await setup();
    const o = await withOutcomes(s);
    // The rest were destroyed by the job too.
    await writeIntents(s, o.rest);
    for (const i of o.rest) deleteFile(s, i);
    await s.store.writeOutcomes(s.orderId, s.epoch, s.batch, new Map(o.rest.map((i) => [i.seq, { s: 'destroyed', at: new Date().toISOString() } as Outcome])));
    await ingestBatch(s.deps, { ...failedJob(s), failed: false, failedReason: undefined });
    o.check();
    for (const i of o.rest) assert.equal(fates(s).get(i.locator), 'destroyed', i.locator);
    assert.deepEqual(s.probed, [], 'no object lacked an outcome: nothing to probe');
    assert.deepEqual(s.sessions, { opened: 0, closed: 0 });
    assertOneResultEach(s);
    assert.equal(s.calls.ingested, 1);
  });

  it('a failed job: the objects with an outcome keep it, only the others are probed, one result each', async () => {
    const s = await setup();
    const o = await withOutcomes(s);
    const [unresolvedGone, unresolvedPresent] = o.rest as [Item, Item, ...Item[]];
    await writeIntents(s, [unresolvedGone, unresolvedPresent]);
    deleteFile(s, unresolvedGone);
    await ingestBatch(s.deps, failedJob(s));
    o.check();
    const f = fates(s);
    assert.equal(f.get(unresolvedGone.locator), 'destroyed recovered');
    assert.equal(f.get(unresolvedPresent.locator), 'exception JOB_FAILED');
    assert.deepEqual(s.probed, [[unresolvedGone.locator, unresolvedPresent.locator]], 'objects with an outcome are not probed again');
    assertOneResultEach(s);
  });

  it('an intent whose size differs from the plan is OUTCOME_MISMATCH once, unless it says the object changed', async () => {
    const s = await setup();
    const [changed, unresolvedChanged, reported] = s.items as [Item, Item, Item, ...Item[]];
    const bigger = (i: Item, more: Partial<Intent> = {}): Intent => ({ ...intentFor(s, i), size: i.size + 1, ...more });
    await s.store.writeIntents(s.orderId, s.epoch, s.batch, new Map([
      [changed.seq, bigger(changed)],
      [unresolvedChanged.seq, bigger(unresolvedChanged)],
      [reported.seq, bigger(reported, { changedSincePlan: true })],
    ]));
    const at = new Date().toISOString();
    await s.store.writeOutcomes(s.orderId, s.epoch, s.batch, new Map<number, Outcome>([[changed.seq, { s: 'destroyed', at }], [reported.seq, { s: 'destroyed', at }]]));
    for (const i of [changed, unresolvedChanged, reported]) deleteFile(s, i);
    await ingestBatch(s.deps, failedJob(s));
    const f = fates(s);
    assert.equal(f.get(changed.locator), 'exception OUTCOME_MISMATCH');
    assert.equal(f.get(unresolvedChanged.locator), 'exception OUTCOME_MISMATCH');
    assert.equal(f.get(reported.locator), 'destroyed', 'a change the worker reported is certified with the size it hashed');
    assert.equal((reportedFor(s, reported) as { size: number }).size, reported.size + 1);
    assert.equal(reportedFor(s, changed)!.kind, 'exception');
    assert.deepEqual(s.probed, [], 'a mismatch is decided without a probe');
    assertOneResultEach(s);
  });

  it('after Redis lost the run\'s state, an absent object without an intent is OUTCOME_LOST', async () => {
    const s = await setup();
    const [lost, recovered] = s.items as [Item, Item, ...Item[]];
    s.h.runtime.deps.ledger.markPendingUncertain(s.orderId);
    await writeIntents(s, [recovered]);
    for (const i of [lost, recovered]) deleteFile(s, i);
    const at = new Date().toISOString();
    await s.store.writeOutcomes(s.orderId, s.epoch, s.batch, new Map<number, Outcome>([[lost.seq, { s: 'absent', at }], [recovered.seq, { s: 'absent', at }]]));
    await ingestBatch(s.deps, failedJob(s));
    assert.equal(fates(s).get(lost.locator), 'exception OUTCOME_LOST');
    assert.deepEqual(reportedFor(s, lost), {
      kind: 'exception', seq: lost.seq, code: 'OUTCOME_LOST',
      reason: 'absent when processed again after Redis lost the run\'s state: this run may have destroyed it, but its content-hash record was lost, so it is not certified',
    });
    assert.equal(fates(s).get(recovered.locator), 'destroyed recovered');
  });
});

describe('ingest: batches that are not this run\'s', { timeout: 120_000 }, () => {
  it('a batch of another epoch, of an order that is no longer executing, or of no order changes nothing', async () => {
    const s = await setup();
    const [first] = s.items as [Item, ...Item[]];
    await writeIntents(s, [first]);
    deleteFile(s, first);
    await s.store.writeOutcomes(s.orderId, s.epoch, s.batch, new Map<number, Outcome>([[first.seq, { s: 'destroyed', at: new Date().toISOString() }]]));
    await ingestBatch(s.deps, { ...failedJob(s), epoch: 'e-other' });
    await ingestBatch(s.deps, { ...failedJob(s), orderId: 'no-such-order' });
    assert.equal(fates(s).get(first.locator), 'pending');
    // The order ends (here: its objects resolved by hand and finalized); a late job of it is dropped unread.
    const { ledger } = s.h.runtime.deps;
    ledger.applyResults(s.orderId, s.items.map((i) => ({ kind: 'exception', seq: i.seq, code: 'TEST', reason: 'resolved by the test' }) as ItemResult));
    ledger.transition(s.orderId, ['executing'], 'finalizing', 'test', new Date().toISOString(), {}, 'test');
    await ingestBatch(s.deps, failedJob(s));
    assert.equal(s.calls.ingested, 0, 'nothing was ingested');
    assert.equal((await s.store.readBatch(s.orderId, s.epoch, s.batch)).outcomes.size, 1, 'and the batch state was left alone');
  });

  it('a finished job whose MAC does not verify is removed without a trace; one that does is ingested', async () => {
    const s = await setup();
    const data = { orderId: s.orderId, epoch: s.epoch, target: 'photos', batch: s.batch, items: s.items.map(({ seq, locator, size }) => ({ seq, locator, size })) };
    const id = jobIdFor(s.orderId, s.epoch, s.batch);
    await ingestJob(s.deps, { id, data: { ...data, mac: '00'.repeat(32) }, failed: true, failedReason: 'forged' });
    assert.equal(s.calls.ingested, 0, 'a forged job is not ingested');
    for (const i of s.items) assert.equal(fates(s).get(i.locator), 'pending', i.locator);
    await ingestJob(s.deps, { id, data: loadQueueAuth(s.h.config.queueKeyPath, { create: false }).signJob(data), failed: true, failedReason: 'worker crashed (test)' });
    assert.equal(s.calls.ingested, 1);
    for (const i of s.items) assert.equal(fates(s).get(i.locator), 'exception JOB_FAILED', i.locator);
  });
});
