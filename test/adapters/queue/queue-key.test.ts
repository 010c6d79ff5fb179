// The secrets on disk (issue: "a group- or world-readable key is accepted and
// the data directory is created 0755 with 0644 files") and the queue key's
// life: made once by the coordinator, copied to workers, refused when exposed,
// malformed or not the coordinator's. Real files, real Redis.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, fstatSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { composeCoordinator } from '../../../src/main/coordinator.js';
import { composeWorker } from '../../../src/main/worker.js';
import { loadConfig } from '../../../src/config/config.js';
import { SqliteLedger } from '../../../src/adapters/ledger/sqlite/sqlite-ledger.js';
import { silentLogger } from '../../../src/log.js';
import { generateKeys } from '../../../src/adapters/keys/pem-keys.js';
import { QueueAuth } from '../../../src/adapters/queue/queue-auth.js';
import { loadQueueAuth } from '../../../src/adapters/queue/queue-key.js';
import { spawnShredproof, kill } from '../../helpers/procs.js';
import { freePort } from '../../helpers/redis-server.js';
import { isLoopbackHost, redisAnswersAnyone } from '../../../src/adapters/queue/redis-exposure.js';
import { dropPrefix, freshPrefix, REDIS_URL, requireRedis } from '../../helpers/services.js';

const mode = (p: string) => statSync(p).mode & 0o777;
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'sp-qk-'));
  dirs.push(d);
  return d;
};
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('files holding secrets', () => {
  it('the ledger: DATA_DIR is created 0700, the database and its WAL 0600', () => {
    const dataDir = join(tmp(), 'data');
    const ledger = new SqliteLedger(join(dataDir, 'ledger.sqlite'));
    ledger.access.listTokens(); // a read; the migrations already wrote, so the WAL exists
    assert.equal(mode(dataDir), 0o700);
    for (const f of ['ledger.sqlite', 'ledger.sqlite-wal', 'ledger.sqlite-shm']) assert.equal(mode(join(dataDir, f)), 0o600, f);
    ledger.close();
  });

  it('a signing key that group or others can read is refused, with the chmod to run', async () => {
    await requireRedis();
    const dir = tmp();
    const keys = await generateKeys(join(dir, 'keys'));
    chmodSync(keys.privateKeyPath, 0o640);
    const config = loadConfig({ DATA_DIR: join(dir, 'data'), REDIS_URL, SHREDPROOF_PREFIX: freshPrefix(), SHREDPROOF_KEY: keys.privateKeyPath, SHREDPROOF_ISSUER: 'test issuer', LOG_LEVEL: 'silent' });
    await assert.rejects(composeCoordinator(config, {}, silentLogger()), /the signing key .* is readable or writable by group or others \(mode 0640\): run chmod 600/);
  });

  it('the transparency log key: made 0600 on first start, and refused once group or others can read it', async () => {
    await requireRedis();
    const dir = tmp();
    const keys = await generateKeys(join(dir, 'keys'));
    const config = loadConfig({ DATA_DIR: join(dir, 'data'), REDIS_URL, SHREDPROOF_PREFIX: freshPrefix(), SHREDPROOF_KEY: keys.privateKeyPath, SHREDPROOF_ISSUER: 'test issuer', LOG_LEVEL: 'silent' });
    const runtime = await composeCoordinator(config, {}, silentLogger());
    await runtime.close();
    assert.equal(mode(config.log.keyPath), 0o600);
    chmodSync(config.log.keyPath, 0o644);
    await assert.rejects(composeCoordinator(config, {}, silentLogger()), /the transparency log key .* is readable or writable by group or others \(mode 0644\): run chmod 600/);
  });
});

describe('the signing key from elsewhere than a file (issue 15: container secrets), and its owner', () => {
  const base = (dir: string) => ({ DATA_DIR: join(dir, 'data'), REDIS_URL, SHREDPROOF_PREFIX: freshPrefix(), SHREDPROOF_ISSUER: 'test issuer', LOG_LEVEL: 'silent', SHREDPROOF_KEY: join(dir, 'no-such-key.pem') });

  it('SHREDPROOF_KEY_PEM and SHREDPROOF_KEY_FD load the key instead of SHREDPROOF_KEY; a bad one is refused, naming the variable', async () => {
    await requireRedis();
    const dir = tmp();
    const keys = await generateKeys(join(dir, 'keys'));
    const pem = readFileSync(keys.privateKeyPath, 'utf8');
    const fromEnv = await composeCoordinator(loadConfig({ ...base(dir), SHREDPROOF_KEY_PEM: pem }), {}, silentLogger());
    const keyid = fromEnv.deps.signer.keyid;
    await fromEnv.close();
    const fd = openSync(keys.privateKeyPath, 'r');
    const fromFd = await composeCoordinator(loadConfig({ ...base(dir), SHREDPROOF_KEY_FD: String(fd) }), {}, silentLogger());
    assert.equal(fromFd.deps.signer.keyid, keyid);
    await fromFd.close();
    assert.throws(() => fstatSync(fd), /EBADF/, 'the descriptor is closed once read');
    await assert.rejects(composeCoordinator(loadConfig({ ...base(dir), SHREDPROOF_KEY_PEM: '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n' }), {}, silentLogger()), /cannot load the signing key from SHREDPROOF_KEY_PEM/);
    await assert.rejects(composeCoordinator(loadConfig({ ...base(dir), SHREDPROOF_KEY_FD: '987' }), {}, silentLogger()), /cannot read the signing key from SHREDPROOF_KEY_FD 987: EBADF/);
    assert.throws(() => loadConfig({ ...base(dir), SHREDPROOF_KEY_FD: '1' }), /SHREDPROOF_KEY_FD.*from 3 up/);
    assert.throws(() => loadConfig({ ...base(dir), SHREDPROOF_KEY_PEM: 'secret' }), /SHREDPROOF_KEY_PEM.*PEM private key/);
  });

  it('a key file owned by another account is refused, with the chown to run', async () => {
    // Giving a file to another account takes root, which .ci/run and scripts/services.sh run as.
    assert.equal(process.getuid?.(), 0, 'this test runs as root (bash .ci/run)');
    const dir = tmp();
    const keys = await generateKeys(join(dir, 'keys'));
    chownSync(keys.privateKeyPath, 65534, 65534);
    const config = loadConfig({ ...base(dir), SHREDPROOF_KEY: keys.privateKeyPath });
    await assert.rejects(composeCoordinator(config, {}, silentLogger()), /the signing key .* belongs to uid 65534, not to the user the server runs as \(uid 0\): run chown 0 /);
  });
});

describe('the queue key', () => {
  it('is made once, 0600, by the coordinator; read as it is on every later load', () => {
    const path = join(tmp(), 'd', 'queue.key');
    const a = loadQueueAuth(path, { create: true });
    assert.equal(mode(path), 0o600);
    assert.match(readFileSync(path, 'utf8'), /^[0-9a-f]{64}\n$/);
    assert.equal(loadQueueAuth(path, { create: true }).keyId, a.keyId);
    assert.equal(loadQueueAuth(path, { create: false }).keyId, a.keyId);
  });

  it('a worker without it, with an exposed one, or with a malformed one refuses to start, saying why', () => {
    const dir = tmp();
    assert.throws(() => loadQueueAuth(join(dir, 'none.key'), { create: false }), /no queue key at .*none\.key: a worker needs the coordinator's queue key/);
    const exposed = join(dir, 'exposed.key');
    writeFileSync(exposed, 'ab'.repeat(32) + '\n', { mode: 0o644 });
    chmodSync(exposed, 0o644);
    assert.throws(() => loadQueueAuth(exposed, { create: false }), /queue key .* \(mode 0644\): run chmod 600/);
    const short = join(dir, 'short.key');
    writeFileSync(short, 'abcd\n', { mode: 0o600 });
    assert.throws(() => loadQueueAuth(short, { create: false }), /want 64 lowercase hex characters/);
  });

  it('a worker whose key is not the coordinator\'s stops at start instead of refusing every job', async () => {
    await requireRedis();
    const dir = tmp();
    const keys = await generateKeys(join(dir, 'keys'));
    const prefix = freshPrefix();
    const env = { DATA_DIR: join(dir, 'data'), REDIS_URL, SHREDPROOF_PREFIX: prefix, SHREDPROOF_KEY: keys.privateKeyPath, SHREDPROOF_ISSUER: 'test issuer', LOG_LEVEL: 'silent' };
    const coordinator = await composeCoordinator(loadConfig(env), {}, silentLogger());
    try {
      const other = join(dir, 'other.key');
      loadQueueAuth(other, { create: true });
      await assert.rejects(composeWorker(loadConfig({ ...env, SHREDPROOF_QUEUE_KEY_FILE: other }), {}, silentLogger()), /this worker's queue key \(id [0-9a-f]+\) is not the coordinator's/);
      const same = await composeWorker(loadConfig(env), {}, silentLogger());
      await same.close();
    } finally {
      await coordinator.close();
      await dropPrefix(prefix);
    }
  });

  it('MACs bind a job to every field: any change, or another key, fails', () => {
    const k1 = new QueueAuth(new Uint8Array(32).fill(1));
    const k2 = new QueueAuth(new Uint8Array(32).fill(2));
    const job = k1.signJob({ orderId: 'o', epoch: 'e', target: 't', batch: 3, items: [{ seq: 1, locator: 'a/b', size: 10 }] });
    k1.verifyJob(job);
    assert.throws(() => k2.verifyJob(job), /does not carry a valid MAC/);
    for (const bad of [
      { ...job, orderId: 'p' },
      { ...job, epoch: 'f' },
      { ...job, target: 'u' },
      { ...job, batch: 4 },
      { ...job, items: [{ seq: 2, locator: 'a/b', size: 10 }] },
      { ...job, items: [{ seq: 1, locator: 'a/c', size: 10 }] },
      { ...job, items: [{ seq: 1, locator: 'a/b', size: 11 }] },
      { ...job, items: [...job.items, { seq: 2, locator: 'x', size: 1 }] },
      { ...job, mac: job.mac.toUpperCase() },
    ]) {
      assert.throws(() => k1.verifyJob(bad), /does not carry a valid MAC/, JSON.stringify(bad));
    }
    assert.throws(() => k1.verifyJob({ ...job, items: 'x' } as never), /malformed/);
    const sealed = k1.seal('d', ['o', 1], '{"a":1}');
    assert.equal(k1.open('d', ['o', 1], sealed, 'v'), '{"a":1}');
    assert.throws(() => k1.open('d', ['o', 2], sealed, 'v'), /does not carry a valid MAC/);
    assert.throws(() => k1.open('e', ['o', 1], sealed, 'v'), /does not carry a valid MAC/);
    assert.throws(() => k1.open('d', ['o', 1], sealed.replace('1}', '2}'), 'v'), /does not carry a valid MAC/);
  });
});

describe('Redis that answers anyone', () => {
  it('is told from one that asks for a password', async () => {
    await requireRedis();
    assert.equal(await redisAnswersAnyone(REDIS_URL), true);
    const port = await freePort();
    const own = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--requirepass', 'sesame'], { stdio: 'ignore' });
    try {
      const url = `redis://:sesame@127.0.0.1:${port}`;
      for (let i = 0; i < 100; i++) {
        const c = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        c.on('error', () => undefined);
        const up = await c.connect().then(() => c.ping()).then(() => true, () => false);
        c.disconnect();
        if (up) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(await redisAnswersAnyone(url), false);
    } finally {
      own.kill('SIGKILL');
    }
    assert.equal(isLoopbackHost('127.0.0.1') && isLoopbackHost('::1') && isLoopbackHost('localhost'), true);
    assert.equal(isLoopbackHost('0.0.0.0') || isLoopbackHost('10.0.0.1'), false);
  });

  it('serve warns at start when it listens beyond loopback and its Redis needs no password', async () => {
    await requireRedis();
    const dir = tmp();
    const keys = await generateKeys(join(dir, 'keys'));
    const backends = join(dir, 'backends.json');
    writeFileSync(backends, JSON.stringify({ backends: {} }));
    const prefix = freshPrefix();
    const env = { DATA_DIR: join(dir, 'data'), REDIS_URL, SHREDPROOF_PREFIX: prefix, SHREDPROOF_KEY: keys.privateKeyPath, SHREDPROOF_BACKENDS: backends, SHREDPROOF_ISSUER: 'test issuer', PORT: String(await freePort()), LOG_LEVEL: 'info' };
    for (const [host, warns] of [['0.0.0.0', true], ['127.0.0.1', false]] as const) {
      const p = spawnShredproof(['serve', '--no-worker'], { ...env, HOST: host });
      try {
        const until = Date.now() + 30_000;
        while (!/shredproof serve started/.test(p.output()) && Date.now() < until && p.child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
        assert.match(p.output(), /shredproof serve started/, p.output());
        assert.equal(/Redis answers clients without a password/.test(p.output()), warns, `HOST=${host}: ${p.output()}`);
      } finally {
        await kill(p, 'SIGTERM');
      }
    }
    await dropPrefix(prefix);
  });
});
