import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { openStore, schemaMigrator } from '../database.ts';
import { createSqliteDatabase } from '../test-databases.ts';
import { migrations } from './index.ts';

const refreshRow = {
  token_hash: 'k1',
  family_id: 'f1',
  grant_id: 'g1',
  client_id: 'spa',
  user_id: 'u1',
  scope: 'offline_access',
  resource: null,
  auth_time: 1,
  acr: 'urn:portcullis:loa:1',
  amr: '["pwd"]',
  issued_at: 1,
  expires_at: 2,
  family_expires_at: 3,
  rotated_at: null,
  revoked_at: null,
};

/** A users row for the account named anne, under `userId`, as the table was before 0011 (typed loosely for that). */
const anne = (userId: string) =>
  ({
    user_id: userId,
    username: 'anne',
    email: null,
    name: null,
    password_hash: null,
    roles: '[]',
    groups: '[]',
    disabled: 0,
    created_at: 1,
    updated_at: 1,
  }) as never;

test('on SQLite, migration 0008 rebuilds the people key tables without rowids and keeps their rows and indexes', async () => {
  const database = createSqliteDatabase();
  const store = openStore(database.url);
  try {
    const migrator = schemaMigrator(store.db);
    const before = await migrator.migrateTo('0007-fga-conditioned-tuples');
    assert.equal(before.error, undefined);
    await store.db.insertInto('refresh_tokens').values(refreshRow).execute();
    await store.db.insertInto('users').values(anne('u1')).execute();

    // 0008 and every later migration run, in order.
    const names = Object.keys(migrations);
    assert.deepEqual(await store.migrate(), names.slice(names.indexOf('0008-people-live-token-indexes')));

    const tables = await sql<{ name: string; sql: string }>`select name, sql from sqlite_master where type = 'table'`.execute(store.db);
    for (const name of ['refresh_tokens', 'sessions', 'authorization_codes', 'users']) {
      const create = tables.rows.find((t) => t.name === name)?.sql ?? '';
      assert.match(create, /without rowid$/, name);
    }
    assert.ok(!tables.rows.some((t) => t.name.endsWith('_with_rowid')), 'no table is left behind');
    const indexes = await sql<{ name: string; sql: string }>`
      select name, sql from sqlite_master where type = 'index' and tbl_name = 'refresh_tokens' and sql is not null`.execute(store.db);
    assert.deepEqual(indexes.rows.map((i) => i.name).sort(), ['refresh_tokens_family', 'refresh_tokens_grant']);
    for (const index of indexes.rows) assert.match(index.sql, /where rotated_at is null and revoked_at is null$/);

    assert.deepEqual(await store.people.refreshTokens.find('k1'), { ...refreshRow, amr: ['pwd'] });
    assert.equal((await store.people.users.get('u1'))?.username, 'anne');
    await assert.rejects(store.db.insertInto('users').values(anne('u2')).execute(), 'usernames stay unique');
  } finally {
    await store.close();
    await database.drop();
  }
});
