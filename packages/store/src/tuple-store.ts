import { type Kysely, sql, type Transaction } from 'kysely';
import type pg from 'pg';
import type { FgaTuplesTable } from './authz-schema.ts';
import { type RelationshipTuple, type StoredTuple, type TupleStore, TupleWriteConflict } from './authz-types.ts';
import { decodeCursor, encodeCursor, isStringArray } from './fga-cursor.ts';
import { preparedQuery } from './prepared-query.ts';
import type { Database } from './schema.ts';
import type { TupleKeyRow } from './sqlite-tuple-reads.ts';
import { objectReads } from './tuple-object-reads.ts';

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

/** A row of the check engine's read: the object is the one asked for. */
function keyRowToTuple(object: string, row: TupleKeyRow): RelationshipTuple {
  const [relation, user, conditionName, conditionContext] = row;
  if (!conditionName) return { object, relation, user };
  const condition: RelationshipTuple['condition'] = { name: conditionName };
  if (conditionContext) condition.context = JSON.parse(conditionContext);
  return { object, relation, user, condition };
}

const sameCondition = (row: { condition_name: string | null; condition_context: string | null }, tuple: RelationshipTuple) =>
  (row.condition_name ?? '') === (tuple.condition?.name ?? '') &&
  (row.condition_context ?? '{}') === JSON.stringify(tuple.condition?.context ?? {});

const keyColumns = ['object_type', 'object_id', 'relation', 'user_type', 'user_id', 'user_relation'] as const;

const columnsKey = (key: TupleColumns): string => keyColumns.map((c) => key[c]).join('\u0000');

/** IN-list sizes of user → objects reads (a list is padded up to the next one). */
const inListSizes = [1, 4, 16, 64, 256];

/** Rows per multi-row statement: 11 parameters each stays under SQLite's 32,766 and PostgreSQL's 65,535. */
const rowsPerStatement = 500;

/**
 * Relationship tuples. A write bumps the store's revision (serialising writers of one store on
 * its row), applies deletes then writes, and appends each change to the changelog, all in one
 * transaction, so a refused tuple leaves nothing behind.
 */
export function tupleStore(db: Kysely<Database>, pool?: pg.Pool): TupleStore {
  const byObject = objectReads(db, pool);
  const byObjectWithTimes = preparedQuery(
    db as never,
    db
      .selectFrom('fga_tuples')
      .selectAll()
      .where('store_id', '=', '')
      .where('object_type', '=', '')
      .where('object_id', '=', '')
      .where('relation', '=', ''),
  );
  // user → objects, for many users at once: one statement per IN-list size, padded to the size.
  const byUsersQueries = new Map<number, ReturnType<typeof byUsersQuery>>();
  const byUsersQuery = (size: number) =>
    preparedQuery(
      db as never,
      db
        .selectFrom('fga_tuples')
        .select(['object_id', 'user_id', 'condition_name', 'condition_context'])
        .where('store_id', '=', '')
        .where('user_type', '=', '')
        .where('user_relation', '=', '')
        .where('object_type', '=', '')
        .where('relation', '=', '')
        .where(
          'user_id',
          'in',
          Array.from({ length: size }, () => ''),
        ),
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
        const logged: Array<{ tuple: RelationshipTuple; operation: 'write' | 'delete' }> = [];
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
          logged.push({ tuple, operation: 'delete' });
        }
        // Writes go in multi-row statements (imports send thousands); a row the database skipped
        // as a conflict is then looked up to tell an identical tuple from a refused one.
        for (let i = 0; i < change.writes.length; i += rowsPerStatement) {
          const chunk = change.writes.slice(i, i + rowsPerStatement);
          const inserted = await trx
            .insertInto('fga_tuples')
            .values(
              chunk.map((tuple) => ({
                store_id: storeId,
                ...toColumns(tuple),
                condition_name: tuple.condition?.name ?? null,
                condition_context: tuple.condition?.context ? JSON.stringify(tuple.condition.context) : null,
                revision,
                inserted_at: change.at,
              })),
            )
            .onConflict((oc) => oc.doNothing())
            .returning(keyColumns)
            .execute();
          const insertedKeys = new Set(inserted.map(columnsKey));
          for (const tuple of chunk) {
            const key = toColumns(tuple);
            if (insertedKeys.delete(columnsKey(key))) {
              logged.push({ tuple, operation: 'write' });
              continue;
            }
            // `ignore` forgives an identical tuple only; one with another condition is still refused.
            const existing = await matchKey(trx, storeId, key).executeTakeFirst();
            if (change.onDuplicate === 'error' || !existing || !sameCondition(existing, tuple))
              throw new TupleWriteConflict('duplicate', tuple);
          }
        }
        for (let i = 0; i < logged.length; i += rowsPerStatement)
          await trx
            .insertInto('fga_changelog')
            .values(
              logged.slice(i, i + rowsPerStatement).map(({ tuple, operation }, j) => ({
                store_id: storeId,
                revision,
                seq: i + j,
                object_type: split(tuple.object, ':')[0],
                object: tuple.object,
                relation: tuple.relation,
                user: tuple.user,
                condition_name: tuple.condition?.name ?? null,
                condition_context: tuple.condition?.context ? JSON.stringify(tuple.condition.context) : null,
                operation,
                timestamp: change.at,
              })),
            )
            .execute();
        return { revision };
      });
    },
    async readByObject(storeId, object, relation) {
      const [type, id] = split(object, ':');
      const { rows } = await byObjectWithTimes([storeId, type, id, relation]);
      return rows.map(toTuple);
    },
    readByObjectRelations(storeId, object, relations, wholeObject = false) {
      const [type, id] = split(object, ':');
      const rows = byObject(storeId, type, id, relations, wholeObject);
      const toTuples = (r: TupleKeyRow[]) => r.map((row) => keyRowToTuple(object, row));
      return rows instanceof Promise ? rows.then(toTuples) : toTuples(rows);
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
    async readByUsers(storeId, users, objectType, relation) {
      // Users are grouped by type and userset relation; ids go in IN-lists of a few fixed sizes.
      const groups = new Map<string, { type: string; relation: string; ids: string[] }>();
      for (const user of new Set(users)) {
        const [userObject, userRelation] = split(user, '#');
        const [userType, userId] = split(userObject, ':');
        const key = `${userType}#${userRelation}`;
        const group = groups.get(key) ?? { type: userType, relation: userRelation, ids: [] };
        group.ids.push(userId);
        groups.set(key, group);
      }
      const tuples: RelationshipTuple[] = [];
      for (const group of groups.values())
        for (let i = 0; i < group.ids.length; i += inListSizes[inListSizes.length - 1] as number) {
          const ids = group.ids.slice(i, i + (inListSizes[inListSizes.length - 1] as number));
          const size = inListSizes.find((n) => n >= ids.length) as number;
          let query = byUsersQueries.get(size);
          if (!query) {
            query = byUsersQuery(size);
            byUsersQueries.set(size, query);
          }
          const padded = [...ids, ...Array.from({ length: size - ids.length }, () => ids[0])];
          const { rows } = await query([storeId, group.type, group.relation, objectType, relation, ...padded]);
          for (const row of rows) {
            const user = `${group.type}:${row.user_id}${group.relation ? `#${group.relation}` : ''}`;
            const tuple: RelationshipTuple = { object: `${objectType}:${row.object_id}`, relation, user };
            if (row.condition_name) {
              tuple.condition = { name: row.condition_name };
              if (row.condition_context) tuple.condition.context = JSON.parse(row.condition_context);
            }
            tuples.push(tuple);
          }
        }
      return tuples;
    },
  };
}
