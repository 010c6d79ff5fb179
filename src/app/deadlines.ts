// Deadlines: an order document may carry one (docs/ORDERS.md), and the
// engine does not act on it, but people must see it: an order created when
// its deadline has already passed is created with a warning, and an order
// whose deadline passed while it is not over yet is overdue. Both are judged
// by the engine's clock, and times are compared as the certificate compares
// finishedAt with the deadline (compareTimes: every fraction digit counts),
// so that an order is overdue exactly when a certificate issued now would
// say that the deadline was missed.
import { compareTimes } from '@shredproof/verify';
import type { OrderDocument } from './order-document.js';
import { FINAL_STATES, type OrderRow, type OrderState } from './ports/orders.js';

/** Stable codes of the warnings an answer may carry: clients decide on the code, people read the message. */
export const WARNING_CODES = ['DEADLINE_PASSED'] as const;
export type WarningCode = (typeof WARNING_CODES)[number];

export interface OrderWarning {
  code: WarningCode;
  message: string;
}

/** True when `deadline` (an RFC 3339 UTC time of the order document) is before `now`. */
export function deadlinePassed(deadline: string, now: Date): boolean {
  return compareTimes(deadline, now.toISOString()) < 0;
}

/**
 * Overdue: the deadline passed and the order is not over (not in a final
 * state). Takes the parts separately so that the ledger's SQL can ask the
 * same question of every row (src/adapters/ledger/sqlite/order-store.ts).
 */
export function overdueAt(state: OrderState, deadline: string | null | undefined, now: Date): boolean {
  if (deadline === null || deadline === undefined) return false;
  return !(FINAL_STATES as readonly OrderState[]).includes(state) && deadlinePassed(deadline, now);
}

/** The deadline of a stored order's document, or null when it has none. */
export function orderDeadline(order: Pick<OrderRow, 'document'>): string | null {
  const doc = JSON.parse(order.document) as Partial<OrderDocument>;
  return typeof doc.deadline === 'string' ? doc.deadline : null;
}

export function isOverdue(order: Pick<OrderRow, 'state' | 'document'>, now: Date): boolean {
  return overdueAt(order.state, orderDeadline(order), now);
}

/** What to tell the person who creates an order with this document now: nothing, or that its deadline already passed. */
export function deadlineWarnings(doc: Pick<OrderDocument, 'deadline'>, now: Date): OrderWarning[] {
  if (doc.deadline === undefined || !deadlinePassed(doc.deadline, now)) return [];
  const ago = timeAgo(now.getTime() - Date.parse(doc.deadline));
  return [
    {
      code: 'DEADLINE_PASSED',
      message: `the deadline ${doc.deadline} passed ${ago} ago (the server's clock says ${now.toISOString()}); the order was created anyway, and it is overdue until it is certified or cancelled`,
    },
  ];
}

const UNITS: Array<[string, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/**
 * A duration as people say it: the largest unit that fits at least twice
 * ("3 days", "36 hours", "90 seconds"), rounded down. Under two seconds it is
 * "1 second": a deadline that passed a moment ago still passed.
 */
export function timeAgo(ms: number): string {
  for (const [unit, size] of UNITS) {
    const n = Math.floor(ms / size);
    if (n >= 2) return `${n} ${unit}s`;
  }
  return '1 second';
}
