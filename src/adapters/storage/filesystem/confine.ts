// Confinement to the backend root (docs/ARCHITECTURE.md, invariant 1), for the synchronous
// code of the fs threads. A locator's parent directory is resolved one
// component at a time, never following a symlink:
//
// - 'procfs' (Linux): each component is opened with O_DIRECTORY|O_NOFOLLOW
//   relative to its parent's fd, through /proc/self/fd/<fd>/<name> (Node has no
//   openat). Calls then name files as /proc/self/fd/<dirfd>/<name>, so the
//   directory is pinned: swapping a symlink in for it afterwards changes
//   nothing. No race window.
// - 'path-walk' (no /proc): each component is lstat'ed and must be a real
//   directory; calls then use the plain path. A symlink swapped in between the
//   check and the call would be followed: a residual race, documented.
//
// Directory handles are cached for one batch and closed at its end.

import { closeSync, constants, existsSync, fstatSync, lstatSync, openSync } from 'node:fs';
import { errnoCode } from './errno.js';

export type ConfineMode = 'procfs' | 'path-walk';

/** The realpath'd root and the identity it must have: the plan's (its binding), or the one it had when the target was opened. */
export interface RootRef {
  path: string;
  dev: bigint;
  ino: bigint;
}

export type DirResult =
  | { ok: true; prefix: string }
  | { ok: false; reason: 'absent' }
  | { ok: false; reason: 'symlink'; at: string }
  | { ok: false; reason: 'error'; at: string; error: unknown };

const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
// Per thread; 8 threads x 32 stays far below a 1024 open-file limit.
const MAX_CACHED_DIRS = 32;

/** 'procfs' when /proc/self/fd can stand in for openat, else 'path-walk'. */
export function detectConfineMode(): ConfineMode {
  return process.platform === 'linux' && existsSync('/proc/self/fd') ? 'procfs' : 'path-walk';
}

export class RootChangedError extends Error {
  override readonly name = 'RootChangedError';
  readonly code = 'ROOT_CHANGED';
}

/** Resolves parent directories of locators inside the root for one batch. Call close() when done. */
export class DirResolver {
  private readonly fds = new Map<string, number>();
  private readonly verified = new Set<string>();
  private readonly rootFd: number | undefined;

  constructor(
    private readonly root: RootRef,
    private readonly mode: ConfineMode,
  ) {
    if (mode === 'procfs') {
      const fd = this.rootCall(() => openSync(root.path, DIR_FLAGS));
      this.rootFd = fd;
      this.checkRoot(fstatSync(fd, { bigint: true }), fd);
    } else {
      this.checkRoot(this.rootCall(() => lstatSync(root.path, { bigint: true })), undefined);
    }
  }

  /** A root that is gone or became a symlink (ELOOP under O_NOFOLLOW) has changed too. */
  private rootCall<T>(call: () => T): T {
    try {
      return call();
    } catch (e) {
      const code = errnoCode(e);
      if (code === 'ENOENT' || code === 'ELOOP' || code === 'ENOTDIR') throw this.changed(`(${code})`);
      throw e;
    }
  }

  private checkRoot(st: { dev: bigint; ino: bigint; isDirectory(): boolean }, fd: number | undefined): void {
    if (st.isDirectory() && st.dev === this.root.dev && st.ino === this.root.ino) return;
    if (fd !== undefined) closeSync(fd);
    throw this.changed(st.isDirectory() ? `(device ${st.dev}, inode ${st.ino} now)` : '(not a directory now)');
  }

  private changed(now: string): RootChangedError {
    return new RootChangedError(
      `backend root ${this.root.path} is not the directory this target was planned or opened on (device ${this.root.dev}, inode ${this.root.ino}) ${now}: nothing under it is touched`,
    );
  }

  /** The path prefix under which `dir` ('' = root) is reached without following symlinks. */
  resolve(dir: string): DirResult {
    return this.mode === 'procfs' ? this.resolveByFd(dir) : this.resolveByWalk(dir);
  }

  private resolveByFd(dir: string): DirResult {
    if (dir === '') return { ok: true, prefix: `/proc/self/fd/${this.rootFd}` };
    const cached = this.fds.get(dir);
    if (cached !== undefined) return { ok: true, prefix: `/proc/self/fd/${cached}` };
    if (this.fds.size >= MAX_CACHED_DIRS) this.closeCached();
    const parts = dir.split('/');
    let fd = this.rootFd!;
    let sofar = '';
    for (const part of parts) {
      sofar = sofar === '' ? part : `${sofar}/${part}`;
      const known = this.fds.get(sofar);
      if (known !== undefined) {
        fd = known;
        continue;
      }
      const path = `/proc/self/fd/${fd}/${part}`;
      try {
        fd = openSync(path, DIR_FLAGS);
      } catch (e) {
        return classifyDirError(e, path, sofar);
      }
      this.fds.set(sofar, fd);
    }
    return { ok: true, prefix: `/proc/self/fd/${fd}` };
  }

  private resolveByWalk(dir: string): DirResult {
    if (dir === '') return { ok: true, prefix: this.root.path };
    let sofar = '';
    for (const part of dir.split('/')) {
      sofar = sofar === '' ? part : `${sofar}/${part}`;
      if (this.verified.has(sofar)) continue;
      try {
        const st = lstatSync(`${this.root.path}/${sofar}`);
        if (st.isSymbolicLink()) return { ok: false, reason: 'symlink', at: sofar };
        if (!st.isDirectory()) return { ok: false, reason: 'absent' };
      } catch (e) {
        const code = errnoCode(e);
        if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, reason: 'absent' };
        return { ok: false, reason: 'error', at: sofar, error: e };
      }
      this.verified.add(sofar);
    }
    return { ok: true, prefix: `${this.root.path}/${dir}` };
  }

  private closeCached(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }

  close(): void {
    this.closeCached();
    this.verified.clear();
    if (this.rootFd !== undefined) closeSync(this.rootFd);
  }
}

function classifyDirError(e: unknown, path: string, at: string): DirResult {
  const code = errnoCode(e);
  if (code === 'ENOENT') return { ok: false, reason: 'absent' };
  if (code === 'ELOOP') return { ok: false, reason: 'symlink', at };
  if (code === 'ENOTDIR') {
    // O_DIRECTORY|O_NOFOLLOW answers ENOTDIR both for a symlink and for a file.
    try {
      if (lstatSync(path).isSymbolicLink()) return { ok: false, reason: 'symlink', at };
    } catch {
      // gone meanwhile: absent
    }
    return { ok: false, reason: 'absent' };
  }
  return { ok: false, reason: 'error', at, error: e };
}
