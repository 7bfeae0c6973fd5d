import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from './config/load.ts';
import { startServer } from './server.ts';
import {
  basicAuth,
  fixtureApis,
  fixtureClients,
  fixtureUsers,
  freePort,
  people,
  postForm,
  secrets,
  spaCallback,
  startTestServer,
  TestBrowser,
  type TestServer,
  testKeyEncryptionKey,
  testOpaqueApi,
  webCallback,
} from './test-support.ts';

let server: TestServer;

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeUrl(issuer: string, params: Record<string, string>): string {
  const url = new URL(`${issuer}/oauth2/authorize`);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

/** Signs anne in for the SPA and returns the code and its verifier. */
async function spaCode(issuer: string, browser = new TestBrowser(issuer), scope = 'openid offline_access reports:read') {
  const { verifier, challenge } = pkce();
  const callback = await browser.authorize(
    authorizeUrl(issuer, {
      client_id: 'spa',
      redirect_uri: spaCallback,
      response_type: 'code',
      scope,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 's1',
    }),
    people.anne,
  );
  return { code: new URL(callback).searchParams.get('code') as string, verifier, browser };
}

const redeem = (issuer: string, code: string, verifier: string | undefined, redirectUri = spaCallback) =>
  postForm(`${issuer}/oauth2/token`, {
    grant_type: 'authorization_code',
    client_id: 'spa',
    code,
    redirect_uri: redirectUri,
    ...(verifier === undefined ? {} : { code_verifier: verifier }),
  });

const refresh = (issuer: string, token: string) =>
  postForm(`${issuer}/oauth2/token`, { grant_type: 'refresh_token', client_id: 'spa', refresh_token: token });

const introspect = async (issuer: string, token: string) =>
  (await postForm(`${issuer}/oauth2/introspect`, { token }, { authorization: basicAuth('gateway', secrets.gateway) })).body
    .active as boolean;

before(async () => {
  server = await startTestServer();
});
after(() => server.close());

describe('authorization codes (RFC 6749 §4.1.2, §10.5)', () => {
  test('a replayed code fails and revokes the tokens the first redemption produced', async () => {
    const { code, verifier } = await spaCode(server.issuer, undefined, `openid offline_access reports:read`);
    const first = await redeem(server.issuer, code, verifier);
    assert.equal(first.status, 200);
    assert.equal(await introspect(server.issuer, first.body.access_token), true);
    const replay = await redeem(server.issuer, code, verifier);
    assert.equal(replay.status, 400);
    assert.equal(replay.body.error, 'invalid_grant');
    assert.equal(await introspect(server.issuer, first.body.access_token), false, 'the access token is revoked');
    const refreshed = await refresh(server.issuer, first.body.refresh_token);
    assert.equal(refreshed.body.error, 'invalid_grant', 'the refresh token is revoked');
  });

  test('a wrong code_verifier is invalid_grant; a missing one is invalid_request', async () => {
    const { code } = await spaCode(server.issuer);
    const missing = await redeem(server.issuer, code, undefined);
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error, 'invalid_request');
    const again = await spaCode(server.issuer);
    const wrong = await redeem(server.issuer, again.code, pkce().verifier);
    assert.equal(wrong.body.error, 'invalid_grant');
  });

  test('a redirect_uri different from the authorization request is invalid_grant', async () => {
    const { code, verifier } = await spaCode(server.issuer);
    const response = await redeem(server.issuer, code, verifier, 'http://127.0.0.1:65001/other');
    assert.equal(response.body.error, 'invalid_grant');
  });

  test('a code issued to one client cannot be redeemed by another', async () => {
    const { code, verifier } = await spaCode(server.issuer);
    const response = await postForm(
      `${server.issuer}/oauth2/token`,
      { grant_type: 'authorization_code', code, redirect_uri: spaCallback, code_verifier: verifier },
      { authorization: basicAuth('web-app', secrets.web) },
    );
    assert.equal(response.body.error, 'invalid_grant');
  });
});

describe('authorization request validation (RFC 6749 §4.1.2.1, RFC 7636, RFC 9207)', () => {
  const base = { client_id: 'spa', redirect_uri: spaCallback, response_type: 'code', scope: 'openid', state: 'xyz' };

  test('plain PKCE is refused by redirect, with state and iss', async () => {
    const response = await fetch(authorizeUrl(server.issuer, { ...base, code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }), {
      redirect: 'manual',
    });
    const location = new URL(response.headers.get('location') as string);
    assert.equal(location.origin + location.pathname, spaCallback);
    assert.equal(location.searchParams.get('error'), 'invalid_request');
    assert.equal(location.searchParams.get('state'), 'xyz');
    assert.equal(location.searchParams.get('iss'), server.issuer);
  });

  test('a public client without PKCE is refused', async () => {
    const response = await fetch(authorizeUrl(server.issuer, base), { redirect: 'manual' });
    assert.equal(new URL(response.headers.get('location') as string).searchParams.get('error'), 'invalid_request');
  });

  test('implicit and hybrid response types are refused', async () => {
    for (const responseType of ['token', 'code id_token', 'id_token']) {
      const response = await fetch(authorizeUrl(server.issuer, { ...base, response_type: responseType }), { redirect: 'manual' });
      assert.equal(new URL(response.headers.get('location') as string).searchParams.get('error'), 'unsupported_response_type');
    }
  });

  test('an unregistered or altered redirect_uri is shown as an error page, never redirected to', async () => {
    const attempts = [
      'https://evil.example.com/callback',
      `${spaCallback}/../evil`,
      `${spaCallback}?x=1`,
      'http://127.0.0.1:65001/callback#frag',
      'http://127.0.0.1:65001/Callback',
      '//evil.example.com/callback',
    ];
    for (const redirectUri of attempts) {
      const response = await fetch(
        authorizeUrl(server.issuer, {
          ...base,
          redirect_uri: redirectUri,
          ...{ code_challenge: pkce().challenge, code_challenge_method: 'S256' },
        }),
        { redirect: 'manual' },
      );
      assert.equal(response.status, 400, redirectUri);
      assert.equal(response.headers.get('location'), null);
      assert.match(await response.text(), /not registered/);
    }
    const unknown = await fetch(authorizeUrl(server.issuer, { ...base, client_id: 'nobody' }), { redirect: 'manual' });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.headers.get('location'), null);
  });

  test('without state the response carries none, but iss is always present', async () => {
    const browser = new TestBrowser(server.issuer);
    const { challenge } = pkce();
    const callback = await browser.authorize(
      authorizeUrl(server.issuer, { ...base, state: '', code_challenge: challenge, code_challenge_method: 'S256' }),
      people.anne,
    );
    const params = new URL(callback).searchParams;
    assert.equal(params.get('state'), null);
    assert.equal(params.get('iss'), server.issuer);
    assert.ok(params.get('code'));
  });

  test('prompt=none without a session is login_required', async () => {
    const response = await fetch(
      authorizeUrl(server.issuer, { ...base, prompt: 'none', code_challenge: pkce().challenge, code_challenge_method: 'S256' }),
      { redirect: 'manual' },
    );
    const location = new URL(response.headers.get('location') as string);
    assert.equal(location.searchParams.get('error'), 'login_required');
    assert.equal(location.searchParams.get('iss'), server.issuer);
  });

  test('denying consent sends access_denied back', async () => {
    const browser = new TestBrowser(server.issuer);
    const callback = await browser.authorize(
      authorizeUrl(server.issuer, {
        client_id: 'web-app',
        redirect_uri: webCallback,
        response_type: 'code',
        scope: 'openid orders:write',
        code_challenge: pkce().challenge,
        code_challenge_method: 'S256',
        state: 'd',
      }),
      people.bob,
      'deny',
    );
    assert.equal(new URL(callback).searchParams.get('error'), 'access_denied');
  });

  test('a return_to pointing off-site is ignored after sign-in', async () => {
    const browser = new TestBrowser(server.issuer);
    const page = await browser.follow(`${server.issuer}/login?return_to=//evil.example.com/x`);
    const signedIn = await browser.submit(page.html, '/login', { username: people.bob.username, password: people.bob.password });
    assert.equal(signedIn.leftTo, undefined);
    assert.match(signedIn.url, /\/account$/);
  });
});

describe('forms are protected against CSRF and the login against guessing', () => {
  test('a login POST without the CSRF token is refused and signs nobody in', async () => {
    const response = await postForm(`${server.issuer}/login`, { username: people.anne.username, password: people.anne.password });
    assert.equal(response.status, 403);
    assert.ok(!(response.headers.get('set-cookie') ?? '').includes('portcullis-session='));
  });

  test('a login POST from another origin is refused even with a token', async () => {
    const browser = new TestBrowser(server.issuer);
    const page = await browser.follow(`${server.issuer}/login`);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.html)?.[1] as string;
    const response = await browser.request(`${server.issuer}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example.com' },
      body: new URLSearchParams({ csrf, username: people.anne.username, password: people.anne.password }),
    });
    assert.equal(response.status, 403);
  });

  test('a consent POST without the CSRF token issues no code', async () => {
    const browser = new TestBrowser(server.issuer);
    let step = await browser.follow(
      authorizeUrl(server.issuer, {
        client_id: 'web-app',
        redirect_uri: webCallback,
        response_type: 'code',
        scope: 'openid orders:write',
        code_challenge: pkce().challenge,
        code_challenge_method: 'S256',
      }),
    );
    step = await browser.submit(step.html, '/login', { username: people.anne.username, password: people.anne.password });
    assert.match(step.html, /<form[^>]*action="\/consent"/, 'the sign-in answers with the consent page');
    const interaction = /name="interaction" value="([^"]+)"/.exec(step.html)?.[1] as string;
    const reloaded = await browser.follow(`${server.issuer}/consent?interaction=${interaction}`);
    assert.equal(reloaded.response.status, 200, 'GET /consent shows the same page again');
    assert.match(reloaded.html, new RegExp(`name="interaction" value="${interaction}"`));
    const forged = await browser.request(`${server.issuer}/consent`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ interaction, decision: 'allow', csrf: 'forged' }),
    });
    assert.equal(forged.status, 403);
    assert.equal(forged.headers.get('location'), null);
  });

  test('pages forbid framing and scripts', async () => {
    const response = await fetch(`${server.issuer}/login`);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /script-src/);
    assert.equal(response.headers.get('x-frame-options'), 'DENY');
    assert.match(response.headers.get('set-cookie') ?? '', /HttpOnly; SameSite=Lax/);
  });
});

describe('login throttling', () => {
  test('repeated wrong passwords engage throttling; the message never reveals whether the account exists', async () => {
    // Its own server: the per-IP back-off would otherwise slow every other test down.
    const throttledServer = await startTestServer({ overrides: { 'login.free_attempts': 3 } });
    const browser = new TestBrowser(throttledServer.issuer);
    const attempt = async (username: string, password: string) => {
      const page = await browser.follow(`${throttledServer.issuer}/login`);
      return browser.submit(page.html, '/login', { username, password });
    };
    const unknown = await attempt('no-such-user', 'whatever-password');
    const wrong = await attempt('bob', 'wrong-password');
    assert.equal(unknown.response.status, 401);
    assert.equal(wrong.response.status, 401);
    const message = (html: string) => /<p class="error" role="alert">([^<]+)<\/p>/.exec(html)?.[1];
    assert.equal(message(unknown.html), message(wrong.html));
    await attempt('bob', 'wrong-password');
    await attempt('bob', 'wrong-password');
    const throttled = await attempt('bob', people.bob.password);
    assert.equal(throttled.response.status, 429, 'even the right password waits once throttled');
    assert.ok(Number(throttled.response.headers.get('retry-after')) > 0);
    await throttledServer.close();
  });
});

describe('refresh token rotation (RFC 9700 §4.14.2)', () => {
  test('reusing a rotated refresh token revokes the whole family', async () => {
    const { code, verifier } = await spaCode(server.issuer);
    const tokens = (await redeem(server.issuer, code, verifier)).body;
    const second = (await refresh(server.issuer, tokens.refresh_token)).body;
    assert.ok(second.refresh_token);
    const reuse = await refresh(server.issuer, tokens.refresh_token);
    assert.equal(reuse.status, 400);
    assert.equal(reuse.body.error, 'invalid_grant');
    const afterReuse = await refresh(server.issuer, second.refresh_token);
    assert.equal(afterReuse.body.error, 'invalid_grant', 'the newest token of the family is revoked too');
    assert.equal(await introspect(server.issuer, second.access_token), false, 'and so are its opaque access tokens');
  });

  test('concurrent use of one refresh token gives exactly one success', async () => {
    const { code, verifier } = await spaCode(server.issuer);
    const tokens = (await redeem(server.issuer, code, verifier)).body;
    const results = await Promise.all(Array.from({ length: 8 }, () => refresh(server.issuer, tokens.refresh_token)));
    assert.equal(results.filter((r) => r.status === 200).length, 1);
    assert.ok(results.filter((r) => r.status !== 200).every((r) => r.body.error === 'invalid_grant'));
  });

  test('a refresh token works only for its own client', async () => {
    const { code, verifier } = await spaCode(server.issuer);
    const tokens = (await redeem(server.issuer, code, verifier)).body;
    const stolen = await postForm(
      `${server.issuer}/oauth2/token`,
      { grant_type: 'refresh_token', refresh_token: tokens.refresh_token },
      { authorization: basicAuth('web-app', secrets.web) },
    );
    assert.equal(stolen.body.error, 'invalid_grant');
  });
});

describe('refresh rotation across processes sharing PostgreSQL', () => {
  test('two server processes racing on one refresh token give exactly one success', async () => {
    const pg = await startTestServer({ database: 'postgres' });
    const port = await freePort();
    const second = await startServer(
      loadConfig({
        env: {},
        overrides: { port, database: pg.database.url, 'keys.encryption_key': testKeyEncryptionKey, 'log.level': 'silent' },
        inline: { clients: fixtureClients(), apis: fixtureApis(), users: fixtureUsers() },
      }),
      { logger: false },
    );
    try {
      const { code, verifier } = await spaCode(pg.issuer);
      const tokens = (await redeem(pg.issuer, code, verifier)).body;
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => refresh(i % 2 ? second.url : pg.issuer, tokens.refresh_token)));
      assert.equal(results.filter((r) => r.status === 200).length, 1);
      assert.ok((await introspect(pg.issuer, tokens.access_token)) === false, 'the race counts as reuse: the family is revoked');
    } finally {
      await second.stop();
      await pg.close();
    }
  });
});

describe('opaque tokens of a code flow', () => {
  test('the opaque API token introspects with the user as subject', async () => {
    const { code, verifier } = await spaCode(server.issuer);
    const tokens = (await redeem(server.issuer, code, verifier)).body;
    const response = await postForm(
      `${server.issuer}/oauth2/introspect`,
      { token: tokens.access_token },
      { authorization: basicAuth('gateway', secrets.gateway) },
    );
    assert.equal(response.body.active, true);
    assert.equal(response.body.aud, testOpaqueApi);
    assert.equal(response.body.client_id, 'spa');
    assert.notEqual(response.body.sub, 'spa');
    assert.equal(response.body.acr, 'urn:portcullis:loa:1');
  });
});
