// Redis with a password, and with an ACL user confined to the deployment's key
// prefix (docs/SECURITY.md): a whole order runs and certifies through each.
// A real redis-server of the test's own, on its own port.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { executeDemoOrder, startHarness } from '../../helpers/engine-harness.js';
import { freePort } from '../../helpers/redis-server.js';

async function waitUp(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const c = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    c.on('error', () => undefined);
    const up = await c.connect().then(() => c.ping()).then(() => true, () => false);
    c.disconnect();
    if (up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server at ${url.replace(/:[^:@/]*@/, ':***@')} did not start`);
}

describe('Redis that asks who is there', () => {
  let port: number;
  let server: ChildProcess;
  const prefix = 'spacl';
  before(async () => {
    port = await freePort();
    server = spawn('redis-server', [
      '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction',
      '--requirepass', 'sesame',
      // A user that reaches only this deployment's keys and channels.
      '--user', 'shredproof', 'on', '>open-sesame', `~${prefix}*`, `&${prefix}*`, '+@all', '-@dangerous', '+info', '+client',
    ], { stdio: 'ignore' });
    await waitUp(`redis://:sesame@127.0.0.1:${port}`);
  });
  after(() => server.kill('SIGKILL'));

  for (const [label, url] of [
    ['a password', () => `redis://:sesame@127.0.0.1:${port}`],
    ['an ACL user confined to the key prefix', () => `redis://shredproof:open-sesame@127.0.0.1:${port}`],
  ] as const) {
    it(`an order certifies through ${label}`, async () => {
      const h = await startHarness({ objects: 30, redisUrl: url(), env: { SHREDPROOF_PREFIX: `${prefix}-${Math.random().toString(16).slice(2, 8)}` } });
      try {
        const id = await executeDemoOrder(h);
        h.runtime.coordinator.start();
        assert.equal((await h.runtime.coordinator.waitFor(id)).state, 'certified');
      } finally {
        await h.close();
      }
    });
  }

  it('without credentials nothing runs: the coordinator says so', async () => {
    await assert.rejects(startHarness({ objects: 1, redisUrl: `redis://127.0.0.1:${port}` }), /NOAUTH|not reachable|Authentication/i);
  });
});
