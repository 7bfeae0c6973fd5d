import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CredentialsMethod, OpenFgaClient } from '@openfga/sdk';
import { transformer } from '@openfga/syntax-transformer';
import { fixtureClients, postForm, startTestServer, type TestServer } from './test-support.ts';

const fgaSecret = 'fga-app-secret-0123456789abcdef';
const model = `model
  schema 1.1
type user
type group
  relations
    define member: [user]
type folder
  relations
    define owner: [user]
    define viewer: [user, group#member] or owner
type document
  relations
    define parent: [folder]
    define editor: [user]
    define viewer: [user] or editor or viewer from parent
`;

let server: TestServer;

before(async () => {
  server = await startTestServer({
    clients: [
      ...fixtureClients(),
      {
        client_id: 'fga-app',
        client_secret: fgaSecret,
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'client_secret_post',
        scope: 'fga:read fga:write',
      },
      {
        client_id: 'fga-reader',
        client_secret: fgaSecret,
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'client_secret_post',
        scope: 'fga:read',
      },
    ],
  });
});
after(() => server.close());

function sdk(clientId: string, storeId?: string, authorizationModelId?: string): OpenFgaClient {
  return new OpenFgaClient({
    apiUrl: `${server.issuer}/fga`,
    storeId,
    authorizationModelId,
    credentials: {
      method: CredentialsMethod.ClientCredentials,
      config: { apiTokenIssuer: `${server.issuer}/oauth2/token`, apiAudience: `${server.issuer}/fga`, clientId, clientSecret: fgaSecret },
    },
  });
}

describe('@openfga/sdk against Portcullis with client credentials', () => {
  test('creates a store, writes a model and tuples, and runs check, batch check, list objects and list users', async () => {
    const admin = sdk('fga-app');
    const store = await admin.createStore({ name: 'documents' });
    assert.match(store.id, /^[0-9A-HJKMNP-TV-Z]{26}$/);
    const written = await admin.writeAuthorizationModel(transformer.transformDSLToJSONObject(model) as never, { storeId: store.id });
    const fga = sdk('fga-app', store.id, written.authorization_model_id);
    await fga.write({
      writes: [
        { user: 'user:anne', relation: 'member', object: 'group:eng' },
        { user: 'group:eng#member', relation: 'viewer', object: 'folder:plans' },
        { user: 'folder:plans', relation: 'parent', object: 'document:roadmap' },
        { user: 'user:bob', relation: 'editor', object: 'document:budget' },
      ],
    });

    assert.equal((await fga.check({ user: 'user:anne', relation: 'viewer', object: 'document:roadmap' })).allowed, true);
    assert.equal((await fga.check({ user: 'user:bob', relation: 'viewer', object: 'document:roadmap' })).allowed, false);

    const batch = await fga.batchCheck({
      checks: [
        { user: 'user:bob', relation: 'viewer', object: 'document:budget', correlationId: 'bob-budget' },
        { user: 'user:anne', relation: 'editor', object: 'document:budget', correlationId: 'anne-budget' },
      ],
    });
    const byId = Object.fromEntries(batch.result.map((r) => [r.correlationId, r.allowed]));
    assert.deepEqual(byId, { 'bob-budget': true, 'anne-budget': false });

    const objects = await fga.listObjects({ user: 'user:anne', relation: 'viewer', type: 'document' });
    assert.deepEqual(objects.objects, ['document:roadmap']);

    const users = await fga.listUsers({ object: { type: 'folder', id: 'plans' }, relation: 'viewer', user_filters: [{ type: 'user' }] });
    assert.deepEqual(
      users.users.map((u) => u.object),
      [{ type: 'user', id: 'anne' }],
    );
  });

  test('a read-only client may check but not write; no token is unauthenticated', async () => {
    const store = await sdk('fga-app').createStore({ name: 'readonly' });
    const reader = sdk('fga-reader', store.id);
    await assert.rejects(
      reader.writeAuthorizationModel(transformer.transformDSLToJSONObject(model) as never),
      (error: { statusCode?: number }) => error.statusCode === 403,
    );
    const anonymous = await fetch(`${server.issuer}/fga/stores`);
    assert.equal(anonymous.status, 401);
    assert.equal(((await anonymous.json()) as { code: string }).code, 'unauthenticated');
  });

  test('the token endpoint accepts audience as a synonym of resource and grants the registered scopes', async () => {
    const response = await postForm(`${server.issuer}/oauth2/token`, {
      grant_type: 'client_credentials',
      client_id: 'fga-reader',
      client_secret: fgaSecret,
      audience: `${server.issuer}/fga`,
    });
    assert.equal(response.status, 200);
    assert.equal(response.body.scope, 'fga:read');
  });
});
