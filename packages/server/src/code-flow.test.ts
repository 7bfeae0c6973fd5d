import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sweepExpired } from '@portcullis/oauth';
import * as jose from 'jose';
import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';
import {
  people,
  postLogout,
  secrets,
  spaCallback,
  startTestServer,
  TestBrowser,
  type TestServer,
  testApi,
  testOpaqueApi,
  webCallback,
} from './test-support.ts';

let server: TestServer;

before(async () => {
  server = await startTestServer();
});
after(() => server.close());

describe('authorization code flow with openid-client (RFC 6749 §4.1, RFC 7636, OIDC Core)', () => {
  test('sign-in, consent, code exchange, ID token, userinfo, two refreshes and logout', async () => {
    const config = await client.discovery(new URL(server.issuer), 'web-app', undefined, client.ClientSecretBasic(secrets.web), {
      execute: [client.allowInsecureRequests],
    });
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const authorizationUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: webCallback,
      scope: 'openid profile email offline_access orders:read',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      resource: testApi,
    });
    const browser = new TestBrowser(server.issuer);
    const callback = await browser.authorize(authorizationUrl.toString(), people.anne);
    assert.equal(new URL(callback).searchParams.get('iss'), server.issuer, 'RFC 9207 iss is always present');

    const tokens = await client.authorizationCodeGrant(config, new URL(callback), {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    const claims = tokens.claims();
    assert.ok(claims);
    assert.equal(claims.name, 'Anne Example');
    assert.equal(claims.email, 'anne@example.com');
    assert.equal(claims.acr, 'urn:portcullis:loa:1');
    assert.deepEqual(claims.amr, ['pwd']);
    assert.equal(typeof claims.auth_time, 'number');
    assert.equal(typeof claims.at_hash, 'string');
    assert.ok(tokens.refresh_token);

    const jwks = jose.createRemoteJWKSet(new URL(`${server.issuer}/.well-known/jwks.json`));
    const { payload } = await jose.jwtVerify(tokens.access_token, jwks, { issuer: server.issuer, audience: testApi, typ: 'at+jwt' });
    assert.equal(payload.sub, claims.sub);
    assert.deepEqual(payload.roles, ['admin'], 'the API asked for roles');
    assert.deepEqual(payload.groups, ['eng']);
    assert.equal(payload.email, undefined, 'claims the API did not ask for stay out');

    const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.equal(userinfo.preferred_username, 'anne');
    assert.equal(userinfo.email, 'anne@example.com');

    const first = await client.refreshTokenGrant(config, tokens.refresh_token as string);
    assert.notEqual(first.refresh_token, tokens.refresh_token, 'refresh tokens rotate on every use');
    const second = await client.refreshTokenGrant(config, first.refresh_token as string);
    assert.ok(second.access_token);
    assert.equal(second.claims()?.sub, claims.sub);

    const logoutUrl = client.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token as string,
      post_logout_redirect_uri: postLogout,
      state: 'bye',
    });
    const loggedOut = await browser.follow(logoutUrl.toString());
    assert.equal(loggedOut.leftTo, `${postLogout}?state=bye`);
    const again = await browser.follow(authorizationUrl.toString());
    assert.match(again.html, /type="password"/, 'after logout the browser must sign in again');
    assert.match(again.url, /\/oauth2\/authorize\?/, 'the sign-in page is answered where the browser already is');
  });

  test('a remembered consent skips the consent page; prompt=consent shows it again', async () => {
    const config = await client.discovery(new URL(server.issuer), 'web-app', undefined, client.ClientSecretBasic(secrets.web), {
      execute: [client.allowInsecureRequests],
    });
    const browser = new TestBrowser(server.issuer);
    const url = (extra: Record<string, string> = {}) =>
      client
        .buildAuthorizationUrl(config, {
          redirect_uri: webCallback,
          scope: 'openid',
          code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
          code_challenge_method: 'S256',
          ...extra,
        })
        .toString();
    await browser.authorize(url(), people.bob);
    const silent = await browser.follow(url());
    assert.match(silent.leftTo ?? '', /[?&]code=/, 'signed in with consent remembered: straight back with a code');
    const prompted = await browser.follow(url({ prompt: 'consent' }));
    assert.match(prompted.url, /\/oauth2\/authorize\?/, 'the consent page is answered at the authorization URL');
    assert.match(prompted.html, /<form[^>]*action="\/consent"/);
  });
});

/** The SPA (public client, PKCE) signs `person` in with oauth4webapi, through to the token response. */
async function spaSignIn(browser: TestBrowser, scope: string, person: { username: string; password: string }) {
  const issuer = new URL(server.issuer);
  const options = { [oauth.allowInsecureRequests]: true };
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, options));
  const spa: oauth.Client = { client_id: 'spa' };
  const auth = oauth.None();
  const verifier = oauth.generateRandomCodeVerifier();
  const url = new URL(as.authorization_endpoint as string);
  url.search = new URLSearchParams({
    client_id: 'spa',
    redirect_uri: spaCallback,
    response_type: 'code',
    scope,
    resource: testOpaqueApi,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state: 'spa-state',
  }).toString();
  const callback = await browser.authorize(url.toString(), person);
  const params = oauth.validateAuthResponse(as, spa, new URL(callback), 'spa-state');
  const response = await oauth.authorizationCodeGrantRequest(as, spa, auth, params, spaCallback, verifier, options);
  const tokens = await oauth.processAuthorizationCodeResponse(as, spa, response, { requireIdToken: scope.split(' ').includes('openid') });
  return { as, spa, auth, options, tokens };
}

describe('a public client with oauth4webapi', () => {
  test('code + PKCE for the SPA, opaque API token, refresh, revocation of the grant kills the refresh token', async () => {
    const browser = new TestBrowser(server.issuer);
    const { as, spa, auth, options, tokens } = await spaSignIn(browser, 'openid offline_access reports:read', people.anne);
    assert.notEqual(tokens.access_token.split('.').length, 3, 'the reports API uses opaque tokens');
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      spa,
      await oauth.refreshTokenGrantRequest(as, spa, auth, tokens.refresh_token as string, options),
    );

    const account = await browser.follow(`${server.issuer}/account`);
    assert.match(account.html, /Orders SPA/);
    assert.match(account.html, /Read reports/);
    const grantId = /Orders SPA[\s\S]*?\/account\/applications\/([^/]+)\/revoke/.exec(account.html)?.[1] as string;
    await browser.submit(account.html, `/account/applications/${grantId}/revoke`, {});
    const afterRevoke = await oauth.refreshTokenGrantRequest(as, spa, auth, refreshed.refresh_token as string, options);
    await assert.rejects(
      oauth.processRefreshTokenResponse(as, spa, afterRevoke),
      (error: oauth.ResponseBodyError) => error.error === 'invalid_grant',
    );
    const introspection = await fetch(`${server.issuer}/oauth2/introspect`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`gateway:${secrets.gateway}`).toString('base64')}`,
      },
      body: new URLSearchParams({ token: refreshed.access_token }),
    });
    assert.equal(((await introspection.json()) as { active: boolean }).active, false, 'the grant’s opaque access tokens die with it');
  });

  test('revoking a refresh token (RFC 7009) ends its family and the access tokens issued under it', async () => {
    const { as, spa, auth, options, tokens } = await spaSignIn(new TestBrowser(server.issuer), 'offline_access reports:read', people.bob);
    const refreshToken = tokens.refresh_token as string;
    const introspect = async (token: string) => {
      const response = await fetch(`${server.issuer}/oauth2/introspect`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`gateway:${secrets.gateway}`).toString('base64')}`,
        },
        body: new URLSearchParams({ token }),
      });
      return ((await response.json()) as { active: boolean }).active;
    };
    assert.equal(await introspect(tokens.access_token), true);

    // Another client may not revoke it: the family survives that attempt.
    const foreign = await fetch(`${server.issuer}/oauth2/revoke`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`web-app:${secrets.web}`).toString('base64')}`,
      },
      body: new URLSearchParams({ token: refreshToken, token_type_hint: 'refresh_token' }),
    });
    assert.equal(foreign.status, 400);
    assert.equal(((await foreign.json()) as { error: string }).error, 'unauthorized_client');
    assert.equal(await introspect(tokens.access_token), true);

    const revoked = await oauth.revocationRequest(as, spa, auth, refreshToken, options);
    await oauth.processRevocationResponse(revoked);
    const afterRevoke = await oauth.refreshTokenGrantRequest(as, spa, auth, refreshToken, options);
    await assert.rejects(
      oauth.processRefreshTokenResponse(as, spa, afterRevoke),
      (error: oauth.ResponseBodyError) => error.error === 'invalid_grant',
    );
    assert.equal(await introspect(tokens.access_token), false, 'the access token issued under the family is revoked too');
  });
});

describe('housekeeping', () => {
  test('a sweep keeps a live sign-in working, and deletes its session, code and tokens once all have expired', async () => {
    const browser = new TestBrowser(server.issuer);
    const { as, spa, auth, options, tokens } = await spaSignIn(browser, 'openid offline_access reports:read', people.anne);
    const { context, store } = server.runtime;
    const count = async (table: 'sessions' | 'authorization_codes' | 'refresh_tokens' | 'access_tokens') =>
      Number(
        (
          await store.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    for (const table of ['sessions', 'authorization_codes', 'refresh_tokens', 'access_tokens'] as const)
      assert.ok((await count(table)) > 0, table);

    await sweepExpired(context);
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      spa,
      await oauth.refreshTokenGrantRequest(as, spa, auth, tokens.refresh_token as string, options),
    );
    assert.ok(refreshed.refresh_token, 'a sweep now leaves the sign-in working');
    assert.match((await browser.follow(`${server.issuer}/account`)).html, /Orders SPA/, 'and the session');

    // A year on, by both clocks: everything this file's sign-ins made has expired.
    const later = 366 * 86_400;
    const deleted = await sweepExpired({ ...context, clock: () => context.clock() + later }, Date.now() + later * 1000);
    assert.ok(deleted.sessions > 0 && deleted.refreshTokens > 0 && deleted.authorizationCodes > 0 && deleted.accessTokens > 0);
    for (const table of ['sessions', 'authorization_codes', 'refresh_tokens', 'access_tokens'] as const)
      assert.equal(await count(table), 0, table);
    const afterSweep = await oauth.refreshTokenGrantRequest(as, spa, auth, refreshed.refresh_token as string, options);
    await assert.rejects(
      oauth.processRefreshTokenResponse(as, spa, afterSweep),
      (error: oauth.ResponseBodyError) => error.error === 'invalid_grant',
    );
  });
});
