import type { Kysely } from 'kysely';

/**
 * Whether a user's email address is known to be theirs: released as OIDC `email_verified`
 * (false until an administrator says otherwise; accounts from before keep false).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('email_verified', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}
