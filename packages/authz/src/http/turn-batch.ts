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
 * call made in the turn. A check's walk then finds the model, the engine's code and the upper
 * levels of the tuple indexes still in the CPU caches, which the HTTP work of the requests
 * between two checks would otherwise have evicted.
 */
export function inTurnBatch<T>(run: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve) => {
    if (pending.push({ run, resolve: resolve as (outcome: Promise<unknown>) => void }) === 1) setImmediate(runPending);
  });
}
