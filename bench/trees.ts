// Trees of files for the benchmarks, built before the clock starts.
// - buildTree: bench/e2e.ts's and bench/api.ts's tree, n files of 4 KiB,
//   1,000 per directory, written by this process.
// - buildTreeParallel: many small files for bench/scale.ts, written by child
//   processes (one per core by default) over disjoint ranges of directories.
//   Each directory holds at most `perDir` files and each parent at most 1,000
//   directories: users/<d / 1000>/<d % 1000>/f<i>.bin.
// Worker threads would be lighter, but Node 20 does not pass tsx's loader on
// to them; a child process runs this file through tsx as the bench does.
//   node --import tsx bench/trees.ts --write ROOT FROM TO BYTES PERDIR   (what a child runs)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, statfsSync, writeFileSync, writeSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { track } from './procs.js';

/** n files of 4 KiB under root/users/uNNN/ (1,000 per directory); `tag` tells apart trees built with the same n. */
export function buildTree(root: string, n: number, tag?: number): void {
  const perDir = 1000;
  const content = randomBytes(4096 * 16);
  for (let i = 0; i < n; i++) {
    const dir = join(root, 'users', `u${Math.floor(i / perDir)}`);
    if (i % perDir === 0) mkdirSync(dir, { recursive: true });
    // distinct content per file (a 4 KiB window of a random buffer plus the index)
    const off = (i * 64) % (content.length - 4096);
    const buf = Buffer.from(content.subarray(off, off + 4096));
    buf.writeUInt32LE(i, 0);
    if (tag !== undefined) buf.writeUInt32LE(tag, 4);
    writeFileSync(join(dir, `p${i}.jpg`), buf);
  }
}

export interface SmallTree {
  n: number;
  /** bytes per file */
  fileBytes: number;
  /** files per directory */
  perDir: number;
}

/** The directory of file i: at most 1,000 directories in each parent. */
const dirOf = (root: string, i: number, perDir: number) => {
  const d = Math.floor(i / perDir);
  return join(root, 'users', String(Math.floor(d / 1000)), String(d % 1000));
};

/** Writes files [from, to) of the tree; from is the first file of a directory. */
function writeRange(root: string, from: number, to: number, fileBytes: number, perDir: number): void {
  const pool = randomBytes(64 * 1024 + fileBytes);
  const buf = Buffer.alloc(fileBytes);
  let dir = '';
  for (let i = from; i < to; i++) {
    if (i === from || i % perDir === 0) {
      dir = dirOf(root, i, perDir);
      mkdirSync(dir, { recursive: true });
    }
    // distinct content per file: a window of a random pool, the index in its first bytes
    const off = (i * 61) % (pool.length - fileBytes);
    pool.copy(buf, 0, off, off + fileBytes);
    buf.writeUInt32LE(i >>> 0, 0);
    const fd = openSync(join(dir, `f${i}.bin`), 'wx');
    writeSync(fd, buf);
    closeSync(fd);
  }
}

/** Builds the tree with `procs` child processes (default: one per core); resolves when all are done. */
export async function buildTreeParallel(root: string, tree: SmallTree, procs = Number(process.env.BENCH_TREE_PROCS ?? cpus().length)): Promise<void> {
  const dirs = Math.ceil(tree.n / tree.perDir);
  const k = Math.max(1, Math.min(procs, dirs));
  const runs: Array<Promise<void>> = [];
  for (let p = 0; p < k; p++) {
    const from = Math.floor((dirs * p) / k) * tree.perDir;
    const to = Math.min(tree.n, Math.floor((dirs * (p + 1)) / k) * tree.perDir);
    if (from >= to) continue;
    const args = ['--import', 'tsx', fileURLToPath(import.meta.url), '--write', root, String(from), String(to), String(tree.fileBytes), String(tree.perDir)];
    const child = track(spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] }));
    runs.push(
      new Promise((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`tree writer ${from}..${to} exited ${code ?? signal}`))));
      }),
    );
  }
  const settled = await Promise.allSettled(runs);
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
}

/** Directory blocks per directory of `perDir` entries, as ext4 lays them out (about 24 bytes an entry), rounded up generously. */
const DIR_BYTES = (perDir: number) => Math.max(4096, Math.ceil((perDir * 32) / 4096) * 4096);

export interface DiskNeed {
  bytes: number;
  inodes: number;
}

/** Space and inodes the tree takes on a file system with blocks of `blockSize`. */
export function treeNeed(tree: SmallTree, blockSize: number): DiskNeed {
  const dirs = Math.ceil(tree.n / tree.perDir);
  const fileBlocks = Math.max(1, Math.ceil(tree.fileBytes / blockSize));
  return { bytes: tree.n * fileBlocks * blockSize + dirs * DIR_BYTES(tree.perDir), inodes: tree.n + dirs + Math.ceil(dirs / 1000) + 2 };
}

/** What the file system holding `dir` has free for an unprivileged user: bytes and inodes. */
export function diskFree(dir: string): DiskNeed & { blockSize: number } {
  const s = statfsSync(dir);
  return { bytes: s.bavail * s.bsize, inodes: s.ffree, blockSize: s.bsize };
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--write') {
  const [root, from, to, bytes, perDir] = process.argv.slice(3);
  writeRange(root!, Number(from), Number(to), Number(bytes), Number(perDir));
}
