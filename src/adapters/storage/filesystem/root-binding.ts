// A plan's record of the root it listed (issue 11, finding 8): the device and
// inode of the realpath'd root. Re-pointing a symlinked root, or putting
// another directory in the root's place, between plan and execute would have
// had workers destroy files of another tree under the planned locators. A
// worker opens its target with the plan's binding, and every fs task checks
// the root against it (confine.ts, DirResolver) before touching anything.

import type { TargetBinding } from '../../../app/ports/storage-backend.js';
import type { RootRef } from './confine.js';

const DECIMAL = /^(0|[1-9][0-9]{0,19})$/;

export function bindingOfRoot(root: RootRef): TargetBinding {
  return { rootDev: String(root.dev), rootIno: String(root.ino) };
}

/**
 * The root the binding names, at `path` (this process's realpath of the
 * configured root). The binding came through the queue: it is checked here,
 * and a malformed one throws (the batch fails; nothing is touched).
 */
export function rootOfBinding(path: string, binding: unknown): RootRef {
  const b = binding as { rootDev?: unknown; rootIno?: unknown } | null;
  const dev = b?.rootDev;
  const ino = b?.rootIno;
  if (typeof b !== 'object' || typeof dev !== 'string' || typeof ino !== 'string' || !DECIMAL.test(dev) || !DECIMAL.test(ino)) {
    throw new TypeError('the binding of a filesystem target must be { rootDev, rootIno } in decimal');
  }
  return { path, dev: BigInt(dev), ino: BigInt(ino) };
}
