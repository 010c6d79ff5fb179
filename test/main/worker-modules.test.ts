// What a `shredproof worker` process loads (issue 13): a real worker, started
// through bin/shredproof.js as users run it, loads nothing of the ledger
// (better-sqlite3), the signing key, HTTP (express) or the verifier page's
// builder (esbuild): it never uses them, and they cost it memory.
//
// A preload (NODE_OPTIONS=--import) writes down every module the process's
// main thread loads, with the module that loaded it: each import through a
// module resolve hook, each require() through CommonJS's loader. A forbidden
// module loaded by anything is a failure, but for one that exists only in a
// checkout: tsx, which compiles the TypeScript there, imports esbuild for
// itself. An installed worker runs dist/, without tsx, and has no esbuild at
// all (test/packaging/build.test.ts removes it).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { loadQueueAuth } from '../../src/adapters/queue/queue-key.js';
import { kill, type Proc, sleep, spawnShredproof, withTimeout } from '../helpers/procs.js';
import { ROOT, spawnCli } from '../helpers/run-cli.js';
import { dropPrefix, freshPrefix, REDIS_URL, requireRedis } from '../helpers/services.js';

/** What a worker must not load: the ledger, the signing key, HTTP and the page builder, and their packages. */
const FORBIDDEN = [
  'node_modules/better-sqlite3/',
  'node_modules/express/',
  'node_modules/esbuild/',
  'src/adapters/ledger/',
  'src/adapters/keys/',
  'src/http/',
  'src/verifier-page/',
];

// The recorder: one file, loaded as the preload (main thread) and again as the hooks module (the loader's thread).
const RECORDER = `
import { appendFileSync } from 'node:fs';
import { createRequire, isBuiltin, register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';
let out = process.env.SP_TEST_IMPORTS_FILE;
const note = (importer, module) => appendFileSync(out, JSON.stringify([importer, module]) + '\\n');
export function initialize(data) { out = data.out; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  note(context.parentURL ?? null, resolved.url);
  return resolved;
}
if (isMainThread && out) {
  register(import.meta.url, { data: { out } });
  // require() calls: those with a parent module (an import of CommonJS comes here without one, and is resolved above).
  const Module = createRequire(import.meta.url)('node:module');
  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    const loaded = load.apply(this, arguments);
    if (parent?.filename) {
      const module = isBuiltin(request) ? 'node:' + request.replace(/^node:/, '') : pathToFileURL(Module._resolveFilename(request, parent, isMain)).href;
      note(pathToFileURL(parent.filename).href, module);
    }
    return loaded;
  };
}
`;

/** tsx's own import of esbuild, in a checkout (see the top of this file). */
const TSX_OWN = /^node_modules\/tsx\/.* -> node_modules\/esbuild\//;

const dir = mkdtempSync(join(tmpdir(), 'sp-worker-modules-'));
const recorder = join(dir, 'record-imports.mjs');
const prefix = freshPrefix();
const procs: Proc[] = [];
after(async () => {
  for (const p of procs) await kill(p);
  await dropPrefix(prefix).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

before(async () => {
  await requireRedis();
  writeFileSync(recorder, RECORDER);
  writeFileSync(join(dir, 'backends.json'), JSON.stringify({ backends: { photos: { kind: 'filesystem', root: dir } } }));
  loadQueueAuth(join(dir, 'data', 'queue.key'), { create: true }); // what serve makes on its first start; a worker needs it
});

interface Import {
  importer: string;
  module: string;
}

/** The imports written down, as paths relative to the checkout where they are files in it, and packages as node_modules/<name>/... */
function readImports(file: string): Import[] {
  const rel = (url: string | null) => {
    if (url === null) return '(entry)';
    if (!url.startsWith('file:')) return url;
    const path = fileURLToPath(url.replace(/\?.*$/, ''));
    // A package by its own folder, wherever node_modules resolves to (a linked one lies outside the checkout).
    const nm = path.lastIndexOf('/node_modules/');
    if (nm >= 0) return path.slice(nm + 1);
    return path.startsWith(ROOT) ? path.slice(ROOT.length).replace(/^\//, '') : path;
  };
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [importer, module] = JSON.parse(line) as [string | null, string];
      return { importer: rel(importer), module: rel(module) };
    });
}

/** Loads of a forbidden module, as "importer -> module". */
function forbiddenImports(imports: Import[]): string[] {
  return imports
    .filter((i) => FORBIDDEN.some((f) => i.module.startsWith(f)))
    .map((i) => `${i.importer} -> ${i.module}`)
    .filter((line) => !TSX_OWN.test(line));
}

const recording = (file: string) => ({ NODE_OPTIONS: `--import ${pathToFileURL(recorder).href}`, SP_TEST_IMPORTS_FILE: file });

describe('a shredproof worker process', () => {
  it('loads neither the ledger (better-sqlite3), the signing key, HTTP (express) nor the page builder (esbuild)', async () => {
    const file = join(dir, 'worker-imports.ndjson');
    const p = spawnShredproof(['worker'], {
      ...recording(file),
      REDIS_URL,
      DATA_DIR: join(dir, 'data'),
      SHREDPROOF_BACKENDS: join(dir, 'backends.json'),
      SHREDPROOF_PREFIX: prefix,
      LOG_LEVEL: 'info',
    });
    procs.push(p);
    await withTimeout(
      (async () => {
        while (!/shredproof worker started/.test(p.output())) {
          if (p.child.exitCode !== null) throw new Error(`the worker exited ${p.child.exitCode}:\n${p.output()}`);
          await sleep(100);
        }
      })(),
      60_000,
      () => `the worker did not start:\n${p.output()}`,
    );
    await sleep(500); // idle: whatever start-up loads late is loaded by now
    p.child.kill('SIGTERM');
    assert.equal(await withTimeout(p.exited, 30_000, () => `the worker did not stop:\n${p.output()}`), 0, p.output());

    const imports = readImports(file);
    const modules = new Set(imports.map((i) => i.module));
    // The recording saw the worker itself: its entry, its composition root, and BullMQ (a CommonJS package).
    for (const m of ['workers/main.ts', 'src/main/worker.ts', 'src/adapters/queue/bullmq-worker.ts']) assert.ok(modules.has(m), `${m} is not among the ${modules.size} modules recorded`);
    assert.ok([...modules].some((m) => m.startsWith('node_modules/bullmq/')), 'bullmq is not among the modules recorded');
    // ... and what CommonJS packages require() (bullmq's build requires tslib).
    assert.ok(imports.some((i) => i.importer.startsWith('node_modules/bullmq/') && i.module === 'node_modules/tslib/tslib.js'), 'no require() recorded');
    assert.deepEqual(forbiddenImports(imports), []);
  });

  it('the check sees a forbidden module that a process does load (token create opens the ledger)', () => {
    const file = join(dir, 'token-imports.ndjson');
    const r = spawnCli(['token', 'create', '--role', 'admin', '--name', 'alice', '--data-dir', join(dir, 'token-data')], { env: recording(file) });
    assert.equal(r.code, 0, r.stderr);
    const found = forbiddenImports(readImports(file));
    assert.ok(found.some((f) => f.endsWith('-> node_modules/better-sqlite3/lib/index.js')), found.join('\n'));
    assert.ok(found.some((f) => / -> src\/adapters\/ledger\/sqlite\/sqlite-ledger\.ts$/.test(f)), found.join('\n'));
  });
});
