// Messages between the fs thread pool (main thread) and its fs threads.

import type { DestroyOutcome, HashOutcome, ProbeOutcome } from '../../../app/ports/storage-backend.js';
import type { ConfineMode, RootRef } from './confine.js';
import type { FileIdentity } from './file-identity.js';
import type { IdentifiedHash } from './fs-ops.js';
import type { ReadDirResult } from './read-dir.js';
import type { RemoveDirOutcome } from './remove-dir.js';

export interface ThreadData {
  mode: ConfineMode;
}

export interface DestroyItem {
  locator: string;
  fingerprint: string;
}

/** A file consume's first pass hashed, and what identified it then (file-identity.ts). */
export interface IdentifiedItem {
  locator: string;
  identity: FileIdentity;
}

/** One unit of work for one thread; `items` is a contiguous slice of a batch. */
export type ThreadTask =
  | { op: 'hash'; root: RootRef; items: string[] }
  | { op: 'destroy'; root: RootRef; items: DestroyItem[] }
  | { op: 'probe'; root: RootRef; items: string[] }
  /** consume's first pass: hash, and keep each file's identity. */
  | { op: 'hash-identified'; root: RootRef; items: string[] }
  /** consume's second pass, once the hashes are recorded: unlink what is still the file hashed, then lstat. */
  | { op: 'unlink-identified'; root: RootRef; items: IdentifiedItem[] }
  | { op: 'readdir'; root: RootRef; dir: string }
  /** Directory locators, removed in this order with rmdir (remove-dir.ts). */
  | { op: 'rmdir'; root: RootRef; items: string[] }
  /** For tests: the thread exits with code 70, exercising the pool's crash path. */
  | { op: 'crash' };

export interface TaskResults {
  hash: HashOutcome[];
  destroy: DestroyOutcome[];
  probe: ProbeOutcome[];
  'hash-identified': IdentifiedHash[];
  'unlink-identified': DestroyOutcome[];
  readdir: ReadDirResult;
  rmdir: RemoveDirOutcome[];
  crash: never;
}

export type ThreadRequest = ThreadTask & { id: number };

export type ThreadResponse =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { name: string; message: string; code?: string } };
