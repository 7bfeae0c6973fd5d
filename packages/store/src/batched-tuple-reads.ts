import { type Kysely, sql } from 'kysely';
import type pg from 'pg';
import type { Database } from './schema.ts';
import { type TupleKeyRow, userSql } from './sqlite-tuple-reads.ts';
import { atTurnEnd } from './turn-batch.ts';

/** One object → users read: every tuple of (store, object type, object id, relation). */
interface Read {
  storeId: string;
  objectType: string;
  objectId: string;
  relation: string;
  waiters: Array<{ resolve: (rows: TupleKeyRow[]) => void; reject: (error: unknown) => void }>;
}

export interface BatchedTupleReadsOptions {
  /** Batch statements running at once; reads that arrive meanwhile wait for the next batch. */
  maxInFlight?: number;
  /** Reads per statement. */
  maxBatch?: number;
  /**
   * The pool behind `db`: the statement then runs as a named prepared statement, parsed and
   * planned once per connection instead of on every batch (PostgreSQL's CPU shares the cores).
   */
  pool?: pg.Pool;
}

/**
 * Object → users reads for a database with round trips (PostgreSQL), coalesced: the reads
 * asked for while the previous batch is out (or in the same turn of the event loop) go as one
 * statement that joins the tuples with the list of keys, and identical keys are read once.
 *
 * Why: a point read costs little to execute but a round trip, a parse and a plan each, and both
 * ends run on the same few cores as everything else. Under concurrency the checks of many
 * requests share one statement; alone, a read still leaves at once (one turn of the event loop).
 *
 * Consistency is unchanged: a read joins a batch that starts after it was asked for, so it sees
 * every write acknowledged before it, like a read of its own.
 */
export function batchedTupleReads(db: Kysely<Database>, options: BatchedTupleReadsOptions = {}) {
  const maxInFlight = options.maxInFlight ?? 2;
  const maxBatch = options.maxBatch ?? 256;
  // One statement text whatever the batch size: the keys travel as four arrays.
  const statement = sql<
    Record<string, unknown>
  >`select t.store_id, t.object_type, t.object_id, t.relation, ${sql.raw(userSql('t'))} as "user",
      t.condition_name, t.condition_context
    from unnest(${[]}::text[], ${[]}::text[], ${[]}::text[], ${[]}::text[]) as k(store_id, object_type, object_id, relation)
    join fga_tuples t on t.store_id = k.store_id and t.object_type = k.object_type and t.object_id = k.object_id and t.relation = k.relation`.compile(
    db,
  );

  let pending = new Map<string, Read>();
  let inFlight = 0;
  let scheduled = false;

  const schedule = () => {
    if (scheduled || inFlight >= maxInFlight || pending.size === 0) return;
    scheduled = true;
    // After the current turn's I/O callbacks, so the reads of every request parsed in it go
    // together; reads a batch of checks asks for leave in that same turn (atTurnEnd).
    atTurnEnd(flush);
  };

  function flush(): void {
    scheduled = false;
    while (inFlight < maxInFlight && pending.size > 0) {
      let batch: Read[];
      if (pending.size <= maxBatch) {
        batch = [...pending.values()];
        pending = new Map();
      } else {
        batch = [];
        for (const [key, read] of pending) {
          if (batch.length === maxBatch) break;
          batch.push(read);
          pending.delete(key);
        }
      }
      inFlight++;
      run(batch).finally(() => {
        inFlight--;
        schedule();
      });
    }
  }

  async function run(batch: Read[]): Promise<void> {
    const byKey = new Map<string, TupleKeyRow[]>();
    for (const read of batch) byKey.set(keyOf(read.storeId, read.objectType, read.objectId, read.relation), []);
    try {
      const parameters = [
        batch.map((r) => r.storeId),
        batch.map((r) => r.objectType),
        batch.map((r) => r.objectId),
        batch.map((r) => r.relation),
      ];
      const { rows } = options.pool
        ? await options.pool.query<Record<string, unknown>>({
            name: 'portcullis_fga_object_reads',
            text: statement.sql,
            values: parameters,
          })
        : await db.executeQuery<Record<string, unknown>>({ ...statement, parameters });
      // The row's own key columns say which read it answers.
      for (const row of rows) {
        const objectType = row.object_type as string;
        const objectId = row.object_id as string;
        const relation = row.relation as string;
        const tuple: TupleKeyRow = [
          relation,
          row.user as string,
          row.condition_name as string | null,
          row.condition_context as string | null,
        ];
        byKey.get(keyOf(row.store_id as string, objectType, objectId, relation))?.push(tuple);
      }
    } catch (error) {
      for (const read of batch) for (const waiter of read.waiters) waiter.reject(error);
      return;
    }
    for (const read of batch) {
      const rows = byKey.get(keyOf(read.storeId, read.objectType, read.objectId, read.relation)) ?? [];
      // Each caller gets its own array: results are the caller's to filter or extend.
      read.waiters.forEach((waiter, i) => {
        waiter.resolve(i === 0 ? rows : rows.slice());
      });
    }
  }

  return {
    /** Every tuple row of the object and relation, read in the next batch. */
    byObject(storeId: string, objectType: string, objectId: string, relation: string): Promise<TupleKeyRow[]> {
      return new Promise((resolve, reject) => {
        const key = keyOf(storeId, objectType, objectId, relation);
        let read = pending.get(key);
        if (!read) {
          read = { storeId, objectType, objectId, relation, waiters: [] };
          pending.set(key, read);
        }
        read.waiters.push({ resolve, reject });
        schedule();
      });
    },
  };
}

const keyOf = (storeId: string, objectType: string, objectId: string, relation: string) =>
  `${storeId}\u0000${objectType}\u0000${objectId}\u0000${relation}`;
