import type { CheckResult } from './types.ts';

type Branch = () => Promise<CheckResult>;

/** An operator's answer with the branch results that decided it (for explanations). */
export interface OperatorResult extends CheckResult {
  children: CheckResult[];
}

/**
 * Set operators over branches started together, each returning as soon as its answer is known.
 * Errors lose to a decisive answer (a granting union branch, a failing intersection branch), as
 * in OpenFGA; cycles count as "not allowed" and are remembered so the result is not cached.
 */
export function union(branches: Branch[]): Promise<OperatorResult> {
  if (branches.length === 1) return (branches[0] as Branch)().then((r) => ({ ...r, children: [r] }));
  return new Promise((resolve, reject) => {
    let pending = branches.length;
    let error: unknown;
    let cycle = false;
    const failed: CheckResult[] = [];
    let done = false;
    if (pending === 0) resolve({ allowed: false, children: [] });
    for (const branch of branches) {
      branch().then(
        (result) => {
          if (done) return;
          if (result.allowed) {
            done = true;
            resolve({ allowed: result.allowed, cycle: result.cycle, children: [result] });
            return;
          }
          cycle ||= Boolean(result.cycle);
          failed.push(result);
          settle();
        },
        (err) => {
          error ??= err;
          settle();
        },
      );
    }
    function settle(): void {
      if (--pending > 0 || done) return;
      done = true;
      if (error !== undefined) reject(error);
      else resolve({ allowed: false, cycle, children: failed });
    }
  });
}

export function intersection(branches: Branch[]): Promise<OperatorResult> {
  if (branches.length === 1) return (branches[0] as Branch)().then((r) => ({ ...r, children: [r] }));
  return new Promise((resolve, reject) => {
    let pending = branches.length;
    let error: unknown;
    const granted: CheckResult[] = [];
    let done = false;
    for (const branch of branches) {
      branch().then(
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
          error ??= err;
          settle();
        },
      );
    }
    function settle(): void {
      if (--pending > 0 || done) return;
      done = true;
      if (error !== undefined) reject(error);
      else resolve({ allowed: true, children: granted });
    }
  });
}

/** `base but not subtract`. A cycle under `subtract` makes the whole "not allowed" (OpenFGA). */
export function exclusion(base: Branch, subtract: Branch): Promise<OperatorResult> {
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
    base().then(
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
    subtract().then(
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
