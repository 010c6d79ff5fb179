// One order's view of a filesystem backend: its compiled scope and holds, the
// realpath'd root and the shared fs thread pool. Scope and holds are checked
// here, in the main thread, right before each batch is handed to the threads;
// the threads check locators again and confine every path to the root.

import { unnameableLocator } from '../unnameable.js';
import type {
  ConsumeOutcome,
  DestroyOutcome,
  HashOutcome,
  ListedObject,
  ObjectRef,
  ProbeOutcome,
  RecordHashes,
  TargetBinding,
  TargetSession,
} from '../../../app/ports/storage-backend.js';
import { refuseChangedRoot, runChecked, type Refusal } from './checked-run.js';
import type { RootRef } from './confine.js';
import { itemError } from './errno.js';
import type { FsThreadPool } from './fs-thread-pool.js';
import { bindingOfRoot } from './root-binding.js';
import { joinLocator, locatorProblem, MAX_LOCATOR_CHARS } from './locator.js';
import type { DestroyItem, IdentifiedItem } from './protocol.js';
import type { DirEntry } from './read-dir.js';
import { heldByChecked, matchesScope, matchesScopeChecked, mayContainInScope, type CompiledHold, type CompiledScope } from './scope.js';
import { directoryStatements, removeEmptiedDirs } from './tidy-dirs.js';

export type SkipListener = (locator: string, reason: string) => void;

export interface SessionOptions {
  pageSize: number;
  onSkip?: SkipListener;
}

/** Patterns are matched against locators up to the locator limit only. */
function matchable(locator: string): boolean {
  return locator.length <= MAX_LOCATOR_CHARS;
}

/** A name no locator carries, as the scope sees it: what a pattern cannot spell (backslash, NUL) becomes U+FFFD, like bytes that are not UTF-8. */
function forMatching(locator: string): string {
  return locator.replace(/[\\\0]/g, '\uFFFD');
}

export class FilesystemTargetSession implements TargetSession {
  private closed = false;
  /** The root's device and inode: a plan records them, and workers open their targets with them. */
  readonly binding: TargetBinding;

  constructor(
    private readonly pool: FsThreadPool,
    private readonly root: RootRef,
    private readonly scope: CompiledScope,
    private readonly holds: readonly CompiledHold[],
    private readonly options: SessionOptions,
  ) {
    this.binding = bindingOfRoot(root);
  }

  /**
   * Depth-first walk, each directory's entries sorted by the bytes of their
   * names. Memory: one directory's entries per level of the current path, plus
   * one page. Directories that cannot hold in-scope files are not entered.
   */
  async *list(): AsyncIterable<ListedObject[]> {
    this.assertOpen();
    const stack: { dir: string; entries: DirEntry[]; next: number }[] = [];
    const rootEntries = await this.readDir('');
    if (rootEntries) stack.push({ dir: '', entries: rootEntries, next: 0 });
    let page: ListedObject[] = [];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const entry = top.entries[top.next++];
      if (!entry) {
        stack.pop();
        continue;
      }
      const locator = joinLocator(top.dir, entry.name);
      const nameProblem = entry.badName ? 'name is not valid UTF-8' : locatorProblem(locator);
      let unnamed: ListedObject | undefined;
      if (entry.kind === 'dir') {
        if (nameProblem === undefined) {
          if (!mayContainInScope(this.scope, locator)) continue;
          const entries = await this.readDir(locator);
          if (entries) stack.push({ dir: locator, entries, next: 0 });
          continue;
        }
        // Whether it holds in-scope files is decided on its name with U+FFFD for the bad bytes; a path
        // too long to match is reported whenever its parent was walked (the parent may hold objects in scope).
        this.skip(locator, `directory not walked: ${nameProblem}`);
        if (!matchable(locator) || mayContainInScope(this.scope, forMatching(locator))) unnamed = this.unnamed(top.dir, entry, `a directory that may hold objects in scope was not walked: its name ${nameProblem}`);
      } else if (nameProblem !== undefined) {
        this.skip(locator, `${entry.kind} cannot be named by a locator: ${nameProblem}`);
        if (!matchable(locator) || matchesScope(this.scope, forMatching(locator))) unnamed = this.unnamed(top.dir, entry, `a ${entry.kind} in scope cannot be named by a locator: its name ${nameProblem}`);
      }
      if (nameProblem !== undefined) {
        if (unnamed) page.push(unnamed);
        continue;
      }
      const inScope = matchesScopeChecked(this.scope, locator); // nameProblem is undefined: well formed
      if (entry.kind !== 'file') {
        if (inScope || mayContainInScope(this.scope, locator)) this.skip(locator, `${entry.kind}, not a regular file`);
        continue;
      }
      if (!inScope) continue;
      const hold = heldByChecked(this.holds, locator);
      page.push({ locator, size: entry.size ?? 0, ...(hold !== undefined ? { heldBy: hold } : {}) });
      if (page.length >= this.options.pageSize) {
        yield page;
        this.assertOpen();
        page = [];
      }
    }
    if (page.length > 0) yield page;
  }

  async hash(items: readonly ObjectRef[]): Promise<HashOutcome[]> {
    this.assertOpen();
    return runChecked<string, HashOutcome>(this.pool, items, (item) => this.admit(item), (locator) => locator, (slice) =>
      refuseChangedRoot(slice, this.pool.run({ op: 'hash', root: this.root, items: slice })),
    );
  }

  async destroy(items: ReadonlyArray<ObjectRef & { fingerprint: string }>): Promise<DestroyOutcome[]> {
    this.assertOpen();
    return runChecked<DestroyItem, DestroyOutcome>(
      this.pool,
      items,
      (item) => this.admit(item),
      (locator, item) => ({ locator, fingerprint: String((item as { fingerprint?: unknown }).fingerprint) }),
      (slice) => refuseChangedRoot(slice, this.pool.run({ op: 'destroy', root: this.root, items: slice })),
    );
  }

  async probe(items: readonly ObjectRef[]): Promise<ProbeOutcome[]> {
    this.assertOpen();
    return runChecked<string, ProbeOutcome>(this.pool, items, (item) => this.admitLocator(item), (locator) => locator, (slice) =>
      refuseChangedRoot(slice, this.pool.run({ op: 'probe', root: this.root, items: slice })),
    );
  }

  /**
   * Hashes and unlinks in two thread passes, with the hashes recorded in
   * between (invariant 3), instead of hash(), destroy() and probe():
   * 1. each admitted file (in scope, not held) is opened as hash() opens it
   *    (confined, no symlink followed, no special file), fstat'ed and hashed;
   *    its identity (device, inode, size, mtime, ctime) stays here, in memory;
   * 2. `record` makes the hashes durable; if it throws, nothing was unlinked;
   * 3. scope and holds are checked again, and each hashed file whose path
   *    still names that file, unchanged and with one link, is unlinked as
   *    destroy() unlinks (a link count of 0 after it, or UNLINK_UNVERIFIED),
   *    and its path lstat'ed: found empty, it is `probed: 'absent'`.
   * A file replaced, written, touched or linked since the first pass is
   * `changed` and left alone; one gone is `absent`.
   */
  async consume(items: readonly ObjectRef[], record: RecordHashes): Promise<ConsumeOutcome[]> {
    this.assertOpen();
    if (!Array.isArray(items)) throw new TypeError('items must be an array');
    const admitted = items.map((item) => this.admit(item));
    const hashed = await runChecked(this.pool, admitted, (a) => a as string | Refusal, (locator) => locator, (slice) =>
      refuseChangedRoot(slice, this.pool.run({ op: 'hash-identified', root: this.root, items: slice })),
    );
    const out: ConsumeOutcome[] = [];
    const toUnlink: IdentifiedItem[] = [];
    const positions: number[] = [];
    hashed.forEach((h, i) => {
      if (h.status !== 'hashed') {
        out.push({ hash: h });
        return;
      }
      const { identity, ...hash } = h;
      out.push({ hash });
      toUnlink.push({ locator: admitted[i] as string, identity });
      positions.push(i);
    });
    await record(out.map((o) => o.hash));
    this.assertOpen();
    const unlinked = await runChecked(this.pool, toUnlink, (item) => this.inScopeAndFree((item as IdentifiedItem).locator), (_, item) => item as IdentifiedItem, (slice) =>
      refuseChangedRoot(slice, this.pool.run({ op: 'unlink-identified', root: this.root, items: slice })),
    );
    unlinked.forEach((d, k) => {
      out[positions[k]!]!.destroy = d;
    });
    return out;
  }

  /**
   * Removes the directories that destroying these files emptied (tidy-dirs.ts)
   * and states, counting and never naming, which of them remain.
   */
  async tidy(destroyed: AsyncIterable<readonly string[]>): Promise<string[]> {
    this.assertOpen();
    return directoryStatements(await removeEmptiedDirs(this.pool, this.root, this.scope, destroyed));
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('filesystem target session is closed');
  }

  /** An in-scope object that no locator names, under its stand-in (src/adapters/storage/unnameable.ts). */
  private unnamed(dir: string, entry: DirEntry, reason: string): ListedObject {
    const name = entry.rawHex !== undefined ? Buffer.from(entry.rawHex, 'hex') : Buffer.from(entry.name, 'utf8');
    const raw = dir === '' ? name : Buffer.concat([Buffer.from(`${dir}/`, 'utf8'), name]);
    return { locator: unnameableLocator(raw), size: entry.size ?? 0, unnameable: reason };
  }

  private skip(locator: string, reason: string): void {
    this.options.onSkip?.(locator, reason);
  }

  private async readDir(dir: string): Promise<DirEntry[] | undefined> {
    const result = await this.pool.run({ op: 'readdir', root: this.root, dir });
    switch (result.status) {
      case 'ok':
        return result.entries;
      case 'absent':
        this.skip(dir, 'directory vanished while listing');
        return undefined;
      case 'symlink':
        this.skip(dir, `directory not walked: ${JSON.stringify(result.at)} became a symlink`);
        return undefined;
      case 'error':
        // An unreadable directory may hide files in scope: fail the listing
        // rather than under-report the inventory.
        throw Object.assign(new Error(`listing failed: ${result.message}`), { code: result.code });
    }
  }

  /** The locator when it is well formed, else the refusal. Items come through Redis: untrusted. */
  private admitLocator(item: unknown): string | Refusal {
    const locator = (item as { locator?: unknown } | null | undefined)?.locator;
    const problem = locatorProblem(locator);
    if (problem !== undefined) return itemError('LOCATOR_INVALID', `locator refused: ${problem}`);
    return locator as string;
  }

  /** Well formed, in scope now and held by nothing now (invariant 1), else the refusal. */
  private admit(item: unknown): string | Refusal {
    const locator = this.admitLocator(item);
    return typeof locator === 'string' ? this.inScopeAndFree(locator) : locator;
  }

  /** A well-formed locator if it is in scope now and held by nothing now (invariant 1), else the refusal. */
  private inScopeAndFree(locator: string): string | Refusal {
    if (!matchesScopeChecked(this.scope, locator)) return { status: 'out-of-scope' };
    const hold = heldByChecked(this.holds, locator);
    if (hold !== undefined) return { status: 'held', holdId: hold };
    return locator;
  }
}
