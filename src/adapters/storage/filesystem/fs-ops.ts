// The per-item work of the fs threads, in synchronous fs calls (synchronous
// calls in worker threads are faster than fs/promises for small files;
// figures: bench/RESULTS.md, 'Measurements behind the code').
// Every function answers with an outcome and throws only when the whole batch
// cannot go on (the root changed).

import { createHash, hash as hashOnce } from 'node:crypto';
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, unlinkSync, type BigIntStats } from 'node:fs';
import type { DestroyOutcome, HashOutcome, ProbeOutcome } from '../../../app/ports/storage-backend.js';
import type { DirResolver, DirResult } from './confine.js';
import { identityOf, isIdentity, sameIdentity, type FileIdentity } from './file-identity.js';
import { errnoCode, fsError, itemError, type ItemError } from './errno.js';
import { locatorProblem, splitLocator } from './locator.js';

// O_NOFOLLOW: a symlink as last component fails with ELOOP. O_NONBLOCK: a FIFO
// swapped in cannot block the thread (no effect on regular files). O_NOCTTY: a
// terminal swapped in does not become the process's controlling terminal.
const FILE_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY;
// mtime may precede 1970: mtimeNs can be negative.
const FINGERPRINT = /^\d{1,20}:\d{1,20}:\d{1,20}:-?\d{1,30}$/;

/** dev:ino:size:mtimeNs of a stat: the identity of exactly this content. */
export function fingerprintOf(st: BigIntStats): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}`;
}

/** A hashed outcome of consume's first pass, with the identity of the file that was read. */
export type IdentifiedHash = Exclude<HashOutcome, { status: 'hashed' }> | (Extract<HashOutcome, { status: 'hashed' }> & { identity: FileIdentity });

function invalidLocator(locator: unknown): ItemError | undefined {
  const problem = locatorProblem(locator);
  return problem === undefined ? undefined : itemError('LOCATOR_INVALID', `locator refused: ${problem}`);
}

function dirRefusal(d: Exclude<DirResult, { ok: true }>, locator: string): { status: 'absent' } | ItemError {
  if (d.reason === 'absent') return { status: 'absent' };
  if (d.reason === 'symlink') {
    return itemError('SYMLINK_IN_PATH', `${JSON.stringify(locator)}: ${JSON.stringify(d.at)} is a symlink; symlinks are never followed`);
  }
  return fsError(d.error, 'open directory', locator);
}

const isGone = (e: unknown): boolean => errnoCode(e) === 'ENOENT' || errnoCode(e) === 'ENOTDIR';

const notRegular = (locator: string): ItemError =>
  itemError('NOT_REGULAR_FILE', `${JSON.stringify(locator)} is not a regular file (symlink, directory or special file)`);

const hardlinked = (locator: string, nlink: bigint): ItemError =>
  itemError(
    'HARDLINKED',
    `${JSON.stringify(locator)} has ${nlink} hard links: unlinking one name would not destroy the content, which stays reachable through the others`,
  );

/** A well-formed locator's path, its parent resolved inside the root, or why not. */
function confinedPath(dirs: DirResolver, locator: string): string | { status: 'absent' } | ItemError {
  const { dir, name } = splitLocator(locator);
  const d = dirs.resolve(dir);
  return d.ok ? `${d.prefix}/${name}` : dirRefusal(d, locator);
}

/** Reads and hashes one file, streaming through `buffer`; the fingerprint comes from fstat of the same fd. */
export function hashItem(dirs: DirResolver, locator: string, buffer: Buffer): HashOutcome {
  const read = readAndHash(dirs, locator, buffer, true);
  return read.status === 'read' ? { status: 'hashed', sha256: read.sha256, size: read.size, fingerprint: fingerprintOf(read.before) } : read;
}

/**
 * consume's first pass: as hashItem, and the identity of the file read, for
 * the second pass (unlinkIdentified). The descriptor is not fstat'ed again
 * after the read: the second pass compares the file's identity, ctime
 * included, with the one before the read, so a file written during the read
 * (which only a second fstat would have caught here) is never unlinked; its
 * hash, recorded, certifies nothing, and the next round hashes it again.
 */
export function hashIdentified(dirs: DirResolver, locator: string, buffer: Buffer): IdentifiedHash {
  const read = readAndHash(dirs, locator, buffer, false);
  if (read.status !== 'read') return read;
  return { status: 'hashed', sha256: read.sha256, size: read.size, fingerprint: fingerprintOf(read.before), identity: identityOf(read.before) };
}

type ReadResult = Exclude<HashOutcome, { status: 'hashed' }> | { status: 'read'; sha256: string; size: number; before: BigIntStats };

function readAndHash(dirs: DirResolver, locator: string, buffer: Buffer, statAfter: boolean): ReadResult {
  const invalid = invalidLocator(locator);
  if (invalid) return invalid;
  const path = confinedPath(dirs, locator);
  if (typeof path !== 'string') return path;
  try {
    // lstat first, so that no special file is ever opened: a device node in the
    // tree (say, an extracted system image's dev/watchdog) opens the real device.
    const st = lstatSync(path, { throwIfNoEntry: false }); // no exception for the common ENOENT
    if (st === undefined) return { status: 'absent' };
    if (!st.isFile()) return notRegular(locator);
  } catch (e) {
    return isGone(e) ? { status: 'absent' } : fsError(e, 'lstat', locator);
  }
  let fd: number;
  try {
    fd = openSync(path, FILE_FLAGS);
  } catch (e) {
    if (isGone(e)) return { status: 'absent' };
    return errnoCode(e) === 'ELOOP' ? notRegular(locator) : fsError(e, 'open', locator);
  }
  try {
    const before = fstatSync(fd, { bigint: true });
    if (!before.isFile()) return notRegular(locator);
    if (before.nlink === 0n) return { status: 'absent' };
    if (before.nlink > 1n) return hardlinked(locator, before.nlink);
    const { total, sha256 } = before.size < BigInt(buffer.length) ? readWhole(fd, buffer) : readStreaming(fd, buffer);
    // Read to EOF, so a size that lies (or a file that grew or shrank) shows here.
    if (BigInt(total) !== before.size || (statAfter && !sameIdentity(fstatSync(fd, { bigint: true }), before))) {
      return itemError('CHANGED_DURING_READ', `${JSON.stringify(locator)} changed while it was read (${total} bytes read)`, true);
    }
    return { status: 'read', sha256, size: total, before };
  } catch (e) {
    return fsError(e, 'read', locator);
  } finally {
    closeSync(fd);
  }
}

/**
 * A file smaller than the buffer (most files): read whole, to EOF, and hashed
 * in one call. A file that grew past the buffer meanwhile stops at the
 * buffer's end; its size then differs from the fstat's and it is reported changed.
 */
function readWhole(fd: number, buffer: Buffer): { total: number; sha256: string } {
  let total = 0;
  for (;;) {
    const n = readSync(fd, buffer, total, buffer.length - total, null);
    if (n === 0) break;
    total += n;
    if (total === buffer.length) break;
  }
  return { total, sha256: hashOnce('sha256', buffer.subarray(0, total), 'hex') };
}

function readStreaming(fd: number, buffer: Buffer): { total: number; sha256: string } {
  const hash = createHash('sha256');
  let total = 0;
  for (;;) {
    const n = readSync(fd, buffer, 0, buffer.length, null);
    if (n === 0) break;
    hash.update(buffer.subarray(0, n));
    total += n;
  }
  return { total, sha256: hash.digest('hex') };
}

/**
 * Unlinks one file if it is still exactly the content that was hashed. The
 * file is opened (O_NOFOLLOW) and fstat'ed first, and fstat'ed again after the
 * unlink: only a link count of 0 on the hashed inode counts as destroyed, so a
 * name swapped between the check and the unlink, or a hard link added
 * meanwhile, is reported and never certified.
 */
export function destroyItem(dirs: DirResolver, locator: string, fingerprint: string): DestroyOutcome {
  const invalid = invalidLocator(locator);
  if (invalid) return invalid;
  if (typeof fingerprint !== 'string' || !FINGERPRINT.test(fingerprint)) {
    return itemError('FINGERPRINT_INVALID', `fingerprint of ${JSON.stringify(locator)} is not dev:ino:size:mtimeNs`);
  }
  const path = confinedPath(dirs, locator);
  if (typeof path !== 'string') return path;
  return unlinkIfSame(path, locator, (st) => fingerprintOf(st) === fingerprint);
}

/**
 * consume's second pass: as destroyItem, against the identity that the first
 * pass kept (ctime included), then lstat of the path: nothing there now is the
 * probe of invariant 2, answered as `probed: 'absent'`. Anything found there
 * (a file created since) leaves the probe to the engine.
 */
export function unlinkIdentified(dirs: DirResolver, locator: string, identity: FileIdentity): DestroyOutcome {
  const invalid = invalidLocator(locator);
  if (invalid) return invalid;
  if (!isIdentity(identity)) return itemError('IDENTITY_INVALID', `identity of ${JSON.stringify(locator)} is not { dev, ino, size, mtimeNs, ctimeNs } in bigints`);
  const path = confinedPath(dirs, locator);
  if (typeof path !== 'string') return path;
  const outcome = unlinkIfSame(path, locator, (st) => sameIdentity(st, identity));
  if (outcome.status !== 'destroyed') return outcome;
  try {
    return lstatSync(path, { throwIfNoEntry: false }) === undefined ? { status: 'destroyed', probed: 'absent' } : outcome;
  } catch {
    return outcome; // the engine probes
  }
}

function unlinkIfSame(path: string, locator: string, same: (st: BigIntStats) => boolean): DestroyOutcome {
  let fd: number;
  try {
    fd = openSync(path, FILE_FLAGS);
  } catch (e) {
    if (isGone(e)) return { status: 'absent' };
    return errnoCode(e) === 'ELOOP' ? { status: 'changed' } : fsError(e, 'open', locator);
  }
  try {
    const st = fstatSync(fd, { bigint: true });
    if (!st.isFile() || !same(st)) return { status: 'changed' };
    if (st.nlink === 0n) return { status: 'absent' };
    if (st.nlink > 1n) return hardlinked(locator, st.nlink);
    try {
      unlinkSync(path);
    } catch (e) {
      return isGone(e) ? { status: 'absent' } : fsError(e, 'unlink', locator);
    }
    const left = fstatSync(fd, { bigint: true }).nlink;
    if (left !== 0n) {
      return itemError(
        'UNLINK_UNVERIFIED',
        `${JSON.stringify(locator)}: the hashed file still has ${left} link(s) after unlink (renamed or linked meanwhile); not destroyed`,
      );
    }
    return { status: 'destroyed' };
  } catch (e) {
    return fsError(e, 'fstat', locator);
  } finally {
    closeSync(fd);
  }
}

/** Whether anything stands at the locator (lstat; a symlinked parent is an error, not an answer). */
export function probeItem(dirs: DirResolver, locator: string): ProbeOutcome {
  const invalid = invalidLocator(locator);
  if (invalid) return invalid;
  const path = confinedPath(dirs, locator);
  if (typeof path !== 'string') return path;
  try {
    // After a destroy, absent is the common answer: no exception for ENOENT.
    return lstatSync(path, { throwIfNoEntry: false }) === undefined ? { status: 'absent' } : { status: 'present' };
  } catch (e) {
    return isGone(e) ? { status: 'absent' } : fsError(e, 'lstat', locator);
  }
}
