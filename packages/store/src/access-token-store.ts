import type { Kysely } from 'kysely';
import { deleteExpiredBelow } from './expired-rows.ts';
import { preparedQuery } from './prepared-query.ts';
import type { AccessTokensTable, Database } from './schema.ts';
import type { AccessTokenRecord, AccessTokenStore } from './types.ts';

function toRecord(row: AccessTokensTable): AccessTokenRecord {
  return {
    ...row,
    audience: JSON.parse(row.audience),
    claims: JSON.parse(row.claims),
    issued_at: Number(row.issued_at),
    expires_at: Number(row.expires_at),
    revoked_at: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}

const columns = [
  'token_hash',
  'client_id',
  'subject',
  'audience',
  'scope',
  'claims',
  'grant_id',
  'issued_at',
  'expires_at',
  'revoked_at',
] as const;

/** Opaque access tokens, keyed by the hash of their value. */
export function accessTokenStore(db: Kysely<Database>): AccessTokenStore {
  const template = Object.fromEntries(columns.map((c) => [c, null])) as unknown as AccessTokensTable;
  const insert = preparedQuery(db as never, db.insertInto('access_tokens').values(template));
  const find = preparedQuery(db as never, db.selectFrom('access_tokens').selectAll().where('token_hash', '=', ''));
  const revoke = preparedQuery(
    db as never,
    db.updateTable('access_tokens').set({ revoked_at: 0 }).where('token_hash', '=', '').where('revoked_at', 'is', null),
  );
  return {
    async insert(record) {
      const row: AccessTokensTable = {
        ...record,
        audience: JSON.stringify(record.audience),
        claims: JSON.stringify(record.claims),
      };
      await insert(columns.map((c) => row[c]));
    },
    async find(tokenHash) {
      const { rows } = await find([tokenHash]);
      return rows[0] && toRecord(rows[0]);
    },
    async revoke(tokenHash, at) {
      return (await revoke([at, tokenHash])).affected > 0;
    },
    async revokeGrant(grantId, at) {
      const result = await db
        .updateTable('access_tokens')
        .set({ revoked_at: at })
        .where('grant_id', '=', grantId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    deleteExpired: (now, keyBelow) => deleteExpiredBelow(db as never, 'access_tokens', now, keyBelow),
  };
}
