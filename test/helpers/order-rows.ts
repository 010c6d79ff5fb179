// A draft order as the ledger stores it, for tests and benchmarks that write
// orders straight into a ledger (src/app/create-order.ts makes real ones): no
// plan, no run, the fields a test does not name filled with plain values.
import { NO_PLAN, NOT_RUN, type OrderRow } from '../../src/app/ports/orders.js';

export function draftRow(id: string, over: Partial<Omit<OrderRow, 'num'>> = {}): Omit<OrderRow, 'num'> {
  return {
    id,
    reference: `reference of ${id}`,
    document: '{"reference":"r","targets":[]}',
    documentSha256: '0'.repeat(64),
    state: 'draft',
    createdBy: 'alice',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...NO_PLAN,
    ...NOT_RUN,
    ...over,
  };
}
