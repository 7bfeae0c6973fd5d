/**
 * Failed sign-ins per account and per client IP, with exponential back-off once the free
 * attempts are used. Kept in memory: per process, and forgotten on restart.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, { count: number; blockedUntil: number; last: number }>();
  readonly #options: { freeAttempts: number; backoffBase: number; backoffMax: number; clock: () => number };

  constructor(options: { freeAttempts: number; backoffBase: number; backoffMax: number; clock: () => number }) {
    this.#options = options;
  }

  /** Seconds to wait before any of these keys may try again (0 = go ahead). */
  retryAfter(keys: string[]): number {
    const now = this.#options.clock();
    return Math.max(0, ...keys.map((key) => (this.#failures.get(key)?.blockedUntil ?? 0) - now));
  }

  recordFailure(keys: string[]): void {
    const { freeAttempts, backoffBase, backoffMax, clock } = this.#options;
    const now = clock();
    this.#prune(now);
    for (const key of keys) {
      const entry = this.#failures.get(key) ?? { count: 0, blockedUntil: 0, last: now };
      entry.count += 1;
      entry.last = now;
      if (entry.count >= freeAttempts) entry.blockedUntil = now + Math.min(backoffMax, backoffBase * 2 ** (entry.count - freeAttempts));
      this.#failures.set(key, entry);
    }
  }

  recordSuccess(keys: string[]): void {
    for (const key of keys) this.#failures.delete(key);
  }

  // Entries idle for longer than the longest back-off no longer matter.
  #prune(now: number): void {
    if (this.#failures.size < 10_000) return;
    for (const [key, entry] of this.#failures) if (now - entry.last > this.#options.backoffMax) this.#failures.delete(key);
  }
}
