import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeOnEachDatabase } from './test-databases.ts';
import { type AccessTokenRecord, longestAccessTokenTtl } from './types.ts';

function token(hash: string, overrides: Partial<AccessTokenRecord> = {}): AccessTokenRecord {
  return {
    token_hash: hash,
    client_id: 'c1',
    subject: 'c1',
    audience: ['https://api.example.com'],
    scope: 'read write',
    claims: { tenant: 't1' },
    grant_id: null,
    issued_at: 1000,
    expires_at: 2000,
    revoked_at: null,
    ...overrides,
  };
}

describeOnEachDatabase('storage contract', (store) => {
  test('migrations are applied once and re-running them applies nothing', async () => {
    assert.deepEqual(await store.migrate(), []);
  });

  test('clients round-trip their metadata and upsert keeps created_at', async () => {
    await store.clients.upsert({
      client_id: 'c1',
      client_secret_hash: 'h1',
      metadata: { client_name: 'One', grant_types: ['client_credentials'] },
      created_at: 10,
      updated_at: 10,
    });
    await store.clients.upsert({
      client_id: 'c1',
      client_secret_hash: 'h2',
      metadata: { client_name: 'Uno' },
      created_at: 20,
      updated_at: 20,
    });
    const client = await store.clients.get('c1');
    assert.deepEqual(client, {
      client_id: 'c1',
      client_secret_hash: 'h2',
      metadata: { client_name: 'Uno' },
      created_at: 10,
      updated_at: 20,
    });
    assert.equal(await store.clients.get('missing'), undefined);
    assert.deepEqual(
      (await store.clients.list()).map((c) => c.client_id),
      ['c1'],
    );
    assert.equal(await store.clients.delete('c1'), true);
    assert.equal(await store.clients.delete('c1'), false);
  });

  test('apis round-trip and delete', async () => {
    await store.apis.upsert({
      identifier: 'https://api.example.com',
      metadata: { scopes: { read: 'Read' } },
      created_at: 1,
      updated_at: 1,
    });
    assert.deepEqual((await store.apis.get('https://api.example.com'))?.metadata, { scopes: { read: 'Read' } });
    assert.equal((await store.apis.list()).length, 1);
    assert.equal(await store.apis.delete('https://api.example.com'), true);
    assert.equal(await store.apis.get('https://api.example.com'), undefined);
  });

  test('signing keys list in activation order and retire all but the newest', async () => {
    const key = { alg: 'ES256', public_jwk: { kty: 'EC' }, private_key: 'enc', created_at: 1, retired_at: null };
    await store.signingKeys.insert({ ...key, kid: 'k1', activates_at: 1 });
    await store.signingKeys.insert({ ...key, kid: 'k2', activates_at: 5 });
    assert.equal(await store.signingKeys.retireCurrent(5, 'k2'), 1);
    const keys = await store.signingKeys.list();
    assert.deepEqual(
      keys.map((k) => [k.kid, k.retired_at]),
      [
        ['k1', 5],
        ['k2', null],
      ],
    );
    assert.deepEqual(keys[0]?.public_jwk, { kty: 'EC' });
    assert.equal(await store.signingKeys.prune(6), 1);
    assert.deepEqual(
      (await store.signingKeys.list()).map((k) => k.kid),
      ['k2'],
    );
  });

  test('opaque access tokens are found by hash and revoked once', async () => {
    await store.accessTokens.insert(token('t1', { grant_id: 'g1' }));
    assert.deepEqual(await store.accessTokens.find('t1'), token('t1', { grant_id: 'g1' }));
    assert.equal(await store.accessTokens.find('nope'), undefined);
    assert.equal(await store.accessTokens.revoke('t1', 1500), true);
    assert.equal(await store.accessTokens.revoke('t1', 1600), false);
    assert.equal((await store.accessTokens.find('t1'))?.revoked_at, 1500);
  });

  test('a duplicate token hash is refused', async () => {
    await store.accessTokens.insert(token('dup'));
    await assert.rejects(store.accessTokens.insert(token('dup')));
  });

  test('revoking a grant revokes every token of it, and only those', async () => {
    await store.accessTokens.insert(token('g-a', { grant_id: 'g2' }));
    await store.accessTokens.insert(token('g-b', { grant_id: 'g2' }));
    await store.accessTokens.insert(token('g-c', { grant_id: 'g3' }));
    await store.accessTokens.insert(token('g-d'));
    assert.equal(await store.accessTokens.revoke('g-a', 1650), true);
    assert.equal(await store.accessTokens.revokeGrant('g2', 1700), true);
    assert.equal(await store.accessTokens.revokeGrant('g2', 1800), false, 'a grant is revoked once');
    assert.equal((await store.accessTokens.find('g-a'))?.revoked_at, 1650, "a token's own earlier revocation stands");
    assert.deepEqual(await store.accessTokens.find('g-b'), token('g-b', { grant_id: 'g2', revoked_at: 1700 }));
    assert.equal((await store.accessTokens.find('g-c'))?.revoked_at, null, 'another grant is untouched');
    assert.equal((await store.accessTokens.find('g-d'))?.revoked_at, null, 'a token without a grant is untouched');
    // A token that reaches storage under a grant already revoked (a rotation racing the revocation) is revoked too.
    await store.accessTokens.insert(token('g-e', { grant_id: 'g2' }));
    assert.equal((await store.accessTokens.find('g-e'))?.revoked_at, 1700);
  });

  test('a grant revocation is kept as long as a token of the grant may live, then forgotten', async () => {
    await store.accessTokens.revokeGrant('g4', 100);
    await store.accessTokens.deleteExpired(100 + longestAccessTokenTtl, '');
    await store.accessTokens.insert(token('g4-a', { grant_id: 'g4' }));
    assert.equal((await store.accessTokens.find('g4-a'))?.revoked_at, 100, 'kept for the longest token lifetime');
    await store.accessTokens.deleteExpired(101 + longestAccessTokenTtl, '');
    assert.equal((await store.accessTokens.find('g4-a'))?.revoked_at, null, 'forgotten after it');
    assert.equal(await store.accessTokens.revokeGrant('g4', 200), true);
  });

  test('expired tokens below the key bound are deleted; live ones and newer keys stay', async () => {
    await store.accessTokens.insert(token('old-1', { expires_at: 50 }));
    await store.accessTokens.insert(token('old-2', { expires_at: 500 }));
    await store.accessTokens.insert(token('old-9', { expires_at: 50 }));
    assert.equal(await store.accessTokens.deleteExpired(100, 'old-5'), 1);
    assert.equal(await store.accessTokens.find('old-1'), undefined);
    assert.ok(await store.accessTokens.find('old-2'), 'not expired');
    assert.ok(await store.accessTokens.find('old-9'), 'issued after the bound');
  });

  test('a replay marker is claimed once until it expires', async () => {
    assert.equal(await store.replay.claim('c1:jti-1', 100, 10), true);
    assert.equal(await store.replay.claim('c1:jti-1', 100, 20), false);
    assert.equal(await store.replay.claim('c1:jti-1', 300, 100), true);
  });

  test('concurrent claims of one marker give exactly one winner', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => store.replay.claim('race', 100, 10)));
    assert.equal(results.filter(Boolean).length, 1);
  });

  test('concurrent transactions and plain writes do not interleave', async () => {
    const work = Array.from({ length: 10 }, (_, i) =>
      i % 2
        ? store.db.transaction().execute(async (trx) => {
            await trx
              .insertInto('replay_guard')
              .values({ key: `tx-${i}-a`, expires_at: 1 })
              .execute();
            await new Promise((r) => setTimeout(r, 2));
            await trx
              .insertInto('replay_guard')
              .values({ key: `tx-${i}-b`, expires_at: 1 })
              .execute();
          })
        : store.replay.claim(`plain-${i}`, 100, 0),
    );
    await Promise.all(work);
    const keys = await store.db.selectFrom('replay_guard').select('key').where('key', 'like', 'tx-%').execute();
    assert.equal(keys.length, 10);
  });

  test('a failing write fails alone when writes are grouped', async () => {
    await store.accessTokens.insert(token('grouped-dup'));
    const results = await Promise.allSettled([
      store.accessTokens.insert(token('grouped-1')),
      store.accessTokens.insert(token('grouped-dup')),
      store.accessTokens.insert(token('grouped-2')),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.ok(await store.accessTokens.find('grouped-1'));
    assert.ok(await store.accessTokens.find('grouped-2'));
  });

  test('housekeeping deletes expired replay markers and keeps live ones', async () => {
    assert.equal(await store.replay.claim('sweep:old', 10, 0), true);
    assert.equal(await store.replay.claim('sweep:live', 90, 0), true);
    assert.ok((await store.replay.deleteExpired(50)) >= 1);
    const left = await store.db.selectFrom('replay_guard').select('key').where('key', 'like', 'sweep:%').execute();
    assert.deepEqual(
      left.map((r) => r.key),
      ['sweep:live'],
    );
    assert.equal(await store.replay.claim('sweep:live', 200, 50), false, 'a live marker still guards');
  });

  test('a failed transaction changes nothing', async () => {
    await assert.rejects(
      store.db.transaction().execute(async (trx) => {
        await trx.insertInto('replay_guard').values({ key: 'tx', expires_at: 1 }).execute();
        throw new Error('boom');
      }),
    );
    assert.equal(await store.replay.claim('tx', 5, 0), true);
  });
});
