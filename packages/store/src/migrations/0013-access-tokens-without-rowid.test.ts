import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { openStore, schemaMigrator } from '../database.ts';
import { testDatabaseFactories } from '../test-databases.ts';

const accessRow = (tokenHash: string, grantId: string | null, revokedAt: number | null) => ({
  token_hash: tokenHash,
  client_id: 'svc',
  subject: 'svc',
  audience: '["https://api.example.com"]',
  scope: 'read',
  claims: '{"tenant":"t1"}',
  grant_id: grantId,
  issued_at: 1,
  expires_at: 100,
  revoked_at: revokedAt,
});

for (const factory of testDatabaseFactories) {
  test(`on ${factory.label}, migration 0013 keeps every access token and its state${factory.name === 'sqlite' ? ' in a WITHOUT ROWID table' : ''}`, async () => {
    const database = await factory.create();
    const store = openStore(database.url, factory.storeOptions);
    try {
      assert.equal((await schemaMigrator(store.db).migrateTo('0012-revoked-grants')).error, undefined);
      await store.db
        .insertInto('access_tokens')
        .values([accessRow('a.live', null, null), accessRow('b.revoked', null, 7), accessRow('c.granted', 'family-1', null)])
        .execute();

      assert.deepEqual(await store.migrate(), ['0013-access-tokens-without-rowid']);

      const live = await store.accessTokens.find('a.live');
      assert.deepEqual(
        { claims: live?.claims, audience: live?.audience, revoked_at: live?.revoked_at, expires_at: live?.expires_at },
        { claims: { tenant: 't1' }, audience: ['https://api.example.com'], revoked_at: null, expires_at: 100 },
      );
      assert.equal((await store.accessTokens.find('b.revoked'))?.revoked_at, 7);
      assert.equal(await store.accessTokens.revokeGrant('family-1', 9), true);
      assert.equal((await store.accessTokens.find('c.granted'))?.revoked_at, 9, 'a grant still revokes its tokens');
      await store.accessTokens.insert({ ...accessRow('d.new', null, null), audience: ['https://api.example.com'], claims: {} });
      await assert.rejects(
        store.accessTokens.insert({ ...accessRow('d.new', null, null), audience: [], claims: {} }),
        'the token key is still unique',
      );
      assert.equal((await store.accessTokens.find('d.new'))?.client_id, 'svc');

      if (factory.name === 'sqlite') {
        const { rows } = await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = 'access_tokens'`.execute(
          store.db,
        );
        assert.match(rows[0]?.sql ?? '', /without rowid$/i);
        const leftovers = await sql<{ n: number }>`select count(*) as n from sqlite_master where name like '%with_rowid%'`.execute(
          store.db,
        );
        assert.equal(Number(leftovers.rows[0]?.n), 0, 'the old table is gone');
      }
    } finally {
      await store.close();
      await database.drop();
    }
  });
}
