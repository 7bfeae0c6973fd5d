import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isCompactJwt } from './jwt.ts';
import { newFamilyId, newOrderedToken, orderedKeyBound, storedTokenKey } from './ordered-tokens.ts';
import { sha256 } from './secrets.ts';

/** Two values from `make` have `randomChars` base64url characters behind a time prefix that does not descend. */
function assertOrderedRandom(make: () => string, randomChars: number): void {
  const first = make();
  const second = make();
  assert.match(first, new RegExp(`^[0-9a-z]{8,12}\\.[A-Za-z0-9_-]{${randomChars}}$`));
  assert.notEqual(first.split('.')[1], second.split('.')[1]);
  assert.ok((first.split('.')[0] as string) <= (second.split('.')[0] as string));
}

test('new stored tokens carry 256 random bits behind an ascending, non-secret prefix', () => {
  assertOrderedRandom(newOrderedToken, 43);
});

test('refresh-token family ids carry 128 random bits behind a prefix that ascends with time', () => {
  assertOrderedRandom(newFamilyId, 22);
});

test('a stored token is kept by its prefix and the SHA-256 of the whole token, never by its value', () => {
  const token = newOrderedToken();
  const prefix = token.slice(0, token.indexOf('.') + 1);
  assert.equal(storedTokenKey(token), `${prefix}${sha256(token)}`);
  assert.ok(!storedTokenKey(token).includes(token.slice(token.indexOf('.') + 1)));
});

test('tokens issued before the prefix existed, and JWTs, keep their plain SHA-256 key', () => {
  const legacy = 'q0vPzQ3v1y7m3HbQW9j2c8xYk4Rt6uLs5aBn7dEf9gA';
  assert.equal(storedTokenKey(legacy), sha256(legacy));
  const jwt = 'eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiJ4In0.c2ln';
  assert.equal(storedTokenKey(jwt), sha256(jwt));
});

test('a stored token is never taken for a JWT', () => {
  assert.equal(isCompactJwt(newOrderedToken()), false);
  assert.equal(isCompactJwt('q0vPzQ3v1y7m3HbQW9j2c8xYk4Rt6uLs5aBn7dEf9gA'), false);
  assert.equal(isCompactJwt('eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'), true);
  assert.equal(isCompactJwt('a.b.c.d'), false);
});

test('keys of tokens issued before a bound sort below it; those issued at or after it do not', () => {
  const now = Date.now();
  const key = storedTokenKey(newOrderedToken());
  assert.ok(key < orderedKeyBound(now + 1000), 'issued before the bound');
  assert.ok(key >= orderedKeyBound(now - 1000), 'issued after the bound');
  assert.ok(key >= orderedKeyBound(now - 1), 'issued at or after the bound');
});
