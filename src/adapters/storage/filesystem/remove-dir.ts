// Removes one directory that an order may have emptied (emptied-dirs.ts), in
// an fs thread, confined like destroyItem's unlink (fs-ops.ts): the parent is
// reached through the DirResolver (no symlink followed, the root checked
// against its device and inode), the directory itself is opened with
// O_DIRECTORY|O_NOFOLLOW (a symlink or a file in its place is left alone),
// removed with rmdir, which never removes anything that is not empty (no
// recursive delete), and fstat'ed again through the open descriptor: only a
// link count of 0 on the directory that was checked counts as removed.

import { closeSync, constants, fstatSync, openSync, rmdirSync } from 'node:fs';
import type { DirResolver } from './confine.js';
import { errnoCode, fsError, itemError, type ItemError } from './errno.js';
import { locatorProblem, splitLocator } from './locator.js';

export type RemoveDirOutcome =
  | { status: 'removed' }
  | { status: 'absent' } // gone already (removed by an earlier run, or by someone else)
  | { status: 'not-empty' } // holds something: a held, excluded or unplanned file, or one created since
  | ItemError; // left alone: NOT_DIRECTORY, SYMLINK_IN_PATH, RMDIR_UNVERIFIED, LOCATOR_INVALID, or the errno code

const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

const notDirectory = (dir: string): ItemError =>
  itemError('NOT_DIRECTORY', `${JSON.stringify(dir)} is not a directory now (a symlink or a file); left alone`);

export function removeDir(dirs: DirResolver, dir: string): RemoveDirOutcome {
  const problem = locatorProblem(dir);
  if (problem !== undefined) return itemError('LOCATOR_INVALID', `directory refused: ${problem}`);
  const { dir: parent, name } = splitLocator(dir);
  const d = dirs.resolve(parent);
  if (!d.ok) {
    if (d.reason === 'absent') return { status: 'absent' };
    if (d.reason === 'symlink') return itemError('SYMLINK_IN_PATH', `${JSON.stringify(dir)}: ${JSON.stringify(d.at)} is a symlink; symlinks are never followed`);
    return fsError(d.error, 'open directory', dir);
  }
  const path = `${d.prefix}/${name}`;
  let fd: number;
  try {
    fd = openSync(path, DIR_FLAGS);
  } catch (e) {
    const code = errnoCode(e);
    if (code === 'ENOENT') return { status: 'absent' };
    // O_DIRECTORY|O_NOFOLLOW: ELOOP or ENOTDIR for a symlink, ENOTDIR for a file.
    return code === 'ELOOP' || code === 'ENOTDIR' ? notDirectory(dir) : fsError(e, 'open directory', dir);
  }
  try {
    if (!fstatSync(fd).isDirectory()) return notDirectory(dir);
    try {
      rmdirSync(path);
    } catch (e) {
      const code = errnoCode(e);
      // A file created after the order emptied the directory makes rmdir refuse: that file is never lost.
      if (code === 'ENOTEMPTY' || code === 'EEXIST') return { status: 'not-empty' };
      if (code === 'ENOENT') return { status: 'absent' };
      if (code === 'ENOTDIR') return notDirectory(dir);
      return fsError(e, 'rmdir', dir);
    }
    const left = fstatSync(fd, { bigint: true }).nlink;
    if (left !== 0n) {
      return itemError(
        'RMDIR_UNVERIFIED',
        `${JSON.stringify(dir)}: the directory checked still has ${left} link(s) after rmdir (renamed or replaced meanwhile); it is not counted as removed`,
      );
    }
    return { status: 'removed' };
  } catch (e) {
    return fsError(e, 'fstat directory', dir);
  } finally {
    closeSync(fd);
  }
}
