/**
 * LoginThrottle counts failed logins per user name and per client address in a sliding window: once either has
 * `maxFailures` inside `windowMs`, further attempts are refused until the oldest failure leaves the window. Kept in
 * memory: a restart or another replica starts afresh, which bounds guessing per process, not globally.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();
  constructor(
    readonly maxFailures: number,
    readonly windowMs: number,
    readonly maxKeys = 10_000,
  ) {}

  /** retryAfterMs is 0 when an attempt for this user from this address may proceed, else how long to wait. */
  retryAfterMs(user: string, address: string, now: number): number {
    let wait = 0;
    for (const key of [`u:${user}`, `a:${address}`]) {
      const recent = this.#recent(key, now);
      if (recent.length >= this.maxFailures) wait = Math.max(wait, recent[recent.length - this.maxFailures]! + this.windowMs - now);
    }
    return wait;
  }

  /** fail records a failed attempt for both the user and the address. */
  fail(user: string, address: string, now: number): void {
    if (this.#failures.size >= this.maxKeys) this.#prune(now);
    for (const key of [`u:${user}`, `a:${address}`]) this.#failures.set(key, [...this.#recent(key, now), now].slice(-this.maxFailures));
  }

  /** succeed forgets the user's failures (the address keeps its own). */
  succeed(user: string): void {
    this.#failures.delete(`u:${user}`);
  }

  #recent(key: string, now: number): number[] {
    return (this.#failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
  }

  #prune(now: number): void {
    for (const [key, times] of this.#failures) if (times.every((t) => now - t >= this.windowMs)) this.#failures.delete(key);
    // still full of recent failures (a spray from many addresses): drop the oldest keys rather than grow without bound
    for (const key of this.#failures.keys()) {
      if (this.#failures.size < this.maxKeys) break;
      this.#failures.delete(key);
    }
  }
}
