// `shredproof order ...` (src/cli/commands/order/ over src/client) against
// a live in-process API: real Redis, real ledger, real files, the in-process
// worker. Every subcommand in text and --json; the server's refusals printed
// with their code and each field; usage errors, an unreachable server and a
// refused token with their exit codes; a progress stream that drops and is
// followed again. Approvals and performer signatures are signed with keys
// made by `shredproof person keygen` and registered with `person set-key`.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseSse } from '../../src/client/sse.js';
import { type ApiHarness, startApiHarness, waitForState } from '../helpers/api-harness.js';
import { runCli } from '../helpers/run-cli.js';

const HOLD = { id: 'hold-1', reason: 'litigation hold on user-0007', target: 'photos', match: { include: ['users/user-0007/**'] } };
/** An order over some users of the dataset (5 photos each), with user-0007 held when it is in scope. */
const orderOver = (users: string) => ({ reference: `cli test ${users}`, targets: [{ backend: 'photos', scope: { include: [`users/user-00${users}/**`] } }], holds: [HOLD] });

describe('shredproof order (the API client)', () => {
  let api: ApiHarness;
  let dir: string;
  let as: (who: keyof ApiHarness['tokens'], ...args: string[]) => ReturnType<typeof runCli>;
  let id: string;
  let planRoot: string;
  /** The private key files and key ids that `person keygen` made for alice and bob. */
  const keys = {} as Record<'alice' | 'bob', { file: string; keyid: string }>;

  const writeJson = (name: string, v: unknown) => {
    const f = join(dir, name);
    writeFileSync(f, typeof v === 'string' ? v : JSON.stringify(v));
    return f;
  };
  /** Creates, plans and (as bob) approves an order over the API directly; returns its id and plan root. */
  async function approvedOrder(users: string): Promise<{ id: string; root: string }> {
    const o = (await (await api.call('/v1/orders', { method: 'POST', json: orderOver(users) })).json()) as { id: string };
    const planned = await as('alice', 'order', 'plan', o.id, '--json');
    assert.equal(planned.code, 0, planned.stderr);
    const root = JSON.parse(planned.stdout).plan.root as string;
    const approved = await as('bob', 'order', 'approve', o.id, '--plan-root', root, '--key', keys.bob.file);
    assert.equal(approved.code, 0, approved.stderr);
    return { id: o.id, root };
  }

  before(async () => {
    api = await startApiHarness({ objects: 100, batchSize: 10 });
    dir = mkdtempSync(join(tmpdir(), 'sp-order-cli-'));
    as = (who, ...args) => runCli(...args, '--server', api.url, '--token', api.tokens[who]);
    // Each makes their own key; the server's machine registers its public half (their harness test key stops then).
    for (const name of ['alice', 'bob'] as const) {
      const made = await runCli('person', 'keygen', '--name', name, '--dir', join(dir, 'keys'));
      assert.equal(made.code, 0, made.stderr);
      const keyid = /^keyid ([0-9a-f]{64})$/m.exec(made.stdout)![1]!;
      const set = await runCli('person', 'set-key', '--name', name, '--public-key', join(dir, 'keys', `${name}.pub.pem`), '--data-dir', api.config.dataDir);
      assert.equal(set.code, 0, set.stderr);
      assert.match(set.stdout, new RegExp(`^key ${keyid} of ${name} from \\S+: signs as `));
      keys[name] = { file: join(dir, 'keys', `${name}.key.pem`), keyid };
    }
    assert.equal(statSync(keys.bob.file).mode & 0o777, 0o600);
  });
  after(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('create prints the new id; --json prints the order', async () => {
    const f = writeJson('order.json', orderOver('0[0-9]'));
    const r = await as('alice', 'order', 'create', f);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^ord-[0-9a-f-]{36}$/);
    assert.match(r.stderr, /created ord-.* \(draft\) by alice; next: shredproof order plan/);
    id = r.stdout;
    const j = await as('alice', 'order', 'create', f, '--json');
    assert.equal(j.code, 0, j.stderr);
    const o = JSON.parse(j.stdout);
    assert.deepEqual([o.state, o.createdBy, o.document.reference], ['draft', 'alice', 'cli test 0[0-9]']);
    const c = await as('alice', 'order', 'cancel', o.id, '--reason', 'made twice by the test');
    assert.equal(c.code, 0, c.stderr);
  });

  it('create: a bad order document is refused with exit 1, the code and every bad field', async () => {
    const f = writeJson('bad.json', { reference: '', targets: [{ backend: 'photos', scope: { include: ['../escape/**'] } }], colour: 'red' });
    const r = await as('alice', 'order', 'create', f);
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stderr.split('\n');
    assert.match(lines[0]!, /^order create: refused by the server: 400 INVALID_REQUEST: /);
    assert.ok(lines.some((l) => /^ {2}body \$\.reference: /.test(l)), r.stderr);
    assert.ok(lines.some((l) => /^ {2}body \$\.targets\[0\]\.scope\.include\[0\]: .*'\.\.'/.test(l)), r.stderr);
    assert.ok(lines.includes('  body $.colour: unknown field'), r.stderr);
    assert.equal(r.stdout, '');
    // --json also prints the problem document on stdout, for scripts
    const j = await as('alice', 'order', 'create', f, '--json');
    assert.equal(j.code, 1);
    const p = JSON.parse(j.stdout);
    assert.equal(p.code, 'INVALID_REQUEST');
    assert.ok(p.errors.length >= 3);
  });

  it('create: a file that is missing or not JSON is a usage error (exit 2), and nothing reaches the server', async () => {
    const missing = await as('alice', 'order', 'create', join(dir, 'nope.json'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read .*nope\.json: ENOENT/);
    const notJson = await as('alice', 'order', 'create', writeJson('bad.txt', '{"reference": '));
    assert.equal(notJson.code, 2);
    assert.match(notJson.stderr, /bad\.txt is not JSON/);
  });

  it('plan waits for the plan and prints its root, objects, bytes and held per target', async () => {
    const r = await as('alice', 'order', 'plan', id);
    assert.equal(r.code, 0, r.stderr);
    const o = (await (await api.call(`/v1/orders/${id}`)).json()) as any;
    planRoot = o.plan.root;
    assert.equal(o.state, 'planned');
    assert.match(r.stdout, new RegExp(`^planned ${id}$`, 'm'));
    assert.match(r.stdout, new RegExp(`^plan root  ${planRoot}$`, 'm'));
    // users 0000-0009, 5 photos each; user-0007 is held
    assert.match(r.stdout, /^plan {7}50 objects, .* 5 held; planned /m);
    assert.match(r.stdout, /^ {2}photos: 50 objects, [0-9.]+ kB, 5 held$/m);
    assert.match(r.stdout, new RegExp(`shredproof order approve ${id} --plan-root ${planRoot}`));
    assert.match(r.stderr, /^planning: \d+ objects? listed$/m);
  });

  it('plan --no-wait returns at once with the order planning; planning a planned order again gives a new plan', async () => {
    const o = (await (await api.call('/v1/orders', { method: 'POST', json: orderOver('1[0-4]') })).json()) as any;
    const r = await as('alice', 'order', 'plan', o.id, '--no-wait', '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).state, 'planning');
    const first = await waitForState(api, o.id, ['planned']);
    const again = await as('alice', 'order', 'plan', o.id, '--json');
    assert.equal(again.code, 0, again.stderr);
    const replanned = JSON.parse(again.stdout);
    assert.equal(replanned.state, 'planned');
    assert.equal(replanned.plan.objects, first.plan.objects);
    // fresh salts: a new inventory root, which a new approval must name
    assert.notEqual(replanned.plan.root, first.plan.root);
  });

  it('approve: the creator is refused even with an approver token and her own key (exit 1, SELF_APPROVAL)', async () => {
    const r = await as('aliceApprover', 'order', 'approve', id, '--plan-root', planRoot, '--key', keys.alice.file);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^order approve: refused by the server: 409 SELF_APPROVAL: /);
  });

  it('approve: an operator token is refused (exit 1, 403 FORBIDDEN); a bad or missing --plan-root or --key is a usage error', async () => {
    const r = await as('olga', 'order', 'approve', id, '--plan-root', planRoot, '--key', keys.bob.file);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /403 FORBIDDEN: approveOrder needs the role approver; this token's role is operator/);
    const bad = await as('bob', 'order', 'approve', id, '--plan-root', 'abc', '--key', keys.bob.file);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--plan-root must be 64 lowercase hex digits/);
    const none = await as('bob', 'order', 'approve', id, '--key', keys.bob.file);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /required option '--plan-root <hex>'/);
    const noKey = await as('bob', 'order', 'approve', id, '--plan-root', planRoot);
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /required option '--key <file>'/);
    const missing = await as('bob', 'order', 'approve', id, '--plan-root', planRoot, '--key', join(dir, 'keys', 'nobody.key.pem'));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^order approve: --key .*nobody\.key\.pem: no such file \(shredproof person keygen makes one\)$/);
    const notKey = await as('bob', 'order', 'approve', id, '--plan-root', planRoot, '--key', join(dir, 'keys', 'bob.pub.pem'));
    assert.equal(notKey.code, 2, notKey.stderr);
    assert.equal(api.runtime.deps.ledger.getOrder(id)!.state, 'planned');
  });

  it('approve: a key that is not bob\'s own is refused (exit 1, 409 APPROVAL_REFUSED), and the order stays planned', async () => {
    const r = await as('bob', 'order', 'approve', id, '--plan-root', planRoot, '--key', keys.alice.file);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^order approve: refused by the server: 409 APPROVAL_REFUSED: .*key ${keys.alice.keyid} is not registered to bob`));
    const j = await as('bob', 'order', 'approve', id, '--plan-root', planRoot, '--key', keys.alice.file, '--json');
    assert.equal(j.code, 1);
    assert.equal(JSON.parse(j.stdout).code, 'APPROVAL_REFUSED');
    const o = (await (await api.call(`/v1/orders/${id}`)).json()) as any;
    assert.deepEqual([o.state, o.approval, o.signatures], ['planned', null, []]);
  });

  it('sign-plan: alice signs her plan as its performer with her key; bob cannot (403), nor can olga sign alice\'s order', async () => {
    const byBob = await as('bob', 'order', 'sign-plan', id, '--plan-root', planRoot, '--key', keys.bob.file);
    assert.equal(byBob.code, 1);
    assert.match(byBob.stderr, /403 FORBIDDEN: signPlan needs the role operator/);
    const byOlga = await as('olga', 'order', 'sign-plan', id, '--plan-root', planRoot, '--key', keys.alice.file);
    assert.equal(byOlga.code, 1);
    assert.match(byOlga.stderr, /409 APPROVAL_REFUSED: only the order's creator \(alice\) may sign its plan as performer, not olga/);
    const r = await as('alice', 'order', 'sign-plan', id, '--plan-root', planRoot, '--key', keys.alice.file);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `signed the plan ${planRoot} of ${id} as performer with key ${keys.alice.keyid}`);
    const o = (await (await api.call(`/v1/orders/${id}`)).json()) as any;
    assert.deepEqual(o.signatures.map((a: any) => [a.role, a.person, a.keyid]), [['performer', 'alice', keys.alice.keyid]]);
    assert.equal(o.state, 'planned');
  });

  it('approve: a root other than the current plan is refused (exit 1, STALE_PLAN); bob approves the root he saw, with his key', async () => {
    const stale = await as('bob', 'order', 'approve', id, '--plan-root', 'ab'.repeat(32), '--key', keys.bob.file);
    assert.equal(stale.code, 1);
    assert.match(stale.stderr, /409 STALE_PLAN/);
    const r = await as('bob', 'order', 'approve', id, '--plan-root', planRoot, '--key', keys.bob.file);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `approved ${id} by bob for plan root ${planRoot} with key ${keys.bob.keyid}`);
    const o = (await (await api.call(`/v1/orders/${id}`)).json()) as any;
    assert.deepEqual(o.signatures.map((a: any) => [a.role, a.person, a.keyid]), [['performer', 'alice', keys.alice.keyid], ['approver', 'bob', keys.bob.keyid]]);
  });

  it('execute starts the order without waiting; a second execute is refused (ALREADY_EXECUTED)', async () => {
    const r = await as('alice', 'order', 'execute', id);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^${id} is executing \\(\\d+ batch(es)?\\); follow it with: shredproof order wait ${id}$`));
    const again = await as('alice', 'order', 'execute', id, '--json');
    assert.equal(again.code, 1);
    assert.equal(JSON.parse(again.stdout).code, 'ALREADY_EXECUTED');
  });

  it('wait follows the stream to the end and exits 0 when certified, with the counts', async () => {
    const r = await as('audrey', 'order', 'wait', id, '--timeout', '60');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^${id} certified: destroyed 45 objects \\([0-9.]+ kB\\), retained 5, exceptions 0; certificate \\S+$`));
    // not a terminal: plain progress lines on stderr, never a bar
    assert.doesNotMatch(r.stderr, /\r|\x1b/);
    assert.match(r.stderr, /^(executing|finalizing|certified): \d+\/50 done/m);
    for (let u = 0; u < 10; u++) {
      for (let k = 0; k < 5; k++) {
        const locator = `users/user-000${u}/photo-${String(u * 5 + k).padStart(7, '0')}.jpg`;
        assert.equal(existsSync(join(api.dataset.root, locator)), u === 7, locator);
      }
    }
  });

  it('status shows state, plan, approval, counts and certificate; --json gives the order and its progress', async () => {
    const r = await as('audrey', 'order', 'status', id);
    assert.equal(r.code, 0, r.stderr);
    const o = (await (await api.call(`/v1/orders/${id}`)).json()) as any;
    for (const re of [
      new RegExp(`^order {6}${id}$`),
      /^state {6}certified$/,
      /^created {4}by alice at /,
      new RegExp(`^plan root  ${planRoot}$`),
      new RegExp(`^approval   by bob at \\S+ for plan root ${planRoot}$`),
      /^execution  started \S+, \d+ batch(es)?, finished /,
      /^objects    destroyed 45, retained 5, exceptions 0, pending 0 of 50; /,
      /^rate {7}[0-9.]+ objects\/s, .*; ETA 0 s$/,
      new RegExp(`^certificate ${o.certificate.id}, issued \\S+, 45 records, root [0-9a-f]{64}$`),
    ]) {
      assert.ok(r.stdout.split('\n').some((l) => re.test(l)), `${re} in\n${r.stdout}`);
    }
    const j = JSON.parse((await as('audrey', 'order', 'status', id, '--json')).stdout);
    assert.deepEqual(j.order, o);
    assert.equal(j.progress.counts.destroyed, 45);
  });

  it('fetch writes the certificate bundle, which shredproof verify accepts, pinned', async () => {
    const out = join(dir, 'cert');
    const r = await as('audrey', 'order', 'fetch', id, '--out', out);
    assert.equal(r.code, 0, r.stderr);
    for (const f of ['certificate.json', 'records.ndjson', 'retained.ndjson', 'exceptions.ndjson', 'rescan.ndjson', 'order.json', 'trust.json']) {
      assert.equal(readFileSync(join(out, f), 'utf8'), readFileSync(join(api.config.dataDir, 'certificates', id, f), 'utf8'), f);
    }
    assert.equal(readFileSync(join(out, 'records.ndjson'), 'utf8').split('\n').length, 46);
    assert.match(r.stdout, /pin the key id \(or the trust root's SHA-256\) published out of band/);
    const v = await runCli('verify', '--bundle', out, '--keyid', api.runtime.deps.signer.keyid);
    assert.equal(v.code, 0, v.stdout);
    assert.match(v.stdout, /^VALID \(certificate\.json, records\.ndjson, /);
    assert.match(v.stdout, /^key pinned: yes, by the key id /m);
    // Both signatures are checked against the bundle's trust.json, which lists the keys registered with person set-key.
    assert.match(v.stdout, new RegExp(`^plan signed by the performer alice with their own key ${keys.alice.keyid} \\(signed \\S+; in the trust root\\)$`, 'm'));
    assert.match(v.stdout, new RegExp(`^approved by bob with their own key ${keys.bob.keyid} \\(signed \\S+; in the trust root\\)$`, 'm'));
    const again = await as('audrey', 'order', 'fetch', id, '--out', out);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /certificate\.json exists; choose another --out or give --force/);
    assert.equal((await as('audrey', 'order', 'fetch', id, '--out', out, '--force', '--json')).code, 0);
  });

  it('proof gives a per-object proof that verify accepts; a held object has none (404 NOT_DESTROYED)', async () => {
    const locator = 'users/user-0003/photo-0000015.jpg';
    const file = join(dir, 'proof.json');
    const r = await as('audrey', 'order', 'proof', id, '--locator', locator, '--target', 'photos', '--out', file);
    assert.equal(r.code, 0, r.stderr);
    const v = await runCli('verify', '--proof', file, '--public-key', join(dir, 'cert', 'public-key.pem'));
    assert.equal(v.code, 0, v.stdout);
    assert.match(v.stdout, new RegExp(`inclusion of photos:${locator}`));
    const bySha = await as('bob', 'order', 'proof', id, '--sha256', api.dataset.inScope.get(locator)!);
    assert.deepEqual(JSON.parse(bySha.stdout), JSON.parse(readFileSync(file, 'utf8')));
    const held = await as('audrey', 'order', 'proof', id, '--locator', 'users/user-0007/photo-0000035.jpg');
    assert.equal(held.code, 1);
    assert.match(held.stderr, /404 NOT_DESTROYED/);
    const two = await as('audrey', 'order', 'proof', id, '--leaf-index', '1', '--sha256', 'ab'.repeat(32));
    assert.equal(two.code, 2);
  });

  it('cancel before execution ends the order cancelled; a certified order cannot be cancelled; wait on it exits 1', async () => {
    const o = (await (await api.call('/v1/orders', { method: 'POST', json: orderOver('3[0-9]') })).json()) as any;
    const r = await as('alice', 'order', 'cancel', o.id, '--reason', 'entered twice');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `cancelled ${o.id}`);
    const w = await as('audrey', 'order', 'wait', o.id);
    assert.equal(w.code, 1);
    assert.match(w.stderr, /ended cancelled: cancelled before execution; nothing was destroyed/);
    const late = await as('alice', 'order', 'cancel', id, '--reason', 'too late');
    assert.equal(late.code, 1);
    assert.match(late.stderr, /409 NOT_CANCELLABLE/);
    const noReason = await as('alice', 'order', 'cancel', id);
    assert.equal(noReason.code, 2);
  });

  it('wait exits 1 when the order ends certified-with-exceptions, and says how many', async () => {
    const { id: x } = await approvedOrder('1[0-4]');
    // The file is gone before the run reaches it: an ABSENT exception, never a record.
    unlinkSync(join(api.dataset.root, 'users/user-0010/photo-0000050.jpg'));
    assert.equal((await as('alice', 'order', 'execute', x)).code, 0);
    const r = await as('audrey', 'order', 'wait', x, '--json');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /ended certified-with-exceptions: exceptions: 1 \(objects not destroyed/);
    const j = JSON.parse(r.stdout);
    assert.equal(j.order.state, 'certified-with-exceptions');
    assert.equal(j.progress.counts.exceptions, 1);
  });

  it('wait follows the stream again when it drops, and --timeout ends a wait that lasts too long', async () => {
    const { id: x } = await approvedOrder('1[5-9]');
    const proxy = await dropFirstStream(api.url);
    try {
      const waiting = runCli('order', 'wait', x, '--server', proxy.url, '--token', api.tokens.audrey);
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(proxy.dropped(), 1, 'the first stream was cut');
      assert.equal((await as('alice', 'order', 'execute', x)).code, 0);
      const r = await waiting;
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /order wait: the stream broke: .*; reconnecting \(attempt 1\)/);
      assert.match(r.stdout, new RegExp(`^${x} certified: destroyed 25 objects`));
    } finally {
      await proxy.close();
    }
    const o = (await (await api.call('/v1/orders', { method: 'POST', json: orderOver('4[0-9]') })).json()) as any;
    const t0 = Date.now();
    const t = await as('audrey', 'order', 'wait', o.id, '--timeout', '1.5');
    assert.equal(t.code, 1);
    assert.match(t.stderr, new RegExp(`order wait: ${o.id} is draft after 2 s; still running on the server`));
    assert.ok(Date.now() - t0 < 10_000);
  });

  it('takes the server and the token from SHREDPROOF_SERVER and SHREDPROOF_TOKEN, or the token from --token-file', async () => {
    const saved = { s: process.env.SHREDPROOF_SERVER, t: process.env.SHREDPROOF_TOKEN };
    try {
      process.env.SHREDPROOF_SERVER = api.url;
      process.env.SHREDPROOF_TOKEN = api.tokens.audrey;
      const r = await runCli('order', 'status', id);
      assert.equal(r.code, 0, r.stderr);
      const tf = writeJson('token', `${api.tokens.bob}\n`);
      const f = await runCli('order', 'status', id, '--token-file', tf, '--json');
      assert.equal(f.code, 0, f.stderr);
      const both = await runCli('order', 'status', id, '--token-file', tf, '--token', api.tokens.bob);
      assert.equal(both.code, 2);
      assert.match(both.stderr, /give --token or --token-file, not both/);
      const missing = await runCli('order', 'status', id, '--token-file', join(dir, 'no-token'));
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /cannot read the token file .*no-token: ENOENT/);
      delete process.env.SHREDPROOF_TOKEN;
      const none = await runCli('order', 'status', id);
      assert.equal(none.code, 2);
      assert.match(none.stderr, /no token: give --token-file FILE or set SHREDPROOF_TOKEN/);
    } finally {
      for (const [k, v] of [['SHREDPROOF_SERVER', saved.s], ['SHREDPROOF_TOKEN', saved.t]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('a token the server does not accept, and a server that does not answer, exit 2 with a clear message', async () => {
    const bad = await runCli('order', 'status', id, '--server', api.url, '--token', `sp_${'0'.repeat(16)}_${'A'.repeat(43)}`);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^order status: the server did not accept the token \(401 UNAUTHENTICATED: the token is not valid\)\. Check --token-file/);
    const port = await closedPort();
    const gone = await runCli('order', 'status', id, '--server', `http://127.0.0.1:${port}`, '--token', api.tokens.audrey);
    assert.equal(gone.code, 2);
    assert.match(gone.stderr, new RegExp(`^order status: cannot reach the shredproof server at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)\\. Is \`shredproof serve\` running there\\?`));
    // wait gives up at once when the server was never reached (it only follows again a stream that it had)
    const t0 = Date.now();
    const w = await runCli('order', 'wait', id, '--server', `http://127.0.0.1:${port}`, '--token', api.tokens.audrey);
    assert.equal(w.code, 2);
    assert.ok(Date.now() - t0 < 5000);
    const notHttp = await runCli('order', 'status', id, '--server', 'ftp://127.0.0.1', '--token', api.tokens.audrey);
    assert.equal(notHttp.code, 2);
    assert.match(notHttp.stderr, /--server: not an http\(s\) URL/);
  });

  it('names a path parameter the server refuses, and an order that does not exist (exit 1)', async () => {
    const bad = await as('audrey', 'order', 'status', 'not-an-id');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /400 INVALID_REQUEST: The request is not valid\n {2}path \$\.id: is not an order id/);
    const none = await as('audrey', 'order', 'status', 'ord-00000000-0000-4000-8000-000000000000');
    assert.equal(none.code, 1);
    assert.match(none.stderr, /404 NOT_FOUND: no order ord-00000000-0000-4000-8000-000000000000/);
  });

  it('bad usage exits 2: no subcommand argument, unknown option, bad --timeout', async () => {
    assert.equal((await runCli('order', 'status')).code, 2);
    assert.equal((await as('audrey', 'order', 'status', id, '--bogus')).code, 2);
    const t = await as('audrey', 'order', 'wait', id, '--timeout', 'soon');
    assert.equal(t.code, 2);
    assert.match(t.stderr, /--timeout must be a number of seconds above 0/);
  });
});

describe('the SSE reader', () => {
  const stream = (...chunks: string[]) =>
    new ReadableStream<Uint8Array>({
      start(c) {
        for (const s of chunks) c.enqueue(new TextEncoder().encode(s));
        c.close();
      },
    });
  const all = async (s: ReadableStream<Uint8Array>) => {
    const out = [];
    for await (const e of parseSse(s)) out.push(e);
    return out;
  };

  it('reads events split anywhere, with CRLF, CR or LF line ends, comments and multi-line data', async () => {
    const events = await all(stream(': hi\r\nevent: progress\r', '\ndata: {"a":', '1}\r\n\r\ndata: one\ndata: two\n\nid: 7\revent: end\rdata:x\r\r', 'data: cut off'));
    assert.deepEqual(events, [
      { event: 'progress', data: '{"a":1}' },
      { event: 'message', data: 'one\ntwo' },
      { event: 'end', data: 'x', id: '7' },
    ]);
  });

  it('dispatches nothing for an event without data, and refuses an endless line', async () => {
    assert.deepEqual(await all(stream('event: progress\n\n: only a comment\n\n')), []);
    await assert.rejects(all(stream('data: ' + 'x'.repeat(5 * 1024 * 1024))), /longer than/);
  });
});

/** A loopback port that nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A proxy in front of the API that cuts the first progress stream after its first chunk. */
async function dropFirstStream(upstream: string): Promise<{ url: string; dropped: () => number; close: () => Promise<void> }> {
  let dropped = 0;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const up = await fetch(upstream + req.url, { headers: { authorization: req.headers.authorization ?? '', accept: req.headers.accept ?? '*/*' } });
      const headers = Object.fromEntries([...up.headers].filter(([k]) => !['transfer-encoding', 'connection', 'keep-alive', 'content-length'].includes(k)));
      res.writeHead(up.status, headers);
      const reader = up.body!.getReader();
      const cut = req.url!.includes('/progress/stream') && dropped === 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (cut) {
          // Once the first event reached the client, the connection breaks off mid-stream.
          dropped++;
          await new Promise<void>((r) => res.write(value, () => r()));
          await reader.cancel();
          res.destroy();
          return;
        }
        res.write(value);
      }
      res.end();
    })().catch(() => res.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dropped: () => dropped,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
