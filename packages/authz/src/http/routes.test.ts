import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openStore, type Store } from '@portcullis/store';
import { createSqliteDatabase, type TestDatabase } from '@portcullis/store/test-databases';
import Fastify, { type FastifyInstance } from 'fastify';
import { fgaRoutes } from './routes.ts';

const model = {
  schema_version: '1.1',
  type_definitions: [
    { type: 'user' },
    {
      type: 'document',
      relations: {
        viewer: { this: {} },
        editor: { this: {} },
        can_read: { union: { child: [{ computedUserset: { relation: 'viewer' } }, { computedUserset: { relation: 'editor' } }] } },
      },
      metadata: {
        relations: {
          viewer: { directly_related_user_types: [{ type: 'user' }] },
          editor: { directly_related_user_types: [{ type: 'user' }] },
        },
      },
    },
  ],
};

describe('OpenFGA HTTP API', () => {
  let database: TestDatabase;
  let store: Store;
  let app: FastifyInstance;
  let storeId: string;
  let modelId: string;
  const denied = new Set<string>();

  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    app.inject({ method, url: `/fga${url}`, payload: payload as never, headers: { 'x-test-deny': [...denied].join(',') } });

  before(async () => {
    database = createSqliteDatabase();
    store = openStore(database.url);
    await store.migrate();
    app = Fastify();
    await app.register(fgaRoutes, {
      prefix: '/fga',
      store,
      authorize: async (request, scope) => {
        if (String(request.headers['x-test-deny']).split(',').includes(scope))
          throw Object.assign(new Error(`missing scope ${scope}`), { statusCode: 403 });
      },
    });
    await app.ready();
    storeId = (await call('POST', '/stores', { name: 'docs' })).json().id;
    modelId = (await call('POST', `/stores/${storeId}/authorization-models`, model)).json().authorization_model_id;
  });
  after(async () => {
    await app.close();
    await store.close();
    await database.drop();
  });

  test('stores and models get ULID ids and read back in OpenFGA shapes', async () => {
    assert.match(storeId, /^[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.match(modelId, /^[0-9A-HJKMNP-TV-Z]{26}$/);
    const read = (await call('GET', `/stores/${storeId}/authorization-models/${modelId}`)).json();
    assert.equal(read.authorization_model.id, modelId);
    assert.equal((await call('GET', `/stores/${storeId}`)).json().name, 'docs');
  });

  test('a scope the caller lacks becomes OpenFGA forbidden and changes nothing', async () => {
    denied.add('fga:write');
    try {
      const response = await call('POST', '/stores', { name: 'nope' });
      assert.equal(response.statusCode, 403);
      assert.deepEqual(response.json(), { code: 'forbidden', message: 'missing scope fga:write' });
    } finally {
      denied.clear();
    }
  });

  test('an unknown store is store_id_not_found with status 404', async () => {
    const response = await call('POST', '/stores/01ARZ3NDEKTSV4RRFFQ69G5FAV/check', {
      tuple_key: { object: 'document:1', relation: 'viewer', user: 'user:anne' },
    });
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().code, 'store_id_not_found');
  });

  test('an invalid model is refused with a 400 naming the problem', async () => {
    const response = await call('POST', `/stores/${storeId}/authorization-models`, {
      schema_version: '1.1',
      type_definitions: [{ type: 'document', relations: { viewer: { computedUserset: { relation: 'owner' } } } }],
    });
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().code, 'invalid_authorization_model');
  });

  test('a write returns a consistency token that a HIGHER_CONSISTENCY check accepts', async () => {
    const write = await call('POST', `/stores/${storeId}/write`, {
      writes: { tuple_keys: [{ object: 'document:1', relation: 'viewer', user: 'user:anne' }] },
    });
    assert.equal(write.statusCode, 200);
    const token = write.json().consistency_token;
    assert.ok(token);
    const check = await call('POST', `/stores/${storeId}/check`, {
      tuple_key: { object: 'document:1', relation: 'can_read', user: 'user:anne' },
      consistency: 'HIGHER_CONSISTENCY',
      consistency_token: token,
    });
    assert.deepEqual(check.json(), { allowed: true, resolution: '' });
  });

  test('a write is refused whole when one tuple already exists, unless on_duplicate is ignore', async () => {
    const tuples = [
      { object: 'document:2', relation: 'viewer', user: 'user:bob' },
      { object: 'document:1', relation: 'viewer', user: 'user:anne' },
    ];
    const refused = await call('POST', `/stores/${storeId}/write`, { writes: { tuple_keys: tuples } });
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.json().code, 'write_failed_due_to_invalid_input');
    const check = await call('POST', `/stores/${storeId}/check`, {
      tuple_key: { object: 'document:2', relation: 'viewer', user: 'user:bob' },
    });
    assert.equal(check.json().allowed, false);
    const ignored = await call('POST', `/stores/${storeId}/write`, { writes: { tuple_keys: tuples, on_duplicate: 'ignore' } });
    assert.equal(ignored.statusCode, 200);
  });

  test('a write after a check is seen by the next check (the cache is keyed by revision)', async () => {
    const check = () =>
      call('POST', `/stores/${storeId}/check`, { tuple_key: { object: 'document:3', relation: 'can_read', user: 'user:cy' } });
    assert.equal((await check()).json().allowed, false);
    await call('POST', `/stores/${storeId}/write`, {
      writes: { tuple_keys: [{ object: 'document:3', relation: 'editor', user: 'user:cy' }] },
    });
    assert.equal((await check()).json().allowed, true);
  });

  test('read and read-changes page with continuation tokens', async () => {
    const first = (await call('POST', `/stores/${storeId}/read`, { page_size: 1 })).json();
    assert.equal(first.tuples.length, 1);
    assert.ok(first.continuation_token);
    const changes = (await call('GET', `/stores/${storeId}/changes?page_size=1&type=document`)).json();
    assert.equal(changes.changes[0].operation, 'TUPLE_OPERATION_WRITE');
    const next = (await call('GET', `/stores/${storeId}/changes?page_size=50&continuation_token=${changes.continuation_token}`)).json();
    assert.ok(next.changes.length >= 1);
    const bad = await call('POST', `/stores/${storeId}/read`, { continuation_token: 'garbage' });
    assert.equal(bad.json().code, 'invalid_continuation_token');
  });

  test('batch-check answers per correlation id, errors included', async () => {
    const response = await call('POST', `/stores/${storeId}/batch-check`, {
      checks: [
        { correlation_id: 'a', tuple_key: { object: 'document:1', relation: 'viewer', user: 'user:anne' } },
        { correlation_id: 'b', tuple_key: { object: 'document:1', relation: 'owner', user: 'user:anne' } },
      ],
    });
    const { result } = response.json();
    assert.deepEqual(result.a, { allowed: true });
    assert.equal(result.b.error.input_error, 'validation_error');
  });

  test('list-objects, streamed-list-objects, list-users and expand answer in OpenFGA shapes', async () => {
    const request = { type: 'document', relation: 'can_read', user: 'user:anne' };
    assert.deepEqual((await call('POST', `/stores/${storeId}/list-objects`, request)).json(), { objects: ['document:1'] });
    const streamed = await call('POST', `/stores/${storeId}/streamed-list-objects`, request);
    assert.equal(streamed.headers['content-type'], 'application/x-ndjson');
    assert.deepEqual(
      streamed.body
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
      [{ result: { object: 'document:1' } }],
    );
    const users = await call('POST', `/stores/${storeId}/list-users`, {
      object: { type: 'document', id: '1' },
      relation: 'can_read',
      user_filters: [{ type: 'user' }],
    });
    assert.deepEqual(users.json(), { users: [{ object: { type: 'user', id: 'anne' } }] });
    const tree = (await call('POST', `/stores/${storeId}/expand`, { tuple_key: { object: 'document:1', relation: 'viewer' } })).json();
    assert.deepEqual(tree.tree.root.leaf.users.users, ['user:anne']);
  });

  test('explain shows the granting path', async () => {
    const response = await call('POST', `/stores/${storeId}/explain`, {
      tuple_key: { object: 'document:1', relation: 'can_read', user: 'user:anne' },
    });
    assert.equal(response.json().allowed, true);
    assert.match(JSON.stringify(response.json().explanation), /document:1#viewer/);
  });

  test('assertions are stored per model', async () => {
    const assertions = [{ tuple_key: { object: 'document:1', relation: 'viewer', user: 'user:anne' }, expectation: true }];
    assert.equal((await call('PUT', `/stores/${storeId}/assertions/${modelId}`, { assertions })).statusCode, 204);
    assert.deepEqual((await call('GET', `/stores/${storeId}/assertions/${modelId}`)).json().assertions, assertions);
  });

  test('an unknown path under the prefix is undefined_endpoint', async () => {
    const response = await call('GET', '/nowhere');
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().code, 'undefined_endpoint');
  });
});
