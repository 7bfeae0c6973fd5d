import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as jose from 'jose';
import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';
import { postForm, secrets, startTestServer, type TestServer, testApi, testOpaqueApi } from './test-support.ts';

let server: TestServer;
let signingKey: jose.CryptoKey;
let jwks: { keys: jose.JWK[] };

before(async () => {
  const pair = await jose.generateKeyPair('ES256', { extractable: true });
  signingKey = pair.privateKey;
  jwks = { keys: [{ ...(await jose.exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' }] };
  const { fixtureClients } = await import('./test-support.ts');
  server = await startTestServer({
    clients: [
      ...fixtureClients(),
      {
        client_id: 'jwt-client',
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'private_key_jwt',
        jwks,
        scope: 'orders:read',
      },
    ],
  });
});
after(() => server.close());

async function discover(clientId: string, auth: client.ClientAuth): Promise<client.Configuration> {
  return client.discovery(new URL(server.issuer), clientId, undefined, auth, { execute: [client.allowInsecureRequests] });
}

/** Verifies a JWT access token through the JWKS endpoint alone, as an API would. */
async function verifyAccessToken(token: string, audience: string) {
  const keySet = jose.createRemoteJWKSet(new URL(`${server.issuer}/.well-known/jwks.json`));
  return jose.jwtVerify(token, keySet, { issuer: server.issuer, audience, typ: 'at+jwt', algorithms: ['ES256'] });
}

describe('client credentials with openid-client (RFC 6749 §4.4)', () => {
  test('discovery publishes the endpoints and exactly the implemented grants', async () => {
    const config = await discover('basic-client', client.ClientSecretBasic(secrets.basic));
    const metadata = config.serverMetadata();
    assert.equal(metadata.issuer, server.issuer);
    assert.equal(metadata.token_endpoint, `${server.issuer}/oauth2/token`);
    assert.deepEqual(metadata.grant_types_supported, ['authorization_code', 'client_credentials', 'refresh_token']);
    assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
    assert.deepEqual(metadata.response_types_supported, ['code']);
    assert.ok(metadata.token_endpoint_auth_methods_supported?.includes('private_key_jwt'));
    const rfc8414 = (await (await fetch(`${server.issuer}/.well-known/oauth-authorization-server`)).json()) as { issuer: string };
    assert.equal(rfc8414.issuer, server.issuer);
  });

  test('client_secret_basic gets an RFC 9068 JWT that verifies through the JWKS alone', async () => {
    const config = await discover('basic-client', client.ClientSecretBasic(secrets.basic));
    const tokens = await client.clientCredentialsGrant(config, { resource: testApi, scope: 'orders:read' });
    assert.equal(tokens.token_type, 'bearer');
    assert.equal(tokens.scope, 'orders:read');
    assert.equal(tokens.expires_in, 300);
    const { payload, protectedHeader } = await verifyAccessToken(tokens.access_token, testApi);
    assert.equal(protectedHeader.typ, 'at+jwt');
    assert.equal(protectedHeader.alg, 'ES256');
    assert.equal(payload.sub, 'basic-client');
    assert.equal(payload.client_id, 'basic-client');
    assert.equal(payload.scope, 'orders:read');
    assert.equal(payload.aud, testApi);
    assert.equal((payload.exp as number) - (payload.iat as number), 300);
    assert.equal(typeof payload.jti, 'string');
  });

  test('client_secret_post is accepted for a client registered with it', async () => {
    const config = await discover('post-client', client.ClientSecretPost(secrets.post));
    const tokens = await client.clientCredentialsGrant(config, { resource: testApi });
    assert.equal(tokens.scope, 'orders:read');
  });

  test('private_key_jwt authenticates with a signed assertion (RFC 7523 §2.2)', async () => {
    const config = await discover('jwt-client', client.PrivateKeyJwt({ key: signingKey, kid: 'k1' }));
    const tokens = await client.clientCredentialsGrant(config, { resource: testApi });
    const { payload } = await verifyAccessToken(tokens.access_token, testApi);
    assert.equal(payload.client_id, 'jwt-client');
  });

  test('without scope the client gets every scope it is registered for on that API', async () => {
    const config = await discover('basic-client', client.ClientSecretBasic(secrets.basic));
    const tokens = await client.clientCredentialsGrant(config, { audience: testApi });
    assert.equal(tokens.scope, 'orders:read orders:write');
  });

  test('an opaque API gets an opaque token that introspects as active, then inactive after revocation', async () => {
    const config = await discover('basic-client', client.ClientSecretBasic(secrets.basic));
    const tokens = await client.clientCredentialsGrant(config, { resource: testOpaqueApi });
    // `<issue time, base36>.<256 random bits>`: the prefix only orders the stored keys.
    assert.match(tokens.access_token, /^[0-9a-z]{8,12}\.[A-Za-z0-9_-]{43}$/);
    assert.ok(Buffer.from(tokens.access_token.split('.')[1] as string, 'base64url').length >= 32);
    const introspected = await client.tokenIntrospection(config, tokens.access_token);
    assert.equal(introspected.active, true);
    assert.equal(introspected.client_id, 'basic-client');
    assert.equal(introspected.scope, 'reports:read');
    assert.equal(introspected.aud, testOpaqueApi);
    await client.tokenRevocation(config, tokens.access_token);
    assert.equal((await client.tokenIntrospection(config, tokens.access_token)).active, false);
  });

  test('a resource server listed as introspector sees the token; an unrelated client sees it inactive', async () => {
    const owner = await discover('basic-client', client.ClientSecretBasic(secrets.basic));
    const { access_token } = await client.clientCredentialsGrant(owner, { resource: testApi });
    const gateway = await discover('gateway', client.ClientSecretBasic(secrets.gateway));
    assert.equal((await client.tokenIntrospection(gateway, access_token)).active, true);
    const other = await discover('post-client', client.ClientSecretPost(secrets.post));
    assert.equal((await client.tokenIntrospection(other, access_token)).active, false);
  });
});

describe('the same flows with oauth4webapi', () => {
  let as: oauth.AuthorizationServer;
  const options = { [oauth.allowInsecureRequests]: true };

  before(async () => {
    const issuer = new URL(server.issuer);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...options }));
  });

  test('client credentials, introspection (RFC 9701 JWT response) and revocation', async () => {
    const basic: oauth.Client = { client_id: 'basic-client' };
    const auth = oauth.ClientSecretBasic(secrets.basic);
    const response = await oauth.clientCredentialsGrantRequest(as, basic, auth, { resource: testOpaqueApi }, options);
    const tokens = await oauth.processClientCredentialsResponse(as, basic, response);
    assert.equal(tokens.token_type, 'bearer');

    const gateway: oauth.Client = { client_id: 'gateway', introspection_signed_response_alg: 'ES256' };
    const gatewayAuth = oauth.ClientSecretBasic(secrets.gateway);
    const introspection = await oauth.introspectionRequest(as, gateway, gatewayAuth, tokens.access_token, {
      ...options,
      requestJwtResponse: true,
    });
    assert.equal(introspection.headers.get('content-type'), 'application/token-introspection+jwt');
    const jwt = await introspection.clone().text();
    const claims = await oauth.processIntrospectionResponse(as, gateway, introspection);
    assert.equal(claims.active, true);
    assert.equal(claims.client_id, 'basic-client');
    const { protectedHeader, payload } = await jose.jwtVerify(jwt, jose.createRemoteJWKSet(new URL(as.jwks_uri as string)), {
      issuer: server.issuer,
      audience: 'gateway',
      typ: 'token-introspection+jwt',
    });
    assert.equal(protectedHeader.typ, 'token-introspection+jwt');
    assert.equal((payload.token_introspection as { active: boolean }).active, true);

    const revocation = await oauth.revocationRequest(as, basic, auth, tokens.access_token, options);
    await oauth.processRevocationResponse(revocation);
    const after = await oauth.introspectionRequest(as, gateway, gatewayAuth, tokens.access_token, options);
    assert.equal((await oauth.processIntrospectionResponse(as, { client_id: 'gateway' }, after)).active, false);
  });

  test('private_key_jwt with oauth4webapi', async () => {
    const jwtClient: oauth.Client = { client_id: 'jwt-client' };
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      jwtClient,
      oauth.PrivateKeyJwt({ key: signingKey, kid: 'k1' }),
      { resource: testApi },
      options,
    );
    const tokens = await oauth.processClientCredentialsResponse(as, jwtClient, response);
    assert.equal(tokens.scope, 'orders:read');
  });

  test('token responses are not cacheable (RFC 6749 §5.1)', async () => {
    const { status, headers } = await postForm(`${server.issuer}/oauth2/token`, {
      grant_type: 'client_credentials',
      client_id: 'post-client',
      client_secret: secrets.post,
    });
    assert.equal(status, 200);
    assert.equal(headers.get('cache-control'), 'no-store');
    assert.equal(headers.get('pragma'), 'no-cache');
  });
});
