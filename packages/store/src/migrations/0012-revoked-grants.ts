import { type Kysely, SqliteAdapter, sql } from 'kysely';

/**
 * Opaque access tokens issued under a grant (a refresh-token family) are revoked with it through
 * one row per revoked grant, read with the token, instead of an index of every token by its
 * grant. Each issued token used to add an entry to that index at its grant's place, a random page
 * (measured on SQLite, 8 tokens a commit over 32 grants: 23–27 µs and 7.7 KB of WAL per insert
 * with the index, 15–18 µs and 2.4 KB without); withdrawing a grant now writes one row, whatever
 * number of tokens it had. Tokens revoked before this migration keep their own `revoked_at`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  await db.schema
    .createTable('revoked_grants')
    .addColumn('grant_id', 'text', (c) => c.primaryKey())
    .addColumn('revoked_at', 'bigint', (c) => c.notNull())
    // Small rows read by key: on SQLite one B-tree (the key's) instead of two.
    .$call((table) => (sqlite ? table.modifyEnd(sql`without rowid`) : table))
    .execute();
  await db.schema.dropIndex('access_tokens_grant_id').execute();
}
