// Facts the README and the docs state about the code stay true (issue 12,
// "Docs that match"): every environment variable the code reads is in the
// README's list, and nothing else is; each backend kind's scope and hold
// shapes in the README's table are what its validator accepts; every line
// count stated for a Python checker is its `wc -l`; the walkthrough stops the
// server by process id, never with a job spec; examples/README.md points at
// no issue; and the quick start is two commands.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { FieldProblem } from '../../packages/verify/src/core/errors.js';
import * as fsScope from '../../src/adapters/storage/filesystem/scope.js';
import * as redisScope from '../../src/adapters/storage/redis/scope.js';
import * as s3Scope from '../../src/adapters/storage/s3/scope.js';
import { holdShapeProblems, scopeShapeProblems } from '../../src/adapters/storage/sql/filter-model.js';
import { BackendConfigSchema } from '../../src/config/backends-config.js';
import { ROOT } from '../helpers/run-cli.js';

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const README = read('README.md');

/** The text between `<!-- NAME:start -->` and `<!-- NAME:end -->` of a document. */
function region(doc: string, name: string, file = 'README.md'): string {
  const start = doc.indexOf(`<!-- ${name}:start -->`);
  const end = doc.indexOf(`<!-- ${name}:end -->`);
  assert.ok(start >= 0 && end > start, `${file} has <!-- ${name}:start --> ... <!-- ${name}:end -->`);
  return doc.slice(start, end);
}

/** Every .ts file under a folder of the repository, with its text. */
function sources(dir: string): Array<[string, string]> {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => [join(dir, f), read(join(dir, f))]);
}

/** Names of environment variables that the code in src/ and workers/ reads, with a file that reads each. */
function variablesRead(): Map<string, string> {
  const found = new Map<string, string>();
  for (const [file, text] of [...sources('src'), ...sources('workers')]) {
    const add = (name: string) => found.has(name) || found.set(name, file);
    // process.env.NAME, env.NAME, env?.NAME
    for (const m of text.matchAll(/\benv\??\.([A-Z][A-Z0-9_]*)\b/g)) add(m[1]!);
    // env['NAME'], process.env["NAME"]
    for (const m of text.matchAll(/\benv\[\s*(['"`])([A-Z][A-Z0-9_]*)\1\s*\]/g)) add(m[2]!);
    // const { NAME, OTHER: x } = process.env
    for (const m of text.matchAll(/\{([^{}]*)\}\s*=\s*(?:process\.)?env\b/g)) for (const n of m[1]!.matchAll(/\b([A-Z][A-Z0-9_]*)\b/g)) add(n[1]!);
  }
  // loadConfig hands the whole environment to one zod schema: its keys are the variables it reads.
  const config = read('src/config/config.ts');
  const schema = /const Env = z\.object\(\{([\s\S]*?)\n\}\);/.exec(config);
  assert.ok(schema, 'the Env schema of src/config/config.ts was not found');
  for (const m of schema[1]!.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)) if (!found.has(m[1]!)) found.set(m[1]!, 'src/config/config.ts');
  // Variables whose NAME comes from configuration (urlEnv, accessKeyIdEnv,
  // --passphrase-env) are the operator's own and are read as env[config.x]:
  // no literal name, so nothing is found for them here, rightly.
  return found;
}

// Read by the code, and rightly not in the README's list:
const NOT_FOR_USERS: Record<string, string> = {
  // Test-only fault injection: a worker started with it SIGKILLs itself (workers/main.ts).
  SHREDPROOF_FAULT: 'workers/main.ts',
  // The AWS SDK's own switch; src/adapters/storage/registry.ts only gives it a default.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'src/adapters/storage/registry.ts',
};

describe('README: the environment list', () => {
  const readByCode = variablesRead();
  const listed = new Set([...region(README, 'env').matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!));

  it('names every variable the code reads, except the commented few not meant for users', () => {
    // The patterns above still match the code: these are read in three different ways.
    for (const n of ['SHREDPROOF_LOCK_MS', 'SHREDPROOF_TOKEN', 'LOG_LEVEL', 'SHREDPROOF_FAULT']) assert.ok(readByCode.has(n), `the scan no longer finds ${n}`);
    const missing = [...readByCode].filter(([n]) => !listed.has(n) && !(n in NOT_FOR_USERS)).map(([n, f]) => `${n} (read in ${f})`);
    assert.deepEqual(missing, [], 'not in the README between <!-- env:start --> and <!-- env:end -->');
  });

  it('names nothing the code does not read, and each exception is still read where its comment says', () => {
    assert.deepEqual([...listed].filter((n) => !readByCode.has(n)), []);
    for (const [n, file] of Object.entries(NOT_FOR_USERS)) assert.equal(readByCode.get(n), file, `${n} is in NOT_FOR_USERS`);
    for (const n of Object.keys(NOT_FOR_USERS)) assert.ok(!listed.has(n), `${n} is for tests or another library, not for the README`);
  });
});

type Check = (value: unknown) => FieldProblem[];
// Each kind's validators of a scope and of the holds of one target.
const VALIDATORS: Record<string, { scope: Check; holds: Check }> = {
  filesystem: { scope: (v) => fsScope.scopeProblems(v), holds: (v) => fsScope.holdProblems(v) },
  s3: { scope: (v) => s3Scope.scopeProblems(v), holds: (v) => s3Scope.holdProblems(v) },
  redis: { scope: (v) => redisScope.scopeProblems(v), holds: (v) => redisScope.holdProblems(v) },
  postgres: { scope: (v) => scopeShapeProblems(v), holds: (v) => holdShapeProblems(v) },
  mariadb: { scope: (v) => scopeShapeProblems(v), holds: (v) => holdShapeProblems(v) },
  sqlite: { scope: (v) => scopeShapeProblems(v), holds: (v) => holdShapeProblems(v) },
};

/** The keys of the first `{...}` of a cell, at its top level: `{a: [{b}], c?}` gives a (required) and c (optional). */
function shapeKeys(cell: string): Array<{ key: string; optional: boolean }> {
  const open = cell.indexOf('{');
  assert.ok(open >= 0, `no {...} shape in: ${cell}`);
  const parts = [''];
  let depth = 0;
  for (const c of cell.slice(open)) {
    if (c === '{' || c === '[') depth++;
    if (c === '}' || c === ']') depth--;
    if (depth === 0) break;
    if (depth === 1 && c === ',') parts.push('');
    else if (depth > 1 || c !== '{') parts[parts.length - 1] += c;
  }
  assert.equal(depth, 0, `unbalanced shape in: ${cell}`);
  return parts.map((p) => {
    const m = /^\s*([A-Za-z]+)(\??)(:|$)/.exec(p);
    assert.ok(m, `not a key in ${cell}: ${p}`);
    return { key: m[1]!, optional: m[2] === '?' };
  });
}

/** Problems about which keys are there (unknown, missing), not about their values. */
function keyProblems(problems: FieldProblem[]): string[] {
  return problems.filter((p) => p.problem === 'unknown key' || p.problem.startsWith('is required')).map((p) => `${p.path}: ${p.problem}`);
}

describe('README: the backend kinds table', () => {
  const rows = region(README, 'backend-kinds').split('\n').filter((l) => l.startsWith('|')).slice(2).map((l) => l.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim()));
  const byKind = new Map(rows.map((r) => [/^`([a-z0-9]+)`$/.exec(r[0]!)?.[1] ?? r[0]!, r]));
  /** A cell, with `as \`other\`` resolved to that kind's cell. */
  const cell = (kind: string, column: number): string => {
    const text = byKind.get(kind)![column]!;
    const as = /^as `([a-z0-9]+)`$/.exec(text);
    return as ? cell(as[1]!, column) : text;
  };

  it('has one row for every kind of backend the configuration accepts', () => {
    const kinds = BackendConfigSchema.options.map((o) => String(o.shape.kind.value));
    assert.deepEqual([...byKind.keys()].sort(), [...kinds].sort());
    for (const k of kinds) assert.ok(VALIDATORS[k], `this test knows no validator of kind ${k}`);
  });

  for (const kind of Object.keys(VALIDATORS)) {
    it(`${kind}: the scope and the hold \`match\` have the keys its validators accept`, () => {
      assert.ok(byKind.has(kind), `no row for ${kind}`);
      const scope = shapeKeys(cell(kind, 2));
      const hold = shapeKeys(cell(kind, 3));
      const object = (keys: typeof scope, all: boolean) => Object.fromEntries(keys.filter((k) => all || !k.optional).map((k) => [k.key, []]));
      const asHold = (match: object) => [{ id: 'h-1', reason: 'a hold', target: 't', match }];
      // Every key named is accepted; the ones not marked `?` are enough.
      assert.deepEqual(keyProblems(VALIDATORS[kind]!.scope(object(scope, true))), [], `scope ${cell(kind, 2)}`);
      assert.deepEqual(keyProblems(VALIDATORS[kind]!.scope(object(scope, false))), [], `scope ${cell(kind, 2)}`);
      assert.deepEqual(keyProblems(VALIDATORS[kind]!.holds(asHold(object(hold, true)))), [], `hold match ${cell(kind, 3)}`);
      assert.deepEqual(keyProblems(VALIDATORS[kind]!.holds(asHold(object(hold, false)))), [], `hold match ${cell(kind, 3)}`);
    });
  }

  it('does not say that holds take the scopes\' shapes', () => {
    assert.doesNotMatch(README, /holds? (use|uses|take|takes|have|has) the same shapes?/i);
  });
});

/** Markdown files whose statements are checked: the README, examples/README.md and everything under docs/. */
function documents(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.md')).map((f) => join('docs', f));
  return ['README.md', 'examples/README.md', ...docs];
}

describe('line counts of the Python checkers', () => {
  /** Sentences (whitespace joined) of a document, fenced code left out. */
  const sentences = (doc: string) => doc.replace(/^```[\s\S]*?^```$/gm, '').replace(/\s+/g, ' ').split(/(?<=[.;:!?])\s+(?=[A-Z`(])/);

  it('every "N lines" said of a .py file is its wc -l, and every such count names its file', () => {
    const claims: string[] = [];
    for (const file of documents()) {
      for (const s of sentences(read(file))) {
        if (!/\d lines\b/.test(s) || !/python|\.py\b/i.test(s)) continue;
        // A count belongs to the .py file named last before it in the sentence.
        const pairs = [...s.matchAll(/`([\w./-]+\.py)`(?:(?!\.py`).)*?\b(\d[\d,]*) lines\b/g)];
        assert.ok(pairs.length > 0, `${file}: a line count without the script it counts (name it in backticks before the count): ${s}`);
        for (const [, path, stated] of pairs) {
          assert.ok(existsSync(join(ROOT, path!)), `${file}: ${path} does not exist (give its path from the repository root)`);
          const actual = read(path!).split('\n').length - 1;
          assert.equal(Number(stated!.replace(/,/g, '')), actual, `${file} says ${path} has ${stated} lines; wc -l says ${actual}`);
          claims.push(`${file}: ${path}`);
        }
      }
    }
    // The README states both checkers' counts; so the patterns above still find them.
    for (const py of ['check_certificate.py', 'check_proof.py']) assert.ok(claims.some((c) => c.startsWith('README.md') && c.endsWith(py)), `README.md: no count of ${py} found`);
  });
});

describe('README: the walkthrough and the quick start', () => {
  it('stops the server by process id: no job spec, and no background job through npx', () => {
    const blocks = [...region(README, 'api').matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
    assert.ok(blocks.length >= 5);
    for (const b of blocks) {
      // A job spec means nothing to a script without job control (set -m); in one with it, it kills whatever job 1 is.
      assert.doesNotMatch(b, /(^|[\s;&|(])(kill|wait|fg|bg|disown)\s+(-\S+\s+)*%/m);
      // npx keeps running in between: $! is npx's id, and npx does not pass SIGTERM on to the server.
      for (const line of b.split('\n')) if (/&\s*$/.test(line)) assert.doesNotMatch(line, /^\s*npx\b/, `started in the background through npx: ${line}`);
    }
    assert.match(blocks.at(-1)!, /^kill \$\w+$/m);
  });

  it('keeps the quick start to two commands: install and run the demo; run the tests', () => {
    const section = README.slice(README.indexOf('## Quick start'), README.indexOf('\n## ', README.indexOf('## Quick start') + 1));
    const first = /^```sh\n([\s\S]*?)^```$/m.exec(section);
    assert.ok(first, 'no sh block in the quick start');
    const commands = first[1]!.trim().split('\n');
    assert.equal(commands.length, 2, first[1]);
    assert.match(commands[0]!, /^npm ci && npx shredproof demo\b/);
    assert.equal(commands[1], 'npm test');
  });
});

describe('examples/README.md', () => {
  it('points at no issue: it says what to do', () => {
    assert.doesNotMatch(read('examples/README.md'), /\bissues?\b|#\d+\b/i);
  });
});
