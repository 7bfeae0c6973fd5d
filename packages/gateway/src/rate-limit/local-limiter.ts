import type { Clock } from '@portcullis/sdk';
import { type RateLimiter, type RateLimitResult, windowOf } from './limiter.ts';

/** Fixed-window counters in this process: right for one gateway node. */
export class LocalRateLimiter implements RateLimiter {
  readonly #clock: Clock;
  readonly #maxKeys: number;
  #counters = new Map<string, { window: number; count: number }>();

  constructor(clock: Clock, maxKeys = 100_000) {
    this.#clock = clock;
    this.#maxKeys = maxKeys;
  }

  async hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitResult> {
    const now = this.#clock();
    const { index, retryAfter } = windowOf(now, windowSeconds);
    let counter = this.#counters.get(key);
    if (!counter || counter.window !== index) {
      if (!counter && this.#counters.size >= this.#maxKeys) this.#sweep(now, windowSeconds);
      counter = { window: index, count: 0 };
      this.#counters.set(key, counter);
    }
    counter.count++;
    return { allowed: counter.count <= limit, remaining: Math.max(0, limit - counter.count), retryAfter };
  }

  /** Drops counters of past windows; if none are past, starts afresh rather than grow without bound. */
  #sweep(now: number, windowSeconds: number): void {
    const current = windowOf(now, windowSeconds).index;
    for (const [key, counter] of this.#counters) if (counter.window < current) this.#counters.delete(key);
    if (this.#counters.size >= this.#maxKeys) this.#counters = new Map();
  }

  async ready(): Promise<void> {}

  async close(): Promise<void> {}
}
