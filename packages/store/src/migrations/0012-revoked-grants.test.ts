import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { openStore, schemaMigrator } from '../database.ts';
import { testDatabaseFactories } from '../test-databases.ts';

const accessRow = (tokenHash: string, revokedAt: number | null) => ({
  token_hash: tokenHash,
  client_id: 'spa',
  subject: 'u1',
  audience: '["https://api.example.com"]',
  scope: 'read',
  claims: '{}',
  grant_id: 'family-1',
  issued_at: 1,
  expires_at: 2,
  revoked_at: revokedAt,
});

for (const factory of testDatabaseFactories) {
  test(`on ${factory.label}, migration 0012 gives revoked grants a table, drops the grant index and keeps each token's state`, async () => {
    const database = await factory.create();
    const store = openStore(database.url, factory.storeOptions);
    try {
      const migrator = schemaMigrator(store.db);
      assert.equal((await migrator.migrateTo('0011-user-email-verified')).error, undefined);
      await store.db
        .insertInto('access_tokens')
        .values([accessRow('live', null), accessRow('revoked', 5)])
        .execute();

      const { error, results } = await migrator.migrateTo('0012-revoked-grants');
      assert.equal(error, undefined);
      assert.deepEqual(
        results?.map((r) => r.migrationName),
        ['0012-revoked-grants'],
      );

      assert.equal((await store.accessTokens.find('live'))?.revoked_at, null);
      assert.equal((await store.accessTokens.find('revoked'))?.revoked_at, 5, 'a token revoked with its grant before stays revoked');
      assert.equal(await store.accessTokens.revokeGrant('family-1', 9), true);
      assert.equal((await store.accessTokens.find('live'))?.revoked_at, 9);
      const indexes =
        factory.name === 'sqlite'
          ? sql<{
              n: number;
            }>`select count(*) as n from sqlite_master where type = 'index' and tbl_name = 'access_tokens' and sql is not null`
          : sql<{
              n: number;
            }>`select count(*) as n from pg_indexes where tablename = 'access_tokens' and indexname <> 'access_tokens_pkey'`;
      assert.equal(Number((await indexes.execute(store.db)).rows[0]?.n), 0, 'no index on access tokens besides their key');
    } finally {
      await store.close();
      await database.drop();
    }
  });
}
