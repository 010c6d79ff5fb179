// The Dockerfile and docker-compose.yml cannot be built or run here (no
// container engine on this machine), so everything about them that can be
// checked without one is checked here: every stage is the digest-pinned Node
// 24 image of one ARG; what the image copies exists and gets into the build
// context; the build stage has what `npm run build` reads; the runtime gets
// the compiled code (dist/) and not the sources, so bin/shredproof.js runs
// dist/; its node_modules comes from an --omit=dev install, and every package
// that the compiled code loads is a runtime dependency (tsx and esbuild are
// loaded only on paths that run from the TypeScript sources: each such path is
// listed below and its guard checked); the user is not root; the entrypoint,
// the commands, flags and environment variables that the files and
// docs/DOCKER.md use are ones the CLI and the configuration know; Redis runs
// with the durability flags; every container has a read-only root, no
// capabilities and no-new-privileges; workers never see the ledger or the
// key; both healthchecks (the image's /healthz, the worker's heartbeat file)
// really tell a live process from a dead one.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { builtinModules } from 'node:module';
import { dirname, join, posix } from 'node:path';
import { describe, it } from 'node:test';
import type { Command } from 'commander';
import { requireIssuer } from '../../src/main/coordinator.js';
import { buildProgram } from '../../src/cli/main.js';
import { parseBackendsConfig } from '../../src/config/backends-config.js';
import { loadConfig } from '../../src/config/config.js';
import { HEARTBEAT_FILE_ENV, HEARTBEAT_INTERVAL_MS, HEARTBEAT_MAX_AGE_MS, heartbeatFileFromEnv } from '../../src/adapters/queue/worker-liveness.js';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
interface Manifest {
  engines: { node: string };
  dependencies: Record<string, string>;
  devDependencies?: Record<string, string>;
  workspaces?: string[];
  allowScripts?: Record<string, boolean>;
  exports?: Record<string, unknown>;
  scripts?: Record<string, string>;
}
const pkg = JSON.parse(read('package.json')) as Manifest & { allowScripts: Record<string, boolean> };
const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { dev?: boolean; link?: boolean; resolved?: string }> };
/** tsconfig files have comments (whole lines only, in this repository). */
const readJsonc = (p: string) => JSON.parse(read(p).replace(/^\s*\/\/.*$/gm, '')) as { extends?: string; compilerOptions?: Record<string, unknown>; include?: string[] };

// ---------- Dockerfile ----------

interface Instruction {
  op: string;
  args: string;
  line: number;
}
interface Stage {
  name: string;
  /** FROM as written, and with the ARGs (and earlier stages) resolved. */
  from: string;
  base: string;
  body: Instruction[];
}

/** Instructions with continuation lines joined and comments dropped. */
function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let l = lines[i]!;
    if (/^\s*(#|$)/.test(l)) continue;
    while (/\\\s*$/.test(l) && i + 1 < lines.length) {
      i++;
      if (/^\s*#/.test(lines[i]!)) continue; // comment lines inside a continuation are skipped
      l = l.replace(/\\\s*$/, ' ') + lines[i]!;
    }
    const m = /^\s*([A-Za-z]+)\s+([\s\S]*)$/.exec(l);
    assert.ok(m, `Dockerfile line ${start + 1} is not an instruction: ${l}`);
    out.push({ op: m[1]!.toUpperCase(), args: m[2]!.trim(), line: start + 1 });
  }
  return out;
}

function parseDockerfile(text: string): { args: Record<string, string>; stages: Stage[] } {
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const ins of instructions(text)) {
    if (ins.op === 'ARG' && stages.length === 0) {
      const eq = ins.args.indexOf('=');
      args[eq < 0 ? ins.args : ins.args.slice(0, eq)] = eq < 0 ? '' : ins.args.slice(eq + 1);
    } else if (ins.op === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      assert.ok(m, `FROM ${ins.args}`);
      const resolved = m[1]!.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string, b: string) => args[a ?? b] ?? '');
      const base = stages.find((s) => s.name === resolved)?.base ?? resolved;
      stages.push({ name: m[2] ?? String(stages.length), from: m[1]!, base, body: [] });
    } else {
      assert.ok(stages.length > 0, `${ins.op} before the first FROM (line ${ins.line})`);
      stages[stages.length - 1]!.body.push(ins);
    }
  }
  return { args, stages };
}

/** A JSON-form (exec form) instruction argument. */
function execForm(args: string): string[] {
  const v = JSON.parse(args) as unknown;
  assert.ok(Array.isArray(v) && v.every((x) => typeof x === 'string'), `not exec form: ${args}`);
  return v as string[];
}

const all = (s: Stage, op: string) => s.body.filter((i) => i.op === op);
const one = (s: Stage, op: string) => {
  const found = all(s, op);
  assert.equal(found.length, 1, `stage ${s.name} has ${found.length} ${op}, want 1`);
  return found[0]!;
};
/** ENV KEY=value pairs of a stage (values without quotes or spaces). */
function envOf(s: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const i of all(s, 'ENV')) for (const m of i.args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[m[1]!] = m[2]!.replace(/^"|"$/g, '');
  return env;
}
interface Copy {
  from?: string;
  sources: string[];
  dest: string;
  line: number;
}
/** COPY sources and destination, with --from and --chown separated. */
function copyOf(i: Instruction): Copy {
  const words = i.args.trim().startsWith('[') ? execForm(i.args) : i.args.split(/\s+/);
  const flags = words.filter((w) => w.startsWith('--'));
  const paths = words.filter((w) => !w.startsWith('--'));
  const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
  return { ...(from ? { from } : {}), sources: paths.slice(0, -1), dest: paths[paths.length - 1]!, line: i.line };
}

/**
 * Where each COPY puts each source, as absolute paths in the stage: a source
 * copied into a directory (a destination ending in /, or several sources)
 * keeps its base name; one source to a plain destination becomes it.
 */
function placed(stage: Stage): Array<{ source: string; target: string; from?: string; line: number }> {
  const workdir = all(stage, 'WORKDIR').map((w) => w.args).pop() ?? '/';
  return all(stage, 'COPY').flatMap((ins) => {
    const c = copyOf(ins);
    const dest = posix.resolve(workdir, c.dest);
    const intoDir = c.dest.endsWith('/') || c.sources.length > 1;
    return c.sources.map((source) => ({ source, target: intoDir ? posix.join(dest, posix.basename(source)) : dest, ...(c.from ? { from: c.from } : {}), line: c.line }));
  });
}

/** The COPY that puts `path` (absolute) in the stage, if any: exactly it, or a directory above it. */
const copiedTo = (stage: Stage, path: string) => placed(stage).find((p) => path === p.target || path.startsWith(`${p.target}/`));

const DOCKERFILE = read('Dockerfile');
const docker = parseDockerfile(DOCKERFILE);
const runtime = docker.stages[docker.stages.length - 1]!;
const runtimeEnv = envOf(runtime);
const runsIn = (s: Stage) => all(s, 'RUN').map((i) => i.args).join(' && ');
/** The stage whose `npm ci` leaves out the dev dependencies: the runtime's node_modules. */
const prodStage = docker.stages.find((s) => /npm ci\b[^&]*--omit=dev/.test(runsIn(s)));
/** The stage that runs `npm run build`. */
const buildStage = docker.stages.find((s) => /\bnpm run build\b/.test(runsIn(s)));

// ---------- .dockerignore (the documented rules: last match wins; a path is excluded if it or a parent matches) ----------

const ignoreRules = read('.dockerignore')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => {
    const negate = l.startsWith('!');
    const pattern = posix.normalize(l.replace(/^!/, '').replace(/^\/+/, '').replace(/\/+$/, ''));
    const re = new RegExp(
      '^' +
        pattern
          .split('**')
          .map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]'))
          .join('.*') +
        '$',
    );
    return { negate, re };
  });

function ignored(path: string): boolean {
  const parts = path.split('/');
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let out = false;
  for (const r of ignoreRules) if (candidates.some((c) => r.re.test(c))) out = !r.negate;
  return out;
}

function* filesUnder(rel: string): Generator<string> {
  const abs = join(ROOT, rel);
  if (!statSync(abs).isDirectory()) return yield rel;
  for (const name of readdirSync(abs)) yield* filesUnder(posix.join(rel, name));
}

// ---------- what the code imports ----------

const BUILTINS = new Set(builtinModules);

/** Package names that a module loads when it runs: static, dynamic, require and side-effect imports; type-only ones are erased by the compiler. */
function packagesLoaded(text: string): string[] {
  const code = text
    .replace(/(?:import|export)\s+type\s+[^;]*?from\s*['"][^'"]+['"]/g, '')
    .replace(/\btypeof\s+import\s*\(\s*['"][^'"]+['"]\s*\)/g, ''); // `typeof import('x')` is a type
  const specs = [
    ...code.matchAll(/^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/gm),
    ...code.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g),
    ...code.matchAll(/\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g),
    ...code.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm),
  ].map((m) => m[1]!);
  const names = new Set<string>();
  for (const s of specs) {
    if (!/^(@[\w.-]+\/)?[\w.-]+(\/[\w./-]*)?$/.test(s)) continue; // not a module specifier (text in a string)
    if (s.startsWith('.') || s.startsWith('/') || s.startsWith('node:') || BUILTINS.has(s.split('/')[0]!)) continue;
    names.add(s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!);
  }
  return [...names];
}

/** The code an image runs, by the manifest whose dependencies it may load: the server's (compiled to dist/) and the verifier package's. */
const RUNTIME_CODE = [
  { manifest: 'package.json', dirs: ['bin', 'src', 'workers'] },
  { manifest: 'packages/verify/package.json', dirs: ['packages/verify/bin', 'packages/verify/src'] },
];
/**
 * What `npm run build` leaves out of dist/ never runs in the image: the console's browser code
 * (src/console/ui), which esbuild bundles into dist/src/console/console.js at build time. The
 * guard of src/console/build.ts below holds that the server only reads that bundle when compiled.
 */
const NOT_COMPILED = ((readJsonc('tsconfig.build.json') as { exclude?: string[] }).exclude ?? []).map((d) => `${d}/`);
const codeFiles = (dirs: string[]) =>
  dirs.flatMap((d) => [...filesUnder(d)]).filter((f) => /\.(ts|mts|js|mjs|cjs)$/.test(f) && !/\.d\.ts$/.test(f) && !NOT_COMPILED.some((n) => f.startsWith(n)));

/** The `{...}` block that starts at the first `{` after `from`, by brace count (the guarded code has no unbalanced brace in a string). */
function blockAt(text: string, from: number): { start: number; end: number } {
  const open = text.indexOf('{', from);
  assert.ok(open >= 0);
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return { start: from, end: i + 1 };
  }
  assert.fail(`unbalanced braces after ${text.slice(from, from + 60)}`);
}

/** Where `opener` opens its region: a block after an `if (...)`, or a function's body (after its parameter list, which may hold `{}`). */
function regionOf(text: string, opener: string): { start: number; end: number } {
  const at = text.indexOf(opener);
  assert.ok(at >= 0, `not found: ${opener}`);
  assert.equal(text.indexOf(opener, at + 1), -1, `more than one: ${opener}`);
  let i = at + opener.length;
  if (opener.endsWith('(')) {
    for (let depth = 1; depth > 0; i++) depth += text[i] === '(' ? 1 : text[i] === ')' ? -1 : 0;
  }
  return { start: at, end: blockAt(text, i).end };
}

/**
 * Code that runs only from the TypeScript sources (a checkout, through tsx),
 * never from the compiled JavaScript that the image and an installed package
 * run: the only places that load tsx and esbuild, which are dev dependencies.
 * Each region is cut from its file before the runtime import scan, so an
 * import of them anywhere else fails it; `guard` checks on the file's text
 * that the region really is reached only from the sources.
 */
const SOURCES_ONLY: Array<{ file: string; loads: string; opener: string; guard: (text: string) => void }> = [
  {
    // tsx runs src/ when src/cli/main.ts exists: a checkout. The image copies no src/ (checked below).
    file: 'bin/shredproof.js',
    loads: 'tsx',
    opener: "if (existsSync(here('../src/cli/main.ts')))",
    guard: (t) => assert.match(t, /const here = \(path\) => new URL\(path, import\.meta\.url\);/),
  },
  {
    // The same for the verifier package's CLI: the image copies packages/verify/dist and bin, not its src/.
    file: 'packages/verify/bin/shredproof-verify.js',
    loads: 'tsx',
    opener: "if (existsSync(new URL('../src/cli/main.ts', import.meta.url)))",
    guard: () => undefined,
  },
  {
    // The fs thread's code bundled with esbuild: only when this module is a .ts file; compiled, it starts fs-thread.js.
    file: 'src/adapters/storage/filesystem/fs-thread-pool.ts',
    loads: 'esbuild',
    opener: 'function threadScript(',
    guard: (t) => {
      assert.doesNotMatch(t, /export\s+function threadScript/);
      const rest = cut(t, ['function threadScript(']);
      assert.equal([...rest.matchAll(/\bthreadScript\(/g)].length, 1, 'threadScript() is called once, behind the .ts test');
      assert.match(rest, /const here = import\.meta\.url;\s*if \(!here\.endsWith\('\.ts'\)\) return [^;]+;\s*return new Worker\(threadScript\(\)/);
    },
  },
  {
    // The verifier page built with esbuild: only when EXT is '.ts'; compiled, buildVerifierPage reads the page that `npm run build` wrote.
    file: 'src/verifier-page/build.ts',
    loads: 'esbuild',
    opener: 'export async function bundleForBrowser(',
    guard: (t) => {
      const rest = cut(t, ['export async function bundleForBrowser(', 'export async function assemble(']);
      assert.doesNotMatch(rest, /\bbundleForBrowser\(/);
      assert.equal([...rest.matchAll(/\bassemble\(/g)].length, 1, 'assemble() is called once, behind the EXT test');
      assert.match(rest, /\(EXT === '\.js' \? readFile\(.*\) : assemble\(\)\)/);
      assert.match(rest, /const EXT = import\.meta\.url\.endsWith\('\.ts'\) \? '\.ts' : '\.js';/);
      // Nothing else that runs calls them (scripts/build.mjs and tests do, from the sources).
      for (const f of codeFiles(['bin', 'src', 'workers'])) {
        const text = f === 'src/console/build.ts' ? cut(read(f), ['export async function assembleConsole(']) : read(f);
        if (f !== 'src/verifier-page/build.ts' && text.includes('verifier-page/build')) assert.doesNotMatch(text, /\b(bundleForBrowser|assemble)\(/, f);
      }
      // The console calls bundleForBrowser in assembleConsole only, and that only from the sources (EXT is '.ts');
      // compiled, consoleAssets reads the files `npm run build` wrote.
      const console = cut(read('src/console/build.ts'), ['export async function assembleConsole(']);
      assert.equal([...console.matchAll(/\bassembleConsole\(/g)].length, 1, 'assembleConsole() is called once, behind the EXT test');
      assert.match(console, /\(EXT === '\.js' \? readPrebuilt\(\) : assembleConsole\(\)\)/);
      assert.match(console, /const EXT = import\.meta\.url\.endsWith\('\.ts'\) \? '\.ts' : '\.js';/);
      assert.deepEqual(NOT_COMPILED, ['src/console/ui/'], 'tsconfig.build.json leaves out the console\'s browser code, and nothing else');
    },
  },
  { file: 'src/verifier-page/build.ts', loads: 'esbuild', opener: 'export async function assemble(', guard: () => undefined }, // its callee above; checked there
];

/** A file's text without the given regions. */
function cut(text: string, openers: string[]): string {
  const regions = openers.map((o) => regionOf(text, o)).sort((a, b) => b.start - a.start);
  let out = text;
  for (const r of regions) out = out.slice(0, r.start) + out.slice(r.end);
  return out;
}

// ---------- docker-compose.yml ----------

/** YAML through the `yaml` package if installed (it is, with the dev dependencies), else PyYAML; never skipped. */
async function parseYaml(text: string): Promise<unknown> {
  const name = 'yaml';
  try {
    const mod = (await import(name)) as { parse: (t: string, o: object) => unknown };
    return mod.parse(text, { uniqueKeys: true, strict: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw e;
  }
  const py = spawnSync('python3', ['-c', 'import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'], { input: text, encoding: 'utf8' });
  assert.equal(py.status, 0, `no YAML parser: neither the yaml package nor python3 with PyYAML (${py.stderr})`);
  return JSON.parse(py.stdout) as unknown;
}

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string | number> | string[];
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: unknown; disable?: boolean; interval?: string; start_period?: string };
  restart?: string;
  deploy?: { replicas?: number };
  user?: string;
  read_only?: boolean;
  cap_drop?: string[];
  cap_add?: string[];
  security_opt?: string[];
  tmpfs?: string[] | string;
  privileged?: boolean;
}
interface Compose {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const words = (c: ComposeService['command']) => (Array.isArray(c) ? c : (c ?? '').split(/\s+/).filter(Boolean));
function envMap(s: ComposeService): Record<string, string> {
  const e = s.environment ?? {};
  if (Array.isArray(e)) return Object.fromEntries(e.map((kv) => [kv.split('=')[0]!, kv.split('=').slice(1).join('=')]));
  return Object.fromEntries(Object.entries(e).map(([k, v]) => [k, String(v)]));
}
/** Short-syntax volumes: source, target, read-only (a source may be ${VAR:-default}, colons and all). */
const mounts = (s: ComposeService) =>
  (s.volumes ?? []).map((v) => {
    const [source, target, mode] = v.match(/(\$\{[^}]*\}|[^:])+/g) ?? [];
    return { source: source!, target: target!, ro: mode === 'ro' };
  });
/** Short-syntax tmpfs mounts: the target paths. */
const tmpfsTargets = (s: ComposeService) => (typeof s.tmpfs === 'string' ? [s.tmpfs] : (s.tmpfs ?? [])).map((t) => t.split(':')[0]!);

// ---------- the CLI ----------

const program = buildProgram({ out: () => undefined, err: () => undefined, exitCode: 0 });

/** Checks a shredproof command line against the CLI's own definition: commands, options, required options. */
function checkCommandLine(argv: string[]): void {
  let cmd: Command = program;
  let i = 0;
  while (i < argv.length && !argv[i]!.startsWith('-')) {
    const next = cmd.commands.find((c) => c.name() === argv[i]);
    if (!next) break;
    cmd = next;
    i++;
  }
  assert.notEqual(cmd, program, `no shredproof command in: ${argv.join(' ')}`);
  assert.equal(cmd.commands.length, 0, `"${argv.join(' ')}" names a command group, not a command`);
  const known = new Map(cmd.options.map((o) => [o.long!, o]));
  const given = new Set<string>();
  for (; i < argv.length; i++) {
    const w = argv[i]!;
    if (!w.startsWith('--')) continue; // an option's value or a positional argument
    const opt = known.get(w.split('=')[0]!);
    assert.ok(opt, `shredproof ${cmd.name()} has no option ${w} (it has ${[...known.keys()].join(', ')})`);
    given.add(opt.long!);
  }
  for (const o of cmd.options) if (o.mandatory) assert.ok(given.has(o.long!), `shredproof ${cmd.name()} needs ${o.long} in: ${argv.join(' ')}`);
}

function runNode(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, args, { cwd: ROOT, env, timeout: 60_000 }, () => undefined);
    child.once('exit', (code) => resolve(code ?? -1));
  });
}

describe('Dockerfile', () => {
  const NODE_IMAGE = docker.args.NODE_IMAGE ?? '';

  it('builds every stage on node:24-bookworm-slim pinned by digest, through one ARG; package.json engines still admit Node 20', () => {
    assert.match(NODE_IMAGE, /^node:24-bookworm-slim@sha256:[0-9a-f]{64}$/, `ARG NODE_IMAGE=${NODE_IMAGE}`);
    assert.ok(docker.stages.length >= 3, 'a production-dependencies stage, a build stage and a runtime stage');
    const names = new Set<string>();
    for (const s of docker.stages) {
      assert.ok(s.from === '${NODE_IMAGE}' || names.has(s.from), `stage ${s.name} is FROM ${s.from}: every stage starts from the one pinned ARG`);
      assert.equal(s.base, NODE_IMAGE);
      names.add(s.name);
    }
    // The digest is written once: refreshing it is one edit (docs/DOCKER.md says how).
    const digest = NODE_IMAGE.split('@')[1]!;
    assert.equal(DOCKERFILE.split(digest).length - 1, 1, 'the digest appears once in the Dockerfile');
    assert.match(DOCKERFILE, /could[\s#]+not[\s#]+be[\s#]+pulled[\s#]+or[\s#]+verified/);
    assert.match(DOCKERFILE, /docker buildx imagetools inspect node:24-bookworm-slim/);
    // CI runs the machine's Node 20, the image Node 24: both must satisfy engines.
    for (const m of [pkg, JSON.parse(read('packages/verify/package.json')) as Manifest]) {
      const min = /^>=(\d+)\.(\d+)$/.exec(m.engines.node);
      assert.ok(min, `engines.node ${m.engines.node}`);
      assert.equal(min[1], '20', 'engines keep Node 20, which CI runs');
      assert.ok(24 >= Number(min[1]));
    }
  });

  it('copies from the build context only files that exist and that .dockerignore lets through', () => {
    const copied = docker.stages.flatMap((s) => all(s, 'COPY').concat(all(s, 'ADD')).map(copyOf)).filter((c) => !c.from);
    assert.ok(copied.length >= 5, 'COPY instructions found');
    for (const c of copied) {
      for (const src of c.sources) {
        assert.ok(existsSync(join(ROOT, src)), `COPY ${src}: no such file in the repository`);
        for (const f of filesUnder(src)) assert.ok(!ignored(f), `COPY ${src}: ${f} is excluded by .dockerignore`);
      }
    }
  });

  it('keeps keys, ledgers, .env, .git, node_modules, a local build and local files out of the build context', () => {
    for (const p of [
      'keys/signing-key.pem',
      'data/ledger.sqlite',
      '.git/config',
      '.env',
      'node_modules/tsx/package.json',
      'packages/verify/node_modules/x/package.json',
      'dist/src/cli/main.js',
      'packages/verify/dist/core/index.js',
      'backends.json',
      'scratch/x.ts',
      'test/http/api-flow.test.ts',
      'coverage/lcov.info',
      'reports/mutation.html',
      'scripts/services.sh',
    ]) {
      assert.ok(ignored(p), `${p} would be sent to the builder`);
    }
  });

  it('installs as locked with install scripts only for the packages allowScripts allows, every workspace manifest copied first', () => {
    assert.ok(prodStage && buildStage, 'a stage with `npm ci --omit=dev` and one with `npm run build`');
    assert.notEqual(prodStage, buildStage, 'the build has its dev dependencies; the runtime gets the --omit=dev install');
    const allowed = Object.entries(pkg.allowScripts).filter(([, ok]) => ok).map(([name]) => name);
    const rebuiltAnywhere = new Set<string>();
    for (const s of docker.stages.filter((x) => /\bnpm ci\b/.test(runsIn(x)))) {
      const run = runsIn(s);
      assert.match(run, /npm ci\b[^&]*--ignore-scripts/, `stage ${s.name}: npm ci without --ignore-scripts`);
      const rebuilt = /npm rebuild ([^&]+)/.exec(run)?.[1]!.trim().split(/\s+/) ?? [];
      for (const r of rebuilt) {
        assert.ok(allowed.includes(r), `stage ${s.name} rebuilds ${r}, which allowScripts does not allow`);
        rebuiltAnywhere.add(r);
      }
      if (s === prodStage) {
        // Exactly the allowed packages that a production install has (the lock marks dev-only ones).
        const inProd = allowed.filter((n) => lock.packages[`node_modules/${n}`] && !lock.packages[`node_modules/${n}`]!.dev);
        assert.deepEqual([...rebuilt].sort(), inProd.sort(), `stage ${s.name}`);
      }
      for (const [name, ok] of Object.entries(pkg.allowScripts)) if (!ok) assert.ok(!run.includes(name), `${name} is denied in allowScripts but appears in stage ${s.name}`);
      // npm ci checks the lock against the root manifest and every workspace's.
      const ci = all(s, 'RUN').find((i) => /\bnpm ci\b/.test(i.args))!;
      const workdir = one(s, 'WORKDIR').args;
      for (const f of ['package.json', 'package-lock.json', ...(pkg.workspaces ?? []).map((w) => `${w}/package.json`)]) {
        const c = copiedTo(s, posix.join(workdir, f));
        assert.ok(c && c.line < ci.line && c.source === f, `stage ${s.name} does not copy ${f} to ${workdir} before npm ci`);
      }
    }
    assert.deepEqual([...rebuiltAnywhere].sort(), [...allowed].sort(), 'every allowed install script runs where its package is installed');
  });

  it('builds with `npm run build` after copying everything scripts/build.mjs reads, and drops source maps', () => {
    const b = buildStage!;
    assert.equal(pkg.scripts?.build, 'node scripts/build.mjs');
    const build = all(b, 'RUN').find((i) => /\bnpm run build\b/.test(i.args))!;
    const workdir = one(b, 'WORKDIR').args;
    const needed = [
      'scripts/build.mjs',
      'tsconfig.json', // tsx and esbuild resolve @shredproof/verify through its paths (the verifier page)
      'tsconfig.build.json',
      'packages/verify/tsconfig.build.json',
      'packages/verify/src/core/index.ts',
      'src/cli/main.ts',
      'src/verifier-page/build.ts',
      'src/console/build.ts',
      'src/console/ui/main.tsx',
      'src/console/ui/console.css',
      'src/verifier-page/template.html',
      'src/verifier-page/page.css',
      'workers/main.ts',
    ];
    // What build.mjs names is in that list.
    for (const m of read('scripts/build.mjs').matchAll(/'((?:\.\.\/)?(?:packages|src|tsconfig)[^'$`]*\.(?:json|ts))'/g)) {
      assert.ok(needed.includes(m[1]!.replace(/^\.\.\//, '')), `scripts/build.mjs reads ${m[1]}: add it to this test's list and the build stage`);
    }
    for (const f of needed) {
      const c = copiedTo(b, posix.join(workdir, f));
      assert.ok(c && !c.from && c.line < build.line, `the build stage does not copy ${f} before npm run build`);
    }
    assert.match(build.args, /find dist packages\/verify\/dist -name '\*\.map' -delete/);
  });

  it('runs the compiled code: dist/ from the build, no src/, production node_modules, the verifier package at the link target', () => {
    const workdir = one(runtime, 'WORKDIR').args;
    const at = (p: string) => posix.join(workdir, p);
    // bin/shredproof.js runs src/ through tsx when src/cli/main.ts exists, else dist/src/cli/main.js (its top-level branches).
    const bin = read('bin/shredproof.js');
    const checks = [...bin.matchAll(/^(?:if|\} else if) \(existsSync\(here\('\.\.\/([^']+)'\)\)\) \{/gm)].map((m) => m[1]!);
    assert.deepEqual(checks, ['src/cli/main.ts', 'dist/src/cli/main.js']);
    assert.ok(copiedTo(runtime, at('bin/shredproof.js')), 'the runtime has bin/shredproof.js');
    for (const p of ['src/cli/main.ts', 'workers/main.ts', 'packages/verify/src/core/index.ts', 'tsconfig.json']) assert.equal(copiedTo(runtime, at(p)), undefined, `the runtime copies ${p}: the image runs the sources, or has them for nothing`);
    // tsconfig.build.json compiles src/ and workers/ under dist/, keeping their paths: src/cli/main.ts becomes dist/src/cli/main.js.
    const tsBuild = readJsonc('tsconfig.build.json');
    const tsBase = readJsonc(tsBuild.extends ?? 'tsconfig.json');
    const opts = { ...tsBase.compilerOptions, ...tsBuild.compilerOptions };
    assert.equal(opts.outDir, 'dist');
    assert.equal(opts.rootDir, '.');
    assert.deepEqual(tsBuild.include, ['src', 'workers']);
    const dist = copiedTo(runtime, at('dist/src/cli/main.js'));
    assert.ok(dist && dist.from === buildStage!.name && dist.source === posix.join(one(buildStage!, 'WORKDIR').args, 'dist'), 'the runtime takes dist/ from the build stage');
    // node_modules from the --omit=dev install: tsx and esbuild are dev-only in the lock, so not in it.
    const nm = copiedTo(runtime, at('node_modules'));
    assert.ok(nm && nm.from === prodStage!.name && nm.source === posix.join(one(prodStage!, 'WORKDIR').args, 'node_modules'), 'node_modules comes from the --omit=dev stage');
    for (const devOnly of ['tsx', 'esbuild', 'typescript']) assert.equal(lock.packages[`node_modules/${devOnly}`]?.dev, true, `${devOnly} is not dev-only in the lock`);
    // node_modules/@shredproof/verify is a link to packages/verify: the runtime has its manifest, its build and its bin there.
    const link = lock.packages['node_modules/@shredproof/verify'];
    assert.deepEqual(link, { resolved: 'packages/verify', link: true });
    const vpkg = copiedTo(runtime, at('packages/verify/package.json'));
    assert.ok(vpkg && !vpkg.from, 'the runtime has packages/verify/package.json');
    const verifyExports = JSON.stringify((JSON.parse(read('packages/verify/package.json')) as Manifest).exports);
    assert.match(verifyExports, /"\.\/dist\/core\/index\.js"/);
    const vdist = copiedTo(runtime, at('packages/verify/dist/core/index.js'));
    assert.ok(vdist && vdist.from === buildStage!.name, 'packages/verify/dist comes from the build stage');
    assert.equal(readJsonc('packages/verify/tsconfig.build.json').compilerOptions?.outDir, 'dist');
    assert.ok(copiedTo(runtime, at('packages/verify/bin/shredproof-verify.js')));
    assert.ok(copiedTo(runtime, at('package.json')), 'package.json: the version, and "type": "module"');
  });

  it('every package that the image runs is a runtime dependency, except tsx and esbuild on the listed sources-only paths', () => {
    // The sources-only regions: each one's guard holds.
    for (const s of SOURCES_ONLY) s.guard(read(s.file));
    for (const { manifest, dirs } of RUNTIME_CODE) {
      const deps = (JSON.parse(read(manifest)) as Manifest).dependencies;
      const files = codeFiles(dirs);
      assert.ok(files.length >= 5, `${dirs.join(', ')}: ${files.length} files`);
      const devLoads: string[] = [];
      let seen = 0;
      for (const f of files) {
        const text = read(f);
        const regions = SOURCES_ONLY.filter((s) => s.file === f);
        for (const name of packagesLoaded(text)) {
          seen++;
          if (!(name in deps)) devLoads.push(`${name} in ${f}`);
        }
        // What runs from the compiled file: the rest of it.
        for (const name of packagesLoaded(cut(text, regions.map((r) => r.opener)))) {
          assert.ok(name in deps, `${f} loads ${name}, which is not in ${manifest} dependencies: the image does not have it`);
        }
      }
      assert.ok(seen >= 2, `the scan of ${dirs.join(', ')} found almost nothing`);
      // Exactly the listed regions load something else: the list is neither short nor stale.
      const listed = [...new Set(SOURCES_ONLY.filter((s) => RUNTIME_CODE.find((r) => r.dirs.some((d) => s.file.startsWith(`${d}/`)))?.manifest === manifest).map((s) => `${s.loads} in ${s.file}`))];
      assert.deepEqual(devLoads.sort(), listed.sort(), `${manifest}: packages loaded outside its dependencies`);
    }
    // None of them is in the image: each is a dev dependency only (the runtime's node_modules is --omit=dev).
    for (const s of SOURCES_ONLY) assert.equal(lock.packages[`node_modules/${s.loads}`]?.dev, true, `${s.loads} is not dev-only`);
  });

  it('runs as uid 10001, not root, with DATA_DIR=/data a volume it owns and HOST=0.0.0.0', () => {
    const user = one(runtime, 'USER').args.split(':')[0]!;
    assert.ok(user !== '0' && user !== 'root', `USER ${user}`);
    assert.equal(user, '10001');
    const run = all(runtime, 'RUN').map((i) => i.args).join(' ');
    assert.match(run, /useradd\b[^&]*--uid 10001/);
    assert.match(run, /chown 10001:10001 [^&]*\/data\b/);
    assert.equal(one(runtime, 'WORKDIR').args, '/app');
    assert.equal(runtimeEnv.DATA_DIR, '/data');
    assert.equal(runtimeEnv.HOST, '0.0.0.0');
    assert.deepEqual(execForm(one(runtime, 'VOLUME').args), ['/data']);
    assert.equal(one(runtime, 'EXPOSE').args, runtimeEnv.PORT);
    // The image's defaults are settings the configuration accepts.
    const c = loadConfig(runtimeEnv);
    assert.equal(c.dataDir, '/data');
    assert.equal(c.http.port, Number(runtimeEnv.PORT));
  });

  it('starts the CLI under tini, serve by default; `serve --help` and `worker --help` work through bin/shredproof.js', async () => {
    const entry = execForm(one(runtime, 'ENTRYPOINT').args);
    assert.equal(entry[0], '/usr/bin/tini');
    assert.match(all(runtime, 'RUN').map((i) => i.args).join(' '), /apt-get install[^&]*\btini\b/);
    const node = entry.indexOf('node');
    assert.deepEqual(entry.slice(node), ['node', 'bin/shredproof.js']);
    assert.deepEqual(execForm(one(runtime, 'CMD').args), ['serve']);
    for (const cmd of ['serve', 'worker']) assert.equal(await runNode(['bin/shredproof.js', cmd, '--help'], process.env), 0, `${cmd} --help`);
  });

  it('has a healthcheck that exits 0 when /healthz answers 200 on $PORT and 1 when it answers 503 or nothing listens', async () => {
    const hc = one(runtime, 'HEALTHCHECK').args;
    const cmd = execForm(hc.slice(hc.indexOf('CMD') + 3).trim());
    assert.equal(cmd[0], 'node', 'the slim image has no curl: node does the request');
    const serve = (status: number) =>
      new Promise<Server>((resolve) => {
        const s = createServer((req, res) => res.writeHead(req.url === '/healthz' ? status : 404).end());
        s.listen(0, '127.0.0.1', () => resolve(s));
      });
    const check = (port: number) => runNode(cmd.slice(1), { ...process.env, PORT: String(port) });
    const up = await serve(200);
    const sick = await serve(503);
    try {
      assert.equal(await check((up.address() as AddressInfo).port), 0);
      assert.equal(await check((sick.address() as AddressInfo).port), 1);
    } finally {
      up.close();
      sick.close();
    }
    const closed = await serve(200);
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    assert.equal(await check(port), 1);
  });
});

const compose = (await parseYaml(read('docker-compose.yml'))) as Compose;

describe('docker-compose.yml', () => {
  const { redis, serve, worker } = compose.services;

  it('has redis, serve and worker services', () => {
    assert.ok(redis && serve && worker, `services: ${Object.keys(compose.services).join(', ')}`);
  });

  it('runs Redis 7 with AOF fsynced on every write and no eviction, on a volume, with a healthcheck', () => {
    assert.match(redis!.image ?? '', /^redis:7(\b|$)/);
    const cmd = words(redis!.command).join(' ');
    for (const flag of ['--appendonly yes', '--appendfsync always', '--maxmemory-policy noeviction']) assert.ok(cmd.includes(flag), `redis command lacks ${flag}: ${cmd}`);
    assert.ok(mounts(redis!).some((m) => m.target === '/data' && compose.volumes && m.source in compose.volumes), 'Redis data on a named volume');
    assert.ok(redis!.healthcheck?.test, 'a Redis healthcheck, for depends_on');
  });

  it('gives every container a read-only root, no capabilities, no-new-privileges and a user that is not root', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      assert.equal(s.read_only, true, `${name}: read_only`);
      assert.deepEqual(s.cap_drop, ['ALL'], `${name}: cap_drop`);
      assert.equal(s.cap_add, undefined, `${name}: cap_add`);
      assert.notEqual(s.privileged, true, `${name}: privileged`);
      assert.ok(s.security_opt?.includes('no-new-privileges:true'), `${name}: security_opt`);
      // serve and the workers run as the image's USER (10001); redis as its own user 999,
      // so that its entrypoint neither chowns nor calls gosu (both need the dropped capabilities).
      const user = s.user ?? (s.build || s.image === serve!.image ? one(runtime, 'USER').args : 'root');
      assert.doesNotMatch(user, /^(0|root)(:|$)/, `${name} runs as root`);
    }
    assert.equal(redis!.user, '999:999');
    // Where serve and the workers write besides their volumes: /tmp, in memory.
    for (const s of [serve!, worker!]) assert.ok(tmpfsTargets(s).includes('/tmp'), 'a tmpfs on /tmp');
  });

  it('runs one `serve --no-worker` and two `worker`s of the same image, with commands the CLI has', () => {
    assert.deepEqual(words(serve!.command), ['serve', '--no-worker']);
    assert.deepEqual(words(worker!.command), ['worker']);
    assert.equal(serve!.deploy?.replicas ?? 1, 1, 'one coordinator: it owns the ledger');
    assert.equal(worker!.deploy?.replicas, 2);
    assert.ok(serve!.build, 'serve builds the image');
    assert.equal(worker!.image, serve!.image);
    checkCommandLine(words(serve!.command));
    checkCommandLine(words(worker!.command));
  });

  it('waits for a healthy Redis, restarts on failure; serve keeps the image healthcheck, workers have their own', () => {
    for (const [name, s] of [['serve', serve!], ['worker', worker!]] as const) {
      assert.equal(s.depends_on?.redis?.condition, 'service_healthy', `${name} depends_on redis`);
      assert.match(s.restart ?? '', /^(always|unless-stopped|on-failure)/, `${name} restart policy`);
    }
    assert.match(redis!.restart ?? '', /^(always|unless-stopped|on-failure)/);
    assert.equal(serve!.healthcheck, undefined, 'serve: the image /healthz check');
    assert.notEqual(worker!.healthcheck?.disable, true);
    assert.ok(worker!.healthcheck?.test, 'a worker healthcheck');
  });

  it("checks a worker by its heartbeat file: healthy while fresh (one missed beat allowed), unhealthy when stale, missing or unnamed", async () => {
    const test = worker!.healthcheck!.test as string[];
    assert.ok(Array.isArray(test) && test[0] === 'CMD' && test[1] === 'node', `healthcheck ${JSON.stringify(test)}: exec form, node (no curl in the image)`);
    // A single $ would be compose interpolation; the script reads the variable itself.
    assert.doesNotMatch(test.join(' '), /\$/);
    const file = heartbeatFileFromEnv(envMap(worker!));
    assert.ok(file, `the worker sets ${HEARTBEAT_FILE_ENV}`);
    assert.ok(tmpfsTargets(worker!).some((t) => file.startsWith(`${t}/`)), `${file} is on a tmpfs of the worker (the root is read-only)`);
    assert.ok(!(HEARTBEAT_FILE_ENV in envMap(serve!)), 'serve writes no heartbeat');
    const dir = mkdtempSync(join(tmpdir(), 'sp-heartbeat-'));
    try {
      const f = join(dir, 'worker.alive');
      const check = (env: NodeJS.ProcessEnv) => runNode(test.slice(2), env);
      const withFile = { ...process.env, [HEARTBEAT_FILE_ENV]: f };
      const aged = (ms: number) => {
        const t = (Date.now() - ms) / 1000;
        utimesSync(f, t, t);
      };
      writeFileSync(f, `${new Date().toISOString()}\n`);
      assert.equal(await check(withFile), 0, 'fresh');
      aged(2 * HEARTBEAT_INTERVAL_MS + 1000);
      assert.equal(await check(withFile), 0, 'one beat missed');
      aged(HEARTBEAT_MAX_AGE_MS - 3000);
      assert.equal(await check(withFile), 0, 'just under the max age');
      aged(HEARTBEAT_MAX_AGE_MS + 3000);
      assert.equal(await check(withFile), 1, 'stale');
      rmSync(f);
      assert.equal(await check(withFile), 1, 'missing');
      const unnamed = { ...process.env };
      delete unnamed[HEARTBEAT_FILE_ENV];
      assert.equal(await check(unnamed), 1, 'variable unset');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // A slow start (Redis awaited) is not a failure yet.
    assert.ok(worker!.healthcheck?.start_period, 'a start_period');
  });

  it('configures serve with settings the configuration accepts, and matching ports and volumes', () => {
    const env = envMap(serve!);
    const c = loadConfig({ ...runtimeEnv, ...env });
    assert.equal(new URL(c.queue.redisUrl).hostname, 'redis', 'REDIS_URL names the redis service');
    assert.ok(serve!.ports?.some((p) => p.split(':').pop() === String(c.http.port)), `a published port maps to PORT ${c.http.port}`);
    assert.equal(c.http.host, '0.0.0.0');
    const m = mounts(serve!);
    const named = (target: string) => m.find((x) => x.target === target && compose.volumes && x.source in compose.volumes);
    assert.ok(named(c.dataDir), `DATA_DIR ${c.dataDir} is on a named volume`);
    assert.ok(named(dirname(c.keyPath)), `the signing key's directory ${dirname(c.keyPath)} is on a named volume`);
    assert.ok(m.some((x) => x.target === c.backendsFile && x.ro), `the backends file ${c.backendsFile} is mounted read-only`);
  });

  it('gives workers the backends file and the stores, never the ledger or the signing key', () => {
    const env = envMap(worker!);
    const serveEnv = { ...runtimeEnv, ...envMap(serve!) };
    for (const k of ['SHREDPROOF_KEY', 'SHREDPROOF_KEY_PASSPHRASE', 'DATA_DIR']) assert.ok(!(k in env), `worker sets ${k}`);
    const wm = mounts(worker!);
    const sm = mounts(serve!);
    for (const secret of [serveEnv.DATA_DIR!, dirname(serveEnv.SHREDPROOF_KEY!)]) {
      const source = sm.find((x) => x.target === secret)!.source;
      assert.ok(!wm.some((x) => x.source === source || x.target === secret), `a worker mounts ${source} (${secret})`);
    }
    const c = loadConfig({ ...runtimeEnv, ...env });
    assert.ok(wm.some((x) => x.target === c.backendsFile), 'workers read the same backends file');
    // Every store the coordinator sees, the workers see at the same path (the coordinator read-only).
    for (const s of sm.filter((x) => !['data', 'keys', 'queue-key'].includes(x.source) && x.target !== c.backendsFile)) {
      assert.ok(s.ro, `serve mounts the store ${s.target} read-only: it only lists`);
      assert.ok(wm.some((w) => w.source === s.source && w.target === s.target), `workers do not mount the store ${s.source} at ${s.target}`);
    }
  });

  it('shares the queue key with the workers read-only, and gives Redis a required password that every REDIS_URL carries', () => {
    const serveKey = loadConfig({ ...runtimeEnv, ...envMap(serve!) }).queueKeyPath;
    const workerKey = loadConfig({ ...runtimeEnv, ...envMap(worker!) }).queueKeyPath;
    assert.equal(workerKey, serveKey, 'serve and the workers name the same queue key file');
    const sm = mounts(serve!).find((x) => x.target === dirname(serveKey));
    const wm = mounts(worker!).find((x) => x.target === dirname(workerKey));
    assert.ok(sm && !sm.ro && compose.volumes && sm.source in compose.volumes, 'serve writes the queue key on a named volume');
    assert.ok(wm && wm.ro && wm.source === sm.source, 'workers mount the same volume read-only');
    assert.match(words(redis!.command).join(' '), /--requirepass \$\{SHREDPROOF_REDIS_PASSWORD:\?/);
    for (const s of [serve!, worker!]) assert.equal(envMap(s).REDIS_URL, 'redis://:${SHREDPROOF_REDIS_PASSWORD}@redis:6379');
  });

  it('gives serve the issuer name it requires, from .env, and refuses to start without it (no default name)', () => {
    const issuer = envMap(serve!).SHREDPROOF_ISSUER;
    assert.match(issuer ?? '', /^\$\{SHREDPROOF_ISSUER:\?[^}]+\}$/, 'serve takes SHREDPROOF_ISSUER from .env, required');
    assert.equal(requireIssuer(loadConfig({ ...runtimeEnv, ...envMap(serve!) })), issuer);
    // The image alone names no issuer: a serve started without one refuses, saying what to set.
    assert.throws(() => requireIssuer(loadConfig(runtimeEnv)), /SHREDPROOF_ISSUER is not set/);
  });

  it('sets only environment variables that shredproof reads', () => {
    const configSource = read('src/config/config.ts');
    // The configuration's schema, and the worker's heartbeat file (src/adapters/queue/worker-liveness.ts, read by workers/main.ts).
    const reads = (k: string) => configSource.includes(`  ${k}: z.`) || (k === HEARTBEAT_FILE_ENV && read('src/adapters/queue/worker-liveness.ts').includes(`env.${k}`));
    for (const [name, s] of [['serve', serve!], ['worker', worker!]] as const) {
      for (const k of Object.keys(envMap(s))) assert.ok(reads(k), `${name} sets ${k}, which shredproof does not read`);
    }
  });

  it('declares every named volume it uses', () => {
    for (const s of Object.values(compose.services)) {
      for (const m of mounts(s)) if (!/^[.$/~]/.test(m.source)) assert.ok(compose.volumes && m.source in compose.volumes, `volume ${m.source} is not declared`);
    }
  });
});

describe('docs/DOCKER.md', () => {
  const doc = read('docs/DOCKER.md');

  it('says plainly that the files were neither built nor run here', () => {
    assert.match(doc, /\*\*Untested here\.\*\*/);
    assert.match(doc, /no container engine/);
  });

  it('gives the pinned digest, says it was not verified here, and how to refresh it in the one ARG', () => {
    const digest = (docker.args.NODE_IMAGE ?? '').split('@')[1] ?? 'none';
    assert.ok(doc.includes(digest), `docs/DOCKER.md does not show the Dockerfile's digest ${digest}`);
    assert.match(doc, /not been pulled or verified/);
    assert.match(doc, /docker buildx imagetools inspect node:24-bookworm-slim/);
    assert.match(doc, /`ARG NODE_IMAGE`/);
    assert.doesNotMatch(doc, /run through tsx/, 'the image runs the compiled code');
    assert.match(doc, new RegExp(HEARTBEAT_FILE_ENV));
  });

  it('uses only command lines the CLI accepts, and keygen writes where SHREDPROOF_KEY points', () => {
    const lines = [...doc.matchAll(/docker compose (?:run --rm serve|exec serve node bin\/shredproof\.js) ([^\n`]+)/g)].map((m) => m[1]!.trim().split(/\s+/));
    assert.ok(lines.length >= 3, 'the keygen and token commands are in the document');
    for (const argv of lines) checkCommandLine(argv);
    const keygen = lines.find((l) => l[0] === 'keygen')!;
    const dir = keygen[keygen.indexOf('--dir') + 1];
    assert.equal(dir, dirname({ ...runtimeEnv, ...envMap(compose.services.serve!) }.SHREDPROOF_KEY!));
    assert.ok(lines.some((l) => l[0] === 'token' && l[1] === 'create' && l.includes('admin')), 'the first admin token');
  });

  it('has step 0 write the Redis password and the issuer name that the compose file requires to .env', () => {
    const step = /^0\. [\s\S]*?```sh\n([\s\S]*?)```/m.exec(doc);
    assert.ok(step, 'step 0 and its commands');
    const dir = mkdtempSync(join(tmpdir(), 'sp-dotenv-'));
    try {
      const r = spawnSync('bash', ['-euc', step[1]!], { cwd: dir, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const env = Object.fromEntries(readFileSync(join(dir, '.env'), 'utf8').trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
      assert.match(env.SHREDPROOF_REDIS_PASSWORD ?? '', /^[0-9a-f]{64}$/);
      assert.ok((env.SHREDPROOF_ISSUER ?? '').trim().length > 0, `.env: ${JSON.stringify(env)}`);
      // Every variable the compose file requires (${VAR:?...}) is in .env.
      for (const m of read('docker-compose.yml').matchAll(/\$\{(\w+):\?/g)) assert.ok(m[1]! in env, `${m[1]} is required by docker-compose.yml but step 0 does not set it`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shows a backends file that the configuration accepts, whose filesystem roots the compose file mounts', () => {
    const m = /<!-- docker-backends -->\s*```json\n([\s\S]*?)\n\s*```/.exec(doc);
    assert.ok(m, 'the <!-- docker-backends --> json block');
    const backends = parseBackendsConfig(JSON.parse(m[1]!));
    for (const b of Object.values(backends)) {
      if (b.kind !== 'filesystem') continue;
      for (const s of ['serve', 'worker']) assert.ok(mounts(compose.services[s]!).some((x) => x.target === b.root), `${s} does not mount ${b.root}`);
    }
  });
});
