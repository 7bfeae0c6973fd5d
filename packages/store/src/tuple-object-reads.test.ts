import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openStore } from './database.ts';
import { createSqliteDatabase, describeOnEachDatabase } from './test-databases.ts';

const tuple = (object: string, relation: string, user: string) => ({ object, relation, user });

describeOnEachDatabase(
  'object → users reads (the check engine hot path)',
  (store) => {
    const write = (storeId: string, writes: ReturnType<typeof tuple>[], deletes: ReturnType<typeof tuple>[] = []) =>
      store.authz.tuples.write(storeId, { writes, deletes, onDuplicate: 'error', onMissing: 'error', at: 1000 });
    const users = async (storeId: string, object: string, relation: string) =>
      (await store.authz.tuples.readByObject(storeId, object, relation)).map((t) => t.user).sort();

    test('a read sees every write and delete as soon as it is acknowledged', async () => {
      assert.deepEqual(await users('r1', 'doc:a', 'viewer'), []);
      await write('r1', [tuple('doc:a', 'viewer', 'user:anne')]);
      assert.deepEqual(await users('r1', 'doc:a', 'viewer'), ['user:anne']);
      await write('r1', [tuple('doc:a', 'viewer', 'group:eng#member')], [tuple('doc:a', 'viewer', 'user:anne')]);
      assert.deepEqual(await users('r1', 'doc:a', 'viewer'), ['group:eng#member']);
    });

    test('concurrent reads, identical ones and other stores included, each get exactly their rows', async () => {
      const writes = Array.from({ length: 30 }, (_, i) => tuple(`doc:c${i % 10}`, i % 2 ? 'viewer' : 'editor', `user:u${i}`));
      await write('r2', writes);
      await write('r3', [tuple('doc:c1', 'viewer', 'user:other-store')]);
      const asks = Array.from({ length: 60 }, (_, i) => ({
        storeId: i % 7 === 0 ? 'r3' : 'r2',
        object: `doc:c${i % 12}`,
        relation: i % 3 ? 'viewer' : 'editor',
      }));
      const answers = await Promise.all(asks.map((a) => users(a.storeId, a.object, a.relation)));
      asks.forEach((a, i) => {
        const expected =
          a.storeId === 'r3'
            ? a.object === 'doc:c1' && a.relation === 'viewer'
              ? ['user:other-store']
              : []
            : writes
                .filter((w) => w.object === a.object && w.relation === a.relation)
                .map((w) => w.user)
                .sort();
        assert.deepEqual(answers[i], expected, `${a.storeId} ${a.object}#${a.relation}`);
      });
    });

    test('rows carry their condition and timestamp', async () => {
      await store.authz.tuples.write('r4', {
        writes: [{ ...tuple('doc:t', 'viewer', 'user:cat'), condition: { name: 'in_hours', context: { from: 9 } } }],
        deletes: [],
        onDuplicate: 'error',
        onMissing: 'error',
        at: 4242,
      });
      assert.deepEqual(await store.authz.tuples.readByObject('r4', 'doc:t', 'viewer'), [
        { object: 'doc:t', relation: 'viewer', user: 'user:cat', condition: { name: 'in_hours', context: { from: 9 } }, timestamp: 4242 },
      ]);
    });
  },
  async (store) => {
    for (const id of ['r1', 'r2', 'r3', 'r4']) await store.authz.stores.create({ id, name: `store ${id}`, created_at: 1 });
  },
);

test('closing a SQLite file store closes its read connection too: later reads are refused', async () => {
  const database = createSqliteDatabase();
  try {
    const store = openStore(database.url);
    await store.migrate();
    await store.authz.stores.create({ id: 'c1', name: 'closing', created_at: 1 });
    await store.authz.tuples.write('c1', {
      writes: [tuple('doc:x', 'viewer', 'user:anne')],
      deletes: [],
      onDuplicate: 'error',
      onMissing: 'error',
      at: 1,
    });
    assert.equal((await store.authz.tuples.readByObject('c1', 'doc:x', 'viewer')).length, 1);
    await store.close();
    await assert.rejects(store.authz.tuples.readByObject('c1', 'doc:x', 'viewer'));
  } finally {
    await database.drop();
  }
});
