import { strict as assert } from 'node:assert';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { AccessTokenVerifier } from '@portcullis/sdk';
import { describeEnforcement } from '@portcullis/sdk/test-support';
import { testApi, testOpaqueApi } from '@portcullis/server/test-support';
import * as jose from 'jose';
import { clientCredentialsToken, gatewayTarget, get, type Stack, startStack } from './test-support.ts';

function rawStatus(base: string, path: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const url = new URL(base);
    request({ host: url.hostname, port: url.port, path }, (response) => {
      response.resume();
      resolve(response.statusCode);
    })
      .on('error', reject)
      .end();
  });
}

describeEnforcement('gateway enforcement in front of a running Portcullis server', async () => gatewayTarget(await startStack()));

describe('gateway forwarding', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  it('an opaque token arrives upstream as a JWT that verifies against the JWKS (phantom token)', async () => {
    const opaque = await clientCredentialsToken(stack.server, testOpaqueApi, 'reports:read');
    const { status, body } = await get(stack.gateway, '/reports', { authorization: `Bearer ${opaque}` });
    assert.equal(status, 200);
    const forwarded = (body.headers.authorization as string).replace(/^Bearer /, '');
    assert.notEqual(forwarded, opaque);
    const jwks = jose.createRemoteJWKSet(new URL(`${stack.server.issuer}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jose.jwtVerify(forwarded, jwks, {
      issuer: stack.server.issuer,
      audience: 'gateway',
      typ: 'token-introspection+jwt',
    });
    assert.equal(protectedHeader.typ, 'token-introspection+jwt');
    const introspection = payload.token_introspection as Record<string, unknown>;
    assert.equal(introspection.active, true);
    assert.equal(introspection.aud, testOpaqueApi);
    assert.equal(introspection.scope, 'reports:read');
  });

  it('an upstream using the SDK accepts the phantom JWT when configured for the gateway client', async () => {
    const opaque = await clientCredentialsToken(stack.server, testOpaqueApi, 'reports:read');
    const { body } = await get(stack.gateway, '/reports', { authorization: `Bearer ${opaque}` });
    const upstreamVerifier = new AccessTokenVerifier({
      issuer: stack.server.issuer,
      audience: testOpaqueApi,
      phantom: { client_id: 'gateway' },
    });
    const token = await upstreamVerifier.verifyAccessToken({ authorization: body.headers.authorization });
    assert.equal(token.format, 'phantom');
    assert.equal(token.claims.client_id, 'basic-client');
    assert.ok(token.scopes.has('reports:read'));
  });

  it('a client JWT is validated and forwarded as is', async () => {
    const jwt = await clientCredentialsToken(stack.server, testApi, 'orders:read');
    const { status, body } = await get(stack.gateway, '/orders', { authorization: `Bearer ${jwt}` });
    assert.equal(status, 200);
    assert.equal(body.headers.authorization, `Bearer ${jwt}`);
  });

  it('a route accepting any token takes both a JWT and an opaque token', async () => {
    const jwt = await clientCredentialsToken(stack.server, testApi, 'orders:read');
    const opaque = await clientCredentialsToken(stack.server, testOpaqueApi, 'reports:read');
    assert.equal((await get(stack.gateway, '/any/1', { authorization: `Bearer ${jwt}` })).status, 200);
    assert.equal((await get(stack.gateway, '/any/2', { authorization: `Bearer ${opaque}` })).status, 200);
  });

  it('an opaque-only route refuses a JWT, and a JWT route refuses an opaque token', async () => {
    const jwt = await clientCredentialsToken(stack.server, testApi, 'orders:read');
    const opaque = await clientCredentialsToken(stack.server, testOpaqueApi, 'reports:read');
    assert.equal((await get(stack.gateway, '/reports', { authorization: `Bearer ${jwt}` })).status, 401);
    const jwtOnly = await stack.startGateway({ introspection: undefined, routes: [{ path: '/orders', upstream: stack.upstream.url }] });
    assert.equal((await get(jwtOnly, '/orders', { authorization: `Bearer ${opaque}` })).status, 401);
  });

  it('claims are injected as headers and client-sent copies are dropped', async () => {
    const jwt = stack.factory.jwt({ sub: 'alice', scope: 'orders:read orders:write' });
    const { body } = await get(stack.gateway, '/headers', { authorization: `Bearer ${jwt}`, 'x-user': 'mallory' });
    assert.equal(body.headers['x-user'], 'alice');
    assert.equal(body.headers['x-client-id'], 'basic-client');
    assert.equal(body.headers['x-scopes'], 'orders:read orders:write');
  });

  it('a public route forwards without a token but never lets a client forge injected headers', async () => {
    const { status, body } = await get(stack.gateway, '/public/docs/index.html?lang=en', { 'x-user': 'mallory' });
    assert.equal(status, 200);
    assert.equal(body.url, '/public/docs/index.html?lang=en');
    assert.equal(body.headers['x-user'], undefined);
    assert.equal(body.headers['x-forwarded-for'], '127.0.0.1');
  });

  it('a path with dot segments or encoded slashes is refused before routing', async () => {
    // Sent raw: fetch would normalise these paths before they left the client.
    for (const path of ['/public/..%2Forders', '/public/%2e%2e/orders', '/public/../orders', '/public/a%5Cb', '/public/%zz']) {
      assert.equal(await rawStatus(stack.gateway.url, path), 400, path);
    }
  });

  it('a path no route matches is 404', async () => {
    assert.equal((await get(stack.gateway, '/nowhere')).status, 404);
  });
});

describe('gateway fails closed', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());

  it('an unreachable JWKS is 503 with a clear body, never a pass', async () => {
    const gateway = await stack.startGateway();
    stack.link.offline = true;
    try {
      const { status, body, headers } = await get(gateway, '/orders', { authorization: `Bearer ${stack.factory.jwt()}` });
      assert.equal(status, 503);
      assert.equal(body.error, 'temporarily_unavailable');
      assert.match(body.error_description, /unreachable/);
      assert.equal(headers.get('www-authenticate'), null);
    } finally {
      stack.link.offline = false;
    }
  });

  it('an unreachable introspection endpoint is 503, never a pass', async () => {
    const opaque = await clientCredentialsToken(stack.server, testOpaqueApi, 'reports:read');
    await get(stack.gateway, '/orders', { authorization: `Bearer ${stack.factory.jwt()}` }); // discovery and JWKS are cached
    stack.link.offline = true;
    try {
      const { status, body } = await get(stack.gateway, '/reports', { authorization: `Bearer ${opaque}` });
      assert.equal(status, 503);
      assert.match(body.error_description, /introspection is unreachable/);
    } finally {
      stack.link.offline = false;
    }
  });

  it('wrong introspection credentials are 503, not a client error', async () => {
    const gateway = await stack.startGateway({ introspection: { client_id: 'gateway', client_secret: 'wrong-secret-0123456789abcdef' } });
    const opaque = await clientCredentialsToken(stack.server, testOpaqueApi, 'reports:read');
    const { status, body } = await get(gateway, '/reports', { authorization: `Bearer ${opaque}` });
    assert.equal(status, 503);
    assert.match(body.error_description, /credentials were refused/);
  });

  it('an unreachable upstream is 502 and counted', async () => {
    const gateway = await stack.startGateway({ routes: [{ path: '/down', upstream: 'http://127.0.0.1:9', auth: 'none' }] });
    assert.equal((await get(gateway, '/down')).status, 502);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    assert.match(metrics, /portcullis_gateway_upstream_errors_total\{route="\* \/down",kind="connection"\} 1/);
  });
});
