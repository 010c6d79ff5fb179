// finalizeOrder (src/app/finalize-order.ts) called directly on a real
// engine (SQLite ledger, Redis, real files) whose objects were given their
// fates in the ledger: the certificate it signs verifies, its records are
// exactly the destroyed objects in plan order with their true hashes, the
// re-scan names what is left in scope and how, an object recorded as
// destroyed but still there with its certified content loses its record, and
// the order ends in the state its results call for. Called directly, a
// mistake here fails at once instead of leaving a coordinator retrying.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, readlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { parseRecordLine, publicKeyToPem } from '../../packages/verify/src/core/index.js';
import { cancelOrder } from '../../src/app/cancel-order.js';
import type { EngineDeps } from '../../src/app/deps.js';
import { NotFoundError, StateConflictError } from '../../src/app/errors.js';
import { certificateFiles, finalizeOrder } from '../../src/app/finalize-order.js';
import type { ItemResult } from '../../src/app/ports/ledger.js';
import type { HashOutcome, ObjectRef, StorageBackend, StorageBackends, TargetSession } from '../../src/app/ports/storage-backend.js';
import { readCertificateView } from '../helpers/certificate-checks.js';
import { executeDemoOrder, type Harness, startHarness } from '../helpers/engine-harness.js';

type Item = { seq: number; target: string; locator: string; size: number };

const harnesses: Harness[] = [];
after(async () => {
  for (const h of harnesses) await h.close();
});

/** Files this process holds open (a leaked descriptor of the records file shows here). */
const openFiles = () => readdirSync('/proc/self/fd').flatMap((fd) => {
  try {
    return [readlinkSync(`/proc/self/fd/${fd}`)];
  } catch {
    return [];
  }
});

/** The registry with each session's hash answering `hashes[locator]` where given (a real filesystem cannot be made to fail a read on demand). */
function hashWrapper(real: StorageBackends, hashes: Map<string, HashOutcome>, sessions: { opened: number; closed: number }): StorageBackends {
  const wrapSession = (s: TargetSession): TargetSession => ({
    list: () => s.list(),
    async hash(items: readonly ObjectRef[]) {
      const answers = await s.hash(items);
      return answers.map((a, k) => hashes.get(items[k]!.locator) ?? a);
    },
    destroy: (items) => s.destroy(items),
    probe: (items) => s.probe(items),
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

async function setup(hashes = new Map<string, HashOutcome>()) {
  const h = await startHarness({ objects: 12, worker: false });
  harnesses.push(h);
  const real = h.runtime.deps;
  const orderId = await executeDemoOrder(h);
  const [batch] = real.ledger.pendingBatches(orderId);
  const items: Item[] = real.ledger.batchItems(orderId, batch!);
  const phases: Array<[string, number]> = [];
  const sessions = { opened: 0, closed: 0 };
  const logged: string[] = [];
  const deps: EngineDeps = {
    ...real,
    backends: hashWrapper(real.backends, hashes, sessions),
    metrics: { ingested: () => undefined, phase: (p, seconds) => void phases.push([p, seconds]) },
    log: pino({ level: 'info' }, { write: (line: string) => void logged.push(line) }),
  };
  const sha = (i: Item) => h.dataset.inScope.get(i.locator)!;
  const destroyed = (i: Item, at: string, attributes?: Record<string, string>): ItemResult => ({
    kind: 'destroyed', seq: i.seq, sha256: sha(i), size: i.size, destroyedAt: at, method: 'unlink', ...(attributes ? { attributes } : {}),
  });
  return { h, deps, orderId, items, phases, sessions, logged, destroyed, path: (i: Item) => join(h.dataset.root, i.locator) };
}

/** The certificate directory, verified whole (tests/helpers/certificate-checks.ts), with its lists read in. */
async function readCertificate(h: Harness, orderId: string) {
  const files = certificateFiles(h.config.dataDir, orderId);
  const pem = readFileSync(files.publicKey, 'utf8');
  const statement = await readCertificateView(files.dir);
  const text = readFileSync(files.records, 'utf8');
  return { files, pem, statement, records: text === '' ? [] : text.slice(0, -1).split('\n').map((l) => parseRecordLine(l)) };
}

describe('finalizeOrder', { timeout: 120_000 }, () => {
  it('certifies what was destroyed, revokes what is still there, and lists what the re-scan found', async () => {
    const s = await setup();
    const [plain, recovered, stillThere, recreated, refused, ...rest] = s.items as [Item, Item, Item, Item, Item, ...Item[]];
    const at = '2026-12-01T10:00:00.000Z';
    for (const i of [plain, recovered, recreated, ...rest]) unlinkSync(s.path(i));
    writeFileSync(s.path(recreated), 'written again after it was destroyed');
    writeFileSync(join(s.h.dataset.root, 'users', 'user-0000', 'new-photo.jpg'), 'appeared after the plan');
    s.deps.ledger.applyResults(s.orderId, [
      s.destroyed(plain, at),
      s.destroyed(recovered, at, { recovered: 'true' }),
      s.destroyed(stillThere, at), // a worker said so; the file is there with its content
      s.destroyed(recreated, at),
      { kind: 'exception', seq: refused.seq, code: 'EACCES', reason: 'permission denied on unlink' },
      ...rest.map((i) => s.destroyed(i, at)),
    ]);
    const t0 = performance.now();
    const done = await finalizeOrder(s.deps, s.orderId);
    const took = (performance.now() - t0) / 1000;
    assert.equal(done.state, 'certified-with-exceptions');
    const row = s.deps.ledger.getOrder(s.orderId)!;
    assert.deepEqual(s.phases.map(([p]) => p), ['execute', 'finalize']);
    assert.equal(s.phases[0]![1], (Date.parse(row.finishedAt!) - Date.parse(row.execStartedAt!)) / 1000, 'execute: from start to the last result');
    assert.ok(s.phases[1]![1] >= 0 && s.phases[1]![1] <= took, `finalize took ${s.phases[1]![1]} s of ${took} s`);
    assert.deepEqual(s.sessions, { opened: 2, closed: 2 }, 'the re-scan and the reading of the held objects close their sessions');
    assert.equal(s.logged.filter((l) => l.includes('SECURITY')).length, 1, 'the revocation is logged once');
    const events = s.deps.ledger.events(s.orderId).slice(-2).map((e) => [e.actor, e.toState, e.detail]);
    assert.deepEqual(events, [['coordinator', 'finalizing', 'all objects resolved'], ['coordinator', 'certified-with-exceptions', `certificate ${(await readCertificate(s.h, s.orderId)).statement.certificateId}`]]);

    const { statement, records, files, pem } = await readCertificate(s.h, s.orderId);
    assert.equal(pem, publicKeyToPem(s.deps.signer.publicKey));
    const certified = [plain, recovered, recreated, ...rest];
    assert.deepEqual(records.map((r) => r.locator), certified.map((i) => i.locator), 'the destroyed objects, in plan order');
    records.forEach((r, k) => {
      const i = certified[k]!;
      assert.deepEqual(
        { index: r.index, target: r.target, sha256: r.sha256, size: r.size, destroyedAt: r.destroyedAt, method: r.method },
        { index: k, target: 'photos', sha256: s.h.dataset.inScope.get(i.locator), size: i.size, destroyedAt: at, method: 'unlink' },
      );
    });
    assert.deepEqual(records[1]!.attributes, { recovered: 'true' });
    assert.equal(records[0]!.attributes, undefined);

    assert.deepEqual(
      statement.exceptions.map((e) => [e.locator, e.code]),
      [[stillThere.locator, 'PRESENT_AFTER_DESTROY'], [refused.locator, 'EACCES']],
    );
    const held = [...s.h.dataset.held.keys()];
    assert.deepEqual(statement.retained.map((r) => [r.locator, r.holdId, r.reason]), held.map((l) => [l, 'hold-demo-1', 'litigation hold on one account (synthetic)']));
    const rescan = new Map(statement.rescan.items.map((r) => [r.locator, r.status]));
    assert.deepEqual(Object.fromEntries(rescan), {
      ...Object.fromEntries(held.map((l) => [l, 'held'])),
      [stillThere.locator]: 'exception',
      [recreated.locator]: 'recreated',
      [refused.locator]: 'exception',
      'users/user-0000/new-photo.jpg': 'unplanned',
    });
    assert.equal(statement.rescan.remaining, rescan.size);
    const order = s.deps.ledger.getOrder(s.orderId)!;
    assert.deepEqual(statement.completeness, { planned: order.planCount, destroyed: certified.length, retained: held.length, exceptions: 2 });
    assert.deepEqual(statement.inventory, { algorithm: 'rfc6962-sha256', treeSize: order.planCount, rootHash: order.planRoot, bytes: order.planBytes, plannedAt: order.plannedAt });
    assert.deepEqual(statement.order, {
      id: s.orderId, reference: order.reference, sha256: order.documentSha256, createdBy: 'alice', approvedBy: 'bob', approvedAt: order.approvedAt,
    });
    assert.deepEqual(statement.tool, { name: 'shredproof', version: JSON.parse(readFileSync('package.json', 'utf8')).version });
    assert.equal(readFileSync(files.order, 'utf8'), order.document, 'order.json is the document as approved, byte for byte');
    // Held objects carry their content hash: a person can find a kept photo by its own hash.
    assert.deepEqual(statement.retained.map((r) => r.sha256), held.map((l) => s.h.dataset.held.get(l)));
    assert.ok(statement.retained.every((r, k) => r.index === k && /^[0-9a-f]{32}$/.test(r.salt)));
    assert.deepEqual(statement.execution, { startedAt: order.execStartedAt, finishedAt: order.finishedAt });
    assert.deepEqual(statement.issuer, { name: 'shredproof test', keyid: s.deps.signer.keyid });
    const backend = s.deps.backends.get('photos');
    assert.deepEqual(statement.targets.map((t) => [t.name, t.kind, t.system, t.planned, t.persistence]), [['photos', 'filesystem', backend.system, order.planCount, [...backend.persistence]]]);
    const saved = s.deps.ledger.certificate(s.orderId)!;
    assert.deepEqual(
      { id: saved.certificateId, root: saved.rootHash, size: saved.treeSize, path: saved.recordsPath, envelope: saved.envelope },
      { id: statement.certificateId, root: statement.merkle.rootHash, size: records.length, path: files.records, envelope: readFileSync(files.certificate, 'utf8') },
    );
    assert.equal(existsSync(`${files.records}.tmp`), false, 'no temp file left behind');
    assert.deepEqual(openFiles().filter((f) => f.startsWith(files.dir)), [], 'no file of the certificate left open');
    assert.ok(readFileSync(files.certificate, 'utf8').endsWith('}\n'), 'certificate.json ends with a newline');
    assert.equal(await s.h.runtime.deps.queue.store.readSpec(s.orderId), undefined, "the order's state in Redis is gone");
  });

  it('a survivor that cannot be read loses its record; one gone between listing and hashing keeps it', async () => {
    const hashes = new Map<string, HashOutcome>();
    const s = await setup(hashes);
    const [unreadable, vanished, ...rest] = s.items as [Item, Item, ...Item[]];
    for (const i of rest) unlinkSync(s.path(i));
    hashes.set(unreadable.locator, { status: 'error', code: 'EIO', message: 'input/output error (test)', transient: true });
    hashes.set(vanished.locator, { status: 'absent' });
    const at = '2026-12-01T10:00:00.000Z';
    s.deps.ledger.applyResults(s.orderId, s.items.map((i) => s.destroyed(i, at)));
    await finalizeOrder(s.deps, s.orderId);
    const { statement, records } = await readCertificate(s.h, s.orderId);
    assert.deepEqual(statement.exceptions.map((e) => [e.locator, e.code]), [[unreadable.locator, 'PRESENT_AFTER_DESTROY']]);
    assert.deepEqual(records.map((r) => r.locator), [vanished, ...rest].map((i) => i.locator));
  });

  it('everything destroyed: certified, complete; a cancelled order ends cancelled', async () => {
    const s = await setup();
    for (const i of s.items) unlinkSync(s.path(i));
    writeFileSync(s.path(s.items[0]!), 'written again, other content'); // recreated: checked, and not revoked
    s.deps.ledger.applyResults(s.orderId, s.items.map((i) => s.destroyed(i, '2026-12-01T10:00:00.000Z')));
    const withoutMetrics: EngineDeps = { ...s.deps, metrics: undefined };
    assert.equal((await finalizeOrder(withoutMetrics, s.orderId)).state, 'certified');
    assert.equal((await readCertificate(s.h, s.orderId)).statement.status, 'complete');
    assert.deepEqual(s.logged.filter((l) => l.includes('SECURITY')), [], 'nothing revoked, nothing to report');
    assert.deepEqual((await readCertificate(s.h, s.orderId)).statement.rescan.items.map((r) => r.status).sort(), ['held', 'recreated']);

    const c = await setup();
    cancelOrder(c.deps, c.orderId, 'carol', 'stop (test)');
    c.deps.ledger.applyResults(c.orderId, c.items.map((i) => ({ kind: 'exception', seq: i.seq, code: 'CANCELLED', reason: 'cancelled' }) as ItemResult));
    assert.equal((await finalizeOrder(c.deps, c.orderId)).state, 'cancelled');
    assert.deepEqual((await readCertificate(c.h, c.orderId)).records, []);
  });

  it('an order finalizing since a crash is finished; an unknown order is NOT_FOUND; a hold the order does not name is a legal hold', async () => {
    const s = await setup();
    for (const i of s.items.slice(1)) unlinkSync(s.path(i));
    const [kept, ...rest] = s.items as [Item, ...Item[]];
    s.deps.ledger.applyResults(s.orderId, [{ kind: 'retained', seq: kept.seq, holdId: 'hold-found-late' }, ...rest.map((i) => s.destroyed(i, '2026-12-01T10:00:00.000Z'))]);
    const at = '2026-12-01T11:00:00.000Z';
    s.deps.ledger.transition(s.orderId, ['executing'], 'finalizing', 'coordinator', at, { finishedAt: at }, 'all objects resolved');
    assert.equal((await finalizeOrder(s.deps, s.orderId)).state, 'certified');
    assert.deepEqual(s.phases.map(([p]) => p), ['finalize'], 'the execute phase was reported before the crash');
    const { statement } = await readCertificate(s.h, s.orderId);
    assert.equal(statement.execution.finishedAt, at);
    const entry = statement.retained.find((r) => r.locator === kept.locator)!;
    assert.deepEqual({ ...entry, index: 0, salt: '' }, { index: 0, salt: '', target: 'photos', locator: kept.locator, holdId: 'hold-found-late', reason: 'legal hold', sha256: s.h.dataset.inScope.get(kept.locator), size: kept.size });
    await assert.rejects(finalizeOrder(s.deps, 'ord-none'), (e: unknown) => e instanceof NotFoundError);
  });

  it('an execution with an object still pending is not finalized: STATE_CONFLICT naming the count, and the order stays executing', async () => {
    const s = await setup();
    const [last, ...done] = s.items as [Item, ...Item[]];
    for (const i of done) unlinkSync(s.path(i));
    s.deps.ledger.applyResults(s.orderId, done.map((i) => s.destroyed(i, '2026-12-01T10:00:00.000Z')));
    await assert.rejects(finalizeOrder(s.deps, s.orderId), (e: unknown) => e instanceof StateConflictError && /has 1 object\(s\) still pending/.test(e.message));
    assert.equal(s.deps.ledger.getOrder(s.orderId)!.state, 'executing');
    assert.equal(s.deps.ledger.certificate(s.orderId), undefined);
    // Its result comes in: then it is finalized.
    unlinkSync(s.path(last));
    s.deps.ledger.applyResults(s.orderId, [s.destroyed(last, '2026-12-01T10:00:01.000Z')]);
    assert.equal((await finalizeOrder(s.deps, s.orderId)).state, 'certified');
  });
});
