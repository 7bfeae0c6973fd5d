import type { Kysely } from 'kysely';
import { preparedQuery } from './prepared-query.ts';
import type { ApisTable, Database } from './schema.ts';
import type { ApiRecord, ApiStore } from './types.ts';

function toRecord(row: ApisTable): ApiRecord {
  return { ...row, metadata: JSON.parse(row.metadata), created_at: Number(row.created_at), updated_at: Number(row.updated_at) };
}

/** APIs (resource servers) table. */
export function apiStore(db: Kysely<Database>): ApiStore {
  const byId = preparedQuery(db as never, db.selectFrom('apis').selectAll().where('identifier', '=', ''));
  return {
    async get(identifier) {
      const { rows } = await byId([identifier]);
      return rows[0] && toRecord(rows[0]);
    },
    async list() {
      const rows = await db.selectFrom('apis').selectAll().orderBy('identifier').execute();
      return rows.map(toRecord);
    },
    async upsert(record) {
      const row = { ...record, metadata: JSON.stringify(record.metadata) };
      await db
        .insertInto('apis')
        .values(row)
        .onConflict((oc) => oc.column('identifier').doUpdateSet({ metadata: row.metadata, updated_at: row.updated_at }))
        .execute();
    },
    async delete(identifier) {
      const result = await db.deleteFrom('apis').where('identifier', '=', identifier).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}
