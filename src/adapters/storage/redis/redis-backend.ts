// The Redis adapter of the StorageBackend port. Destroys keys matched by SCAN
// patterns under an operator-configured key prefix, with UNLINK inside a
// WATCH-guarded transaction. The URL comes from the operator's configuration
// (an environment variable, since it may carry a password), never from an order.

import type { DestructionMethod, HoldSpec, StorageBackend, TargetSession } from '../../../app/ports/storage-backend.js';
import { RedisConnection, redactUrl } from './connection.js';
import { compileTarget } from './scope.js';
import { RedisTargetSession, type SkipListener } from './target-session.js';

export interface RedisBackendOptions {
  /** The name orders use for this backend. */
  name: string;
  /** redis:// or rediss:// URL, as the operator configured it. */
  url: string;
  /** Every key seen starts with this; locators are the rest. Default '' (the whole database of the URL). */
  keyPrefix?: string;
  /** Objects per page of list() (default 1000). */
  pageSize?: number;
  /** SCAN COUNT hint (default 1000). */
  scanCount?: number;
  /** Values whose MEMORY USAGE or canonical form exceeds this are refused with VALUE_TOO_LARGE (default 64 MiB). */
  maxValueBytes?: number;
  /** Per-command timeout in ms (default 60 s): a hung server fails the call instead of the worker. */
  commandTimeoutMs?: number;
  /** Told about each key list() saw in scope but cannot name (not UTF-8). */
  onSkip?: SkipListener;
}

export const REDIS_PERSISTENCE: readonly string[] = [
  'UNLINK removes the key from the keyspace at once and frees its memory asynchronously, in a background thread; until then the bytes stay in the server process memory, and freed memory is not overwritten',
  'RDB snapshots (dump.rdb) and AOF files written before the UNLINK keep the value until they are rewritten (BGSAVE, BGREWRITEAOF); an AOF also keeps the write history of the key until it is rewritten',
  'copies of RDB or AOF files (backups, volume snapshots, files shipped elsewhere) keep the value',
  'replicas keep the value until they apply the UNLINK from the replication stream; a replica that is disconnected or lagging keeps it longer, and a replica promoted before applying it brings it back',
  'clients that cached the value (client-side caching, application caches) keep their copies',
  'the key name is hashed only through the locator; the canonical form hashed is the typed value, without TTL, stream consumer groups or the OBJECT encoding',
  'this is not a NIST SP 800-88 Clear or Purge: nothing is overwritten or cryptographically erased',
];

export const DEFAULT_MAX_VALUE_BYTES = 64 * 1024 * 1024;

function positiveInt(name: string, v: number | undefined, dflt: number): number {
  const n = v ?? dflt;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`redis backend: ${name} must be a positive integer, got ${n}`);
  return n;
}

export class RedisBackend implements StorageBackend {
  readonly name: string;
  readonly kind = 'redis';
  readonly method: DestructionMethod = 'redis-unlink';
  readonly persistence = REDIS_PERSISTENCE;
  /** Its name and kind: the registry (src/adapters/storage/registry.ts) names a configured backend by its system identity instead. */
  readonly system: string;
  private readonly url: string;
  private readonly keyPrefix: string;
  private readonly pageSize: number;
  private readonly scanCount: number;
  private readonly maxValueBytes: number;
  private readonly commandTimeoutMs: number;
  private readonly onSkip: SkipListener | undefined;
  private readonly sessions = new Set<RedisTargetSession>();
  private closed = false;

  constructor(options: RedisBackendOptions) {
    if (typeof options.name !== 'string' || options.name.length === 0) throw new TypeError('redis backend: name must be a non-empty string');
    let protocol: string;
    try {
      protocol = new URL(options.url).protocol;
    } catch {
      throw new TypeError(`redis backend ${options.name}: url is not a URL`);
    }
    if (protocol !== 'redis:' && protocol !== 'rediss:') throw new TypeError(`redis backend ${options.name}: url must be redis:// or rediss://, got ${redactUrl(options.url)}`);
    this.name = options.name;
    this.system = `${options.name} (redis)`;
    this.url = options.url;
    this.keyPrefix = options.keyPrefix ?? '';
    this.pageSize = positiveInt('pageSize', options.pageSize, 1000);
    this.scanCount = positiveInt('scanCount', options.scanCount, 1000);
    this.maxValueBytes = positiveInt('maxValueBytes', options.maxValueBytes, DEFAULT_MAX_VALUE_BYTES);
    this.commandTimeoutMs = positiveInt('commandTimeoutMs', options.commandTimeoutMs, 60_000);
    this.onSkip = options.onSkip;
  }

  /** Validates scope and holds (ValidationError naming every bad field), then connects (a failure throws RedisUnavailableError). */
  async openTarget(scope: unknown, holds: readonly HoldSpec[]): Promise<TargetSession> {
    if (this.closed) throw new Error(`redis backend ${this.name} is closed`);
    // Every hold given is applied, whatever its `target` says: retaining too much is safe, destroying a held key is not.
    const compiled = compileTarget(scope, holds);
    const conn = new RedisConnection(this.url, this.commandTimeoutMs);
    await conn.get(); // fail at plan time, not at the first batch, when Redis cannot be reached
    const session = new RedisTargetSession(conn, compiled.scope, compiled.holds, {
      prefix: this.keyPrefix,
      pageSize: this.pageSize,
      scanCount: this.scanCount,
      maxValueBytes: this.maxValueBytes,
      ...(this.onSkip ? { onSkip: this.onSkip } : {}),
    });
    this.sessions.add(session);
    const close = session.close.bind(session);
    session.close = async () => {
      this.sessions.delete(session);
      await close();
    };
    return session;
  }

  /** Closes every session's connection. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.sessions];
    this.sessions.clear();
    await Promise.allSettled(all.map((s) => s.close()));
  }
}
