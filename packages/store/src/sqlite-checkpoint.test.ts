import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { test } from 'node:test';
import { openStore } from './database.ts';
import { createSqliteDatabase } from './test-databases.ts';

test('a store with background checkpoints keeps its writes and leaves an empty WAL when closed', async () => {
  const database = createSqliteDatabase();
  const path = database.url.slice('sqlite:'.length);
  try {
    const store = openStore(database.url, { backgroundCheckpoint: true });
    await store.migrate();
    await Promise.all(Array.from({ length: 500 }, (_, i) => store.replay.claim(`key-${i}`, 100, 0)));
    await new Promise((r) => setTimeout(r, 1200));
    await store.close();
    // The worker's final TRUNCATE checkpoint (or SQLite's own on the last close) empties the WAL.
    assert.ok(!existsSync(`${path}-wal`) || statSync(`${path}-wal`).size === 0);
    const reopened = openStore(database.url);
    assert.equal(await reopened.replay.claim('key-499', 100, 0), false, 'the write survived the restart');
    await reopened.close();
  } finally {
    await database.drop();
  }
});
