// The Ledger port: what the use cases need from durable storage. SqliteLedger
// implements it; nothing outside src/adapters/ledger/sqlite sees a database type.

export const ORDER_STATES = [
  'draft',
  'planning',
  'planned',
  'approved',
  'executing',
  'finalizing',
  'certified',
  'certified-with-exceptions',
  'failed',
  'cancelled',
] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export const ITEM_STATUS = { pending: 0, destroyed: 1, exception: 2, retained: 3 } as const;

export interface OrderRow {
  num: number;
  id: string;
  reference: string;
  /** RFC 8785 JSON of the validated order document. */
  document: string;
  documentSha256: string;
  state: OrderState;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  planRoot: string | null;
  planCount: number | null;
  planBytes: number | null;
  plannedAt: string | null;
  approvedBy: string | null;
  approvedAt: string | null;
  approvedRoot: string | null;
  epoch: string | null;
  dispatchedAt: string | null;
  cancelRequestedAt: string | null;
  batchCount: number | null;
  execStartedAt: string | null;
  finishedAt: string | null;
  failure: string | null;
}

/** The plan and approval fields, cleared: a new order has none, and a re-plan drops the old ones. */
export const NO_PLAN = {
  planRoot: null,
  planCount: null,
  planBytes: null,
  plannedAt: null,
  approvedBy: null,
  approvedAt: null,
  approvedRoot: null,
} as const satisfies Partial<OrderRow>;

export interface OrderEvent {
  at: string;
  actor: string;
  fromState: string | null;
  toState: string;
  detail: string | null;
}

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

export type ItemResult =
  | {
      kind: 'destroyed';
      seq: number;
      sha256: string;
      size: number;
      destroyedAt: string;
      method: string;
      attributes?: Record<string, string>;
    }
  | { kind: 'exception'; seq: number; code: string; reason: string }
  | { kind: 'retained'; seq: number; holdId: string };

export interface Counts {
  total: number;
  pending: number;
  destroyed: number;
  exceptions: number;
  retained: number;
  bytesDestroyed: number;
  bytesPlanned: number;
}

export interface ProgressCounts extends Counts {
  perTarget: Record<string, Counts>;
}

export interface CertificateRow {
  certificateId: string;
  issuedAt: string;
  rootHash: string;
  treeSize: number;
  envelope: string;
  recordsPath: string;
}

/** An order is not in a state that allows the requested step. */
export class StateConflictError extends Error {
  override readonly name = 'StateConflictError';
  readonly code = 'STATE_CONFLICT' as const;
  constructor(
    message: string,
    readonly state: OrderState | undefined,
  ) {
    super(message);
  }
}

export type Ledger = Pick<
  import('../../adapters/ledger/sqlite/sqlite-ledger.js').SqliteLedger,
  | 'createOrder'
  | 'getOrder'
  | 'listOrders'
  | 'transition'
  | 'events'
  | 'clearInventory'
  | 'setPlanBindings'
  | 'planBindings'
  | 'appendInventory'
  | 'assignBatches'
  | 'plannedBatchCount'
  | 'patch'
  | 'pendingCount'
  | 'markPendingUncertain'
  | 'pendingBatches'
  | 'batchItems'
  | 'pendingInBatches'
  | 'uncertainInBatch'
  | 'applyResults'
  | 'progress'
  | 'findByLocator'
  | 'revokeDestroyed'
  | 'certificateEnvelopes'
  | 'planSummary'
  | 'orderCounts'
  | 'inventoryPage'
  | 'access'
  | 'destroyedPages'
  | 'exceptions'
  | 'retained'
  | 'inventoryInOrder'
  | 'saveCertificate'
  | 'certificate'
  | 'atomically'
  | 'close'
>;
