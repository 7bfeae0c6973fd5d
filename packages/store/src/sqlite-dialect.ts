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
import type { CheckpointWorkerData } from './sqlite-checkpoint-worker.ts';
import { afterWaitingBatch } from './turn-batch.ts';

export interface NodeSqliteOptions {
  /**
   * Checkpoint the WAL on a thread of its own instead of inside commits (servers on a database
   * file; `:memory:` and short-lived commands leave it to SQLite).
   */
  checkpointThread?: boolean;
  /** How often the checkpoint thread checkpoints, in ms (1000). */
  checkpointIntervalMs?: number;
  /**
   * WAL size, in frames (pages), past which the checkpoint thread has the WAL start over, holding
   * commits for the moment its last pass takes (1000, about 4 MiB; sqlite-checkpoint-worker.ts).
   */
  walRestartFrames?: number;
}

type SqlValue = null | number | bigint | string | Uint8Array;

/** One write waiting for its batch's COMMIT. */
interface PendingWrite {
  compiled: CompiledQuery;
  resolve: (result: QueryResult<never>) => void;
  reject: (error: unknown) => void;
}

/** Runs one compiled query outside any transaction; undefined when the connection is not open. */
export type DirectRunner = (compiled: CompiledQuery) => Promise<QueryResult<unknown>> | undefined;

export interface NodeSqliteDialect extends Dialect {
  /**
   * Runs a query exactly as a connection outside any transaction would (reads at once, writes in
   * the next grouped commit), without Kysely's executor around it: connection hand-out and
   * release and three promise hops cost about as much as a point read itself. For the prepared
   * hot-path queries (prepared-query.ts). Answers undefined until Kysely has opened the driver.
   */
  direct: DirectRunner;
}

/** Kysely dialect over Node's built-in `node:sqlite` (synchronous, so one shared connection). */
export function nodeSqliteDialect(path: string, options: NodeSqliteOptions = {}): NodeSqliteDialect {
  let driver: NodeSqliteDriver | undefined;
  return {
    createAdapter: () => new NodeSqliteAdapter(),
    createDriver: () => {
      driver = new NodeSqliteDriver(path, options);
      return driver;
    },
    createIntrospector: (db: Kysely<unknown>) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
    direct: (compiled) => driver?.shared?.execute(compiled),
  };
}

/**
 * Kysely serialises every query of a dialect without multiple connections (one at a time, each
 * awaited to its end), which would leave one write per commit and every read queued behind it.
 * SharedConnection orders what must be ordered itself: explicit transactions take it
 * exclusively, and writes are grouped into batches.
 */
class NodeSqliteAdapter extends SqliteAdapter {
  override get supportsMultipleConnections(): boolean {
    return true;
  }
}

// How long destroy() waits for the checkpoint thread's last checkpoint.
const shutdownTimeoutMs = 2000;
// Commits are held for the checkpoint thread's WAL restart at most this long, should it not answer.
const holdTimeoutMs = 2000;

/**
 * The one `node:sqlite` connection of the calling thread, shared by every caller.
 *
 * Writes outside transactions are grouped: those that arrive before the loop's next check phase,
 * and those of the requests waiting to run then, run together in one transaction and each caller
 * is answered after its COMMIT. A commit costs
 * a WAL append (and now and then a checkpoint) whatever its size, so under load this multiplies
 * write throughput, while each write stays atomic and is acknowledged only once durable. A
 * failing statement (a constraint) fails alone: SQLite rolls back that statement, not the batch.
 *
 * Commits run here, on the event loop: with the WAL checkpointed by a thread of its own (servers),
 * a commit is a WAL append without fsync (synchronous=NORMAL), tens of microseconds for a batch.
 * Measured against committing on a writer thread of its own (the design until 2026-11-23): the
 * message round trip cost the event loop more CPU than the commit itself, and waiting for the
 * other thread's answer left the loop idle a fifth of the time; opaque-token issuance and refresh
 * rotation both ran ~25% faster here.
 *
 * Explicit transactions take the connection exclusively; other queries wait for them to end,
 * since on one connection they would otherwise run inside the open transaction. Before one
 * begins, every queued write is committed; writes issued during it are committed after it.
 *
 * Now and then the checkpoint thread asks for commits to be held for a few milliseconds, so that
 * the WAL can start over instead of growing under writes that never pause
 * (sqlite-checkpoint-worker.ts); reads go on meanwhile.
 */
class SharedConnection {
  readonly #db: DatabaseSync;
  // Preparing is a large share of a small query's cost; statements are reused by SQL text.
  readonly #statements = new Map<string, { stmt: StatementSync; returnsRows: boolean }>();
  readonly #readers = new Map<string, boolean>();
  #checkpointer: Worker | undefined;
  #batch: PendingWrite[] = [];
  #flushScheduled = false;
  #transaction: TransactionConnection | undefined;
  #waiters: Array<() => void> = [];
  // Commits wait while the checkpoint thread's last pass before a WAL restart runs
  // (sqlite-checkpoint-worker.ts); a hold asked for during a transaction starts when it ends.
  #held: NodeJS.Timeout | undefined;
  #holdAsked = false;
  #closing = false;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /** Moves WAL checkpoints of `path` (a file this connection has in WAL mode) to a thread of their own. */
  startCheckpointThread(path: string, options: NodeSqliteOptions): void {
    // Automatic checkpoints would fsync inside a commit (7 ms on average, up to 28 ms, measured).
    this.#db.exec('PRAGMA wal_autocheckpoint = 0');
    const worker = startCheckpointThread(path, options, () => {
      // Without the thread, SQLite's own checkpoints keep the WAL bounded again.
      this.#endHold();
      if (this.#db.isOpen) this.#db.exec('PRAGMA wal_autocheckpoint = 1000');
    });
    worker.on('message', (message) => {
      if (message === 'hold') this.#hold();
      else if (message === 'release') this.#endHold();
    });
    this.#checkpointer = worker;
  }

  /** Holds commits for the checkpoint thread's last pass before a WAL restart, once no transaction is open. */
  #hold(): void {
    if (this.#closing) return;
    if (this.#transaction) {
      this.#holdAsked = true;
      return;
    }
    this.#holdAsked = false;
    // Should the thread never answer, commits resume anyway.
    this.#held = setTimeout(() => this.#endHold(), holdTimeoutMs);
    this.#held.unref();
    this.#checkpointer?.postMessage('held');
  }

  #endHold(): void {
    if (!this.#held) return;
    clearTimeout(this.#held);
    this.#held = undefined;
    this.#wake();
  }

  #prepare(sql: string): { stmt: StatementSync; returnsRows: boolean } {
    let entry = this.#statements.get(sql);
    if (!entry) {
      const stmt = this.#db.prepare(sql);
      entry = { stmt, returnsRows: stmt.columns().length > 0 };
      if (this.#statements.size > 1000) this.#statements.clear();
      this.#statements.set(sql, entry);
    }
    return entry;
  }

  run<R>(compiled: CompiledQuery): QueryResult<R> {
    const { stmt, returnsRows } = this.#prepare(compiled.sql);
    const params = compiled.parameters.map(toSqlValue);
    if (returnsRows) return { rows: stmt.all(...params) as R[] };
    const { changes, lastInsertRowid } = stmt.run(...params);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }

  /** True for a query that only reads (it runs at once); anything else is a write for the batch. */
  isReader(sql: string): boolean {
    let reader = this.#readers.get(sql);
    if (reader === undefined) {
      // Writes are told by their SQL text, not prepared here: preparing checks the schema, which
      // the writes queued before this one may still change (a migration's DROP INDEX then CREATE
      // INDEX would fail to prepare); a write is prepared when its batch runs it, in order.
      reader = mayRead(sql) && this.#prepare(sql).returnsRows;
      if (this.#readers.size > 1000) this.#readers.clear();
      this.#readers.set(sql, reader);
    }
    return reader;
  }

  /** True while another caller's transaction holds the connection. */
  busy(caller?: TransactionConnection): boolean {
    return this.#transaction !== undefined && this.#transaction !== caller;
  }

  /** Resolves when the current transaction ends; callers re-check `busy` synchronously after it. */
  released(): Promise<void> {
    return new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  /** A query outside any transaction: waits for one that holds the connection, then reads at once or joins the batch. */
  execute<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    if (this.busy()) return this.released().then(() => this.execute<R>(compiled));
    if (!this.isReader(compiled.sql)) return this.enqueueWrite<R>(compiled);
    try {
      return Promise.resolve(this.run<R>(compiled));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  enqueueWrite<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    if (!this.#db.isOpen) return Promise.reject(new Error('the database is closed'));
    return new Promise((resolve, reject) => {
      this.#batch.push({ compiled, resolve: resolve as PendingWrite['resolve'], reject });
      this.#scheduleFlush();
    });
  }

  /**
   * Flushes in the check phase of the event loop (the next one, for writes a turn batch made),
   * once the requests that arrived before it have written too: when a turn batch of them is
   * waiting to run, the commit comes after that batch's work (`afterWaitingBatch`). With nothing
   * else ready the commit is at most one loop iteration away; under load each commit takes in a
   * second turn's writes. Measured with the token benchmark's opaque request (2026-11-24): 5.2 →
   * 6.8 tokens per commit, 3–8 µs less event-loop CPU per token (concurrent A/Bs of 8 rounds).
   */
  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => afterWaitingBatch(() => this.flush()));
  }

  /** Commits the queued writes; deferred while an explicit transaction is open. */
  flush(): void {
    this.#flushScheduled = false;
    this.#pump();
  }

  /** Commits the queued writes, unless a transaction or a WAL restart holds them back. */
  #pump(): void {
    if (this.#transaction || this.#held || this.#batch.length === 0) return;
    this.#commitQueued();
  }

  /** Commits the queued writes in one transaction, answering each write on its own outcome. */
  #commitQueued(): void {
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
      if (this.#db.isOpen && this.#db.isTransaction) this.#db.exec('ROLLBACK');
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
    while (this.busy() || this.#held) await this.released();
    this.#transaction = transaction;
    try {
      // Queued writes were acknowledged to nobody yet; commit them before the transaction starts.
      if (this.#batch.length) this.#commitQueued();
      this.#db.exec('BEGIN IMMEDIATE');
    } catch (error) {
      this.#release();
      throw error;
    }
  }

  end(sql: 'COMMIT' | 'ROLLBACK'): void {
    try {
      this.#db.exec(sql);
    } finally {
      this.#release();
    }
  }

  #release(): void {
    this.#transaction = undefined;
    if (this.#holdAsked) this.#hold();
    this.#wake();
  }

  /** Wakes whoever waits for the connection, and commits what queued meanwhile. */
  #wake(): void {
    if (this.#transaction || this.#held) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
    if (this.#batch.length) this.#scheduleFlush();
  }

  /** Answers the pending writes, lets the checkpoint thread empty the WAL, then closes. */
  async close(): Promise<void> {
    // Let queries issued just before destroy() reach this connection (Kysely hands them over a
    // few promise jobs later), so that they are answered too.
    await new Promise((resolve) => setImmediate(resolve));
    this.#closing = true;
    while (this.#held) await this.released();
    this.#pump();
    await stopCheckpointThread(this.#checkpointer);
    this.#checkpointer = undefined;
    this.#statements.clear();
    this.#db.close();
  }
}

/** Checkpoints the WAL of `path` from a worker thread (every second by default); `onError` if it fails. */
function startCheckpointThread(path: string, options: NodeSqliteOptions, onError: () => void): Worker {
  const worker = new Worker(new URL('./sqlite-checkpoint-worker.ts', import.meta.url), {
    workerData: {
      path,
      intervalMs: options.checkpointIntervalMs ?? 1000,
      restartFrames: options.walRestartFrames ?? 1000,
    } satisfies CheckpointWorkerData,
  });
  worker.unref();
  // If the checkpointer fails, fall back to SQLite's own checkpoints rather than let the WAL grow.
  worker.on('error', onError);
  return worker;
}

/** Asks the checkpoint thread for a last TRUNCATE checkpoint, waiting at most 2 s. */
async function stopCheckpointThread(worker: Worker | undefined): Promise<void> {
  if (!worker) return;
  const stopped = new Promise<void>((resolve) => {
    worker.on('message', (message) => {
      if (message === 'stopped') resolve();
    });
    worker.once('exit', () => resolve());
  });
  worker.postMessage('stop');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([stopped, new Promise((resolve) => (timer = setTimeout(resolve, shutdownTimeoutMs)))]);
  clearTimeout(timer);
  await worker.terminate();
}

/** A parameter as node:sqlite binds it. */
function toSqlValue(value: unknown): SqlValue {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === undefined) return null;
  return value as SqlValue;
}

/**
 * False for SQL that certainly writes: INSERT … RETURNING returns rows too, but belongs in a
 * batch. What this lets through is prepared, and reads only if it returns rows.
 */
function mayRead(sql: string): boolean {
  const head = /^\s*(\w+)/.exec(sql)?.[1]?.toLowerCase();
  if (head === 'with') return !/\b(insert|update|delete|replace)\b/i.test(sql);
  return head === 'select' || head === 'values' || head === 'pragma' || head === 'explain';
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
    return this.#shared.execute<R>(compiled);
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

  /** The open connection, for the dialect's direct runner. */
  get shared(): SharedConnection | undefined {
    return this.#shared;
  }

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
    this.#shared = new SharedConnection(db);
    if (this.#options.checkpointThread && this.#path !== ':memory:') this.#shared.startCheckpointThread(this.#path, this.#options);
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
    await this.#shared?.close();
    this.#shared = undefined;
  }
}
