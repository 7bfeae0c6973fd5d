import type { CheckResolver, CheckResult } from './types.ts';

export interface CheckCacheOptions {
  /** Entries kept (about); the oldest half is dropped at once when full. */
  maxEntries?: number;
  /** How long an answer is reused, in milliseconds (OpenFGA's check-query-cache TTL is 10 s). */
  ttlMs?: number;
  /** Injected clock. */
  now?: () => number;
}

interface Entry {
  allowed: boolean;
  expires: number;
}

/**
 * Caches sub-problem answers in front of `delegate`. Only answers that do not depend on the path
 * are kept: "allowed", and "not allowed" without a cycle cut. The key carries the request's
 * `cacheScope` (store, model, revision, context); a request without a scope bypasses the cache,
 * which is how HIGHER_CONSISTENCY reads skip it.
 *
 * Entries live in two generations: new answers go to the young map; when it holds half the
 * budget it becomes the old one and the previous old one is dropped. Evicting one entry at a time
 * from a Map's front instead leaves deleted slots that every later eviction walks past.
 */
export function cachedCheckResolver(delegate: CheckResolver, options: CheckCacheOptions = {}): CheckResolver {
  const generationSize = Math.max(1, Math.floor((options.maxEntries ?? 10_000) / 2));
  const ttlMs = options.ttlMs ?? 10_000;
  const now = options.now ?? Date.now;
  let young = new Map<string, Entry>();
  let old = new Map<string, Entry>();
  return {
    resolveCheck(request, context) {
      if (context.cacheScope === undefined || context.explain) return delegate.resolveCheck(request, context);
      const key = `${context.cacheScope}|${request.object}#${request.relation}@${request.user}`;
      const hit = young.get(key) ?? old.get(key);
      if (hit && hit.expires > now()) return { allowed: hit.allowed };
      const remember = (result: CheckResult): CheckResult => {
        if (!result.cycle) {
          if (young.size >= generationSize) {
            old = young;
            young = new Map();
          }
          young.set(key, { allowed: result.allowed, expires: now() + ttlMs });
        }
        return result;
      };
      const result = delegate.resolveCheck(request, context);
      return result instanceof Promise ? result.then(remember) : remember(result);
    },
  };
}
