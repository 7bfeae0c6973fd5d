import type { Clock } from '@portcullis/sdk';
import { Redis } from 'ioredis';
import { type RateLimiter, type RateLimitResult, windowOf } from './limiter.ts';

/** INCR and set the expiry on first use, atomically, so a counter never outlives its window. */
const incrementScript = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

/** Fixed-window counters in Redis, shared by every gateway node. */
export class RedisRateLimiter implements RateLimiter {
  readonly #redis: Redis;
  readonly #clock: Clock;
  readonly #prefix: string;

  constructor(url: string, clock: Clock, prefix = 'portcullis:gateway:rl:') {
    // Fail fast rather than queue: a slow limiter must not stall the proxy.
    this.#redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 250, lazyConnect: true });
    this.#redis.on('error', () => {});
    this.#redis.defineCommand('portcullisHit', { numberOfKeys: 1, lua: incrementScript });
    this.#clock = clock;
    this.#prefix = prefix;
  }

  /** Connects; the gateway waits for this at start-up so its first requests are counted. */
  async ready(): Promise<void> {
    if (this.#redis.status === 'wait') await this.#redis.connect();
  }

  async hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitResult> {
    const { index, retryAfter } = windowOf(this.#clock(), windowSeconds);
    const command = (this.#redis as unknown as { portcullisHit(key: string, ttl: number): Promise<number> }).portcullisHit;
    const count = await command.call(this.#redis, `${this.#prefix}${key}:${windowSeconds}:${index}`, windowSeconds * 1000);
    return { allowed: count <= limit, remaining: Math.max(0, limit - count), retryAfter };
  }

  async close(): Promise<void> {
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }
}
