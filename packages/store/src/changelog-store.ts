import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import type { ChangelogStore, ChangePosition, RelationshipTuple, TupleChange } from './authz-types.ts';
import { decodeCursor, encodeCursor } from './fga-cursor.ts';
import type { Database } from './schema.ts';

const isPosition = (value: unknown): value is [number, number] =>
  Array.isArray(value) && value.length === 2 && value.every((v) => Number.isInteger(v));

/** The changelog of tuple writes, read in write order (revision, then position in the write). */
export function changelogStore(db: Kysely<Database>): ChangelogStore {
  return {
    async read(storeId, { pageSize, after, objectType, startTime }) {
      let query = db.selectFrom('fga_changelog').selectAll().where('store_id', '=', storeId);
      if (objectType) query = query.where('object_type', '=', objectType);
      if (startTime !== undefined) query = query.where('timestamp', '>=', startTime);
      const position = after ? decodeCursor(after, isPosition) : undefined;
      const rows = await inWriteOrder(query, position && { revision: position[0], seq: position[1] })
        .limit(pageSize)
        .execute();
      const items: TupleChange[] = rows.map((row) => ({
        tuple_key: rowTuple(row),
        operation: row.operation,
        timestamp: Number(row.timestamp),
      }));
      const last = rows[rows.length - 1];
      // Like OpenFGA, the cursor of the last change is returned so a caller can poll for more.
      return { items, next: last ? encodeCursor([Number(last.revision), Number(last.seq)]) : after };
    },
    async end(storeId) {
      const row = await db
        .selectFrom('fga_changelog')
        .select(['revision', 'seq'])
        .where('store_id', '=', storeId)
        .orderBy('revision', 'desc')
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row ? { revision: Number(row.revision), seq: Number(row.seq) } : undefined;
    },
    async after(storeId, after, limit) {
      const query = db
        .selectFrom('fga_changelog')
        .select(['revision', 'seq', 'operation', 'object', 'relation', 'user', 'condition_name', 'condition_context'])
        .where('store_id', '=', storeId);
      const rows = await inWriteOrder(query, after).limit(limit).execute();
      return rows.map((row) => ({ revision: Number(row.revision), seq: Number(row.seq), operation: row.operation, tuple: rowTuple(row) }));
    },
  };
}

/** `query`'s changes after `after` (all without it), in write order: revision, then place in the write. */
function inWriteOrder<Q extends SelectQueryBuilder<Database, 'fga_changelog', object>>(query: Q, after: ChangePosition | undefined): Q {
  const since = after ? query.where(sql<boolean>`(${sql.ref('revision')}, ${sql.ref('seq')}) > (${after.revision}, ${after.seq})`) : query;
  return since.orderBy('revision').orderBy('seq') as Q;
}

function rowTuple(row: {
  object: string;
  relation: string;
  user: string;
  condition_name: string | null;
  condition_context: string | null;
}) {
  const tuple: RelationshipTuple = { object: row.object, relation: row.relation, user: row.user };
  if (row.condition_name) {
    tuple.condition = { name: row.condition_name };
    if (row.condition_context) tuple.condition.context = JSON.parse(row.condition_context);
  }
  return tuple;
}
