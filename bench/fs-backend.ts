// Benchmark of the filesystem backend: certified deletion of 20,000 files of
// 4 KiB in batches of 1000 against the shell pipeline
// `find | xargs sha256sum > manifest && rm -rf` on an identical tree. The
// backend runs as the engine calls it: consume() (two thread passes per batch,
// with a record() that returns at once: the backend alone), and, for
// comparison, hash() + destroy() + probe() (three).
//
// Both trees are built first, in fresh directories, and the building is timed
// apart: the disk here is mounted with `discard`, and ext4 is slow to create
// files right after a mass delete (the disk is mounted with discard).
//
// Standalone: node --import tsx bench/fs-backend.ts

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { FilesystemBackend } from '../src/adapters/storage/filesystem/filesystem-backend.js';
import type { TargetSession } from '../src/app/ports/storage-backend.js';
import type { BenchResult } from './types.js';

const FILES = 20_000;
const FILE_BYTES = 4096;
const FILES_PER_DIR = 200;
const BATCH = 1000;
const THREADS = 8;

/** 100 directories of 200 files of 4 KiB; returns the seconds it took. */
function buildTree(dir: string): number {
  const start = performance.now();
  const content = randomBytes(FILE_BYTES);
  for (let i = 0; i < FILES; i++) {
    const sub = join(dir, `d${String(Math.floor(i / FILES_PER_DIR)).padStart(3, '0')}`);
    if (i % FILES_PER_DIR === 0) mkdirSync(sub, { recursive: true });
    content.writeUInt32BE(i, 0); // distinct content per file
    writeFileSync(join(sub, `f${String(i).padStart(5, '0')}.bin`), content);
  }
  return (performance.now() - start) / 1000;
}

function sync(): void {
  spawnSync('sync');
}

type Certify = (session: TargetSession, batch: { locator: string }[]) => Promise<void>;

/** Lists the tree, then certifies it batch by batch, `inFlight` batches at a time. */
async function runBackend(dir: string, inFlight: number, certify: Certify): Promise<{ listSeconds: number; runSeconds: number }> {
  const backend = new FilesystemBackend({ name: 'bench', root: dir, threads: THREADS, pageSize: BATCH });
  try {
    const session = await backend.openTarget({ include: ['**'], allowAll: true }, []);
    // warm the threads up (tsx compiles the thread's modules once per thread)
    await session.probe(Array.from({ length: THREADS * 16 }, () => ({ locator: 'warm-up' })));
    let start = performance.now();
    const pages: { locator: string }[][] = [];
    for await (const page of session.list()) pages.push(page.map((o) => ({ locator: o.locator })));
    const listSeconds = (performance.now() - start) / 1000;
    const listed = pages.reduce((n, p) => n + p.length, 0);
    if (listed !== FILES) throw new Error(`listed ${listed} files, want ${FILES}`);

    start = performance.now();
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < pages.length) await certify(session, pages[next++]!);
    };
    await Promise.all(Array.from({ length: inFlight }, lane));
    const runSeconds = (performance.now() - start) / 1000;
    await session.close();
    return { listSeconds, runSeconds };
  } finally {
    await backend.close();
  }
}

/** What a worker does with one batch through consume(): hash, record, unlink and look again; anything but success aborts the bench. */
async function consumeBatch(session: TargetSession, batch: { locator: string }[]): Promise<void> {
  let recorded = 0;
  const out = await session.consume!(batch, async (hashes) => {
    recorded += hashes.length;
  });
  if (recorded !== batch.length) throw new Error(`recorded ${recorded} hashes for ${batch.length} files`);
  const bad = out.findIndex((o) => o.hash.status !== 'hashed' || o.destroy?.status !== 'destroyed');
  if (bad >= 0) throw new Error(`consume ${batch[bad]!.locator}: ${JSON.stringify(out[bad])}`);
  const unprobed = batch.filter((_, i) => out[i]!.destroy?.status === 'destroyed' && out[i]!.destroy.probed !== 'absent');
  const probes = await session.probe(unprobed);
  if (!probes.every((p) => p.status === 'absent')) throw new Error('probe found a destroyed file present');
}

/** The same through hash(), destroy() and probe(): three thread calls per batch. */
async function threeCalls(session: TargetSession, batch: { locator: string }[]): Promise<void> {
  const hashes = await session.hash(batch);
  const toDestroy = batch.map((item, i) => {
    const h = hashes[i]!;
    if (h.status !== 'hashed') throw new Error(`hash ${item.locator}: ${JSON.stringify(h)}`);
    return { locator: item.locator, fingerprint: h.fingerprint };
  });
  const destroyed = await session.destroy(toDestroy);
  const bad = destroyed.findIndex((d) => d.status !== 'destroyed');
  if (bad >= 0) throw new Error(`destroy ${batch[bad]!.locator}: ${JSON.stringify(destroyed[bad])}`);
  const probes = await session.probe(batch);
  if (!probes.every((p) => p.status === 'absent')) throw new Error('probe found a destroyed file present');
}

function runShellBaseline(dir: string, manifest: string): number {
  const start = performance.now();
  const r = spawnSync('sh', ['-c', 'find "$1" -type f -print0 | xargs -0 sha256sum > "$2" && rm -rf "$1"', 'sh', dir, manifest], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const seconds = (performance.now() - start) / 1000;
  if (r.status !== 0) throw new Error(`shell baseline failed with status ${r.status}`);
  return seconds;
}

export async function benchFsBackend(): Promise<BenchResult[]> {
  const base = mkdtempSync(join(tmpdir(), 'shredproof-bench-fs-'));
  try {
    const trees = ['backend-1', 'backend-4', 'three-calls-4', 'shell'].map((name) => join(base, name));
    const buildSeconds = trees.reduce((s, dir) => s + buildTree(dir), 0);
    sync();
    const sequential = await runBackend(trees[0]!, 1, consumeBatch);
    sync();
    const concurrent = await runBackend(trees[1]!, 4, consumeBatch);
    sync();
    const threeConcurrent = await runBackend(trees[2]!, 4, threeCalls);
    sync();
    const shellSeconds = runShellBaseline(trees[3]!, join(base, 'manifest'));
    sync();
    const rate = (seconds: number): number => Math.round(FILES / seconds);
    const tree = `${FILES.toLocaleString('en')} files of 4 KiB in ${FILES / FILES_PER_DIR} directories`;
    return [
      { name: 'fs: build four identical trees (not measured)', value: round(buildSeconds, 2), unit: 's', note: `4 x ${tree}, fresh directories, built before any delete` },
      { name: 'fs backend: list', value: rate(sequential.listSeconds), unit: 'files/s', note: `${THREADS} threads, pages of ${BATCH}` },
      {
        name: 'fs backend: consume (hash, record, unlink + lstat), 1 batch in flight',
        value: rate(sequential.runSeconds),
        unit: 'files/s',
        target: '~28k files/s on this box (target set before issue 3)',
        note: `${tree}; batches of ${BATCH}, ${THREADS} threads, two thread passes per batch; ${round(sequential.runSeconds, 2)} s`,
      },
      {
        name: 'fs backend: consume, 4 batches in flight',
        value: rate(concurrent.runSeconds),
        unit: 'files/s',
        note: `as above on a second identical tree; ${round(concurrent.runSeconds, 2)} s`,
      },
      {
        name: 'fs backend: hash + destroy + probe, 4 batches in flight',
        value: rate(threeConcurrent.runSeconds),
        unit: 'files/s',
        note: `three thread calls per batch, as before issue 19, on a third identical tree; ${round(threeConcurrent.runSeconds, 2)} s`,
      },
      {
        name: 'shell: find | xargs sha256sum > manifest && rm -rf',
        value: rate(shellSeconds),
        unit: 'files/s',
        note: `identical tree, run last; ${round(shellSeconds, 2)} s`,
      },
      { name: 'fs backend consume (1 in flight) / shell', value: round(shellSeconds / sequential.runSeconds, 2), unit: 'x', target: '~2.7x (target set before issue 3)' },
      { name: 'fs backend consume (4 in flight) / shell', value: round(shellSeconds / concurrent.runSeconds, 2), unit: 'x', target: '~2.7x (target set before issue 3)' },
      { name: 'fs backend hash + destroy + probe (4 in flight) / shell', value: round(shellSeconds / threeConcurrent.runSeconds, 2), unit: 'x' },
    ];
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function toMarkdown(results: readonly BenchResult[]): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|');
  const rows = results.map((r) => `| ${cell(r.name)} | ${r.value.toLocaleString('en')} ${r.unit} | ${cell(r.target ?? '')} | ${cell(r.note ?? '')} |`);
  return ['| what | result | target | note |', '|---|---|---|---|', ...rows].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(toMarkdown(await benchFsBackend()));
}
