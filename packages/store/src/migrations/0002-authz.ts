import type { Kysely } from 'kysely';

/** Permission stores, authorization models, relationship tuples, their changelog and assertions. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('fga_stores')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint')
    .addColumn('revision', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('fga_models')
    .addColumn('store_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('schema_version', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('fga_models_pk', ['store_id', 'id'])
    .execute();
  // The primary key serves object + relation → users; the second index user → objects.
  await db.schema
    .createTable('fga_tuples')
    .addColumn('store_id', 'text', (c) => c.notNull())
    .addColumn('object_type', 'text', (c) => c.notNull())
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('relation', 'text', (c) => c.notNull())
    .addColumn('user_type', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('user_relation', 'text', (c) => c.notNull())
    .addColumn('condition_name', 'text')
    .addColumn('condition_context', 'text')
    .addColumn('revision', 'bigint', (c) => c.notNull())
    .addColumn('inserted_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('fga_tuples_pk', ['store_id', 'object_type', 'object_id', 'relation', 'user_type', 'user_id', 'user_relation'])
    .execute();
  await db.schema
    .createIndex('fga_tuples_user')
    .on('fga_tuples')
    .columns(['store_id', 'user_type', 'user_id', 'user_relation', 'object_type', 'relation'])
    .execute();
  await db.schema
    .createTable('fga_changelog')
    .addColumn('store_id', 'text', (c) => c.notNull())
    .addColumn('revision', 'bigint', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('object_type', 'text', (c) => c.notNull())
    .addColumn('object', 'text', (c) => c.notNull())
    .addColumn('relation', 'text', (c) => c.notNull())
    .addColumn('user', 'text', (c) => c.notNull())
    .addColumn('condition_name', 'text')
    .addColumn('condition_context', 'text')
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('fga_changelog_pk', ['store_id', 'revision', 'seq'])
    .execute();
  await db.schema
    .createTable('fga_assertions')
    .addColumn('store_id', 'text', (c) => c.notNull())
    .addColumn('model_id', 'text', (c) => c.notNull())
    .addColumn('assertions', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('fga_assertions_pk', ['store_id', 'model_id'])
    .execute();
}
