// `npm run bench`: runs every benchmark and writes bench/RESULTS.md with the
// machine and the date. Figures are for reading, not for asserting: the
// machine is shared and noisy, so each comparison has its baseline measured
// in the same run, and the ratio is what to look at.
//   npm run bench                     every section but the ones run only when named (scale)
//   npm run bench -- merkle records   only those sections
//   npm run bench -- scale --sizes 100000   a section's argument (here SHREDPROOF_BENCH_SCALE_SIZES)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchE2e } from './e2e.js';
import { benchFsBackend } from './fs-backend.js';
import { benchMerkle } from './merkle.js';
import { benchPostgres } from './postgres.js';
import { benchRecords } from './records.js';
import { benchS3 } from './s3.js';
import type { BenchResult } from './types.js';

/** `onlyWhenNamed`: too long for every run (the scale section takes most of an hour and 20 GB); `npm run bench -- scale` runs it. */
const SECTIONS: Record<string, { title: string; run: () => Promise<BenchResult[]>; onlyWhenNamed?: true }> = {
  merkle: { title: 'Merkle trees (issue 2)', run: benchMerkle },
  records: { title: 'Records: serialization, verification, proofs (issues 2 and 6)', run: () => benchRecords(1_000_000) },
  fs: { title: 'Filesystem backend (issue 3)', run: benchFsBackend },
  e2e25k: { title: 'End to end, 25,000 files of 4 KiB, against the shell baseline (issue 3; to see how memory grows)', run: () => benchE2e([25_000]) },
  e2e: { title: 'End to end, 100,000 files of 4 KiB, against the shell baseline (issue 3)', run: () => benchE2e([100_000]) },
  s3: { title: 'S3 on s3rver, 10,000 objects: an order through the engine against the naive GetObject + DeleteObject loop (issue 4)', run: () => benchS3(10_000) },
  postgres: { title: 'PostgreSQL, 1,000,000 rows destroyed and certified through the engine: rows/s and peak RSS (issue 4)', run: () => benchPostgres(1_000_000) },
  page: { title: 'Offline verifier page in headless Chromium: 1,000,000 records, proofs, photo lookup, against the same core code in Node (issue 6)', run: async () => (await import('./verifier-page.js')).benchVerifierPage(1_000_000) },
  tlog: { title: 'Transparency log: appends, proofs and tiles at 1,000, 100,000 and 1,000,000 entries, against proofs from an in-memory tree (issue 17)', run: async () => (await import('./tlog.js')).benchTlog() },
  scale: {
    title: 'Scale: orders of 100,000, 1,000,000 and 3,000,000 files of 1 KiB end to end through serve and a worker process: each phase, ledger size, peak RSS, order status p99 (issue 19)',
    run: async () => (await import('./scale.js')).benchScale(),
    onlyWhenNamed: true,
  },
  search: { title: 'Inventory search and the overdue filter on large ledgers: 1,000,000 planned objects, 10,000 orders (issue 20)', run: async () => (await import('./inventory-search.js')).benchInventorySearch() },
  api: { title: 'HTTP API under load: order status and per-object proofs while 100,000 objects execute, against the same requests with nothing executing (issue 5)', run: async () => (await import('./api.js')).benchApi(100_000, 10_000) },
};

function machine(): string[] {
  const c = cpus();
  let disk = '';
  try {
    disk = execFileSync('df', ['-h', '/tmp'], { encoding: 'utf8' }).split('\n')[1] ?? '';
  } catch {
    /* not essential */
  }
  return [
    `- date: ${new Date().toISOString()}`,
    `- machine: ${c.length} x ${c[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory (${(freemem() / 2 ** 30).toFixed(1)} GiB free at start)`,
    `- node ${process.version}; load average at start ${loadavg().map((x) => x.toFixed(2)).join(' / ')}`,
    `- /tmp: ${disk.replace(/\s+/g, ' ')}`,
  ];
}

const fmt = (v: number) => (Number.isInteger(v) ? v.toLocaleString('en-US') : v.toLocaleString('en-US', { maximumFractionDigits: 2 }));

/**
 * Runs one section in a child process, so that each section's peak RSS
 * (VmHWM) is its own: the e2e coordinator figure would otherwise include the
 * Merkle and records sections run before it in the same process.
 */
function runChild(name: string): BenchResult[] {
  const out = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', name], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = out.trim().split('\n').pop()!;
  return JSON.parse(line) as BenchResult[];
}

/** Takes the sections' arguments out of argv into the environment the sections' children inherit; returns the section names. */
function sectionArguments(argv: string[]): string[] {
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const m = /^--sizes(?:=(.*))?$/.exec(argv[i]!);
    if (!m) names.push(argv[i]!);
    else if (m[1] !== undefined) process.env.SHREDPROOF_BENCH_SCALE_SIZES = m[1];
    else if (i + 1 < argv.length) process.env.SHREDPROOF_BENCH_SCALE_SIZES = argv[++i];
    else throw new Error('--sizes needs a list, e.g. --sizes 100000,1000000');
  }
  return names;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') {
    const results = await SECTIONS[process.argv[3]!]!.run();
    process.stdout.write(JSON.stringify(results) + '\n');
    return;
  }
  const wanted = sectionArguments(process.argv.slice(2));
  const names = wanted.length ? wanted : Object.keys(SECTIONS).filter((n) => !SECTIONS[n]!.onlyWhenNamed);
  const path = fileURLToPath(new URL('./RESULTS.md', import.meta.url));
  // A partial run (npm run bench -- api) replaces only its own sections and keeps
  // the others as they were measured; each section says when that was.
  // Sections that no benchmark here writes (measured by a test or by hand, such as the idle
  // worker's memory) are kept as written, after the others.
  const kept = new Map<string, string>();
  if (existsSync(path)) {
    const text = readFileSync(path, 'utf8');
    const lastRun = /^- date: (.*)$/m.exec(text)?.[1] ?? 'an unknown date';
    const written = new Set(Object.values(SECTIONS).map((section) => section.title));
    for (const block of text.split(/\n(?=## )/).slice(1)) {
      const body = block.trimEnd();
      const title = block.slice(3, block.indexOf('\n'));
      // Only a section a benchmark writes is dated by the last run; one recorded by hand says when itself.
      kept.set(title, body.includes('(measured ') || !written.has(title) ? body : `${body}\n\n(measured in the run of ${lastRun})`);
    }
  }
  for (const name of names) if (!SECTIONS[name]) throw new Error(`unknown bench section ${name}; known: ${Object.keys(SECTIONS).join(', ')}`);
  // What ships is what is measured: the sections start the compiled build (bench/procs.ts).
  // A build made only for the benchmark is removed after it: a checkout with dist/ packs it (test/packaging).
  const builds = ['../dist', '../packages/verify/dist'].map((d) => fileURLToPath(new URL(d, import.meta.url)));
  const madeHere = builds.filter((d) => !existsSync(d));
  process.stderr.write('bench: npm run build ...\n');
  execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/build.mjs', import.meta.url))], { stdio: ['ignore', 2, 2] });
  process.env.BENCH_BUILT = '1';
  process.once('exit', () => {
    for (const d of madeHere) rmSync(d, { recursive: true, force: true });
  });
  const fresh = new Map<string, string>();
  for (const name of names) {
    const section = SECTIONS[name];
    if (!section) throw new Error(`unknown bench section ${name}; known: ${Object.keys(SECTIONS).join(', ')}`);
    process.stderr.write(`bench: ${name} ...\n`);
    const started = performance.now();
    const results = runChild(name);
    const lines = [`## ${section.title}`, '', '| what | value | target | note |', '|---|---|---|---|'];
    for (const r of results) lines.push(`| ${r.name} | ${fmt(r.value)} ${r.unit} | ${r.target ?? ''} | ${r.note ?? ''} |`);
    lines.push('', `(measured ${new Date().toISOString()}; ${((performance.now() - started) / 1000).toFixed(0)} s; load average after: ${loadavg().map((x) => x.toFixed(2)).join(' / ')})`);
    fresh.set(section.title, lines.join('\n'));
  }
  const out = ['# Benchmark results', '', 'Written by `npm run bench` (bench/run.ts). Re-run to refresh. Sections that no benchmark of bench/run.ts writes (recorded by hand, each with how) are kept as they are.', '', `Last run (sections: ${names.join(', ')}):`, '', ...machine(), ''];
  const known = new Set(Object.values(SECTIONS).map((section) => section.title));
  for (const title of known) {
    const named = Object.values(SECTIONS).find((section) => section.title === title)?.onlyWhenNamed;
    const block = fresh.get(title) ?? (wanted.length || named ? kept.get(title) : undefined);
    if (block) out.push(block, '');
  }
  for (const [title, block] of kept) if (!known.has(title)) out.push(block, '');
  writeFileSync(path, out.join('\n'));
  process.stdout.write(out.join('\n') + '\n');
}

await main();
process.exit(0);
