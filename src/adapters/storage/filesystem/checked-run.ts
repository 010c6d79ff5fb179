// How a target session hands a batch to the fs threads: each item is admitted
// (or refused) in the main thread first, the admitted ones are split across the
// threads, and the answers are put back in item order.

import type { HashOutcome } from '../../../app/ports/storage-backend.js';
import { itemError } from './errno.js';
import { ThreadTaskError, type FsThreadPool } from './fs-thread-pool.js';

export type Refusal = Extract<HashOutcome, { status: 'absent' | 'held' | 'out-of-scope' | 'error' }>;

/**
 * A slice whose thread found the root changed (confine.ts) answers a permanent
 * ROOT_CHANGED error per item: its objects become exceptions, never records,
 * and no retry runs them against a root that is not the planned one.
 */
export async function refuseChangedRoot<T>(slice: readonly unknown[], run: Promise<T[]>): Promise<T[]> {
  try {
    return await run;
  } catch (e) {
    if (!(e instanceof ThreadTaskError) || e.code !== 'ROOT_CHANGED') throw e;
    const refusal = itemError('ROOT_CHANGED', e.message);
    return slice.map(() => refusal as T);
  }
}

/**
 * One outcome per item, in order: the refusal of `admit`, or the thread's
 * answer for the task `toTask` made of the admitted locator.
 */
export async function runChecked<T, R>(
  pool: FsThreadPool,
  items: readonly unknown[],
  admit: (item: unknown) => string | Refusal,
  toTask: (locator: string, item: unknown) => T,
  run: (slice: T[]) => Promise<R[]>,
): Promise<R[]> {
  if (!Array.isArray(items)) throw new TypeError('items must be an array');
  const out: (R | undefined)[] = new Array(items.length);
  const tasks: T[] = [];
  const positions: number[] = [];
  items.forEach((item, i) => {
    const admitted = admit(item);
    if (typeof admitted === 'string') {
      tasks.push(toTask(admitted, item));
      positions.push(i);
    } else {
      out[i] = admitted as R;
    }
  });
  const results = await pool.runSplit(tasks, run);
  results.forEach((r, k) => {
    out[positions[k]!] = r;
  });
  return out as R[];
}
