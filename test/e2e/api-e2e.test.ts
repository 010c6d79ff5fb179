// End to end, as an operator runs it: a real `shredproof serve --no-worker`
// process and a separate `shredproof worker` process against the machine's
// Redis; tokens made with `shredproof token create`; one order driven from
// create to certificate only through the HTTP API, with the `shredproof
// order` client as separate processes; the certificate fetched over HTTP is
// checked by `shredproof verify` and by the independent openssl + python
// check, and against the files themselves; the audit log names who did
// what, with which token, from where. Both processes stop cleanly on SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Dataset, demoOrder, writeDataset } from '../../src/demo/dataset.js';
import { independentCheck } from '../helpers/independent-check.js';
import { kill, type Proc, sleep, spawnShredproof, withTimeout } from '../helpers/procs.js';
import { BIN, type CliResult, ROOT } from '../helpers/run-cli.js';
import { dropPrefix, freshPrefix, REDIS_URL, requireRedis } from '../helpers/services.js';
import { freePort } from '../helpers/redis-server.js';

const OBJECTS = 400;

/** Runs `shredproof ARGS` as its own process (asynchronously: the server processes keep running meanwhile). */
function shredproof(args: string[], env: Record<string, string>, input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: stdout.trimEnd(), stderr: stderr.trimEnd() }));
    child.stdin.end(input ?? '');
  });
}

async function untilReady(url: string, serve: Proc): Promise<void> {
  const end = Date.now() + 30_000;
  for (;;) {
    if (serve.child.exitCode !== null) throw new Error(`shredproof serve exited ${serve.child.exitCode}:\n${serve.output()}`);
    const r = await fetch(`${url}/readyz`).catch(() => undefined);
    if (r?.status === 200) return;
    if (Date.now() > end) throw new Error(`shredproof serve is not ready after 30 s:\n${serve.output()}`);
    await sleep(200);
  }
}

describe('end to end: shredproof serve + shredproof worker, driven over HTTP', { timeout: 120_000 }, () => {
  let dir: string;
  let ds: Dataset;
  let env: Record<string, string>;
  let url: string;
  let serve: Proc | undefined;
  let worker: Proc | undefined;
  const tokens: Record<'alice' | 'bob' | 'audrey', { token: string; id: string }> = {} as never;
  let orderId: string;
  const certDir = () => join(dir, 'fetched');
  /** The CLI client as one person, against the server. */
  const order = (who: keyof typeof tokens, args: string[], input?: string) =>
    shredproof(['order', ...args], { ...env, SHREDPROOF_SERVER: url, SHREDPROOF_TOKEN: tokens[who].token }, input);
  const get = async (who: keyof typeof tokens, path: string) => {
    const r = await fetch(url + path, { headers: { authorization: `Bearer ${tokens[who].token}` } });
    assert.equal(r.status, 200, `${path}: ${r.status} ${await r.clone().text()}`);
    return (await r.json()) as any;
  };

  before(async () => {
    await requireRedis();
    dir = mkdtempSync(join(tmpdir(), 'sp-e2e-'));
    ds = writeDataset(join(dir, 'store'), OBJECTS);
    const backends = join(dir, 'backends.json');
    writeFileSync(backends, JSON.stringify({ backends: { photos: { kind: 'filesystem', root: ds.root } } }));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    env = {
      DATA_DIR: join(dir, 'data'),
      REDIS_URL,
      SHREDPROOF_PREFIX: freshPrefix(),
      SHREDPROOF_KEY: join(dir, 'keys', 'signing-key.pem'),
      SHREDPROOF_BACKENDS: backends,
      SHREDPROOF_BATCH_SIZE: '50',
      SHREDPROOF_ISSUER: 'shredproof e2e test',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
    };
    const keygen = shredproof(['keygen', '--dir', join(dir, 'keys')], env);
    // One at a time: each opens the ledger (and the first one creates it).
    for (const [name, role] of [['alice', 'operator'], ['bob', 'approver'], ['audrey', 'auditor']] as const) {
      const r = await shredproof(['token', 'create', '--role', role, '--name', name, '--json'], env);
      assert.equal(r.code, 0, r.stderr);
      const { token, info } = JSON.parse(r.stdout);
      tokens[name] = { token, id: info.id };
    }
    assert.equal((await keygen).code, 0);
    serve = spawnShredproof(['serve', '--no-worker'], env);
    await untilReady(url, serve);
  });

  after(async () => {
    if (serve) await kill(serve);
    if (worker) await kill(worker);
    await dropPrefix(env.SHREDPROOF_PREFIX!).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('alice creates (from standard input) and plans the order; the plan counts every object in scope and the held ones', async () => {
    const created = await order('alice', ['create', '-'], JSON.stringify(demoOrder('photos')));
    assert.equal(created.code, 0, created.stderr);
    orderId = created.stdout;
    assert.match(orderId, /^ord-/);
    const planned = await order('alice', ['plan', orderId, '--json']);
    assert.equal(planned.code, 0, planned.stderr);
    const o = JSON.parse(planned.stdout);
    assert.equal(o.state, 'planned');
    assert.equal(o.plan.objects, ds.inScope.size + ds.held.size);
    assert.equal(o.plan.targets.photos.held, ds.held.size);
  });

  it('bob approves the plan root he reviewed; alice executes; with --no-worker nothing runs until a worker starts', async () => {
    const root = (await get('bob', `/v1/orders/${orderId}`)).plan.root;
    const approved = await order('bob', ['approve', orderId, '--plan-root', root]);
    assert.equal(approved.code, 0, approved.stderr);
    assert.equal(approved.stdout, `approved ${orderId} by bob for plan root ${root}`);
    const executed = await order('alice', ['execute', orderId]);
    assert.equal(executed.code, 0, executed.stderr);
    await sleep(1000);
    const p = await get('audrey', `/v1/orders/${orderId}/progress`);
    assert.deepEqual([p.state, p.counts.destroyed, p.counts.pending], ['executing', 0, ds.inScope.size]);
    worker = spawnShredproof(['worker'], env);
  });

  it('the auditor waits on the progress stream until the order is certified (exit 0)', async () => {
    const waited = await order('audrey', ['wait', orderId, '--timeout', '90']);
    assert.equal(waited.code, 0, `${waited.stderr}\n${worker?.output()}`);
    assert.match(waited.stdout, new RegExp(`^${orderId} certified: destroyed ${ds.inScope.size} objects .* retained ${ds.held.size}, exceptions 0; certificate `));
    assert.match(waited.stderr, /^(executing|finalizing|certified): \d+\/\d+ done/m);
  });

  it('the certificate, records and key fetched over HTTP pass shredproof verify and the independent openssl + python check', async () => {
    const fetched = await order('audrey', ['fetch', orderId, '--out', certDir()]);
    assert.equal(fetched.code, 0, fetched.stderr);
    const files = ['certificate.json', 'records.ndjson', 'public-key.pem'].map((f) => join(certDir(), f));
    const verified = await shredproof(['verify', '--certificate', files[0]!, '--public-key', files[2]!, '--records', files[1]!], {});
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /^VALID \(signature, statement, records\)/);
    const [py, ossl, out] = independentCheck(certDir());
    assert.deepEqual([py, ossl], [0, 0], out);
    // The public key the server serves is the one the operator generated.
    assert.equal(readFileSync(files[2]!, 'utf8'), readFileSync(join(dir, 'keys', 'public-key.pem'), 'utf8'));
  });

  it('every destroyed file is gone and certified with its true hash; held and out-of-scope files are untouched', () => {
    const lines = readFileSync(join(certDir(), 'records.ndjson'), 'utf8').split('\n').slice(0, -1);
    assert.equal(lines.length, ds.inScope.size);
    for (const l of lines) {
      const r = JSON.parse(l);
      assert.equal(r.sha256, ds.inScope.get(r.locator), r.locator);
      assert.equal(existsSync(join(ds.root, r.locator)), false, `${r.locator} still exists`);
    }
    for (const [locator, sha] of [...ds.held, ...ds.outOfScope]) {
      assert.equal(createHash('sha256').update(readFileSync(join(ds.root, locator))).digest('hex'), sha, locator);
    }
  });

  it('the audit log has the writes of alice and bob with their token ids and address, and its hash chain holds', async () => {
    const { entries, nextCursor } = await get('audrey', '/v1/audit?limit=1000');
    assert.equal(nextCursor, null);
    const writes = entries.filter((e: any) => e.orderId === orderId && e.tokenId !== null && e.method === 'POST');
    const seen = writes.map((e: any) => `${e.action} ${e.actor} ${e.role} ${e.tokenId} ${e.status} ${e.remote}`);
    const alice = `${tokens.alice.id} `;
    assert.deepEqual(seen, [
      `createOrder alice operator ${alice}201 127.0.0.1`,
      `planOrder alice operator ${alice}202 127.0.0.1`,
      `approveOrder bob approver ${tokens.bob.id} 200 127.0.0.1`,
      `executeOrder alice operator ${alice}202 127.0.0.1`,
    ]);
    for (const e of writes) assert.equal(e.userAgent, 'shredproof-cli/0.1.0');
    // The state changes, in the same log, with the actor the ledger recorded.
    const states = entries.filter((e: any) => e.orderId === orderId && e.action.startsWith('order.')).map((e: any) => `${e.action}:${e.actor}`);
    assert.deepEqual(states, ['order.draft:alice', 'order.planning:alice', 'order.planned:alice', 'order.approved:bob', 'order.executing:alice', 'order.finalizing:coordinator', 'order.certified:coordinator']);
    // The tokens were made on the command line, and say so.
    assert.equal(entries.filter((e: any) => e.action === 'token.create').length, 3);
    const chain = await get('audrey', '/v1/audit/verify');
    assert.equal(chain.ok, true);
    assert.ok(chain.entries >= entries.length);
  });

  it('an auditor cannot write, and a token the server does not know is refused, each in the audit log', async () => {
    const r = await order('audrey', ['cancel', orderId, '--reason', 'an auditor tries']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /403 FORBIDDEN/);
    const bad = await fetch(`${url}/v1/orders`, { headers: { authorization: `Bearer sp_${'0'.repeat(16)}_${'A'.repeat(43)}` } });
    assert.equal(bad.status, 401);
    const { entries } = await get('audrey', '/v1/audit?limit=1000');
    assert.ok(entries.some((e: any) => e.action === 'cancelOrder' && e.actor === 'audrey' && e.tokenId === tokens.audrey.id && e.status === 403));
    assert.ok(entries.some((e: any) => e.action === 'auth.failed' && e.tokenId === 'tok_0000000000000000' && e.remote === '127.0.0.1'));
  });

  it('SIGTERM stops the worker and the server, each with exit 0', async () => {
    for (const p of [worker!, serve!]) {
      p.child.kill('SIGTERM');
      const code = await withTimeout(p.exited, 20_000, () => `no exit 20 s after SIGTERM:\n${p.output()}`);
      assert.equal(code, 0, p.output());
    }
  });
});
