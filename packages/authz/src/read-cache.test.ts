import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createAuthzEngine } from './engine.ts';
import { modelFromDsl } from './model/dsl.ts';
import { TypeSystem } from './model/typesystem.ts';
import { createReadCache } from './read-cache.ts';
import type { TupleKey } from './tuple-key.ts';
import type { TupleReader } from './tuple-reader.ts';

const folders = new TypeSystem({
  ...modelFromDsl(`model
  schema 1.1
type user
type folder
  relations
    define parent: [folder]
    define viewer: [user] or viewer from parent
type document
  relations
    define parent: [folder]
    define viewer: [user] or viewer from parent`),
  id: 'm1',
});

const t = (object: string, relation: string, user: string): TupleKey => ({ object, relation, user });

/** A reader over `tuples` (which the test may change) counting its reads by `object#relation`. */
function countingReader(tuples: TupleKey[], mode: { sync?: boolean } = {}) {
  const reads: string[] = [];
  let failNext = false;
  const select = (object: string, relation: string) => tuples.filter((x) => x.object === object && x.relation === relation);
  const reader: TupleReader = {
    readByObject(object, relation) {
      reads.push(`${object}#${relation}`);
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error('connection lost'));
      }
      // The SQLite reader answers synchronously, the PostgreSQL one with a promise.
      return mode.sync ? select(object, relation) : Promise.resolve(select(object, relation));
    },
    readByUsers: async (users, objectType, relation) =>
      tuples.filter((x) => users.includes(x.user) && x.relation === relation && x.object.startsWith(`${objectType}:`)),
  };
  return {
    reader,
    reads,
    failOnce() {
      failNext = true;
    },
  };
}

const tree = (): TupleKey[] => [
  t('document:1', 'parent', 'folder:team'),
  t('document:2', 'parent', 'folder:team'),
  t('folder:team', 'parent', 'folder:root'),
  t('folder:root', 'viewer', 'user:anne'),
  t('folder:root', 'viewer', 'user:bob'),
];

describe('shared read cache', () => {
  test('checks of different users at one revision read the shared parent folders once', async () => {
    const { reader, reads } = countingReader(tree());
    const engine = createAuthzEngine({ readCache: { admissionWindow: 0 } });
    // `null`: no cache key, as a HIGHER_CONSISTENCY read sends.
    const check = (object: string, user: string, cacheKey: string | null = 's@1') =>
      engine.check({ typesystem: folders, reader, cacheKey: cacheKey ?? undefined, tuple: { object, relation: 'viewer', user } });

    assert.deepEqual(await check('document:1', 'user:anne'), { allowed: true });
    const first = reads.length;
    assert.deepEqual(await check('document:2', 'user:bob'), { allowed: true });
    // Only document:2's own rows are new: folder:team and folder:root come from the cache.
    assert.deepEqual(
      reads.slice(first).filter((r) => r.startsWith('folder:')),
      [],
    );
    assert.ok(reads.slice(first).some((r) => r.startsWith('document:2#')));

    const beforeRevision = reads.length;
    await check('document:2', 'user:anne', 's@2');
    assert.ok(
      reads.slice(beforeRevision).some((r) => r.startsWith('folder:root#')),
      'another revision reads again',
    );
    const beforeBypass = reads.length;
    await check('document:1', 'user:bob', null);
    assert.ok(
      reads.slice(beforeBypass).some((r) => r.startsWith('folder:root#')),
      'no cache key (HIGHER_CONSISTENCY) reads the store',
    );
  });

  test('a write seen through a new revision changes the answer; the old revision keeps its snapshot', async () => {
    const tuples = tree();
    const { reader } = countingReader(tuples);
    const engine = createAuthzEngine({ cache: false });
    const check = (user: string, cacheKey: string) =>
      engine.check({ typesystem: folders, reader, cacheKey, tuple: { object: 'document:1', relation: 'viewer', user } });
    assert.deepEqual(await check('user:carl', 's@1'), { allowed: false });
    tuples.push(t('folder:root', 'viewer', 'user:carl'));
    assert.deepEqual(await check('user:carl', 's@2'), { allowed: true });
    tuples.splice(
      tuples.findIndex((x) => x.user === 'user:anne'),
      1,
    );
    assert.deepEqual(await check('user:anne', 's@3'), { allowed: false });
  });

  test('contextual tuples of one request are never served to another', async () => {
    const { reader } = countingReader(tree());
    const engine = createAuthzEngine({ cache: false });
    const check = (contextualTuples: TupleKey[]) =>
      engine.check({
        typesystem: folders,
        reader,
        cacheKey: 's@1',
        contextualTuples,
        tuple: { object: 'document:1', relation: 'viewer', user: 'user:dana' },
      });
    assert.deepEqual(await check([t('folder:root', 'viewer', 'user:dana')]), { allowed: true });
    assert.deepEqual(await check([]), { allowed: false });
  });

  test('concurrent misses of one object share the read in flight', async () => {
    const { reader, reads } = countingReader(tree());
    const cached = createReadCache().over(reader, 's@1');
    const [a, b] = await Promise.all([cached.readByObject('folder:root', 'viewer'), cached.readByObject('folder:root', 'viewer')]);
    assert.deepEqual(reads, ['folder:root#viewer']);
    assert.equal(a.length, 2);
    assert.deepEqual(a, b);
  });

  test('a failed read is not kept: the next read goes to the store again', async () => {
    const counting = countingReader(tree());
    const cached = createReadCache().over(counting.reader, 's@1');
    counting.failOnce();
    await assert.rejects(() => Promise.resolve(cached.readByObject('folder:root', 'viewer')), /connection lost/);
    assert.equal((await cached.readByObject('folder:root', 'viewer')).length, 2);
    assert.equal(counting.reads.length, 2);
  });

  test('a synchronous reader stays synchronous, hits included', () => {
    const { reader, reads } = countingReader(tree(), { sync: true });
    const cached = createReadCache({ admissionWindow: 0 }).over(reader, 's@1');
    const first = cached.readByObject('document:1', 'parent');
    assert.ok(Array.isArray(first));
    const second = cached.readByObject('document:1', 'parent');
    assert.ok(Array.isArray(second));
    assert.equal(reads.length, 1);
  });

  test('reads expire after the TTL, and reads larger than the per-read limit are not kept', async () => {
    let clock = 0;
    const { reader, reads } = countingReader(tree());
    const cache = createReadCache({ ttlMs: 100, maxTuplesPerRead: 1, admissionWindow: 0, now: () => clock });
    const cached = cache.over(reader, 's@1');
    await cached.readByObject('folder:team', 'parent');
    await cached.readByObject('folder:team', 'parent');
    assert.equal(reads.length, 1);
    clock = 101;
    await cached.readByObject('folder:team', 'parent');
    assert.equal(reads.length, 2, 'expired');
    await cached.readByObject('folder:root', 'viewer');
    await cached.readByObject('folder:root', 'viewer');
    assert.equal(reads.length, 4, 'two tuples exceed the per-read limit of one');
  });

  test('the budget keeps the newest reads and drops the oldest generation', async () => {
    const { reader, reads } = countingReader(tree());
    // Room for two generations of two weight units: each read of one tuple weighs two.
    const cached = createReadCache({ maxTuples: 4, admissionWindow: 0 }).over(reader, 's@1');
    await cached.readByObject('document:1', 'parent');
    await cached.readByObject('document:2', 'parent');
    await cached.readByObject('folder:team', 'parent');
    await cached.readByObject('folder:team', 'parent');
    assert.equal(reads.length, 3, 'the newest read is kept');
    await cached.readByObject('document:1', 'parent');
    assert.equal(reads.length, 4, 'the oldest generation was dropped');
  });

  test('an object read once is not kept; read again while remembered, it is', async () => {
    const { reader, reads } = countingReader(tree());
    const cached = createReadCache({ admissionWindow: 4 }).over(reader, 's@1');
    await cached.readByObject('folder:root', 'viewer');
    await cached.readByObject('folder:root', 'viewer');
    assert.equal(reads.length, 2, 'the first read only remembered the object');
    await cached.readByObject('folder:root', 'viewer');
    assert.equal(reads.length, 2, 'the second read was kept');
    // Objects read once each push the remembered ones out of the window.
    for (const object of ['document:1', 'document:2', 'folder:team', 'folder:a', 'folder:b']) await cached.readByObject(object, 'parent');
    await cached.readByObject('document:1', 'parent');
    assert.equal(reads.length, 8, 'document:1 was forgotten before its second read');
  });
});
