// Real files for the filesystem backend's tests: a root with a sibling
// directory outside it that holds a secret (what an escape would reach), and
// files put under a root with their parents made.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';

export const SECRET = 'outside the root: must survive';

export interface Tree {
  root: string;
  outside: string;
  /** A file outside the root whose content is SECRET: it must survive whatever the test does. */
  secret: string;
}

/** A fresh root and its sibling outside/, removed after the test. */
export function tree(t: TestContext, prefix: string): Tree {
  const base = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  const secret = join(outside, 'secret');
  writeFileSync(secret, SECRET);
  return { root, outside, secret };
}

/** Writes root/rel (its content defaults to its own name) and returns its path. */
export function put(root: string, rel: string, content: string | Buffer = rel): string {
  const path = join(root, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

export const sha256 = (b: string | Buffer): string => createHash('sha256').update(b).digest('hex');
