// The API's documentation is true. (1) docs/API.md: its route table is the
// server's route table (method, path, roles), and it names every problem
// code the server and the engine can answer (with its status), every HTTP
// setting and every metric. (2) The README's HTTP API walkthrough: its ```sh blocks between
// <!-- api:start --> and <!-- api:end --> run, exactly as written and in
// order, in one bash (with -euo pipefail, so that any failing command fails
// the test) against the machine's Redis. The blocks start a real
// `shredproof serve` themselves and stop it by its PID (`kill $SERVE_PID`,
// then `wait`), which works pasted into a script as well as typed into a
// shell. Each `shredproof verify` in them must print VALID.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ROUTES } from '../../src/http/app.js';
import { alive, sleep } from '../helpers/procs.js';
import { ROOT } from '../helpers/run-cli.js';
import { dropPrefix, freshPrefix, requireRedis } from '../helpers/services.js';
import { freePort } from '../helpers/redis-server.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

function apiSection(): string {
  const start = README.indexOf('<!-- api:start -->');
  const end = README.indexOf('<!-- api:end -->');
  assert.ok(start >= 0 && end > start, 'README.md has <!-- api:start --> ... <!-- api:end -->');
  return README.slice(start, end);
}

function shBlocks(section: string): string[] {
  return [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

const API_DOC = readFileSync(join(ROOT, 'docs', 'API.md'), 'utf8');
const ROLES = ['operator', 'approver', 'auditor', 'admin'] as const;

/** The markdown table rows between <!-- NAME:start --> and <!-- NAME:end --> of docs/API.md, as cells, header and rule skipped. */
function tableRows(name: string): string[][] {
  const start = API_DOC.indexOf(`<!-- ${name}:start -->`);
  const end = API_DOC.indexOf(`<!-- ${name}:end -->`);
  assert.ok(start >= 0 && end > start, `docs/API.md has <!-- ${name}:start --> ... <!-- ${name}:end -->`);
  const rows = API_DOC.slice(start, end).split('\n').filter((l) => l.startsWith('|'));
  return rows.slice(2).map((l) => l.slice(1, -1).split('|').map((c) => c.trim()));
}

/** Every .ts file under a source folder, with its text. */
function sources(dir: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith('.ts')) out.push([join(e.parentPath, e.name), readFileSync(join(e.parentPath, e.name), 'utf8')]);
  }
  return out;
}

describe('docs/API.md', () => {
  it('has the route table of src/http/app.ts: every route, its method, path and roles, nothing else', () => {
    const documented = tableRows('routes').map(([route, ...cells]) => {
      const m = /^`([A-Z]+) (\S+)`$/.exec(route!);
      assert.ok(m, `a route cell looks like \`GET /path\`: ${route}`);
      const who = cells.slice(0, 4);
      const auth = who.every((c) => c === 'public') ? 'public' : ROLES.filter((_, i) => who[i] === 'yes').join(', ');
      assert.ok(who.every((c) => ['yes', '–', 'public'].includes(c)), `${route}: role cells are yes, – or public: ${who.join(' | ')}`);
      return `${m[1]} ${m[2]} ${auth}`;
    });
    const actual = ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path} ${r.auth === 'public' ? 'public' : ROLES.filter((x) => (r.auth as readonly string[]).includes(x)).join(', ')}`);
    assert.deepEqual([...documented].sort(), [...actual].sort());
  });

  it('lists every problem code that src/http and src/app can answer, with its status', () => {
    const table = new Map(tableRows('problems').map(([status, code]) => [/^`([A-Z_]+)`$/.exec(code!)?.[1] ?? code!, Number(status)]));
    const expected = new Map<string, number>();
    for (const [file, text] of sources('src/http')) {
      for (const m of text.matchAll(/new HttpProblem\(\s*(\d{3}),\s*'([A-Z_]+)'/g)) expected.set(m[2]!, Number(m[1]));
      // A status passed through from the body parser (a 4xx it chose): listed as 400.
      for (const m of text.matchAll(/new HttpProblem\(\s*[a-z][\w.?]*,\s*'([A-Z_]+)'/g)) expected.set(m[1]!, 400);
      for (const m of text.matchAll(/status: (\d{3}),\s*code: '([A-Z_]+)'/g)) expected.set(m[2]!, Number(m[1]));
      for (const m of text.matchAll(/code: '([A-Z_]+)',/g)) if (!expected.has(m[1]!)) assert.fail(`${file}: code ${m[1]} without a status the test can read`);
    }
    for (const [, text] of sources('src/app')) {
      for (const m of text.matchAll(/new RuleError\(([^,]+),/g)) for (const c of m[1]!.matchAll(/'([A-Z_]+)'/g)) expected.set(c[1]!, 409);
    }
    expected.set('STATE_CONFLICT', 409);
    assert.ok(expected.size >= 20, `found only ${expected.size} codes in the sources: the patterns above no longer match the code`);
    for (const [code, status] of expected) assert.equal(table.get(code), status, `docs/API.md: ${code} should be listed with status ${status}`);
    // and nothing stale: every code listed is one the sources can answer
    const stale = [...table.keys()].filter((c) => /^[A-Z_]+$/.test(c) && !expected.has(c));
    assert.deepEqual(stale, []);
    // Verification failures of the server's own files: 422 with the core's code.
    assert.ok(tableRows('problems').some(([status, code]) => status === '422' && /verification code/.test(code!)));
  });

  it('names every HTTP setting of src/config/config.ts and every metric of src/http/metrics.ts', () => {
    const config = readFileSync(join(ROOT, 'src/config/config.ts'), 'utf8');
    const settings = ['HOST', 'PORT', ...[...config.matchAll(/^ {2}(SHREDPROOF_(?:CORS|TRUST|BODY|AUTH)_[A-Z_]+):/gm)].map((m) => m[1]!)];
    assert.equal(settings.length, 6);
    for (const s of settings) assert.ok(API_DOC.includes('`' + s + '`'), s);
    const metrics = [...readFileSync(join(ROOT, 'src/http/metrics.ts'), 'utf8').matchAll(/name: '(shredproof_[a-z_]+)'/g)].map((m) => m[1]!);
    assert.ok(metrics.length >= 7);
    for (const m of metrics) assert.ok(API_DOC.includes('`' + m + '`'), m);
  });
});

describe('README: the HTTP API walkthrough', { timeout: 300_000 }, () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sp-readme-api-'));
  const prefix = freshPrefix();
  after(async () => {
    await dropPrefix(prefix).catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('names /openapi.json, /docs and docs/API.md, and uses no jq', () => {
    const s = apiSection();
    for (const word of ['/openapi.json', '/docs', 'docs/API.md', 'curl -sSN', 'progress/stream', 'shredproof order']) assert.ok(s.includes(word), word);
    // jq is not on a fresh machine of this kind
    for (const b of shBlocks(s)) assert.doesNotMatch(b, /\bjq\b/);
  });

  it('runs every sh block as written, in order, in one shell; every verify prints VALID', async () => {
    await requireRedis();
    const blocks = shBlocks(apiSection());
    assert.ok(blocks.length >= 5, `found ${blocks.length} sh blocks`);
    // Markers between the blocks say which one failed; the blocks themselves are untouched.
    const script = ['set -euo pipefail', 'set -m', ...blocks.flatMap((b, i) => [`echo '### README block ${i + 1}'`, b])].join('\n');
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(await freePort()), SHREDPROOF_PREFIX: prefix, TMPDIR: tmp, LOG_LEVEL: 'info' };
    for (const k of ['DATA_DIR', 'SHREDPROOF_KEY', 'SHREDPROOF_BACKENDS', 'SHREDPROOF_SERVER', 'SHREDPROOF_TOKEN', 'SERVER', 'WORK']) delete env[k];
    const child = spawn('bash', ['-c', script], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));

    // The server the README started, found by the pid it logged: it must be stopped by the README's own `kill $SERVE_PID`.
    const work = readdirSync(tmp).map((d) => join(tmp, d)).find((d) => existsSync(join(d, 'serve.log')));
    const readLog = () => (work ? readFileSync(join(work, 'serve.log'), 'utf8') : '');
    const pid = /"pid":(\d+)/.exec(readLog())?.[1];
    let stoppedWithin = -1;
    if (pid) {
      for (let t = 0; t < 100 && stoppedWithin < 0; t++) {
        if (!alive(Number(pid))) stoppedWithin = t;
        else await sleep(200);
      }
      if (stoppedWithin < 0) process.kill(Number(pid), 'SIGKILL');
    }
    // Read once the server is gone.
    const log = readLog();

    const last = stdout.lastIndexOf('### README block');
    const context = `exit ${code}, failed in ${stdout.slice(last, last + 40).split('\n')[0]}\n--- stdout\n${stdout.slice(-4000)}\n--- stderr\n${stderr.slice(-4000)}\n--- serve.log\n${log.slice(-2000)}`;
    assert.equal(code, 0, context);
    assert.ok(stdout.includes(`### README block ${blocks.length}`), context);
    assert.ok(pid, `no pid in serve.log\n${context}`);
    assert.ok(stoppedWithin >= 0, `\`kill $SERVE_PID\` did not stop shredproof serve (pid ${pid}) within 20 s`);
    assert.match(log, /"msg":"shutting down"[\s\S]*"msg":"stopped"/, 'serve shut down gracefully');

    // What the reader sees: the readiness answer, the stream to its end, and three VALID verifications (the last of the fetched bundle).
    assert.match(stdout, /"status":"ready"/);
    assert.match(stdout, /^event: end\ndata: \{"state":"certified"\}$/m);
    const valid = stdout.split('\n').filter((l) => l.startsWith('VALID'));
    assert.deepEqual(
      valid.map((l) => l.replace(/ \(sha256 [0-9a-f]{64}\) at leaf \d+/, '')),
      [
        'VALID (signature, statement, records)',
        'VALID (inclusion of photos:users/u-1/photo-1.jpg)',
        'VALID (certificate.json, records.ndjson, retained.ndjson, exceptions.ndjson, rescan.ndjson, order.json, trust.json, public-key.pem, receipt.tlog-proof)',
      ],
    );
    // The fetched bundle is verified pinned by the key id; the curl downloads with their key file are not, and say so.
    assert.equal(stdout.split('\n').filter((l) => l.startsWith('key pinned: yes, by the key id ')).length, 1);
    assert.equal(stdout.split('\n').filter((l) => l.startsWith('key NOT pinned')).length, 2);
    assert.doesNotMatch(stdout, /INVALID/);
    // The first order destroyed u-1 and u-2 except the held photo; the second destroyed u-3.
    assert.match(stdout, /^destroyed 5 of 6 planned objects \(20480 bytes\); retained 1; exceptions 0$/m);
    assert.match(stdout, /^destroyed 3 of 3 planned objects \(12288 bytes\); retained 0; exceptions 0$/m);
    const photos = join(work!, 'photos', 'users');
    assert.deepEqual(
      ['u-1', 'u-2', 'u-3'].map((u) => (existsSync(join(photos, u)) ? readdirSync(join(photos, u)).sort() : [])),
      [[], ['photo-3.jpg'], []],
    );
  });
});
