// One Redis connection, owned by one target session. It never reconnects by
// itself and never replays commands: after a connection loss, the WATCH that
// guards a destroy is gone, and a transparently resent MULTI/UNLINK/EXEC would
// delete without the compare. So a lost connection fails the call that was
// using it (transient: the engine retries the job), and the next call opens a
// fresh connection.

import { Redis, ReplyError } from 'ioredis';
import { withoutCredentials } from '../../../log.js';

/** The whole call failed because Redis could not be reached or the connection broke: retry later. */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
  readonly code = 'REDIS_UNAVAILABLE';
  readonly transient = true;
}

/** A reply error (WRONGTYPE, NOSCRIPT...) is about one command; anything else is about the connection. */
export function isReplyError(e: unknown): e is Error {
  return e instanceof ReplyError;
}

/** The URL without its userinfo: a password must never reach a log or an error message (invariant 6). */
export function redactUrl(url: string): string {
  return withoutCredentials(url, '<unparseable redis url>');
}

export class RedisConnection {
  private client: Redis | undefined;
  private lastError: string | undefined;

  constructor(
    private readonly url: string,
    private readonly commandTimeoutMs: number,
  ) {}

  /** The connected client, opening a new connection when there is none or the last one broke. */
  async get(): Promise<Redis> {
    if (this.client && this.client.status === 'ready') return this.client;
    this.client?.disconnect();
    const client = new Redis(this.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      autoResendUnfulfilledCommands: false,
      enableReadyCheck: true,
      connectTimeout: 10_000,
      commandTimeout: this.commandTimeoutMs,
    });
    // Without a listener ioredis prints errors to stderr; the message is kept for the thrown error.
    client.on('error', (e: Error) => {
      this.lastError = e.message;
    });
    this.client = client;
    try {
      await client.connect();
    } catch (e) {
      this.client = undefined;
      client.disconnect();
      throw this.unavailable(e);
    }
    return client;
  }

  /** Maps a non-reply failure to RedisUnavailableError (and drops the connection, which may be half broken). */
  unavailable(e: unknown): RedisUnavailableError {
    const detail = e instanceof Error ? e.message : String(e);
    this.client?.disconnect();
    this.client = undefined;
    return new RedisUnavailableError(`redis at ${redactUrl(this.url)} unavailable: ${detail}${this.lastError && this.lastError !== detail ? ` (${this.lastError})` : ''}`, { cause: e });
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (!c) return;
    try {
      await c.quit();
    } catch {
      c.disconnect();
    }
  }
}
