import type { Kysely } from 'kysely';

/**
 * Expired access tokens are found by key range now: opaque token keys ascend with their issue
 * time (`<time36>.` + SHA-256), so housekeeping deletes the oldest range, each row still checked
 * against its expiry. The expiry index every issued token paid a page write for goes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('access_tokens_expires_at').execute();
}
