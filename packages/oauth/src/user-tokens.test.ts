import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sha256 } from './secrets.ts';
import { newRefreshToken, refreshTokenKey } from './user-tokens.ts';

test('new refresh tokens carry 256 random bits behind an ascending, non-secret prefix', () => {
  const first = newRefreshToken();
  const second = newRefreshToken();
  assert.match(first, /^[0-9a-z]{8,12}\.[A-Za-z0-9_-]{43}$/);
  assert.notEqual(first.split('.')[1], second.split('.')[1]);
  assert.ok((first.split('.')[0] as string) <= (second.split('.')[0] as string));
});

test('a refresh token is stored by its prefix and the SHA-256 of the whole token, never by its value', () => {
  const token = newRefreshToken();
  const prefix = token.slice(0, token.indexOf('.') + 1);
  assert.equal(refreshTokenKey(token), `${prefix}${sha256(token)}`);
  assert.ok(!refreshTokenKey(token).includes(token.slice(token.indexOf('.') + 1)));
});

test('refresh tokens issued before the prefix existed keep their plain SHA-256 key', () => {
  const legacy = 'q0vPzQ3v1y7m3HbQW9j2c8xYk4Rt6uLs5aBn7dEf9gA';
  assert.equal(refreshTokenKey(legacy), sha256(legacy));
});
