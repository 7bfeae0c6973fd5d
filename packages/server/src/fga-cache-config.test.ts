import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FgaService, modelFromDsl } from '@portcullis/authz';
import { startTestServer } from './test-support.ts';

const key = 'fga-cache-test-key-0123456789';
const model = modelFromDsl(`model
  schema 1.1
type user
type group
  relations
    define member: [user]
type document
  relations
    define viewer: [group#member]`);

/**
 * Grants, checks, then withdraws the grant through another service on the same database (as
 * another server process would) and checks again at once.
 */
async function checkAfterRemoteRevoke(
  overrides: Record<string, unknown>,
  consistency: (token: string) => Record<string, string> = () => ({}),
): Promise<{ before: boolean; after: boolean; metrics: string }> {
  const server = await startTestServer({ overrides: { 'fga.preshared_keys': key, ...overrides } });
  try {
    const otherNode = new FgaService(server.runtime.store);
    const { id: store } = await otherNode.createStore('cache-config');
    const modelId = await otherNode.writeModel(store, model);
    const grant = [
      { object: 'document:plan', relation: 'viewer', user: 'group:eng#member' },
      { object: 'group:eng', relation: 'member', user: 'user:anne' },
    ];
    await otherNode.write(store, { authorization_model_id: modelId, writes: grant, deletes: [] });
    const check = async (options: Record<string, string> = {}) => {
      const response = await fetch(`${server.issuer}/fga/stores/${store}/check`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          authorization_model_id: modelId,
          tuple_key: { object: 'document:plan', relation: 'viewer', user: 'user:anne' },
          ...options,
        }),
      });
      assert.equal(response.status, 200);
      return ((await response.json()) as { allowed: boolean }).allowed;
    };
    // Twice: the shared reads keep an object's rows from its second read on.
    const before = (await check()) && (await check());
    const token = await otherNode.write(store, {
      authorization_model_id: modelId,
      writes: [],
      deletes: [grant[1] as (typeof grant)[number]],
    });
    const after = await check(consistency(token));
    const metrics = await (await fetch(`${server.issuer}/metrics`)).text();
    return { before, after, metrics };
  } finally {
    await server.close();
  }
}

describe('permission caches are configured by fga.*', () => {
  // With the caches on, the last check may be answered from them until this process next reads
  // the store's revision (within a second); how soon depends on timing, so only "off" is asserted.
  test('with fga.check_cache_entries, fga.read_cache_tuples and fga.memory_tuples at 0, a check right after another process revokes reads the tuples', async () => {
    const { before, after, metrics } = await checkAfterRemoteRevoke({
      'fga.check_cache_entries': 0,
      'fga.read_cache_tuples': 0,
      'fga.memory_tuples': 0,
    });
    assert.deepEqual({ before, after }, { before: true, after: false });
    assert.match(metrics, /^portcullis_fga_memory_tuples 0$/m);
  });

  test("a store held in memory (the default) catches up with another process's revoke before a check that sends its consistency token", async () => {
    const { before, after, metrics } = await checkAfterRemoteRevoke({}, (token) => ({ consistency_token: token }));
    assert.deepEqual({ before, after }, { before: true, after: false });
    assert.match(metrics, /^portcullis_fga_memory_stores\{state="ready"\} 1$/m);
    assert.match(metrics, /^portcullis_fga_memory_tuples 1$/m);
  });

  test("a store held in memory catches up with another process's revoke before a HIGHER_CONSISTENCY check", async () => {
    const { before, after } = await checkAfterRemoteRevoke({}, () => ({ consistency: 'HIGHER_CONSISTENCY' }));
    assert.deepEqual({ before, after }, { before: true, after: false });
  });
});
