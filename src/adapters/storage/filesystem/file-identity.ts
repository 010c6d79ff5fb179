// What consume's first pass keeps of each file it hashed (fs-ops.ts,
// hashIdentified), and what its second pass (unlinkIdentified) compares right
// before unlinking. Kept in the worker's memory between the two passes, never
// written anywhere: the fingerprint recorded in Redis is another thing.

import type { BigIntStats } from 'node:fs';

/**
 * From the fstat of the descriptor that was read: the fingerprint's facts and
 * ctime. ctime cannot be set from user space, so a write put back under the
 * old mtime (utimes) still shows, and so does a hard link or a chmod.
 */
export type FileIdentity = Pick<BigIntStats, 'dev' | 'ino' | 'size' | 'mtimeNs' | 'ctimeNs'>;

export function identityOf(st: FileIdentity): FileIdentity {
  return { dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs };
}

/** Compared as bigints: no string is built per file. */
export function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.ino === b.ino && a.dev === b.dev && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

export function isIdentity(x: unknown): x is FileIdentity {
  const i = x as Partial<Record<keyof FileIdentity, unknown>> | null;
  return (
    typeof i === 'object' && i !== null && typeof i.dev === 'bigint' && typeof i.ino === 'bigint' && typeof i.size === 'bigint' && typeof i.mtimeNs === 'bigint' && typeof i.ctimeNs === 'bigint'
  );
}
