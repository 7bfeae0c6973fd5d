import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, it } from 'node:test';
import type { VerificationError } from '../errors.ts';
import { TestIssuer } from '../test-support.ts';
import { JwksStore } from './jwks-store.ts';

let issuer: TestIssuer;
let store: JwksStore;

function newStore(): JwksStore {
  return new JwksStore({
    jwksUri: async () => `${issuer.issuer}/jwks`,
    fetch: issuer.fetch,
    clock: issuer.clock.clock,
    cooldownMs: 30_000,
    maxAgeMs: 300_000,
    timeoutMs: 1000,
    algorithms: new Set(['ES256']),
  });
}

const failure = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as VerificationError;
  }
  assert.fail('expected a refusal');
};

describe('JWKS cache (RFC 7517, RFC 8725 §3.10)', () => {
  beforeEach(() => {
    issuer = new TestIssuer();
    store = newStore();
  });

  it('the JWKS is fetched once and reused for known keys', async () => {
    await store.key(issuer.signingKey.kid, 'ES256');
    await store.key(issuer.signingKey.kid, 'ES256');
    assert.equal(issuer.requests.jwks, 1);
  });

  it('a flood of unknown kids causes at most one fetch per cool-down', async () => {
    await store.key(issuer.signingKey.kid, 'ES256');
    issuer.clock.advance(31);
    const flood = await Promise.all(Array.from({ length: 200 }, () => failure(store.key(randomUUID(), 'ES256'))));
    assert.ok(flood.every((error) => error.code === 'invalid_token'));
    assert.equal(issuer.requests.jwks, 2);
    issuer.clock.advance(10);
    await failure(store.key(randomUUID(), 'ES256'));
    assert.equal(issuer.requests.jwks, 2);
    issuer.clock.advance(25);
    await failure(store.key(randomUUID(), 'ES256'));
    assert.equal(issuer.requests.jwks, 3);
  });

  it('a rotated-in key is found by refreshing on its unknown kid once the cool-down has passed', async () => {
    await store.key(issuer.signingKey.kid, 'ES256');
    const rotated = issuer.rotate({ retire: true });
    issuer.clock.advance(31);
    assert.equal((await store.key(rotated.kid, 'ES256')).kid, rotated.kid);
  });

  it('a stale set is refreshed in the background while its keys go on verifying', async () => {
    await store.key(issuer.signingKey.kid, 'ES256');
    issuer.clock.advance(61); // the issuer's Cache-Control max-age is 60 s
    issuer.online = false;
    assert.equal((await store.key(issuer.signingKey.kid, 'ES256')).kid, issuer.signingKey.kid);
  });

  it('an unknown kid while the JWKS is unreachable fails closed with 503', async () => {
    issuer.online = false;
    assert.equal((await failure(store.key(issuer.signingKey.kid, 'ES256'))).status, 503);
  });

  it('symmetric and undersized keys in the JWKS are never used', async () => {
    issuer.keys.push({ ...issuer.signingKey, kid: 'oct', publicJwk: { kty: 'oct', k: 'c2VjcmV0', kid: 'oct' } });
    assert.equal((await failure(store.key('oct', 'ES256'))).code, 'invalid_token');
  });
});
