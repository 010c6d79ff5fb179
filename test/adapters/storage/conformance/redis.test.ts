// The conformance suite against the RedisBackend on the machine's Redis, under
// a fresh random key prefix per case (deleted afterwards). The backend talks to
// Redis through a loopback TCP proxy owned by the fixture, so that failNext can
// break real connections: a transient fault the backend meets exactly as it
// would meet a network reset.
import { createHash, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisBackend } from '../../../../src/adapters/storage/redis/redis-backend.js';
import { REDIS_URL, requireRedis } from '../../../helpers/services.js';
import type { BackendFixture } from './fixture.js';
import { faultyProxy } from '../../../helpers/faulty-proxy.js';
import { runConformance } from './suite.js';

const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');

/**
 * A value of each type from a seed, and its canonical text written out by hand
 * from docs/backends/redis.md (not with the backend's code). Members and
 * fields are chosen so that their base64 and byte orders are already sorted.
 */
function valueOf(seed: number, variant = 0): { write: (r: Redis, key: string) => Promise<unknown>; canonical: string } {
  const s = `v${seed}-${variant}`;
  switch (seed % 6) {
    case 0:
      return { write: (r, k) => r.set(k, s), canonical: `{"type":"string","value":"${b64(s)}"}` };
    case 1:
      return {
        write: (r, k) => r.hset(k, 'a', `${s}-1`, 'b', `${s}-2`),
        canonical: `{"fields":{"${b64('a')}":"${b64(`${s}-1`)}","${b64('b')}":"${b64(`${s}-2`)}"},"type":"hash"}`,
      };
    case 2:
      return { write: (r, k) => r.rpush(k, `${s}-z`, `${s}-a`), canonical: `{"items":["${b64(`${s}-z`)}","${b64(`${s}-a`)}"],"type":"list"}` };
    case 3:
      // Added in reverse: the canonical form sorts ('A' < 'B<n>' in bytes and in base64 alike).
      return { write: (r, k) => r.sadd(k, `B${variant}`, 'A'), canonical: `{"members":["${b64('A')}","${b64(`B${variant}`)}"],"type":"set"}` };
    case 4:
      return {
        write: (r, k) => r.zadd(k, String(seed + 0.5), 'a', String(variant), 'b'),
        canonical: `{"members":[{"member":"${b64('a')}","score":"${seed + 0.5}"},{"member":"${b64('b')}","score":"${variant}"}],"type":"zset"}`,
      };
    default:
      return {
        write: (r, k) => r.xadd(k, `${seed}-${variant + 1}`, 'f', s),
        canonical: `{"entries":[{"fields":[["${b64('f')}","${b64(s)}"]],"id":"${seed}-${variant + 1}"}],"type":"stream"}`,
      };
  }
}

async function redisFixture(): Promise<BackendFixture> {
  await requireRedis();
  const prefix = `spconf-${randomUUID().slice(0, 8)}:`;
  const direct = new Redis(REDIS_URL);
  const proxy = await faultyProxy(new URL(REDIS_URL), 6379);
  const backend = new RedisBackend({ name: 'cache', url: proxy.url, keyPrefix: prefix, pageSize: 4, scanCount: 5 });
  const variants = new Map<string, number>();
  const seeds = new Map<string, number>();
  const key = (locator: string) => prefix + locator;
  return {
    backend,
    scope: { match: ['in/*', 'held/*'] },
    hold: { id: 'hold-1', reason: 'litigation', target: 'cache', match: { keys: ['held/*'] } },
    badScopes: [
      { label: 'not an object', scope: ['in/*'] },
      { label: 'empty match', scope: { match: [] } },
      { label: 'match-all without allowAll', scope: { match: ['*'] } },
      { label: 'all wildcards and classes without allowAll', scope: { match: ['[a-z]*?'] } },
      { label: 'unknown key', scope: { match: ['in/*'], pattern: 'x' } },
      { label: 'allowAll not a boolean', scope: { match: ['in/*'], allowAll: 'yes' } },
      { label: 'empty pattern', scope: { match: ['in/*', ''] } },
    ],
    async seed(objects) {
      const out = [];
      for (const { name, seed } of objects) {
        const v = valueOf(seed);
        await v.write(direct, key(name));
        seeds.set(name, seed);
        variants.set(name, 0);
        out.push({ locator: name, sha256: createHash('sha256').update(v.canonical).digest('hex'), size: Buffer.byteLength(v.canonical) });
      }
      return out;
    },
    async exists(locator) {
      return (await direct.exists(key(locator))) === 1;
    },
    async mutate(locator) {
      const variant = (variants.get(locator) ?? 0) + 1;
      variants.set(locator, variant);
      await direct.del(key(locator));
      await valueOf(seeds.get(locator)!, variant).write(direct, key(locator));
    },
    async remove(locator) {
      await direct.del(key(locator));
    },
    async failNext(n) {
      proxy.failNext(n);
    },
    async close() {
      await backend.close();
      await proxy.close();
      let cursor = '0';
      do {
        const [next, keys] = await direct.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await direct.unlink(...keys);
      } while (cursor !== '0');
      direct.disconnect();
    },
  };
}

runConformance('redis', redisFixture);
