interface Pending {
  run: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

let pending: Pending[] = [];
// Called once the batch waiting to run has done its work (afterWaitingBatch).
let afterPending: Array<() => void> = [];
// True from the start of a batch until the promise jobs and ticks it leads to have all run.
let draining = false;
const endDrain = (): void => {
  draining = false;
};

function runPending(): void {
  const batch = pending;
  pending = [];
  if (!draining) {
    draining = true;
    // A tick queued from a promise job runs only once the promise job queue is empty: by then
    // every run of this batch has gone as far as it can without I/O.
    queueMicrotask(() => process.nextTick(endDrain));
  }
  if (afterPending.length) {
    const after = afterPending;
    afterPending = [];
    // Queued before the runs' own promise jobs, so this tick too comes once they have all run.
    queueMicrotask(() => process.nextTick(runEach, after));
  }
  for (const { run, resolve, reject } of batch) {
    try {
      // then() rather than resolve(promise): one promise job fewer per call.
      run().then(resolve, reject);
    } catch (error) {
      reject(error);
    }
  }
}

function runEach(fns: Array<() => void>): void {
  for (const fn of fns) fn();
}

/**
 * Calls `fn` once the turn batch already waiting to run (requests that arrived in this turn) has
 * done its work, or at once when none is waiting. A grouped commit scheduled for the next turn
 * then takes in the writes of the requests that were ready by then, instead of committing
 * without them and leaving them a commit of their own.
 */
export function afterWaitingBatch(fn: () => void): void {
  if (pending.length) afterPending.push(fn);
  else fn();
}

/**
 * Calls `fn` once the work of this event-loop turn is done: after its I/O callbacks (the next
 * check phase), or, when asked from within a batch (`inTurnBatch`), right after that batch's
 * runs have gone as far as they can, still before the loop polls for I/O again. Work one batch
 * leads to (the signatures of the tokens it issued, the commit of the rows it wrote) is then done
 * in the same turn instead of a turn later, with new requests' HTTP work in between.
 */
export function atTurnEnd(fn: () => void): void {
  if (draining) process.nextTick(fn);
  else setImmediate(fn);
}

/**
 * Runs `run` once this event-loop turn's I/O callbacks have run, back to back with every other
 * call made in the turn (the way SQLite writes are grouped into one commit per turn). Work of one
 * kind done together finds its code and data still in the CPU caches, which the HTTP work of the
 * requests between them would otherwise have evicted: token requests run the same grant code,
 * permission checks walk the same model and index levels, introspection reads the same caches,
 * signatures use the same curve tables. Calls made by a batch's runs form the next batch, run in
 * the same turn (`atTurnEnd`).
 */
export function inTurnBatch<T>(run: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (pending.push({ run, resolve: resolve as (value: unknown) => void, reject }) === 1) atTurnEnd(runPending);
  });
}
