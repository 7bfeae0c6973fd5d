import type { Kysely } from 'kysely';
import type { FgaModelsTable } from './authz-schema.ts';
import type { AuthorizationModelRecord, AuthorizationModelStore } from './authz-types.ts';
import { decodeCursor, encodeCursor, isStringArray } from './fga-cursor.ts';
import { preparedQuery } from './prepared-query.ts';
import type { Database } from './schema.ts';

function toRecord(row: FgaModelsTable): AuthorizationModelRecord {
  const model = JSON.parse(row.model) as { type_definitions: unknown[]; conditions?: Record<string, unknown> };
  return {
    id: row.id,
    store_id: row.store_id,
    schema_version: row.schema_version,
    type_definitions: model.type_definitions,
    conditions: model.conditions ?? {},
    created_at: Number(row.created_at),
  };
}

/** Authorization models: immutable, one row per version, ids are ULIDs so id order is age order. */
export function authorizationModelStore(db: Kysely<Database>): AuthorizationModelStore {
  const byId = preparedQuery(db as never, db.selectFrom('fga_models').selectAll().where('store_id', '=', '').where('id', '=', ''));
  const latest = preparedQuery(
    db as never,
    db.selectFrom('fga_models').selectAll().where('store_id', '=', '').orderBy('id', 'desc').limit(1),
  );
  return {
    async insert(record) {
      await db
        .insertInto('fga_models')
        .values({
          store_id: record.store_id,
          id: record.id,
          schema_version: record.schema_version,
          model: JSON.stringify({ type_definitions: record.type_definitions, conditions: record.conditions }),
          created_at: record.created_at,
        })
        .execute();
    },
    async get(storeId, id) {
      const { rows } = await byId([storeId, id]);
      return rows[0] && toRecord(rows[0]);
    },
    async latest(storeId) {
      const { rows } = await latest([storeId, 1]);
      return rows[0] && toRecord(rows[0]);
    },
    async list(storeId, { pageSize, after }) {
      let query = db
        .selectFrom('fga_models')
        .selectAll()
        .where('store_id', '=', storeId)
        .orderBy('id', 'desc')
        .limit(pageSize + 1);
      if (after) query = query.where('id', '<', decodeCursor(after, isStringArray(1))[0] as string);
      const rows = await query.execute();
      const items = rows.slice(0, pageSize).map(toRecord);
      const last = items[items.length - 1];
      return rows.length > pageSize && last ? { items, next: encodeCursor([last.id]) } : { items };
    },
  };
}
