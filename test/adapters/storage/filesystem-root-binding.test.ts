// A plan is bound to the filesystem root it listed (issue 11, finding 8):
// re-pointing a symlinked root, or putting another directory in the root's
// place, between plan and execute made workers destroy files of another tree
// under the planned locators. Real files; the last test runs a real
// coordinator, queue and worker.

import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { composeCoordinator } from '../../../src/main/coordinator.js';
import { composeWorker } from '../../../src/main/worker.js';
import type { BackendsConfig } from '../../../src/config/backends-config.js';
import { loadConfig } from '../../../src/config/config.js';
import type { ConfineMode } from '../../../src/adapters/storage/filesystem/confine.js';
import { FilesystemBackend } from '../../../src/adapters/storage/filesystem/filesystem-backend.js';
import { approveSigned } from '../../helpers/approvals.js';
import { createOrder } from '../../../src/app/create-order.js';
import { executeOrder } from '../../../src/app/execute-order.js';
import { certificateFiles } from '../../../src/app/finalize-order.js';
import { planOrder } from '../../../src/app/plan-order.js';
import { silentLogger } from '../../../src/log.js';
import { generateKeys } from '../../../src/adapters/keys/pem-keys.js';
import type { ListedObject, TargetSession } from '../../../src/app/ports/storage-backend.js';
import { dropPrefix, freshPrefix, REDIS_URL, requireRedis } from '../../helpers/services.js';

const FILES = ['users/u1/a.jpg', 'users/u1/b.jpg', 'users/u2/c.jpg', 'keep/x'];
const SCOPE = { include: ['users/**'] };

/** A temp dir with two trees holding the same names (different content), and `root` a symlink to tree-a. */
function twoTrees(t: TestContext): { dir: string; a: string; b: string; root: string } {
  const dir = mkdtempSync(join(tmpdir(), 'shredproof-binding-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const [a, b] = [join(dir, 'tree-a'), join(dir, 'tree-b')];
  for (const [tree, tag] of [[a, 'a'], [b, 'b']] as const) {
    for (const f of FILES) {
      mkdirSync(dirname(join(tree, f)), { recursive: true });
      writeFileSync(join(tree, f), `${tag}: ${f}`);
    }
  }
  const root = join(dir, 'root');
  symlinkSync(a, root);
  return { dir, a, b, root };
}

function backend(t: TestContext, root: string, confinement?: ConfineMode): FilesystemBackend {
  const b = new FilesystemBackend({ name: 'photos', root, threads: 2, ...(confinement ? { confinement } : {}) });
  t.after(() => b.close());
  return b;
}

async function listAll(session: TargetSession): Promise<ListedObject[]> {
  const out: ListedObject[] = [];
  for await (const page of session.list()) out.push(...page);
  return out;
}

function fingerprintOf(path: string): string {
  const st = lstatSync(path, { bigint: true });
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}`;
}

const everyFileIntact = (tree: string, tag: string): void => {
  for (const f of FILES) assert.equal(readFileSync(join(tree, f), 'utf8'), `${tag}: ${f}`, `${tag}/${f}`);
};

const codes = (outcomes: ReadonlyArray<{ status: string; code?: string; transient?: boolean }>): unknown[] =>
  outcomes.map((o) => (o.status === 'error' ? [o.code, o.transient] : o.status));

describe('filesystem: a plan is bound to the root it listed (issue 11, finding 8)', () => {
  it('records the root at plan time, and a target opened with that binding works on the same root', async (t) => {
    const { a, root } = twoTrees(t);
    const planning = await backend(t, root).openTarget(SCOPE, []);
    const st = lstatSync(a, { bigint: true });
    assert.deepEqual(planning.binding, { rootDev: String(st.dev), rootIno: String(st.ino) });
    const listed = await listAll(planning);
    const worker = await backend(t, root).openTarget(SCOPE, [], planning.binding);
    const [h] = await worker.hash([listed[0]!]);
    assert.equal(h?.status, 'hashed');
    assert.deepEqual(await worker.destroy([{ ...listed[0]!, fingerprint: (h as { fingerprint: string }).fingerprint }]), [{ status: 'destroyed' }]);
    assert.ok(!existsSync(join(a, listed[0]!.locator)));
  });

  for (const mode of ['procfs', 'path-walk'] as ConfineMode[]) {
    it(`(${mode}) a symlinked root re-pointed after the plan: every object is a permanent ROOT_CHANGED, the other tree survives`, async (t) => {
      const { b, root } = twoTrees(t);
      const planning = await backend(t, root, mode).openTarget(SCOPE, []);
      const listed = await listAll(planning);
      unlinkSync(root);
      symlinkSync(b, root);
      // A worker that starts now resolves the root to tree-b.
      const late = backend(t, root, mode);
      const unbound = await late.openTarget(SCOPE, []);
      assert.equal((await unbound.hash([listed[0]!]))[0]?.status, 'hashed', 'without the binding the other tree is reachable: the attack');
      const session = await late.openTarget(SCOPE, [], planning.binding);
      const items = listed.map((o) => ({ locator: o.locator, fingerprint: fingerprintOf(join(b, o.locator)) }));
      for (const outcomes of [await session.hash(items), await session.destroy(items), await session.probe(items)]) {
        assert.deepEqual(codes(outcomes), items.map(() => ['ROOT_CHANGED', false]));
      }
      const [one] = await session.hash([items[0]!]);
      assert.match((one as { message: string }).message, /is not the directory this target was planned or opened on/);
      everyFileIntact(b, 'b');
    });
  }

  it('a root directory replaced in place under a long-running worker: refused, both trees survive', async (t) => {
    const { dir, a } = twoTrees(t);
    const worker = backend(t, a); // started before the plan, as a worker is
    const planning = await backend(t, a).openTarget(SCOPE, []);
    const listed = await listAll(planning);
    renameSync(a, join(dir, 'tree-a-old'));
    for (const f of FILES) {
      mkdirSync(dirname(join(a, f)), { recursive: true });
      writeFileSync(join(a, f), `a: ${f}`);
    }
    const session = await worker.openTarget(SCOPE, [], planning.binding);
    const items = listed.map((o) => ({ locator: o.locator, fingerprint: fingerprintOf(join(a, o.locator)) }));
    assert.deepEqual(codes(await session.destroy(items)), items.map(() => ['ROOT_CHANGED', false]));
    everyFileIntact(a, 'a');
    everyFileIntact(join(dir, 'tree-a-old'), 'a');
  });

  it('refuses a malformed binding before touching anything', async (t) => {
    const { root, a } = twoTrees(t);
    const b = backend(t, root);
    const bindings: Array<Record<string, string>> = [{}, { rootDev: '1' }, { rootDev: 'x', rootIno: '2' }, { rootDev: '-1', rootIno: '2' }, { rootDev: '1', rootIno: '1'.repeat(25) }];
    for (const binding of bindings) {
      await assert.rejects(b.openTarget(SCOPE, [], binding), TypeError, JSON.stringify(binding));
    }
    everyFileIntact(a, 'a');
  });

  it('through the engine: plan, re-point the root, execute with a fresh worker: all exceptions ROOT_CHANGED, no record, nothing destroyed', { timeout: 120_000 }, async (t) => {
    await requireRedis();
    const { dir, a, b, root } = twoTrees(t);
    const backends: BackendsConfig = { photos: { kind: 'filesystem', root, threads: 2 } };
    const keys = await generateKeys(join(dir, 'keys'));
    const prefix = freshPrefix();
    t.after(() => dropPrefix(prefix).catch(() => undefined));
    const config = loadConfig({ DATA_DIR: join(dir, 'data'), REDIS_URL, SHREDPROOF_PREFIX: prefix, SHREDPROOF_KEY: keys.privateKeyPath, SHREDPROOF_ISSUER: 'test issuer', LOG_LEVEL: 'silent', SHREDPROOF_BATCH_SIZE: '2' });
    const log = silentLogger();
    const runtime = await composeCoordinator(config, backends, log, { intervalMs: 50 });
    t.after(() => runtime.close());
    const { deps, coordinator } = runtime;
    const order = await createOrder(deps, { reference: 'root binding (test)', targets: [{ backend: 'photos', scope: SCOPE }] }, 'alice');
    const plan = await planOrder(deps, order.id, 'alice');
    assert.equal(plan.count, 3);
    approveSigned(deps, order.id, 'bob', plan.planRoot);
    unlinkSync(root);
    symlinkSync(b, root);
    const worker = await composeWorker(config, backends, log); // resolves the root to tree-b
    t.after(() => worker.close());
    executeOrder(deps, order.id, 'alice');
    coordinator.start();
    const done = await coordinator.waitFor(order.id);
    assert.equal(done.state, 'certified-with-exceptions', done.failure ?? '');
    const exceptions = deps.ledger.exceptions(order.id);
    assert.deepEqual(exceptions.map((e) => [e.locator, e.code]).sort(), [
      ['users/u1/a.jpg', 'ROOT_CHANGED'],
      ['users/u1/b.jpg', 'ROOT_CHANGED'],
      ['users/u2/c.jpg', 'ROOT_CHANGED'],
    ]);
    assert.equal(readFileSync(certificateFiles(config.dataDir, order.id).records, 'utf8'), '');
    everyFileIntact(a, 'a');
    everyFileIntact(b, 'b');
  });
});
