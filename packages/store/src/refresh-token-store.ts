import type { Kysely } from 'kysely';
import { deleteExpiredBelow } from './expired-rows.ts';
import type { GrantsTable, RefreshTokensTable, UsersTable } from './people-schema.ts';
import type { GrantRecord, GrantStore, RefreshTokenRecord, RefreshTokenStore } from './people-types.ts';
import { preparedQuery } from './prepared-query.ts';
import type { Database } from './schema.ts';
import { toUser } from './user-store.ts';

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

const grantColumns = [
  'grant_id',
  'user_id',
  'client_id',
  'scope',
  'created_at',
  'updated_at',
  'last_used_at',
  'revoked_at',
] as const satisfies ReadonlyArray<keyof GrantsTable>;

/** Consent grants per user and client. */
export function grantStore(db: Kysely<Database>): GrantStore {
  // Each sign-in reads (and may widen) the grant and each token use may touch it: compiled once.
  const findActive = preparedQuery(
    db as never,
    db
      .selectFrom('grants')
      .selectAll()
      .where('user_id', '=', '')
      .where('client_id', '=', '')
      .where('revoked_at', 'is', null)
      .orderBy('created_at', 'desc'),
  );
  const get = preparedQuery(db as never, db.selectFrom('grants').selectAll().where('grant_id', '=', ''));
  const template = Object.fromEntries(grantColumns.map((c) => [c, null])) as unknown as GrantsTable;
  // On conflict every column but the key and the creation time takes the new row's value.
  const upsert = preparedQuery(
    db as never,
    db
      .insertInto('grants')
      .values(template)
      .onConflict((oc) =>
        oc.column('grant_id').doUpdateSet((eb) => ({
          user_id: eb.ref('excluded.user_id'),
          client_id: eb.ref('excluded.client_id'),
          scope: eb.ref('excluded.scope'),
          updated_at: eb.ref('excluded.updated_at'),
          last_used_at: eb.ref('excluded.last_used_at'),
          revoked_at: eb.ref('excluded.revoked_at'),
        })),
      ),
  );
  const touch = preparedQuery(db as never, db.updateTable('grants').set({ last_used_at: 0 }).where('grant_id', '=', ''));
  return {
    async findActive(userId, clientId) {
      const { rows } = await findActive([userId, clientId]);
      return rows[0] && toGrant(rows[0]);
    },
    async get(grantId) {
      const { rows } = await get([grantId]);
      return rows[0] && toGrant(rows[0]);
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
      await upsert(grantColumns.map((c) => record[c]));
    },
    async touch(grantId, at) {
      await touch([at, grantId]);
    },
    async families(grantId) {
      // A family whose refresh tokens were all revoked had its access tokens revoked with them.
      const rows = await db
        .selectFrom('authorization_codes')
        .select('family_id')
        .where('grant_id', '=', grantId)
        .union(live(db.selectFrom('refresh_tokens').select('family_id').where('grant_id', '=', grantId)))
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

/** A record from a row, field by field: the row may carry other columns (a join's), which stay out. */
function toRefreshToken(row: RefreshTokensTable): RefreshTokenRecord {
  return {
    token_hash: row.token_hash,
    family_id: row.family_id,
    grant_id: row.grant_id,
    client_id: row.client_id,
    user_id: row.user_id,
    scope: row.scope,
    resource: row.resource,
    auth_time: Number(row.auth_time),
    acr: row.acr,
    amr: JSON.parse(row.amr),
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

const userColumns = [
  'user_id',
  'username',
  'email',
  'name',
  'password_hash',
  'roles',
  'groups',
  'disabled',
  'email_verified',
  'created_at',
  'updated_at',
] as const satisfies ReadonlyArray<keyof UsersTable>;

/** A users row as the refresh-token join returns it: every column prefixed, the account may be gone. */
type PrefixedUser = { [C in keyof UsersTable as `user_${C}`]: UsersTable[C] } & { user_user_id: string | null };

/**
 * Narrows a refresh-token query to live tokens (neither rotated nor revoked), the only ones the
 * family and grant indexes hold (migration 0008): revoking a rotated token would change nothing,
 * since presenting it again revokes its family anyway.
 */
function live<Q extends { where(column: 'rotated_at' | 'revoked_at', op: 'is', value: null): Q }>(query: Q): Q {
  return query.where('rotated_at', 'is', null).where('revoked_at', 'is', null);
}

/** Refresh tokens by hash, grouped in families that die together on reuse. */
export function refreshTokenStore(db: Kysely<Database>): RefreshTokenStore {
  const find = preparedQuery(db as never, db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', ''));
  // The user's columns come back prefixed, since both tables have a user_id.
  const findWithUser = preparedQuery(
    db as never,
    db
      .selectFrom('refresh_tokens')
      .leftJoin('users', 'users.user_id', 'refresh_tokens.user_id')
      .selectAll('refresh_tokens')
      .select(userColumns.map((c) => `users.${c} as user_${c}` as const))
      .where('token_hash', '=', ''),
  );
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
    async findWithUser(tokenHash) {
      const { rows } = await findWithUser([tokenHash]);
      const row = rows[0] as (RefreshTokensTable & PrefixedUser) | undefined;
      if (!row) return undefined;
      const token = toRefreshToken(row);
      if (row.user_user_id === null) return { token, user: undefined };
      const user = toUser({
        user_id: row.user_user_id,
        username: row.user_username,
        email: row.user_email,
        name: row.user_name,
        password_hash: row.user_password_hash,
        roles: row.user_roles,
        groups: row.user_groups,
        disabled: row.user_disabled,
        email_verified: row.user_email_verified,
        created_at: row.user_created_at,
        updated_at: row.user_updated_at,
      });
      return { token, user };
    },
    async rotate(tokenHash, at) {
      return (await rotate([at, tokenHash])).affected > 0;
    },
    async revokeFamily(familyId, at) {
      const result = await live(
        db.updateTable('refresh_tokens').set({ revoked_at: at }).where('family_id', '=', familyId),
      ).executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    async revokeGrant(grantId, at) {
      const result = await live(
        db.updateTable('refresh_tokens').set({ revoked_at: at }).where('grant_id', '=', grantId),
      ).executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    deleteExpired: (now, keyBelow) => deleteExpiredBelow(db as never, 'refresh_tokens', now, keyBelow),
  };
}
