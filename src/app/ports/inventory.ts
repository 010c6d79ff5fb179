// The plan's inventory and its batches: what the use cases ask the ledger
// about the objects an order lists. Every call that names an order that does
// not exist throws StateConflictError (src/app/errors.ts).

/** The fate of an inventory object, as the ledger stores it. */
export const ITEM_STATUS = { pending: 0, destroyed: 1, exception: 2, retained: 3 } as const;
export type ItemStatus = (typeof ITEM_STATUS)[keyof typeof ITEM_STATUS];

export interface InventoryEntry {
  seq: number;
  target: string;
  locator: string;
  size: number;
  salt: string;
  heldBy?: string;
  /** Set for an object the plan already knows it cannot destroy (an unnameable one): it is an exception from the start. */
  exception?: { code: string; reason: string };
  /**
   * The batch this object is destroyed in, when the plan groups the objects
   * as it lists them (plan-order.ts); absent for held objects. Without it,
   * execute groups them with assignBatches.
   */
  batch?: number;
}

/** An inventory entry as the inventory commitment hashes it (plan-order.ts, inventoryLeaf). */
export interface PlannedObject {
  seq: number;
  target: string;
  locator: string;
  size: number;
  salt: string;
}

export interface InventoryPageRow {
  seq: number;
  target: string;
  locator: string;
  size: number;
  heldBy: string | null;
  status: number;
}

/** Which page of the inventory GET /v1/orders/{id}/inventory asks for. */
export interface InventoryQuery {
  /** Objects after this seq (keyset pagination). */
  afterSeq?: number;
  limit: number;
  target?: string;
  /** true: only held objects; false: only the others. */
  held?: boolean;
  /** Only objects whose locator contains this text, ASCII letters compared in any case; every other character is itself (%, _ and \ are no wildcards). */
  search?: string;
}

/** A target of the plan as the order view shows it. */
export interface PlanTargetSummary {
  objects: number;
  bytes: number;
  held: number;
  /** The first 20 locators, in plan order, that the plan destroys (neither held nor unnameable at plan time). */
  sample: string[];
}

/** A pending object of a batch. */
export interface BatchObject {
  batch: number;
  seq: number;
  target: string;
  locator: string;
  size: number;
}

export interface InventoryStore {
  clearInventory(id: string): void;
  /** Appends planned objects; `seq` must continue from the last call (the plan streams pages). */
  appendInventory(id: string, entries: readonly InventoryEntry[]): void;
  /** Records the identity of each store the plan listed (JSON { target: binding }), or forgets it (null). */
  setPlanBindings(id: string, bindings: string | null): void;
  /** What setPlanBindings recorded for the order's current plan, or null. */
  planBindings(id: string): string | null;
  /** Per-target objects, bytes and held objects of the current plan, and the sample of what it destroys. */
  planSummary(id: string): Record<string, PlanTargetSummary>;
  /** A page of the planned inventory in plan order, for an approver to review. */
  inventoryPage(id: string, q: InventoryQuery): InventoryPageRow[];
  /** Inventory entries in plan order, for the inventory commitment and its export. */
  inventoryInOrder(id: string): IterableIterator<PlannedObject>;

  /** Groups the pending objects into batches of up to `size`, per target, in seq order. Returns the batch count. */
  assignBatches(id: string, size: number): number;
  /**
   * The number of batches when the plan already grouped every pending object
   * (batches 0..n-1), or null when some pending object has no batch (an order
   * planned without batches): then execute calls assignBatches.
   */
  plannedBatchCount(id: string): number | null;
  /**
   * Before execution: keeps every pending object of `target` under `holdId`
   * (retained, out of its batch), and numbers the later batches down so that
   * they stay 0..n-1. Returns how many objects it kept.
   */
  retainTarget(id: string, target: string, holdId: string): number;
  pendingCount(id: string): number;
  /** Batches that still hold pending objects. */
  pendingBatches(id: string): number[];
  /** The pending objects of a batch, as the plan listed them. */
  batchItems(id: string, batch: number): Array<Omit<BatchObject, 'batch'> & { uncertain: boolean }>;
  /** Pending objects of batches `from`..`to` (inclusive), ordered by batch and seq: one query for many jobs. */
  pendingInBatches(id: string, from: number, to: number): BatchObject[];
  /** Objects of a batch marked uncertain after Redis lost state. */
  uncertainInBatch(id: string, batch: number): Set<number>;
  /** After Redis lost a run's state: every pending object may have been destroyed without a surviving intent. Returns how many. */
  markPendingUncertain(id: string): number;
}
