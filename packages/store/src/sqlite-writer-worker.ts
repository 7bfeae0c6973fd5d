// The SQLite writer thread: commits the server's grouped autocommit writes on its own connection,
// so BEGIN/COMMIT and the WAL appends never block the server's event loop
// (node:sqlite is synchronous). Started and fed by sqlite-writer.ts; the protocol is defined there.
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import type { BatchMessage, BatchReply, SqliteErrorInfo, WriterData } from './sqlite-writer.ts';

const { path } = workerData as WriterData;
const port = parentPort;
if (!port) throw new Error('sqlite-writer-worker.ts runs as a worker thread');

const db = new DatabaseSync(path);
// The main connection hands this thread the write lock by protocol, but another process (a CLI
// command) may hold it: waiting here blocks no event loop but this one.
db.exec('PRAGMA busy_timeout = 5000');
db.exec('PRAGMA synchronous = NORMAL');
db.exec('PRAGMA foreign_keys = ON');
db.exec('PRAGMA journal_size_limit = 67108864');
// Checkpoints have a thread of their own (sqlite-checkpoint-worker.ts): one here would hold every
// commit back for the length of its fsync.
db.exec('PRAGMA wal_autocheckpoint = 0');

// Statement ids are assigned by the main thread; the SQL text arrives once, with the first use.
const sqlById = new Map<number, string>();
const statements = new Map<number, { stmt: StatementSync; reader: boolean }>();

function statement(id: number): { stmt: StatementSync; reader: boolean } {
  let entry = statements.get(id);
  if (!entry) {
    const sql = sqlById.get(id);
    if (sql === undefined) throw new Error(`SQLite writer: unknown statement ${id}`);
    const stmt = db.prepare(sql);
    entry = { stmt, reader: stmt.columns().length > 0 };
    statements.set(id, entry);
  }
  return entry;
}

/** The properties of node:sqlite's errors that callers inspect, as a structured-cloneable object. */
function describe(error: unknown): SqliteErrorInfo {
  const e = error as { message?: unknown; code?: unknown; errcode?: unknown; errstr?: unknown };
  return {
    message: typeof e?.message === 'string' ? e.message : String(error),
    code: e?.code,
    errcode: e?.errcode,
    errstr: e?.errstr,
  };
}

function commit(message: BatchMessage): BatchReply {
  if (message.reset) {
    sqlById.clear();
    statements.clear();
  }
  if (message.defs) for (const [id, sql] of message.defs) sqlById.set(id, sql);
  const writes = message.statements.length / 2;
  const results: Array<number | bigint> = new Array(writes * 2).fill(0);
  const rows: Array<[number, unknown[]]> = [];
  const errors: Array<[number, SqliteErrorInfo]> = [];
  try {
    db.exec('BEGIN IMMEDIATE');
    let offset = 0;
    for (let i = 0; i < writes; i++) {
      const count = message.statements[2 * i + 1] as number;
      const params = message.params.slice(offset, offset + count);
      offset += count;
      try {
        const { stmt, reader } = statement(message.statements[2 * i] as number);
        if (reader) rows.push([i, stmt.all(...params)]);
        else {
          const { changes, lastInsertRowid } = stmt.run(...params);
          results[2 * i] = changes;
          results[2 * i + 1] = lastInsertRowid;
        }
      } catch (error) {
        // A failing statement (a constraint) is rolled back alone; the batch goes on.
        errors.push([i, describe(error)]);
      }
    }
    db.exec('COMMIT');
  } catch (error) {
    try {
      if (db.isTransaction) db.exec('ROLLBACK');
    } catch {}
    return { id: message.id, failed: describe(error) };
  }
  const reply: BatchReply = { id: message.id, results };
  if (rows.length) reply.rows = rows;
  if (errors.length) reply.errors = errors;
  return reply;
}

port.on('message', (message: BatchMessage | 'stop') => {
  if (message === 'stop') {
    try {
      db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    } catch {}
    db.close();
    port.postMessage('stopped');
    port.close();
    return;
  }
  port.postMessage(commit(message));
});
// Nothing sent before this line has been executed: the main thread may redo it if this thread dies first.
port.postMessage('ready');
