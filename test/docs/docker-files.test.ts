// The Dockerfile and docker-compose.yml cannot be built or run here (no
// container engine on this machine), so everything about them that can be
// checked without one is checked here: what the image copies exists and gets
// into the build context; the runtime stage gets every package the code
// imports (installed with --omit=dev, so a runtime import of a dev dependency
// would crash the container at start); the user is not root; the entrypoint,
// the commands, flags and environment variables that the files and
// docs/DOCKER.md use are ones the CLI and the configuration know; Redis runs
// with the durability flags; workers never see the ledger or the key; the
// healthcheck command really tells a live server from a dead one.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { builtinModules } from 'node:module';
import { dirname, join, posix } from 'node:path';
import { describe, it } from 'node:test';
import type { Command } from 'commander';
import { requireIssuer } from '../../src/app/compose.js';
import { buildProgram } from '../../src/cli/main.js';
import { parseBackendsConfig } from '../../src/config/backends-config.js';
import { loadConfig } from '../../src/config/config.js';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
const pkg = JSON.parse(read('package.json')) as {
  engines: { node: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  allowScripts: Record<string, boolean>;
};

// ---------- Dockerfile ----------

interface Instruction {
  op: string;
  args: string;
  line: number;
}
interface Stage {
  name: string;
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
      const [k, v = ''] = ins.args.split('=');
      args[k!] = v;
    } else if (ins.op === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      assert.ok(m, `FROM ${ins.args}`);
      const base = m[1]!.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string, b: string) => args[a ?? b] ?? '');
      stages.push({ name: m[2] ?? String(stages.length), base, body: [] });
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
/** COPY sources and destination, with --from and --chown separated. */
function copyOf(i: Instruction): { from?: string; sources: string[]; dest: string } {
  const words = i.args.trim().startsWith('[') ? execForm(i.args) : i.args.split(/\s+/);
  const flags = words.filter((w) => w.startsWith('--'));
  const paths = words.filter((w) => !w.startsWith('--'));
  const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
  return { ...(from ? { from } : {}), sources: paths.slice(0, -1), dest: paths[paths.length - 1]! };
}

const docker = parseDockerfile(read('Dockerfile'));
const runtime = docker.stages[docker.stages.length - 1]!;
const runtimeEnv = envOf(runtime);

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

/** Package names that files under bin/, src/ and workers/ load at runtime (type-only imports are erased by tsx). */
function runtimeImports(): Map<string, string> {
  const found = new Map<string, string>();
  const dirs = ['bin', 'src', 'workers'];
  for (const d of dirs) {
    for (const f of filesUnder(d)) {
      if (!/\.(ts|mts|js|mjs|cjs)$/.test(f)) continue;
      const text = read(f).replace(/(?:import|export)\s+type\s+[^;]*?from\s*['"][^'"]+['"]/g, '');
      const specs = [
        ...text.matchAll(/^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/gm),
        ...text.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g),
        ...text.matchAll(/\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g),
        ...text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm),
      ].map((m) => m[1]!);
      for (const s of specs) {
        if (!/^(@[\w.-]+\/)?[\w.-]+(\/[\w./-]*)?$/.test(s)) continue; // not a module specifier (text in a string)
        if (s.startsWith('.') || s.startsWith('/') || s.startsWith('node:') || BUILTINS.has(s.split('/')[0]!)) continue;
        const name = s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!;
        if (!found.has(name)) found.set(name, f);
      }
    }
  }
  return found;
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
  healthcheck?: { test?: unknown; disable?: boolean };
  restart?: string;
  deploy?: { replicas?: number };
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
  it('builds on node:20-bookworm-slim in two stages, the Node major that package.json engines asks for', () => {
    assert.ok(docker.stages.length >= 2, 'a build stage and a runtime stage');
    for (const s of docker.stages) assert.match(s.base, /^node:20-bookworm-slim$/, `stage ${s.name} is FROM ${s.base}`);
    assert.match(pkg.engines.node, /^>=20\./);
  });

  it('copies from the build context only files that exist and that .dockerignore lets through', () => {
    const copied = docker.stages.flatMap((s) => all(s, 'COPY').concat(all(s, 'ADD')).map(copyOf)).filter((c) => !c.from);
    assert.ok(copied.length >= 3, 'COPY instructions found');
    for (const c of copied) {
      for (const src of c.sources) {
        assert.ok(existsSync(join(ROOT, src)), `COPY ${src}: no such file in the repository`);
        for (const f of filesUnder(src)) assert.ok(!ignored(f), `COPY ${src}: ${f} is excluded by .dockerignore`);
      }
    }
    for (const f of ['src/cli/main.ts', 'workers/main.ts', 'bin/shredproof.js']) assert.ok(copied.some((c) => c.sources.some((s) => f === s || f.startsWith(s.replace(/\/?$/, '/')))), `${f} is not copied`);
  });

  it('keeps keys, ledgers, .git, node_modules and local files out of the build context', () => {
    for (const p of ['keys/signing-key.pem', 'data/ledger.sqlite', '.git/config', 'node_modules/tsx/package.json', 'backends.json', 'scratch/x.ts', 'test/http/api-flow.test.ts', '.env']) {
      assert.ok(ignored(p), `${p} would be sent to the builder`);
    }
  });

  it('installs runtime dependencies only, as locked, running install scripts only for the packages allowScripts allows', () => {
    const build = docker.stages[0]!;
    const run = all(build, 'RUN').map((i) => i.args).join(' && ');
    assert.match(run, /npm ci\b[^&]*--omit=dev/);
    assert.match(run, /npm ci\b[^&]*--ignore-scripts/);
    const rebuilt = /npm rebuild ([^&]+)/.exec(run)?.[1]!.trim().split(/\s+/) ?? [];
    const allowed = Object.entries(pkg.allowScripts).filter(([, ok]) => ok).map(([name]) => name);
    assert.deepEqual([...rebuilt].sort(), [...allowed].sort());
    for (const [name, ok] of Object.entries(pkg.allowScripts)) if (!ok) assert.ok(!run.includes(name), `${name} is denied in allowScripts but appears in the build`);
    assert.ok(all(build, 'COPY').some((i) => /package-lock\.json/.test(i.args)), 'npm ci needs package-lock.json');
    // The runtime stage takes node_modules from the build stage's WORKDIR.
    const workdir = one(build, 'WORKDIR').args;
    const nm = all(runtime, 'COPY').map(copyOf).find((c) => c.from === build.name);
    assert.ok(nm, `the runtime stage copies from ${build.name}`);
    assert.deepEqual(nm.sources, [posix.join(workdir, 'node_modules')]);
    assert.equal(posix.resolve(one(runtime, 'WORKDIR').args, nm.dest), '/app/node_modules');
  });

  it('every package that bin/, src/ and workers/ import is a runtime dependency (npm ci --omit=dev leaves out the rest)', () => {
    const used = runtimeImports();
    // The scan must see the two that matter most to an image without a build step.
    assert.ok(used.has('tsx') && used.has('esbuild') && used.size >= 10, `import scan found only ${[...used.keys()].join(', ')}`);
    for (const [name, where] of used) {
      assert.ok(!(name in pkg.devDependencies) || name in pkg.dependencies, `${where} imports ${name}, a devDependency: the image does not have it`);
      assert.ok(name in pkg.dependencies, `${where} imports ${name}, which is not in package.json dependencies`);
    }
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

  it('runs one `serve --no-worker` and two `worker`s of the same image, with commands the CLI has', () => {
    assert.deepEqual(words(serve!.command), ['serve', '--no-worker']);
    assert.deepEqual(words(worker!.command), ['worker']);
    assert.equal((serve as { deploy?: { replicas?: number } }).deploy?.replicas ?? 1, 1, 'one coordinator: it owns the ledger');
    assert.equal(worker!.deploy?.replicas, 2);
    assert.ok(serve!.build, 'serve builds the image');
    assert.equal(worker!.image, serve!.image);
    checkCommandLine(words(serve!.command));
    checkCommandLine(words(worker!.command));
  });

  it('waits for a healthy Redis, restarts on failure, and disables the HTTP healthcheck for workers only', () => {
    for (const [name, s] of [['serve', serve!], ['worker', worker!]] as const) {
      assert.equal(s.depends_on?.redis?.condition, 'service_healthy', `${name} depends_on redis`);
      assert.match(s.restart ?? '', /^(always|unless-stopped|on-failure)/, `${name} restart policy`);
    }
    assert.match(redis!.restart ?? '', /^(always|unless-stopped|on-failure)/);
    assert.equal(worker!.healthcheck?.disable, true);
    assert.notEqual(serve!.healthcheck?.disable, true);
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
    for (const [name, s] of [['serve', serve!], ['worker', worker!]] as const) {
      for (const k of Object.keys(envMap(s))) assert.ok(configSource.includes(`  ${k}: z.`), `${name} sets ${k}, which src/config/config.ts does not read`);
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
