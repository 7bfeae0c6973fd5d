import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createAuthzEngine } from '../engine.ts';
import { MemoryTuples } from '../memory-tuples.ts';
import { checkModel, checkTuples, FakeStore, memoryReader, readerOf, tupleKey } from '../test-support.ts';
import type { TupleKey } from '../tuple-key.ts';
import { TupleMirror } from '../tuple-mirror.ts';
import type { RowIndex, TupleReader } from '../tuple-reader.ts';
import { checkInMemory } from './memory-check.ts';

const typesystem = checkModel;
const t = tupleKey;
const daytime = { name: 'in_hours', context: {} };

const stored: TupleKey[] = [
  ...checkTuples,
  // A long member list: looked up through its index, with a userset, a wildcard-free tail and a conditioned member.
  ...Array.from({ length: 12 }, (_, i) => t('group:big', 'member', `user:m${i}`)),
  t('group:big', 'member', 'group:editors#member'),
  t('group:big', 'member', 'user:shift', daytime),
  t('folder:big', 'viewer', 'group:big#member'),
  t('document:5', 'parent', 'folder:big'),
  // A public group, in a long list.
  ...Array.from({ length: 9 }, (_, i) => t('group:open', 'member', `user:o${i}`)),
  t('group:open', 'member', 'user:*'),
  // Cycles in group nesting and in a userset relation.
  t('group:a', 'member', 'group:b#member'),
  t('group:b', 'member', 'group:a#member'),
  t('group:b', 'member', 'user:inloop'),
  t('folder:y1', 'looped', 'folder:y2#looped'),
  t('folder:y2', 'looped', 'folder:y1#looped'),
  // Tuples the model no longer allows (written under an older one): skipped, in short and long lists.
  t('document:1', 'owner', 'folder:old'),
  t('group:big', 'member', 'folder:old'),
];

/** The same tuples behind a reader that answers synchronously but is not in memory: the general resolver alone. */
const synchronous = (tuples: readonly TupleKey[]): TupleReader => ({
  readByObject: (object, relation) => tuples.filter((x) => x.object === object && x.relation === relation),
  readByUsers: async () => [],
});

const engine = createAuthzEngine({ cache: false });

/** The general resolver's answer: allowed, or the error code it fails with. */
async function general(tuples: readonly TupleKey[], tuple: { object: string; relation: string; user: string }) {
  try {
    return (await engine.check({ typesystem, reader: synchronous(tuples), tuple, context: { hour: 10 } })).allowed;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

const objects = [...new Set(stored.flatMap((x) => [x.object, x.user.split('#')[0] as string]))].filter((o) => !o.endsWith(':*'));
const users = ['user:owner', 'user:ed', 'user:top', 'user:nested', 'user:daytime', 'user:beyond', 'user:m3', 'user:shift', 'user:o2'];
users.push(
  'user:anyone',
  'user:cyclic',
  'user:inloop',
  'user:deep',
  'group:editors#member',
  'group:inner#member',
  'folder:y1#looped',
  'folder:old',
);

describe('checks over a store in memory', () => {
  test('wherever the plain recursion answers, it answers as the general resolver', async () => {
    const reader = await memoryReader(stored);
    let decided = 0;
    let left = 0;
    for (const object of objects) {
      const type = object.slice(0, object.indexOf(':'));
      for (const { name: relation } of typesystem.relations(type))
        for (const user of users) {
          const tuple = { object, relation, user };
          const fast = checkInMemory(typesystem, reader, tuple);
          if (fast === undefined) {
            left++;
            continue;
          }
          decided++;
          assert.equal(fast, await general(stored, tuple), `${object}#${relation}@${user}`);
        }
    }
    // Almost everything is decided here; conditions, cycles and the depth limit are left over.
    assert.ok(decided > 10 * left, `${decided} decided, ${left} left to the general resolver`);
  });

  test('plain paths are decided: direct, wildcard, usersets, nested groups, three levels of parents, long lists', async () => {
    const reader = await memoryReader(stored);
    const cases: Array<[string, string, string, boolean]> = [
      ['document:1', 'viewer', 'user:owner', true],
      ['document:1', 'viewer', 'user:ed', true],
      ['document:1', 'viewer', 'user:top', true],
      ['document:1', 'viewer', 'user:nested', true],
      ['document:3', 'viewer', 'user:anyone', true],
      ['document:3', 'viewer', 'group:editors#member', false],
      ['document:5', 'viewer', 'user:m7', true],
      ['document:5', 'viewer', 'user:ed', true],
      ['group:open', 'member', 'user:anyone', true],
      ['group:editors', 'member', 'group:editors#member', true],
      ['folder:l3', 'reader', 'user:top', true],
      ['folder:l1', 'reader', 'user:top', false],
      ['folder:l1', 'both', 'user:top', false],
      ['folder:w2', 'both', 'user:x', true],
      ['document:d10', 'deep', 'user:deep', true],
      ['document:1', 'owner', 'folder:old', false],
      ['group:big', 'member', 'folder:old', false],
      ['document:4', 'viewer', 'user:cyclic', true],
    ];
    for (const [object, relation, user, expected] of cases)
      assert.equal(checkInMemory(typesystem, reader, { object, relation, user }), expected, `${object}#${relation}@${user}`);
  });

  test('conditions, cycles and the depth limit are left to the general resolver', async () => {
    const reader = await memoryReader(stored);
    const cases: Array<[string, string, string]> = [
      ['document:1', 'viewer', 'user:daytime'],
      ['document:2', 'viewer', 'user:beyond'],
      ['document:5', 'viewer', 'user:shift'],
      ['document:4', 'viewer', 'user:nobody'],
      ['group:a', 'member', 'user:nobody'],
      ['folder:y1', 'looped', 'user:nobody'],
      ['document:d0', 'deep', 'user:deep'],
    ];
    for (const [object, relation, user] of cases)
      assert.equal(checkInMemory(typesystem, reader, { object, relation, user }), undefined, `${object}#${relation}@${user}`);
  });

  test('a check through the engine falls back to the general resolver, with its errors and conditions', async () => {
    const reader = await memoryReader(stored);
    const check = (tuple: { object: string; relation: string; user: string }, context?: Record<string, unknown>) =>
      engine.check({ typesystem, reader, inMemory: true, tuple, context });
    assert.equal((await check({ object: 'document:1', relation: 'viewer', user: 'user:daytime' }, { hour: 10 })).allowed, true);
    assert.equal((await check({ object: 'document:1', relation: 'viewer', user: 'user:daytime' }, { hour: 20 })).allowed, false);
    await assert.rejects(check({ object: 'document:1', relation: 'viewer', user: 'user:daytime' }), { code: 'validation_error' });
    await assert.rejects(check({ object: 'document:d0', relation: 'deep', user: 'user:deep' }), {
      code: 'authorization_model_resolution_too_complex',
    });
    assert.equal((await check({ object: 'document:4', relation: 'viewer', user: 'user:nobody' })).allowed, false);
    // Contextual tuples are layered over memory and seen by both resolvers.
    const contextual = [t('group:big', 'member', 'user:guest')];
    const withGuest = await engine.check({
      typesystem,
      reader,
      inMemory: true,
      tuple: { object: 'document:5', relation: 'viewer', user: 'user:guest' },
      contextualTuples: contextual,
    });
    assert.equal(withGuest.allowed, true);
  });

  test('answers over memory follow changes at once: long lists are indexed again, and nothing is cached', async () => {
    const store = new FakeStore();
    store.write(stored);
    const mirror = new TupleMirror(store, { maxTuples: 1000 });
    const cached = createAuthzEngine();
    const check = async (reader: TupleReader, user: string) =>
      (await cached.check({ typesystem, reader, inMemory: true, cacheKey: 's', tuple: { object: 'document:5', relation: 'viewer', user } }))
        .allowed;
    const before = await readerOf(mirror, store);
    const big = before.readObject?.('group:big')?.rows('member') as RowIndex;
    assert.equal(big.byUser.size, 13, 'plain members (one no longer allowed) are looked up by name');
    assert.deepEqual(big.rest.map((row) => row.user).sort(), ['group:editors#member', 'user:shift']);
    assert.equal(await check(before, 'user:m3'), true);
    store.write([], [t('group:big', 'member', 'user:m3')]);
    const after = await readerOf(mirror, store);
    // Same cache key on purpose: an answer kept from before would now be wrong.
    assert.equal(await check(after, 'user:m3'), false);
    assert.equal(await check(after, 'user:m4'), true);
  });

  test('a walk follows a parent or group to its rows as they are now, also after the object left the store and came back', async () => {
    const store = new FakeStore();
    store.write([t('document:9', 'parent', 'folder:f9'), t('folder:f9', 'viewer', 'group:g9#member'), t('group:g9', 'member', 'user:ann')]);
    const mirror = new TupleMirror(store, { maxTuples: 1000 });
    const check = async (user: string) =>
      checkInMemory(typesystem, await readerOf(mirror, store), { object: 'document:9', relation: 'viewer', user });
    assert.equal(await check('user:ann'), true, 'through the folder and its group, remembered on the way');
    // The folder's and the group's only tuples go: both objects leave the store's map.
    store.write([], [t('folder:f9', 'viewer', 'group:g9#member'), t('group:g9', 'member', 'user:ann')]);
    assert.equal(await check('user:ann'), false);
    // Written again, they are new objects in memory: the remembered ones must not be followed.
    store.write([t('folder:f9', 'viewer', 'group:g9#member'), t('group:g9', 'member', 'user:bob')]);
    assert.equal(await check('user:bob'), true);
    assert.equal(await check('user:ann'), false);
    // A change to a folder that stays in memory is seen through the same link.
    store.write([t('folder:f9', 'viewer', 'user:cat')]);
    assert.equal(await check('user:cat'), true);
  });

  test('a reader that is not in memory is read relation by relation, with the same answers', async () => {
    const plain = synchronous(stored);
    assert.equal(checkInMemory(typesystem, plain, { object: 'document:1', relation: 'viewer', user: 'user:nested' }), true);
    assert.equal(checkInMemory(typesystem, plain, { object: 'document:1', relation: 'viewer', user: 'user:nobody' }), false);
    // An asynchronous reader cannot be walked without waiting: left to the general resolver.
    const later = new MemoryTuples().add(...stored);
    assert.equal(checkInMemory(typesystem, later, { object: 'document:1', relation: 'viewer', user: 'user:owner' }), undefined);
  });
});
