// Which directories an order may have emptied, from the locators it
// destroyed (issue 12, item 4). Pure: no I/O. A directory is a candidate for
// rmdir when it is an ancestor of a destroyed file and lies strictly below the
// scope's own directories: the root and the literal start of every include
// pattern (`users` for `users/**`, `users/u-0001` for `users/u-0001/**`), and
// their ancestors, are never candidates. Whether a candidate is empty is for
// rmdir to say, in the fs thread (remove-dir.ts).

import { splitLocator } from './locator.js';
import { matchesScope, type CompiledScope } from './scope.js';

// What path-glob.ts reads as syntax; '(', ')' and '|' never reach here (refused).
// Narrower than scope.ts's GLOB_CHARS on purpose: that one prunes the walk and must
// keep bases short; this one protects directories and keeps them long.
const GLOB_SYNTAX = /[*?[{]/;

/** The directories of the scope itself: each include pattern's leading literal segments ('' = the root), and every ancestor of them. */
export function scopeDirectories(include: readonly string[]): Set<string> {
  const dirs = new Set<string>(['']);
  for (const pattern of include) {
    // The last segment names files, not a directory.
    const segments = pattern.split('/').slice(0, -1);
    let sofar = '';
    for (const segment of segments) {
      if (GLOB_SYNTAX.test(segment)) break;
      sofar = sofar === '' ? segment : `${sofar}/${segment}`;
      dirs.add(sofar);
    }
  }
  return dirs;
}

/** Collects the directories that destroyed files may have left empty; see the top of this file. */
export class EmptiedDirs {
  private readonly kept: Set<string>;
  private readonly found = new Set<string>();
  /** Locators given that are not in scope (or not locators): they add nothing. */
  ignored = 0;

  constructor(private readonly scope: CompiledScope) {
    this.kept = scopeDirectories(scope.scope.include);
  }

  /** Adds the directories of one destroyed file. The locator comes from the ledger, through the engine: checked again. */
  add(locator: unknown): void {
    if (typeof locator !== 'string' || !matchesScope(this.scope, locator)) {
      this.ignored++;
      return;
    }
    // The ancestors of a kept directory are kept too, and those of a found one were added with it: stop at either.
    for (let dir = splitLocator(locator).dir; !this.kept.has(dir) && !this.found.has(dir); dir = splitLocator(dir).dir) {
      this.found.add(dir);
    }
  }

  get size(): number {
    return this.found.size;
  }

  /** The candidates by depth, deepest first, each level sorted: a level's directories are independent of each other. */
  levels(): string[][] {
    const byDepth = new Map<number, string[]>();
    for (const dir of this.found) {
      const depth = dir.split('/').length;
      const level = byDepth.get(depth);
      if (level) level.push(dir);
      else byDepth.set(depth, [dir]);
    }
    return [...byDepth.entries()].sort(([a], [b]) => b - a).map(([, dirs]) => dirs.sort());
  }
}
