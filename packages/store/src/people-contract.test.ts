import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuthorizationCodeRecord, RefreshTokenRecord, UserRecord } from './people-types.ts';
import { describeOnEachDatabase } from './test-databases.ts';

const user: UserRecord = {
  user_id: 'u1',
  username: 'anne',
  email: 'anne@example.com',
  name: 'Anne',
  password_hash: 'h',
  roles: ['admin'],
  groups: ['eng'],
  disabled: false,
  email_verified: true,
  created_at: 1,
  updated_at: 1,
};

const authentication = { auth_time: 100, acr: 'urn:portcullis:loa:1', amr: ['pwd'] };

function code(hash: string): AuthorizationCodeRecord {
  return {
    ...authentication,
    code_hash: hash,
    client_id: 'spa',
    user_id: 'u1',
    grant_id: 'g1',
    redirect_uri: 'https://app.example.com/cb',
    code_challenge: 'challenge',
    scope: 'openid',
    resource: null,
    nonce: 'n',
    session_hash: null,
    family_id: 'f1',
    expires_at: 200,
    consumed_at: null,
  };
}

function refresh(hash: string, family = 'f1'): RefreshTokenRecord {
  return {
    ...authentication,
    token_hash: hash,
    family_id: family,
    grant_id: 'g1',
    client_id: 'spa',
    user_id: 'u1',
    scope: 'openid offline_access',
    resource: null,
    issued_at: 100,
    expires_at: 1000,
    family_expires_at: 5000,
    rotated_at: null,
    revoked_at: null,
  };
}

describeOnEachDatabase('people storage contract', (store) => {
  test('users round-trip, are found by username, and usernames are unique', async () => {
    await store.people.users.upsert(user);
    assert.deepEqual(await store.people.users.findByUsername('anne'), user);
    await store.people.users.setPasswordHash('u1', 'h2', 5);
    assert.equal((await store.people.users.get('u1'))?.password_hash, 'h2');
    await assert.rejects(store.people.users.upsert({ ...user, user_id: 'u2' }));
    assert.equal((await store.people.users.list()).length, 1);
  });

  test('sessions are found by hash and deleted per user', async () => {
    await store.people.sessions.insert({ ...authentication, session_hash: 's1', user_id: 'u1', created_at: 100, expires_at: 200 });
    assert.deepEqual((await store.people.sessions.find('s1'))?.amr, ['pwd']);
    assert.equal(await store.people.sessions.deleteForUser('u1'), 1);
    assert.equal(await store.people.sessions.find('s1'), undefined);
  });

  test('interactions round-trip their request', async () => {
    await store.people.interactions.insert({
      interaction_id: 'i1',
      request: { client_id: 'spa', scope: 'openid' },
      created_at: 1,
      expires_at: 2,
    });
    assert.deepEqual((await store.people.interactions.find('i1'))?.request, { client_id: 'spa', scope: 'openid' });
    const deletions = await Promise.all([store.people.interactions.delete('i1'), store.people.interactions.delete('i1')]);
    assert.deepEqual(deletions, [true, false], 'one of two concurrent deletes finds it');
    assert.equal(await store.people.interactions.find('i1'), undefined);
  });

  test('an authorization code is consumed once; later attempts see a replay', async () => {
    await store.people.codes.insert(code('c1'));
    const first = await store.people.codes.consume('c1', 150);
    assert.equal(first?.outcome, 'consumed');
    assert.equal(first?.record.nonce, 'n');
    const second = await store.people.codes.consume('c1', 151);
    assert.equal(second?.outcome, 'replayed');
    assert.equal(await store.people.codes.consume('unknown', 150), undefined);
  });

  test('concurrent redemptions of one code give exactly one winner', async () => {
    await store.people.codes.insert(code('c2'));
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => store.people.codes.consume('c2', 150)));
    assert.equal(outcomes.filter((o) => o?.outcome === 'consumed').length, 1);
  });

  test('grants: one active per user and client, listed, touched and revoked', async () => {
    await store.people.grants.upsert({
      grant_id: 'g1',
      user_id: 'u1',
      client_id: 'spa',
      scope: 'openid',
      created_at: 1,
      updated_at: 1,
      last_used_at: null,
      revoked_at: null,
    });
    assert.equal((await store.people.grants.findActive('u1', 'spa'))?.grant_id, 'g1');
    await store.people.grants.touch('g1', 9);
    assert.equal((await store.people.grants.get('g1'))?.last_used_at, 9);
    assert.equal((await store.people.grants.listForUser('u1')).length, 1);
    assert.equal(await store.people.grants.revoke('g1', 10), true);
    assert.equal(await store.people.grants.revoke('g1', 11), false);
    assert.equal(await store.people.grants.findActive('u1', 'spa'), undefined);
  });

  test('refresh tokens rotate once, even concurrently, and families are revoked together', async () => {
    await store.people.refreshTokens.insert(refresh('r1'));
    await store.people.refreshTokens.insert(refresh('r2'));
    await store.people.refreshTokens.insert(refresh('other', 'f2'));
    const winners = await Promise.all(Array.from({ length: 10 }, () => store.people.refreshTokens.rotate('r1', 200)));
    assert.equal(winners.filter(Boolean).length, 1);
    assert.equal((await store.people.refreshTokens.find('r1'))?.rotated_at, 200);
    assert.equal(await store.people.refreshTokens.revokeFamily('f1', 300), 1, 'the live token; r1 is spent already');
    assert.equal((await store.people.refreshTokens.find('r2'))?.revoked_at, 300);
    assert.equal(await store.people.refreshTokens.rotate('r2', 301), false, 'a revoked token cannot rotate');
    assert.equal(await store.people.refreshTokens.rotate('r1', 301), false, 'a rotated token cannot rotate again');
    assert.equal((await store.people.refreshTokens.find('other'))?.revoked_at, null);
    assert.equal(await store.people.refreshTokens.revokeGrant('g1', 400), 1);
  });

  test("a grant's families are found through its codes and its live refresh tokens", async () => {
    await store.people.codes.insert({ ...code('c9'), grant_id: 'g9', family_id: 'f-code' });
    await store.people.refreshTokens.insert({ ...refresh('r-live', 'f-live'), grant_id: 'g9' });
    await store.people.refreshTokens.insert({ ...refresh('r-spent', 'f-live'), grant_id: 'g9' });
    await store.people.refreshTokens.rotate('r-spent', 150);
    await store.people.refreshTokens.insert({ ...refresh('r-gone', 'f-gone'), grant_id: 'g9' });
    await store.people.refreshTokens.revokeFamily('f-gone', 160);
    assert.deepEqual((await store.people.grants.families('g9')).sort(), ['f-code', 'f-live']);
    assert.equal(await store.people.refreshTokens.revokeGrant('g9', 170), 1);
    assert.equal((await store.people.refreshTokens.find('r-live'))?.revoked_at, 170);
  });

  test('a refresh token is read with its account in one query, and without it once the account is gone', async () => {
    const zoe: UserRecord = { ...user, user_id: 'u9', username: 'zoe', roles: ['ops'], groups: [], disabled: true };
    await store.people.users.upsert(zoe);
    await store.people.refreshTokens.insert({ ...refresh('r9', 'f9'), user_id: 'u9' });
    assert.deepEqual(await store.people.refreshTokens.findWithUser('r9'), {
      token: await store.people.refreshTokens.find('r9'),
      user: zoe,
    });
    assert.equal(await store.people.users.delete('u9'), true);
    assert.deepEqual((await store.people.refreshTokens.findWithUser('r9'))?.user, undefined);
    assert.equal((await store.people.refreshTokens.findWithUser('r9'))?.token.family_id, 'f9');
    assert.equal(await store.people.refreshTokens.findWithUser('unknown'), undefined);
  });

  test('upserting a grant again replaces everything but its creation time', async () => {
    const first = {
      grant_id: 'g7',
      user_id: 'u1',
      client_id: 'web',
      scope: 'openid',
      created_at: 1,
      updated_at: 1,
      last_used_at: null,
      revoked_at: null,
    };
    await store.people.grants.upsert(first);
    await store.people.grants.upsert({ ...first, scope: 'openid email', created_at: 50, updated_at: 60, last_used_at: 55 });
    assert.deepEqual(await store.people.grants.get('g7'), { ...first, scope: 'openid email', updated_at: 60, last_used_at: 55 });
    assert.equal((await store.people.grants.findActive('u1', 'web'))?.scope, 'openid email');
  });

  test('housekeeping deletes expired rows below the key bound and keeps live ones and newer keys', async () => {
    // Keys `sweep-1` (expired), `sweep-2` (live at 50) below the bound `sweep-5`; `sweep-9` (expired) above it.
    const rows = [
      ['sweep-1', 10],
      ['sweep-2', 90],
      ['sweep-9', 10],
    ] as const;
    for (const [key, expires_at] of rows) {
      await store.people.sessions.insert({ ...authentication, session_hash: key, user_id: 'u1', created_at: 1, expires_at });
      await store.people.interactions.insert({ interaction_id: key, request: {}, created_at: 1, expires_at });
      await store.people.codes.insert({ ...code(key), expires_at });
      await store.people.refreshTokens.insert({ ...refresh(key, `family-${key}`), expires_at });
    }
    assert.equal(await store.people.sessions.deleteExpired(50, 'sweep-5'), 1);
    assert.equal(await store.people.interactions.deleteExpired(50, 'sweep-5'), 1);
    assert.equal(await store.people.codes.deleteExpired(50, 'sweep-5'), 1);
    assert.equal(await store.people.refreshTokens.deleteExpired(50, 'sweep-5'), 1);
    assert.equal(await store.people.sessions.find('sweep-1'), undefined);
    assert.equal(await store.people.interactions.find('sweep-1'), undefined);
    assert.equal(await store.people.codes.consume('sweep-1', 50), undefined);
    assert.equal(await store.people.refreshTokens.find('sweep-1'), undefined);
    for (const key of ['sweep-2', 'sweep-9']) {
      assert.ok(await store.people.sessions.find(key), key);
      assert.ok(await store.people.interactions.find(key), key);
      assert.ok(await store.people.refreshTokens.find(key), key);
      assert.equal((await store.people.codes.consume(key, 50))?.outcome, 'consumed', key);
    }
    assert.equal(await store.people.sessions.deleteExpired(50, 'sweep-5'), 0, 'a second sweep finds nothing');
  });
});
