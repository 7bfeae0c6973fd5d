import type { Kysely } from 'kysely';
import { deleteExpiredBelow } from './expired-rows.ts';
import type { SessionsTable, UsersTable } from './people-schema.ts';
import type { SessionRecord, SessionStore, UserRecord, UserStore } from './people-types.ts';
import { preparedQuery } from './prepared-query.ts';
import type { Database } from './schema.ts';

/** A users row as a record. */
export function toUser(row: UsersTable): UserRecord {
  return {
    ...row,
    roles: JSON.parse(row.roles),
    groups: JSON.parse(row.groups),
    disabled: Boolean(row.disabled),
    email_verified: Boolean(row.email_verified),
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
  };
}

/** Accounts. */
export function userStore(db: Kysely<Database>): UserStore {
  const byName = preparedQuery(db as never, db.selectFrom('users').selectAll().where('username', '=', ''));
  const byId = preparedQuery(db as never, db.selectFrom('users').selectAll().where('user_id', '=', ''));
  return {
    async get(userId) {
      const { rows } = await byId([userId]);
      return rows[0] && toUser(rows[0]);
    },
    async findByUsername(username) {
      const { rows } = await byName([username]);
      return rows[0] && toUser(rows[0]);
    },
    async list() {
      return (await db.selectFrom('users').selectAll().orderBy('username').execute()).map(toUser);
    },
    async upsert(record) {
      const row: UsersTable = {
        ...record,
        roles: JSON.stringify(record.roles),
        groups: JSON.stringify(record.groups),
        disabled: record.disabled ? 1 : 0,
        email_verified: record.email_verified ? 1 : 0,
      };
      const { user_id: _id, created_at: _created, ...changes } = row;
      await db
        .insertInto('users')
        .values(row)
        .onConflict((oc) => oc.column('user_id').doUpdateSet(changes))
        .execute();
    },
    async setPasswordHash(userId, hash, at) {
      await db.updateTable('users').set({ password_hash: hash, updated_at: at }).where('user_id', '=', userId).execute();
    },
    async delete(userId) {
      const result = await db.deleteFrom('users').where('user_id', '=', userId).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}

function toSession(row: SessionsTable): SessionRecord {
  return {
    ...row,
    amr: JSON.parse(row.amr),
    auth_time: Number(row.auth_time),
    created_at: Number(row.created_at),
    expires_at: Number(row.expires_at),
  };
}

const sessionColumns = ['session_hash', 'user_id', 'auth_time', 'acr', 'amr', 'created_at', 'expires_at'] as const satisfies ReadonlyArray<
  keyof SessionsTable
>;

/** Browser sessions, found by the hash of the cookie value. */
export function sessionStore(db: Kysely<Database>): SessionStore {
  // Every sign-in writes one and most of its pages read it: compiled once (prepared-query.ts).
  const template = Object.fromEntries(sessionColumns.map((c) => [c, null])) as unknown as SessionsTable;
  const insert = preparedQuery(db as never, db.insertInto('sessions').values(template));
  const find = preparedQuery(db as never, db.selectFrom('sessions').selectAll().where('session_hash', '=', ''));
  return {
    async insert(record) {
      const row: SessionsTable = { ...record, amr: JSON.stringify(record.amr) };
      await insert(sessionColumns.map((c) => row[c]));
    },
    async find(sessionHash) {
      const { rows } = await find([sessionHash]);
      return rows[0] && toSession(rows[0]);
    },
    async delete(sessionHash) {
      await db.deleteFrom('sessions').where('session_hash', '=', sessionHash).execute();
    },
    async deleteForUser(userId) {
      const result = await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    deleteExpired: (now, keyBelow) => deleteExpiredBelow(db as never, 'sessions', now, keyBelow),
  };
}
