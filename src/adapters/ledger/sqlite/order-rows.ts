// How an order row maps between the ledger's SQL columns and OrderRow.
import type { OrderRow, OrderState } from '../../../app/ports/orders.js';

export interface RawOrder {
  num: number;
  id: string;
  reference: string;
  document: string;
  document_sha256: string;
  state: string;
  created_by: string;
  created_at: string;
  updated_at: string;
  plan_root: string | null;
  plan_count: number | null;
  plan_bytes: number | null;
  planned_at: string | null;
  approved_by: string | null;
  approved_at: string | null;
  approved_root: string | null;
  approvals: string | null;
  derived: string | null;
  epoch: string | null;
  dispatched_at: string | null;
  cancel_requested_at: string | null;
  batch_count: number | null;
  exec_started_at: string | null;
  finished_at: string | null;
  failure: string | null;
}

export const COLUMNS: Record<keyof Omit<OrderRow, 'num'>, string> = {
  id: 'id',
  reference: 'reference',
  document: 'document',
  documentSha256: 'document_sha256',
  state: 'state',
  createdBy: 'created_by',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  planRoot: 'plan_root',
  planCount: 'plan_count',
  planBytes: 'plan_bytes',
  plannedAt: 'planned_at',
  approvedBy: 'approved_by',
  approvedAt: 'approved_at',
  approvedRoot: 'approved_root',
  approvals: 'approvals',
  derived: 'derived',
  epoch: 'epoch',
  dispatchedAt: 'dispatched_at',
  cancelRequestedAt: 'cancel_requested_at',
  batchCount: 'batch_count',
  execStartedAt: 'exec_started_at',
  finishedAt: 'finished_at',
  failure: 'failure',
};

export function toOrder(r: RawOrder): OrderRow {
  return {
    num: r.num,
    id: r.id,
    reference: r.reference,
    document: r.document,
    documentSha256: r.document_sha256,
    state: r.state as OrderState,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    planRoot: r.plan_root,
    planCount: r.plan_count,
    planBytes: r.plan_bytes,
    plannedAt: r.planned_at,
    approvedBy: r.approved_by,
    approvedAt: r.approved_at,
    approvedRoot: r.approved_root,
    approvals: r.approvals,
    derived: r.derived,
    epoch: r.epoch,
    dispatchedAt: r.dispatched_at,
    cancelRequestedAt: r.cancel_requested_at,
    batchCount: r.batch_count,
    execStartedAt: r.exec_started_at,
    finishedAt: r.finished_at,
    failure: r.failure,
  };
}
