// A real `shredproof serve` with a client following an order's progress
// stream: SIGTERM ends the stream and the process exits 0 promptly (an open
// event stream must not hold the server open).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { demoOrder, writeDataset } from '../../src/demo/dataset.js';
import { spawnShredproof, withTimeout, type Proc } from '../helpers/procs.js';
import { runCli } from '../helpers/run-cli.js';
import { dropPrefix, freshPrefix, REDIS_URL, requireRedis } from '../helpers/services.js';
import { freePort } from '../helpers/redis-server.js';

describe('shredproof serve: start and graceful shutdown', () => {
  let dir: string;
  let env: Record<string, string>;
  let serve: Proc | undefined;
  before(async () => {
    await requireRedis();
    dir = mkdtempSync(join(tmpdir(), 'sp-shutdown-'));
    const ds = writeDataset(join(dir, 'store'), 10);
    writeFileSync(join(dir, 'backends.json'), JSON.stringify({ backends: { photos: { kind: 'filesystem', root: ds.root } } }));
    assert.equal((await runCli('keygen', '--dir', join(dir, 'keys'))).code, 0);
    env = {
      DATA_DIR: join(dir, 'data'),
      REDIS_URL,
      SHREDPROOF_PREFIX: freshPrefix(),
      SHREDPROOF_KEY: join(dir, 'keys', 'signing-key.pem'),
      SHREDPROOF_BACKENDS: join(dir, 'backends.json'),
      PORT: String(await freePort()),
      SHREDPROOF_ISSUER: 'shredproof shutdown test',
      LOG_LEVEL: 'info',
    };
  });
  after(async () => {
    if (serve) serve.child.kill('SIGKILL');
    await dropPrefix(env.SHREDPROOF_PREFIX!).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('ends the stream and exits 0 on SIGTERM', async () => {
    const token = (await runCli('token', 'create', '--role', 'operator', '--name', 'olga', '--data-dir', env.DATA_DIR!)).stdout;
    serve = spawnShredproof(['serve'], env);
    const url = `http://127.0.0.1:${env.PORT}`;
    await withTimeout(
      (async () => {
        for (;;) {
          // A serve that exited will never be ready: stop polling (the loop kept the test process alive for 10 minutes).
          if (serve!.child.exitCode !== null) throw new Error(`serve exited ${serve!.child.exitCode}:\n${serve!.output()}`);
          try {
            if ((await fetch(`${url}/readyz`)).ok) return;
          } catch {
            // not listening yet
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      })(),
      30_000,
      () => `serve did not become ready:\n${serve!.output()}`,
    );
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const order = (await (await fetch(`${url}/v1/orders`, { method: 'POST', headers, body: JSON.stringify(demoOrder('photos')) })).json()) as { id: string };
    const stream = await fetch(`${url}/v1/orders/${order.id}/progress/stream`, { headers });
    assert.equal(stream.status, 200);
    const reader = stream.body!.getReader();
    assert.match(new TextDecoder().decode((await reader.read()).value), /^event: progress/);
    const t0 = Date.now();
    serve.child.kill('SIGTERM');
    const code = await withTimeout(serve.exited, 15_000, () => `serve did not exit:\n${serve!.output()}`);
    assert.equal(code, 0, serve.output());
    assert.ok(Date.now() - t0 < 10_000);
    // The stream was ended by the server, not cut by the exit.
    for (;;) if ((await reader.read()).done) break;
    assert.match(serve.output(), /shutting down/);
  });

  it('exits 1 with a clear message when its port is taken (express 5 reports listen errors to the callback)', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(Number(env.PORT), '127.0.0.1', () => r()));
    try {
      const p = spawnShredproof(['serve'], { ...env, DATA_DIR: join(dir, 'data-2') });
      const code = await withTimeout(p.exited, 30_000, () => `serve kept running on a taken port:\n${p.output()}`);
      assert.equal(code, 1);
      assert.match(p.output(), new RegExp(`cannot listen on 127\\.0\\.0\\.1:${env.PORT}: the address is in use`));
    } finally {
      await new Promise<void>((r) => taken.close(() => r()));
    }
  });
});
