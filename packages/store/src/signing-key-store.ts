import type { Kysely } from 'kysely';
import type { Database, SigningKeysTable } from './schema.ts';
import type { SigningKeyRecord, SigningKeyStore } from './types.ts';

function toRecord(row: SigningKeysTable): SigningKeyRecord {
  return {
    ...row,
    public_jwk: JSON.parse(row.public_jwk),
    created_at: Number(row.created_at),
    activates_at: Number(row.activates_at),
    retired_at: row.retired_at === null ? null : Number(row.retired_at),
  };
}

/** Signing keys table. */
export function signingKeyStore(db: Kysely<Database>): SigningKeyStore {
  return {
    async list() {
      const rows = await db.selectFrom('signing_keys').selectAll().orderBy('activates_at').orderBy('kid').execute();
      return rows.map(toRecord);
    },
    async insert(record) {
      await db
        .insertInto('signing_keys')
        .values({ ...record, public_jwk: JSON.stringify(record.public_jwk) })
        .execute();
    },
    async retireCurrent(at, except) {
      const result = await db
        .updateTable('signing_keys')
        .set({ retired_at: at })
        .where('retired_at', 'is', null)
        .where('kid', '!=', except)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    async prune(before) {
      const result = await db.deleteFrom('signing_keys').where('retired_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
