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
  scope: string;
  allowed: boolean;
  expires: number;
  /** The same problem under another scope (store, model, revision, context), rarely more than one. */
  next: Entry | undefined;
}

/**
 * Caches sub-problem answers in front of `delegate`. Only answers that do not depend on the path
 * are kept: "allowed", and "not allowed" without a cycle cut. An answer holds for the request's
 * `cacheScope` (store, model, revision, context); a request without a scope bypasses the cache,
 * which is how HIGHER_CONSISTENCY reads skip it.
 *
 * Entries live in two generations: new answers go to the young map; when it holds half the
 * budget it becomes the old one and the previous old one is dropped. Evicting one entry at a time
 * from a Map's front instead leaves deleted slots that every later eviction walks past. Keys are
 * the problem (`object#relation@user`, built once by the dispatcher) with the scope compared in
 * the entry: hashing the scope into every key cost more than the lookup itself.
 */
export function cachedCheckResolver(delegate: CheckResolver, options: CheckCacheOptions = {}): CheckResolver {
  const generationSize = Math.max(1, Math.floor((options.maxEntries ?? 10_000) / 2));
  const ttlMs = options.ttlMs ?? 10_000;
  const now = options.now ?? Date.now;
  let young = new Map<string, Entry>();
  let old = new Map<string, Entry>();
  const find = (generation: Map<string, Entry>, key: string, scope: string): Entry | undefined => {
    for (let entry = generation.get(key); entry; entry = entry.next) if (entry.scope === scope) return entry;
    return undefined;
  };
  return {
    resolveCheck(request, context) {
      const scope = context.cacheScope;
      if (scope === undefined || context.explain) return delegate.resolveCheck(request, context);
      const key = request.key ?? `${request.object}#${request.relation}@${request.user}`;
      const hit = find(young, key, scope) ?? find(old, key, scope);
      if (hit && hit.expires > now()) return { allowed: hit.allowed };
      const remember = (result: CheckResult): CheckResult => {
        if (!result.cycle) {
          if (young.size >= generationSize) {
            old = young;
            young = new Map();
          }
          const other = young.get(key);
          const next = other && other.scope !== scope ? other : undefined;
          if (next) next.next = undefined;
          young.set(key, { scope, allowed: result.allowed, expires: now() + ttlMs, next });
        }
        return result;
      };
      const result = delegate.resolveCheck(request, context);
      return result instanceof Promise ? result.then(remember) : remember(result);
    },
  };
}
