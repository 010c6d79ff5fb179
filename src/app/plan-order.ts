// Plan: list every object in scope (streaming, bounded memory), store the
// inventory, and commit to it with an RFC 6962 root over the salted entries.
// The approval binds to that root, so a changed plan needs a new approval.
import { randomBytes } from 'node:crypto';
import { bytesToHex, canonicalizeToBytes, MerkleRootBuilder } from '@shredproof/verify';
import { performance } from 'node:perf_hooks';
import type { InventoryEntry, InventoryStore } from './ports/inventory.js';
import { NO_PLAN, type OrderRow, type OrderState } from './ports/orders.js';
import { nodeHasher } from '@shredproof/verify/node';
import type { TargetBinding } from './ports/storage-backend.js';
import { orderDocument } from './create-order.js';
import { walkLineage } from './lineage-walk.js';
import { type PlannedArtifact, type PlanTarget, planTargets } from './plan-targets.js';
import type { EngineDeps } from './deps.js';
import { NotFoundError, RuleError } from './errors.js';

/** A crashed plan leaves 'planning': planning again is how to recover. */
const PLANNABLE: OrderState[] = ['draft', 'planning', 'planned'];

export interface TargetPlan {
  objects: number;
  bytes: number;
  held: number;
  /** In scope, but no locator can name them: UNNAMEABLE exceptions from the start. */
  unnameable?: number;
  sample: string[];
}

export interface PlanReport {
  orderId: string;
  planRoot: string;
  count: number;
  bytes: number;
  plannedAt: string;
  targets: Record<string, TargetPlan>;
  /** The first held objects (up to 100), with their hold. */
  held: Array<{ target: string; locator: string; holdId: string }>;
  /** The first objects (up to 100) that the plan found it cannot destroy: what to fix before approving. */
  findings: Array<{ target: string; locator: string; problem: string }>;
  /** With includeDerived: the artifacts derived from the ordered data, with their lineage (docs/ORDERS.md). */
  derived: PlannedArtifact[];
}

/** Inventory leaf input: RFC 8785 JSON of {index, locator, salt, size, target} (docs/FORMAT.md section 6). */
export function inventoryLeaf(e: { seq: number; target: string; locator: string; size: number; salt: string }): Uint8Array {
  return canonicalizeToBytes({ index: e.seq, locator: e.locator, salt: e.salt, size: e.size, target: e.target });
}

/** What the order's plan recorded of each target's store (a filesystem root's device and inode): workers open the target with it. */
export function planBindings(ledger: Pick<InventoryStore, 'planBindings'>, orderId: string): Record<string, TargetBinding> {
  const json = ledger.planBindings(orderId);
  return json === null ? {} : (JSON.parse(json) as Record<string, TargetBinding>);
}

/** Orders being planned by this process (one coordinator owns the ledger): 'planning' in the ledger without an entry here is a crashed plan. */
const planning = new WeakMap<object, Set<string>>();

export async function planOrder(deps: EngineDeps, id: string, actor: string, onProgress?: (listed: number) => void): Promise<PlanReport> {
  return startPlan(deps, id, actor, onProgress).done;
}

/**
 * Checks and takes the order into 'planning' synchronously (so that a caller
 * such as the HTTP API learns at once whether the plan started), then lists
 * in the background. A plan that fails returns the order to 'draft' with the
 * reason in `failure`; a crash leaves 'planning', and planning again recovers.
 */
export function startPlan(
  deps: EngineDeps,
  id: string,
  actor: string,
  onProgress?: (listed: number) => void,
): { order: OrderRow; done: Promise<PlanReport> } {
  const active = planning.get(deps.ledger) ?? new Set<string>();
  planning.set(deps.ledger, active);
  if (active.has(id)) throw new RuleError('PLAN_IN_PROGRESS', `order ${id} is being planned; wait for that plan to finish`);
  const order = deps.ledger.getOrder(id);
  if (!order) throw new NotFoundError(`no order ${id}`);
  if (!PLANNABLE.includes(order.state)) throw new RuleError('NOT_PLANNABLE', `order ${id} is ${order.state}; only a draft or planned order can be planned`);
  // 'planning' blocks approval while the inventory is rewritten, and clears any earlier plan and approval.
  const started = deps.ledger.transition(id, PLANNABLE, 'planning', actor, deps.clock.now().toISOString(), { ...NO_PLAN, failure: null });
  active.add(id);
  const t0 = performance.now();
  const done = listAndCommit(deps, started, actor, onProgress)
    .then((report) => {
      deps.metrics?.phase('plan', (performance.now() - t0) / 1000);
      return report;
    })
    .catch((e: unknown) => {
      const reason = e instanceof Error ? e.message : String(e);
      deps.log.error({ orderId: id, err: reason }, 'plan failed; the order is back to draft');
      try {
        deps.ledger.transition(id, ['planning'], 'draft', actor, deps.clock.now().toISOString(), { failure: `plan failed: ${reason}` }, `plan failed: ${reason}`);
      } catch (e2) {
        deps.log.error({ orderId: id, err: (e2 as Error).message }, 'could not record the failed plan');
      }
      throw e;
    })
    .finally(() => active.delete(id));
  return { order: started, done };
}

/** What listing one target added to the plan (its counts are in report.targets[target.name]). */
interface Listing {
  seq: number;
  firstBatch: number;
}

/**
 * Lists one target into the inventory and the tree. Batches are numbered here,
 * as the objects are listed, exactly as assignBatches would number them at
 * execute: per target in plan order, `batchSize` pending (not held) objects
 * each, never spanning two targets. Execute then starts without touching the
 * inventory. An object another target of the plan already lists (an artifact
 * stored under the order's own scope) is left to that target: it is destroyed
 * once.
 */
async function listTarget(
  deps: EngineDeps,
  id: string,
  t: PlanTarget,
  earlier: readonly PlanTarget[],
  at: Listing,
  tree: MerkleRootBuilder,
  report: PlanReport,
  bindings: Record<string, TargetBinding>,
  onProgress?: (listed: number) => void,
): Promise<void> {
  let pendingInTarget = 0;
  const session = await deps.backends.get(t.backend).openTarget(t.scope, t.holds);
  if (session.binding) bindings[t.name] = session.binding;
  const tp: TargetPlan = (report.targets[t.name] = { objects: 0, bytes: 0, held: 0, sample: [] });
  const sameStore = earlier.filter((x) => x.backend === t.backend);
  try {
    for await (const listed of session.list()) {
      const page = sameStore.length === 0 ? listed : listed.filter((o) => !sameStore.some((x) => deps.ledger.findByLocator(id, x.name, o.locator)));
      // One call to the CSPRNG per page: 16 fresh random bytes per object.
      const salts = randomBytes(16 * page.length).toString('hex');
      const entries: InventoryEntry[] = page.map((o, k) => ({
        seq: at.seq++,
        target: t.name,
        locator: o.locator,
        size: o.size,
        salt: salts.slice(32 * k, 32 * k + 32),
        ...(o.unnameable !== undefined
          ? { exception: { code: 'UNNAMEABLE', reason: `${o.unnameable}; not destroyed, and not certified` } }
          : o.heldBy
            ? { heldBy: o.heldBy }
            : { batch: at.firstBatch + Math.floor(pendingInTarget++ / deps.batchSize) }),
      }));
      deps.ledger.appendInventory(id, entries);
      for (const e of entries) {
        tree.addLeaf(inventoryLeaf(e));
        tp.objects++;
        tp.bytes += e.size;
        if (e.exception) {
          tp.unnameable = (tp.unnameable ?? 0) + 1;
          if (report.findings.length < 100) report.findings.push({ target: e.target, locator: e.locator, problem: e.exception.reason });
        } else if (e.heldBy) {
          tp.held++;
          if (report.held.length < 100) report.held.push({ target: e.target, locator: e.locator, holdId: e.heldBy });
        } else if (tp.sample.length < 20) tp.sample.push(e.locator);
      }
      onProgress?.(at.seq);
    }
  } finally {
    await session.close();
  }
  at.firstBatch += Math.ceil(pendingInTarget / deps.batchSize);
  report.count += tp.objects;
  report.bytes += tp.bytes;
}

async function listAndCommit(deps: EngineDeps, order: OrderRow, actor: string, onProgress?: (listed: number) => void): Promise<PlanReport> {
  const id = order.id;
  const doc = orderDocument(order);
  deps.ledger.clearInventory(id);
  deps.ledger.setPlanBindings(id, null);
  const tree = new MerkleRootBuilder(nodeHasher);
  const report: PlanReport = { orderId: id, planRoot: '', count: 0, bytes: 0, plannedAt: '', targets: {}, held: [], findings: [], derived: [] };
  const at: Listing = { seq: 0, firstBatch: 0 };
  const bindings: Record<string, TargetBinding> = {};
  // The order's own targets first: the lineage walk looks for their objects in the inventory.
  const own = planTargets({ ...order, derived: null });
  const listed: PlanTarget[] = [];
  for (const t of own) {
    await listTarget(deps, id, t, listed, at, tree, report, bindings, onProgress);
    listed.push(t);
  }
  const derived: PlannedArtifact[] = [];
  if (doc.includeDerived) {
    // Walk, list what the walk reached, and walk again from it, until a walk reaches nothing new.
    for (;;) {
      const walk = await walkLineage(deps, id, listed, derived);
      if (walk.reached.length === 0) {
        for (const u of walk.undecided) if (report.findings.length < 100) report.findings.push({ target: `artifact ${u.artifact}`, locator: '', problem: u.problem });
        break;
      }
      derived.push(...walk.reached);
      for (const t of planTargets({ ...order, derived: JSON.stringify(derived) }).slice(listed.length)) {
        await listTarget(deps, id, t, listed, at, tree, report, bindings, onProgress);
        listed.push(t);
      }
    }
    report.derived = derived;
  }
  report.planRoot = bytesToHex(tree.root());
  report.plannedAt = deps.clock.now().toISOString();
  const planned: Partial<OrderRow> = {
    planRoot: report.planRoot,
    planCount: report.count,
    planBytes: report.bytes,
    plannedAt: report.plannedAt,
    derived: doc.includeDerived ? JSON.stringify(derived) : null,
  };
  deps.ledger.atomically(() => {
    deps.ledger.setPlanBindings(id, Object.keys(bindings).length > 0 ? JSON.stringify(bindings) : null);
    const reach = doc.includeDerived ? `; ${derived.length} derived artifact(s)` : '';
    deps.ledger.transition(id, ['planning'], 'planned', actor, report.plannedAt, planned, `plan ${report.planRoot}: ${report.count} objects${reach}`);
  });
  deps.log.info({ orderId: id, count: report.count, bytes: report.bytes, planRoot: report.planRoot, derived: derived.length }, 'order planned');
  return report;
}
