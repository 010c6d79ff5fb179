// The filesystem adapter of the StorageBackend port. Destroys regular files
// under one configured root by unlinking them. The root comes from the
// operator's configuration, never from an order; orders only bring globs
// relative to it.

import { lstatSync, realpathSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { DestructionMethod, HoldSpec, StorageBackend, TargetBinding, TargetSession } from '../../../app/ports/storage-backend.js';
import { detectConfineMode, type ConfineMode, type RootRef } from './confine.js';
import { FsThreadPool } from './fs-thread-pool.js';
import { rootOfBinding } from './root-binding.js';
import { compileTarget } from './scope.js';
import { FilesystemTargetSession, type SkipListener } from './target-session.js';

export interface FilesystemBackendOptions {
  /** The name orders use for this backend. */
  name: string;
  /** The directory everything happens under; realpath'd once, here. */
  root: string;
  /** fs worker threads (default: twice the cores, 2 to 8, the count that did best; figures: bench/RESULTS.md, 'Measurements behind the code'). */
  threads?: number;
  /** Objects per page of list() (default 1000). */
  pageSize?: number;
  /** Told about each entry list() saw but did not list: symlinks, special files, unnamable names, vanished directories. */
  onSkip?: SkipListener;
  /** How paths are confined; default 'procfs' where /proc/self/fd exists (race-free), else 'path-walk'. */
  confinement?: ConfineMode;
}

export const FILESYSTEM_PERSISTENCE: readonly string[] = [
  'unlink removes the directory entry and frees the blocks for reuse; it does not overwrite them: the content stays on the medium until the blocks are reused',
  'on SSDs and thin-provisioned or virtual disks, TRIM and block remapping decide whether and when freed blocks are erased; the content may survive in remapped or over-provisioned cells',
  'on copy-on-write filesystems (btrfs, ZFS, APFS) and with filesystem or volume snapshots, earlier versions of the content survive in every snapshot that references them',
  'backups, replicas, sync clients and caches that copied the file keep their copies',
  'a file whose content is reachable through another hard link is refused (HARDLINKED) rather than unlinked; copies under other names or paths are not found',
  'a process that still holds the file open keeps the content readable until it closes it',
  'this is not a NIST SP 800-88 Clear or Purge: no overwrite, no cryptographic erase, no sanitize command is issued',
];

export function defaultThreads(): number {
  return Math.min(8, Math.max(2, 2 * availableParallelism()));
}

export class FilesystemBackend implements StorageBackend {
  readonly name: string;
  readonly kind = 'filesystem';
  readonly method: DestructionMethod = 'unlink';
  readonly persistence = FILESYSTEM_PERSISTENCE;
  /** Its name and kind: the registry (src/adapters/storage/registry.ts) names a configured backend by its system identity instead. */
  readonly system: string;
  /** The realpath of the configured root. */
  readonly root: string;
  private readonly pool: FsThreadPool;
  private readonly pageSize: number;
  private readonly onSkip: SkipListener | undefined;
  private closed = false;

  constructor(options: FilesystemBackendOptions) {
    if (typeof options.name !== 'string' || options.name.length === 0) throw new TypeError('filesystem backend: name must be a non-empty string');
    if (typeof options.root !== 'string' || options.root.length === 0) throw new TypeError('filesystem backend: root must be a non-empty path');
    const pageSize = options.pageSize ?? 1000;
    if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`filesystem backend: pageSize must be a positive integer, got ${pageSize}`);
    this.name = options.name;
    this.system = `${options.name} (filesystem)`;
    this.root = realpathSync(options.root);
    if (!statSync(this.root).isDirectory()) throw new Error(`filesystem backend ${options.name}: root ${this.root} is not a directory`);
    this.pageSize = pageSize;
    this.onSkip = options.onSkip;
    this.pool = new FsThreadPool(options.threads ?? defaultThreads(), { mode: options.confinement ?? detectConfineMode() });
  }

  /**
   * Validates the scope and holds (ValidationError naming every bad field) and
   * binds them to the root: the one the plan listed when `binding` is given
   * (session.binding at plan time), else the root as it is now. Every fs task
   * checks the root's device and inode against it; a different root makes
   * every object a permanent ROOT_CHANGED error.
   */
  async openTarget(scope: unknown, holds: readonly HoldSpec[], binding?: TargetBinding): Promise<TargetSession> {
    if (this.closed) throw new Error(`filesystem backend ${this.name} is closed`);
    // Every hold given is applied, whatever its `target` says: retaining too much is safe, destroying a held file is not.
    const compiled = compileTarget(scope, holds);
    const root = binding === undefined ? this.currentRoot() : rootOfBinding(this.root, binding);
    return new FilesystemTargetSession(this.pool, root, compiled.scope, compiled.holds, {
      pageSize: this.pageSize,
      ...(this.onSkip ? { onSkip: this.onSkip } : {}),
    });
  }

  private currentRoot(): RootRef {
    const st = lstatSync(this.root, { bigint: true });
    if (!st.isDirectory()) throw new Error(`filesystem backend ${this.name}: root ${this.root} is no longer a directory`);
    return { path: this.root, dev: st.dev, ino: st.ino };
  }

  /** Terminates the fs threads; sessions opened on this backend stop working. */
  async close(): Promise<void> {
    this.closed = true;
    await this.pool.close();
  }
}
