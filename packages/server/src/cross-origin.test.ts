import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from './test-support.ts';

let server: TestServer;

before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const spaOrigin = 'http://127.0.0.1:65001';

/** What a browser sends before a cross-origin fetch with a non-simple header. */
function preflight(path: string, method: string, headers: string) {
  return fetch(`${server.issuer}${path}`, {
    method: 'OPTIONS',
    headers: { origin: spaOrigin, 'access-control-request-method': method, 'access-control-request-headers': headers },
  });
}

describe('CORS for browser apps on another origin', () => {
  for (const path of ['/oauth2/token', '/oauth2/revoke', '/oauth2/userinfo']) {
    test(`the preflight for ${path} allows POST with content-type, authorization and dpop, without credentials`, async () => {
      const response = await preflight(path, 'POST', 'content-type,authorization,dpop');
      assert.equal(response.status, 204);
      assert.equal(response.headers.get('access-control-allow-origin'), '*');
      assert.match(response.headers.get('access-control-allow-methods') ?? '', /\bPOST\b/);
      assert.deepEqual(
        (response.headers.get('access-control-allow-headers') ?? '')
          .split(',')
          .map((h) => h.trim())
          .sort(),
        ['authorization', 'content-type', 'dpop'],
      );
      assert.equal(response.headers.get('access-control-allow-credentials'), null);
    });
  }

  for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server', '/.well-known/jwks.json']) {
    test(`${path} can be read from another origin`, async () => {
      const response = await fetch(`${server.issuer}${path}`, { headers: { origin: spaOrigin } });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('access-control-allow-origin'), '*');
      assert.match((await preflight(path, 'GET', 'dpop')).headers.get('access-control-allow-methods') ?? '', /\bGET\b/);
    });
  }

  test('token endpoint errors carry the CORS headers, so the app can read invalid_grant', async () => {
    const response = await fetch(`${server.issuer}/oauth2/token`, {
      method: 'POST',
      headers: { origin: spaOrigin, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'not-a-token', client_id: 'spa' }),
    });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_grant');
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
  });

  test('a refused content type on the token endpoint still carries the CORS headers', async () => {
    const response = await fetch(`${server.issuer}/oauth2/token`, {
      method: 'POST',
      headers: { origin: spaOrigin, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
  });

  test('same-origin and machine calls (no Origin) to no-store endpoints carry no CORS headers; cacheable ones always do', async () => {
    const token = await fetch(`${server.issuer}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'not-a-token', client_id: 'spa' }),
    });
    assert.equal(token.status, 400);
    assert.equal(token.headers.get('access-control-allow-origin'), null);
    // A shared cache may serve discovery fetched without Origin to a browser on another origin.
    const discovery = await fetch(`${server.issuer}/.well-known/openid-configuration`);
    assert.equal(discovery.headers.get('access-control-allow-origin'), '*');
  });

  test('a userinfo challenge can be read from another origin, WWW-Authenticate included', async () => {
    const response = await fetch(`${server.issuer}/oauth2/userinfo`, { headers: { origin: spaOrigin, authorization: 'Bearer nope' } });
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    assert.match(response.headers.get('access-control-expose-headers') ?? '', /www-authenticate/);
    assert.match(response.headers.get('www-authenticate') ?? '', /invalid_token/);
  });

  test('pages with cookies and the introspection endpoint get no CORS headers', async () => {
    for (const [method, path] of [
      ['GET', '/login'],
      ['GET', '/account'],
      ['GET', '/oauth2/authorize'],
      ['POST', '/oauth2/introspect'],
    ] as const) {
      const response = await fetch(`${server.issuer}${path}`, { method, headers: { origin: spaOrigin }, redirect: 'manual' });
      await response.arrayBuffer();
      assert.equal(response.headers.get('access-control-allow-origin'), null, `${method} ${path}`);
    }
    const introspectPreflight = await preflight('/oauth2/introspect', 'POST', 'authorization');
    assert.equal(introspectPreflight.headers.get('access-control-allow-origin'), null);
  });
});
