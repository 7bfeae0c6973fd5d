import { DatabaseSync, type StatementSync } from 'node:sqlite';

/** One `fga_tuples` row as the object → users read returns it (columns in this order). */
export type TupleRow = [
  object_type: string,
  object_id: string,
  relation: string,
  user_type: string,
  user_id: string,
  user_relation: string,
  condition_name: string | null,
  condition_context: string | null,
  inserted_at: number,
];

/** The hot tuple read on its own SQLite connection, without a query builder in between. */
export interface SqliteTupleReads {
  /** Every row with this object and relation (the primary key's prefix). */
  byObject(storeId: string, objectType: string, objectId: string, relation: string): TupleRow[];
  close(): void;
}

const byObjectSql =
  'select object_type, object_id, relation, user_type, user_id, user_relation, condition_name, condition_context, inserted_at ' +
  'from fga_tuples where store_id = ? and object_type = ? and object_id = ? and relation = ?';

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
  let statement: StatementSync | undefined;
  return {
    byObject(storeId, objectType, objectId, relation) {
      if (!statement) {
        // Prepared on first use: the table exists only once migrations have run.
        statement = db.prepare(byObjectSql);
        // Arrays instead of one object per row: fewer allocations on the hottest path.
        statement.setReturnArrays(true);
      }
      return statement.all(storeId, objectType, objectId, relation) as unknown as TupleRow[];
    },
    close() {
      statement = undefined;
      if (db.isOpen) db.close();
    },
  };
}
