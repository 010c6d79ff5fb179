// Slows down token guessing: each key may fail authentication `limit` times
// per window; after that its requests get 429 until the window ends. Only
// failures count. (express-rate-limit's skipSuccessfulRequests counts every
// request while it is in flight and gives it back only when it succeeds, so a
// client with a valid token and many open progress streams was refused: that
// is why this is not a library.)
//
// The key is the token id of the presented token, or the client address when
// what was sent has no token id (no token, garbage). Keying by address alone
// locked valid tokens out of an address (a NAT, a proxy, a shared CI runner)
// where someone else kept failing; keyed by id, guessing the secret of one
// token is still limited, and garbage still is, per address.
export type FailureKey = { tokenId: string } | { address: string };

/** How many keys are remembered at most: an attacker who sprays made-up token ids must not grow memory without end. */
const MAX_KEYS = 10_000;

export class AuthFailureLimiter {
  private readonly failures = new Map<string, { n: number; resetAt: number }>();

  constructor(
    readonly limit: number,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = MAX_KEYS,
  ) {}

  private static id(key: FailureKey): string {
    return 'tokenId' in key ? `token ${key.tokenId}` : `address ${key.address}`;
  }

  /** Seconds until this key may try again, or 0 if it may now. */
  retryAfter(key: FailureKey): number {
    const id = AuthFailureLimiter.id(key);
    const f = this.failures.get(id);
    if (!f) return 0;
    const t = this.now();
    if (t >= f.resetAt) {
      this.failures.delete(id);
      return 0;
    }
    return f.n >= this.limit ? Math.ceil((f.resetAt - t) / 1000) : 0;
  }

  fail(key: FailureKey): void {
    const id = AuthFailureLimiter.id(key);
    const t = this.now();
    const f = this.failures.get(id);
    if (f && t < f.resetAt) f.n++;
    else {
      // Re-inserted, so that Map order stays oldest window first.
      this.failures.delete(id);
      this.failures.set(id, { n: 1, resetAt: t + this.windowMs });
    }
    if (this.failures.size <= this.maxKeys) return;
    // Drop the windows that ended; if a spray of keys is still too many, the oldest windows go.
    for (const [k, v] of this.failures) if (t >= v.resetAt) this.failures.delete(k);
    for (const k of this.failures.keys()) {
      if (this.failures.size <= this.maxKeys) break;
      this.failures.delete(k);
    }
  }
}
