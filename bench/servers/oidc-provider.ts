/**
 * oidc-provider configured like Portcullis for the benchmark: client credentials, resource
 * indicators selecting an ES256-JWT API or an opaque-token API, introspection, the same two
 * client_secret_basic clients, and its default in-memory adapter.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { errors } from 'oidc-provider';
import { apis, introspectingClient, issuingClient, tokenTtl } from '../lib/fixtures.ts';
import { announce, host } from './child.ts';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = privateKey.export({ format: 'jwk' });
const kid = createHash('sha256')
  .update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }))
  .digest('base64url');

const resourceServers = new Map(
  apis.map((api) => [
    api.identifier,
    {
      scope: Object.keys(api.scopes).join(' '),
      audience: api.identifier,
      accessTokenTTL: tokenTtl,
      accessTokenFormat: api.format,
      ...(api.format === 'jwt' ? { jwt: { sign: { alg: 'ES256' } } } : {}),
    },
  ]),
);

const introspectors = new Set<string>([introspectingClient.id]);

// The issuer needs the port, so listen on a free port first and build the provider after.
let handler: RequestListener | undefined;
const server = createServer((req, res) => handler?.(req, res));
await new Promise<void>((resolve) => server.listen(0, host, resolve));
const { port } = server.address() as AddressInfo;
const issuer = `http://${host}:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: issuingClient.id,
      client_secret: issuingClient.secret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: issuingClient.scope,
    },
    {
      client_id: introspectingClient.id,
      client_secret: introspectingClient.secret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: { keys: [{ ...jwk, kid, alg: 'ES256', use: 'sig' }] },
  // The only key is ES256 (as Portcullis'), so every signed artefact defaults to it.
  clientDefaults: { id_token_signed_response_alg: 'ES256' },
  scopes: [...new Set(apis.flatMap((api) => Object.keys(api.scopes)))],
  cookies: { keys: ['bench-cookie-key-0123456789abcdef'] },
  ttl: { ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? tokenTtl },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: {
      enabled: true,
      // Like Portcullis: a token's own client, or a client the token's API lists as introspector.
      allowedPolicy: async (_ctx, client, token) => client.clientId === token.clientId || introspectors.has(client.clientId),
    },
    resourceIndicators: {
      enabled: true,
      defaultResource: async (_ctx, _client, oneOf) => oneOf,
      useGrantedResource: async () => true,
      getResourceServerInfo: async (_ctx, resourceIndicator) => {
        const info = resourceServers.get(resourceIndicator);
        if (!info) throw new errors.InvalidTarget();
        return info;
      },
    },
  },
});
handler = provider.callback();

announce({ url: issuer }, async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
