// The architecture's import rules (.dependency-cruiser.mjs, .dependency-cruiser.worker.mjs), run
// exactly as `npm run lint` runs them, so that `npm test`, which is what CI runs, enforces them
// too. And proof that they can fail: a cycle, a use case importing an adapter and a worker that
// loads better-sqlite3 at startup or the HTTP API at all, planted in a copy of the sources, each
// make the named rule fire. The planted imports are type-only or dynamic where they can be, as
// those are the ones a careless parser would miss.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  type: string;
  from: string;
  to: string;
  rule: { name: string; severity: string };
  cycle?: { name: string }[];
  via?: { name: string }[];
}

/** The arguments of each `depcruise` in `npm run lint`: the test runs what lint runs, no copy of it. */
function lintCruises(): string[][] {
  const lint = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { lint: string } }).scripts.lint;
  const cruises = lint
    .split('&&')
    .map((command) => command.trim().split(/\s+/))
    .filter(([bin]) => bin === 'depcruise')
    .map(([, ...args]) => args);
  assert.ok(cruises.length > 0, `npm run lint runs no depcruise: ${lint}`);
  return cruises;
}

/** Every violation of every cruise of `npm run lint`, run in `cwd` (with `extra` arguments). */
function cruise(cwd: string, extra: string[] = []): Violation[] {
  return lintCruises().flatMap((args) => {
    const r = spawnSync(process.execPath, [DEPCRUISE, ...args, ...extra, '--output-type', 'json'], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    let result: { summary: { violations: Violation[]; totalCruised: number } };
    try {
      result = JSON.parse(r.stdout) as typeof result;
    } catch {
      assert.fail(`depcruise ${args.join(' ')} gave no result (exit ${r.status}):\n${r.stderr}`);
    }
    // A cruise that saw nothing passes every rule: it must have read the sources.
    assert.ok(result.summary.totalCruised > 50, `depcruise ${args.join(' ')} cruised only ${result.summary.totalCruised} modules`);
    return result.summary.violations;
  });
}

const show = (v: Violation): string => {
  const path = v.cycle ?? v.via;
  return `${v.rule.name}: ${v.from} → ${v.to}${path ? ` (${path.map((m) => m.name).join(' → ')})` : ''}`;
};

const firstSource = (dir: string): string => {
  const found = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .sort()[0];
  assert.ok(found, `no source in ${dir}`);
  return join(dir, found);
};

describe('the architecture rules', () => {
  it('hold on the tree, as npm run lint checks them', () => {
    const violations = cruise(ROOT);
    assert.deepEqual(violations.map(show), [], `dependency-cruiser found ${violations.length} violations:\n${violations.map(show).join('\n')}`);
  });
});

describe('the architecture rules, on violations planted in a copy of the sources', () => {
  let copy: string;
  let violations: Violation[];
  let adapter: string;
  let http: string;

  before(() => {
    copy = mkdtempSync(join(tmpdir(), 'sp-depcruise-'));
    for (const p of ['src', 'workers', 'packages/verify/src', 'package.json', 'tsconfig.json', '.dependency-cruiser.mjs', '.dependency-cruiser.worker.mjs']) {
      cpSync(join(ROOT, p), join(copy, p), { recursive: true });
    }
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
    const at = (p: string) => join(copy, p);
    // Whatever files the adapters and the HTTP API hold today (they move; the rules must not).
    adapter = relative(copy, firstSource(at('src/adapters'))).replaceAll('\\', '/');
    http = relative(copy, firstSource(at('src/http'))).replaceAll('\\', '/');
    const js = (p: string) => p.replace(/\.ts$/, '.js');

    // A cycle between two use-case files, one way through a type-only import.
    writeFileSync(at('src/app/planted-cycle-a.ts'), "import { b } from './planted-cycle-b.js';\nexport type A = { n: number };\nexport const a = (): number => b().n;\n");
    writeFileSync(at('src/app/planted-cycle-b.ts'), "import type { A } from './planted-cycle-a.js';\nexport const b = (): A => ({ n: 1 });\n");
    // A use case that knows an adapter, by its type only.
    writeFileSync(at('src/app/planted-use-case.ts'), `import type * as Adapter from '../${js(adapter.slice('src/'.length))}';\nexport type Planted = typeof Adapter;\n`);
    // A worker that opens SQLite at startup, through a module of its own, and may load the HTTP API later.
    writeFileSync(
      at('src/adapters/queue/planted-startup.ts'),
      `import Database from 'better-sqlite3';\nexport const open = (): unknown => new Database(':memory:');\nexport const later = () => import('../../${js(http.slice('src/'.length))}');\n`,
    );
    appendFileSync(at('workers/main.ts'), "\nimport '../src/adapters/queue/planted-startup.js';\n");

    // The copy's node_modules is a link to the repository's: keep the packages' paths under it.
    violations = cruise(copy, ['--preserve-symlinks']);
  });
  after(() => rmSync(copy, { recursive: true, force: true }));

  const planted = (rule: string, match: (v: Violation) => boolean) => {
    const hits = violations.filter((v) => v.rule.name === rule && match(v));
    assert.ok(hits.length > 0, `${rule} did not fire; the violations were:\n${violations.map(show).join('\n')}`);
    assert.ok(hits.every((v) => v.rule.severity === 'error'), hits.map(show).join('\n'));
    return hits;
  };
  const along = (v: Violation, file: string) => [v.from, v.to, ...(v.cycle ?? v.via ?? []).map((m) => m.name)].includes(file);

  it('no-circular fires on a cycle, a type-only import included', () => {
    planted('no-circular', (v) => along(v, 'src/app/planted-cycle-a.ts') && along(v, 'src/app/planted-cycle-b.ts'));
  });

  it('app-not-to-outer-layers fires on a use case importing an adapter (type-only)', () => {
    planted('app-not-to-outer-layers', (v) => v.from === 'src/app/planted-use-case.ts' && v.to === adapter);
  });

  it("worker-startup-loads-no-sqlite-or-esbuild fires on better-sqlite3 in the worker's static imports", () => {
    planted('worker-startup-loads-no-sqlite-or-esbuild', (v) => v.from === 'workers/main.ts' && v.to.startsWith('node_modules/better-sqlite3/') && along(v, 'src/adapters/queue/planted-startup.ts'));
  });

  it('worker-entry-reaches-no-ledger-key-http-or-page fires on the HTTP API behind a dynamic import()', () => {
    planted('worker-entry-reaches-no-ledger-key-http-or-page', (v) => v.from === 'workers/main.ts' && v.to === http && along(v, 'src/adapters/queue/planted-startup.ts'));
  });
});
