import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LoginThrottle } from './login-throttle.ts';

describe('login throttling', () => {
  test('back-off starts after the free attempts and doubles with each further failure', () => {
    let now = 1000;
    const throttle = new LoginThrottle({ freeAttempts: 3, backoffBase: 2, backoffMax: 60, clock: () => now });
    const keys = ['user:anne', 'ip:10.0.0.1'];
    throttle.recordFailure(keys);
    throttle.recordFailure(keys);
    assert.equal(throttle.retryAfter(keys), 0);
    throttle.recordFailure(keys);
    assert.equal(throttle.retryAfter(keys), 2);
    now += 2;
    throttle.recordFailure(keys);
    assert.equal(throttle.retryAfter(keys), 4);
    assert.equal(throttle.retryAfter(['user:bob', 'ip:10.0.0.1']), 4, 'the IP is throttled for every account');
    assert.equal(throttle.retryAfter(['user:bob', 'ip:10.0.0.2']), 0);
  });

  test('the back-off is capped and a success clears the account', () => {
    const now = 0;
    const throttle = new LoginThrottle({ freeAttempts: 1, backoffBase: 10, backoffMax: 30, clock: () => now });
    for (let i = 0; i < 10; i++) throttle.recordFailure(['user:anne']);
    assert.equal(throttle.retryAfter(['user:anne']), 30);
    throttle.recordSuccess(['user:anne']);
    assert.equal(throttle.retryAfter(['user:anne']), 0);
  });
});
