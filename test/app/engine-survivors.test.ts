// Tests for the engine part's surviving mutants (issue 21; the account is
// docs/coverage/engine-survivors.md, whose ids these comments use). Each
// drives ingest or finalize on a real engine (a SQLite ledger, Redis with
// values sealed by the queue key, real files) and checks what the mutant got
// wrong: a record with an empty attributes object, an object of the plan's
// second target probed on the first target's store (and certified as
// destroyed while it was still there), batch state forged in Redis that
// nobody reported, a job removed because its verifier failed for another
// reason than its MAC, an ingest that failed without a word, a target that
// matched nothing crashing the certificate, the certificate's log line
// without its order id, a records file over 1 MiB with bytes that are not
// the records', and one longer than a string can be that was never written.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { type Intent, jobIdFor, type Outcome } from '../../src/app/batch-types.js';
import { createOrder } from '../../src/app/create-order.js';
import type { EngineDeps } from '../../src/app/deps.js';
import { writeLinesDurably } from '../../src/app/durable-files.js';
import { executeOrder } from '../../src/app/execute-order.js';
import { certificateFiles, finalizeOrder } from '../../src/app/finalize-order.js';
import { ingestBatch, ingestFinished, ingestJob } from '../../src/app/ingest.js';
import { planOrder } from '../../src/app/plan-order.js';
import type { ExecutionQueue, FinishedJob } from '../../src/app/ports/execution-queue.js';
import type { ItemResult } from '../../src/app/ports/ledger.js';
import type { StorageBackend, StorageBackends } from '../../src/app/ports/storage-backend.js';
import { QueueAuth } from '../../src/adapters/queue/queue-auth.js';
import { loadQueueAuth } from '../../src/adapters/queue/queue-key.js';
import { RedisBatchStore } from '../../src/adapters/queue/redis-batch-store.js';
import type { BackendsConfig } from '../../src/config/backends-config.js';
import { approveSigned } from '../helpers/approvals.js';
import { readCertificateView } from '../helpers/certificate-checks.js';
import { executeDemoOrder, type Harness, startHarness } from '../helpers/engine-harness.js';
import { REDIS_URL } from '../helpers/services.js';

type Item = { seq: number; target: string; locator: string; size: number; uncertain: boolean };
/** A pino line, parsed. */
type LogLine = Record<string, unknown> & { level: number; msg: string };

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

const harnesses: Harness[] = [];
const dirs: string[] = [];
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
after(async () => {
  for (const h of harnesses) await h.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  redis.disconnect();
});

function tempDir(name: string): string {
  const d = mkdtempSync(join(tmpdir(), `sp-engine-survivors-${name}-`));
  dirs.push(d);
  return d;
}

interface Engine {
  h: Harness;
  /** The real deps, with a logger whose lines land in `logged` and a metrics sink whose results land in `reported`. */
  deps: EngineDeps;
  logged: LogLine[];
  reported: ItemResult[];
  /** Seals intents and outcomes with the deployment's own queue key, as a worker does. */
  store: RedisBatchStore;
}

async function engine(opts: { batchSize?: number; extraBackends?: BackendsConfig } = {}): Promise<Engine> {
  const h = await startHarness({ objects: 12, worker: false, ...opts });
  harnesses.push(h);
  const logged: LogLine[] = [];
  const reported: ItemResult[] = [];
  const deps: EngineDeps = {
    ...h.runtime.deps,
    log: pino({ level: 'debug' }, { write: (line: string) => void logged.push(JSON.parse(line) as LogLine) }),
    metrics: { ingested: (_target, results) => void reported.push(...results), phase: () => undefined },
  };
  const store = new RedisBatchStore(redis, h.config.queue.prefix, loadQueueAuth(h.config.queueKeyPath, { create: false }));
  return { h, deps, logged, reported, store };
}

/** The demo order, executing, its jobs run by no worker; its first batch and that batch's objects. */
async function demoBatch(e: Engine) {
  const orderId = await executeDemoOrder(e.h);
  const order = e.deps.ledger.getOrder(orderId)!;
  const batches = e.deps.ledger.pendingBatches(orderId);
  const batch = batches[0]!;
  return { orderId, epoch: order.epoch!, batches, batch, items: e.deps.ledger.batchItems(orderId, batch) as Item[] };
}

/** The intent a worker records after hashing a file of the demo dataset. */
function intentFor(e: Engine, item: Item): Intent {
  const sha = e.h.dataset.inScope.get(item.locator);
  assert.ok(sha, `${item.locator} is in scope`);
  return { sha256: sha, size: item.size, fingerprint: 'test', method: 'unlink', at: new Date().toISOString() };
}

function failedJob(orderId: string, epoch: string, batch: number, target = 'photos') {
  return { orderId, epoch, batch, target, jobId: jobIdFor(orderId, epoch, batch), failed: true, failedReason: 'worker lost its connection (test)' };
}

/** Each object's fate in the ledger: 'destroyed', 'destroyed recovered', 'exception CODE', 'retained HOLD' or 'pending'. */
function fates(e: Engine, orderId: string): Map<string, string> {
  const { ledger } = e.deps;
  const out = new Map<string, string>();
  for (const page of ledger.destroyedPages(orderId)) {
    for (const r of page) {
      const attributes = r.attributes ? (JSON.parse(r.attributes as unknown as string) as Record<string, string>) : {};
      out.set(`${r.target} ${r.locator}`, attributes.recovered === 'true' ? 'destroyed recovered' : 'destroyed');
    }
  }
  for (const x of ledger.exceptions(orderId)) out.set(`${x.target} ${x.locator}`, `exception ${x.code}`);
  for (const r of ledger.retained(orderId)) out.set(`${r.target} ${r.locator}`, `retained ${r.holdId}`);
  for (const b of ledger.pendingBatches(orderId)) for (const i of ledger.batchItems(orderId, b)) out.set(`${i.target} ${i.locator}`, 'pending');
  return out;
}

/** Every pending object of the order destroyed: its file removed and its result recorded, as ingest would. */
function destroyAll(e: Engine, orderId: string, root: string, hashes: ReadonlyMap<string, string>): void {
  const { ledger } = e.deps;
  const results: ItemResult[] = [];
  for (const b of ledger.pendingBatches(orderId)) {
    for (const i of ledger.batchItems(orderId, b)) {
      unlinkSync(join(root, i.locator));
      results.push({ kind: 'destroyed', seq: i.seq, sha256: hashes.get(i.locator)!, size: i.size, destroyedAt: '2026-12-01T10:00:00.000Z', method: 'unlink' });
    }
  }
  ledger.applyResults(orderId, results);
}

/** A backend directory with these files (path -> content). */
function filesAt(root: string, files: Record<string, string>): void {
  mkdirSync(root, { recursive: true });
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), content);
  }
}

/** Creates, plans, approves (bob) and executes an order; returns its id. */
async function executeOrderOf(e: Engine, document: unknown): Promise<string> {
  const order = await createOrder(e.deps, document, 'alice');
  const plan = await planOrder(e.deps, order.id, 'alice');
  approveSigned(e.deps, order.id, 'bob', plan.planRoot);
  executeOrder(e.deps, order.id, 'alice');
  return order.id;
}

describe('ingest: what the engine run let through', { timeout: 120_000 }, () => {
  // Kills #150 and #152 (ingest.ts:32: `attributes` set even when empty).
  it('an object whose intent carries no attributes is destroyed without an attributes member, in the ledger and in its record', async () => {
    const e = await engine();
    const { orderId, epoch, batch, items } = await demoBatch(e);
    const [plain, recovered] = items as [Item, Item, ...Item[]];
    const at = '2026-12-01T10:00:00.000Z';
    await e.store.writeIntents(orderId, epoch, batch, new Map([[plain.seq, intentFor(e, plain)], [recovered.seq, intentFor(e, recovered)]]));
    await e.store.writeOutcomes(orderId, epoch, batch, new Map<number, Outcome>([[plain.seq, { s: 'destroyed', at }], [recovered.seq, { s: 'absent', at }]]));
    for (const i of [plain, recovered]) unlinkSync(join(e.h.dataset.root, i.locator));
    await ingestBatch(e.deps, failedJob(orderId, epoch, batch));
    const sha = (i: Item) => e.h.dataset.inScope.get(i.locator)!;
    assert.deepEqual(e.reported.find((r) => r.seq === plain.seq), { kind: 'destroyed', seq: plain.seq, sha256: sha(plain), size: plain.size, destroyedAt: at, method: 'unlink' });
    assert.deepEqual(e.reported.find((r) => r.seq === recovered.seq), {
      kind: 'destroyed', seq: recovered.seq, sha256: sha(recovered), size: recovered.size, destroyedAt: at, method: 'unlink', attributes: { recovered: 'true' },
    });
    const rows = [...e.deps.ledger.destroyedPages(orderId)].flat();
    assert.deepEqual(rows.map((r) => [r.locator, r.attributes]), [[plain.locator, null], [recovered.locator, JSON.stringify({ recovered: 'true' })]]);
    // The certificate: the plain object's record line has no attributes member (the mutant wrote "attributes":{}).
    await finalizeOrder(e.deps, orderId);
    const lines = readFileSync(certificateFiles(e.h.config.dataDir, orderId).records, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(lines.map((l) => [l.locator, 'attributes' in l]), [[plain.locator, false], [recovered.locator, true]]);
  });

  // Kills #219 to #223 (ingest.ts:100: when the SECURITY line about rejected batch state is logged).
  it('batch state in Redis that no worker of this deployment wrote is ignored and logged once, as an error with the order, batch and count; none when all of it verifies', async () => {
    const e = await engine({ batchSize: 3 });
    const { orderId, epoch, batches } = await demoBatch(e);
    assert.ok(batches.length >= 2, `${batches.length} batches`);
    const [forgedBatch, cleanBatch] = batches as [number, number, ...number[]];
    const [a0, a1] = e.deps.ledger.batchItems(orderId, forgedBatch) as [Item, Item, ...Item[]];
    const [b0] = e.deps.ledger.batchItems(orderId, cleanBatch) as [Item, ...Item[]];
    const at = new Date().toISOString();
    // Someone with write access to Redis but not the queue key claims a1 was destroyed.
    const forger = new RedisBatchStore(redis, e.h.config.queue.prefix, new QueueAuth(randomBytes(32)));
    await forger.writeIntents(orderId, epoch, forgedBatch, new Map([[a1.seq, intentFor(e, a1)]]));
    await forger.writeOutcomes(orderId, epoch, forgedBatch, new Map<number, Outcome>([[a1.seq, { s: 'destroyed', at }]]));
    for (const [batch, item] of [[forgedBatch, a0], [cleanBatch, b0]] as const) {
      await e.store.writeIntents(orderId, epoch, batch, new Map([[item.seq, intentFor(e, item)]]));
      await e.store.writeOutcomes(orderId, epoch, batch, new Map<number, Outcome>([[item.seq, { s: 'destroyed', at }]]));
      unlinkSync(join(e.h.dataset.root, item.locator));
    }
    await ingestBatch(e.deps, failedJob(orderId, epoch, forgedBatch));
    await ingestBatch(e.deps, failedJob(orderId, epoch, cleanBatch));
    const f = fates(e, orderId);
    assert.equal(f.get(`photos ${a1.locator}`), 'exception JOB_FAILED', 'the forged outcome is not believed');
    assert.equal(f.get(`photos ${a0.locator}`), 'destroyed');
    assert.equal(f.get(`photos ${b0.locator}`), 'destroyed');
    const errors = e.logged.filter((l) => l.level >= 50).map(({ orderId: o, batch, rejected }) => ({ orderId: o, batch, rejected }));
    assert.deepEqual(errors, [{ orderId, batch: forgedBatch, rejected: 2 }], 'one error line, for the batch with forged state only');
  });

  // Kills #256 as it stands now (plan-targets.ts:69: `find(() => true)`, the first target for every job).
  it('a failed job of the plan\'s second target is probed on that target\'s store: an object still there is JOB_FAILED, not recovered', async () => {
    const archive = join(tempDir('archive'), 'archive');
    const docs = { 'docs/gone.txt': 'a document the worker destroyed', 'docs/kept.txt': 'a document still there' };
    filesAt(archive, docs);
    const e = await engine({ extraBackends: { archive: { kind: 'filesystem', root: archive } } });
    const orderId = await executeOrderOf(e, {
      reference: 'photos and archived documents (test)',
      targets: [{ backend: 'photos', scope: { include: ['users/**'] } }, { backend: 'archive', scope: { include: ['docs/**'] } }],
    });
    const epoch = e.deps.ledger.getOrder(orderId)!.epoch!;
    const batch = e.deps.ledger.pendingBatches(orderId).find((b) => e.deps.ledger.batchItems(orderId, b)[0]!.target === 'archive')!;
    const items = e.deps.ledger.batchItems(orderId, batch) as Item[];
    assert.deepEqual(items.map((i) => i.locator), Object.keys(docs));
    const [gone, kept] = items as [Item, Item];
    // Both were hashed (intents recorded), then the worker died: one file is gone, the other is not.
    const intent = (i: Item): Intent => ({ sha256: sha256(docs[i.locator as keyof typeof docs]), size: i.size, fingerprint: 'test', method: 'unlink', at: new Date().toISOString() });
    await e.store.writeIntents(orderId, epoch, batch, new Map([[gone.seq, intent(gone)], [kept.seq, intent(kept)]]));
    unlinkSync(join(archive, gone.locator));
    await ingestBatch(e.deps, failedJob(orderId, epoch, batch, 'archive'));
    const f = fates(e, orderId);
    assert.equal(f.get(`archive ${gone.locator}`), 'destroyed recovered');
    assert.equal(f.get(`archive ${kept.locator}`), 'exception JOB_FAILED', 'present on its own store: not destroyed');
  });

  // Kills #192 (ingest.ts:76: any error of the verifier taken for a forged job).
  it('a job whose verifier fails for another reason than its MAC is not removed: ingestJob throws, and nothing is ingested', async () => {
    const e = await engine();
    const { orderId, epoch, batch, items } = await demoBatch(e);
    const removed: string[] = [];
    const broken = new Error('the queue key could not be read (test)');
    const queue: ExecutionQueue = Object.assign(Object.create(e.deps.queue) as ExecutionQueue, {
      auth: { verifyJob: () => { throw broken; } },
      remove: async (id: string) => void removed.push(id),
    });
    const data = loadQueueAuth(e.h.config.queueKeyPath, { create: false }).signJob({ orderId, epoch, target: 'photos', batch, items: items.map(({ seq, locator, size }) => ({ seq, locator, size })) });
    await assert.rejects(ingestJob({ ...e.deps, queue }, { id: jobIdFor(orderId, epoch, batch), data, failed: true, failedReason: 'test' }), (x: unknown) => x === broken);
    assert.deepEqual(removed, [], 'the job stays for the next tick');
    assert.deepEqual(e.reported, []);
    for (const i of items) assert.equal(fates(e, orderId).get(`photos ${i.locator}`), 'pending', i.locator);
    assert.deepEqual(e.logged.filter((l) => l.level >= 50), [], 'no SECURITY line: nothing was forged');
  });

  // Kills #281 (ingest.ts:153: ingestFinished's catch block emptied).
  it('ingestFinished: an ingest that throws (the store to probe is unreachable) leaves the job and its state for the next tick, and logs a warning with the order and batch', async () => {
    const e = await engine();
    const { orderId, epoch, batch, items } = await demoBatch(e);
    const [first] = items as [Item, ...Item[]];
    await e.store.writeIntents(orderId, epoch, batch, new Map([[first.seq, intentFor(e, first)]]));
    const data = loadQueueAuth(e.h.config.queueKeyPath, { create: false }).signJob({ orderId, epoch, target: 'photos', batch, items: items.map(({ seq, locator, size }) => ({ seq, locator, size })) });
    const job: FinishedJob = { id: jobIdFor(orderId, epoch, batch), data, failed: true, failedReason: 'worker lost its connection (test)' };
    const removed: string[] = [];
    const queue: ExecutionQueue = Object.assign(Object.create(e.deps.queue) as ExecutionQueue, {
      finished: async () => [job],
      remove: async (id: string) => void removed.push(id),
    });
    const unreachable = (b: StorageBackend): StorageBackend => Object.assign(Object.create(b) as StorageBackend, {
      openTarget: async () => {
        throw new Error('store unreachable (test)');
      },
    });
    const backends: StorageBackends = Object.assign(Object.create(e.deps.backends) as StorageBackends, { get: (name: string) => unreachable(e.deps.backends.get(name)) });
    assert.equal(await ingestFinished({ ...e.deps, queue, backends }), 1);
    assert.deepEqual(removed, []);
    for (const i of items) assert.equal(fates(e, orderId).get(`photos ${i.locator}`), 'pending', i.locator);
    assert.equal((await e.store.readBatch(orderId, epoch, batch)).intents.size, 1, 'the batch state is kept');
    const warnings = e.logged.filter((l) => l.level >= 40).map(({ level, orderId: o, batch: b, err }) => ({ level, orderId: o, batch: b, err }));
    assert.deepEqual(warnings, [{ level: 40, orderId, batch, err: 'store unreachable (test)' }]);
  });
});

describe('finalize: what the engine run let through', { timeout: 120_000 }, () => {
  // Kills #116 as it stands now (finalize-order.ts:198: `perTarget[name]?.total` without `?.`).
  it('a target whose scope matched nothing is certified with 0 planned', async () => {
    const empty = join(tempDir('empty'), 'empty');
    filesAt(empty, { 'elsewhere/readme.txt': 'outside the scope' });
    const e = await engine({ extraBackends: { empty: { kind: 'filesystem', root: empty } } });
    const orderId = await executeOrderOf(e, {
      reference: 'photos, and a store where nothing matches (test)',
      targets: [{ backend: 'photos', scope: { include: ['users/**'] } }, { backend: 'empty', scope: { include: ['nothing/**'] } }],
    });
    assert.equal(e.deps.ledger.progress(orderId).perTarget.empty, undefined, 'no object of the plan names the empty target');
    // This order names no hold: the held user's photos are destroyed too.
    const photos = new Map([...e.h.dataset.inScope, ...e.h.dataset.held]);
    destroyAll(e, orderId, e.h.dataset.root, photos);
    assert.equal((await finalizeOrder(e.deps, orderId)).state, 'certified');
    const statement = await readCertificateView(certificateFiles(e.h.config.dataDir, orderId).dir);
    assert.deepEqual(statement.targets.map((t) => [t.name, t.planned, t.destroyed.count]), [['photos', photos.size, photos.size], ['empty', 0, 0]]);
  });

  // Kills #83 as it stands now (finalize-order.ts:258: `child({})`), and the next run's mutant of that line's fields.
  it('the line that reports a certificate carries the order id, the certificate id and its counts', async () => {
    const e = await engine();
    const { orderId } = await demoBatch(e);
    destroyAll(e, orderId, e.h.dataset.root, e.h.dataset.inScope);
    await finalizeOrder(e.deps, orderId);
    const statement = await readCertificateView(certificateFiles(e.h.config.dataDir, orderId).dir);
    const lines = e.logged.filter((l) => 'certificateId' in l).map(({ level, orderId: o, certificateId, destroyed, exceptions, root }) => ({ level, orderId: o, certificateId, destroyed, exceptions, root }));
    assert.deepEqual(lines, [{ level: 30, orderId, certificateId: statement.certificateId, destroyed: e.h.dataset.inScope.size, exceptions: 0, root: statement.merkle.rootHash }]);
  });

  // Kills #102 as it stands now (durable-files.ts:34: `chunk = "Stryker was here!"`).
  it('writeLinesDurably writes every line once, in order, across the 1 MiB chunks it writes at a time', async () => {
    const path = join(tempDir('lines'), 'records.ndjson');
    // 3,000 lines of 1,000 characters, in pages of 500 (as finalize pages records): about 3 MB, three chunk writes.
    const line = (n: number) => `${String(n).padStart(8, '0')} ${'x'.repeat(991)}`;
    const pages = Array.from({ length: 6 }, (_, p) => Array.from({ length: 500 }, (_, k) => line(p * 500 + k)));
    await writeLinesDurably(path, pages);
    const want = pages.flat().map((l) => `${l}\n`).join('');
    const got = readFileSync(path, 'utf8');
    assert.equal(got.length, want.length);
    assert.equal(sha256(got), sha256(want));
    assert.deepEqual(readdirSync(join(path, '..')), ['records.ndjson'], 'no temp file left behind');
  });

  // Kills #98, #100 and #101 as they stand now (durable-files.ts:32: the chunk never written before the end).
  it('writeLinesDurably writes a file longer than the longest string V8 can hold (about 2 million records), so it never holds the whole file', async () => {
    // 64 pages of one 8 MiB line: 2^29 characters, 24 more than a string can have. A writer that kept
    // everything for one last write (the mutants) throws RangeError. This writes 512 MiB to the temp
    // dir, for about a second, and removes it.
    const dir = tempDir('long');
    const path = join(dir, 'records.ndjson');
    const line = 'x'.repeat((1 << 23) - 1);
    function* pages() {
      for (let p = 0; p < 64; p++) yield [line];
    }
    try {
      await writeLinesDurably(path, pages());
      assert.equal(statSync(path).size, 2 ** 29);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
