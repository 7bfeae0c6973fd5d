import { strict as assert } from 'node:assert';
import { beforeEach, describe, it } from 'node:test';
import type { VerifiedAccessToken } from './access-token.ts';
import type { VerificationError } from './errors.ts';
import type { VerifierOptions } from './options.ts';
import { hmacWithPublicKey, signWithTestKey, suiteApi, TestIssuer, tamper, unsignedToken } from './test-support.ts';
import { AccessTokenVerifier } from './verifier.ts';

let issuer: TestIssuer;
const hits: Array<[string, boolean]> = [];

function verifier(options: Partial<VerifierOptions> = {}): AccessTokenVerifier {
  return new AccessTokenVerifier({
    issuer: issuer.issuer,
    audience: suiteApi,
    fetch: issuer.fetch,
    clock: issuer.clock.clock,
    events: { cache: (cache, hit) => hits.push([cache, hit]) },
    ...options,
  });
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function refusal(promise: Promise<VerifiedAccessToken>): Promise<VerificationError> {
  try {
    await promise;
  } catch (error) {
    return error as VerificationError;
  }
  assert.fail('expected the token to be refused');
}

beforeEach(() => {
  issuer = new TestIssuer();
  hits.length = 0;
});

describe('JWT access tokens (RFC 9068, RFC 8725)', () => {
  it('a token signed by the issuer for this audience is accepted with its scopes', async () => {
    const token = await verifier().verifyAccessToken(bearer(issuer.jwt({ scope: 'orders:read orders:write' })));
    assert.equal(token.format, 'jwt');
    assert.deepEqual([...token.scopes], ['orders:read', 'orders:write']);
    assert.equal(token.claims.sub, 'user-1');
  });

  const refused: Array<[string, () => string, RegExp]> = [
    ['the typ is not at+jwt', () => issuer.jwt({}, { typ: 'JWT' }), /typ/],
    ['the issuer is another', () => issuer.jwt({ iss: 'https://evil.example.com' }), /another issuer/],
    ['it has expired beyond the clock skew', () => issuer.jwt({ exp: issuer.clock.seconds() - 11 }), /expired/],
    ['it is not valid yet beyond the clock skew', () => issuer.jwt({ nbf: issuer.clock.seconds() + 11 }), /not valid yet/],
    ['it has no exp', () => issuer.jwt({ exp: undefined }), /no exp/],
    ['alg is none', () => unsignedToken(issuer.claims()), /algorithm none/],
    ['it is HS256 keyed with the public key', () => hmacWithPublicKey(issuer.signingKey.publicJwk, issuer.claims()), /algorithm HS256/],
    ['its claims were changed after signing', () => tamper(issuer.jwt()), /signature/],
    ['it names its own key with jwk', () => issuer.jwt({}, { jwk: issuer.signingKey.publicJwk }), /jwk header/],
    ['it points at a key URL with jku', () => issuer.jwt({}, { jku: 'https://evil.example.com/jwks' }), /jku header/],
    ['it points at a certificate URL with x5u', () => issuer.jwt({}, { x5u: 'https://evil.example.com/cert' }), /x5u header/],
    ['its alg is not allowed for its key', () => issuer.jwt({}, { alg: 'RS256' }), /RS256 is not accepted for this key/],
    ['it is for another audience', () => issuer.jwt({ aud: 'https://other.example.com' }), /not meant for this resource/],
  ];
  for (const [why, make, message] of refused) {
    it(`a token is refused as invalid_token when ${why}`, async () => {
      const error = await refusal(verifier().verifyAccessToken(bearer(make())));
      assert.equal(error.code, 'invalid_token');
      assert.match(error.message, message);
    });
  }

  it('an expiry within the clock skew is tolerated', async () => {
    await verifier().verifyAccessToken(bearer(issuer.jwt({ exp: issuer.clock.seconds() - 5 })));
  });

  it('a verified token is cached by hash and its signature checked once', async () => {
    const v = verifier();
    const token = issuer.jwt();
    await v.verifyAccessToken(bearer(token));
    await v.verifyAccessToken(bearer(token));
    assert.deepEqual(hits, [
      ['jwt', false],
      ['jwt', true],
    ]);
  });

  it('a cached token is refused once it expires', async () => {
    const v = verifier();
    const token = issuer.jwt({ exp: issuer.clock.seconds() + 60 });
    await v.verifyAccessToken(bearer(token));
    issuer.clock.advance(71);
    assert.match((await refusal(v.verifyAccessToken(bearer(token)))).message, /expired/);
  });

  it('the audience is checked per request, so one cached token serves only its own API', async () => {
    const v = verifier();
    const token = issuer.jwt();
    await v.verifyAccessToken(bearer(token));
    assert.equal((await refusal(v.verifyAccessToken(bearer(token), { audience: 'https://other.example.com' }))).code, 'invalid_token');
  });

  it('a JWT is refused where only opaque tokens are accepted', async () => {
    const v = verifier({ introspection: issuer.introspector, tokens: 'opaque' });
    assert.match((await refusal(v.verifyAccessToken(bearer(issuer.jwt())))).message, /opaque tokens only/);
  });
});

describe('opaque tokens (RFC 7662)', () => {
  const opaqueVerifier = (introspection: Partial<VerifierOptions['introspection']> = {}) =>
    verifier({ introspection: { ...issuer.introspector, ...introspection } });

  it('an active opaque token is accepted with the introspected claims', async () => {
    const token = await opaqueVerifier().verifyAccessToken(bearer(issuer.opaque({ scope: 'orders:read' })));
    assert.equal(token.format, 'opaque');
    assert.ok(token.scopes.has('orders:read'));
    assert.equal(token.claims.active, undefined);
  });

  it('the answer is cached by hash, so a second request does not introspect', async () => {
    const v = opaqueVerifier();
    const token = issuer.opaque();
    await v.verifyAccessToken(bearer(token));
    await v.verifyAccessToken(bearer(token));
    assert.equal(issuer.requests.introspection, 1);
  });

  it('concurrent requests with one token share one introspection', async () => {
    const v = opaqueVerifier();
    const token = issuer.opaque();
    await Promise.all(Array.from({ length: 20 }, () => v.verifyAccessToken(bearer(token))));
    assert.equal(issuer.requests.introspection, 1);
  });

  it('a revoked token is refused once its cache entry expires', async () => {
    const v = opaqueVerifier({ cache_ttl: 30 });
    const token = issuer.opaque();
    await v.verifyAccessToken(bearer(token));
    issuer.revoke(token);
    issuer.clock.advance(29);
    await v.verifyAccessToken(bearer(token));
    issuer.clock.advance(2);
    assert.match((await refusal(v.verifyAccessToken(bearer(token)))).message, /not active/);
  });

  it('a revoked token is refused at once when caching is off', async () => {
    const v = opaqueVerifier({ cache_ttl: 0 });
    const token = issuer.opaque();
    await v.verifyAccessToken(bearer(token));
    issuer.revoke(token);
    assert.equal((await refusal(v.verifyAccessToken(bearer(token)))).code, 'invalid_token');
  });

  it('a cache entry never outlives the token', async () => {
    const v = opaqueVerifier({ cache_ttl: 3600 });
    const token = issuer.opaque({ exp: issuer.clock.seconds() + 20 });
    await v.verifyAccessToken(bearer(token));
    issuer.clock.advance(21);
    await refusal(v.verifyAccessToken(bearer(token)));
    assert.equal(issuer.requests.introspection, 2);
  });

  it('an inactive answer is cached briefly', async () => {
    const v = opaqueVerifier({ negative_cache_ttl: 5 });
    await refusal(v.verifyAccessToken(bearer('unknown-token')));
    await refusal(v.verifyAccessToken(bearer('unknown-token')));
    assert.equal(issuer.requests.introspection, 1);
    issuer.clock.advance(6);
    await refusal(v.verifyAccessToken(bearer('unknown-token')));
    assert.equal(issuer.requests.introspection, 2);
  });

  it('an unreachable introspection endpoint fails closed with 503', async () => {
    const v = opaqueVerifier();
    const token = issuer.opaque();
    issuer.online = false;
    assert.equal((await refusal(v.verifyAccessToken(bearer(token)))).status, 503);
  });

  it('refused introspection credentials fail closed with 503, not as a bad token', async () => {
    const v = opaqueVerifier({ client_secret: 'wrong' });
    const error = await refusal(v.verifyAccessToken(bearer(issuer.opaque())));
    assert.equal(error.status, 503);
    assert.match(error.message, /credentials were refused/);
  });

  it('with JWT answers (RFC 9701), the signed answer is kept to forward upstream', async () => {
    const v = opaqueVerifier({ jwt_response: true });
    const token = await v.verifyAccessToken(bearer(issuer.opaque()));
    assert.equal(JSON.parse(Buffer.from(token.jwt!.split('.')[0]!, 'base64url').toString()).typ, 'token-introspection+jwt');
  });

  it('a cached JWT answer is renewed before it expires, so the forwarded JWT is never stale', async () => {
    const v = opaqueVerifier({ jwt_response: true, cache_ttl: 3600 });
    const token = issuer.opaque({ exp: issuer.clock.seconds() + 3600 });
    const first = await v.verifyAccessToken(bearer(token));
    issuer.clock.advance(60);
    const second = await v.verifyAccessToken(bearer(token));
    assert.notEqual(first.jwt, second.jwt);
    assert.equal(issuer.requests.introspection, 2);
  });
});

describe('phantom tokens (RFC 9701 JWTs forwarded by a gateway)', () => {
  async function phantomFor(claims: Record<string, unknown> = {}): Promise<string> {
    const gateway = verifier({
      audience: [suiteApi, 'https://other.example.com'],
      introspection: { ...issuer.introspector, jwt_response: true },
    });
    return (await gateway.verifyAccessToken(bearer(issuer.opaque(claims)))).jwt!;
  }

  it('an upstream API accepts the gateway phantom JWT and reads the token claims from it', async () => {
    const token = await verifier({ phantom: { client_id: 'gateway' } }).verifyAccessToken(bearer(await phantomFor({ sub: 'alice' })));
    assert.equal(token.format, 'phantom');
    assert.equal(token.claims.sub, 'alice');
    assert.ok(token.scopes.has('orders:read'));
  });

  it('a phantom JWT is refused when phantom tokens are not configured', async () => {
    assert.match((await refusal(verifier().verifyAccessToken(bearer(await phantomFor())))).message, /typ/);
  });

  it('a phantom JWT issued to another client is refused', async () => {
    const error = await refusal(verifier({ phantom: { client_id: 'other-gateway' } }).verifyAccessToken(bearer(await phantomFor())));
    assert.match(error.message, /unknown client/);
  });

  it('a phantom JWT describing a token for another API is refused', async () => {
    const error = await refusal(
      verifier({ phantom: { client_id: 'gateway' } }).verifyAccessToken(bearer(await phantomFor({ aud: 'https://other.example.com' }))),
    );
    assert.match(error.message, /not meant for this resource/);
  });

  it('a phantom JWT saying the token is inactive is refused', async () => {
    const now = issuer.clock.seconds();
    const jwt = signWithTestKey(
      issuer.signingKey,
      { typ: 'token-introspection+jwt' },
      { iss: issuer.issuer, aud: 'gateway', iat: now, exp: now + 60, token_introspection: { active: false } },
    );
    assert.match((await refusal(verifier({ phantom: { client_id: 'gateway' } }).verifyAccessToken(bearer(jwt)))).message, /not active/);
  });
});

describe('discovery', () => {
  it('an issuer whose metadata names another issuer is never trusted', async () => {
    const v = new AccessTokenVerifier({
      issuer: issuer.issuer,
      audience: suiteApi,
      clock: issuer.clock.clock,
      fetch: async (url, init) =>
        String(url).endsWith('openid-configuration')
          ? Response.json({ issuer: 'https://evil.example.com', jwks_uri: `${issuer.issuer}/jwks` })
          : issuer.fetch(url, init),
    });
    assert.equal((await refusal(v.verifyAccessToken(bearer(issuer.jwt())))).status, 503);
  });
});
