import type { Kysely } from 'kysely';
import { preparedQuery } from './prepared-query.ts';
import type { Database } from './schema.ts';
import type { ReplayStore } from './types.ts';

/** Replay guard: one atomic upsert decides the single winner, across processes too. */
export function replayStore(db: Kysely<Database>): ReplayStore {
  const claim = preparedQuery(
    db as never,
    db
      .insertInto('replay_guard')
      .values({ key: '', expires_at: 0 })
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet((eb) => ({ expires_at: eb.ref('excluded.expires_at') }))
          // An expired marker may be taken again; a live one may not.
          .where('replay_guard.expires_at', '<=', 0),
      ),
  );
  return {
    async claim(key, expiresAt, now) {
      return (await claim([key, expiresAt, now])).affected > 0;
    },
    async deleteExpired(now) {
      const result = await db.deleteFrom('replay_guard').where('expires_at', '<', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
