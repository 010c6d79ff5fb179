// processBatch against a real filesystem backend and the real Redis batch
// store: what a worker does when it has lost its job, and when content keeps
// changing under it.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { FilesystemBackend } from '../../src/adapters/storage/filesystem/filesystem-backend.js';
import { processBatch } from '../../src/app/batch-processor.js';
import type { TargetSession } from '../../src/app/ports/storage-backend.js';
import { QueueAuth } from '../../src/adapters/queue/queue-auth.js';
import { RedisBatchStore } from '../../src/adapters/queue/redis-batch-store.js';
import { dropPrefix, freshPrefix, REDIS_URL, requireRedis } from '../helpers/services.js';

describe('processBatch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sp-pb-'));
  const prefix = freshPrefix();
  let redis: Redis;
  let store: RedisBatchStore;
  let backend: FilesystemBackend;
  let session: TargetSession;
  before(async () => {
    await requireRedis();
    redis = new Redis(REDIS_URL);
    store = new RedisBatchStore(redis, prefix, new QueueAuth(new Uint8Array(32).fill(7)));
    backend = new FilesystemBackend({ name: 'photos', root: dir, threads: 2 });
    session = await backend.openTarget({ include: ['**'], allowAll: true }, []);
  });
  after(async () => {
    await session.close();
    await backend.close();
    await dropPrefix(prefix);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });
  const job = (batch: number, names: string[]) => ({
    orderId: 'ord-test',
    epoch: 'e1',
    target: 'photos',
    batch,
    items: names.map((locator, seq) => ({ seq, locator, size: 0 })),
  });

  it('a worker that lost its job destroys nothing: intents are recorded, no object is touched, no outcome is written', async () => {
    for (const n of ['a', 'b']) writeFileSync(join(dir, n), n);
    await assert.rejects(
      processBatch(job(1, ['a', 'b']), {
        store,
        session,
        method: 'unlink',
        now: () => new Date(),
        beforeDestroy: async () => {
          throw new Error('lost the lock');
        },
      }),
      /lost the lock/,
    );
    assert.ok(existsSync(join(dir, 'a')) && existsSync(join(dir, 'b')));
    const state = await store.readBatch('ord-test', 'e1', 1);
    assert.equal(state.intents.size, 2);
    assert.equal(state.outcomes.size, 0);
  });

  it('content that changes between hashing and destroying in every round becomes a CHANGING exception and survives', async () => {
    writeFileSync(join(dir, 'busy'), 'v0');
    let round = 0;
    const summary = await processBatch(job(2, ['busy']), {
      store,
      session,
      method: 'unlink',
      now: () => new Date(),
      // someone rewrites the file after each hash (a live writer): every destroy must see 'changed'
      beforeDestroy: async () => writeFileSync(join(dir, 'busy'), `v${++round}-${'x'.repeat(round)}`),
    });
    assert.equal(summary.destroyed, 0);
    const state = await store.readBatch('ord-test', 'e1', 2);
    assert.deepEqual(state.outcomes.get(0), { s: 'exception', code: 'CHANGING', reason: 'content changed between hashing and destroying in 3 rounds' });
    assert.ok(existsSync(join(dir, 'busy')));
  });

  // A backend that breaks consume()'s contract cannot be made from a real one: these wrap the real
  // session and misbehave on purpose, to show that the processor notices instead of reporting outcomes.
  it('a consume() that never records its hashes fails the job, and no outcome is written', async () => {
    writeFileSync(join(dir, 'quiet'), 'q');
    const rogue: TargetSession = { ...bind(session), consume: async (items) => items.map(() => ({ hash: { status: 'absent' as const } })) };
    await assert.rejects(processBatch(job(3, ['quiet']), { store, session: rogue, method: 'unlink', now: () => new Date() }), /destroyed without recording hashes/);
    assert.equal((await store.readBatch('ord-test', 'e1', 3)).outcomes.size, 0);
  });

  it('a consume() that records twice, or a hash count other than the items, is refused before anything is recorded', async () => {
    writeFileSync(join(dir, 'twice'), 't');
    const hashed = { status: 'hashed' as const, sha256: '0'.repeat(64), size: 1, fingerprint: 'f' };
    const twice: TargetSession = {
      ...bind(session),
      consume: async (items, record) => {
        await record(items.map(() => hashed));
        await record(items.map(() => hashed));
        return [];
      },
    };
    await assert.rejects(processBatch(job(4, ['twice']), { store, session: twice, method: 'unlink', now: () => new Date() }), /recorded hashes twice/);
    const short: TargetSession = { ...bind(session), consume: async (_items, record) => (await record([]), []) };
    await assert.rejects(processBatch(job(5, ['twice']), { store, session: short, method: 'unlink', now: () => new Date() }), /answered 0 hashes for 1 items/);
    assert.equal((await store.readBatch('ord-test', 'e1', 5)).intents.size, 0);
    assert.ok(existsSync(join(dir, 'twice')));
  });
});

/** The session's methods bound to it, so that a spread copy still works. */
function bind(s: TargetSession): TargetSession {
  return { list: () => s.list(), hash: (i) => s.hash(i), destroy: (i) => s.destroy(i), probe: (i) => s.probe(i), close: () => s.close() };
}
