// Issue 12, item 4, through the engine: a real coordinator, Redis queue and
// worker run an order over real files; at finalize the directories that the
// order emptied are removed, and the signed certificate's persistence list
// for the target says what remains. A root replaced after the plan is not
// tidied at all.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FILESYSTEM_PERSISTENCE } from '../../../src/adapters/storage/filesystem/filesystem-backend.js';
import { publicKeyFromPem, trustedKey, verifyCertificate } from '../../../packages/verify/src/core/index.js';
import { approveSigned } from '../../helpers/approvals.js';
import { createOrder } from '../../../src/app/create-order.js';
import { executeOrder } from '../../../src/app/execute-order.js';
import { certificateFiles, finalizeOrder } from '../../../src/app/finalize-order.js';
import { planOrder } from '../../../src/app/plan-order.js';
import { executeDemoOrder, type Harness, startHarness } from '../../helpers/engine-harness.js';

const harnesses: Harness[] = [];
after(async () => {
  for (const h of harnesses) await h.close();
});

async function harness(objects: number, worker: boolean): Promise<Harness> {
  const h = await startHarness({ objects, worker });
  harnesses.push(h);
  return h;
}

function statementOf(h: Harness, orderId: string) {
  const files = certificateFiles(h.config.dataDir, orderId);
  const key = trustedKey(publicKeyFromPem(readFileSync(files.publicKey, 'utf8')));
  return verifyCertificate(readFileSync(files.certificate), [key]).statement;
}

/** Every directory under `root`, root-relative, sorted. */
function dirsUnder(root: string, rel = ''): string[] {
  return readdirSync(join(root, rel), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => {
      const sub = rel === '' ? e.name : `${rel}/${e.name}`;
      return [sub, ...dirsUnder(root, sub)];
    })
    .sort();
}

function put(root: string, rel: string): void {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), rel);
}

describe('filesystem: an order removes the directories it emptied (engine)', { timeout: 180_000 }, () => {
  it('20 users: the emptied user directories are removed at finalize, the rest stays, and the certificate counts what remains', async () => {
    const h = await harness(40, true); // users/user-0000 .. user-0019, two photos each; user-0007 is held
    const root = h.dataset.root;
    put(root, 'users/user-0002/notes.txt'); // outside the pattern: its directory stays
    put(root, 'users/user-0005/2024/06/extra.jpg'); // deeper directories, removed deepest first
    mkdirSync(join(root, 'press-kit/empty')); // outside the scope, empty: stays
    const { deps, coordinator } = h.runtime;
    const order = await createOrder(
      deps,
      {
        reference: 'issue 12 item 4: emptied directories (test)',
        targets: [{ backend: 'photos', scope: { include: ['users/**/*.jpg'] } }],
        holds: [{ id: 'hold-1', reason: 'litigation hold (test)', target: 'photos', match: { include: ['users/user-0007/**'] } }],
      },
      'alice',
    );
    const plan = await planOrder(deps, order.id, 'alice');
    approveSigned(deps, order.id, 'bob', plan.planRoot);
    executeOrder(deps, order.id, 'alice');
    coordinator.start();
    const done = await coordinator.waitFor(order.id);
    assert.equal(done.state, 'certified', done.failure ?? '');

    assert.deepEqual(dirsUnder(root), ['press-kit', 'press-kit/empty', 'users', 'users/user-0002', 'users/user-0007']);
    for (const l of h.dataset.held.keys()) assert.ok(existsSync(join(root, l)), `${l} is held and survives`);
    assert.ok(existsSync(join(root, 'users/user-0002/notes.txt')));

    const statement = statementOf(h, order.id);
    const [target] = statement.targets;
    assert.deepEqual(target!.persistence.slice(0, FILESYSTEM_PERSISTENCE.length), [...FILESYSTEM_PERSISTENCE]);
    const added = target!.persistence.slice(FILESYSTEM_PERSISTENCE.length);
    assert.equal(added.length, 2);
    // 19 user directories held destroyed files (all but the held one), and user-0005/2024 and user-0005/2024/06.
    assert.match(added[0]!, /^directories: 21 directories below the scope's own directories held files that this order destroyed; 20 were removed with rmdir, and 1 remains: 1 not empty /);
    assert.match(added[0]!, /counted, not named, because directory names \(such as user ids\) may be personal data$/);
    assert.doesNotMatch(added.join('\n'), /user-00/, 'no user directory is named in the certificate');
    assert.match(added[1]!, /never removed, even when empty/);
  });

  it("finalize on a root that is not the planned one removes nothing, and says so; on the planned root it removes what the order emptied", async () => {
    for (const swap of [true, false]) {
      const h = await harness(12, false); // users/user-0000 .. user-0011, one photo each; user-0007 held
      const { deps } = h.runtime;
      const orderId = await executeDemoOrder(h);
      const [batch] = deps.ledger.pendingBatches(orderId);
      const items = deps.ledger.batchItems(orderId, batch!);
      const at = '2026-12-01T10:00:00.000Z';
      for (const i of items) unlinkSync(join(h.dataset.root, i.locator)); // as a worker would have
      deps.ledger.applyResults(
        orderId,
        items.map((i) => ({ kind: 'destroyed' as const, seq: i.seq, sha256: h.dataset.inScope.get(i.locator)!, size: i.size, destroyedAt: at, method: 'unlink' })),
      );
      const old = `${h.dataset.root}-old`;
      if (swap) {
        renameSync(h.dataset.root, old);
        mkdirSync(join(h.dataset.root, 'users/user-0000'), { recursive: true }); // another tree in its place, with an empty user directory
      }
      const done = await finalizeOrder(deps, orderId);
      assert.equal(done.state, 'certified');
      const added = statementOf(h, orderId).targets[0]!.persistence.slice(FILESYSTEM_PERSISTENCE.length);
      if (swap) {
        assert.deepEqual(added, ['nothing that destroying left behind (such as emptied directories) was removed: the store is not the one the plan listed']);
        assert.deepEqual(dirsUnder(h.dataset.root), ['users', 'users/user-0000'], 'the other tree is untouched');
        assert.equal(dirsUnder(old).filter((d) => d.startsWith('users/')).length, 12, 'the planned tree, now elsewhere, is untouched');
      } else {
        assert.match(added[0]!, /^directories: 11 directories .*; 11 were removed with rmdir, none remains$/);
        assert.deepEqual(dirsUnder(h.dataset.root), ['press-kit', 'users', 'users/user-0007']);
      }
    }
  });
});
