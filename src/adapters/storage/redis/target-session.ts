// One order's view of a Redis backend: compiled scope and holds, and a
// connection of its own. Scope and holds are re-checked per key right before
// it is destroyed (invariant 1); the destroy itself is a WATCH / re-read /
// compare / MULTI UNLINK EXEC transaction, so content that changed after it
// was hashed is never unlinked.

import { unnameableLocator } from '../unnameable.js';
import type { DestroyOutcome, HashOutcome, ListedObject, ObjectRef, ProbeOutcome, TargetSession } from '../../../app/ports/storage-backend.js';
import { fingerprintOf, isFingerprint } from './canonical-value.js';
import { isReplyError, type RedisConnection } from './connection.js';
import { escapeGlob } from './glob.js';
import { locatorOfKey, locatorProblem } from './locator.js';
import { readValues } from './read-values.js';
import { heldBy, matchesScope, type CompiledHold, type CompiledScope } from './scope.js';

export type SkipListener = (key: string, reason: string) => void;

export interface RedisSessionOptions {
  prefix: string;
  pageSize: number;
  scanCount: number;
  maxValueBytes: number;
  onSkip?: SkipListener;
}

type Refusal = Extract<HashOutcome, { status: 'absent' | 'held' | 'out-of-scope' | 'error' }>;
type Admitted = { key: Buffer };

type ItemError = Extract<Refusal, { status: 'error' }>;
const itemError = (code: string, message: string, transient = false): ItemError => ({ status: 'error', code, message, transient });

export class RedisTargetSession implements TargetSession {
  private closed = false;
  private readonly prefix: Buffer;
  /** Serializes WATCH..EXEC sections: EXEC clears every WATCH of the connection, so two interleaved ones would unguard each other. */
  private lock: Promise<void> = Promise.resolve();

  constructor(
    private readonly conn: RedisConnection,
    private readonly scope: CompiledScope,
    private readonly holds: readonly CompiledHold[],
    private readonly options: RedisSessionOptions,
  ) {
    this.prefix = Buffer.from(options.prefix, 'utf8');
  }

  /**
   * SCAN (never KEYS) for each match pattern under the prefix. Order: SCAN's
   * order, each page sorted by key bytes. That order is stable while the
   * keyspace does not grow or shrink enough to rehash; the engine needs it
   * once, because the ledger stores the plan. SCAN may return a key twice
   * (rehashing, or two overlapping patterns): keys already listed are
   * remembered and dropped, which costs memory per listed key (about 100 bytes
   * plus the locator): the one part of list() that grows with the scope.
   */
  async *list(): AsyncIterable<ListedObject[]> {
    this.assertOpen();
    const seen = new Set<string>();
    let pending: Array<{ key: Buffer; locator: string }> = [];
    let unnamed: ListedObject[] = [];
    for (const pattern of this.scope.scope.match) {
      const match = escapeGlob(this.options.prefix) + pattern;
      let cursor = '0';
      do {
        const client = await this.conn.get();
        let reply: [Buffer | string, Buffer[]];
        try {
          reply = await client.scanBuffer(cursor, 'MATCH', match, 'COUNT', this.options.scanCount);
        } catch (e) {
          throw isReplyError(e) ? e : this.conn.unavailable(e);
        }
        cursor = String(reply[0]);
        for (const key of reply[1]) {
          const locator = locatorOfKey(key, this.prefix);
          if (locator === undefined || locatorProblem(locator) !== undefined) {
            // Reported, not hidden: a key that no locator can name cannot be destroyed by name, so it is
            // listed under a stand-in and planned as an UNNAMEABLE exception (src/adapters/storage/unnameable.ts).
            this.options.onSkip?.(key.toString('base64'), 'key is not valid UTF-8 (or too long) after the prefix');
            const raw = key.subarray(this.prefix.length);
            if (key.length > this.prefix.length && key.subarray(0, this.prefix.length).equals(this.prefix) && matchesScope(this.scope, raw)) {
              const stand = unnameableLocator(raw);
              if (!seen.has(stand)) {
                seen.add(stand);
                unnamed.push({ locator: stand, size: 0, unnameable: `a key in scope cannot be named by a locator: ${locator === undefined ? 'not valid UTF-8' : locatorProblem(locator)}` });
              }
            }
            continue;
          }
          if (seen.has(locator) || !matchesScope(this.scope, Buffer.from(locator))) continue;
          seen.add(locator);
          pending.push({ key, locator });
        }
        if (pending.length + unnamed.length >= this.options.pageSize) {
          const page = [...(await this.sized(pending)), ...unnamed];
          pending = [];
          unnamed = [];
          if (page.length > 0) yield page;
          this.assertOpen();
        }
      } while (cursor !== '0');
    }
    const last = [...(await this.sized(pending)), ...unnamed];
    if (last.length > 0) yield last;
  }

  /** Sizes (canonical byte length) of a page, sorted by key bytes; keys gone since SCAN are dropped. */
  private async sized(items: Array<{ key: Buffer; locator: string }>): Promise<ListedObject[]> {
    items.sort((a, b) => Buffer.compare(a.key, b.key));
    const reads = await readValues(this.conn, items.map((i) => i.key), this.options.maxValueBytes);
    const page: ListedObject[] = [];
    items.forEach(({ locator }, k) => {
      const r = reads[k]!;
      if (r.status === 'absent') return;
      if (r.status === 'error' && r.transient) throw new Error(`listing failed: ${locator}: ${r.message}`);
      // A key that cannot be hashed (too large, unsupported type) is still planned, so that it shows up as an
      // exception instead of vanishing from the inventory; its size is then the server's MEMORY USAGE figure.
      const size = r.status === 'ok' ? r.size : (r.approxSize ?? 0);
      const hold = heldBy(this.holds, Buffer.from(locator));
      page.push({ locator, size, ...(hold !== undefined ? { heldBy: hold } : {}) });
    });
    return page;
  }

  async hash(items: readonly ObjectRef[]): Promise<HashOutcome[]> {
    this.assertOpen();
    const out: HashOutcome[] = new Array(items.length);
    const admitted: Array<{ i: number; key: Buffer }> = [];
    this.checkArray(items).forEach((item, i) => {
      const a = this.admit(item);
      if ('key' in a) admitted.push({ i, key: a.key });
      else out[i] = a;
    });
    const reads = await readValues(this.conn, admitted.map((a) => a.key), this.options.maxValueBytes);
    admitted.forEach(({ i }, k) => {
      const r = reads[k]!;
      if (r.status === 'ok') out[i] = { status: 'hashed', sha256: r.sha256, size: r.size, fingerprint: fingerprintOf(r.sha256) };
      else if (r.status === 'absent') out[i] = r;
      else out[i] = itemError(r.code, r.message, r.transient);
    });
    return out;
  }

  async destroy(items: ReadonlyArray<ObjectRef & { fingerprint: string }>): Promise<DestroyOutcome[]> {
    this.assertOpen();
    const out: DestroyOutcome[] = [];
    for (const item of this.checkArray(items)) {
      const a = this.admit(item);
      if (!('key' in a)) {
        out.push(a);
        continue;
      }
      const fingerprint = (item as { fingerprint?: unknown }).fingerprint;
      if (!isFingerprint(fingerprint)) {
        out.push(itemError('FINGERPRINT_INVALID', 'fingerprint is not redis-v1:<sha256 hex>'));
        continue;
      }
      out.push(await this.exclusively(() => this.destroyKey(a.key, fingerprint)));
    }
    return out;
  }

  /** WATCH, re-read and compare, then MULTI UNLINK EXEC: EXEC aborts if anyone wrote the key after the WATCH. */
  private async destroyKey(key: Buffer, fingerprint: string): Promise<DestroyOutcome> {
    const client = await this.conn.get();
    try {
      await client.watch(key);
      const [now] = await readValues(this.conn, [key], this.options.maxValueBytes);
      if (now!.status !== 'ok' || fingerprintOf(now!.sha256) !== fingerprint) {
        await client.unwatch();
        if (now!.status === 'absent') return { status: 'absent' };
        if (now!.status === 'error' && !now!.transient) return itemError(now!.code, now!.message);
        return { status: 'changed' };
      }
      const result = await client.multi().unlink(key).exec();
      if (result === null) return { status: 'changed' }; // EXEC aborted: the key was written after WATCH
      const [err, removed] = result[0]!;
      if (err) return itemError('REDIS_REPLY_ERROR', `UNLINK failed: ${err.message}`);
      return removed === 1 ? { status: 'destroyed' } : { status: 'absent' };
    } catch (e) {
      if (isReplyError(e)) return itemError('REDIS_REPLY_ERROR', e.message);
      throw e instanceof Error && e.name === 'RedisUnavailableError' ? e : this.conn.unavailable(e);
    }
  }

  async probe(items: readonly ObjectRef[]): Promise<ProbeOutcome[]> {
    this.assertOpen();
    const out: ProbeOutcome[] = new Array(items.length);
    const keys: Array<{ i: number; key: Buffer }> = [];
    this.checkArray(items).forEach((item, i) => {
      const locator = (item as { locator?: unknown } | null | undefined)?.locator;
      const problem = locatorProblem(locator);
      if (problem !== undefined) out[i] = itemError('LOCATOR_INVALID', `locator refused: ${problem}`);
      else keys.push({ i, key: this.keyOf(locator as string) });
    });
    if (keys.length === 0) return out;
    const client = await this.conn.get();
    let counts: number[];
    try {
      // EXISTS per key in one pipeline (a multi-key EXISTS answers a count, not which ones).
      const p = client.pipeline();
      for (const { key } of keys) p.exists(key);
      const results = (await p.exec()) ?? [];
      counts = results.map(([err, n]) => {
        if (err) throw err;
        return Number(n);
      });
    } catch (e) {
      throw this.conn.unavailable(e);
    }
    keys.forEach(({ i }, k) => {
      out[i] = counts[k] === 0 ? { status: 'absent' } : { status: 'present' };
    });
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.conn.close();
  }

  private keyOf(locator: string): Buffer {
    return Buffer.concat([this.prefix, Buffer.from(locator, 'utf8')]);
  }

  /** Well formed, in scope now and held by nothing now (invariant 1), else the refusal. */
  private admit(item: unknown): Admitted | Refusal {
    const locator = (item as { locator?: unknown } | null | undefined)?.locator;
    const problem = locatorProblem(locator);
    if (problem !== undefined) return itemError('LOCATOR_INVALID', `locator refused: ${problem}`);
    const bytes = Buffer.from(locator as string, 'utf8');
    if (!matchesScope(this.scope, bytes)) return { status: 'out-of-scope' };
    const hold = heldBy(this.holds, bytes);
    if (hold !== undefined) return { status: 'held', holdId: hold };
    return { key: this.keyOf(locator as string) };
  }

  private checkArray<T>(items: readonly T[]): readonly T[] {
    if (!Array.isArray(items)) throw new TypeError('items must be an array');
    return items;
  }

  private exclusively<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn);
    this.lock = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('redis target session is closed');
  }
}
