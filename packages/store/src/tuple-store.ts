import { type Kysely, sql, type Transaction } from 'kysely';
import type { FgaTuplesTable } from './authz-schema.ts';
import { type RelationshipTuple, type StoredTuple, type TupleStore, TupleWriteConflict } from './authz-types.ts';
import { decodeCursor, encodeCursor, isStringArray } from './fga-cursor.ts';
import { preparedQuery } from './prepared-query.ts';
import type { Database } from './schema.ts';

interface TupleColumns {
  object_type: string;
  object_id: string;
  relation: string;
  user_type: string;
  user_id: string;
  user_relation: string;
}

function split(value: string, separator: string): [string, string] {
  const at = value.indexOf(separator);
  return at === -1 ? [value, ''] : [value.slice(0, at), value.slice(at + 1)];
}

/** Splits `type:id` and `type:id#relation` into the key columns. */
function toColumns(tuple: RelationshipTuple): TupleColumns {
  const [object_type, object_id] = split(tuple.object, ':');
  const [userObject, user_relation] = split(tuple.user, '#');
  const [user_type, user_id] = split(userObject, ':');
  return { object_type, object_id, relation: tuple.relation, user_type, user_id, user_relation };
}

function toTuple(row: FgaTuplesTable): StoredTuple {
  const user = `${row.user_type}:${row.user_id}${row.user_relation ? `#${row.user_relation}` : ''}`;
  const tuple: StoredTuple = {
    object: `${row.object_type}:${row.object_id}`,
    relation: row.relation,
    user,
    timestamp: Number(row.inserted_at),
  };
  if (row.condition_name) {
    tuple.condition = { name: row.condition_name };
    if (row.condition_context) tuple.condition.context = JSON.parse(row.condition_context);
  }
  return tuple;
}

const sameCondition = (row: { condition_name: string | null; condition_context: string | null }, tuple: RelationshipTuple) =>
  (row.condition_name ?? '') === (tuple.condition?.name ?? '') &&
  (row.condition_context ?? '{}') === JSON.stringify(tuple.condition?.context ?? {});

const keyColumns = ['object_type', 'object_id', 'relation', 'user_type', 'user_id', 'user_relation'] as const;

/**
 * Relationship tuples. A write bumps the store's revision (serialising writers of one store on
 * its row), applies deletes then writes, and appends each change to the changelog, all in one
 * transaction, so a refused tuple leaves nothing behind.
 */
export function tupleStore(db: Kysely<Database>): TupleStore {
  const byObject = preparedQuery(
    db as never,
    db
      .selectFrom('fga_tuples')
      .selectAll()
      .where('store_id', '=', '')
      .where('object_type', '=', '')
      .where('object_id', '=', '')
      .where('relation', '=', ''),
  );

  const matchKey = (trx: Transaction<Database>, storeId: string, key: TupleColumns) =>
    trx
      .selectFrom('fga_tuples')
      .select(['condition_name', 'condition_context'])
      .where('store_id', '=', storeId)
      .where('object_type', '=', key.object_type)
      .where('object_id', '=', key.object_id)
      .where('relation', '=', key.relation)
      .where('user_type', '=', key.user_type)
      .where('user_id', '=', key.user_id)
      .where('user_relation', '=', key.user_relation);

  return {
    async write(storeId, change) {
      return db.transaction().execute(async (trx) => {
        const bumped = await trx
          .updateTable('fga_stores')
          .set((eb) => ({ revision: eb('revision', '+', 1) }))
          .where('id', '=', storeId)
          .returning('revision')
          .executeTakeFirstOrThrow();
        const revision = Number(bumped.revision);
        let seq = 0;
        const log = async (tuple: RelationshipTuple, operation: 'write' | 'delete') => {
          await trx
            .insertInto('fga_changelog')
            .values({
              store_id: storeId,
              revision,
              seq: seq++,
              object_type: split(tuple.object, ':')[0],
              object: tuple.object,
              relation: tuple.relation,
              user: tuple.user,
              condition_name: tuple.condition?.name ?? null,
              condition_context: tuple.condition?.context ? JSON.stringify(tuple.condition.context) : null,
              operation,
              timestamp: change.at,
            })
            .execute();
        };
        for (const tuple of change.deletes) {
          const key = toColumns(tuple);
          const result = await trx
            .deleteFrom('fga_tuples')
            .where('store_id', '=', storeId)
            .where('object_type', '=', key.object_type)
            .where('object_id', '=', key.object_id)
            .where('relation', '=', key.relation)
            .where('user_type', '=', key.user_type)
            .where('user_id', '=', key.user_id)
            .where('user_relation', '=', key.user_relation)
            .executeTakeFirst();
          if (result.numDeletedRows === 0n) {
            if (change.onMissing === 'error') throw new TupleWriteConflict('missing', tuple);
            continue;
          }
          await log(tuple, 'delete');
        }
        for (const tuple of change.writes) {
          const key = toColumns(tuple);
          const result = await trx
            .insertInto('fga_tuples')
            .values({
              store_id: storeId,
              ...key,
              condition_name: tuple.condition?.name ?? null,
              condition_context: tuple.condition?.context ? JSON.stringify(tuple.condition.context) : null,
              revision,
              inserted_at: change.at,
            })
            .onConflict((oc) => oc.doNothing())
            .executeTakeFirst();
          if (Number(result.numInsertedOrUpdatedRows ?? 0n) === 0) {
            // `ignore` forgives an identical tuple only; one with another condition is still refused.
            const existing = await matchKey(trx, storeId, key).executeTakeFirst();
            if (change.onDuplicate === 'error' || !existing || !sameCondition(existing, tuple))
              throw new TupleWriteConflict('duplicate', tuple);
            continue;
          }
          await log(tuple, 'write');
        }
        return { revision };
      });
    },
    async readByObject(storeId, object, relation) {
      const [type, id] = split(object, ':');
      const { rows } = await byObject([storeId, type, id, relation]);
      return rows.map(toTuple);
    },
    async read(storeId, filter, { pageSize, after }) {
      let query = db.selectFrom('fga_tuples').selectAll().where('store_id', '=', storeId);
      if (filter.object) {
        const [type, id] = split(filter.object, ':');
        query = query.where('object_type', '=', type);
        if (id) query = query.where('object_id', '=', id);
      }
      if (filter.relation) query = query.where('relation', '=', filter.relation);
      if (filter.user) {
        const key = toColumns({ object: 'x:x', relation: 'x', user: filter.user });
        query = query
          .where('user_type', '=', key.user_type)
          .where('user_id', '=', key.user_id)
          .where('user_relation', '=', key.user_relation);
      }
      if (after) {
        const cursor = decodeCursor(after, isStringArray(keyColumns.length));
        const columns = sql.join(keyColumns.map((c) => sql.ref(c)));
        query = query.where(sql<boolean>`(${columns}) > (${sql.join(cursor)})`);
      }
      for (const column of keyColumns) query = query.orderBy(column);
      const rows = await query.limit(pageSize + 1).execute();
      const page = rows.slice(0, pageSize);
      const last = page[page.length - 1];
      return {
        items: page.map(toTuple),
        next: rows.length > pageSize && last ? encodeCursor(keyColumns.map((c) => last[c])) : undefined,
      };
    },
    async objectIds(storeId, objectType, after, limit) {
      let query = db
        .selectFrom('fga_tuples')
        .select('object_id')
        .distinct()
        .where('store_id', '=', storeId)
        .where('object_type', '=', objectType);
      if (after !== undefined) query = query.where('object_id', '>', after);
      const rows = await query.orderBy('object_id').limit(limit).execute();
      return rows.map((r) => r.object_id);
    },
  };
}
