// Times, durations and deadlines for people, and server text made safe to read.
import { escapeForDisplay } from '@shredproof/verify';
import { FINAL_STATES } from '../../app/ports/orders.js';
export { formatBytes, formatSeconds } from '../../client/format.js';

/**
 * Text from the server (a locator, a reason, an audit detail) as it is shown:
 * control and bidi characters as visible escapes (`\u202e`), as the offline
 * verifier page shows them, so that a file named with a right-to-left
 * override cannot pass for another name in front of an approver. Preact
 * renders it as text, never as HTML, either way.
 */
export const shown = (text: string | null | undefined): string => (text ? escapeForDisplay(text) : '');

/** "2026-12-06 14:05 UTC": every time in the console is UTC, as certificates state them. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '';
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** "3 d 4 h", "5 h 2 min", "40 s": the span between two instants, coarse as a person reads it. */
export function span(ms: number): string {
  const s = Math.abs(ms) / 1000;
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}

const CERTIFIED = new Set(['certified', 'certified-with-exceptions']);
const FINAL = new Set<string>(FINAL_STATES);

export interface DeadlineView {
  /** "due in 3 d 4 h", "overdue by 2 h 5 min", "met", "" when the order has none. */
  text: string;
  overdue: boolean;
}

/**
 * What a deadline means now: the server's `overdue` decides (it knows the
 * order's state and its own clock); the time left is counted from this
 * computer's clock, for reading only.
 */
export function deadlineView(o: { deadline?: string | null; overdue?: boolean; state: string; execution?: { finishedAt: string | null } | null }, now = Date.now()): DeadlineView {
  if (!o.deadline) return { text: '', overdue: false };
  const left = Date.parse(o.deadline) - now;
  if (o.overdue) return { text: `overdue by ${span(left)}`, overdue: true };
  if (FINAL.has(o.state)) {
    // Over. Only a certified order met or missed it, as its certificate says (by when execution finished);
    // a cancelled or failed order did not complete, whenever it stopped.
    const finished = o.execution?.finishedAt;
    if (!CERTIFIED.has(o.state)) return { text: 'closed, not completed', overdue: false };
    if (!finished) return { text: 'certified', overdue: false }; // a list's summary says no more; the order's page says met or missed
    const late = Date.parse(finished) - Date.parse(o.deadline);
    return { text: late > 0 ? `missed: finished ${span(late)} after it` : 'met', overdue: false };
  }
  return { text: left >= 0 ? `due in ${span(left)}` : `passed ${span(left)} ago`, overdue: false };
}
