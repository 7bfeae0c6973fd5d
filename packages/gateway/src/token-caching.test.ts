import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { compactJws } from '@portcullis/sdk/test-support';
import { testOpaqueApi } from '@portcullis/server/test-support';
import { clientCredentialsToken, get, revokeToken, type Stack, startStack } from './test-support.ts';

describe('revocation through the introspection cache (RFC 7009, RFC 7662)', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({
      gateway: { introspection: { client_id: 'gateway', client_secret: 'gateway-secret-0123456789abcdef', cache_ttl: 30 } },
    });
  });
  after(() => stack.close());

  it('a token revoked at the server is refused once its cache entry expires', async () => {
    const opaque = await clientCredentialsToken(stack.server, testOpaqueApi, 'reports:read');
    const auth = { authorization: `Bearer ${opaque}` };
    assert.equal((await get(stack.gateway, '/reports', auth)).status, 200);
    await revokeToken(stack.server, opaque);
    assert.equal((await get(stack.gateway, '/reports', auth)).status, 200, 'served from the cache');
    stack.clock.advance(31);
    const refused = await get(stack.gateway, '/reports', auth);
    assert.equal(refused.status, 401);
    assert.match(refused.headers.get('www-authenticate')!, /error="invalid_token"/);
  });

  it('a token revoked at the server is refused at once when caching is off', async () => {
    const gateway = await stack.startGateway({
      introspection: { client_id: 'gateway', client_secret: 'gateway-secret-0123456789abcdef', cache_ttl: 0 },
    });
    const opaque = await clientCredentialsToken(stack.server, testOpaqueApi, 'reports:read');
    const auth = { authorization: `Bearer ${opaque}` };
    assert.equal((await get(gateway, '/reports', auth)).status, 200);
    await revokeToken(stack.server, opaque);
    assert.equal((await get(gateway, '/reports', auth)).status, 401);
  });

  it('a warm cache answers without asking the issuer again', async () => {
    const gateway = await stack.startGateway();
    const opaque = await clientCredentialsToken(stack.server, testOpaqueApi, 'reports:read');
    const before = stack.link.counts.introspection;
    for (let i = 0; i < 5; i++) assert.equal((await get(gateway, '/reports', { authorization: `Bearer ${opaque}` })).status, 200);
    assert.equal(stack.link.counts.introspection - before, 1);
  });
});

describe('signing keys (RFC 7517, RFC 8725)', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  /** A token signed by the server's real key but naming a made-up kid. */
  const randomKidToken = () => {
    const key = stack.server.runtime.context.keys.signingKey();
    const now = stack.clock.seconds();
    const claims = { iss: stack.server.issuer, sub: 'x', aud: 'https://api.example.com', scope: 'orders:read', iat: now, exp: now + 60 };
    return compactJws({ alg: key.alg, typ: 'at+jwt', kid: randomUUID() }, claims, (input) => key.sign(input));
  };

  it('a flood of random kids costs at most one JWKS fetch per cool-down', async () => {
    assert.equal((await get(stack.gateway, '/orders', { authorization: `Bearer ${stack.factory.jwt()}` })).status, 200);
    stack.clock.advance(31);
    const start = stack.link.counts.jwks;
    const flood = await Promise.all(
      Array.from({ length: 100 }, () => get(stack.gateway, '/orders', { authorization: `Bearer ${randomKidToken()}` })),
    );
    assert.ok(flood.every((r) => r.status === 401));
    assert.equal(stack.link.counts.jwks - start, 1);
    stack.clock.advance(10);
    await Promise.all(Array.from({ length: 50 }, () => get(stack.gateway, '/orders', { authorization: `Bearer ${randomKidToken()}` })));
    assert.equal(stack.link.counts.jwks - start, 1, 'still within the cool-down');
  });

  it('a key rotated in at the server is picked up without restarting the gateway', async () => {
    const before = stack.factory.jwt();
    assert.equal((await get(stack.gateway, '/orders', { authorization: `Bearer ${before}` })).status, 200);
    const rotated = await stack.server.runtime.context.keys.rotate({ immediate: true });
    stack.clock.advance(31);
    const after = stack.factory.jwt();
    assert.equal(JSON.parse(Buffer.from(after.split('.')[0]!, 'base64url').toString()).kid, rotated.kid);
    assert.equal((await get(stack.gateway, '/orders', { authorization: `Bearer ${after}` })).status, 200);
    assert.equal(
      (await get(stack.gateway, '/orders', { authorization: `Bearer ${before}` })).status,
      200,
      'the retired key still verifies',
    );
  });
});
