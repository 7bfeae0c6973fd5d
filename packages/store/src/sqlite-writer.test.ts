import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, test } from 'node:test';
import { type Generated, Kysely, sql } from 'kysely';
import { openStore } from './database.ts';
import { type NodeSqliteOptions, nodeSqliteDialect } from './sqlite-dialect.ts';
import { createSqliteDatabase, type TestDatabase } from './test-databases.ts';

interface Schema {
  items: { id: Generated<number>; name: string };
}

type SqliteError = Error & { code: unknown; errcode: unknown; errstr: unknown };

let database: TestDatabase;
let path: string;
const opened: Array<Kysely<Schema>> = [];

beforeEach(() => {
  database = createSqliteDatabase();
  path = database.url.slice('sqlite:'.length);
  const setup = new DatabaseSync(path);
  setup.exec('create table items (id integer primary key, name text not null unique)');
  setup.close();
});

afterEach(async () => {
  for (const db of opened.splice(0)) await db.destroy();
  await database.drop();
});

function open(options: NodeSqliteOptions = { writerThread: true }): Kysely<Schema> {
  const db = new Kysely<Schema>({ dialect: nodeSqliteDialect(path, options) });
  opened.push(db);
  return db;
}

const insert = (db: Kysely<Schema>, name: string) => db.insertInto('items').values({ name }).executeTakeFirstOrThrow();
const names = async (db: Kysely<Schema>) => (await db.selectFrom('items').select('name').orderBy('id').execute()).map((r) => r.name);
// total_changes() counts the rows changed by the connection that runs it: the main thread's.
const changedHere = async (db: Kysely<Schema>) => (await sql<{ n: number }>`select total_changes() as n`.execute(db)).rows[0]?.n;

/** A module for `writerThreadModule`, as a data: URL. */
const workerModule = (source: string) => new URL(`data:text/javascript,${encodeURIComponent(source)}`);

/** The real writer thread, with each COMMIT held back `ms`: its batches stay in flight that long. */
const slowWriter = (ms: number) =>
  workerModule(`
    import { DatabaseSync } from 'node:sqlite';
    const exec = DatabaseSync.prototype.exec;
    DatabaseSync.prototype.exec = function (sql) {
      if (sql === 'COMMIT') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${ms});
      return exec.call(this, sql);
    };
    await import(${JSON.stringify(new URL('./sqlite-writer-worker.ts', import.meta.url).href)});
  `);

test('grouped writes committed by the writer thread are visible to reads once they resolve', async () => {
  const db = open();
  const results = await Promise.all(Array.from({ length: 50 }, (_, i) => insert(db, `item-${i}`)));
  assert.deepEqual(
    results.map((r) => r.numInsertedOrUpdatedRows),
    results.map(() => 1n),
  );
  assert.equal(new Set(results.map((r) => r.insertId)).size, 50, 'each write gets its own insertId');
  assert.equal((await names(db)).length, 50);
  assert.equal(await changedHere(db), 0, 'the rows were written by the other connection');
  const updated = await db.updateTable('items').set({ name: 'renamed' }).where('name', '=', 'item-0').executeTakeFirstOrThrow();
  assert.equal(updated.numUpdatedRows, 1n);
  assert.ok((await names(db)).includes('renamed'));
});

test('concurrent writes share one commit (Kysely does not serialise them)', async (t) => {
  const db = open({});
  await names(db);
  const exec = DatabaseSync.prototype.exec;
  let commits = 0;
  t.mock.method(DatabaseSync.prototype, 'exec', function (this: DatabaseSync, sql: string) {
    if (sql === 'COMMIT') commits++;
    return exec.call(this, sql);
  });
  await Promise.all(Array.from({ length: 20 }, (_, i) => insert(db, `item-${i}`)));
  t.mock.restoreAll();
  assert.equal(commits, 1);
  assert.equal((await names(db)).length, 20);
});

test('a constraint failure fails only its own write, with the properties of a node:sqlite error', async () => {
  const db = open();
  await insert(db, 'taken');
  const outcomes = await Promise.allSettled([insert(db, 'a'), insert(db, 'taken'), insert(db, 'b')]);
  assert.deepEqual(
    outcomes.map((o) => o.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  const error = (outcomes[1] as PromiseRejectedResult).reason as SqliteError;
  assert.ok(error instanceof Error);
  assert.match(error.message, /UNIQUE constraint failed: items\.name/);
  assert.equal(error.code, 'ERR_SQLITE_ERROR');
  assert.equal(error.errcode, 2067); // SQLITE_CONSTRAINT_UNIQUE
  assert.equal(error.errstr, 'constraint failed');
  assert.deepEqual(await names(db), ['taken', 'a', 'b']);
});

test("a parameter that cannot cross to the writer thread gets node:sqlite's own answer", async () => {
  const db = open();
  const outcomes = await Promise.allSettled([
    insert(db, 'a'),
    sql`insert into items (name) values (${Symbol('not bindable')})`.execute(db),
  ]);
  assert.equal(outcomes[0]?.status, 'fulfilled');
  assert.equal(((outcomes[1] as PromiseRejectedResult).reason as SqliteError).code, 'ERR_INVALID_ARG_TYPE');
  await insert(db, 'b');
  assert.deepEqual(await names(db), ['a', 'b']);
});

test('a write with RETURNING goes through the batch and returns its rows', async () => {
  const db = open();
  const row = await db.insertInto('items').values({ name: 'x' }).returning(['id', 'name']).executeTakeFirstOrThrow();
  assert.deepEqual(row, { id: 1, name: 'x' });
  assert.equal(await changedHere(db), 0);
});

test('a transaction started while a batch is in flight waits for it and sees its rows', async () => {
  const db = open({ writerThread: true, writerThreadModule: slowWriter(100) });
  await names(db);
  const events: string[] = [];
  const inFlight = Array.from({ length: 20 }, (_, i) => insert(db, `before-${i}`).then(() => events.push('write')));
  // Two turns: the batch is sent at the end of the first, and its COMMIT takes 100 ms.
  for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve));
  const queued = insert(db, 'queued');
  const seen = await db.transaction().execute(async (trx) => {
    events.push('transaction');
    const count = await trx
      .selectFrom('items')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    await trx.insertInto('items').values({ name: 'inside' }).execute();
    return count.n;
  });
  await Promise.all([...inFlight, queued]);
  assert.equal(seen, 21, 'the batch in flight and the write queued behind it committed first');
  assert.deepEqual(events, [...Array.from({ length: 20 }, () => 'write'), 'transaction']);
  assert.equal((await names(db)).at(-1), 'inside');
  assert.equal(await changedHere(db), 1, 'only the transaction ran on this connection');
});

test('writes issued during a transaction are committed after it', async () => {
  const db = open();
  let outside: Promise<unknown> | undefined;
  let answered = false;
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('items').values({ name: 'inside' }).execute();
    outside = insert(db, 'outside').then(() => {
      answered = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(answered, false, 'held back while the transaction is open');
    await trx.insertInto('items').values({ name: 'inside-2' }).execute();
  });
  await outside;
  assert.deepEqual(await names(db), ['inside', 'inside-2', 'outside']);
  assert.equal(await changedHere(db), 2, 'the transaction ran here, the later write on the writer thread');
});

test('destroy answers the pending writes before the writer thread stops', async () => {
  const db = open({ writerThread: true, writerThreadModule: slowWriter(50) });
  opened.pop();
  await names(db);
  const first = Array.from({ length: 10 }, (_, i) => insert(db, `first-${i}`));
  for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve));
  // The first batch is in flight; these are queued behind it when destroy() is called.
  const second = Array.from({ length: 10 }, (_, i) => insert(db, `second-${i}`));
  await db.destroy();
  const outcomes = await Promise.allSettled([...first, ...second]);
  assert.deepEqual(
    outcomes.filter((o) => o.status === 'rejected'),
    [],
  );
  const reopened = open({});
  assert.equal((await names(reopened)).length, 20);
});

test('the writer thread checkpoints and leaves an empty WAL when the store is closed', async () => {
  const store = openStore(database.url, { writerThread: true });
  await store.migrate();
  await Promise.all(Array.from({ length: 500 }, (_, i) => store.replay.claim(`key-${i}`, 100, 0)));
  await new Promise((resolve) => setTimeout(resolve, 1200));
  await store.close();
  // The writer thread's final TRUNCATE checkpoint (or SQLite's own on the last close) empties the WAL.
  assert.ok(!existsSync(`${path}-wal`) || statSync(`${path}-wal`).size === 0);
  const reopened = openStore(database.url);
  assert.equal(await reopened.replay.claim('key-499', 100, 0), false, 'the write survived the restart');
  await reopened.close();
});

test('when the writer thread cannot start, writes run on the main connection', async () => {
  const db = open({ writerThread: true, writerThreadModule: workerModule("throw new Error('no writer')") });
  await Promise.all([insert(db, 'a'), insert(db, 'b')]);
  assert.deepEqual(await names(db), ['a', 'b']);
  assert.equal(await changedHere(db), 2);
});

test('when the writer thread dies mid-batch, that batch is rejected as uncertain and later writes run here', async () => {
  const dies = workerModule(`
    import { parentPort } from 'node:worker_threads';
    parentPort.on('message', () => process.exit(1));
    parentPort.postMessage('ready');
  `);
  const db = open({ writerThread: true, writerThreadModule: dies });
  const lost = await Promise.allSettled([insert(db, 'a')]);
  assert.equal(lost[0]?.status, 'rejected');
  assert.equal((lost[0] as PromiseRejectedResult).reason.code, 'ERR_SQLITE_WRITER_LOST');
  await insert(db, 'b');
  assert.deepEqual(await names(db), ['b']);
});
