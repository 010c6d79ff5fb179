// End to end, as an operator runs it: a real `shredproof serve --no-worker`
// process and a separate `shredproof worker` process against the machine's
// Redis; people who make their own keys with `shredproof person keygen`,
// registered with `shredproof person add --public-key`, and tokens made with
// `shredproof token create`; one order driven from create to certificate only
// through the HTTP API, with the `shredproof order` client as separate
// processes, the plan signed by its performer and approved with the
// approver's own key; the certificate fetched over HTTP is checked by
// `shredproof verify` (the approvals against the served trust.json) and by
// the independent openssl + python check, and against the files themselves;
// the audit log names who did what, with which token, from where. Both
// processes stop cleanly on SIGTERM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
  /** The personal keys of alice and bob, each made in a directory of its own (their own machines). */
  const keys = {} as Record<'alice' | 'bob', { file: string; pub: string; keyid: string }>;
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
    // alice and bob each make their own key, on their own machine: no ledger is involved.
    const personal = (['alice', 'bob'] as const).map(async (name) => {
      const home = join(dir, `home-${name}`);
      const r = await shredproof(['person', 'keygen', '--name', name, '--dir', home], {});
      assert.equal(r.code, 0, r.stderr);
      const keyid = /^keyid ([0-9a-f]{64})$/m.exec(r.stdout)?.[1];
      assert.ok(keyid, r.stdout);
      const file = join(home, `${name}.key.pem`);
      assert.match(r.stdout, new RegExp(`^private key ${file} \\(mode 0600\\): keep it; it never leaves this machine$`, 'm'));
      keys[name] = { file, pub: join(home, `${name}.pub.pem`), keyid };
    });
    await Promise.all(personal);
    // One at a time: each opens the ledger. The auditor's token comes first and creates the ledger (and registers
    // audrey, who signs nothing); alice and bob are registered with their public keys before their tokens are made.
    const token = async (name: 'alice' | 'bob' | 'audrey', role: string) => {
      const r = await shredproof(['token', 'create', '--role', role, '--name', name, '--json'], env);
      assert.equal(r.code, 0, r.stderr);
      const { token: t, info } = JSON.parse(r.stdout);
      tokens[name] = { token: t, id: info.id };
      return r;
    };
    assert.match((await token('audrey', 'auditor')).stderr, /registered the person audrey with the role auditor/);
    for (const [name, role, signs] of [['alice', 'operator', 'performer'], ['bob', 'approver', 'approver']] as const) {
      const added = await shredproof(['person', 'add', '--name', name, '--roles', role, '--public-key', keys[name].pub], env);
      assert.equal(added.code, 0, added.stderr);
      assert.deepEqual(added.stdout.split('\n').map((l) => l.replace(/ from \S+:/, ' from T:')), [`added ${name}: roles ${role}`, `key ${keys[name].keyid} from T: signs as ${signs}`]);
      assert.doesNotMatch((await token(name, role)).stderr, /registered the person/);
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

  it('each private key is the person\'s alone: mode 0600, in a directory only they can enter', () => {
    for (const name of ['alice', 'bob'] as const) {
      assert.equal(statSync(keys[name].file).mode & 0o777, 0o600, keys[name].file);
      assert.equal(statSync(join(dir, `home-${name}`)).mode & 0o077, 0, `home-${name} is open to others`);
      assert.match(readFileSync(keys[name].file, 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
      assert.match(readFileSync(keys[name].pub, 'utf8'), /^-----BEGIN PUBLIC KEY-----\n/);
    }
  });

  it('alice signs the plan as its performer; bob cannot approve with a key not his, and approves with his own', async () => {
    const root = (await get('bob', `/v1/orders/${orderId}`)).plan.root;
    const signed = await order('alice', ['sign-plan', orderId, '--plan-root', root, '--key', keys.alice.file]);
    assert.equal(signed.code, 0, signed.stderr);
    assert.equal(signed.stdout, `signed the plan ${root} of ${orderId} as performer with key ${keys.alice.keyid}`);
    const wrong = await order('bob', ['approve', orderId, '--plan-root', root, '--key', keys.alice.file]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, new RegExp(`409 APPROVAL_REFUSED: .*key ${keys.alice.keyid} is not registered to bob`));
    const approved = await order('bob', ['approve', orderId, '--plan-root', root, '--key', keys.bob.file]);
    assert.equal(approved.code, 0, approved.stderr);
    assert.equal(approved.stdout, `approved ${orderId} by bob for plan root ${root} with key ${keys.bob.keyid}`);
    const o = await get('audrey', `/v1/orders/${orderId}`);
    assert.deepEqual(o.signatures.map((a: any) => `${a.role} ${a.person} ${a.keyid}`), [`performer alice ${keys.alice.keyid}`, `approver bob ${keys.bob.keyid}`]);
  });

  it('alice executes; with --no-worker nothing runs until a worker starts', async () => {
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
    // The whole bundle, pinned by the SHA-256 of its trust.json: both signatures checked against the keys it lists.
    const trustSha256 = createHash('sha256').update(readFileSync(join(certDir(), 'trust.json'))).digest('hex');
    const bundle = await shredproof(['verify', '--bundle', certDir(), '--trust-sha256', trustSha256], {});
    assert.equal(bundle.code, 0, bundle.stdout + bundle.stderr);
    assert.match(bundle.stdout, new RegExp(`^approved by bob with their own key ${keys.bob.keyid} \\(signed \\S+; in the trust root\\)$`, 'm'));
    assert.match(bundle.stdout, new RegExp(`^plan signed by the performer alice with their own key ${keys.alice.keyid} \\(signed \\S+; in the trust root\\)$`, 'm'));
    // The served trust.json is the one in the bundle, and lists the keys alice and bob made.
    const served = await (await fetch(`${url}/v1/trust.json`)).text();
    assert.equal(served, readFileSync(join(certDir(), 'trust.json'), 'utf8'));
    const listed = JSON.parse(served).approvalKeys.map((k: any) => `${k.person} ${k.keyid}`).sort();
    assert.deepEqual(listed, [`alice ${keys.alice.keyid}`, `bob ${keys.bob.keyid}`]);
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
    // The writes on the order, by their path: it names the order whatever the answer was.
    const writes = entries.filter((e: any) => e.tokenId !== null && e.method === 'POST' && (e.path === '/v1/orders' ? e.orderId === orderId : e.path.startsWith(`/v1/orders/${orderId}/`)));
    const seen = writes.map((e: any) => `${e.action} ${e.actor} ${e.role} ${e.tokenId} ${e.status} ${e.remote}`);
    const alice = `${tokens.alice.id} `;
    assert.deepEqual(seen, [
      `createOrder alice operator ${alice}201 127.0.0.1`,
      `planOrder alice operator ${alice}202 127.0.0.1`,
      `signPlan alice operator ${alice}200 127.0.0.1`,
      `approveOrder bob approver ${tokens.bob.id} 409 127.0.0.1`,
      `approveOrder bob approver ${tokens.bob.id} 200 127.0.0.1`,
      `executeOrder alice operator ${alice}202 127.0.0.1`,
    ]);
    for (const e of writes) assert.equal(e.userAgent, 'shredproof-cli/0.1.0');
    // The state changes, in the same log, with the actor the ledger recorded.
    const states = entries.filter((e: any) => e.orderId === orderId && e.action.startsWith('order.')).map((e: any) => `${e.action}:${e.actor}`);
    assert.deepEqual(states, ['order.draft:alice', 'order.planning:alice', 'order.planned:alice', 'order.sign-plan:alice', 'order.approved:bob', 'order.executing:alice', 'order.finalizing:coordinator', 'order.certified:coordinator']);
    // The tokens were made on the command line, and say so; so were the people and their keys.
    assert.equal(entries.filter((e: any) => e.action === 'token.create').length, 3);
    assert.deepEqual(entries.filter((e: any) => e.action === 'person.add').map((e: any) => e.detail), [
      'person audrey registered with roles auditor',
      'person alice registered with roles operator',
      'person bob registered with roles approver',
    ]);
    const keyEntries = entries.filter((e: any) => e.action === 'person.key').map((e: any) => e.detail.replace(/ from \S+:/, ' from T:'));
    assert.deepEqual(keyEntries, [`key ${keys.alice.keyid} of alice from T: signs as performer`, `key ${keys.bob.keyid} of bob from T: signs as approver`]);
    assert.ok(entries.filter((e: any) => /^(person|token)\./.test(e.action)).every((e: any) => e.actor.startsWith('local')));
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
