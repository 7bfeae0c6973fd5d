import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';

type SqlValue = null | number | bigint | string | Uint8Array;

export interface NodeSqliteOptions {
  /**
   * Checkpoint the WAL from a worker thread instead of inside whichever write crosses the
   * auto-checkpoint threshold (servers; short-lived commands keep SQLite's default).
   */
  backgroundCheckpoint?: boolean;
}

/** Kysely dialect over Node's built-in `node:sqlite` (synchronous, so one shared connection). */
export function nodeSqliteDialect(path: string, options: NodeSqliteOptions = {}): Dialect {
  return {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new NodeSqliteDriver(path, options),
    createIntrospector: (db: Kysely<unknown>) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  };
}

interface PendingWrite {
  compiled: CompiledQuery;
  resolve: (result: QueryResult<never>) => void;
  reject: (error: unknown) => void;
}

/**
 * The one `node:sqlite` connection, shared by every caller.
 *
 * Writes outside transactions are grouped: those that arrive in the same turn of the event loop
 * run together in one transaction and each caller is answered after its COMMIT. A commit costs
 * a WAL append (and now and then a checkpoint) whatever its size, so under load this multiplies
 * write throughput, while each write stays atomic and is acknowledged only once durable. A
 * failing statement (a constraint) fails alone: SQLite rolls back that statement, not the batch.
 *
 * Explicit transactions take the connection exclusively; other queries wait for them to end,
 * since on one connection they would otherwise run inside the open transaction.
 */
class SharedConnection {
  readonly #db: DatabaseSync;
  // Preparing is a large share of a small query's cost; statements are reused by SQL text.
  readonly #statements = new Map<string, { stmt: StatementSync; reader: boolean }>();
  #batch: PendingWrite[] = [];
  #flushScheduled = false;
  #transaction: TransactionConnection | undefined;
  #waiters: Array<() => void> = [];

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  #prepare(sql: string): { stmt: StatementSync; reader: boolean } {
    let entry = this.#statements.get(sql);
    if (!entry) {
      const stmt = this.#db.prepare(sql);
      entry = { stmt, reader: stmt.columns().length > 0 };
      if (this.#statements.size > 1000) this.#statements.clear();
      this.#statements.set(sql, entry);
    }
    return entry;
  }

  run<R>(compiled: CompiledQuery): QueryResult<R> {
    const { stmt, reader } = this.#prepare(compiled.sql);
    const params = compiled.parameters.map(toSqlValue);
    if (reader) return { rows: stmt.all(...params) as R[] };
    const { changes, lastInsertRowid } = stmt.run(...params);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }

  isReader(sql: string): boolean {
    return this.#prepare(sql).reader;
  }

  /** True while another caller's transaction holds the connection. */
  busy(caller?: TransactionConnection): boolean {
    return this.#transaction !== undefined && this.#transaction !== caller;
  }

  /** Resolves when the current transaction ends; callers re-check `busy` synchronously after it. */
  released(): Promise<void> {
    return new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  enqueueWrite<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    return new Promise((resolve, reject) => {
      this.#batch.push({ compiled, resolve: resolve as PendingWrite['resolve'], reject });
      this.#scheduleFlush();
    });
  }

  /** Flushes at the end of this event-loop turn, once the I/O that arrived in it has been handled. */
  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Commits the queued writes in one transaction; deferred while an explicit transaction is open. */
  flush(): void {
    this.#flushScheduled = false;
    if (this.#transaction || this.#batch.length === 0) return;
    const batch = this.#batch;
    this.#batch = [];
    const outcomes: Array<{ ok: true; result: QueryResult<never> } | { ok: false; error: unknown }> = [];
    try {
      this.#db.exec('BEGIN IMMEDIATE');
      for (const write of batch) {
        try {
          outcomes.push({ ok: true, result: this.run<never>(write.compiled) });
        } catch (error) {
          outcomes.push({ ok: false, error });
        }
      }
      this.#db.exec('COMMIT');
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      for (const write of batch) write.reject(error);
      return;
    }
    batch.forEach((write, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) write.resolve(outcome.result);
      else write.reject(outcome?.error);
    });
  }

  async begin(transaction: TransactionConnection): Promise<void> {
    // The check and the claim must happen in one synchronous step, or two callers could both begin.
    while (this.busy()) await this.released();
    // Queued writes were acknowledged to nobody yet; commit them before the transaction starts.
    this.flush();
    this.#transaction = transaction;
    this.#db.exec('BEGIN IMMEDIATE');
  }

  end(sql: 'COMMIT' | 'ROLLBACK'): void {
    try {
      this.#db.exec(sql);
    } finally {
      this.#transaction = undefined;
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const wake of waiters) wake();
      if (this.#batch.length) this.#scheduleFlush();
    }
  }

  close(): void {
    this.flush();
    this.#statements.clear();
    this.#db.close();
  }
}

/** What Kysely holds for one query or one transaction. */
class TransactionConnection implements DatabaseConnection {
  readonly #shared: SharedConnection;
  inTransaction = false;

  constructor(shared: SharedConnection) {
    this.#shared = shared;
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    if (this.inTransaction) return this.#shared.run<R>(compiled);
    while (this.#shared.busy(this)) await this.#shared.released();
    if (this.#shared.isReader(compiled.sql)) return this.#shared.run<R>(compiled);
    return this.#shared.enqueueWrite<R>(compiled);
  }

  // biome-ignore lint/correctness/useYield: streaming is not used; Kysely requires the method.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not supported on node:sqlite');
  }
}

class NodeSqliteDriver implements Driver {
  readonly #path: string;
  readonly #options: NodeSqliteOptions;
  #shared: SharedConnection | undefined;
  #checkpointer: Worker | undefined;

  constructor(path: string, options: NodeSqliteOptions) {
    this.#path = path;
    this.#options = options;
  }

  async init(): Promise<void> {
    const db = new DatabaseSync(this.#path);
    db.exec('PRAGMA journal_mode = WAL');
    // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the tail.
    db.exec('PRAGMA synchronous = NORMAL');
    db.exec('PRAGMA busy_timeout = 5000');
    db.exec('PRAGMA foreign_keys = ON');
    // Bound the WAL file that a busy period leaves behind once it has been checkpointed.
    db.exec('PRAGMA journal_size_limit = 67108864');
    if (this.#options.backgroundCheckpoint && this.#path !== ':memory:') {
      // Measured: automatic checkpoints fsync on the writing thread, 7 ms on average, up to 28 ms.
      db.exec('PRAGMA wal_autocheckpoint = 0');
      const worker = new Worker(new URL('./sqlite-checkpoint-worker.ts', import.meta.url), {
        workerData: { path: this.#path, intervalMs: 1000 },
      });
      worker.unref();
      // If the checkpointer fails, fall back to SQLite's own checkpoints rather than let the WAL grow.
      worker.on('error', () => db.exec('PRAGMA wal_autocheckpoint = 1000'));
      this.#checkpointer = worker;
    }
    this.#shared = new SharedConnection(db);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new TransactionConnection(this.#shared as SharedConnection);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const transaction = connection as TransactionConnection;
    await (this.#shared as SharedConnection).begin(transaction);
    transaction.inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    (connection as TransactionConnection).inTransaction = false;
    (this.#shared as SharedConnection).end('COMMIT');
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    (connection as TransactionConnection).inTransaction = false;
    (this.#shared as SharedConnection).end('ROLLBACK');
  }

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {
    const worker = this.#checkpointer;
    this.#checkpointer = undefined;
    if (worker) {
      const stopped = new Promise<void>((resolve) => {
        worker.once('message', () => resolve());
        worker.once('exit', () => resolve());
      });
      worker.postMessage('stop');
      await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
      await worker.terminate();
    }
    this.#shared?.close();
    this.#shared = undefined;
  }
}

function toSqlValue(value: unknown): SqlValue {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === undefined) return null;
  return value as SqlValue;
}
