/**
 * The one scenario every target serves, declared once: two clients, two APIs (one issuing
 * ES256 JWTs, one opaque tokens) and the exact requests the load generator sends. Each
 * server child maps this to its own configuration so the peers are configured alike.
 */

export const jwtApi = 'https://api.example.com';
export const opaqueApi = 'https://opaque.example.com';
export const tokenTtl = 300;

/** Confidential client (client_secret_basic) that asks for tokens. */
export const issuingClient = {
  id: 'basic-client',
  secret: 'basic-secret-0123456789abcdef',
  scope: 'orders:read orders:write reports:read',
} as const;

/** Confidential client (client_secret_basic) that introspects tokens of both APIs. */
export const introspectingClient = {
  id: 'gateway',
  secret: 'gateway-secret-0123456789abcdef',
} as const;

export interface BenchApi {
  identifier: string;
  name: string;
  scopes: Record<string, string>;
  format: 'jwt' | 'opaque';
}

export const apis: readonly BenchApi[] = [
  { identifier: jwtApi, name: 'Orders API', scopes: { 'orders:read': 'Read orders', 'orders:write': 'Change orders' }, format: 'jwt' },
  { identifier: opaqueApi, name: 'Reports API', scopes: { 'reports:read': 'Read reports' }, format: 'opaque' },
];

/** RFC 6749 §2.3.1 Basic credentials (form-encoded id and secret, then base64). */
export function basicAuthorization(id: string, secret: string): string {
  const encode = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`).toString('base64')}`;
}

export const formContentType = 'application/x-www-form-urlencoded';

/** Client-credentials request body for one API, asking for every scope the client has there. */
export function tokenRequestBody(api: string): string {
  const target = apis.find((a) => a.identifier === api);
  if (!target) throw new Error(`unknown API ${api}`);
  return new URLSearchParams({ grant_type: 'client_credentials', resource: api, scope: Object.keys(target.scopes).join(' ') }).toString();
}

/** RFC 7662 introspection request body. */
export function introspectionRequestBody(token: string): string {
  return new URLSearchParams({ token, token_type_hint: 'access_token' }).toString();
}
