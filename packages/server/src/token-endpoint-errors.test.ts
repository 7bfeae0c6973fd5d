import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';
import { type FormBody, tokenEndpoint } from '@portcullis/oauth';
import * as jose from 'jose';
import { basicAuth, fixtureClients, postForm, secrets, startTestServer, type TestServer, testApi, testOpaqueApi } from './test-support.ts';

let server: TestServer;
let tokenUrl: string;
let privateKey: jose.CryptoKey;
let snapshot: { tokens: number; markers: number };

async function counts() {
  const db = server.runtime.store.db;
  const tokens = await db
    .selectFrom('access_tokens')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const markers = await db
    .selectFrom('replay_guard')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return { tokens: Number(tokens.n), markers: Number(markers.n) };
}

/** Asserts the exact RFC 6749 §5.2 error and that the request stored nothing. */
async function expectError(
  form: Record<string, string | string[]>,
  headers: Record<string, string>,
  status: number,
  error: string,
  url = tokenUrl,
): Promise<Headers> {
  const response = await postForm(url, form, headers);
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.equal(response.body.error, error);
  assert.equal(typeof response.body.error_description, 'string');
  assert.equal(response.headers.get('cache-control'), 'no-store');
  assert.deepEqual(await counts(), snapshot, 'a refused request must store nothing');
  return response.headers;
}

async function assertion(
  claims: Partial<jose.JWTPayload> = {},
  alg = 'ES256',
  key: jose.CryptoKey | Uint8Array = privateKey,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new jose.SignJWT({ jti: randomUUID(), ...claims })
    .setProtectedHeader({ alg })
    .setIssuer('jwt-client')
    .setSubject('jwt-client')
    .setAudience(claims.aud ?? server.issuer)
    .setIssuedAt(now)
    .setExpirationTime(claims.exp ?? now + 60)
    .sign(key);
}

const jwtBearer = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

before(async () => {
  const pair = await jose.generateKeyPair('ES256', { extractable: true });
  privateKey = pair.privateKey;
  const jwks = { keys: [{ ...(await jose.exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' }] };
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
      { client_id: 'public-cc', grant_types: ['client_credentials'], token_endpoint_auth_method: 'none', scope: 'orders:read' },
    ],
  });
  tokenUrl = `${server.issuer}/oauth2/token`;
});
after(() => server.close());
beforeEach(async () => {
  snapshot = await counts();
});

const basic = { authorization: basicAuth('basic-client', secrets.basic) };
const cc = { grant_type: 'client_credentials' };

describe('client authentication failures (RFC 6749 §2.3, §5.2)', () => {
  test('a wrong secret is invalid_client with a Basic challenge', async () => {
    const headers = await expectError(
      { ...cc, resource: testApi },
      { authorization: basicAuth('basic-client', 'wrong-secret-0123456789') },
      401,
      'invalid_client',
    );
    assert.match(headers.get('www-authenticate') ?? '', /^Basic realm=/);
  });

  test('an unknown client is invalid_client', async () => {
    await expectError({ ...cc, client_id: 'nobody', client_secret: 'whatever-secret-123456' }, {}, 401, 'invalid_client');
  });

  test('a client using another method than it registered is invalid_client', async () => {
    await expectError({ ...cc, client_id: 'basic-client', client_secret: secrets.basic }, {}, 401, 'invalid_client');
  });

  test('two authentication methods at once are invalid_request', async () => {
    await expectError({ ...cc, client_id: 'basic-client', client_secret: secrets.basic }, basic, 400, 'invalid_request');
  });

  test('no credentials at all are invalid_client', async () => {
    await expectError(cc, {}, 401, 'invalid_client');
  });

  test('a public client may not use client_credentials', async () => {
    await expectError({ ...cc, client_id: 'public-cc', resource: testApi }, {}, 400, 'unauthorized_client');
  });
});

describe('scope and resource checks (RFC 6749 §3.3, RFC 8707 §2)', () => {
  test('a scope the client may not have is invalid_scope', async () => {
    await expectError({ ...cc, resource: testApi, scope: 'orders:read admin:write' }, basic, 400, 'invalid_scope');
  });

  test('an unknown resource is invalid_target', async () => {
    await expectError({ ...cc, resource: 'https://unknown.example.com' }, basic, 400, 'invalid_target');
  });

  test('a known resource the client has no scope for is invalid_target', async () => {
    await expectError({ ...cc, resource: `${server.issuer}/admin` }, basic, 400, 'invalid_target');
  });

  test('two resources in one request are invalid_target', async () => {
    await expectError({ ...cc, resource: [testApi, testOpaqueApi] }, basic, 400, 'invalid_target');
  });

  test('a malformed scope is invalid_scope', async () => {
    await expectError({ ...cc, resource: testApi, scope: 'orders:read "quoted"' }, basic, 400, 'invalid_scope');
  });

  test('an unsupported grant type is unsupported_grant_type', async () => {
    await expectError({ grant_type: 'password', username: 'a', password: 'b' }, basic, 400, 'unsupported_grant_type');
  });

  test('a missing grant_type is invalid_request', async () => {
    await expectError({ resource: testApi }, basic, 400, 'invalid_request');
  });

  test('a repeated parameter is invalid_request', async () => {
    await expectError({ grant_type: ['client_credentials', 'client_credentials'] }, basic, 400, 'invalid_request');
  });
});

describe('private_key_jwt assertions (RFC 7523 §3)', () => {
  const form = (clientAssertion: string) => ({
    ...cc,
    resource: testApi,
    client_assertion_type: jwtBearer,
    client_assertion: clientAssertion,
  });

  test('a replayed assertion is refused the second time', async () => {
    const jwt = await assertion();
    const first = await postForm(tokenUrl, form(jwt));
    assert.equal(first.status, 200);
    snapshot = await counts();
    await expectError(form(jwt), {}, 401, 'invalid_client');
  });

  test('an expired assertion is refused', async () => {
    await expectError(form(await assertion({ exp: Math.floor(Date.now() / 1000) - 120 })), {}, 401, 'invalid_client');
  });

  test('an assertion for another audience is refused', async () => {
    await expectError(form(await assertion({ aud: 'https://elsewhere.example.com' })), {}, 401, 'invalid_client');
  });

  test('an unsigned (alg none) assertion is refused', async () => {
    const unsigned = new jose.UnsecuredJWT({ jti: randomUUID() })
      .setIssuer('jwt-client')
      .setSubject('jwt-client')
      .setAudience(server.issuer)
      .setExpirationTime('1m')
      .encode();
    await expectError(form(unsigned), {}, 401, 'invalid_client');
  });

  test('an HS256 assertion keyed with the public key is refused', async () => {
    const publicJwk = (await server.runtime.store.clients.get('jwt-client'))?.metadata.jwks as { keys: object[] };
    const keyBytes = new TextEncoder().encode(JSON.stringify(publicJwk.keys[0]));
    await expectError(form(await assertion({}, 'HS256', keyBytes)), {}, 401, 'invalid_client');
  });

  test('an assertion pointing to its own key (jwk header) is refused', async () => {
    const pair = await jose.generateKeyPair('ES256', { extractable: true });
    const jwt = await new jose.SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', jwk: await jose.exportJWK(pair.publicKey) })
      .setIssuer('jwt-client')
      .setSubject('jwt-client')
      .setAudience(server.issuer)
      .setExpirationTime('1m')
      .sign(pair.privateKey);
    await expectError(form(jwt), {}, 401, 'invalid_client');
  });
});

describe('malformed requests', () => {
  test('a JSON body is invalid_request', async () => {
    const response = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...basic },
      body: '{"grant_type":"client_credentials"}',
    });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_request');
    assert.deepEqual(await counts(), snapshot);
  });

  test('an oversized body is refused with 413 before it is parsed', async () => {
    await expectError({ ...cc, resource: testApi, padding: 'x'.repeat(70_000) }, basic, 413, 'request_too_large');
  });

  test('an unknown content type is invalid_request', async () => {
    const response = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', ...basic },
      body: 'grant_type=client_credentials',
    });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_request');
  });

  test('GET on the token endpoint is not found, not a token', async () => {
    const response = await fetch(`${tokenUrl}?grant_type=client_credentials`, { headers: basic });
    assert.equal(response.status, 404);
  });
});

describe('introspection and revocation refusals (RFC 7662 §2.1, §4; RFC 7009 §2.1)', () => {
  test('a client that neither owns the token nor serves its API sees it inactive', async () => {
    const issued = await postForm(tokenUrl, { ...cc, resource: testOpaqueApi }, basic);
    snapshot = await counts();
    const response = await postForm(
      `${server.issuer}/oauth2/introspect`,
      { token: issued.body.access_token },
      { authorization: basicAuth('admin', secrets.admin) },
    );
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { active: false });
    assert.deepEqual(await counts(), snapshot);
  });

  test('introspection without client authentication is invalid_client', async () => {
    await expectError({ token: 'anything' }, {}, 401, 'invalid_client', `${server.issuer}/oauth2/introspect`);
  });

  test('introspection by a public client is invalid_client', async () => {
    await expectError({ token: 'anything', client_id: 'public-cc' }, {}, 401, 'invalid_client', `${server.issuer}/oauth2/introspect`);
  });

  test('revoking another client’s token is refused and the token stays active', async () => {
    const issued = await postForm(tokenUrl, { ...cc, resource: testOpaqueApi }, basic);
    snapshot = await counts();
    await expectError(
      { token: issued.body.access_token },
      { authorization: basicAuth('admin', secrets.admin) },
      400,
      'unauthorized_client',
      `${server.issuer}/oauth2/revoke`,
    );
    const check = await postForm(`${server.issuer}/oauth2/introspect`, { token: issued.body.access_token }, basic);
    assert.equal(check.body.active, true);
  });

  test('revoking an unknown token answers 200 (RFC 7009 §2.2)', async () => {
    const response = await postForm(`${server.issuer}/oauth2/revoke`, { token: 'not-a-token' }, basic);
    assert.equal(response.status, 200);
  });
});

describe('the token endpoint core (tokenEndpoint) answers every refusal as a rejection', () => {
  // The common path (a cached client, a remembered decision) runs without a promise until the
  // token; a refusal on it must still reach callers as a rejected promise, never a throw.
  const call = (body: FormBody, authorization = basic.authorization) =>
    tokenEndpoint(server.runtime.context, { body, authorization, endpoint: tokenUrl });

  test('refusals on the synchronous path reject, and the repeated request still succeeds', async () => {
    const form = { ...cc, resource: testApi };
    // Twice, so that the client is cached, the header remembered and the decision kept.
    for (let i = 0; i < 2; i++) assert.equal(typeof (await call(form)).access_token, 'string');
    const refusals: Array<[FormBody, string | undefined, string]> = [
      [{ ...form, grant_type: undefined }, basic.authorization, 'invalid_request'],
      [form, basicAuth('basic-client', 'wrong'), 'invalid_client'],
      [form, basicAuth('nobody', 'x'), 'invalid_client'],
      [{ ...form, grant_type: 'password' }, basic.authorization, 'unsupported_grant_type'],
      [{ ...form, scope: 'orders:delete' }, basic.authorization, 'invalid_scope'],
      [{ ...form, resource: 'https://unknown.example.com' }, basic.authorization, 'invalid_target'],
    ];
    for (const [body, authorization, code] of refusals) {
      let pending: Promise<unknown> | undefined;
      assert.doesNotThrow(() => {
        pending = call(body, authorization);
      }, code);
      await assert.rejects(pending as Promise<unknown>, { code });
    }
    assert.equal(typeof (await call(form)).access_token, 'string');
  });
});
