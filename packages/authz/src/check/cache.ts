import { ScopedGenerations } from '../scoped-generations.ts';
import type { CheckResolver, CheckResult } from './types.ts';

export interface CheckCacheOptions {
  /** Entries kept (about); the oldest half is dropped at once when full. */
  maxEntries?: number;
  /** How long an answer is reused, in milliseconds (OpenFGA's check-query-cache TTL is 10 s). */
  ttlMs?: number;
  /** Injected clock. */
  now?: () => number;
}

/**
 * Caches sub-problem answers in front of `delegate`. Only answers that do not depend on the path
 * are kept: "allowed", and "not allowed" without a cycle cut. An answer holds for the request's
 * `cacheScope` (store, model, revision, context); a request without a scope bypasses the cache,
 * which is how HIGHER_CONSISTENCY reads skip it. Answers are keyed by the problem
 * (`object#relation@user`, built once by the dispatcher) in two generations (scoped-generations.ts).
 */
export function cachedCheckResolver(delegate: CheckResolver, options: CheckCacheOptions = {}): CheckResolver {
  const answers = new ScopedGenerations<boolean>(Math.floor((options.maxEntries ?? 10_000) / 2));
  const ttlMs = options.ttlMs ?? 10_000;
  const now = options.now ?? Date.now;
  return {
    resolveCheck(request, context) {
      const scope = context.cacheScope;
      if (scope === undefined || context.explain) return delegate.resolveCheck(request, context);
      const key = request.key ?? `${request.object}#${request.relation}@${request.user}`;
      const hit = answers.get(key, scope, now());
      if (hit !== undefined) return { allowed: hit };
      const remember = (result: CheckResult): CheckResult => {
        if (!result.cycle) answers.put(key, scope, result.allowed, now() + ttlMs, 1);
        return result;
      };
      const result = delegate.resolveCheck(request, context);
      return result instanceof Promise ? result.then(remember) : remember(result);
    },
  };
}
