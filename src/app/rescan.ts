// Finalize's re-scan: what is left in each target's scope after execution.
// An object recorded as destroyed that is still there is hashed again: with
// the content that was certified, it was never destroyed (a lying worker, a
// forged outcome, a store that ignored the delete), so its record is revoked
// and it becomes an exception; with other content it was written again after
// its destruction ('recreated').
import { setImmediate } from 'node:timers/promises';
import type { RescanItem } from '@shredproof/verify';
import type { TargetBinding, TargetSession } from './ports/storage-backend.js';
import { ITEM_STATUS } from './ports/inventory.js';
import type { OrderRow } from './ports/orders.js';
import { planTargets } from './plan-targets.js';
import type { EngineDeps } from './deps.js';
import { planBindings } from './plan-order.js';

const RESCAN_STATUS: Record<number, RescanItem['status']> = {
  [ITEM_STATUS.retained]: 'held',
  [ITEM_STATUS.exception]: 'exception',
  [ITEM_STATUS.destroyed]: 'recreated',
  [ITEM_STATUS.pending]: 'exception',
};

export interface Rescan {
  items: RescanItem[];
  /** Per target, what the session's tidy says remains of what destroying left behind. */
  leftBehind: Map<string, string[]>;
}

/**
 * Lists what is left in scope after execution, revoking the records of
 * objects found with the content that was certified. Before listing, a
 * session that can tidy removes what destroying left behind (tidy).
 */
export async function rescan(deps: EngineDeps, order: OrderRow): Promise<Rescan> {
  const bindings = planBindings(deps.ledger, order.id);
  const items: RescanItem[] = [];
  const leftBehind = new Map<string, string[]>();
  const targets = planTargets(order);
  for (const [i, t] of targets.entries()) {
    const session = await deps.backends.get(t.backend).openTarget(t.scope, t.holds);
    // An object on the same store that an earlier target of the plan lists is that target's (plan-order.ts).
    const earlier = targets.slice(0, i).filter((x) => x.backend === t.backend);
    try {
      if (session.tidy) leftBehind.set(t.name, await tidy(deps, order.id, t.name, session, bindings[t.name]));
      for await (const page of session.list()) {
        const survivors: Array<{ item: RescanItem; seq: number; sha256: string }> = [];
        for (const o of page) {
          if (earlier.some((x) => deps.ledger.findByLocator(order.id, x.name, o.locator))) continue;
          const row = deps.ledger.findByLocator(order.id, t.name, o.locator);
          const item: RescanItem = { target: t.name, locator: o.locator, status: row ? RESCAN_STATUS[row.status]! : 'unplanned' };
          items.push(item);
          if (row?.status === ITEM_STATUS.destroyed && row.sha256) survivors.push({ item, seq: row.seq, sha256: row.sha256 });
        }
        if (survivors.length > 0) await checkSurvivors(deps, order.id, session, survivors);
      }
    } finally {
      await session.close();
    }
  }
  return { items, leftBehind };
}

/**
 * Has the session remove what destroying left behind (for files: the
 * directories the order emptied), on the store the plan listed only, and
 * returns its statements of what remains (for the target's persistence).
 */
async function tidy(deps: EngineDeps, orderId: string, target: string, session: TargetSession, planned: TargetBinding | undefined): Promise<string[]> {
  if (planned && !sameBinding(planned, session.binding)) {
    return ['nothing that destroying left behind (such as emptied directories) was removed: the store is not the one the plan listed'];
  }
  async function* destroyed(): AsyncIterable<string[]> {
    for (const page of deps.ledger.destroyedPages(orderId)) {
      yield page.filter((r) => r.target === target).map((r) => r.locator);
      await setImmediate();
    }
  }
  return session.tidy!(destroyed());
}

function sameBinding(a: TargetBinding, b: TargetBinding | undefined): boolean {
  const keys = Object.keys(a);
  return b !== undefined && keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

async function checkSurvivors(
  deps: EngineDeps,
  orderId: string,
  session: TargetSession,
  survivors: ReadonlyArray<{ item: RescanItem; seq: number; sha256: string }>,
): Promise<void> {
  const hashes = await session.hash(survivors.map((s) => ({ locator: s.item.locator })));
  const revoke: number[] = [];
  survivors.forEach((s, k) => {
    const h = hashes[k]!;
    // Unreadable now (an error, a hold): it is there, and nobody can show it is other content.
    if (h.status === 'hashed' && h.sha256 !== s.sha256) return;
    if (h.status === 'absent') return; // gone between listing and hashing
    revoke.push(s.seq);
    s.item.status = 'exception';
  });
  if (revoke.length === 0) return;
  deps.ledger.revokeDestroyed(orderId, revoke, 'PRESENT_AFTER_DESTROY', 'recorded as destroyed, but the re-scan found it present with the content that was recorded (or could not read it to tell); not certified');
  deps.log.error({ orderId, objects: revoke.length }, 'SECURITY: objects reported destroyed are still present with the same content; their records are revoked');
}
