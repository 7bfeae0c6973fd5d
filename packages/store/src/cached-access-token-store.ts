import type { AccessTokenRecord, AccessTokenStore } from './types.ts';

/**
 * Keeps recently issued and looked-up opaque tokens in memory, for a database only one process
 * writes (embedded SQLite): every change passes through this object, so the cache is never
 * stale. Introspection of a hot token then costs no query. Not for shared databases, where
 * another node's revocation would not be seen.
 */
export function cachedAccessTokenStore(inner: AccessTokenStore, maxEntries = 50_000): AccessTokenStore {
  const cache = new Map<string, AccessTokenRecord>();
  const remember = (record: AccessTokenRecord) => {
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
    cache.set(record.token_hash, record);
  };
  return {
    async insert(record) {
      await inner.insert(record);
      remember(record);
    },
    async find(tokenHash) {
      const hit = cache.get(tokenHash);
      if (hit) return hit;
      const record = await inner.find(tokenHash);
      if (record) remember(record);
      return record;
    },
    // Forget before and after the write: a lookup between the two may have re-read the row
    // before the (grouped) commit, and its answer must not outlive the revocation.
    async revoke(tokenHash, at) {
      cache.delete(tokenHash);
      const revoked = await inner.revoke(tokenHash, at);
      cache.delete(tokenHash);
      return revoked;
    },
    async revokeGrant(grantId, at) {
      const forget = () => {
        for (const [hash, record] of cache) if (record.grant_id === grantId) cache.delete(hash);
      };
      forget();
      const count = await inner.revokeGrant(grantId, at);
      forget();
      return count;
    },
    async deleteExpired(now) {
      for (const [hash, record] of cache) if (record.expires_at < now) cache.delete(hash);
      return inner.deleteExpired(now);
    },
  };
}
