// Start-up that says what is wrong (issue 12, item 3, and the AWS SDK
// warning of item 2), with real `serve` and `worker` processes:
// - Redis down: one "cannot reach Redis at URL" line (without the password),
//   nothing else while it retries with backoff; serve's port answers at once,
//   /readyz 503 and the API 503 "starting"; and the process starts once
//   Redis answers (a redis-server of the test's own, stopped, then started
//   again on the same port);
// - serve without SHREDPROOF_ISSUER refuses to start, saying to set it;
// - a filesystem-only or an S3 backends file: no AWS SDK warning on stderr.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadQueueAuth } from '../../src/adapters/queue/queue-key.js';
import { kill, type Proc, sleep, spawnShredproof, withTimeout } from '../helpers/procs.js';
import { freePort, OwnRedis } from '../helpers/redis-server.js';
import { BIN, ROOT, runCli } from '../helpers/run-cli.js';
import { dropPrefix, freshPrefix, REDIS_URL, requireRedis } from '../helpers/services.js';

const dir = mkdtempSync(join(tmpdir(), 'sp-startup-'));
const procs: Proc[] = [];
const cleanups: Array<() => Promise<unknown>> = [];
after(async () => {
  for (const p of procs) await kill(p);
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

const prefix = freshPrefix();
let base: Record<string, string>;

before(async () => {
  assert.equal((await runCli('keygen', '--dir', join(dir, 'keys'))).code, 0);
  writeFileSync(join(dir, 'fs.json'), JSON.stringify({ backends: { photos: { kind: 'filesystem', root: dir } } }));
  // Never reached: an S3 client is made at start, no request is sent.
  writeFileSync(join(dir, 's3.json'), JSON.stringify({ backends: { bucket: { kind: 's3', bucket: 'photos', region: 'us-east-1', endpoint: 'http://127.0.0.1:9', forcePathStyle: true } } }));
  loadQueueAuth(join(dir, 'data', 'queue.key'), { create: true }); // what serve makes on its first start; a worker needs it
  base = { DATA_DIR: join(dir, 'data'), SHREDPROOF_KEY: join(dir, 'keys', 'signing-key.pem'), SHREDPROOF_BACKENDS: join(dir, 'fs.json'), SHREDPROOF_PREFIX: prefix, SHREDPROOF_ISSUER: 'Startup Test Ltd', LOG_LEVEL: 'info' };
  cleanups.push(() => dropPrefix(prefix));
});

function start(args: string[], env: Record<string, string>): Proc {
  const p = spawnShredproof(args, { ...base, ...env });
  procs.push(p);
  return p;
}

async function waitFor(p: Proc, re: RegExp, ms: number): Promise<void> {
  await withTimeout(
    (async () => {
      while (!re.test(p.output())) {
        if (p.child.exitCode !== null) throw new Error(`exited ${p.child.exitCode} before ${re}:\n${p.output()}`);
        await sleep(100);
      }
    })(),
    ms,
    () => `no ${re} after ${ms} ms:\n${p.output()}`,
  );
}

async function stop(p: Proc): Promise<void> {
  p.child.kill('SIGTERM');
  assert.equal(await withTimeout(p.exited, 30_000, () => `did not stop:\n${p.output()}`), 0, p.output());
}

const lines = (p: Proc) => p.output().split('\n').filter(Boolean);

describe('start-up with Redis down', () => {
  for (const command of ['worker', 'serve'] as const) {
    it(`${command}: says "cannot reach Redis at URL" once while it retries, and starts when Redis answers`, async () => {
      const redis = await OwnRedis.start(false);
      cleanups.push(() => redis.stop());
      await redis.shutdown();
      const port = await freePort();
      const p = start(command === 'serve' ? ['serve'] : ['worker'], { REDIS_URL: redis.url, PORT: String(port) });
      await waitFor(p, /cannot reach Redis/, 20_000);
      await sleep(4000); // several retries (0.25, 0.5, 1, 2 s...)
      if (command === 'serve') {
        // The port answers at once: alive, not ready, and why; the API asks to retry.
        const url = `http://127.0.0.1:${port}`;
        const health = await fetch(`${url}/healthz`);
        assert.equal(health.status, 200);
        const ready = await fetch(`${url}/readyz`);
        assert.equal(ready.status, 503);
        assert.deepEqual(await ready.json(), { status: 'starting', checks: { redis: 'waiting', ledger: 'waiting' } });
        const api = await fetch(`${url}/v1/orders`, { headers: { authorization: 'Bearer x' } });
        assert.equal(api.status, 503);
        assert.equal(api.headers.get('retry-after'), '5');
        assert.match(api.headers.get('content-type') ?? '', /^application\/problem\+json/);
        const problem = (await api.json()) as { code: string; status: number; detail: string };
        assert.equal(problem.code, 'STARTING');
        assert.equal(problem.status, 503);
        assert.match(problem.detail, /redis waiting/);
      }
      // The log key is made on the first start, and said once; then one line about Redis.
      const down = lines(p).filter((l) => !l.includes('"msg":"transparency log key created"'));
      assert.equal(down.length, 1, `one line while Redis is down, not one per retry:\n${p.output()}`);
      const log = JSON.parse(down[0]!) as { level: number; msg: string };
      assert.equal(log.msg, `cannot reach Redis at ${redis.url} (connect ECONNREFUSED 127.0.0.1:${redis.port}); retrying with backoff until it answers`);
      assert.equal(log.level, 50);
      await redis.up();
      await waitFor(p, new RegExp(`shredproof ${command} started`), 30_000);
      if (command === 'serve') {
        const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
        assert.equal(ready.status, 200);
        assert.deepEqual(await ready.json(), { status: 'ready', checks: { ledger: 'ok', redis: 'ok' } });
      }
      assert.match(p.output(), new RegExp(`"msg":"Redis at redis://127.0.0.1:${redis.port} answers"`));
      assert.doesNotMatch(p.output(), /Stream isn't writeable|connection error|queue error|worker error/);
      await stop(p);
    });
  }

  it('never shows the password of REDIS_URL', async () => {
    const port = await freePort();
    const p = start(['worker'], { REDIS_URL: `redis://operator:s3cret-pw@127.0.0.1:${port}` });
    await waitFor(p, /cannot reach Redis/, 20_000);
    assert.match(p.output(), new RegExp(`cannot reach Redis at redis://127\\.0\\.0\\.1:${port} `));
    assert.doesNotMatch(p.output(), /s3cret-pw|operator/);
    await stop(p);
  });
});

describe('the issuer name', () => {
  it('serve refuses to start without SHREDPROOF_ISSUER, saying to set it, before it touches anything', () => {
    // Its own prefix: a serve that did start would publish its own queue key id under it.
    const env: NodeJS.ProcessEnv = { ...process.env, ...base, DATA_DIR: join(dir, 'no-issuer'), SHREDPROOF_PREFIX: freshPrefix(), PORT: '0' };
    delete env.SHREDPROOF_ISSUER;
    const r = spawnSync(process.execPath, [BIN, 'serve'], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /^shredproof: SHREDPROOF_ISSUER is not set: set it to the name of the organisation that signs/m);
    assert.equal(existsSync(join(dir, 'no-issuer')), false, 'no ledger was made');
  });
});

describe('no AWS SDK warning at start', () => {
  const warning = /AWS SDK|NodeDeprecationWarning|NodeVersionSupportWarning|\(node:\d+\) \w*Warning/;
  for (const [command, backends] of [['worker', 'fs.json'], ['serve', 'fs.json'], ['worker', 's3.json'], ['serve', 's3.json']] as const) {
    it(`${command} with ${backends === 'fs.json' ? 'a filesystem-only' : 'an S3'} backends file`, async () => {
      await requireRedis();
      const p = start(command === 'serve' ? ['serve', '--no-worker'] : ['worker'], { REDIS_URL, SHREDPROOF_BACKENDS: join(dir, backends), PORT: String(await freePort()) });
      await waitFor(p, new RegExp(`shredproof ${command} started`), 30_000);
      await stop(p);
      assert.doesNotMatch(p.output(), warning);
    });
  }
});
