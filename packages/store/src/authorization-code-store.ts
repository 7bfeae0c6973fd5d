import type { Kysely } from 'kysely';
import type { AuthorizationCodesTable, InteractionsTable } from './people-schema.ts';
import type { AuthorizationCodeRecord, AuthorizationCodeStore, InteractionRecord, InteractionStore } from './people-types.ts';
import type { Database } from './schema.ts';

function toInteraction(row: InteractionsTable): InteractionRecord {
  return { ...row, request: JSON.parse(row.request), created_at: Number(row.created_at), expires_at: Number(row.expires_at) };
}

/** Pending authorization requests. */
export function interactionStore(db: Kysely<Database>): InteractionStore {
  return {
    async insert(record) {
      await db
        .insertInto('interactions')
        .values({ ...record, request: JSON.stringify(record.request) })
        .execute();
    },
    async find(interactionId) {
      const row = await db.selectFrom('interactions').selectAll().where('interaction_id', '=', interactionId).executeTakeFirst();
      return row && toInteraction(row);
    },
    async delete(interactionId) {
      await db.deleteFrom('interactions').where('interaction_id', '=', interactionId).execute();
    },
  };
}

function toCode(row: AuthorizationCodesTable): AuthorizationCodeRecord {
  return {
    ...row,
    amr: JSON.parse(row.amr),
    auth_time: Number(row.auth_time),
    expires_at: Number(row.expires_at),
    consumed_at: row.consumed_at === null ? null : Number(row.consumed_at),
  };
}

/** Authorization codes: single use decided by one conditional UPDATE, so across processes too. */
export function authorizationCodeStore(db: Kysely<Database>): AuthorizationCodeStore {
  return {
    async insert(record) {
      await db
        .insertInto('authorization_codes')
        .values({ ...record, amr: JSON.stringify(record.amr) })
        .execute();
    },
    async consume(codeHash, at) {
      const result = await db
        .updateTable('authorization_codes')
        .set({ consumed_at: at })
        .where('code_hash', '=', codeHash)
        .where('consumed_at', 'is', null)
        .executeTakeFirst();
      const row = await db.selectFrom('authorization_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
      if (!row) return undefined;
      return { outcome: result.numUpdatedRows > 0n ? 'consumed' : 'replayed', record: toCode(row) };
    },
  };
}
