import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cachedAccessTokenStore } from './cached-access-token-store.ts';
import type { AccessTokenRecord, AccessTokenStore } from './types.ts';

function record(hash: string, grant: string | null = null): AccessTokenRecord {
  return {
    token_hash: hash,
    client_id: 'c',
    subject: 's',
    audience: ['https://api.example.com'],
    scope: '',
    claims: {},
    grant_id: grant,
    issued_at: 1,
    expires_at: 100,
    revoked_at: null,
  };
}

/** An in-memory inner store that counts the lookups reaching it. */
function countingStore(): AccessTokenStore & { finds: number } {
  const rows = new Map<string, AccessTokenRecord>();
  return {
    finds: 0,
    async insert(r) {
      rows.set(r.token_hash, { ...r });
    },
    async find(hash) {
      this.finds++;
      const row = rows.get(hash);
      return row && { ...row };
    },
    async revoke(hash, at) {
      const row = rows.get(hash);
      if (!row || row.revoked_at !== null) return false;
      row.revoked_at = at;
      return true;
    },
    async revokeGrant(grant, at) {
      let revoked = false;
      for (const row of rows.values()) {
        if (row.grant_id === grant && row.revoked_at === null) {
          row.revoked_at = at;
          revoked = true;
        }
      }
      return revoked;
    },
    async deleteExpired(now, keyBelow) {
      let count = 0;
      for (const [hash, row] of rows) {
        if (hash < keyBelow && row.expires_at < now) {
          rows.delete(hash);
          count++;
        }
      }
      return count;
    },
  };
}

describe('cached access-token store', () => {
  test('an issued token is first read from the database, then answered from memory', async () => {
    const inner = countingStore();
    const store = cachedAccessTokenStore(inner, 100);
    await store.insert(record('t'));
    assert.equal((await store.find('t'))?.token_hash, 't');
    assert.equal(inner.finds, 1, 'issuing does not fill the cache');
    assert.equal((await store.find('t'))?.token_hash, 't');
    assert.equal(inner.finds, 1, 'the second lookup comes from memory');
  });

  test('the cache stays bounded: the least recently cached tokens are read from the database again', async () => {
    const inner = countingStore();
    const store = cachedAccessTokenStore(inner, 100);
    for (let i = 0; i < 1000; i++) await store.insert(record(`t${i}`));
    for (let i = 0; i < 1000; i++) await store.find(`t${i}`);
    assert.equal(inner.finds, 1000);
    assert.equal((await store.find('t999'))?.token_hash, 't999');
    assert.equal((await store.find('t960'))?.token_hash, 't960');
    assert.equal(inner.finds, 1000, 'the latest lookups come from memory');
    assert.equal((await store.find('t0'))?.token_hash, 't0');
    assert.equal(inner.finds, 1001, 'an evicted token is read from the database');
  });

  test('a token whose grant was withdrawn after it was cached reads as revoked', async () => {
    const inner = countingStore();
    const store = cachedAccessTokenStore(inner, 100);
    await store.insert(record('late', 'grant-2'));
    assert.equal((await store.find('late'))?.revoked_at, null);
    await store.revokeGrant('grant-2', 7);
    assert.equal((await store.find('late'))?.revoked_at, 7);
    assert.equal(inner.finds, 2, 'the withdrawal forgot the cached record');
  });

  test('revocation, grant revocation and expiry are never hidden by the cache', async () => {
    const inner = countingStore();
    const store = cachedAccessTokenStore(inner, 100);
    await store.insert(record('a'));
    await store.insert(record('b', 'grant-1'));
    await store.insert(record('c', 'grant-1'));
    for (const hash of ['a', 'b', 'c']) assert.equal((await store.find(hash))?.revoked_at, null, 'cached while live');
    assert.equal(await store.revoke('a', 5), true);
    assert.equal((await store.find('a'))?.revoked_at, 5);
    assert.equal(await store.revokeGrant('grant-1', 6), true);
    assert.equal((await store.find('b'))?.revoked_at, 6);
    assert.equal((await store.find('c'))?.revoked_at, 6);
    assert.equal(await store.deleteExpired(1000, '~'), 3);
    assert.equal(await store.find('a'), undefined);
  });
});
