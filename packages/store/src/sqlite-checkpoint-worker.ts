// Runs WAL checkpoints on its own thread and connection, so the fsyncs they need stall neither the
// server's event loop nor its commits (a PASSIVE checkpoint takes no write lock: commits go on
// appending to the WAL meanwhile). Started by sqlite-dialect.ts.
//
// SQLite starts the WAL over from its beginning only when a write transaction begins with every
// frame checkpointed. Under writes that never pause a commit lands during every checkpoint, so
// that moment never comes and the WAL grows without end: 177 MB after 7 s of token issuance
// (measured 2026-11-24), every commit appending to an ever longer file. So once the WAL is past
// `restartFrames`, this thread catches up until the frames committed during one pass are few,
// then asks the serving thread to hold its commits ('hold'). Once it has ('held'), a last pass
// copies those few frames with no commit racing it, and the serving thread's next commit starts
// the WAL over ('release'). Commits are held for a few milliseconds (2.6–6 ms under the token
// benchmark); reads go on meanwhile.
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';

/** What sqlite-dialect.ts passes this thread. */
export interface CheckpointWorkerData {
  path: string;
  intervalMs: number;
  restartFrames: number;
}

/** A checkpoint's outcome: `log` is the WAL's size in frames, `checkpointed` the frames copied to the database. */
interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

// Catch-up passes per interval before leaving the rest to the next one: when commits outpace
// checkpoints, holding them until a pass is short enough could hold them for long.
const maxCatchUpPasses = 8;

const { path, intervalMs, restartFrames } = workerData as CheckpointWorkerData;
const db = new DatabaseSync(path);
db.exec('PRAGMA busy_timeout = 1000');
const passive = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
let holding = false;

/** PASSIVE never blocks writers; frames still in use by a reader are simply left for next time. */
function checkpoint(): CheckpointResult {
  return passive.get() as unknown as CheckpointResult;
}

/** Checkpoints what the WAL holds and, when it has grown past `restartFrames`, asks for a restart. */
function checkpointAndRestart(): void {
  let last = checkpoint();
  if (last.log <= restartFrames) return;
  for (let pass = 0; pass < maxCatchUpPasses; pass++) {
    const next = checkpoint();
    // Nothing committed during the last pass (or the WAL started over meanwhile): the next commit
    // finds every frame checkpointed and starts over by itself.
    if (next.log <= last.log) return;
    if (next.log - last.log <= restartFrames) {
      holding = true;
      parentPort?.postMessage('hold');
      return;
    }
    last = next;
  }
}

/** Passes a failed checkpoint's message to the serving thread; the next interval tries again. */
function reportError(error: unknown): void {
  parentPort?.postMessage({ error: (error as Error).message });
}

const timer = setInterval(() => {
  if (holding) return;
  try {
    checkpointAndRestart();
  } catch (error) {
    reportError(error);
  }
}, intervalMs);

parentPort?.on('message', (message) => {
  if (message === 'held') {
    try {
      checkpoint();
    } catch (error) {
      reportError(error);
    } finally {
      holding = false;
      parentPort?.postMessage('release');
    }
  } else if (message === 'stop') {
    clearInterval(timer);
    try {
      db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    } catch {}
    db.close();
    parentPort?.postMessage('stopped');
  }
});
