import type { Kysely } from 'kysely';
import type { FgaStoreRecord, FgaStoreStore } from './authz-types.ts';
import { decodeCursor, encodeCursor, isStringArray } from './fga-cursor.ts';
import { preparedQuery } from './prepared-query.ts';
import type { Database } from './schema.ts';

type Row = { id: string; name: string; created_at: number; updated_at: number; deleted_at: number | null; revision: number };

const toRecord = (row: Row): FgaStoreRecord => ({
  id: row.id,
  name: row.name,
  created_at: Number(row.created_at),
  updated_at: Number(row.updated_at),
  deleted_at: row.deleted_at === null ? null : Number(row.deleted_at),
  revision: Number(row.revision),
});

const columns = ['id', 'name', 'created_at', 'updated_at', 'deleted_at', 'revision'] as const;

/** Permission stores (OpenFGA's tenants); deletion is soft so ids are never reused. */
export function fgaStoreStore(db: Kysely<Database>): FgaStoreStore {
  const byId = preparedQuery(db as never, db.selectFrom('fga_stores').select(columns).where('id', '=', '').where('deleted_at', 'is', null));
  return {
    async create(record) {
      const row = { ...record, updated_at: record.created_at, deleted_at: null, revision: 0 };
      await db.insertInto('fga_stores').values(row).execute();
      return toRecord(row);
    },
    async get(id) {
      const { rows } = await byId([id]);
      return rows[0] && toRecord(rows[0] as Row);
    },
    async list({ pageSize, after, name }) {
      let query = db
        .selectFrom('fga_stores')
        .select(columns)
        .where('deleted_at', 'is', null)
        .orderBy('id')
        .limit(pageSize + 1);
      if (after) query = query.where('id', '>', decodeCursor(after, isStringArray(1))[0] as string);
      if (name) query = query.where('name', '=', name);
      const rows = await query.execute();
      const items = rows.slice(0, pageSize).map(toRecord);
      const last = items[items.length - 1];
      return rows.length > pageSize && last ? { items, next: encodeCursor([last.id]) } : { items };
    },
    async delete(id, at) {
      const result = await db
        .updateTable('fga_stores')
        .set({ deleted_at: at, updated_at: at })
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}
