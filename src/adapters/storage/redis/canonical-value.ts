// The canonical byte form of a Redis value, the bytes whose SHA-256 goes into
// the destruction record (docs/backends/redis.md is its spec; an independent
// verifier rebuilds it from typed reads). Version-independent on purpose: DUMP
// output changes between Redis versions and encodings, typed reads do not.
//
// Form: the RFC 8785 (JCS) text, UTF-8, of one JSON object per type; every
// binary string (value, field, member, element) as standard base64 with '='
// padding:
//   string  {"type":"string","value":B}
//   hash    {"type":"hash","fields":{B(field):B(value),...}}        (JCS sorts the keys)
//   list    {"type":"list","items":[B,...]}                          (list order)
//   set     {"type":"set","members":[B,...]}                         (sorted by raw bytes)
//   zset    {"type":"zset","members":[{"member":B,"score":S},...]}   (sorted by raw member bytes)
//   stream  {"type":"stream","entries":[{"id":"ms-seq","fields":[[B,B],...]},...]}  (ID order; field order kept)
// S is the score as ECMAScript Number::toString of the double ("inf"/"-inf" for
// infinities), not Redis's reply text, which differs between Redis 6 and 7.

import { createHash } from 'node:crypto';
import { canonicalize } from '@shredproof/verify';

export const REDIS_TYPES = ['string', 'hash', 'list', 'set', 'zset', 'stream'] as const;
export type RedisType = (typeof REDIS_TYPES)[number];

export function isRedisType(t: string): t is RedisType {
  return (REDIS_TYPES as readonly string[]).includes(t);
}

const b64 = (b: Buffer): string => b.toString('base64');

function expectBuffers(reply: unknown, what: string): Buffer[] {
  if (!Array.isArray(reply) || !reply.every((x) => Buffer.isBuffer(x))) throw new TypeError(`unexpected ${what} reply`);
  return reply as Buffer[];
}

/** A zset score reply as the canonical score string. */
export function canonicalScore(reply: Buffer | string): string {
  const text = reply.toString().toLowerCase();
  if (text === 'inf' || text === '+inf') return 'inf';
  if (text === '-inf') return '-inf';
  const n = Number(text);
  if (!Number.isFinite(n)) throw new TypeError(`unexpected zset score ${JSON.stringify(text)}`);
  return String(n);
}

/**
 * The canonical JSON value of one key from its typed read (RESP2 replies with
 * Buffer strings): GET, HGETALL (flat), LRANGE 0 -1, SMEMBERS, ZRANGE 0 -1
 * WITHSCORES, XRANGE - +.
 */
export function canonicalValue(type: RedisType, reply: unknown): unknown {
  switch (type) {
    case 'string':
      if (!Buffer.isBuffer(reply)) throw new TypeError('unexpected GET reply');
      return { type, value: b64(reply) };
    case 'hash': {
      const flat = expectBuffers(reply, 'HGETALL');
      const fields: Record<string, string> = {};
      for (let i = 0; i + 1 < flat.length; i += 2) fields[b64(flat[i]!)] = b64(flat[i + 1]!);
      return { type, fields };
    }
    case 'list':
      return { type, items: expectBuffers(reply, 'LRANGE').map(b64) };
    case 'set':
      return { type, members: [...expectBuffers(reply, 'SMEMBERS')].sort(Buffer.compare).map(b64) };
    case 'zset': {
      const flat = expectBuffers(reply, 'ZRANGE');
      const pairs: Array<[Buffer, string]> = [];
      for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i]!, canonicalScore(flat[i + 1]!)]);
      pairs.sort((a, b) => Buffer.compare(a[0], b[0]));
      return { type, members: pairs.map(([m, score]) => ({ member: b64(m), score })) };
    }
    case 'stream': {
      if (!Array.isArray(reply)) throw new TypeError('unexpected XRANGE reply');
      const entries = reply.map((entry: unknown) => {
        if (!Array.isArray(entry) || entry.length !== 2 || !Buffer.isBuffer(entry[0])) throw new TypeError('unexpected XRANGE entry');
        const flat = expectBuffers(entry[1], 'XRANGE fields');
        const fields: string[][] = [];
        for (let i = 0; i + 1 < flat.length; i += 2) fields.push([b64(flat[i]!), b64(flat[i + 1]!)]);
        return { id: entry[0].toString('latin1'), fields };
      });
      return { type, entries };
    }
  }
}

/** True when a typed read says the key is gone (collections are never empty in Redis; GET of no key is nil). */
export function replyMeansAbsent(type: RedisType, reply: unknown): boolean {
  if (type === 'string') return reply === null;
  return Array.isArray(reply) && reply.length === 0;
}

export interface CanonicalBytes {
  bytes: Buffer;
  sha256: string;
}

export function canonicalBytes(type: RedisType, reply: unknown): CanonicalBytes {
  const bytes = Buffer.from(canonicalize(canonicalValue(type, reply)), 'utf8');
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

const FINGERPRINT = /^redis-v1:[0-9a-f]{64}$/;

/** The fingerprint of exactly this content: the canonical form's SHA-256 (the type is inside the form). */
export function fingerprintOf(sha256: string): string {
  return `redis-v1:${sha256}`;
}

export function isFingerprint(f: unknown): f is string {
  return typeof f === 'string' && FINGERPRINT.test(f);
}
