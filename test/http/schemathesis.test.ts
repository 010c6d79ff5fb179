// schemathesis (Python, pinned in requirements-test.txt, installed into
// .venv-test by scripts/services.sh) against a real `shredproof serve`
// process: requests generated from its own /openapi.json, as each role, in
// every phase (coverage, fuzzing, and stateful along the document's links).
// A run fails on any 5xx, a response that its declared schema, content type
// or status does not describe, a request the document allows that the server
// refuses or the reverse, and any error answer that is not
// application/problem+json. Real orders (certified, planned, draft) are made
// first and offered to the generator as a dictionary of ids, so that
// operations reach past 404; the people's personal keys likewise, so that
// generated approvals reach the signature check rather than the key lookup. The failures are listed from schemathesis's JUnit
// report, the counts from its JSON report; every exchange from its HAR file.
// What is left out, and why, is said in the configuration (schemathesis-reports.ts).
//
// Seed: SCHEMATHESIS_SEED (default below; the run prints it). Set
// SCHEMATHESIS_EXAMPLES to explore with more examples per operation, and
// SCHEMATHESIS_KEEP=1 to keep the reports (JUnit, JSON, HAR) and the data.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { manifestLine, manifestTree } from '../../src/app/artifacts.js';
import { writeDataset } from '../../src/demo/dataset.js';
import { kill, type Proc, sleep, spawnShredproof } from '../helpers/procs.js';
import { ROOT, runCli } from '../helpers/run-cli.js';
import { dropPrefix, freshPrefix, REDIS_URL, requireRedis } from '../helpers/services.js';
import { configToml, junitFailures, nonProblemErrors } from './schemathesis-reports.js';
import { freePort } from '../helpers/redis-server.js';

const SCHEMATHESIS = join(ROOT, '.venv-test', 'bin', 'schemathesis');
const SEED = Number(process.env.SCHEMATHESIS_SEED ?? 20_251_205);
/** Per operation and phase; the whole test (four roles) stays within about two minutes on two cores. */
const EXAMPLES = Number(process.env.SCHEMATHESIS_EXAMPLES ?? 25);
/** More of schemathesis's checks, comma-separated, to explore with (SCHEMATHESIS_EXTRA_CHECKS=ignored_auth,use_after_free). */
const EXTRA_CHECKS = (process.env.SCHEMATHESIS_EXTRA_CHECKS ?? '').split(',').filter((c) => /^[a-z_]+$/.test(c));
/** Writers last: the operator and the admin cancel the seeded orders, which the readers' runs would then only see cancelled. */
const ROLES = ['auditor', 'approver', 'operator', 'admin'] as const;
type Role = (typeof ROLES)[number];
const PEOPLE: Record<Role, string> = { auditor: 'audrey', approver: 'bob', operator: 'olga', admin: 'ada' };

type Json = Record<string, any>;

interface RunResult {
  role: Role;
  seconds: number;
  operations: { selected: number; tested: number; errored: number };
  generated: number;
  failures: string[];
  exchanges: number;
}

/**
 * The configuration with the personal keys of the people as a dictionary for
 * the key ids of signed approvals: a generated key id is never registered, and
 * every generated approval would stop at the key lookup.
 */
function withPersonKeys(toml: string, keyids: string[]): string {
  const list = `[${keyids.map((k) => JSON.stringify(k)).join(', ')}]`;
  const out = toml
    .replace('\n[parameters]\n', `\n[dictionaries.person-keys]\nvalues = ${list}\n\n[parameters]\n`)
    .replace('\n[parameters]\n', '\n[parameters]\n"body.approval.keyid" = { dictionary = "person-keys", probability = 0.7 }\n"body.signature.keyid" = { dictionary = "person-keys", probability = 0.7 }\n');
  assert.match(out, /"body\.approval\.keyid" = \{ dictionary = "person-keys"/, 'the configuration has no [parameters] table to add the personal keys to');
  return out;
}

function run(cmd: string, args: string[], env: Record<string, string>, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (b: Buffer) => {
      output += b.toString();
      if (output.length > 400_000) output = output.slice(-200_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('schemathesis against a live shredproof serve, per role', { timeout: 420_000 }, () => {
  let dir: string;
  let env: Record<string, string>;
  let url: string;
  let serve: Proc | undefined;
  const tokens = {} as Record<Role, { token: string; id: string }>;
  const orders: Record<'certified' | 'planned' | 'draft', string> = {} as never;
  /**
   * A planned order that reaches the copy at the vendor, for the derived routes only: it is in no other
   * dictionary, so that the runs that cancel the seeded orders leave it planned (open to a vendor's bundle).
   */
  let derivedOrder: string;
  let keyid: string;
  /** The personal keys of bob (approver) and olga (operator), registered with `shredproof person set-key`. */
  const personKeyids: string[] = [];
  const throwaway: string[] = [];
  const artifacts: string[] = [];
  const results: RunResult[] = [];

  const api = async (who: Role, path: string, init: { method?: string; json?: unknown } = {}): Promise<Json> => {
    const r = await fetch(url + path, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${tokens[who].token}`, ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
    });
    const text = await r.text();
    assert.ok(r.ok, `${init.method ?? 'GET'} ${path} as ${who}: ${r.status} ${text}`);
    return JSON.parse(text) as Json;
  };
  const waitFor = async (id: string, states: string[]): Promise<Json> => {
    const end = Date.now() + 60_000;
    for (;;) {
      const o = await api('auditor', `/v1/orders/${id}`);
      if (states.includes(o.state)) return o;
      if (Date.now() > end) throw new Error(`order ${id} is ${o.state}, waited for ${states.join('|')}:\n${serve?.output().slice(-2000)}`);
      await sleep(100);
    }
  };

  // Never skipped: on a machine without schemathesis every test below fails, saying how to get it.
  const missing = existsSync(SCHEMATHESIS)
    ? undefined
    : `schemathesis is not installed at ${SCHEMATHESIS}${process.env.CI === 'true' ? ' (CI=true)' : ''}: run \`bash scripts/services.sh\` (it installs requirements-test.txt into .venv-test)`;

  before(async () => {
    if (missing) return;
    await requireRedis();
    dir = mkdtempSync(join(tmpdir(), 'sp-schemathesis-'));
    const ds = writeDataset(join(dir, 'store'), 40);
    writeFileSync(join(dir, 'backends.json'), JSON.stringify({ backends: { photos: { kind: 'filesystem', root: ds.root } } }));
    assert.equal((await runCli('keygen', '--dir', join(dir, 'keys'))).code, 0);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    env = {
      DATA_DIR: join(dir, 'data'),
      REDIS_URL,
      SHREDPROOF_PREFIX: freshPrefix(),
      SHREDPROOF_KEY: join(dir, 'keys', 'signing-key.pem'),
      SHREDPROOF_BACKENDS: join(dir, 'backends.json'),
      SHREDPROOF_BATCH_SIZE: '10',
      SHREDPROOF_ISSUER: 'shredproof schemathesis test',
      // The coverage phase sends requests without a token on purpose; they must reach the routes, not the failure limit.
      SHREDPROOF_AUTH_FAILURES_PER_MINUTE: '100000',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
    };
    const token = async (role: string, name: string) => {
      const r = await runCli('token', 'create', '--role', role, '--name', name, '--json', '--data-dir', env.DATA_DIR!);
      assert.equal(r.code, 0, r.stderr);
      const { token: t, info } = JSON.parse(r.stdout) as { token: string; info: { id: string } };
      return { token: t, id: info.id };
    };
    for (const role of ROLES) tokens[role] = await token(role, PEOPLE[role]);
    for (let i = 0; i < 3; i++) throwaway.push((await token('auditor', `throwaway-${i}`)).id);
    // `token create` registered bob and olga without keys: each makes their own and the server's machine registers it.
    for (const name of [PEOPLE.approver, PEOPLE.operator]) {
      const made = await runCli('person', 'keygen', '--name', name, '--dir', join(dir, 'people'));
      assert.equal(made.code, 0, made.stderr);
      const set = await runCli('person', 'set-key', '--name', name, '--public-key', join(dir, 'people', `${name}.pub.pem`), '--json', '--data-dir', env.DATA_DIR!);
      assert.equal(set.code, 0, set.stderr);
      personKeyids.push((JSON.parse(set.stdout) as { keyid: string }).keyid);
    }
    serve = spawnShredproof(['serve'], env);
    const end = Date.now() + 30_000;
    while ((await fetch(`${url}/readyz`).catch(() => undefined))?.status !== 200) {
      if (serve.child.exitCode !== null || Date.now() > end) throw new Error(`shredproof serve did not become ready:\n${serve.output()}`);
      await sleep(200);
    }
    // A copy of the photos at a vendor, which the planned order below reaches: its vendor-bundle, vendor-certificate
    // and disposition routes then answer past their 404s.
    await api('operator', '/v1/artifacts', {
      method: 'POST',
      json: { name: 'seed-vendor-copy', kind: 'vendor-copy', description: 'schemathesis seed', location: { vendor: 'Seed Vendor', description: 'their bucket' }, inputs: [{ scope: { backend: 'photos', scope: { include: ['users/**'] } } }] },
    });
    // Real orders in three states, made by olga, signed by her as performer and approved by bob with their keys
    // (as the CLI does it), for the generator to use; and one more, planned, that reaches the copy at the vendor.
    const doc = { reference: 'schemathesis seed', targets: [{ backend: 'photos', scope: { include: ['users/**'] } }] };
    const create = async (derived = false) => (await api('operator', '/v1/orders', { method: 'POST', json: { ...doc, ...(derived ? { includeDerived: true } : {}) } })).id as string;
    const sign = async (role: Role, command: 'approve' | 'sign-plan', id: string, planRoot: string) => {
      const key = join(dir, 'people', `${PEOPLE[role]}.key.pem`);
      const r = await runCli('order', command, id, '--plan-root', planRoot, '--key', key, '--server', url, '--token', tokens[role].token);
      assert.equal(r.code, 0, r.stderr);
    };
    orders.certified = await create();
    await api('operator', `/v1/orders/${orders.certified}/plan`, { method: 'POST' });
    const planned = await waitFor(orders.certified, ['planned']);
    await sign('operator', 'sign-plan', orders.certified, planned.plan.root);
    await sign('approver', 'approve', orders.certified, planned.plan.root);
    await api('operator', `/v1/orders/${orders.certified}/execute`, { method: 'POST' });
    orders.planned = await create();
    await api('operator', `/v1/orders/${orders.planned}/plan`, { method: 'POST' });
    derivedOrder = await create(true);
    await api('operator', `/v1/orders/${derivedOrder}/plan`, { method: 'POST' });
    orders.draft = await create();
    await waitFor(orders.certified, ['certified']);
    await waitFor(orders.planned, ['planned']);
    const reached = await waitFor(derivedOrder, ['planned']);
    assert.deepEqual(reached.plan.derived.map((a: Json) => a.artifact), ['seed-vendor-copy']);
    keyid = ((await (await fetch(`${url}/v1/keys`)).json()) as Json).keys[0].keyid;
    // Artifacts for the generator: one with its manifest uploaded, one derived from it, one whose manifest is awaited.
    const entries = [{ backend: 'photos', locator: 'users/u-1/photo-1.jpg', sha256: 'c'.repeat(64) }];
    const manifest = { treeSize: 1, rootHash: manifestTree(entries).rootHash };
    const artifact = (name: string, inputs: unknown[]) => api('operator', '/v1/artifacts', { method: 'POST', json: { name, kind: 'model', description: 'schemathesis seed', location: { backend: 'photos', scope: { include: [`models/${name}/**`] } }, inputs } });
    await artifact('seed-model', [{ manifest }]);
    await artifact('seed-tuned', [{ artifact: 'seed-model' }]);
    await artifact('seed-awaiting', [{ manifest }]);
    const up = await fetch(`${url}/v1/artifacts/seed-model/manifest`, { method: 'PUT', headers: { authorization: `Bearer ${tokens.operator.token}`, 'content-type': 'application/x-ndjson' }, body: `${manifestLine(entries[0]!)}\n` });
    assert.equal(up.status, 200, await up.text());
    artifacts.push('seed-model', 'seed-tuned', 'seed-awaiting');
  });

  after(async () => {
    if (serve) await kill(serve, 'SIGTERM');
    if (env?.SHREDPROOF_PREFIX) await dropPrefix(env.SHREDPROOF_PREFIX).catch(() => undefined);
    if (results.length > 0) {
      const total = results.reduce((a, r) => ({ generated: a.generated + r.generated, seconds: a.seconds + r.seconds }), { generated: 0, seconds: 0 });
      console.log(
        `schemathesis (seed ${SEED}, ${EXAMPLES} examples per operation and phase): ` +
          results.map((r) => `${r.role} ${r.operations.tested}/${r.operations.selected} operations, ${r.generated} cases, ${r.exchanges} requests, ${r.failures.length} failures, ${r.seconds} s`).join('; ') +
          `; ${total.generated} cases in ${Math.round(total.seconds)} s`,
      );
    }
    if (process.env.SCHEMATHESIS_KEEP) console.log(`schemathesis reports kept in ${dir}`);
    else if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const role of ROLES) {
    it(`finds nothing as ${role}: no 5xx, responses as documented, every error a problem document`, async () => {
      assert.ok(!missing, missing);
      const runDir = join(dir, `run-${role}`);
      const reportDir = join(runDir, 'reports');
      mkdirSync(reportDir, { recursive: true });
      const configFile = join(runDir, 'schemathesis.toml');
      writeFileSync(configFile, withPersonKeys(configToml({ seed: SEED, examples: EXAMPLES, extraChecks: EXTRA_CHECKS, orders: Object.values(orders), artifacts, derived: { order: derivedOrder, artifact: 'seed-vendor-copy' }, keyid, throwaway, reportDir }), personKeyids));
      const t0 = Date.now();
      const { code, output } = await run(
        SCHEMATHESIS,
        ['--config-file', configFile, 'run', `${url}/openapi.json`, '--no-color'],
        { SHREDPROOF_TOKEN: tokens[role].token, PYTHONDONTWRITEBYTECODE: '1' },
        240_000,
      );
      const seconds = Math.round((Date.now() - t0) / 100) / 10;
      writeFileSync(join(runDir, 'output.txt'), output);
      const report = (prefix: string) => {
        const f = readdirSync(reportDir).find((n) => n.startsWith(prefix));
        assert.ok(f, `schemathesis wrote no ${prefix} report (exit ${code}):\n${output.slice(-4000)}`);
        return readFileSync(join(reportDir, f), 'utf8');
      };
      const summary = JSON.parse(report('json-')) as Json;
      const har = JSON.parse(report('har-')) as Json;
      const failures = [...junitFailures(report('junit-')), ...nonProblemErrors(har).map((f) => `not a problem document: ${f}`)];
      for (const e of summary.errors as Json[]) failures.push(`schemathesis error: ${e.title} (${e.count})`);
      results.push({ role, seconds, operations: summary.operations, generated: summary.test_cases.generated, failures, exchanges: har.log.entries.length });
      // The run means something only if the token held: an answer of 401 to everything would pass every check.
      const still = await fetch(`${url}/v1/orders?limit=1`, { headers: { authorization: `Bearer ${tokens[role].token}` } });
      assert.equal(still.status, 200, `the ${role} token stopped working during the run`);
      assert.equal(summary.operations.errored, 0, `operations that schemathesis could not test:\n${output.slice(-4000)}`);
      assert.ok(summary.operations.tested >= 25, `only ${summary.operations.tested} operations tested:\n${output.slice(-4000)}`);
      assert.ok(har.log.entries.some((e: Json) => e.response.status === 200 && /\/v1\/orders\/ord-/.test(e.request.url)), 'no request reached a real order');
      // The operations of signed approvals were exercised too: whoami answers every role.
      assert.ok(har.log.entries.some((e: Json) => e.response.status === 200 && new URL(e.request.url).pathname === '/v1/whoami'), 'no request reached GET /v1/whoami');
      // The manifest upload went out as NDJSON (the hooks file's serializer), and reads reached real artifacts.
      assert.ok(har.log.entries.some((e: Json) => e.request.method === 'PUT' && /\/v1\/artifacts\/[^/]+\/manifest$/.test(new URL(e.request.url).pathname) && (e.request.headers as Json[]).some((h) => h.name.toLowerCase() === 'content-type' && h.value.startsWith('application/x-ndjson'))), 'no NDJSON request reached PUT /v1/artifacts/{name}/manifest');
      assert.ok(har.log.entries.some((e: Json) => e.response.status === 200 && /^\/v1\/artifacts\/seed-/.test(new URL(e.request.url).pathname)), 'no request reached a real artifact');
      // The derived routes reached the planned order's artifact at the vendor: past their 404s, to the use cases.
      const derivedPath = (e: Json) => new URL(e.request.url).pathname.startsWith(`/v1/orders/${derivedOrder}/derived/seed-vendor-copy/`);
      if (role === 'operator' || role === 'approver') {
        assert.ok(har.log.entries.some((e: Json) => derivedPath(e) && ![400, 401, 403, 404].includes(e.response.status)), 'no request reached the derived routes of the planned order\'s vendor copy');
      }
      if (role === 'operator') {
        assert.ok(har.log.entries.some((e: Json) => e.request.method === 'PUT' && derivedPath(e) && e.response.status === 200), 'no vendor bundle file was staged');
      }
      for (const op of ['/approve', '/sign-plan']) {
        assert.ok(har.log.entries.some((e: Json) => e.request.method === 'POST' && e.request.url.endsWith(op)), `no request reached POST /v1/orders/{id}${op}`);
      }
      assert.deepEqual(failures, [], `schemathesis as ${role} (seed ${SEED}; exit ${code}) found ${failures.length}:\n\n${failures.join('\n\n')}`);
      assert.equal(code, 0, `schemathesis exited ${code}:\n${output.slice(-4000)}`);
    });
  }

  it('reads failures from the reports (the parsing above can fail)', () => {
    const xml = `<testsuites><testsuite name="schemathesis"><testcase name="GET /a" time="0.1"/><testcase name="POST /b" time="0.2"><failure type="failure" message="ST103">1. Test Case ID: x\n- ST103 Undocumented status code\n    curl -X POST -H 'Authorization: Bearer sp_secret'</failure></testcase></testsuite></testsuites>`;
    const f = junitFailures(xml);
    assert.equal(f.length, 1);
    assert.match(f[0]!, /^POST \/b \[failure ST103\]/);
    assert.doesNotMatch(f[0]!, /sp_secret/);
    const entry = (status: number, type: string, text: string, size = text.length) => ({
      request: { method: 'GET', url: 'http://h/v1/x' },
      response: { status, headers: [{ name: 'Content-Type', value: type }], content: { text, size } },
    });
    const problem = '{"type":"urn:x","title":"t","status":404,"code":"NOT_FOUND"}';
    const har = {
      log: {
        entries: [entry(200, 'text/html', 'ok'), entry(404, 'application/problem+json; charset=utf-8', problem), entry(431, '', ''), entry(400, 'application/problem+json', problem), entry(400, 'application/problem+json', '{"a"', 5_000_000)],
      },
    };
    assert.deepEqual(
      nonProblemErrors(har).map((e) => e.replace(/: .*/, '')),
      ['GET /v1/x -> 431', 'GET /v1/x -> 400', 'GET /v1/x -> 400'],
    );
  });

  it('left no error in the server log: no 500, no stack trace', () => {
    assert.ok(serve, missing ?? 'serve did not start');
    const log = serve!.output();
    assert.doesNotMatch(log, /unhandled error in a request/);
    assert.doesNotMatch(log, /\n\s+at .+:\d+:\d+\)/);
  });
});
