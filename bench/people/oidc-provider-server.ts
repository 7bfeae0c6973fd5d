/**
 * oidc-provider (v9) configured like Portcullis for the people benchmark: the same public SPA
 * client (code + PKCE, refresh tokens rotated on every use), resource indicators selecting an
 * opaque-access-token API, ES256 ID tokens, its default in-memory adapter, and a minimal custom
 * interaction: a login page whose POST verifies the same argon2id hash (same library, same
 * parameters) that Portcullis verifies, and a consent page whose POST grants what was asked.
 *
 * `POST /interaction/:uid/login-without-password` signs in without verifying anything: the
 * flow's cost without argon2, for the comparison with Portcullis' full flow.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PasswordHasher } from '@portcullis/oauth/accounts/password-hasher';
import Provider, { errors } from 'oidc-provider';
import { api, client, person } from './fixtures.ts';
import { announceReady } from './process.ts';

const hasher = new PasswordHasher();
const storedHash = await hasher.hash(person.password);
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

let handler: RequestListener | undefined;
const server = createServer((req, res) => {
  if (req.url?.startsWith('/interaction/')) interaction(req, res).catch((error) => fail(res, error));
  else handler?.(req, res);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: client.id,
      client_name: client.name,
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [client.redirectUri],
    },
  ],
  jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'bench', alg: 'ES256', use: 'sig' }] },
  clientDefaults: { id_token_signed_response_alg: 'ES256' },
  scopes: ['openid', 'offline_access', ...Object.keys(api.scopes)],
  claims: { openid: ['sub'], profile: ['name'] },
  findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ sub, name: person.name }) }),
  cookies: { keys: ['people-bench-cookie-key-0123456789abcdef'] },
  interactions: { url: (_ctx: unknown, details: { uid: string }) => `/interaction/${details.uid}` },
  // Like Portcullis: every refresh returns a new refresh token; reuse revokes the grant.
  rotateRefreshToken: true,
  features: {
    devInteractions: { enabled: false },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async (_ctx, _client, oneOf) => oneOf ?? api.identifier,
      useGrantedResource: async () => true,
      getResourceServerInfo: async (_ctx, resource) => {
        if (resource !== api.identifier) throw new errors.InvalidTarget();
        return {
          scope: Object.keys(api.scopes).join(' '),
          audience: api.identifier,
          accessTokenTTL: api.accessTokenTtl,
          accessTokenFormat: 'opaque',
        };
      },
    },
  },
});
handler = provider.callback();

/** The slice of oidc-provider's interaction API used here (the package ships no types). */
interface GrantInstance {
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: string[]): void;
  addResourceScope(indicator: string, scope: string): void;
  save(): Promise<string>;
}
interface InteractionApi {
  interactionDetails(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<{
    uid: string;
    prompt: { name: string; details: Record<string, unknown> };
    grantId?: string;
    session?: { accountId?: string };
  }>;
  interactionFinished(
    req: IncomingMessage,
    res: ServerResponse,
    result: Record<string, unknown>,
    options: { mergeWithLastSubmission: boolean },
  ): Promise<void>;
  Grant: { new (init: { accountId: string; clientId: string }): GrantInstance; find(id: string): Promise<GrantInstance | undefined> };
}
const interactions = provider as unknown as InteractionApi;

function fail(res: ServerResponse, error: unknown): void {
  if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
  res.end(String(error instanceof Error ? error.message : error));
}

async function formOf(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function page(res: ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head><body>${body}</body></html>`);
}

/** The interaction routes: a login page and form, a consent page and form. */
async function interaction(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const [, , uid, action] = (req.url ?? '').split('?')[0]?.split('/') ?? [];
  const details = await interactions.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  if (req.method === 'GET' && !action) {
    if (details.prompt.name === 'login') {
      page(
        res,
        `<h1>Sign in to continue to ${client.name}</h1><form method="post" action="/interaction/${uid}/login"><label>Username <input name="username"></label><label>Password <input name="password" type="password"></label><button>Sign in</button></form>`,
      );
    } else {
      page(
        res,
        `<h1>${client.name} wants access to your account</h1><form method="post" action="/interaction/${uid}/confirm"><button name="decision" value="allow">Allow</button></form>`,
      );
    }
    return;
  }
  if (req.method === 'POST' && (action === 'login' || action === 'login-without-password')) {
    const form = await formOf(req);
    const username = form.get('username') ?? '';
    const ok =
      username === person.username &&
      (action === 'login-without-password' || (await hasher.verify(storedHash, form.get('password') ?? '')));
    if (!ok) {
      res.writeHead(401, { 'content-type': 'text/plain' }).end('incorrect username or password');
      return;
    }
    await interactions.interactionFinished(req, res, { login: { accountId: username } }, { mergeWithLastSubmission: false });
    return;
  }
  if (req.method === 'POST' && action === 'confirm') {
    await formOf(req);
    const accountId = details.session?.accountId;
    if (!accountId) throw new Error('no session');
    const missing = details.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    const grant =
      (details.grantId ? await interactions.Grant.find(details.grantId) : undefined) ??
      new interactions.Grant({ accountId, clientId: client.id });
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
      grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    await interactions.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return;
  }
  res.writeHead(404).end();
}

announceReady({ issuer }, async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
