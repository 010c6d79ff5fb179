// The worker's liveness signal (src/adapters/queue/worker-liveness.ts; issue 12, item 5):
// - a heartbeat on a Redis of the test's own: the file is rewritten while
//   Redis answers, no longer once it is killed (said once), again once it is
//   back, and is gone after stop(), with no beat after that;
// - a file that cannot be written fails at start, naming the variable;
// - a real `shredproof worker` (spawned through bin/) with
//   SHREDPROOF_WORKER_HEARTBEAT_FILE writes the file, refreshes it, and
//   removes it on SIGTERM; without the variable it writes nothing.
// The compose healthcheck that reads the file is run in test/docs/docker-files.test.ts.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { loadQueueAuth } from '../../../src/adapters/queue/queue-key.js';
import {
  HEARTBEAT_FILE_ENV,
  HEARTBEAT_INTERVAL_MS,
  HEARTBEAT_MAX_AGE_MS,
  heartbeatFileFromEnv,
  redisProbe,
  WorkerHeartbeat,
} from '../../../src/adapters/queue/worker-liveness.js';
import { kill, type Proc, sleep, spawnShredproof, withTimeout } from '../../helpers/procs.js';
import { OwnRedis } from '../../helpers/redis-server.js';
import { dropPrefix, freshPrefix, REDIS_URL, requireRedis } from '../../helpers/services.js';

const dir = mkdtempSync(join(tmpdir(), 'sp-liveness-'));
const cleanups: Array<() => Promise<unknown>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

const mtime = (f: string) => statSync(f).mtimeMs;

/** Polls until `ok()` holds, or fails with `what`. */
async function until(ok: () => boolean, ms: number, what: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) assert.fail(what());
    await sleep(20);
  }
}

function capture() {
  const lines: Array<{ level: number; msg: string }> = [];
  const log = pino({ level: 'debug' }, { write: (l: string) => void lines.push(JSON.parse(l) as { level: number; msg: string }) });
  return { log, lines };
}

describe('heartbeatFileFromEnv', () => {
  it('is off when the variable is unset or empty, and an absolute path when set', () => {
    assert.equal(heartbeatFileFromEnv({}), undefined);
    assert.equal(heartbeatFileFromEnv({ [HEARTBEAT_FILE_ENV]: '  ' }), undefined);
    assert.equal(heartbeatFileFromEnv({ [HEARTBEAT_FILE_ENV]: '/tmp/worker.alive' }), '/tmp/worker.alive');
    assert.equal(heartbeatFileFromEnv({ [HEARTBEAT_FILE_ENV]: 'worker.alive' }), join(process.cwd(), 'worker.alive'));
  });

  it('tolerates one missed beat before the healthcheck calls the worker stale', () => {
    assert.ok(HEARTBEAT_MAX_AGE_MS >= 2 * HEARTBEAT_INTERVAL_MS + 5000, `max age ${HEARTBEAT_MAX_AGE_MS} ms, interval ${HEARTBEAT_INTERVAL_MS} ms`);
  });
});

describe('WorkerHeartbeat against a real Redis', () => {
  let redis: OwnRedis;
  before(async () => {
    redis = await OwnRedis.start(false);
    cleanups.push(() => redis.stop());
  });

  it('refreshes the file while Redis answers, stops while it is down (saying so once), resumes, and removes the file on stop', async () => {
    const file = join(dir, 'in-process.alive');
    const { log, lines } = capture();
    const probe = await redisProbe(redis.url);
    const interval = 100;
    const hb = await WorkerHeartbeat.start({ file, probe: probe.check, log, intervalMs: interval });
    let down = false;
    try {
      // Written at start, then rewritten every interval.
      assert.match(readFileSync(file, 'utf8'), /^\d{4}-\d\d-\d\dT[\d:.]+Z\n$/);
      utimesSync(file, 0, 0);
      await until(() => Date.now() - mtime(file) < 1000, 20 * interval, () => 'the file was not refreshed while Redis answers');

      await redis.kill();
      down = true;
      await sleep(3 * interval); // a beat in flight when Redis went may still land
      const frozen = mtime(file);
      await sleep(8 * interval);
      assert.equal(mtime(file), frozen, 'the file is refreshed while Redis is down');
      const warnings = lines.filter((l) => /the queue does not answer/.test(l.msg));
      assert.equal(warnings.length, 1, `said once: ${JSON.stringify(lines)}`);
      assert.equal(warnings[0]!.level, 40);

      await redis.up();
      down = false;
      await until(() => mtime(file) > frozen, 10_000, () => 'the file was not refreshed once Redis answered again');
      assert.ok(lines.some((l) => /heartbeat resumed/.test(l.msg)), JSON.stringify(lines));
    } finally {
      await hb.stop();
      probe.close();
      if (down) await redis.up(); // for the next test, when this one failed while Redis was down
    }
    assert.ok(!existsSync(file), 'stop() removes the file');
    await sleep(5 * interval);
    assert.ok(!existsSync(file), 'no beat after stop()');
  });

  it('a file that cannot be written fails at start, naming the variable', async () => {
    const probe = await redisProbe(redis.url);
    try {
      const file = join(dir, 'no-such-dir', 'worker.alive');
      await assert.rejects(WorkerHeartbeat.start({ file, probe: probe.check, log: capture().log }), (e: Error) => {
        assert.match(e.message, new RegExp(`cannot write the heartbeat file .*no-such-dir.*${HEARTBEAT_FILE_ENV}`));
        return true;
      });
      assert.ok(!existsSync(file));
    } finally {
      probe.close();
    }
  });

  it('a probe that hangs counts as a failure after one interval', async () => {
    const file = join(dir, 'hang.alive');
    const { log, lines } = capture();
    let hang = false;
    const hb = await WorkerHeartbeat.start({ file, probe: () => (hang ? new Promise<void>(() => undefined) : Promise.resolve()), log, intervalMs: 50 });
    try {
      hang = true;
      await until(() => lines.some((l) => /no answer in 50 ms/.test(l.msg)), 2000, () => JSON.stringify(lines));
      const frozen = mtime(file);
      await sleep(300);
      assert.equal(mtime(file), frozen);
    } finally {
      await hb.stop();
    }
    assert.ok(!existsSync(file));
  });
});

describe('a real `shredproof worker` with the heartbeat file', () => {
  const prefix = freshPrefix();
  let base: Record<string, string>;
  const procs: Proc[] = [];
  before(async () => {
    await requireRedis();
    writeFileSync(join(dir, 'backends.json'), JSON.stringify({ backends: { photos: { kind: 'filesystem', root: dir } } }));
    loadQueueAuth(join(dir, 'queue.key'), { create: true }); // what serve makes on its first start
    base = { REDIS_URL, SHREDPROOF_PREFIX: prefix, SHREDPROOF_BACKENDS: join(dir, 'backends.json'), SHREDPROOF_QUEUE_KEY_FILE: join(dir, 'queue.key'), LOG_LEVEL: 'info' };
    cleanups.push(async () => {
      for (const p of procs) await kill(p);
      await dropPrefix(prefix);
    });
  });

  const start = (env: Record<string, string>) => {
    const p = spawnShredproof(['worker'], { ...base, ...env });
    procs.push(p);
    return p;
  };
  const started = (p: Proc) =>
    withTimeout(
      (async () => {
        while (!/shredproof worker started/.test(p.output())) {
          if (p.child.exitCode !== null) throw new Error(`exited ${p.child.exitCode}:\n${p.output()}`);
          await sleep(100);
        }
      })(),
      90_000,
      () => `the worker did not start:\n${p.output()}`,
    );
  const stop = async (p: Proc) => {
    p.child.kill('SIGTERM');
    assert.equal(await withTimeout(p.exited, 30_000, () => `did not stop:\n${p.output()}`), 0, p.output());
  };

  it('writes the file when started, refreshes it every interval, and removes it on SIGTERM', async () => {
    const file = join(dir, 'worker.alive');
    const p = start({ [HEARTBEAT_FILE_ENV]: file });
    await started(p);
    assert.ok(existsSync(file), `no heartbeat file once started:\n${p.output()}`);
    assert.match(p.output(), new RegExp(`"heartbeat":"${file.replace(/[.\\]/g, '\\$&')}"`));
    utimesSync(file, 0, 0);
    await until(() => Date.now() - mtime(file) < HEARTBEAT_INTERVAL_MS, HEARTBEAT_INTERVAL_MS + 10_000, () => `not refreshed:\n${p.output()}`);
    await stop(p);
    assert.ok(!existsSync(file), 'the file outlived the worker');
  });

  it('writes no file without the variable', async () => {
    const p = start({ [HEARTBEAT_FILE_ENV]: '' });
    await started(p);
    assert.doesNotMatch(p.output(), /"heartbeat"/);
    await stop(p);
  });
});
