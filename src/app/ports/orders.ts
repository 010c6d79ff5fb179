// Orders and their history: what the use cases ask the ledger about an order
// itself. Every state change is atomic with its check and leaves an event.

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

/** The states no step leaves (docs/ORDERS.md section 5): an order in one of them is over, and can no longer be late. */
export const FINAL_STATES = ['certified', 'certified-with-exceptions', 'failed', 'cancelled'] as const satisfies readonly OrderState[];

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
  /** JSON of the approvals signed with people's own keys (docs/FORMAT.md section 5.9): the performer's, then the approver's. */
  approvals: string | null;
  /** JSON of the derived artifacts the plan reached (src/app/plan-targets.ts), or null without includeDerived. */
  derived: string | null;
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
  approvals: null,
  derived: null,
} as const satisfies Partial<OrderRow>;

/** The execution fields of an order that has not run: a new order has none. */
export const NOT_RUN = {
  epoch: null,
  dispatchedAt: null,
  cancelRequestedAt: null,
  batchCount: null,
  execStartedAt: null,
  finishedAt: null,
  failure: null,
} as const satisfies Partial<OrderRow>;

export interface OrderEvent {
  at: string;
  actor: string;
  fromState: string | null;
  toState: string;
  detail: string | null;
}

export interface OrderFilter {
  state?: OrderState[];
  limit?: number;
  /** Orders after this `num` (keyset pagination). */
  after?: number;
  createdBy?: string;
  /** Only orders that are (true) or are not (false) overdue at `now`: src/app/deadlines.ts, isOverdue. */
  overdue?: { overdue: boolean; now: Date };
}

/** What /metrics reports of the orders (src/http/metrics.ts): how many are in each state, and how many are overdue. */
export interface OrderCounts {
  byState: Partial<Record<OrderState, number>>;
  overdue: number;
}

export interface OrderStore {
  /** Stores a new order with its first event. */
  createOrder(o: Omit<OrderRow, 'num'>, actor: string): OrderRow;
  getOrder(id: string): OrderRow | undefined;
  /** In creation order; 100 at most unless `limit` says otherwise. */
  listOrders(filter?: OrderFilter): OrderRow[];
  /**
   * Moves an order from one of `from` to `to`, atomically with `patch` and an
   * event. Throws StateConflictError (src/app/errors.ts) if the order is in
   * another state: two coordinators or two requests can never both take the
   * same transition.
   */
  transition(id: string, from: readonly OrderState[], to: OrderState, actor: string, at: string, patch?: Partial<OrderRow>, detail?: string): OrderRow;
  /** Changes order fields without a state change (epoch bookkeeping). */
  patch(id: string, patch: Partial<OrderRow>, at: string): OrderRow;
  /** The order's history, oldest first. */
  events(id: string): OrderEvent[];
  /** How many orders are in each state, and how many are overdue at `now`, in one query. */
  orderCounts(now: Date): OrderCounts;
}
