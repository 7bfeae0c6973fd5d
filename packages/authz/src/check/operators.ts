import type { MaybePromise } from '../tuple-reader.ts';
import type { CheckResult } from './types.ts';

type Branch = () => MaybePromise<CheckResult>;

/** An operator's answer with the branch results that decided it (for explanations). */
export interface OperatorResult extends CheckResult {
  children: CheckResult[];
}

const ignore = () => {};

/** What the branches answered synchronously: results, the first error, and those still pending. */
interface Started {
  results: CheckResult[];
  pending: Array<Promise<CheckResult>>;
  error: { value: unknown } | undefined;
}

/**
 * Starts branches in order until one answers synchronously with `decisive` (then stops: the
 * later branches are not started, so their reads are never made). A branch that throws counts
 * as an error; one that returns a promise keeps running beside the others, as before.
 */
function start(branches: Branch[], decisive: (result: CheckResult) => boolean): CheckResult | Started {
  const started: Started = { results: [], pending: [], error: undefined };
  for (const branch of branches) {
    let result: MaybePromise<CheckResult>;
    try {
      result = branch();
    } catch (error) {
      started.error ??= { value: error };
      continue;
    }
    if (result instanceof Promise) started.pending.push(result);
    else if (decisive(result)) {
      // The answer is known: whatever the pending branches say (or throw) no longer matters.
      for (const pending of started.pending) pending.catch(ignore);
      return result;
    } else started.results.push(result);
  }
  return started;
}

/**
 * Set operators over branches. Branches answering synchronously (a synchronous reader) are
 * evaluated one after the other and stop at the first decisive answer; branches answering with
 * a promise run together, each returning as soon as its answer is known. Errors lose to a
 * decisive answer (a granting union branch, a failing intersection branch), as in OpenFGA;
 * cycles count as "not allowed" and are remembered so the result is not cached.
 */
export function union(branches: Branch[]): MaybePromise<OperatorResult> {
  const started = start(branches, (r) => r.allowed);
  if (!('pending' in started)) return { allowed: true, cycle: started.cycle, children: [started] };
  const cycleOf = (results: CheckResult[]) => results.some((r) => r.cycle);
  if (started.pending.length === 0) {
    if (started.error) throw started.error.value;
    return { allowed: false, cycle: cycleOf(started.results), children: started.results };
  }
  return new Promise((resolve, reject) => {
    let pending = started.pending.length;
    let error = started.error;
    const failed = started.results;
    let done = false;
    for (const branch of started.pending) {
      branch.then(
        (result) => {
          if (done) return;
          if (result.allowed) {
            done = true;
            resolve({ allowed: result.allowed, cycle: result.cycle, children: [result] });
            return;
          }
          failed.push(result);
          settle();
        },
        (err) => {
          error ??= { value: err };
          settle();
        },
      );
    }
    function settle(): void {
      if (--pending > 0 || done) return;
      done = true;
      if (error !== undefined) reject(error.value);
      else resolve({ allowed: false, cycle: cycleOf(failed), children: failed });
    }
  });
}

export function intersection(branches: Branch[]): MaybePromise<OperatorResult> {
  const started = start(branches, (r) => !r.allowed);
  if (!('pending' in started)) return { allowed: false, cycle: started.cycle, children: [started] };
  if (started.pending.length === 0) {
    if (started.error) throw started.error.value;
    return { allowed: true, children: started.results };
  }
  return new Promise((resolve, reject) => {
    let pending = started.pending.length;
    let error = started.error;
    const granted = started.results;
    let done = false;
    for (const branch of started.pending) {
      branch.then(
        (result) => {
          if (done) return;
          if (!result.allowed) {
            done = true;
            resolve({ allowed: result.allowed, cycle: result.cycle, children: [result] });
            return;
          }
          granted.push(result);
          settle();
        },
        (err) => {
          error ??= { value: err };
          settle();
        },
      );
    }
    function settle(): void {
      if (--pending > 0 || done) return;
      done = true;
      if (error !== undefined) reject(error.value);
      else resolve({ allowed: true, children: granted });
    }
  });
}

/** A branch's answer, synchronous or not, with a synchronous throw caught as a rejection. */
function run(branch: Branch): MaybePromise<CheckResult> | { error: unknown } {
  try {
    return branch();
  } catch (error) {
    return { error };
  }
}

const failedSync = (outcome: MaybePromise<CheckResult> | { error: unknown }): outcome is { error: unknown } =>
  !(outcome instanceof Promise) && 'error' in outcome;

/**
 * `base but not subtract`. A cycle under `subtract` makes the whole "not allowed" (OpenFGA). When
 * `base` answers "not allowed" synchronously, `subtract` is not evaluated.
 */
export function exclusion(base: Branch, subtract: Branch): MaybePromise<OperatorResult> {
  const baseOutcome = run(base);
  if (!(baseOutcome instanceof Promise) && !failedSync(baseOutcome) && !baseOutcome.allowed)
    return { allowed: false, cycle: baseOutcome.cycle, children: [baseOutcome] };
  const subtractOutcome = run(subtract);
  if (!(baseOutcome instanceof Promise) && !(subtractOutcome instanceof Promise)) {
    if (!failedSync(subtractOutcome) && (subtractOutcome.allowed || subtractOutcome.cycle))
      return { allowed: false, cycle: subtractOutcome.cycle, children: [subtractOutcome] };
    if (failedSync(baseOutcome)) throw baseOutcome.error;
    if (failedSync(subtractOutcome)) throw subtractOutcome.error;
    return { allowed: true, children: [baseOutcome, subtractOutcome] };
  }
  const promised = (outcome: MaybePromise<CheckResult> | { error: unknown }) =>
    failedSync(outcome) ? Promise.reject(outcome.error) : Promise.resolve(outcome);
  return exclusionAsync(promised(baseOutcome), promised(subtractOutcome));
}

function exclusionAsync(base: Promise<CheckResult>, subtract: Promise<CheckResult>): Promise<OperatorResult> {
  return new Promise((resolve, reject) => {
    let baseResult: CheckResult | undefined;
    let subtractResult: CheckResult | undefined;
    let baseError: unknown;
    let subtractError: unknown;
    let pending = 2;
    let done = false;
    const finish = (result: CheckResult) => {
      done = true;
      resolve({ allowed: false, cycle: result.cycle, children: [result] });
    };
    base.then(
      (result) => {
        if (done) return;
        if (!result.allowed) return finish(result);
        baseResult = result;
        settle();
      },
      (err) => {
        baseError = err;
        settle();
      },
    );
    subtract.then(
      (result) => {
        if (done) return;
        if (result.allowed || result.cycle) return finish(result);
        subtractResult = result;
        settle();
      },
      (err) => {
        subtractError = err;
        settle();
      },
    );
    function settle(): void {
      if (--pending > 0 || done) return;
      done = true;
      if (baseError !== undefined) reject(baseError);
      else if (subtractError !== undefined) reject(subtractError);
      else resolve({ allowed: true, children: [baseResult as CheckResult, subtractResult as CheckResult] });
    }
  });
}
