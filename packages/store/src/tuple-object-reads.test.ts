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
      (await store.authz.tuples.readByObjectRelations(storeId, object, [relation])).map((t) => t.user).sort();

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

    test('rows carry their condition, and the store read its timestamp too', async () => {
      await store.authz.tuples.write('r4', {
        writes: [{ ...tuple('doc:t', 'viewer', 'user:cat'), condition: { name: 'in_hours', context: { from: 9 } } }],
        deletes: [],
        onDuplicate: 'error',
        onMissing: 'error',
        at: 4242,
      });
      assert.deepEqual(await store.authz.tuples.readByObjectRelations('r4', 'doc:t', ['viewer']), [
        { object: 'doc:t', relation: 'viewer', user: 'user:cat', condition: { name: 'in_hours', context: { from: 9 } } },
      ]);
      assert.deepEqual(await store.authz.tuples.readByObject('r4', 'doc:t', 'viewer'), [
        { object: 'doc:t', relation: 'viewer', user: 'user:cat', condition: { name: 'in_hours', context: { from: 9 } }, timestamp: 4242 },
      ]);
    });

    test('a read of several relations returns each tuple of those relations once, with its condition', async () => {
      const conditioned = (object: string, relation: string, user: string) => ({
        ...tuple(object, relation, user),
        condition: { name: 'in_hours', context: { from: 9 } },
      });
      await write('r5', [
        tuple('doc:m', 'viewer', 'user:anne'),
        conditioned('doc:m', 'viewer', 'user:bob'),
        tuple('doc:m', 'viewer', 'group:eng#member'),
        conditioned('doc:m', 'editor', 'group:ops#member'),
        tuple('doc:m', 'parent', 'folder:f'),
        tuple('doc:m', 'owner', 'user:not-asked'),
        tuple('doc:other', 'viewer', 'user:other-object'),
      ]);
      const key = (t: { relation: string; user: string }) => `${t.relation}@${t.user}`;
      // Read by relation, or as the whole object with the other relations dropped: the same answer.
      for (const wholeObject of [false, true]) {
        const read = await store.authz.tuples.readByObjectRelations('r5', 'doc:m', ['viewer', 'editor', 'parent'], wholeObject);
        assert.deepEqual(
          [...read].sort((a, b) => key(a).localeCompare(key(b))),
          [
            conditioned('doc:m', 'editor', 'group:ops#member'),
            tuple('doc:m', 'parent', 'folder:f'),
            tuple('doc:m', 'viewer', 'group:eng#member'),
            tuple('doc:m', 'viewer', 'user:anne'),
            conditioned('doc:m', 'viewer', 'user:bob'),
          ],
          `wholeObject: ${wholeObject}`,
        );
      }
      // A tuple deleted and written again with a condition is read with it, and the other way round.
      await write('r5', [conditioned('doc:m', 'viewer', 'user:anne')], [tuple('doc:m', 'viewer', 'user:anne')]);
      await write('r5', [tuple('doc:m', 'viewer', 'user:bob')], [tuple('doc:m', 'viewer', 'user:bob')]);
      const again = await store.authz.tuples.readByObjectRelations('r5', 'doc:m', ['viewer']);
      assert.deepEqual(
        [...again].sort((a, b) => key(a).localeCompare(key(b))),
        [tuple('doc:m', 'viewer', 'group:eng#member'), conditioned('doc:m', 'viewer', 'user:anne'), tuple('doc:m', 'viewer', 'user:bob')],
      );
    });
  },
  async (store) => {
    for (const id of ['r1', 'r2', 'r3', 'r4', 'r5']) await store.authz.stores.create({ id, name: `store ${id}`, created_at: 1 });
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
    assert.equal((await store.authz.tuples.readByObjectRelations('c1', 'doc:x', ['viewer'])).length, 1);
    await store.close();
    await assert.rejects(async () => store.authz.tuples.readByObjectRelations('c1', 'doc:x', ['viewer']));
  } finally {
    await database.drop();
  }
});

test('an in-memory SQLite store reads several relations through its one connection, conditions included', async () => {
  const store = openStore('sqlite::memory:');
  try {
    await store.migrate();
    await store.authz.stores.create({ id: 'm1', name: 'in memory', created_at: 1 });
    const conditioned = { ...tuple('doc:x', 'viewer', 'user:bob'), condition: { name: 'in_hours', context: { from: 9 } } };
    await store.authz.tuples.write('m1', {
      writes: [tuple('doc:x', 'viewer', 'user:anne'), conditioned, tuple('doc:x', 'parent', 'folder:f'), tuple('doc:x', 'owner', 'user:o')],
      deletes: [],
      onDuplicate: 'error',
      onMissing: 'error',
      at: 1,
    });
    for (const wholeObject of [false, true]) {
      const read = await store.authz.tuples.readByObjectRelations('m1', 'doc:x', ['viewer', 'parent'], wholeObject);
      assert.deepEqual(
        [...read].sort((a, b) => `${a.relation}@${a.user}`.localeCompare(`${b.relation}@${b.user}`)),
        [tuple('doc:x', 'parent', 'folder:f'), tuple('doc:x', 'viewer', 'user:anne'), conditioned],
      );
    }
  } finally {
    await store.close();
  }
});
