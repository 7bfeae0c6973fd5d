import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { TestClock } from '@portcullis/sdk/test-support';
import type { RateLimiter } from './limiter.ts';
import { LocalRateLimiter } from './local-limiter.ts';
import { RedisRateLimiter } from './redis-limiter.ts';

const redisUrl = process.env.PORTCULLIS_TEST_REDIS ?? 'redis://127.0.0.1:6379';

/** One behaviour suite, run against each limiter. */
function limiterSuite(name: string, create: (clock: TestClock) => RateLimiter) {
  const make = (clock: TestClock) => {
    const limiter = create(clock);
    return { limiter, ready: limiter.ready() };
  };
  describe(`${name} rate limiter`, () => {
    it('allows up to the limit in a window, then refuses until the window ends', async () => {
      const clock = new TestClock(Date.UTC(2030, 0, 1, 0, 0, 10));
      const { limiter, ready } = make(clock);
      const key = randomUUID();
      try {
        await ready;
        assert.equal((await limiter.hit(key, 2, 60)).allowed, true);
        assert.equal((await limiter.hit(key, 2, 60)).remaining, 0);
        const refused = await limiter.hit(key, 2, 60);
        assert.equal(refused.allowed, false);
        assert.equal(refused.retryAfter, 50);
        clock.advance(50);
        assert.equal((await limiter.hit(key, 2, 60)).allowed, true);
      } finally {
        await limiter.close();
      }
    });

    it('counts each key on its own', async () => {
      const { limiter, ready } = make(new TestClock());
      try {
        await ready;
        assert.equal((await limiter.hit(randomUUID(), 1, 60)).allowed, true);
        assert.equal((await limiter.hit(randomUUID(), 1, 60)).allowed, true);
      } finally {
        await limiter.close();
      }
    });
  });
}

limiterSuite('local', (clock) => new LocalRateLimiter(clock.clock));
limiterSuite('Redis', (clock) => new RedisRateLimiter(redisUrl, clock.clock, `portcullis:test:${randomUUID()}:`));

describe('Redis rate limiter failure', () => {
  it('an unreachable Redis fails the check (the gateway then lets the request through)', async () => {
    const limiter = new RedisRateLimiter('redis://127.0.0.1:1', new TestClock().clock);
    try {
      await assert.rejects(limiter.ready());
      await assert.rejects(limiter.hit('k', 1, 60));
    } finally {
      await limiter.close();
    }
  });
});
