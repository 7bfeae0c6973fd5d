import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openStore, type Store } from '@portcullis/store';
import { createSqliteDatabase, type TestDatabase } from '@portcullis/store/test-databases';
import { modelFromDsl } from './model/dsl.ts';
import { FgaService } from './service.ts';

const model = modelFromDsl(`model
  schema 1.1
type user
type document
  relations
    define viewer: [user]`);

for (const memoryTuples of [0, 1000])
  describe(`FgaService on two nodes sharing one database${memoryTuples ? ', stores held in memory' : ''}`, () => {
    let database: TestDatabase;
    let store: Store;
    let clock = 1_000_000;
    const now = () => clock;
    let nodeA: FgaService;
    let nodeB: FgaService;
    let storeId: string;
    const tuple = { object: 'document:plan', relation: 'viewer', user: 'user:anne' };

    before(async () => {
      database = createSqliteDatabase();
      store = openStore(database.url);
      await store.migrate();
      nodeA = new FgaService(store, { now, storeCacheTtlMs: 1000, memoryTuples });
      nodeB = new FgaService(store, { now, storeCacheTtlMs: 1000, memoryTuples });
      storeId = (await nodeA.createStore('two nodes')).id;
      await nodeA.writeModel(storeId, model);
    });
    after(async () => {
      await store.close();
      await database.drop();
    });

    test("a write on one node is seen by the other at once with the write's consistency token, and by every read once the store cache time has passed", async () => {
      assert.equal((await nodeB.check(storeId, { tuple_key: tuple })).allowed, false);
      const token = await nodeA.write(storeId, { writes: [tuple] });
      assert.equal((await nodeA.check(storeId, { tuple_key: tuple })).allowed, true, 'the writing node sees its write');
      assert.equal((await nodeB.check(storeId, { tuple_key: tuple, consistency_token: token })).allowed, true);
      assert.equal((await nodeB.check(storeId, { tuple_key: tuple, consistency: 'HIGHER_CONSISTENCY' })).allowed, true);
      clock += 1001;
      assert.equal((await nodeB.check(storeId, { tuple_key: tuple })).allowed, true);
      if (memoryTuples) assert.deepEqual(nodeB.memoryStats(), { loading: 0, ready: 1, tuples: 1 }, 'node B read it from memory');
      const revoked = await nodeA.write(storeId, { deletes: [tuple] });
      assert.equal((await nodeB.check(storeId, { tuple_key: tuple, consistency_token: revoked })).allowed, false);
      if (memoryTuples) assert.deepEqual(nodeB.memoryStats(), { loading: 0, ready: 1, tuples: 0 });
      await nodeA.write(storeId, { writes: [tuple] });
    });

    test('a model written on one node becomes the latest on the other within the store cache time', async () => {
      const newer = await nodeA.writeModel(
        storeId,
        modelFromDsl('model\n  schema 1.1\ntype user\ntype document\n  relations\n    define owner: [user]'),
      );
      assert.equal((await nodeA.readModel(storeId, newer)).id, newer);
      await assert.rejects(nodeA.check(storeId, { tuple_key: tuple }), { code: 'validation_error' }, 'node A checks against its new model');
      clock += 1001;
      await assert.rejects(nodeB.check(storeId, { tuple_key: tuple }), { code: 'validation_error' });
    });

    test('a store deleted on one node is gone from the other once it reads the store again', async () => {
      await nodeA.deleteStore(storeId);
      clock += 1001;
      await assert.rejects(nodeB.check(storeId, { tuple_key: tuple }), { code: 'store_id_not_found' });
      if (memoryTuples) assert.deepEqual(nodeB.memoryStats(), { loading: 0, ready: 0, tuples: 0 });
    });
  });
