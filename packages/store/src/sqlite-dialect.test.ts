import assert from 'node:assert/strict';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, type TestContext, test } from 'node:test';
import { type Generated, Kysely, sql } from 'kysely';
import { openStore } from './database.ts';
import { type NodeSqliteOptions, nodeSqliteDialect } from './sqlite-dialect.ts';
import { createSqliteDatabase, type TestDatabase } from './test-databases.ts';
import { inTurnBatch } from './turn-batch.ts';

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

function open(options: NodeSqliteOptions = { checkpointThread: true }): Kysely<Schema> {
  const db = new Kysely<Schema>({ dialect: nodeSqliteDialect(path, options) });
  opened.push(db);
  return db;
}

const insert = (db: Kysely<Schema>, name: string) => db.insertInto('items').values({ name }).executeTakeFirstOrThrow();
const names = async (db: Kysely<Schema>) => (await db.selectFrom('items').select('name').orderBy('id').execute()).map((r) => r.name);

/** Counts the COMMITs run from here on. */
function countCommits(t: TestContext): () => number {
  const exec = DatabaseSync.prototype.exec;
  let commits = 0;
  t.mock.method(DatabaseSync.prototype, 'exec', function (this: DatabaseSync, sql: string) {
    if (sql === 'COMMIT') commits++;
    return exec.call(this, sql);
  });
  return () => commits;
}

test('concurrent writes share one commit (Kysely does not serialise them)', async (t) => {
  const db = open();
  await names(db);
  const commits = countCommits(t);
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => insert(db, `item-${i}`)));
  t.mock.restoreAll();
  assert.equal(commits(), 1);
  assert.deepEqual(
    results.map((r) => r.numInsertedOrUpdatedRows),
    results.map(() => 1n),
  );
  assert.equal(new Set(results.map((r) => r.insertId)).size, 20, 'each write gets its own insertId');
  assert.equal((await names(db)).length, 20);
});

test('the commit waits for the requests already waiting to run, and takes in their writes', async (t) => {
  const dialect = nodeSqliteDialect(path, { checkpointThread: true });
  const db = new Kysely<Schema>({ dialect });
  opened.push(db);
  await names(db);
  const commits = countCommits(t);
  // A write queued now, then a batch of requests that arrived before the commit's turn came.
  const first = dialect.direct(db.insertInto('items').values({ name: 'first' }).compile());
  assert.ok(first, 'the driver is open');
  const batch = inTurnBatch(async () => {
    await Promise.resolve();
    return insert(db, 'from the waiting batch');
  });
  await Promise.all([first, batch]);
  t.mock.restoreAll();
  assert.equal(commits(), 1);
  assert.deepEqual(await names(db), ['first', 'from the waiting batch']);
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

test("a parameter node:sqlite cannot bind fails its own write with node:sqlite's error", async () => {
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
  assert.deepEqual({ ...row }, { id: 1, name: 'x' });
});

test('writes queued when a transaction begins are committed before it and seen by it', async () => {
  const db = open();
  await names(db);
  const queued = Array.from({ length: 5 }, (_, i) => insert(db, `before-${i}`));
  const seen = await db.transaction().execute(async (trx) => {
    const count = await trx
      .selectFrom('items')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    await trx.insertInto('items').values({ name: 'inside' }).execute();
    return count.n;
  });
  await Promise.all(queued);
  assert.equal(seen, 5);
  assert.equal((await names(db)).at(-1), 'inside');
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
});

test('destroy answers the writes issued just before it', async () => {
  const db = open();
  opened.pop();
  await names(db);
  const pending = Array.from({ length: 10 }, (_, i) => insert(db, `item-${i}`));
  await db.destroy();
  const outcomes = await Promise.allSettled(pending);
  assert.deepEqual(
    outcomes.filter((o) => o.status === 'rejected'),
    [],
  );
  const reopened = open({});
  assert.equal((await names(reopened)).length, 10);
});

test('commits leave checkpoints to the checkpoint thread, which empties the WAL when the store closes', async (t) => {
  const store = openStore(database.url, { checkpointThread: true });
  await store.migrate();
  const exec = DatabaseSync.prototype.exec;
  const here: string[] = [];
  t.mock.method(DatabaseSync.prototype, 'exec', function (this: DatabaseSync, sql: string) {
    if (/checkpoint/i.test(sql)) here.push(sql);
    return exec.call(this, sql);
  });
  await Promise.all(Array.from({ length: 500 }, (_, i) => store.replay.claim(`key-${i}`, 100, 0)));
  await new Promise((resolve) => setTimeout(resolve, 1200));
  t.mock.restoreAll();
  assert.deepEqual(here, [], 'no checkpoint ran on the serving thread');
  await store.close();
  // The thread's final TRUNCATE checkpoint (or SQLite's own on the last close) empties the WAL.
  assert.ok(!existsSync(`${path}-wal`) || statSync(`${path}-wal`).size === 0);
  const reopened = openStore(database.url);
  assert.equal(await reopened.replay.claim('key-499', 100, 0), false, 'the write survived the restart');
  await reopened.close();
});

/** The WAL header's checkpoint sequence number, which SQLite increments each time the WAL starts over. */
function walRestarts(): number {
  const header = Buffer.alloc(16);
  const fd = openSync(`${path}-wal`, 'r');
  try {
    readSync(fd, header, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  return header.readUInt32BE(12);
}

test('under writes that never pause, the WAL starts over instead of growing', async () => {
  const db = open({ checkpointThread: true, checkpointIntervalMs: 100, walRestartFrames: 64 });
  await names(db);
  const pad = 'x'.repeat(200);
  let rows = 0;
  // One commit every turn, so that one lands during every checkpoint pass. Without the restart
  // the WAL only grows (measured: no restart in 5 s and 640 MB); the time and size bounds end
  // such a run, they measure nothing.
  await insert(db, `${rows++}-${pad}`);
  const first = walRestarts();
  const restarts = () => walRestarts() - first;
  const deadline = performance.now() + 10_000;
  let round = 0;
  while (restarts() < 3 && performance.now() < deadline && statSync(`${path}-wal`).size < 128 * 2 ** 20) {
    const writes = Array.from({ length: 5 }, () => insert(db, `${rows++}-${pad}`));
    // Transactions and reads meet the holds too: a transaction open when one is asked for, one
    // beginning during it, reads answered while commits wait.
    if (round++ % 10 === 0) {
      const name = `${rows++}-in-transaction`;
      writes.push(db.transaction().execute((trx) => insert(trx, name)));
    }
    const read = db
      .selectFrom('items')
      .select('id')
      .where('name', '=', `${rows - 1}-${pad}`)
      .execute();
    await Promise.all([...writes, read]);
  }
  assert.ok(restarts() >= 3, `the WAL started over ${restarts()} times and is ${statSync(`${path}-wal`).size} bytes`);
  const { n } = await db
    .selectFrom('items')
    .select((e) => e.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  assert.equal(n, rows, 'every write was committed');
});
