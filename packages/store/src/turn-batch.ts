interface Pending {
  run: () => Promise<unknown>;
  resolve: (outcome: Promise<unknown>) => void;
}

let pending: Pending[] = [];

function runPending(): void {
  const batch = pending;
  pending = [];
  for (const { run, resolve } of batch) {
    try {
      resolve(run());
    } catch (error) {
      resolve(Promise.reject(error));
    }
  }
}

/**
 * Runs `run` once this event-loop turn's I/O callbacks have run, back to back with every other
 * call made in the turn (the way SQLite writes are grouped into one commit per turn). Work of one
 * kind done together finds its code and data still in the CPU caches, which the HTTP work of the
 * requests between them would otherwise have evicted: permission checks walk the same model and
 * index levels, introspection reads the same caches, signatures use the same curve tables.
 */
export function inTurnBatch<T>(run: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve) => {
    if (pending.push({ run, resolve: resolve as (outcome: Promise<unknown>) => void }) === 1) setImmediate(runPending);
  });
}
