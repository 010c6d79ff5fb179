// Reads keys by type and turns them into canonical bytes, in pipelined rounds
// with bounded memory: MEMORY USAGE is asked first, a key above the limit is
// refused without being read, and the reads of one round together stay under
// the limit too. The canonical form can be larger than the server's memory
// (base64 and JSON around compact encodings), so its length is checked again.

import type { Redis } from 'ioredis';
import { canonicalBytes, isRedisType, replyMeansAbsent, type RedisType } from './canonical-value.js';
import { isReplyError, type RedisConnection } from './connection.js';

export type ReadResult =
  | { status: 'ok'; sha256: string; size: number }
  | { status: 'absent' }
  | { status: 'error'; code: string; message: string; transient: boolean; approxSize?: number };

const READ_COMMAND: Record<RedisType, (key: Buffer) => [string, ...Array<string | Buffer>]> = {
  string: (k) => ['GET', k],
  // Upper-case names: ioredis turns a lower-case `hgetall` reply into an object with string keys, which would lose binary field names.
  hash: (k) => ['HGETALL', k],
  list: (k) => ['LRANGE', k, '0', '-1'],
  set: (k) => ['SMEMBERS', k],
  zset: (k) => ['ZRANGE', k, '0', '-1', 'WITHSCORES'],
  stream: (k) => ['XRANGE', k, '-', '+'],
};

const tooLarge = (what: string, size: number, max: number): ReadResult => ({
  status: 'error',
  code: 'VALUE_TOO_LARGE',
  message: `${what} is ${size} bytes, over the limit of ${max} bytes`,
  transient: false,
  approxSize: size,
});

type Pipelined = Array<[Error | null, unknown]>;

async function exec(conn: RedisConnection, build: (p: ReturnType<Redis['pipeline']>) => void): Promise<Pipelined> {
  const client = await conn.get();
  const p = client.pipeline();
  build(p);
  let results: Pipelined | null;
  try {
    results = (await p.exec()) as Pipelined | null;
  } catch (e) {
    throw conn.unavailable(e);
  }
  if (!results) throw conn.unavailable(new Error('pipeline answered nothing'));
  // A non-reply error on any command means the connection broke: the whole call fails.
  const broken = results.find(([err]) => err && !isReplyError(err));
  if (broken) throw conn.unavailable(broken[0]);
  return results;
}

/** Reads and canonicalizes `keys` (full keys, prefix included); one result per key, in order. */
export async function readValues(conn: RedisConnection, keys: readonly Buffer[], maxBytes: number): Promise<ReadResult[]> {
  const out: ReadResult[] = new Array(keys.length);
  const meta = await exec(conn, (p) => {
    for (const k of keys) {
      p.type(k);
      p.call('MEMORY', 'USAGE', k, 'SAMPLES', '0');
    }
  });
  const todo: Array<{ i: number; type: RedisType; usage: number }> = [];
  keys.forEach((_, i) => {
    const [typeErr, type] = meta[2 * i]!;
    const [usageErr, usage] = meta[2 * i + 1]!;
    if (typeErr || usageErr) {
      const err = (typeErr ?? usageErr)!;
      out[i] = { status: 'error', code: 'REDIS_REPLY_ERROR', message: `TYPE/MEMORY USAGE failed: ${err.message}`, transient: false };
    } else if (type === 'none' || usage === null) out[i] = { status: 'absent' };
    else if (!isRedisType(String(type))) {
      out[i] = { status: 'error', code: 'UNSUPPORTED_TYPE', message: `type ${String(type)} has no canonical form`, transient: false, approxSize: Number(usage) };
    } else if (Number(usage) > maxBytes) out[i] = tooLarge('value (MEMORY USAGE)', Number(usage), maxBytes);
    else todo.push({ i, type: String(type) as RedisType, usage: Number(usage) });
  });
  // Rounds whose MEMORY USAGE sums to at most maxBytes (one key per round at least).
  let start = 0;
  while (start < todo.length) {
    let end = start;
    let budget = 0;
    while (end < todo.length && (end === start || budget + todo[end]!.usage <= maxBytes)) budget += todo[end++]!.usage;
    const round = todo.slice(start, end);
    const replies = await exec(conn, (p) => {
      for (const { i, type } of round) p.callBuffer(...READ_COMMAND[type](keys[i]!));
    });
    round.forEach(({ i, type }, k) => {
      const [err, reply] = replies[k]!;
      if (err) {
        // WRONGTYPE: the key was replaced by another type between TYPE and the read. Retry.
        out[i] = { status: 'error', code: 'CHANGED_DURING_READ', message: `the value changed while it was read: ${err.message}`, transient: true };
      } else if (replyMeansAbsent(type, reply)) out[i] = { status: 'absent' };
      else {
        const c = canonicalBytes(type, reply);
        out[i] = c.bytes.length > maxBytes ? tooLarge('canonical form', c.bytes.length, maxBytes) : { status: 'ok', sha256: c.sha256, size: c.bytes.length };
      }
    });
    start = end;
  }
  return out;
}
