// Objects in scope that no locator can name were skipped without a word, and
// the order certified `complete` with `rescan.remaining: 0` while they
// remained (issue 11, item 6). Now each is an UNNAMEABLE exception from the
// plan on, found again by the re-scan, and the certificate cannot say complete.
// Real files (a name that is not UTF-8, a path past the locator limit), real Redis.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { RedisBackend } from '../../src/adapters/storage/redis/redis-backend.js';
import { UNNAMEABLE_PREFIX } from '../../src/adapters/storage/unnameable.js';
import type { ListedObject } from '../../src/app/ports/storage-backend.js';
import { readCertificateView } from '../helpers/certificate-checks.js';
import { executeDemoOrder, startHarness } from '../helpers/engine-harness.js';
import { dropPrefix, freshPrefix, REDIS_URL, requireRedis } from '../helpers/services.js';

/** A file whose root-relative path is longer than the 4,096-character locator limit, made one directory at a time. */
function deepFile(root: string, under: string): void {
  const cwd = process.cwd();
  try {
    process.chdir(join(root, under));
    for (let i = 0; i < 18; i++) {
      const d = `d${i}-${'x'.repeat(240)}`;
      mkdirSync(d);
      process.chdir(d);
    }
    writeFileSync('photo-deep.jpg', 'deep');
  } finally {
    process.chdir(cwd);
  }
}

describe('objects that no locator can name', () => {
  it('a file name that is not UTF-8 and a path past the limit become UNNAMEABLE exceptions and re-scan items; the order is not complete', async () => {
    const h = await startHarness({ objects: 20 });
    try {
      const user = [...h.dataset.inScope.keys()][0]!.split('/').slice(0, 2).join('/');
      const badName = Buffer.concat([Buffer.from(join(h.dataset.root, user) + '/photo-'), Buffer.from([0xff, 0xfe]), Buffer.from('.jpg')]);
      writeFileSync(badName, 'not utf-8');
      deepFile(h.dataset.root, user);
      const id = await executeDemoOrder(h);
      h.runtime.coordinator.start();
      const done = await h.runtime.coordinator.waitFor(id);
      assert.equal(done.state, 'certified-with-exceptions');
      const s = await readCertificateView(join(h.config.dataDir, 'certificates', id));
      assert.equal(s.status, 'complete-with-exceptions');
      const unnamed = s.exceptions.filter((e: { code: string }) => e.code === 'UNNAMEABLE');
      assert.equal(unnamed.length, 2, JSON.stringify(s.exceptions));
      assert.ok(unnamed.every((e: { locator: string }) => e.locator.startsWith(UNNAMEABLE_PREFIX)));
      assert.ok(unnamed.some((e: { locator: string }) => e.locator.endsWith('/photo-%FF%FE.jpg')), JSON.stringify(unnamed));
      const rescan = s.rescan.items.filter((i: { locator: string }) => i.locator.startsWith(UNNAMEABLE_PREFIX));
      assert.deepEqual(rescan.map((i: { status: string }) => i.status), ['exception', 'exception']);
      assert.equal(s.rescan.remaining, s.rescan.items.length);
      assert.ok(existsSync(badName), 'never destroyed');
      // Everything nameable in scope was destroyed as usual.
      for (const locator of h.dataset.inScope.keys()) assert.ok(!existsSync(join(h.dataset.root, locator)), locator);
    } finally {
      // Node's rmSync cannot remove a tree deeper than PATH_MAX; coreutils' rm can.
      execFileSync('rm', ['-rf', join(h.dataset.root, 'users')]);
      await h.close();
    }
  });

  it('a Redis key in scope that is not UTF-8, or longer than 64 KiB, is listed under a stand-in, and a stand-in is never a key to destroy', async () => {
    await requireRedis();
    const prefix = `${freshPrefix()}:`;
    const r = new Redis(REDIS_URL);
    const backend = new RedisBackend({ name: 'cache', url: REDIS_URL, keyPrefix: prefix });
    try {
      await r.set(Buffer.concat([Buffer.from(`${prefix}user:`), Buffer.from([0xc3, 0x28])]), 'v');
      await r.set(`${prefix}user:${'k'.repeat(70 * 1024)}`, 'v');
      await r.set(`${prefix}user:ok`, 'v');
      await r.set(Buffer.concat([Buffer.from(`${prefix}other:`), Buffer.from([0xff])]), 'out of scope');
      const session = await backend.openTarget({ match: ['user:*'] }, []);
      const listed: ListedObject[] = [];
      for await (const page of session.list()) listed.push(...page);
      const unnamed = listed.filter((o) => o.unnameable !== undefined);
      assert.deepEqual(listed.filter((o) => o.unnameable === undefined).map((o) => o.locator), ['user:ok']);
      assert.equal(unnamed.length, 2, JSON.stringify(listed.map((o) => o.locator.slice(0, 60))));
      assert.ok(unnamed.some((o) => o.locator === `${UNNAMEABLE_PREFIX}user%3A%C3%28`));
      assert.ok(unnamed.some((o) => /\.\.\.\(71685 bytes, sha256 [0-9a-f]{64}\)$/.test(o.locator)));
      // Handed back as if it were a locator (through a forged or buggy job), it names nothing to destroy.
      const [h] = await session.hash([{ locator: unnamed[0]!.locator }]);
      assert.equal(h!.status, 'error', JSON.stringify(h));
      await session.close();
    } finally {
      await backend.close();
      r.disconnect();
      await dropPrefix(prefix.slice(0, -1));
    }
  });
});
