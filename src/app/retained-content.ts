// The content hashes of the objects kept under a legal hold, for
// retained.ndjson (docs/FORMAT.md section 5.5): a person whose photo was kept
// can then find it by the photo's own hash, as a destroyed one is found in
// the records. Each target's scope is opened without its holds, so that
// hash() reads held objects instead of refusing them; hash() only reads,
// and nothing here destroys. The plan's binding still applies: on a store
// that is not the one planned, nothing is read.
import { setImmediate } from 'node:timers/promises';
import { planTargets } from './plan-targets.js';
import type { EngineDeps } from './deps.js';
import type { OrderRow } from './ports/orders.js';
import { planBindings } from './plan-order.js';

/** How many held objects one hash() call reads. */
const BATCH = 500;

export interface HeldContent {
  sha256: string;
  size: number;
}

/** The key of `found`: a target and a locator. */
export const heldKey = (target: string, locator: string) => `${target}\u0000${locator}`;

/**
 * Hashes each retained object that can be read now; one that cannot (gone,
 * unreadable, on another store) is left out, and its entry then carries no
 * hash. Only targets with retained objects are opened.
 */
export async function retainedContent(deps: EngineDeps, order: OrderRow, retained: ReadonlyArray<{ target: string; locator: string }>): Promise<Map<string, HeldContent>> {
  const found = new Map<string, HeldContent>();
  if (retained.length === 0) return found;
  const bindings = planBindings(deps.ledger, order.id);
  for (const t of planTargets(order)) {
    const locators = retained.filter((r) => r.target === t.name).map((r) => r.locator);
    if (locators.length === 0) continue;
    // No holds: they are what makes hash() refuse. The scope and the plan's binding stay.
    const session = await deps.backends.get(t.backend).openTarget(t.scope, [], bindings[t.name]);
    try {
      for (let i = 0; i < locators.length; i += BATCH) {
        const batch = locators.slice(i, i + BATCH);
        const outcomes = await session.hash(batch.map((locator) => ({ locator })));
        outcomes.forEach((o, k) => {
          if (o.status === 'hashed') found.set(heldKey(t.name, batch[k]!), { sha256: o.sha256, size: o.size });
        });
        await setImmediate();
      }
    } finally {
      await session.close();
    }
  }
  return found;
}
