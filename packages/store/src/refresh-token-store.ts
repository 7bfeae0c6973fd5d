import type { Kysely } from 'kysely';
import type { GrantsTable, RefreshTokensTable } from './people-schema.ts';
import type { GrantRecord, GrantStore, RefreshTokenRecord, RefreshTokenStore } from './people-types.ts';
import { preparedQuery } from './prepared-query.ts';
import type { Database } from './schema.ts';

const nullableNumber = (value: number | null) => (value === null ? null : Number(value));

function toGrant(row: GrantsTable): GrantRecord {
  return {
    ...row,
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
    last_used_at: nullableNumber(row.last_used_at),
    revoked_at: nullableNumber(row.revoked_at),
  };
}

/** Consent grants per user and client. */
export function grantStore(db: Kysely<Database>): GrantStore {
  return {
    async findActive(userId, clientId) {
      const row = await db
        .selectFrom('grants')
        .selectAll()
        .where('user_id', '=', userId)
        .where('client_id', '=', clientId)
        .where('revoked_at', 'is', null)
        .orderBy('created_at', 'desc')
        .executeTakeFirst();
      return row && toGrant(row);
    },
    async get(grantId) {
      const row = await db.selectFrom('grants').selectAll().where('grant_id', '=', grantId).executeTakeFirst();
      return row && toGrant(row);
    },
    async listForUser(userId) {
      const rows = await db
        .selectFrom('grants')
        .selectAll()
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .orderBy('created_at')
        .execute();
      return rows.map(toGrant);
    },
    async upsert(record) {
      const { grant_id: _id, created_at: _created, ...changes } = record;
      await db
        .insertInto('grants')
        .values(record)
        .onConflict((oc) => oc.column('grant_id').doUpdateSet(changes))
        .execute();
    },
    async touch(grantId, at) {
      await db.updateTable('grants').set({ last_used_at: at }).where('grant_id', '=', grantId).execute();
    },
    async families(grantId) {
      const rows = await db
        .selectFrom('authorization_codes')
        .select('family_id')
        .where('grant_id', '=', grantId)
        .union(db.selectFrom('refresh_tokens').select('family_id').where('grant_id', '=', grantId))
        .execute();
      return rows.map((r) => r.family_id);
    },
    async revoke(grantId, at) {
      const result = await db
        .updateTable('grants')
        .set({ revoked_at: at })
        .where('grant_id', '=', grantId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}

function toRefreshToken(row: RefreshTokensTable): RefreshTokenRecord {
  return {
    ...row,
    amr: JSON.parse(row.amr),
    auth_time: Number(row.auth_time),
    issued_at: Number(row.issued_at),
    expires_at: Number(row.expires_at),
    family_expires_at: Number(row.family_expires_at),
    rotated_at: nullableNumber(row.rotated_at),
    revoked_at: nullableNumber(row.revoked_at),
  };
}

const refreshColumns = [
  'token_hash',
  'family_id',
  'grant_id',
  'client_id',
  'user_id',
  'scope',
  'resource',
  'auth_time',
  'acr',
  'amr',
  'issued_at',
  'expires_at',
  'family_expires_at',
  'rotated_at',
  'revoked_at',
] as const satisfies ReadonlyArray<keyof RefreshTokensTable>;

/** Refresh tokens by hash, grouped in families that die together on reuse. */
export function refreshTokenStore(db: Kysely<Database>): RefreshTokenStore {
  const find = preparedQuery(db as never, db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', ''));
  const template = Object.fromEntries(refreshColumns.map((c) => [c, null])) as unknown as RefreshTokensTable;
  const insert = preparedQuery(db as never, db.insertInto('refresh_tokens').values(template));
  const rotate = preparedQuery(
    db as never,
    db
      .updateTable('refresh_tokens')
      .set({ rotated_at: 0 })
      .where('token_hash', '=', '')
      .where('rotated_at', 'is', null)
      .where('revoked_at', 'is', null),
  );
  return {
    async insert(record) {
      const row: RefreshTokensTable = { ...record, amr: JSON.stringify(record.amr) };
      await insert(refreshColumns.map((c) => row[c]));
    },
    async find(tokenHash) {
      const { rows } = await find([tokenHash]);
      return rows[0] && toRefreshToken(rows[0]);
    },
    async rotate(tokenHash, at) {
      return (await rotate([at, tokenHash])).affected > 0;
    },
    async revokeFamily(familyId, at) {
      const result = await db
        .updateTable('refresh_tokens')
        .set({ revoked_at: at })
        .where('family_id', '=', familyId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    async revokeGrant(grantId, at) {
      const result = await db
        .updateTable('refresh_tokens')
        .set({ revoked_at: at })
        .where('grant_id', '=', grantId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
}
