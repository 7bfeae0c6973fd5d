import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TupleWriteConflict } from './authz-types.ts';
import type { Store } from './database.ts';
import { describeOnEachDatabase } from './test-databases.ts';

const viewer = (user: string, object = 'document:1') => ({ object, relation: 'viewer', user });

describeOnEachDatabase(
  'permission storage contract',
  (store) => {
    const write = (storeId: string, change: Partial<Parameters<Store['authz']['tuples']['write']>[1]>) =>
      store.authz.tuples.write(storeId, { writes: [], deletes: [], onDuplicate: 'error', onMissing: 'error', at: 1000, ...change });

    test('stores are listed in id order, paged, and a deleted store disappears', async () => {
      const first = await store.authz.stores.list({ pageSize: 3 });
      assert.deepEqual(
        first.items.map((s) => s.id),
        ['s1', 's2', 's3'],
      );
      const second = await store.authz.stores.list({ pageSize: 3, after: first.next });
      assert.deepEqual(
        second.items.map((s) => s.id),
        ['s4'],
      );
      assert.equal(second.next, undefined);
      await store.authz.stores.create({ id: 's9', name: 'gone', created_at: 1 });
      assert.equal(await store.authz.stores.delete('s9', 5), true);
      assert.equal(await store.authz.stores.delete('s9', 6), false);
      assert.equal(await store.authz.stores.get('s9'), undefined);
      assert.equal((await store.authz.stores.get('s1'))?.name, 'store s1');
    });

    test('models are immutable versions and the latest is the newest id', async () => {
      const model = (id: string) => ({
        id,
        store_id: 's1',
        schema_version: '1.1',
        type_definitions: [{ type: 'user' }],
        conditions: {},
        created_at: 10,
      });
      await store.authz.models.insert(model('01A'));
      await store.authz.models.insert(model('01B'));
      await assert.rejects(store.authz.models.insert(model('01B')));
      assert.equal((await store.authz.models.latest('s1'))?.id, '01B');
      assert.deepEqual((await store.authz.models.get('s1', '01A'))?.type_definitions, [{ type: 'user' }]);
      assert.equal(await store.authz.models.get('s2', '01A'), undefined);
      const page = await store.authz.models.list('s1', { pageSize: 1 });
      assert.deepEqual(
        page.items.map((m) => m.id),
        ['01B'],
      );
      const rest = await store.authz.models.list('s1', { pageSize: 1, after: page.next });
      assert.deepEqual(
        rest.items.map((m) => m.id),
        ['01A'],
      );
    });

    test('tuples are found by object and relation, with their conditions', async () => {
      const conditioned = { ...viewer('user:bob'), condition: { name: 'in_hours', context: { hour: 9 } } };
      const { revision } = await write('s1', { writes: [viewer('user:anne'), conditioned, viewer('group:eng#member')] });
      assert.ok(revision > 0);
      const tuples = await store.authz.tuples.readByObject('s1', 'document:1', 'viewer');
      assert.deepEqual(
        tuples.map(({ timestamp, ...t }) => t).sort((a, b) => a.user.localeCompare(b.user)),
        [viewer('group:eng#member'), viewer('user:anne'), conditioned],
      );
      assert.deepEqual(await store.authz.tuples.readByObject('s2', 'document:1', 'viewer'), []);
    });

    test('a duplicate write fails the whole write and changes nothing', async () => {
      await assert.rejects(
        write('s1', { writes: [viewer('user:carl'), viewer('user:anne')] }),
        (error: unknown) => error instanceof TupleWriteConflict && error.kind === 'duplicate',
      );
      const users = (await store.authz.tuples.readByObject('s1', 'document:1', 'viewer')).map((t) => t.user);
      assert.equal(users.includes('user:carl'), false);
    });

    test('on_duplicate ignore forgives identical tuples only', async () => {
      await write('s1', { writes: [viewer('user:anne'), viewer('user:dora')], onDuplicate: 'ignore' });
      const users = (await store.authz.tuples.readByObject('s1', 'document:1', 'viewer')).map((t) => t.user);
      assert.ok(users.includes('user:dora'));
      await assert.rejects(
        write('s1', { writes: [{ ...viewer('user:anne'), condition: { name: 'other' } }], onDuplicate: 'ignore' }),
        TupleWriteConflict,
      );
    });

    test('a missing delete fails the whole write unless on_missing is ignore', async () => {
      await assert.rejects(
        write('s1', { deletes: [viewer('user:dora'), viewer('user:nobody')] }),
        (error: unknown) => error instanceof TupleWriteConflict && error.kind === 'missing',
      );
      assert.ok((await store.authz.tuples.readByObject('s1', 'document:1', 'viewer')).some((t) => t.user === 'user:dora'));
      await write('s1', { deletes: [viewer('user:dora'), viewer('user:nobody')], onMissing: 'ignore' });
      assert.ok(!(await store.authz.tuples.readByObject('s1', 'document:1', 'viewer')).some((t) => t.user === 'user:dora'));
    });

    test('a write larger than one statement is applied whole, or refused whole', async () => {
      const many = Array.from({ length: 1200 }, (_, i) => viewer(`user:bulk${i}`, 'document:bulk'));
      await write('s4', { writes: many });
      assert.equal((await store.authz.tuples.readByObject('s4', 'document:bulk', 'viewer')).length, 1200);
      const changes = await store.authz.changelog.read('s4', { pageSize: 100_000 });
      assert.equal(changes.items.filter((c) => c.tuple_key.object === 'document:bulk').length, 1200);
      const more = Array.from({ length: 1200 }, (_, i) => viewer(`user:more${i}`, 'document:bulk'));
      await assert.rejects(write('s4', { writes: [...more, viewer('user:bulk7', 'document:bulk')] }), TupleWriteConflict);
      assert.equal((await store.authz.tuples.readByObject('s4', 'document:bulk', 'viewer')).length, 1200);
      await write('s4', { writes: [...more, viewer('user:bulk7', 'document:bulk')], onDuplicate: 'ignore' });
      assert.equal((await store.authz.tuples.readByObject('s4', 'document:bulk', 'viewer')).length, 2400);
    });

    test('every write bumps the store revision, the consistency token', async () => {
      const before = (await store.authz.stores.get('s3'))?.revision ?? -1;
      const { revision } = await write('s3', { writes: [viewer('user:anne')] });
      assert.equal(revision, before + 1);
      assert.equal((await store.authz.stores.get('s3'))?.revision, revision);
    });

    test('concurrent writes to one store get distinct revisions', async () => {
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => write('s4', { writes: [viewer(`user:u${i}`, 'document:c')] })));
      assert.equal(new Set(results.map((r) => r.revision)).size, 8);
    });

    test('reads filter by object type, relation and user, and page with a cursor', async () => {
      await write('s2', {
        writes: [viewer('user:a', 'document:1'), viewer('user:a', 'document:2'), viewer('user:b', 'folder:1')],
      });
      const byType = await store.authz.tuples.read('s2', { object: 'document:' }, { pageSize: 10 });
      assert.equal(byType.items.length, 2);
      const byUser = await store.authz.tuples.read('s2', { object: 'document:', user: 'user:a' }, { pageSize: 1 });
      assert.equal(byUser.items.length, 1);
      assert.ok(byUser.next);
      const next = await store.authz.tuples.read('s2', { object: 'document:', user: 'user:a' }, { pageSize: 1, after: byUser.next });
      assert.deepEqual(
        [...byUser.items, ...next.items].map((t) => t.object),
        ['document:1', 'document:2'],
      );
      assert.equal(next.next, undefined);
      const all = await store.authz.tuples.read('s2', {}, { pageSize: 10 });
      assert.equal(all.items.length, 3);
    });

    test('tuples are found by their exact user, object type and relation (user → objects)', async () => {
      await write('s3', {
        writes: [
          viewer('user:a', 'document:1'),
          viewer('user:a', 'document:2'),
          viewer('user:*', 'document:3'),
          viewer('group:eng#member', 'document:4'),
          { ...viewer('user:a', 'folder:1'), condition: { name: 'in_hours', context: { hour: 10 } } },
          { object: 'document:5', relation: 'owner', user: 'user:a' },
        ],
      });
      const objects = async (user: string, type: string, relation = 'viewer') =>
        (await store.authz.tuples.readByUsers('s3', [user], type, relation)).map((t) => t.object).sort();
      assert.deepEqual(await objects('user:a', 'document'), ['document:1', 'document:2']);
      assert.deepEqual(await objects('user:*', 'document'), ['document:3']);
      assert.deepEqual(await objects('group:eng#member', 'document'), ['document:4']);
      assert.deepEqual(await objects('group:eng', 'document'), []);
      assert.deepEqual(await objects('user:a', 'document', 'owner'), ['document:5']);
      assert.deepEqual(await store.authz.tuples.readByUsers('s3', ['user:a'], 'folder', 'viewer'), [
        { object: 'folder:1', relation: 'viewer', user: 'user:a', condition: { name: 'in_hours', context: { hour: 10 } } },
      ]);
      const several = await store.authz.tuples.readByUsers(
        's3',
        ['user:a', 'user:*', 'group:eng#member', 'user:nobody'],
        'document',
        'viewer',
      );
      assert.deepEqual(several.map((t) => `${t.object}@${t.user}`).sort(), [
        'document:1@user:a',
        'document:2@user:a',
        'document:3@user:*',
        'document:4@group:eng#member',
      ]);
      const ids = Array.from({ length: 300 }, (_, i) => `user:x${i}`);
      await write('s3', { writes: ids.map((user, i) => viewer(user, `document:x${i}`)) });
      assert.equal((await store.authz.tuples.readByUsers('s3', [...ids, 'user:a'], 'document', 'viewer')).length, 302);
    });

    test('the changelog lists writes and deletes in order, by type, from a cursor', async () => {
      await write('s2', { deletes: [viewer('user:a', 'document:1')] });
      const changes = await store.authz.changelog.read('s2', { pageSize: 10 });
      assert.deepEqual(
        changes.items.map((c) => [c.operation, c.tuple_key.object, c.tuple_key.user]),
        [
          ['write', 'document:1', 'user:a'],
          ['write', 'document:2', 'user:a'],
          ['write', 'folder:1', 'user:b'],
          ['delete', 'document:1', 'user:a'],
        ],
      );
      const first = await store.authz.changelog.read('s2', { pageSize: 1, objectType: 'document' });
      const rest = await store.authz.changelog.read('s2', { pageSize: 10, objectType: 'document', after: first.next });
      assert.equal(first.items.length + rest.items.length, 3);
      const empty = await store.authz.changelog.read('s2', { pageSize: 10, after: changes.next });
      assert.deepEqual(empty.items, []);
      assert.equal(empty.next, changes.next);
    });

    test('a refused write leaves no changelog entry', async () => {
      const before = (await store.authz.changelog.read('s3', { pageSize: 100 })).items.length;
      await assert.rejects(write('s3', { writes: [viewer('user:zed'), viewer('user:anne')] }));
      assert.equal((await store.authz.changelog.read('s3', { pageSize: 100 })).items.length, before);
    });

    test('assertions are replaced per model', async () => {
      assert.equal(await store.authz.assertions.get('s1', '01A'), undefined);
      await store.authz.assertions.put('s1', '01A', [{ expectation: true }]);
      await store.authz.assertions.put('s1', '01A', [{ expectation: false }]);
      assert.deepEqual(await store.authz.assertions.get('s1', '01A'), [{ expectation: false }]);
    });
  },
  async (store) => {
    for (const id of ['s1', 's2', 's3', 's4']) await store.authz.stores.create({ id, name: `store ${id}`, created_at: 1 });
  },
);
