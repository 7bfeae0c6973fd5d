// Runs WAL checkpoints on its own thread and connection, so the fsyncs they need stall neither the
// server's event loop nor the writer thread's commits (a PASSIVE checkpoint takes no write lock:
// commits go on appending to the WAL meanwhile). Started by sqlite-dialect.ts.
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';

const { path, intervalMs } = workerData as { path: string; intervalMs: number };
const db = new DatabaseSync(path);
db.exec('PRAGMA busy_timeout = 1000');

const timer = setInterval(() => {
  try {
    // PASSIVE never blocks writers; pages still in use by a reader are simply left for next time.
    db.exec('PRAGMA wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort?.postMessage({ error: (error as Error).message });
  }
}, intervalMs);

parentPort?.on('message', (message) => {
  if (message === 'stop') {
    clearInterval(timer);
    try {
      db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    } catch {}
    db.close();
    parentPort?.postMessage('stopped');
  }
});
