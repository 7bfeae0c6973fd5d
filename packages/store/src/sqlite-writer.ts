import { Worker } from 'node:worker_threads';
import type { CompiledQuery, QueryResult } from 'kysely';

export type SqlValue = null | number | bigint | string | Uint8Array;

/** One write waiting for its batch's COMMIT. */
export interface PendingWrite {
  compiled: CompiledQuery;
  resolve: (result: QueryResult<never>) => void;
  reject: (error: unknown) => void;
}

/** The properties of node:sqlite's errors that callers inspect. */
export interface SqliteErrorInfo {
  message: string;
  code?: unknown;
  errcode?: unknown;
  errstr?: unknown;
}

// The protocol between this module and sqlite-writer-worker.ts: one message per batch each way.

export interface WriterData {
  path: string;
}

/**
 * A batch, flat to keep its structured clone cheap: per write, its statement id and its number
 * of parameters, and all the parameters in one array. SQL text only for ids the worker has not seen.
 */
export interface BatchMessage {
  id: number;
  /** Forget every statement id first (the main thread's map reached its bound). */
  reset?: true;
  defs?: Array<[number, string]>;
  /** `[statementId, parameterCount]` per write, flattened. */
  statements: number[];
  params: SqlValue[];
}

/**
 * The batch committed: per write `changes, lastInsertRowid` (flattened), except for the writes
 * listed in `rows` (they returned rows) or `errors` (they failed alone). Or its COMMIT failed,
 * and with it the whole batch.
 */
export type BatchReply =
  | {
      id: number;
      results: Array<number | bigint>;
      rows?: Array<[number, unknown[]]>;
      errors?: Array<[number, SqliteErrorInfo]>;
    }
  | { id: number; failed: SqliteErrorInfo };

export interface WriterThreadOptions {
  /** A batch was answered (or the thread is gone): the owner may send the next one. */
  onIdle: () => void;
  /** The thread died; `unsent` are writes it never started, to be run by the owner instead. */
  onLost: (unsent: PendingWrite[]) => void;
  /** Instead of sqlite-writer-worker.ts (tests). */
  module?: URL;
}

const maxStatementIds = 1000;

/**
 * The main thread's handle on the SQLite writer thread (sqlite-writer-worker.ts): sends one batch
 * at a time and answers its writes when the worker's reply arrives. Writes that arrive while a
 * batch is in flight are the owner's to queue: they form the next batch, so under load a commit
 * covers everything that arrived during the previous one.
 */
export class SqliteWriterThread {
  readonly #worker: Worker;
  readonly #options: WriterThreadOptions;
  // Each SQL text crosses to the worker once; afterwards batches name it by id.
  readonly #ids = new Map<string, number>();
  #nextId = 1;
  #resetIds = false;
  #nextBatchId = 1;
  #inFlight: PendingWrite[] | undefined;
  #idleWaiters: Array<() => void> = [];
  #ready = false;
  #alive = true;
  #stopped: (() => void) | undefined;

  constructor(path: string, options: WriterThreadOptions) {
    this.#options = options;
    this.#worker = new Worker(options.module ?? new URL('./sqlite-writer-worker.ts', import.meta.url), {
      workerData: { path } satisfies WriterData,
    });
    // Referenced only while a batch is in flight: an idle writer must not keep the process alive.
    this.#worker.unref();
    this.#worker.on('message', (message: BatchReply | 'ready' | 'stopped') => this.#onMessage(message));
    // 'exit' follows 'error'; without a listener the error would be thrown on the main thread.
    this.#worker.on('error', () => {});
    this.#worker.on('exit', () => this.#onExit());
  }

  /** False once the thread has died or been stopped. */
  get alive(): boolean {
    return this.#alive;
  }

  /** True when no batch is in flight. */
  get idle(): boolean {
    return this.#inFlight === undefined;
  }

  /**
   * Sends `batch` to be committed; only when `idle` and `alive`. False when a parameter cannot
   * be sent to a thread (structured clone refuses it): the caller runs that batch itself.
   */
  send(batch: PendingWrite[]): boolean {
    if (!this.#alive || this.#inFlight) throw new Error('SQLite writer thread: send while busy or stopped');
    const message: BatchMessage = { id: this.#nextBatchId++, statements: [], params: [] };
    if (this.#resetIds || this.#ids.size >= maxStatementIds) {
      this.#ids.clear();
      this.#resetIds = false;
      message.reset = true;
    }
    for (const write of batch) {
      const { sql, parameters } = write.compiled;
      let id = this.#ids.get(sql);
      if (id === undefined) {
        id = this.#nextId++;
        this.#ids.set(sql, id);
        message.defs ??= [];
        message.defs.push([id, sql]);
      }
      message.statements.push(id, parameters.length);
      for (const value of parameters) message.params.push(toTransferableValue(value));
    }
    try {
      this.#worker.postMessage(message);
    } catch {
      // The ids it defined did not reach the worker: start both maps afresh next time.
      this.#resetIds = true;
      return false;
    }
    this.#inFlight = batch;
    this.#worker.ref();
    return true;
  }

  /** Resolves when no batch is in flight (answered, or given up when the thread died). */
  whenIdle(): Promise<void> {
    if (!this.#inFlight) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Asks the thread to checkpoint (TRUNCATE) and exit; terminates it after `timeoutMs`. */
  async stop(timeoutMs: number): Promise<void> {
    if (!this.#alive) return;
    const stopped = new Promise<void>((resolve) => {
      this.#stopped = resolve;
    });
    this.#worker.ref();
    this.#worker.postMessage('stop');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([stopped, new Promise((resolve) => (timer = setTimeout(resolve, Math.max(0, timeoutMs))))]);
    clearTimeout(timer);
    await this.#worker.terminate();
    this.#onExit();
  }

  #onMessage(message: BatchReply | 'ready' | 'stopped'): void {
    if (message === 'ready') {
      this.#ready = true;
      return;
    }
    if (message === 'stopped') {
      this.#stopped?.();
      return;
    }
    const batch = this.#inFlight;
    this.#inFlight = undefined;
    this.#worker.unref();
    // Hand the worker its next batch before answering this one, so both threads stay busy.
    this.#options.onIdle();
    if (batch) settle(batch, message);
    if (!this.#inFlight) this.#wakeIdleWaiters();
  }

  #onExit(): void {
    if (!this.#alive) return;
    this.#alive = false;
    this.#stopped?.();
    const batch = this.#inFlight ?? [];
    this.#inFlight = undefined;
    let unsent: PendingWrite[] = [];
    if (!this.#ready) {
      // The thread never reached its message loop, so it executed nothing: the owner redoes all.
      unsent = batch;
    } else if (batch.length) {
      // It may have died before, during or after the COMMIT: redoing could apply a write twice.
      const error = Object.assign(
        new Error('the SQLite writer thread stopped while committing this write; it may or may not have been committed'),
        { code: 'ERR_SQLITE_WRITER_LOST' },
      );
      for (const write of batch) write.reject(error);
    }
    this.#options.onLost(unsent);
    this.#wakeIdleWaiters();
  }

  #wakeIdleWaiters(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const wake of waiters) wake();
  }
}

/** Answers each write of a batch from the worker's reply. */
function settle(batch: PendingWrite[], reply: BatchReply): void {
  if ('failed' in reply) {
    const error = toError(reply.failed);
    for (const write of batch) write.reject(error);
    return;
  }
  const special = new Map<number, { rows: unknown[] } | { error: SqliteErrorInfo }>();
  for (const [i, rows] of reply.rows ?? []) special.set(i, { rows });
  for (const [i, error] of reply.errors ?? []) special.set(i, { error });
  for (let i = 0; i < batch.length; i++) {
    const write = batch[i] as PendingWrite;
    const outcome = special.get(i);
    if (outcome && 'error' in outcome) write.reject(toError(outcome.error));
    else if (outcome) write.resolve({ rows: outcome.rows as never[] });
    else
      write.resolve({
        numAffectedRows: BigInt(reply.results[2 * i] ?? 0),
        insertId: BigInt(reply.results[2 * i + 1] ?? 0),
        rows: [],
      });
  }
}

/** Rebuilds an error with node:sqlite's properties (structured clone would drop `code` and co). */
function toError(info: SqliteErrorInfo): Error {
  const error = new Error(info.message) as Error & Record<string, unknown>;
  for (const key of ['code', 'errcode', 'errstr'] as const) if (info[key] !== undefined) error[key] = info[key];
  return error;
}

/** A parameter as node:sqlite binds it, and cheap to clone. */
export function toSqlValue(value: unknown): SqlValue {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === undefined) return null;
  return value as SqlValue;
}

function toTransferableValue(value: unknown): SqlValue {
  // A Buffer is often a view on a shared pool: cloning it would copy the whole pool.
  if (value instanceof Uint8Array && value.byteLength !== value.buffer.byteLength) return new Uint8Array(value);
  return toSqlValue(value);
}
