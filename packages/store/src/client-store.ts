import type { Kysely } from 'kysely';
import { preparedQuery } from './prepared-query.ts';
import type { ClientsTable, Database } from './schema.ts';
import type { ClientRecord, ClientStore } from './types.ts';

function toRecord(row: ClientsTable): ClientRecord {
  return { ...row, metadata: JSON.parse(row.metadata), created_at: Number(row.created_at), updated_at: Number(row.updated_at) };
}

/** Clients table, shared by both dialects. */
export function clientStore(db: Kysely<Database>): ClientStore {
  const byId = preparedQuery(db as never, db.selectFrom('clients').selectAll().where('client_id', '=', ''));
  return {
    async get(clientId) {
      const { rows } = await byId([clientId]);
      return rows[0] && toRecord(rows[0]);
    },
    async list() {
      const rows = await db.selectFrom('clients').selectAll().orderBy('client_id').execute();
      return rows.map(toRecord);
    },
    async upsert(record) {
      const row = { ...record, metadata: JSON.stringify(record.metadata) };
      await db
        .insertInto('clients')
        .values(row)
        .onConflict((oc) =>
          oc.column('client_id').doUpdateSet({
            client_secret_hash: row.client_secret_hash,
            metadata: row.metadata,
            updated_at: row.updated_at,
          }),
        )
        .execute();
    },
    async delete(clientId) {
      const result = await db.deleteFrom('clients').where('client_id', '=', clientId).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}
