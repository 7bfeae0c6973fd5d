import type { CheckResolver, CheckResult } from './types.ts';

export interface CheckCacheOptions {
  /** Entries kept; the oldest are evicted first. */
  maxEntries?: number;
  /** How long an answer is reused, in milliseconds (OpenFGA's check-query-cache TTL is 10 s). */
  ttlMs?: number;
  /** Injected clock. */
  now?: () => number;
}

/**
 * Caches sub-problem answers in front of `delegate`. Only answers that do not depend on the path
 * are kept: "allowed", and "not allowed" without a cycle cut. The key carries the request's
 * `cacheScope` (store, model, revision, context); a request without a scope bypasses the cache,
 * which is how HIGHER_CONSISTENCY reads skip it.
 */
export function cachedCheckResolver(delegate: CheckResolver, options: CheckCacheOptions = {}): CheckResolver {
  const maxEntries = options.maxEntries ?? 10_000;
  const ttlMs = options.ttlMs ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { allowed: boolean; expires: number }>();
  return {
    async resolveCheck(request, context) {
      if (context.cacheScope === undefined || context.explain) return delegate.resolveCheck(request, context);
      const key = `${context.cacheScope}|${request.object}#${request.relation}@${request.user}`;
      const hit = entries.get(key);
      if (hit && hit.expires > now()) return { allowed: hit.allowed };
      const result: CheckResult = await delegate.resolveCheck(request, context);
      if (!result.cycle) {
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
        entries.set(key, { allowed: result.allowed, expires: now() + ttlMs });
      }
      return result;
    },
  };
}
