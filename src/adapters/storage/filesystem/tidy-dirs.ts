// After an order: the directories its destruction emptied are removed, and
// the certificate says what remains (issue 12, item 4: 190 empty
// users/u-XXXX/ directories, named after the users, were left behind).
// Candidates come from the destroyed locators (emptied-dirs.ts); each depth is
// removed in the fs threads (remove-dir.ts), deepest first, so that a parent
// is tried only after its children. What remains is counted, never named:
// directory names, such as user ids, may be personal data.

import type { RootRef } from './confine.js';
import { EmptiedDirs } from './emptied-dirs.js';
import { itemError } from './errno.js';
import { ThreadTaskError, type FsThreadPool } from './fs-thread-pool.js';
import type { RemoveDirOutcome } from './remove-dir.js';
import type { CompiledScope } from './scope.js';

export interface TidyReport {
  /** Directories below the scope's own directories that held destroyed files. */
  candidates: number;
  removed: number;
  /** Gone already: removed by an earlier run of the same finalize, or by someone else. */
  absent: number;
  /** Still holding something, so rmdir refused: they remain. */
  notEmpty: number;
  /** Left alone or not removable, by code (NOT_DIRECTORY, SYMLINK_IN_PATH, ROOT_CHANGED, EACCES, ...): they remain. */
  failed: Record<string, number>;
  /** Locators given that were not in scope: they named no directory. */
  ignored: number;
}

/** A slice whose thread found the root changed: every directory of it is refused, none touched. */
async function refuseChangedRoot(slice: readonly string[], run: Promise<RemoveDirOutcome[]>): Promise<RemoveDirOutcome[]> {
  try {
    return await run;
  } catch (e) {
    if (!(e instanceof ThreadTaskError) || e.code !== 'ROOT_CHANGED') throw e;
    return slice.map(() => itemError('ROOT_CHANGED', e.message));
  }
}

/**
 * Removes the directories that the destroyed files (locators, in pages) may
 * have emptied. Per-directory problems are counted; only a failure of the
 * whole call (a page that is not an array, a crashed thread) throws.
 */
export async function removeEmptiedDirs(
  pool: FsThreadPool,
  root: RootRef,
  scope: CompiledScope,
  destroyed: AsyncIterable<readonly unknown[]> | Iterable<readonly unknown[]>,
): Promise<TidyReport> {
  const emptied = new EmptiedDirs(scope);
  for await (const page of destroyed) {
    if (!Array.isArray(page)) throw new TypeError(`destroyed locators must come in arrays, got ${page === null ? 'null' : typeof page}`);
    for (const locator of page) emptied.add(locator);
  }
  const report: TidyReport = { candidates: emptied.size, removed: 0, absent: 0, notEmpty: 0, failed: {}, ignored: emptied.ignored };
  for (const level of emptied.levels()) {
    const outcomes = await pool.runSplit(level, (slice) => refuseChangedRoot(slice, pool.run({ op: 'rmdir', root, items: slice })));
    for (const o of outcomes) {
      if (o.status === 'removed') report.removed++;
      else if (o.status === 'absent') report.absent++;
      else if (o.status === 'not-empty') report.notEmpty++;
      else report.failed[o.code] = (report.failed[o.code] ?? 0) + 1;
    }
  }
  return report;
}

const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** What the certificate's persistence list says about directories, from a report: counts only, never names. */
export function directoryStatements(r: TidyReport): string[] {
  const rule =
    "directories: the root and the scope's own directories (the literal start of each include pattern: users for users/**, exports/2024 for exports/2024/*.zip) are never removed, even when empty; " +
    'the names of removed directories, like those of unlinked files, are not overwritten and may survive in directory blocks and the journal';
  if (r.candidates === 0) {
    return ["directories: no directory below the scope's own directories held a file that this order destroyed; none was removed", rule];
  }
  const failed = Object.entries(r.failed).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const failedCount = failed.reduce((n, [, k]) => n + k, 0);
  const remain = r.notEmpty + failedCount;
  const gone = `${count(r.removed, 'was', 'were')} removed with rmdir${r.absent > 0 ? ` and ${count(r.absent, 'was', 'were')} gone already` : ''}`;
  const held = `${count(r.candidates, 'directory', 'directories')} below the scope's own directories held files that this order destroyed`;
  if (remain === 0) return [`directories: ${held}; ${gone}, none remains`, rule];
  const parts: string[] = [];
  if (r.notEmpty > 0) parts.push(`${r.notEmpty} not empty (holding what this order did not destroy: held, excluded or unplanned files, or files created since)`);
  if (failedCount > 0) parts.push(`${failedCount} left alone or not removable (${failed.map(([code, k]) => `${code} ${k}`).join(', ')})`);
  return [
    `directories: ${held}; ${gone}, and ${count(remain, 'remains', 'remain')}: ${parts.join('; ')}. ` +
      'Remaining directories are counted, not named, because directory names (such as user ids) may be personal data',
    rule,
  ];
}
