/** The answer of a rate limiter: allowed, or refused until `retryAfter` seconds have passed. */
export interface RateLimitResult {
  allowed: boolean;
  remaining: number;
  /** Seconds until the window resets. */
  retryAfter: number;
}

/** Counts requests per key in fixed windows; local or shared (Redis) behind one interface. */
export interface RateLimiter {
  /** Resolves once the limiter can answer (connected); rejects when it cannot yet. */
  ready(): Promise<void>;
  hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitResult>;
  close(): Promise<void>;
}

/** The fixed window a moment falls in, and what is left of it. */
export function windowOf(nowMs: number, windowSeconds: number): { index: number; retryAfter: number } {
  const length = windowSeconds * 1000;
  const index = Math.floor(nowMs / length);
  return { index, retryAfter: Math.max(1, Math.ceil(((index + 1) * length - nowMs) / 1000)) };
}
