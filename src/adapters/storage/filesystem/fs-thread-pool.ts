// A pool of worker_threads that run fs tasks with synchronous calls. Threads
// start on first use, stay alive across batches and are unref'ed while idle (a
// forgotten close() does not hold the process open). A thread that crashes
// fails the task it was running; the next task gets a fresh thread.
//
// Loading the thread: from sources (.ts) the thread's code is bundled once per
// process with esbuild (which tsx already brings) into one CommonJS script and
// started with eval, so no thread loads tsx: hooks registered in the main
// thread do not reach worker threads on Node 20, and tsx in every thread would
// cost memory and start-up time in each (figures: bench/RESULTS.md,
// 'Measurements behind the code'). From a build (.js) it imports fs-thread.js.

import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ThreadData, ThreadRequest, ThreadResponse, ThreadTask, TaskResults } from './protocol.js';

const MIN_ITEMS_PER_CHUNK = 16;

interface Pending {
  request: ThreadRequest;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker?: Worker;
  current?: Pending;
  failure?: Error;
}

export class ThreadTaskError extends Error {
  override readonly name = 'ThreadTaskError';
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

let bundled: string | undefined;

/** fs-thread.ts and what it imports (not node: built-ins), as one CommonJS script. */
function threadScript(): string {
  if (bundled === undefined) {
    const require = createRequire(import.meta.url);
    const esbuild = require('esbuild') as typeof import('esbuild');
    const result = esbuild.buildSync({
      entryPoints: [fileURLToPath(new URL('./fs-thread.ts', import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      write: false,
      logLevel: 'silent',
    });
    bundled = result.outputFiles[0]!.text;
  }
  return bundled;
}

function spawnThread(data: ThreadData): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./fs-thread.js', here), { workerData: data });
  return new Worker(threadScript(), { eval: true, workerData: data, execArgv: [] });
}

export class FsThreadPool {
  private readonly slots: Slot[];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    readonly threads: number,
    private readonly data: ThreadData,
  ) {
    if (!Number.isInteger(threads) || threads < 1 || threads > 256) throw new RangeError(`threads must be an integer in 1..256, got ${threads}`);
    this.slots = Array.from({ length: threads }, () => ({}));
  }

  /** Runs one task on one thread. */
  run<K extends ThreadTask['op']>(task: Extract<ThreadTask, { op: K }>): Promise<TaskResults[K]> {
    if (this.closed) return Promise.reject(new Error('fs thread pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ request: { ...task, id: this.nextId++ }, resolve: resolve as (v: unknown) => void, reject });
      this.dispatch();
    });
  }

  /**
   * Splits a batch into contiguous slices (one per thread at most), runs `run`
   * on each in parallel and returns the outcomes in item order. Waits for every
   * slice to settle, then rejects if any failed: no work runs after the call ends.
   */
  async runSplit<T, R>(items: readonly T[], run: (slice: T[]) => Promise<R[]>): Promise<R[]> {
    if (items.length === 0) return [];
    const chunks = Math.min(this.threads, Math.ceil(items.length / MIN_ITEMS_PER_CHUNK));
    const per = Math.ceil(items.length / chunks);
    const runs: Promise<R[]>[] = [];
    for (let start = 0; start < items.length; start += per) runs.push(run(items.slice(start, start + per)));
    const settled = await Promise.allSettled(runs);
    const out: R[] = [];
    for (const s of settled) {
      if (s.status === 'rejected') throw s.reason;
      for (const r of s.value) out.push(r); // no spread: a huge slice would overflow the argument limit
    }
    if (out.length !== items.length) throw new Error(`fs threads answered ${out.length} outcomes for ${items.length} items`);
    return out;
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.current) continue;
      const pending = this.queue.shift()!;
      slot.current = pending;
      const worker = slot.worker ?? this.start(slot);
      worker.ref();
      worker.postMessage(pending.request);
    }
  }

  private start(slot: Slot): Worker {
    const worker = spawnThread(this.data);
    slot.worker = worker;
    slot.failure = undefined;
    worker.on('message', (msg: ThreadResponse) => {
      const pending = slot.current;
      if (!pending || pending.request.id !== msg.id) return;
      slot.current = undefined;
      worker.unref();
      if (msg.ok) pending.resolve(msg.result);
      else pending.reject(new ThreadTaskError(msg.error.message, msg.error.code));
      this.dispatch();
    });
    worker.on('error', (e) => {
      slot.failure = e;
    });
    worker.on('exit', (exitCode) => {
      if (slot.worker !== worker) return;
      slot.worker = undefined;
      const pending = slot.current;
      slot.current = undefined;
      if (pending) {
        const why = slot.failure ? `: ${slot.failure.message}` : '';
        pending.reject(new Error(`fs thread exited with code ${exitCode} while running ${pending.request.op}${why}`));
      }
      if (!this.closed) this.dispatch();
    });
    return worker;
  }

  /** Terminates every thread; tasks still queued or running are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new Error('fs thread pool is closed'));
    await Promise.all(this.slots.map((slot) => slot.worker?.terminate()));
  }
}
