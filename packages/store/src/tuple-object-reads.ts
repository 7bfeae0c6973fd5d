import { type Kysely, SqliteAdapter, sql } from 'kysely';
import { batchedTupleReads } from './batched-tuple-reads.ts';
import { preparedQuery } from './prepared-query.ts';
import type { Database } from './schema.ts';
import { openSqliteTupleReads, type SqliteTupleReads, type TupleRow } from './sqlite-tuple-reads.ts';

/** Reads every row of (store, object type, object id, relation); synchronous where it can be. */
export type ObjectReads = (storeId: string, objectType: string, objectId: string, relation: string) => TupleRow[] | Promise<TupleRow[]>;

/**
 * The check engine's hot read (object + relation → users), by the cheapest way the database
 * allows, chosen on the first read:
 *
 * - a SQLite file: its own read-only connection, called synchronously (`sqlite-tuple-reads.ts`);
 * - PostgreSQL: concurrent reads coalesced into one statement (`batched-tuple-reads.ts`);
 * - SQLite `:memory:` (each connection would be another database): through Kysely.
 */
export function objectReads(db: Kysely<Database>): ObjectReads {
  const viaKysely = preparedQuery(
    db as never,
    db
      .selectFrom('fga_tuples')
      .select([
        'object_type',
        'object_id',
        'relation',
        'user_type',
        'user_id',
        'user_relation',
        'condition_name',
        'condition_context',
        'inserted_at',
      ])
      .where('store_id', '=', '')
      .where('object_type', '=', '')
      .where('object_id', '=', '')
      .where('relation', '=', ''),
  );
  const kysely: ObjectReads = async (storeId, objectType, objectId, relation) => {
    const { rows } = await viaKysely([storeId, objectType, objectId, relation]);
    return rows.map(
      (r): TupleRow => [
        r.object_type,
        r.object_id,
        r.relation,
        r.user_type,
        r.user_id,
        r.user_relation,
        r.condition_name,
        r.condition_context,
        Number(r.inserted_at),
      ],
    );
  };

  let chosen: ObjectReads | undefined;
  let choosing: Promise<ObjectReads> | undefined;
  let direct: SqliteTupleReads | undefined;
  let destroyed = false;

  const choose = async (): Promise<ObjectReads> => {
    if (!(db.getExecutor().adapter instanceof SqliteAdapter)) {
      const batched = batchedTupleReads(db);
      return batched.byObject;
    }
    const { rows } = await sql<{ file: string }>`select file from pragma_database_list where name = 'main'`.execute(db);
    const file = rows[0]?.file;
    if (!file || destroyed) return kysely;
    const reads = openSqliteTupleReads(file);
    direct = reads;
    // Kysely tells its users nothing when it is destroyed: the connection's close is chained onto
    // destroy(), and reads after it go through Kysely (which refuses them like any other query).
    const destroy = db.destroy.bind(db);
    db.destroy = async () => {
      destroyed = true;
      chosen = kysely;
      reads.close();
      await destroy();
    };
    return (storeId, objectType, objectId, relation) => reads.byObject(storeId, objectType, objectId, relation);
  };

  return (storeId, objectType, objectId, relation) => {
    if (chosen) return chosen(storeId, objectType, objectId, relation);
    choosing ??= choose().then((reads) => {
      chosen = destroyed ? kysely : reads;
      if (destroyed) direct?.close();
      return chosen;
    });
    return choosing.then((reads) => reads(storeId, objectType, objectId, relation));
  };
}
