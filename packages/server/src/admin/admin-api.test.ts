import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { registeredRoutes } from '../app.ts';
import { basicAuth, postForm, secrets, startTestServer, type TestServer, testApi } from '../test-support.ts';
import { adminOpenApiDocument } from './openapi.ts';

let server: TestServer;
let adminToken: string;
let readOnlyToken: string;

async function tokenFor(clientId: string, secret: string, scope: string): Promise<string> {
  const response = await postForm(
    `${server.issuer}/oauth2/token`,
    { grant_type: 'client_credentials', resource: `${server.issuer}/admin`, scope },
    { authorization: basicAuth(clientId, secret) },
  );
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body.access_token;
}

async function call(method: string, path: string, token: string | undefined, body?: unknown) {
  const response = await fetch(`${server.issuer}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

before(async () => {
  server = await startTestServer();
  adminToken = await tokenFor('admin', secrets.admin, 'admin:read admin:write');
  readOnlyToken = await tokenFor('admin', secrets.admin, 'admin:read');
});
after(() => server.close());

describe('admin API protection (RFC 6750)', () => {
  test('no token is 401 with a Bearer challenge', async () => {
    const response = await call('GET', '/admin/v1/clients', undefined);
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer realm=/);
  });

  test('a token for another API is 401 invalid_token', async () => {
    const other = await postForm(
      `${server.issuer}/oauth2/token`,
      { grant_type: 'client_credentials', resource: testApi },
      { authorization: basicAuth('basic-client', secrets.basic) },
    );
    const response = await call('GET', '/admin/v1/clients', other.body.access_token);
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });

  test('a tampered token is 401 invalid_token', async () => {
    const [h, p, s] = adminToken.split('.');
    const response = await call('GET', '/admin/v1/clients', `${h}.${p}x.${s}`);
    assert.equal(response.status, 401);
  });

  test('a read-only token may list but not write: 403 insufficient_scope', async () => {
    assert.equal((await call('GET', '/admin/v1/clients', readOnlyToken)).status, 200);
    const response = await call('POST', '/admin/v1/clients', readOnlyToken, { client_name: 'x', grant_types: ['client_credentials'] });
    assert.equal(response.status, 403);
    assert.match(
      response.headers.get('www-authenticate') ?? '',
      /error="insufficient_scope", error_description="[^"]+", scope="admin:write"/,
    );
    assert.equal((await server.runtime.store.clients.list()).filter((c) => c.metadata.client_name === 'x').length, 0);
  });
});

describe('admin API: clients and APIs', () => {
  test('creating a client returns its secret once; only the hash is stored; the client works at once', async () => {
    const created = await call('POST', '/admin/v1/clients', adminToken, {
      client_name: 'Made by admin',
      grant_types: ['client_credentials'],
      scope: 'orders:read',
    });
    assert.equal(created.status, 201);
    const { client, client_secret } = created.body;
    assert.equal(client.client_name, 'Made by admin');
    const stored = await server.runtime.store.clients.get(client.client_id);
    assert.notEqual(stored?.client_secret_hash, client_secret);
    assert.ok(!JSON.stringify(stored?.metadata).includes(client_secret));
    const issued = await postForm(
      `${server.issuer}/oauth2/token`,
      { grant_type: 'client_credentials', resource: testApi },
      { authorization: basicAuth(client.client_id, client_secret) },
    );
    assert.equal(issued.status, 200);
    const shown = await call('GET', `/admin/v1/clients/${client.client_id}`, adminToken);
    assert.equal(shown.body.client_id, client.client_id);
    assert.ok(!('client_secret' in shown.body) && !('client_secret_hash' in shown.body));
  });

  test('invalid metadata is 400 invalid_client_metadata / invalid_redirect_uri and stores nothing', async () => {
    const before = (await server.runtime.store.clients.list()).length;
    const implicit = await call('POST', '/admin/v1/clients', adminToken, { grant_types: ['implicit'] });
    assert.equal(implicit.status, 400);
    assert.equal(implicit.body.error, 'invalid_client_metadata');
    const redirect = await call('POST', '/admin/v1/clients', adminToken, {
      grant_types: ['authorization_code'],
      redirect_uris: ['https://app.example.com/cb#frag'],
    });
    assert.equal(redirect.body.error, 'invalid_redirect_uri');
    const notJson = await call('POST', '/admin/v1/clients', adminToken, ['a']);
    assert.equal(notJson.status, 400);
    assert.equal((await server.runtime.store.clients.list()).length, before);
  });

  test('rotating a secret invalidates the old one', async () => {
    const rotated = await call('POST', '/admin/v1/clients/post-client/secret', adminToken);
    assert.equal(rotated.status, 200);
    const old = await postForm(`${server.issuer}/oauth2/token`, {
      grant_type: 'client_credentials',
      client_id: 'post-client',
      client_secret: secrets.post,
    });
    assert.equal(old.status, 401);
    const fresh = await postForm(`${server.issuer}/oauth2/token`, {
      grant_type: 'client_credentials',
      client_id: 'post-client',
      client_secret: rotated.body.client_secret,
    });
    assert.equal(fresh.status, 200);
  });

  test('rotating a secret invalidates a Basic header that was accepted before, however often it was', async () => {
    const created = await call('POST', '/admin/v1/clients', adminToken, { grant_types: ['client_credentials'], scope: 'orders:read' });
    const { client, client_secret } = created.body;
    const request = () =>
      postForm(
        `${server.issuer}/oauth2/token`,
        { grant_type: 'client_credentials', resource: testApi },
        { authorization: basicAuth(client.client_id, client_secret) },
      );
    // Accepted again and again: the server remembers which client object this header verified against.
    for (let i = 0; i < 3; i++) assert.equal((await request()).status, 200);
    const rotated = await call('POST', `/admin/v1/clients/${client.client_id}/secret`, adminToken);
    assert.equal(rotated.status, 200);
    const old = await request();
    assert.equal(old.status, 401);
    assert.equal(old.body.error, 'invalid_client');
    assert.match(old.headers.get('www-authenticate') ?? '', /^Basic realm=/);
    const fresh = await postForm(
      `${server.issuer}/oauth2/token`,
      { grant_type: 'client_credentials', resource: testApi },
      { authorization: basicAuth(client.client_id, rotated.body.client_secret) },
    );
    assert.equal(fresh.status, 200);
  });

  test('updating and deleting a client', async () => {
    const updated = await call('PUT', '/admin/v1/clients/gateway', adminToken, {
      client_name: 'Gateway',
      grant_types: ['client_credentials'],
    });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.client_name, 'Gateway');
    const created = await call('POST', '/admin/v1/clients', adminToken, { client_id: 'doomed', grant_types: ['client_credentials'] });
    assert.equal(created.status, 201);
    assert.equal((await call('DELETE', '/admin/v1/clients/doomed', adminToken)).status, 204);
    const missing = await call('DELETE', '/admin/v1/clients/doomed', adminToken);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error, 'not_found');
  });

  test('APIs: create, read by encoded identifier, update, delete; built-ins are protected', async () => {
    const created = await call('POST', '/admin/v1/apis', adminToken, {
      identifier: 'https://inventory.example.com',
      scopes: { 'inventory:read': 'Read inventory' },
      token_format: 'opaque',
    });
    assert.equal(created.status, 201);
    const path = `/admin/v1/apis/${encodeURIComponent('https://inventory.example.com')}`;
    assert.equal((await call('GET', path, adminToken)).body.token_format, 'opaque');
    const updated = await call('PUT', path, adminToken, { scopes: { 'inventory:read': 'Read' }, access_token_ttl: 120 });
    assert.equal(updated.body.access_token_ttl, 120);
    assert.equal((await call('DELETE', path, adminToken)).status, 204);
    const builtin = await call('DELETE', `/admin/v1/apis/${encodeURIComponent(`${server.issuer}/admin`)}`, adminToken);
    assert.equal(builtin.status, 400);
    const bad = await call('POST', '/admin/v1/apis', adminToken, { identifier: 'https://x.example.com', token_format: 'xml' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error, 'invalid_request');
  });

  test('keys: list and rotate', async () => {
    const listed = await call('GET', '/admin/v1/keys', adminToken);
    assert.equal(listed.body.keys.filter((k: { state: string }) => k.state === 'active').length, 1);
    const rotated = await call('POST', '/admin/v1/keys/rotate', adminToken, { immediate: true });
    assert.equal(rotated.status, 200);
    const after = await call('GET', '/admin/v1/keys', adminToken);
    assert.equal(after.body.keys.find((k: { state: string }) => k.state === 'active').kid, rotated.body.kid);
  });
});

describe('admin API: users', () => {
  test('email_verified needs an email, is kept while the email stays, and a new email is unverified', async () => {
    const created = await call('POST', '/admin/v1/users', adminToken, {
      username: 'vera',
      email: 'vera@example.com',
      email_verified: true,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.email_verified, true);
    const id = created.body.user_id as string;

    const renamed = await call('PUT', `/admin/v1/users/${id}`, adminToken, { name: 'Vera' });
    assert.equal(renamed.body.email_verified, true, 'kept while the address stays');
    const moved = await call('PUT', `/admin/v1/users/${id}`, adminToken, { email: 'vera@elsewhere.example' });
    assert.equal(moved.body.email_verified, false, 'a new address is unverified');
    const verified = await call('PUT', `/admin/v1/users/${id}`, adminToken, { email_verified: true });
    assert.equal(verified.body.email_verified, true);

    const noAddress = await call('POST', '/admin/v1/users', adminToken, { username: 'nomail', email_verified: true });
    assert.equal(noAddress.status, 400);
    assert.equal(noAddress.body.error, 'invalid_request');
    assert.equal((await call('GET', '/admin/v1/users/nomail', adminToken)).status, 404, 'nothing was stored');
    const notBoolean = await call('PUT', `/admin/v1/users/${id}`, adminToken, { email_verified: 'yes' });
    assert.equal(notBoolean.status, 400);
    assert.equal((await call('GET', `/admin/v1/users/${id}`, adminToken)).body.email_verified, true, 'unchanged');
  });
});

describe('admin API description (OpenAPI 3.1)', () => {
  test('the served document is OpenAPI 3.1 and documents exactly the registered admin routes', async () => {
    const response = await call('GET', '/admin/v1/openapi.json', undefined);
    assert.equal(response.status, 200);
    assert.equal(response.body.openapi, '3.1.0');
    const documented = new Set<string>();
    for (const [path, item] of Object.entries(response.body.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(item)) if (method !== 'parameters') documented.add(`${method.toUpperCase()} ${path}`);
    }
    const registered = new Set(
      registeredRoutes(server.app)
        .filter((r) => r.includes(' /admin/v1/') && !r.endsWith('/openapi.json'))
        .map((r) => r.replace(/:(\w+)/g, '{$1}')),
    );
    assert.deepEqual([...registered].sort(), [...documented].sort());
    assert.deepEqual(response.body, JSON.parse(JSON.stringify(adminOpenApiDocument(server.issuer))));
  });
});
