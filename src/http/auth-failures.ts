// Slows down token guessing: each client address may fail authentication
// `limit` times per window; after that its requests get 429 until the window
// ends. Only failures count. (express-rate-limit's skipSuccessfulRequests
// counts every request while it is in flight and gives it back only when it
// succeeds, so a client with a valid token and many open progress streams was
// refused: that is why this is not a library.)
export class AuthFailureLimiter {
  private readonly failures = new Map<string, { n: number; resetAt: number }>();

  constructor(
    readonly limit: number,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until this address may try again, or 0 if it may now. */
  retryAfter(address: string): number {
    const f = this.failures.get(address);
    if (!f) return 0;
    const t = this.now();
    if (t >= f.resetAt) {
      this.failures.delete(address);
      return 0;
    }
    return f.n >= this.limit ? Math.ceil((f.resetAt - t) / 1000) : 0;
  }

  fail(address: string): void {
    const t = this.now();
    const f = this.failures.get(address);
    if (f && t < f.resetAt) f.n++;
    else this.failures.set(address, { n: 1, resetAt: t + this.windowMs });
    // Bounded memory under a spray of addresses: drop the windows that ended.
    if (this.failures.size > 10_000) for (const [k, v] of this.failures) if (t >= v.resetAt) this.failures.delete(k);
  }
}
