import { type Kysely, SqliteAdapter, sql } from 'kysely';
import type pg from 'pg';
import { batchedTupleReads } from './batched-tuple-reads.ts';
import { preparedQuery } from './prepared-query.ts';
import type { Database } from './schema.ts';
import { openSqliteTupleReads, type SqliteTupleReads, type TupleKeyRow } from './sqlite-tuple-reads.ts';

/**
 * Reads every row of (store, object type, object id) by one of `relations` (one read for them
 * all where the database allows); synchronous where it can be.
 */
export type ObjectReads = (
  storeId: string,
  objectType: string,
  objectId: string,
  relations: readonly string[],
  wholeObject: boolean,
) => TupleKeyRow[] | Promise<TupleKeyRow[]>;

/**
 * The check engine's hot read (object + relation → users), by the cheapest way the database
 * allows, chosen on the first read:
 *
 * - a SQLite file: its own read-only connection, called synchronously (`sqlite-tuple-reads.ts`);
 * - PostgreSQL: concurrent reads coalesced into one named prepared statement (`batched-tuple-reads.ts`);
 * - SQLite `:memory:` (each connection would be another database): through Kysely.
 */
export function objectReads(db: Kysely<Database>, pool?: pg.Pool): ObjectReads {
  const viaKysely = preparedQuery(
    db as never,
    db
      .selectFrom('fga_tuples')
      .select(['relation', 'user_type', 'user_id', 'user_relation', 'condition_name', 'condition_context'])
      .where('store_id', '=', '')
      .where('object_type', '=', '')
      .where('object_id', '=', '')
      .where('relation', '=', ''),
  );
  const kyselyOne = async (storeId: string, objectType: string, objectId: string, relation: string) => {
    const { rows } = await viaKysely([storeId, objectType, objectId, relation]);
    return rows.map(
      (r): TupleKeyRow => [
        r.relation,
        r.user_relation ? `${r.user_type}:${r.user_id}#${r.user_relation}` : `${r.user_type}:${r.user_id}`,
        r.condition_name,
        r.condition_context,
      ],
    );
  };
  const kysely: ObjectReads = async (storeId, objectType, objectId, relations) =>
    relations.length === 1
      ? kyselyOne(storeId, objectType, objectId, relations[0] as string)
      : (await Promise.all(relations.map((relation) => kyselyOne(storeId, objectType, objectId, relation)))).flat();

  let chosen: ObjectReads | undefined;
  let choosing: Promise<ObjectReads> | undefined;
  let direct: SqliteTupleReads | undefined;
  let destroyed = false;

  const choose = async (): Promise<ObjectReads> => {
    if (!(db.getExecutor().adapter instanceof SqliteAdapter)) {
      // Every relation is a key of the same batch: one statement, one round trip.
      const batched = batchedTupleReads(db, { pool });
      return (storeId, objectType, objectId, relations) =>
        relations.length === 1
          ? batched.byObject(storeId, objectType, objectId, relations[0] as string)
          : Promise.all(relations.map((relation) => batched.byObject(storeId, objectType, objectId, relation))).then((rows) => rows.flat());
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
    return (storeId, objectType, objectId, relations, wholeObject) =>
      wholeObject ? reads.wholeObject(storeId, objectType, objectId, relations) : reads.byObject(storeId, objectType, objectId, relations);
  };

  return (storeId, objectType, objectId, relations, wholeObject) => {
    if (chosen) return chosen(storeId, objectType, objectId, relations, wholeObject);
    choosing ??= choose().then((reads) => {
      chosen = destroyed ? kysely : reads;
      if (destroyed) direct?.close();
      return chosen;
    });
    return choosing.then((reads) => reads(storeId, objectType, objectId, relations, wholeObject));
  };
}
