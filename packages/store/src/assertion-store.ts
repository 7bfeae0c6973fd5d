import type { Kysely } from 'kysely';
import type { AssertionStore } from './authz-types.ts';
import type { Database } from './schema.ts';

/** Assertions (expected check results) kept beside each authorization model. */
export function assertionStore(db: Kysely<Database>): AssertionStore {
  return {
    async get(storeId, modelId) {
      const row = await db
        .selectFrom('fga_assertions')
        .select('assertions')
        .where('store_id', '=', storeId)
        .where('model_id', '=', modelId)
        .executeTakeFirst();
      return row ? (JSON.parse(row.assertions) as unknown[]) : undefined;
    },
    async put(storeId, modelId, assertions) {
      const value = JSON.stringify(assertions);
      await db
        .insertInto('fga_assertions')
        .values({ store_id: storeId, model_id: modelId, assertions: value })
        .onConflict((oc) => oc.columns(['store_id', 'model_id']).doUpdateSet({ assertions: value }))
        .execute();
    },
  };
}
