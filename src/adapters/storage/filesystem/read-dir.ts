// One directory of the listing walk, read inside an fs thread through the
// confined resolver: entries sorted by the bytes of their names, regular files
// with their lstat size, everything else named for what it is.

import { lstatSync, readdirSync, type Dirent } from 'node:fs';
import type { DirResolver } from './confine.js';
import { errnoCode } from './errno.js';

export type EntryKind = 'file' | 'dir' | 'symlink' | 'socket' | 'fifo' | 'block-device' | 'char-device' | 'unknown';

export interface DirEntry {
  name: string;
  kind: EntryKind;
  /** lstat size, for files. */
  size?: number;
  /** Set when the raw name is not valid UTF-8: no locator can name it. */
  badName?: true;
  /** The raw name's bytes in hex, when badName. */
  rawHex?: string;
}

export type ReadDirResult =
  | { status: 'ok'; entries: DirEntry[] }
  | { status: 'absent' }
  | { status: 'symlink'; at: string }
  | { status: 'error'; code: string; message: string };

function kindOf(d: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean; isSocket(): boolean; isFIFO(): boolean; isBlockDevice(): boolean; isCharacterDevice(): boolean }): EntryKind {
  if (d.isFile()) return 'file';
  if (d.isDirectory()) return 'dir';
  if (d.isSymbolicLink()) return 'symlink';
  if (d.isSocket()) return 'socket';
  if (d.isFIFO()) return 'fifo';
  if (d.isBlockDevice()) return 'block-device';
  if (d.isCharacterDevice()) return 'char-device';
  return 'unknown';
}

/** Lists one directory ('' = root). File sizes come from lstat, which also re-checks the kind. */
export function readDir(dirs: DirResolver, dir: string): ReadDirResult {
  const d = dirs.resolve(dir);
  if (!d.ok) {
    if (d.reason === 'absent') return { status: 'absent' };
    if (d.reason === 'symlink') return { status: 'symlink', at: d.at };
    const code = errnoCode(d.error) ?? 'FS_ERROR';
    return { status: 'error', code, message: `open directory ${JSON.stringify(dir)} failed: ${code}` };
  }
  let raw: Dirent<Buffer>[];
  try {
    // Names as bytes: decoding a name that is not UTF-8 would name another file.
    raw = readdirSync(d.prefix, { withFileTypes: true, encoding: 'buffer' }) as unknown as Dirent<Buffer>[];
  } catch (e) {
    const code = errnoCode(e) ?? 'FS_ERROR';
    if (code === 'ENOENT' || code === 'ENOTDIR') return { status: 'absent' };
    return { status: 'error', code, message: `readdir ${JSON.stringify(dir)} failed: ${code}` };
  }
  raw.sort((a, b) => Buffer.compare(a.name, b.name));
  const entries: DirEntry[] = [];
  for (const dirent of raw) {
    const name = dirent.name.toString('utf8');
    const badName = !Buffer.from(name, 'utf8').equals(dirent.name);
    let kind = kindOf(dirent);
    let size: number | undefined;
    if (kind === 'file' && !badName) {
      try {
        const st = lstatSync(`${d.prefix}/${name}`);
        kind = kindOf(st);
        if (kind === 'file') size = st.size;
      } catch (e) {
        const code = errnoCode(e) ?? 'FS_ERROR';
        if (code === 'ENOENT') continue; // vanished while listing: nothing to plan
        return { status: 'error', code, message: `lstat ${JSON.stringify(dir === '' ? name : `${dir}/${name}`)} failed: ${code}` };
      }
    }
    entries.push({ name, kind, ...(size !== undefined ? { size } : {}), ...(badName ? { badName: true as const, rawHex: dirent.name.toString('hex') } : {}) });
  }
  return { status: 'ok', entries };
}
