/**
 * LoginThrottle counts failed logins per key (a user name, or a client address) in a sliding window: once a key has
 * `maxFailures` inside `windowMs`, further attempts for it are refused until the oldest failure leaves the window.
 * Kept in memory: a restart or another replica starts afresh, which bounds guessing per process, not globally.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();
  constructor(
    readonly maxFailures: number,
    readonly windowMs: number,
    readonly maxKeys = 10_000,
  ) {}

  /** retryAfterMs is 0 when an attempt for this key may proceed, else how long to wait. */
  retryAfterMs(key: string, now: number): number {
    const recent = this.#recent(key, now);
    return recent.length >= this.maxFailures ? recent[recent.length - this.maxFailures]! + this.windowMs - now : 0;
  }

  /** fail records a failed attempt for the key. */
  fail(key: string, now: number): void {
    if (!this.#failures.has(key) && this.#failures.size >= this.maxKeys) this.#prune(now);
    this.#failures.set(key, [...this.#recent(key, now), now].slice(-this.maxFailures));
  }

  /** forget drops the key's failures (a user who logged in). */
  forget(key: string): void {
    this.#failures.delete(key);
  }

  /** size is how many keys are remembered. */
  get size(): number {
    return this.#failures.size;
  }

  #recent(key: string, now: number): number[] {
    return (this.#failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
  }

  #prune(now: number): void {
    for (const [key, times] of this.#failures)
      if (times.every((t) => now - t >= this.windowMs)) this.#failures.delete(key);
    // still full of recent failures (a spray from many addresses): drop the oldest keys rather than grow without bound
    for (const key of this.#failures.keys()) {
      if (this.#failures.size < this.maxKeys) break;
      this.#failures.delete(key);
    }
  }
}
