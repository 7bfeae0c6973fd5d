import { DatabaseSync, type StatementSync } from 'node:sqlite';

/** One tuple of an object as the check engine's read returns it (columns in this order). */
export type TupleKeyRow = [relation: string, user: string, condition_name: string | null, condition_context: string | null];

/** `type:id` or `type:id#relation`, spelled by the database: one string per row instead of three. */
export const userSql = (table: string) =>
  `${table}.user_type || ':' || ${table}.user_id || case when ${table}.user_relation = '' then '' else '#' || ${table}.user_relation end`;

/** The hot tuple read on its own SQLite connection, without a query builder in between. */
export interface SqliteTupleReads {
  /** Every tuple of this object by one of these relations (the primary key's prefix). */
  byObject(storeId: string, objectType: string, objectId: string, relations: readonly string[]): TupleKeyRow[];
  /**
   * The same answer read as every tuple of the object (one index seek instead of one per
   * relation), the rows of other relations dropped: for callers asking for nearly all of them.
   */
  wholeObject(storeId: string, objectType: string, objectId: string, relations: readonly string[]): TupleKeyRow[];
  close(): void;
}

/**
 * One statement, so one snapshot, in two parts: every key from the primary key alone (an
 * index-only read: its columns are all there), then the rows that carry a condition, through the
 * partial index holding only those. A conditioned tuple so comes twice, once without its
 * condition; `byObject` keeps the second. Parameters: ?1 store, ?2 type, ?3 id, ?4… relations (none:
 * every relation).
 */
const byObjectSql = (relations: number) => {
  const relation =
    relations === 0
      ? ''
      : ` and relation ${relations === 1 ? '= ?4' : `in (${Array.from({ length: relations }, (_, i) => `?${i + 4}`).join(', ')})`}`;
  const where = `store_id = ?1 and object_type = ?2 and object_id = ?3${relation}`;
  return (
    `select t.relation, ${userSql('t')}, null, null from fga_tuples t where ${where} ` +
    `union all select t.relation, ${userSql('t')}, t.condition_name, t.condition_context from fga_tuples t ` +
    `indexed by fga_tuples_conditioned where ${where} and t.condition_name is not null`
  );
};

/** Drops the condition-less copy of every conditioned tuple (see `byObjectSql`). */
function withConditions(rows: TupleKeyRow[]): TupleKeyRow[] {
  if (rows.every((row) => row[2] === null)) return rows;
  const conditioned = new Set(rows.filter((row) => row[2] !== null).map((row) => `${row[0]}@${row[1]}`));
  return rows.filter((row) => row[2] !== null || !conditioned.has(`${row[0]}@${row[1]}`));
}

/**
 * Opens a read-only connection to the database file at `path` for the check engine's point reads.
 *
 * Why a second connection: a read through Kysely costs about as much as SQLite's own work
 * (connection hand-out, compiled-query plumbing, three promise hops), and the check engine makes
 * several per check. `node:sqlite` is synchronous, so the read here is a plain call.
 *
 * Why it is still consistent: in WAL mode every statement reads the last committed state, and
 * writes are acknowledged only after their COMMIT, so a read that starts after a write's answer
 * sees it ("new enemy"), exactly as on the writing connection. The connection never writes.
 */
export function openSqliteTupleReads(path: string): SqliteTupleReads {
  const db = new DatabaseSync(path, { readOnly: true });
  // A reader waits only while the WAL index is rebuilt after a crash; never fail on that.
  db.exec('PRAGMA busy_timeout = 5000');
  // Pages read straight from the mapped file instead of copied into the page cache by a system
  // call each: measured inside the busy server (1M tuples), it halved the read's cost, where a
  // bigger page cache did not help. Address space only; the kernel's page cache backs it.
  db.exec(`PRAGMA mmap_size = ${1 << 30}`);
  // One statement per number of relations read at once (a check asks for one to a handful).
  const statements: Array<StatementSync | undefined> = [];
  const statement = (relations: number) => {
    let prepared = statements[relations];
    if (!prepared) {
      // Prepared on first use: the table exists only once migrations have run.
      prepared = db.prepare(byObjectSql(relations));
      // Arrays instead of one object per row: fewer allocations on the hottest path.
      prepared.setReturnArrays(true);
      statements[relations] = prepared;
    }
    return prepared;
  };
  return {
    byObject(storeId, objectType, objectId, relations) {
      return withConditions(statement(relations.length).all(storeId, objectType, objectId, ...relations) as unknown as TupleKeyRow[]);
    },
    wholeObject(storeId, objectType, objectId, relations) {
      const rows = withConditions(statement(0).all(storeId, objectType, objectId) as unknown as TupleKeyRow[]);
      return rows.every((row) => relations.includes(row[0])) ? rows : rows.filter((row) => relations.includes(row[0]));
    },
    close() {
      statements.length = 0;
      if (db.isOpen) db.close();
    },
  };
}
