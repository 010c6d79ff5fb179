// Processes for the benchmarks: what /proc says of them (peak RSS, CPU),
// shredproof started as its own process as users run it, and a CLI command
// run to its end with its time and peak RSS.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The command the benchmarks start: the compiled build, as production runs it,
 * once bench/run.ts has built it (BENCH_BUILT=1); the sources through tsx otherwise.
 */
export const BIN = fileURLToPath(new URL(process.env.BENCH_BUILT === '1' ? './compiled-bin.mjs' : '../bin/shredproof.js', import.meta.url));

export const round = (x: number) => Math.round(x * 100) / 100;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Peak resident set (VmHWM) of a live process, in MB (2^20 bytes). */
export function peakRssMb(pid: number | 'self'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

/** CPU seconds (user + system) a process has used, from /proc. */
export function cpuSeconds(pid: number | 'self'): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (100/s)
}

export function statSafe(p: string): number {
  try {
    return statSync(p).size;
  } catch {
    return 0;
  }
}

/** Bytes of the regular files under dir (sizes, not blocks). */
export function dirBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) total += statSafe(join(e.parentPath, e.name));
  return total;
}

export { freePort } from '../test/helpers/redis-server.js';

const children = new Set<ChildProcess>();
const scratch = new Set<string>();

/** Kills what this process started and removes the scratch directories: at exit, and on SIGINT or SIGTERM. */
function cleanUpNow(): void {
  for (const c of children) c.kill('SIGKILL');
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
}
let guarded = false;
/** Installed with the first process or scratch directory, not on import: e2e.ts and api.ts import this module for its /proc readers. */
function guard(): void {
  if (guarded) return;
  guarded = true;
  process.once('exit', cleanUpNow);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`bench: ${signal}: stopping what it started and removing ${[...scratch].join(', ') || 'nothing'}\n`);
      cleanUpNow();
      // then what needs a connection (a Redis prefix to drop), for a few seconds at most
      const late = Promise.allSettled([...lateCleanups].map((f) => f()));
      void Promise.race([late, sleep(5000)]).then(() => process.exit(130));
    });
  }
}

const lateCleanups = new Set<() => Promise<void>>();

/** Runs `cleanup` if this process is stopped by SIGINT or SIGTERM (after the processes are killed); call the result once it is done otherwise. */
export function onInterrupt(cleanup: () => Promise<void>): () => void {
  guard();
  lateCleanups.add(cleanup);
  return () => lateCleanups.delete(cleanup);
}

/** A directory removed however this process ends (unless killed with SIGKILL); call release once it is removed. */
export function scratchDir(dir: string): { release: () => void } {
  guard();
  scratch.add(dir);
  return { release: () => scratch.delete(dir) };
}

/** Kills `c` with the others if this process is stopped before it ends. */
export function track(c: ChildProcess): ChildProcess {
  guard();
  children.add(c);
  c.once('exit', () => children.delete(c));
  return c;
}

/** `shredproof ARGS` as its own process; its stdout and stderr go to our stderr (bench/run.ts reads the results from our stdout). */
export function startShredproof(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return track(spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 2, 2] }));
}

export async function stopProc(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  await exited;
}

/** Waits until GET url/readyz answers 200; throws if `proc` exits first or after timeoutMs. */
export async function waitReady(url: string, proc: ChildProcess, timeoutMs = 60_000): Promise<void> {
  for (const end = Date.now() + timeoutMs; ; await sleep(100)) {
    if (proc.exitCode !== null) throw new Error(`shredproof serve exited with ${proc.exitCode}`);
    if (await fetch(`${url}/readyz`).then((r) => r.ok, () => false)) return;
    if (Date.now() > end) throw new Error(`shredproof serve is not ready after ${timeoutMs / 1000} s`);
  }
}

// Loaded into a command with --import: at exit, writes its VmHWM (kB) to BENCH_PEAK_RSS_FILE.
// A child's VmHWM cannot be read from /proc once it has exited, and sampling misses the last peak.
const PEAK_AT_EXIT =
  'data:text/javascript,' +
  encodeURIComponent(
    'import{readFileSync,writeFileSync}from"node:fs";const f=process.env.BENCH_PEAK_RSS_FILE;' +
      'if(f)process.on("exit",()=>{try{writeFileSync(f,/VmHWM:\\s+(\\d+)/.exec(readFileSync("/proc/self/status","utf8"))[1])}catch{}});',
  );

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  seconds: number;
  /** peak RSS of the command's process, MB */
  peakMb: number;
}

/** Runs `shredproof ARGS` to its end: exit code, output, wall time (start-up included) and peak RSS. */
export function runShredproof(args: string[], env: NodeJS.ProcessEnv, peakFile: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    guard();
    const t0 = performance.now();
    const c = spawn(process.execPath, ['--import', PEAK_AT_EXIT, BIN, ...args], { env: { ...env, BENCH_PEAK_RSS_FILE: peakFile }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(c);
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (b: Buffer) => (stdout = (stdout + b.toString()).slice(-100_000)));
    c.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-100_000)));
    c.once('error', reject);
    c.once('close', (code) => {
      children.delete(c);
      const seconds = (performance.now() - t0) / 1000;
      let peakMb = NaN;
      try {
        peakMb = Number(readFileSync(peakFile, 'utf8')) / 1024;
        rmSync(peakFile, { force: true });
      } catch {
        /* the command died before its exit handler */
      }
      resolve({ code: code ?? -1, stdout, stderr, seconds, peakMb });
    });
  });
}
