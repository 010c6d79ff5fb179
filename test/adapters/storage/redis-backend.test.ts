// RedisBackend specifics against the machine's Redis, under a fresh key prefix
// per test: the canonical form of every type (expected hashes computed by hand
// with printf | sha256sum from docs/backends/redis.md), scope validation, the
// WATCH guard, bounded reads, and the glob matcher cross-checked against the
// server's own SCAN MATCH.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, connect } from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { ValidationError } from '../../../packages/verify/src/core/errors.js';
import { RedisBackendConfig } from '../../../src/adapters/storage/redis/config.js';
import { canonicalScore } from '../../../src/adapters/storage/redis/canonical-value.js';
import { redactUrl } from '../../../src/adapters/storage/redis/connection.js';
import { escapeGlob, globMatch, hasLiteral, matchTokens, tokenize } from '../../../src/adapters/storage/redis/glob.js';
import { RedisBackend, type RedisBackendOptions } from '../../../src/adapters/storage/redis/redis-backend.js';
import { REDIS_URL, requireRedis } from '../../helpers/services.js';
import type { HashOutcome, ListedObject, TargetSession } from '../../../src/app/ports/storage-backend.js';

interface Env {
  r: Redis;
  prefix: string;
  backend: RedisBackend;
  open(scope?: unknown, holds?: Parameters<RedisBackend['openTarget']>[1]): Promise<TargetSession>;
}

async function env(t: TestContext, options: Partial<RedisBackendOptions> = {}): Promise<Env> {
  await requireRedis();
  const prefix = `sptest-${randomUUID().slice(0, 8)}:`;
  const r = new Redis(REDIS_URL);
  const backend = new RedisBackend({ name: 'cache', url: REDIS_URL, keyPrefix: prefix, ...options });
  t.after(async () => {
    await backend.close();
    const keys = await r.keysBuffer(`${escapeGlob(prefix)}*`); // test cleanup on a private prefix; the backend itself never uses KEYS
    if (keys.length > 0) await r.unlink(...keys);
    r.disconnect();
  });
  return { r, prefix, backend, open: (scope = { match: ['*'], allowAll: true }, holds = []) => backend.openTarget(scope, holds) };
}

function hashed(o: HashOutcome | undefined): Extract<HashOutcome, { status: 'hashed' }> {
  assert.equal(o?.status, 'hashed', JSON.stringify(o));
  return o as Extract<HashOutcome, { status: 'hashed' }>;
}

async function listAll(s: TargetSession): Promise<ListedObject[]> {
  const out: ListedObject[] = [];
  for await (const p of s.list()) out.push(...p);
  return out;
}

describe('RedisBackend canonical value forms', () => {
  it('hashes every type to its documented canonical form (hand-computed SHA-256 and length)', async (t) => {
    const e = await env(t);
    const k = (n: string) => e.prefix + n;
    await e.r.set(k('s'), 'hello');
    await e.r.hset(k('h'), 'f1', 'v1', Buffer.from([0xff]), 'x'); // a binary field name survives
    await e.r.rpush(k('l'), 'b', 'a', 'b');
    await e.r.sadd(k('set'), 'b', 'a', Buffer.from([0xff]));
    await e.r.zadd(k('z'), '0.1', 'm', '+inf', 'a', '-2', 'z');
    await e.r.xadd(k('x'), '1-1', 'f', 'v', 'g', 'w');
    await e.r.xadd(k('x'), '2-0', 'f', 'x');
    const session = await e.open();
    const expected: Array<[string, string, number]> = [
      // {"type":"string","value":"aGVsbG8="}
      ['s', '918aa2d31f8c927adda950269fbb7da8e018979d734822cac8b3d71ae0989d9f', 36],
      // {"fields":{"/w==":"eA==","ZjE=":"djE="},"type":"hash"}
      ['h', '31085483446cd8e56e25b004ae781e2ea05dade183df2975c64fb713c1e1cc62', 54],
      // {"items":["Yg==","YQ==","Yg=="],"type":"list"}
      ['l', 'bce944163594982934c13babba68589d520ff1036172e50d84787c7f753e580f', 46],
      // {"members":["YQ==","Yg==","/w=="],"type":"set"}: sorted by raw bytes (a, b, 0xff), not by base64
      ['set', '4de248751630649beba5a04ef46ebc506e45494b5fa9bf7359aa8c6b67d6a6d5', 47],
      // {"members":[{"member":"YQ==","score":"inf"},{"member":"bQ==","score":"0.1"},{"member":"eg==","score":"-2"}],"type":"zset"}
      ['z', '19520c5b805c4453d704daab27920a5378f339b50d2fa9bd231ecfd474295dc4', 122],
      // {"entries":[{"fields":[["Zg==","dg=="],["Zw==","dw=="]],"id":"1-1"},{"fields":[["Zg==","eA=="]],"id":"2-0"}],"type":"stream"}
      ['x', '2e7c14e0a62f4f6f97fbc2e93adec22a035b30d1f6bf47c4ecb4d8de9c1454b1', 125],
    ];
    const outcomes = await session.hash(expected.map(([n]) => ({ locator: n })));
    expected.forEach(([n, sha, size], i) => {
      const h = hashed(outcomes[i]);
      assert.equal(h.sha256, sha, n);
      assert.equal(h.size, size, n);
      assert.equal(h.fingerprint, `redis-v1:${sha}`);
    });
    const listed = new Map((await listAll(session)).map((o) => [o.locator, o.size]));
    for (const [n, , size] of expected) assert.equal(listed.get(n), size, `listed size of ${n}`);
  });

  it('formats zset scores as ECMAScript numbers, whatever text the Redis version replies', () => {
    assert.equal(canonicalScore('0.10000000000000001'), '0.1'); // Redis 6 and 7.0 (%.17g)
    assert.equal(canonicalScore('0.1'), '0.1'); // Redis 7.2 (shortest round trip)
    assert.equal(canonicalScore('inf'), 'inf');
    assert.equal(canonicalScore('-inf'), '-inf');
    assert.equal(canonicalScore('-0'), '0');
    assert.equal(canonicalScore('1e+300'), '1e+300');
    assert.equal(canonicalScore('3'), '3');
    assert.throws(() => canonicalScore('nan'));
  });

  it('refuses a value above maxValueBytes with a permanent VALUE_TOO_LARGE, still lists it, and never destroys it', async (t) => {
    const e = await env(t, { maxValueBytes: 4096 });
    await e.r.set(e.prefix + 'big', Buffer.alloc(10_000, 1));
    await e.r.set(e.prefix + 'small', 'x');
    const session = await e.open();
    const listed = await listAll(session);
    assert.deepEqual(listed.map((o) => o.locator), ['big', 'small']);
    assert.ok(listed[0]!.size >= 10_000, 'planned with the server-side size, so it shows up as an exception');
    const [big, small] = await session.hash([{ locator: 'big' }, { locator: 'small' }]);
    assert.equal(big?.status, 'error');
    assert.equal((big as { code: string }).code, 'VALUE_TOO_LARGE');
    assert.equal((big as { transient: boolean }).transient, false);
    hashed(small);
    // A just-under-the-limit string whose canonical form (base64 + JSON) is over it: refused too.
    await e.r.set(e.prefix + 'edge', Buffer.alloc(3500, 2));
    const [edge] = await session.hash([{ locator: 'edge' }]);
    assert.equal((edge as { code?: string }).code, 'VALUE_TOO_LARGE', JSON.stringify(edge));
    const [d] = await session.destroy([{ locator: 'big', fingerprint: `redis-v1:${'0'.repeat(64)}` }]);
    assert.equal(d?.status === 'changed' || (d?.status === 'error' && d.code === 'VALUE_TOO_LARGE'), true, JSON.stringify(d));
    assert.equal(await e.r.exists(e.prefix + 'big'), 1);
  });
});

describe('RedisBackend scope validation', () => {
  it('names every bad field of scope and holds at once, with its JSON path', async (t) => {
    const e = await env(t);
    const bad = { match: ['ok/*', '*', '', 7, '?[ab]*'], exclude: 'x', allowAll: 1, where: 'x' };
    const holds = [
      { id: '', reason: 'r', target: 'cache', match: { keys: [] } },
      { id: 'h2', reason: 'r', target: 'cache', match: { include: ['x'] } },
      { id: 'h3', reason: 'r', target: 'cache', match: 'x' },
    ];
    await assert.rejects(
      () => e.backend.openTarget(bad, holds),
      (err: unknown) => {
        assert.ok(err instanceof ValidationError);
        assert.deepEqual(
          err.fields.map((f) => f.path),
          [
            '$.scope.where',
            '$.scope.allowAll',
            // allowAll is not `true`, so all-wildcard patterns need a literal
            '$.scope.match[1]',
            '$.scope.match[2]',
            '$.scope.match[3]',
            '$.scope.match[4]',
            '$.scope.exclude',
            '$.holds[0].id',
            '$.holds[0].match.keys',
            '$.holds[1].match.include',
            '$.holds[1].match.keys',
            '$.holds[2].match',
          ],
        );
        return true;
      },
    );
  });

  it('accepts all-wildcard patterns only with allowAll: true, and broad excludes and holds always', async (t) => {
    const e = await env(t);
    await (await e.open({ match: ['*'], allowAll: true })).close();
    await (await e.open({ match: ['user:*'], exclude: ['*'] }, [{ id: 'h', reason: 'r', target: 'cache', match: { keys: ['*'] } }])).close();
    await assert.rejects(() => e.open({ match: ['*'], allowAll: false }), ValidationError);
    assert.equal(hasLiteral('\\*'), true);
    assert.equal(hasLiteral('[abc]?*'), false);
    assert.equal(hasLiteral('a*'), true);
  });

  // Issue 11, finding 7: `[^\]]*` passed as "has a literal ']'" because the guard parsed classes its own way.
  it('decides allowAll from what a pattern can match: every spelling that fixes no byte is refused, and changes nothing', async (t) => {
    const e = await env(t);
    const keys = ['user:1', ']x', 'x', '!a', 'a', '*', '\\', 'zz', 'é'];
    await e.r.mset(...keys.flatMap((k) => [e.prefix + k, k]));
    const bypasses = ['[^\\]]*', '[^x]*', '?*', '**', '*?', '*[^x]', '[!a]*', '[^]*', '[a-z]*', '[z-a]*', '[\u0000-\u007f]*', '[^a-a]*', '[^\\a]*', '[ab]*[^b]', '[a\\]*'];
    for (const pattern of bypasses) {
      await assert.rejects(
        () => e.open({ match: ['user:*', pattern] }),
        (err: unknown) => {
          assert.ok(err instanceof ValidationError, `${pattern}: ${String(err)}`);
          assert.deepEqual(err.fields.map((f) => f.path), ['$.scope.match[1]'], pattern);
          assert.match(err.fields[0]!.problem, /could match every key.*allowAll: true/, pattern);
          return true;
        },
      );
    }
    for (const k of keys) assert.equal(await e.r.get(e.prefix + k), k, `${k} must be untouched`);
    // With allowAll they are accepted; patterns that fix a byte need nothing.
    await (await e.open({ match: bypasses, allowAll: true })).close();
    for (const pattern of ['user:*', '\\*', '[\\]]*', '[a]*', '*\\', 'a[^b]*', '[]*', '*[x-x]']) await (await e.open({ match: [pattern] })).close();
  });

  // Soundness of the guard: a pattern it accepts has a byte c that every key it matches contains, so
  // it matches no key without c. Checked against every key of one or two bytes over the alphabet.
  it('property: a pattern that hasLiteral accepts fixes a byte that every key it matches contains', () => {
    const alphabet = fc.constantFrom('a', 'b', '*', '?', '[', ']', '^', '-', '\\', '\u00ff');
    const bytes = [...new Set([...Buffer.from('ab*?[]^-\\z\u00ff', 'utf8')])];
    const keys = [...bytes.map((b) => Buffer.of(b)), ...bytes.flatMap((b) => bytes.map((c) => Buffer.of(b, c)))];
    let narrow = 0;
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 10 }), (pattern) => {
        if (!hasLiteral(pattern)) return;
        narrow++;
        const tokens = tokenize(Buffer.from(pattern, 'utf8'));
        const fixed = [...new Set(Buffer.from(pattern, 'utf8'))].some((c) => keys.every((k) => k.includes(c) || !matchTokens(tokens, k)));
        assert.ok(fixed, `${JSON.stringify(pattern)} was accepted, but for each of its bytes some key without it matches`);
      }),
      { numRuns: 3000 },
    );
    assert.ok(narrow > 1000, `only ${narrow} patterns fixed a byte`);
  });

  // Issue 11, finding 3 (Redis): the matcher and SCAN MATCH (Redis >= 7.0.9) are not exponential.
  it('plans, hashes and destroys with hostile patterns within a second', async (t) => {
    const e = await env(t);
    const [a64, b, c] = ['a'.repeat(64), `${'a'.repeat(63)}b`, `${'a'.repeat(62)}bc`];
    await e.r.mset(e.prefix + a64, '1', e.prefix + b, '2', e.prefix + c, '3');
    const stars = '*a'.repeat(20);
    const started = performance.now();
    const session = await e.open({ match: [`${stars}*b`, `${stars}*c`], exclude: [`${stars}*d`] }, [
      { id: 'h', reason: 'r', target: 'cache', match: { keys: [`${'*?'.repeat(20)}*c`] } },
    ]);
    const listed = await listAll(session);
    const [h] = await session.hash([{ locator: b }]);
    const [d] = await session.destroy([{ locator: b, fingerprint: hashed(h).fingerprint }]);
    const ms = performance.now() - started;
    assert.deepEqual(listed.map((o) => [o.locator, o.heldBy ?? null]).sort(), [
      [b, null],
      [c, 'h'],
    ]);
    assert.deepEqual(d, { status: 'destroyed' });
    assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
  });

  it('treats the key prefix literally and never lists, hashes or destroys keys outside it', async (t) => {
    await requireRedis();
    const r = new Redis(REDIS_URL);
    const outside = `sptest-${randomUUID().slice(0, 8)}`;
    const prefix = `${outside}[*]:`; // glob characters in the prefix must not widen the scan
    t.after(async () => {
      await r.unlink(`${outside}x:k`, `${prefix}k`);
      r.disconnect();
    });
    await r.set(`${outside}x:k`, '1');
    await r.set(`${prefix}k`, '2');
    const backend = new RedisBackend({ name: 'c', url: REDIS_URL, keyPrefix: prefix });
    t.after(() => backend.close());
    const session = await backend.openTarget({ match: ['*'], allowAll: true }, []);
    assert.deepEqual((await listAll(session)).map((o) => o.locator), ['k']);
  });

  it('applies exclude and holds when listing and again right before destroying', async (t) => {
    const e = await env(t);
    for (const n of ['user:1', 'user:2', 'user:keep', 'other:1']) await e.r.set(e.prefix + n, n);
    const session = await e.open({ match: ['user:*'], exclude: ['*:keep'] }, [{ id: 'H', reason: 'r', target: 'cache', match: { keys: ['user:2'] } }]);
    assert.deepEqual(await listAll(session), [
      { locator: 'user:1', size: 36 }, // {"type":"string","value":"dXNlcjox"}
      { locator: 'user:2', size: 36, heldBy: 'H' },
    ]);
    const fp = hashed((await session.hash([{ locator: 'user:1' }]))[0]).fingerprint;
    assert.deepEqual(
      await session.destroy([
        { locator: 'user:keep', fingerprint: fp },
        { locator: 'other:1', fingerprint: fp },
        { locator: 'user:2', fingerprint: fp },
      ]),
      [{ status: 'out-of-scope' }, { status: 'out-of-scope' }, { status: 'held', holdId: 'H' }],
    );
    assert.equal(await e.r.exists(e.prefix + 'user:keep', e.prefix + 'other:1', e.prefix + 'user:2'), 3);
  });

  it('reports keys that are not UTF-8 through onSkip and lists them under a stand-in marked unnameable, never silently', async (t) => {
    const skipped: string[] = [];
    const e = await env(t, { onSkip: (key) => skipped.push(key) });
    await e.r.set(Buffer.concat([Buffer.from(e.prefix), Buffer.from([0xff, 0xfe])]), 'x');
    await e.r.set(e.prefix + 'fine', 'y');
    const session = await e.open();
    assert.deepEqual((await listAll(session)).map((o) => [o.locator, o.unnameable !== undefined]), [
      ['fine', false],
      ['\u0000unnameable:%FF%FE', true],
    ]);
    assert.equal(skipped.length, 1);
  });
});

describe('RedisBackend destroy guard', () => {
  it('WATCH conflict: a write after the re-read compare but before EXEC aborts the transaction, reported as changed', async (t) => {
    await requireRedis();
    const r = new Redis(REDIS_URL);
    const prefix = `sptest-${randomUUID().slice(0, 8)}:`;
    const key = `${prefix}race`;
    await r.set(key, 'v1');
    // A loopback proxy that holds back the bytes carrying MULTI until another client has written the
    // key: the write lands exactly after WATCH and the re-read (which saw v1, so the compare passed).
    const target = new URL(REDIS_URL);
    const commands: string[] = [];
    let interfere = true;
    const server = createServer((client) => {
      const upstream = connect(Number(target.port || 6379), target.hostname);
      client.on('data', async (chunk: Buffer) => {
        const text = chunk.toString('latin1');
        commands.push(...(text.match(/^[A-Za-z]+$/gm) ?? []).map((c) => c.toUpperCase()));
        if (interfere && /\r\nMULTI\r\n/i.test(text)) await r.set(key, 'v2');
        upstream.write(chunk);
      });
      upstream.on('data', (c) => client.write(c));
      const drop = () => (client.destroy(), upstream.destroy());
      client.on('close', drop).on('error', drop);
      upstream.on('close', drop).on('error', drop);
    });
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    const backend = new RedisBackend({ name: 'c', url: `redis://127.0.0.1:${(server.address() as { port: number }).port}`, keyPrefix: prefix });
    t.after(async () => {
      await backend.close();
      await new Promise((res) => server.close(res));
      await r.unlink(key);
      r.disconnect();
    });
    const session = await backend.openTarget({ match: ['*'], allowAll: true }, []);
    const h = hashed((await session.hash([{ locator: 'race' }]))[0]);
    assert.deepEqual(await session.destroy([{ locator: 'race', fingerprint: h.fingerprint }]), [{ status: 'changed' }]);
    assert.ok(commands.includes('EXEC'), `the compare passed and EXEC was sent: ${commands.join(' ')}`);
    assert.equal(await r.get(key), 'v2', 'the new content is left alone');
    // With nobody writing, the same session destroys the new content once it is hashed again.
    const again = hashed((await session.hash([{ locator: 'race' }]))[0]);
    interfere = false;
    assert.deepEqual(await session.destroy([{ locator: 'race', fingerprint: again.fingerprint }]), [{ status: 'destroyed' }]);
  });

  it('a write before the re-read is caught by the fingerprint compare, without sending EXEC', async (t) => {
    const e = await env(t);
    await e.r.set(e.prefix + 'k', 'v1');
    const session = await e.open();
    const h = hashed((await session.hash([{ locator: 'k' }]))[0]);
    await e.r.set(e.prefix + 'k', 'v2');
    assert.deepEqual(await session.destroy([{ locator: 'k', fingerprint: h.fingerprint }]), [{ status: 'changed' }]);
    assert.equal(await e.r.get(e.prefix + 'k'), 'v2');
  });

  it('refuses malformed fingerprints per item, permanently', async (t) => {
    const e = await env(t);
    await e.r.set(e.prefix + 'a', '1');
    const session = await e.open();
    const [d] = await session.destroy([{ locator: 'a', fingerprint: 'dev:ino' }]);
    assert.deepEqual(d && d.status === 'error' ? [d.code, d.transient] : d, ['FINGERPRINT_INVALID', false]);
    assert.equal(await e.r.exists(e.prefix + 'a'), 1);
  });

  it('fails openTarget with a transient error when Redis cannot be reached, without leaking the password', async () => {
    const backend = new RedisBackend({ name: 'c', url: 'redis://user:s3cret@127.0.0.1:1', commandTimeoutMs: 1000 });
    await assert.rejects(
      () => backend.openTarget({ match: ['a*'] }, []),
      (err: Error & { code?: string; transient?: boolean }) => {
        assert.equal(err.code, 'REDIS_UNAVAILABLE');
        assert.equal(err.transient, true);
        assert.ok(!err.message.includes('s3cret'), err.message);
        return true;
      },
    );
    await backend.close();
    assert.equal(redactUrl('redis://u:p@h:1/0'), 'redis://h:1/0');
  });

  it('exports the config schema the lead wires in: urlEnv, never a URL', () => {
    assert.deepEqual(RedisBackendConfig.parse({ kind: 'redis', urlEnv: 'CACHE_URL', keyPrefix: 'app:' }), { kind: 'redis', urlEnv: 'CACHE_URL', keyPrefix: 'app:' });
    assert.equal(RedisBackendConfig.safeParse({ kind: 'redis', url: 'redis://x' }).success, false);
  });
});

describe('Redis glob matcher', () => {
  const enc = (s: string) => Buffer.from(s, 'latin1');
  it('matches as Redis does on fixed cases', () => {
    const cases: Array<[string, string, boolean]> = [
      ['a*', 'abc', true],
      ['a?c', 'abc', true],
      ['a?c', 'ac', false],
      ['[a-c]x', 'bx', true],
      ['[^a-c]x', 'bx', false],
      ['[c-a]x', 'bx', true],
      ['\\*', '*', true],
      ['\\*', 'a', false],
      ['*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(200), false],
      ['[abc', 'a', true],
      ['', '', true],
    ];
    for (const [p, s, want] of cases) assert.equal(globMatch(enc(p), enc(s)), want, `${p} ~ ${s}`);
    assert.equal(escapeGlob('a*b?[c]\\'), 'a\\*b\\?\\[c\\]\\\\');
  });

  it('property: agrees with the server\'s SCAN MATCH on random patterns and keys', async (t) => {
    await requireRedis();
    const r = new Redis(REDIS_URL);
    const prefix = `sptest-${randomUUID().slice(0, 8)}:`;
    t.after(() => r.disconnect());
    const alphabet = fc.constantFrom('a', 'b', 'c', '*', '?', '[', ']', '^', '-', '\\');
    const keyChars = fc.constantFrom('a', 'b', 'c', '*', '?', '[', ']', '-', '\\');
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: alphabet, maxLength: 8 }), fc.array(fc.string({ unit: keyChars, minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 }), async (pattern, names) => {
        const keys = [...new Set(names)].map((n) => prefix + n);
        await r.mset(...keys.flatMap((k) => [k, '1']));
        try {
          const found = new Set<string>();
          let cursor = '0';
          do {
            const [next, ks] = await r.scan(cursor, 'MATCH', escapeGlob(prefix) + pattern, 'COUNT', 1000);
            cursor = next;
            ks.forEach((k) => found.add(k.slice(prefix.length)));
          } while (cursor !== '0');
          for (const k of keys) {
            const name = k.slice(prefix.length);
            assert.equal(globMatch(enc(pattern), enc(name)), found.has(name), `pattern ${JSON.stringify(pattern)} key ${JSON.stringify(name)}`);
          }
        } finally {
          await r.unlink(...keys);
        }
      }),
      { numRuns: 150 },
    );
  });
});
