import { type Kysely, sql } from 'kysely';
import { deleteExpiredBelow } from './expired-rows.ts';
import { preparedQuery } from './prepared-query.ts';
import type { AccessTokensTable, Database } from './schema.ts';
import { type AccessTokenRecord, type AccessTokenStore, longestAccessTokenTtl } from './types.ts';

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
  // A token is revoked by its own revocation or by its grant's (one row per revoked grant).
  const find = preparedQuery(
    db as never,
    db
      .selectFrom('access_tokens as t')
      .leftJoin('revoked_grants as g', 'g.grant_id', 't.grant_id')
      .select(columns.filter((c) => c !== 'revoked_at').map((c) => `t.${c}` as const))
      .select(sql<number | null>`coalesce(t.revoked_at, g.revoked_at)`.as('revoked_at'))
      .where('t.token_hash', '=', ''),
  );
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
        .insertInto('revoked_grants')
        .values({ grant_id: grantId, revoked_at: at })
        .onConflict((conflict) => conflict.column('grant_id').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
    },
    async deleteExpired(now, keyBelow) {
      // Past the longest lifetime a token may have, no token of a revoked grant is live any more.
      await db
        .deleteFrom('revoked_grants')
        .where('revoked_at', '<', now - longestAccessTokenTtl)
        .execute();
      return deleteExpiredBelow(db as never, 'access_tokens', now, keyBelow);
    },
  };
}
