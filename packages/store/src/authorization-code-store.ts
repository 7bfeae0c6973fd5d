import type { Kysely } from 'kysely';
import { deleteExpiredBelow } from './expired-rows.ts';
import type { AuthorizationCodesTable, InteractionsTable } from './people-schema.ts';
import type { AuthorizationCodeRecord, AuthorizationCodeStore, InteractionRecord, InteractionStore } from './people-types.ts';
import { preparedQuery } from './prepared-query.ts';
import type { Database } from './schema.ts';

function toInteraction(row: InteractionsTable): InteractionRecord {
  return { ...row, request: JSON.parse(row.request), created_at: Number(row.created_at), expires_at: Number(row.expires_at) };
}

const interactionColumns = ['interaction_id', 'request', 'created_at', 'expires_at'] as const satisfies ReadonlyArray<
  keyof InteractionsTable
>;

/** Pending authorization requests. */
export function interactionStore(db: Kysely<Database>): InteractionStore {
  // Every sign-in inserts, reads and deletes one: the statements are compiled once (prepared-query.ts).
  const template = Object.fromEntries(interactionColumns.map((c) => [c, null])) as unknown as InteractionsTable;
  const insert = preparedQuery(db as never, db.insertInto('interactions').values(template));
  const find = preparedQuery(db as never, db.selectFrom('interactions').selectAll().where('interaction_id', '=', ''));
  const remove = preparedQuery(db as never, db.deleteFrom('interactions').where('interaction_id', '=', ''));
  return {
    async insert(record) {
      const row: InteractionsTable = { ...record, request: JSON.stringify(record.request) };
      await insert(interactionColumns.map((c) => row[c]));
    },
    async find(interactionId) {
      const { rows } = await find([interactionId]);
      return rows[0] && toInteraction(rows[0]);
    },
    async delete(interactionId) {
      return (await remove([interactionId])).affected > 0;
    },
    deleteExpired: (now, keyBelow) => deleteExpiredBelow(db as never, 'interactions', now, keyBelow),
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

const codeColumns = [
  'code_hash',
  'client_id',
  'user_id',
  'grant_id',
  'redirect_uri',
  'code_challenge',
  'scope',
  'resource',
  'nonce',
  'auth_time',
  'acr',
  'amr',
  'session_hash',
  'family_id',
  'expires_at',
  'consumed_at',
] as const satisfies ReadonlyArray<keyof AuthorizationCodesTable>;

/** Authorization codes: single use decided by one conditional UPDATE, so across processes too. */
export function authorizationCodeStore(db: Kysely<Database>): AuthorizationCodeStore {
  const template = Object.fromEntries(codeColumns.map((c) => [c, null])) as unknown as AuthorizationCodesTable;
  const insert = preparedQuery(db as never, db.insertInto('authorization_codes').values(template));
  // The winner gets the record from its UPDATE; only a replay (or an unknown code) reads it apart.
  const consume = preparedQuery(
    db as never,
    db
      .updateTable('authorization_codes')
      .set({ consumed_at: 0 })
      .where('code_hash', '=', '')
      .where('consumed_at', 'is', null)
      .returningAll(),
  );
  const find = preparedQuery(db as never, db.selectFrom('authorization_codes').selectAll().where('code_hash', '=', ''));
  return {
    async insert(record) {
      const row: AuthorizationCodesTable = { ...record, amr: JSON.stringify(record.amr) };
      await insert(codeColumns.map((c) => row[c]));
    },
    async consume(codeHash, at) {
      const consumed = (await consume([at, codeHash])).rows[0];
      if (consumed) return { outcome: 'consumed', record: toCode(consumed) };
      const row = (await find([codeHash])).rows[0];
      return row && { outcome: 'replayed', record: toCode(row) };
    },
    deleteExpired: (now, keyBelow) => deleteExpiredBelow(db as never, 'authorization_codes', now, keyBelow),
  };
}
