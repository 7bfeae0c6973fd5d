import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openStore, type Store } from '@portcullis/store';
import type { Client } from '../clients.ts';
import type { OAuthContext } from '../context.ts';
import { OAuthError } from '../errors.ts';
import { approveConsent } from './authorization-flow.ts';
import type { AuthorizationRequest } from './authorization-request.ts';
import { PendingRequests } from './pending-requests.ts';

let store: Store;
before(async () => {
  store = openStore('sqlite::memory:');
  await store.migrate();
});
after(() => store.close());

const client: Client = {
  client_id: 'spa',
  client_secret_hash: null,
  client_name: 'SPA',
  grant_types: ['authorization_code'],
  response_types: ['code'],
  redirect_uris: ['https://app.example.com/cb'],
  post_logout_redirect_uris: [],
  scope: 'openid',
  token_endpoint_auth_method: 'none',
  dpop_bound_access_tokens: false,
  metadata: {},
};

const request: AuthorizationRequest = {
  client_id: 'spa',
  redirect_uri: 'https://app.example.com/cb',
  scope: ['openid'],
  resource: null,
  state: 's',
  nonce: null,
  code_challenge: 'challenge',
  prompt: [],
  max_age: null,
  login_hint: null,
  acr_values: [],
};

const pending = (id: string) => ({ interaction_id: id, request: { ...request }, created_at: 1, expires_at: 1_000_000 });

/** Counts the store's interaction reads. */
function countingReads(): { stores: Store['people']; reads: () => number } {
  let reads = 0;
  const interactions = {
    ...store.people.interactions,
    find: (id: string) => {
      reads++;
      return store.people.interactions.find(id);
    },
  };
  return { stores: { ...store.people, interactions }, reads: () => reads };
}

test('a saved request is read from memory afterwards, and from the store by another process', async () => {
  const here = countingReads();
  await new PendingRequests(here.stores).save(pending('p1'));
  const kept = new PendingRequests(here.stores);
  await kept.save(pending('p2'));
  assert.deepEqual((await kept.find('p2'))?.request, request);
  assert.equal(here.reads(), 0);
  assert.deepEqual((await kept.find('p1'))?.request, request, 'saved elsewhere: read from the store');
  assert.equal(here.reads(), 1);
  assert.equal(await kept.find('unknown'), undefined);
});

test('a pending request is finished once, even when another process finished it first', async () => {
  const first = new PendingRequests(store.people);
  const second = new PendingRequests(store.people);
  await first.save(pending('p3'));
  assert.ok(await second.find('p3'));
  assert.equal(await second.finish('p3'), true);
  assert.ok(await first.find('p3'), 'still in memory here: it decides nothing');
  assert.equal(await first.finish('p3'), false);
  assert.equal(await second.finish('p3'), false);
});

test('a consent submitted twice gives one code: the second finds the request finished', async () => {
  await store.people.users.upsert({
    user_id: 'u1',
    username: 'anne',
    email: null,
    name: null,
    password_hash: null,
    roles: [],
    groups: [],
    disabled: false,
    email_verified: false,
    created_at: 1,
    updated_at: 1,
  });
  const context = {
    issuer: 'https://id.example.com',
    clock: () => 100,
    clients: { get: async (id: string) => (id === 'spa' ? client : undefined) },
    people: store.people,
    policy: { interactionTtl: 600, authorizationCodeTtl: 60 },
  } as unknown as OAuthContext;
  await store.people.interactions.insert(pending('p4'));
  const session = {
    session_hash: 'h',
    user_id: 'u1',
    auth_time: 90,
    acr: 'urn:portcullis:loa:1',
    amr: ['pwd'],
    created_at: 90,
    expires_at: 1000,
  };
  const outcomes = await Promise.allSettled([approveConsent(context, 'p4', session), approveConsent(context, 'p4', session)]);
  const codes = outcomes.filter((o) => o.status === 'fulfilled' && o.value.kind === 'redirect' && o.value.url.includes('code='));
  assert.equal(codes.length, 1);
  const refused = outcomes.find((o) => o.status === 'rejected');
  assert.ok(refused?.status === 'rejected' && refused.reason instanceof OAuthError && refused.reason.code === 'invalid_request');
  await assert.rejects(approveConsent(context, 'p4', session), OAuthError, 'and later submissions find nothing');
});
