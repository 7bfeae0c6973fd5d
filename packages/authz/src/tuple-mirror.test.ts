import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { database, FakeStore, readerOf } from './test-support.ts';
import type { TupleKey } from './tuple-key.ts';
import { TupleMirror } from './tuple-mirror.ts';
import type { TupleReader } from './tuple-reader.ts';

const t = (object: string, relation: string, user: string): TupleKey => ({ object, relation, user });
const users = (rows: TupleKey[]) => rows.map((row) => row.user).sort();

describe('in-memory tuple mirror', () => {
  test('a store that fits in one page is read from memory from its first read, like the database', async () => {
    const store = new FakeStore();
    store.write([t('doc:1', 'viewer', 'user:anne'), t('doc:1', 'viewer', 'group:eng#member'), t('doc:1', 'owner', 'user:bob')]);
    const mirror = new TupleMirror(store, { maxTuples: 100 });
    const reader = await mirror.readerAt('s', store.revision, database);
    assert.ok(reader, 'answered from memory at once');
    assert.deepEqual(users(reader.readByObject('doc:1', 'viewer') as TupleKey[]), ['group:eng#member', 'user:anne']);
    assert.deepEqual(users(reader.readByObject('doc:1', 'owner') as TupleKey[]), ['user:bob']);
    assert.deepEqual(reader.readByObject('doc:2', 'viewer'), []);
    assert.deepEqual(mirror.stats(), { loading: 0, ready: 1, tuples: 3 });
    // Answers are synchronous: a check over the mirror needs no promise per step.
    assert.ok(Array.isArray(reader.readByObject('doc:1', 'owner')));
  });

  test('a larger store is read from the database while it loads, then from memory', async () => {
    const store = new FakeStore();
    store.write(Array.from({ length: 25 }, (_, i) => t(`doc:${i}`, 'viewer', 'user:anne')));
    const mirror = new TupleMirror(store, { maxTuples: 100, scanPageSize: 10 });
    assert.equal(await mirror.readerAt('s', store.revision, database), undefined);
    assert.equal(mirror.stats().loading, 1);
    const reader = await readerOf(mirror, store);
    assert.equal(store.scans, 3);
    assert.deepEqual(users(reader.readByObject('doc:24', 'viewer') as TupleKey[]), ['user:anne']);
  });

  test('a read at a later revision waits until the changes up to it are applied; an earlier one does not', async () => {
    const store = new FakeStore();
    store.write([t('doc:1', 'viewer', 'user:anne')]);
    const mirror = new TupleMirror(store, { maxTuples: 100 });
    const before = await readerOf(mirror, store);
    const held = before.readByObject('doc:1', 'viewer') as TupleKey[];
    const revision = store.write([t('doc:1', 'viewer', 'user:bob')], [t('doc:1', 'viewer', 'user:anne')]);
    assert.ok(mirror.readerAt('s', revision - 1, database), 'the old revision is served at once');
    const pending = mirror.readerAt('s', revision, database);
    assert.ok(pending instanceof Promise, 'a newer revision waits for the changelog');
    const after = (await pending) as TupleReader;
    assert.deepEqual(users(after.readByObject('doc:1', 'viewer') as TupleKey[]), ['user:bob']);
    assert.deepEqual(users(held), ['user:anne'], 'rows already handed out do not change under their reader');
    assert.equal(mirror.stats().tuples, 1);
  });

  test('changes made while the store is scanned end in the state of their last change', async () => {
    const store = new FakeStore();
    store.write(Array.from({ length: 30 }, (_, i) => t(`doc:${String(i).padStart(2, '0')}`, 'viewer', 'user:anne')));
    store.duringScan = (page) => {
      if (page === 1) {
        store.duringScan = undefined;
        // Behind the scan (already read), ahead of it, and written then deleted again.
        store.write([t('doc:00', 'viewer', 'user:carl'), t('doc:29', 'viewer', 'user:dana')], [t('doc:01', 'viewer', 'user:anne')]);
        store.write([], [t('doc:29', 'viewer', 'user:anne'), t('doc:29', 'viewer', 'user:dana')]);
      }
    };
    const mirror = new TupleMirror(store, { maxTuples: 100, scanPageSize: 10 });
    const reader = await readerOf(mirror, store);
    for (const tuple of store.tuples.values())
      assert.ok((reader.readByObject(tuple.object, tuple.relation) as TupleKey[]).some((r) => r.user === tuple.user));
    assert.deepEqual(users(reader.readByObject('doc:00', 'viewer') as TupleKey[]), ['user:anne', 'user:carl']);
    assert.deepEqual(reader.readByObject('doc:01', 'viewer'), []);
    assert.deepEqual(reader.readByObject('doc:29', 'viewer'), []);
    assert.equal(mirror.stats().tuples, store.tuples.size);
  });

  test('a store that does not fit stays in the database, and is tried again later', async () => {
    let now = 0;
    const store = new FakeStore();
    store.write(Array.from({ length: 30 }, (_, i) => t(`doc:${i}`, 'viewer', 'user:anne')));
    const mirror = new TupleMirror(store, { maxTuples: 20, scanPageSize: 10, retryMs: 1000, now: () => now });
    mirror.readerAt('s', store.revision, database);
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(mirror.readerAt('s', store.revision, database), undefined);
    assert.deepEqual(mirror.stats(), { loading: 0, ready: 0, tuples: 0 });
    store.write([], [...store.tuples.values()].slice(0, 15));
    assert.equal(mirror.readerAt('s', store.revision, database), undefined, 'not before the retry time');
    now = 1000;
    assert.equal(mirror.readerAt('s', store.revision, database), undefined);
    assert.ok(await readerOf(mirror, store));
    assert.equal(mirror.stats().tuples, 15);
  });

  test('a store refused again waits twice as long each time', async () => {
    let now = 0;
    const store = new FakeStore();
    store.write(Array.from({ length: 30 }, (_, i) => t(`doc:${i}`, 'viewer', 'user:anne')));
    const mirror = new TupleMirror(store, { maxTuples: 20, scanPageSize: 10, retryMs: 1000, now: () => now });
    const settle = async () => {
      for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
    };
    mirror.readerAt('s', store.revision, database);
    await settle();
    const scansAfterFirst = store.scans;
    now = 1000; // first wait over: tried again, refused again
    mirror.readerAt('s', store.revision, database);
    mirror.readerAt('s', store.revision, database);
    await settle();
    const scansAfterSecond = store.scans;
    assert.ok(scansAfterSecond > scansAfterFirst);
    now = 2999; // the second wait is 2000 ms
    mirror.readerAt('s', store.revision, database);
    await settle();
    assert.equal(store.scans, scansAfterSecond);
    now = 3000;
    mirror.readerAt('s', store.revision, database);
    mirror.readerAt('s', store.revision, database);
    await settle();
    assert.ok(store.scans > scansAfterSecond);
  });

  test('a store that outgrows the limit through its changes leaves memory', async () => {
    const store = new FakeStore();
    store.write([t('doc:1', 'viewer', 'user:anne')]);
    const mirror = new TupleMirror(store, { maxTuples: 5 });
    await readerOf(mirror, store);
    const revision = store.write(Array.from({ length: 10 }, (_, i) => t(`doc:${i + 10}`, 'viewer', 'user:anne')));
    assert.equal(await mirror.readerAt('s', revision, database), undefined);
    assert.deepEqual(mirror.stats(), { loading: 0, ready: 0, tuples: 0 });
  });

  test('a failing load or catch-up is reported and the store is read from the database', async () => {
    const errors: string[] = [];
    const store = new FakeStore();
    store.write([t('doc:1', 'viewer', 'user:anne')]);
    store.failScan = true;
    const failing = new TupleMirror(store, { maxTuples: 100, onError: (id, error) => errors.push(`${id}: ${(error as Error).message}`) });
    assert.equal(await failing.readerAt('s', store.revision, database), undefined);
    assert.deepEqual(errors, ['s: database down']);

    store.failScan = false;
    const mirror = new TupleMirror(store, { maxTuples: 100, onError: (id, error) => errors.push(`${id}: ${(error as Error).message}`) });
    await readerOf(mirror, store);
    store.failChanges = true;
    const revision = store.write([t('doc:2', 'viewer', 'user:anne')]);
    assert.equal(await mirror.readerAt('s', revision, database), undefined);
    assert.equal(errors.length, 2);
  });

  test('concurrent reads at new revisions share one catch-up, and a dropped store is forgotten', async () => {
    const store = new FakeStore();
    store.write([t('doc:1', 'viewer', 'user:anne')]);
    const mirror = new TupleMirror(store, { maxTuples: 100 });
    await readerOf(mirror, store);
    let reads = 0;
    const changes = store.changes.bind(store);
    store.changes = async (...args) => {
      reads++;
      return changes(...args);
    };
    const revision = store.write([t('doc:1', 'viewer', 'user:bob')]);
    const readers = await Promise.all([1, 2, 3].map(() => mirror.readerAt('s', revision, database)));
    assert.ok(readers.every((reader) => reader && users(reader.readByObject('doc:1', 'viewer') as TupleKey[]).length === 2));
    assert.equal(reads, 1);
    mirror.drop('s');
    assert.deepEqual(mirror.stats(), { loading: 0, ready: 0, tuples: 0 });
  });

  test('user reads (ListObjects) go to the database', async () => {
    const store = new FakeStore();
    store.write([t('doc:1', 'viewer', 'user:anne')]);
    const mirror = new TupleMirror(store, { maxTuples: 100 });
    const fromDatabase: TupleReader = { ...database, readByUsers: async () => [t('doc:9', 'viewer', 'user:anne')] };
    const reader = (await mirror.readerAt('s', store.revision, fromDatabase)) as TupleReader;
    assert.deepEqual(await reader.readByUsers(['user:anne'], 'doc', 'viewer'), [t('doc:9', 'viewer', 'user:anne')]);
  });
});
