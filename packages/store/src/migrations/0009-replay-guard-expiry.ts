import type { Kysely } from 'kysely';

/**
 * Replay markers by expiry, for the housekeeping sweep: their keys are the clients' own `jti`
 * values, in no useful order, so without this index each sweep would read the whole table. Only
 * `private_key_jwt` authentications write markers.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('replay_guard_expires_at').on('replay_guard').column('expires_at').execute();
}
