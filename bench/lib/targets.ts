/**
 * The benchmark targets: which server child to start, which request to send, and how to
 * check that the request succeeds before it is measured (a fast error is not a result).
 */
import {
  basicAuthorization,
  formContentType,
  introspectingClient,
  introspectionRequestBody,
  issuingClient,
  jwtApi,
  opaqueApi,
  tokenRequestBody,
} from './fixtures.ts';

export interface LoadRequest {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
}

export interface Target {
  id: string;
  label: string;
  /** Server script under bench/servers and its arguments. */
  server: { script: string; args?: string[] };
  /** Builds the request from the running server (discovery, a token to introspect, …). */
  prepare(url: string): Promise<LoadRequest>;
  /** Describes what is wrong with one response, or returns undefined when it is right. */
  check(status: number, body: unknown): string | undefined;
}

interface Metadata {
  token_endpoint: string;
  introspection_endpoint?: string;
}

/** The server's metadata, by OpenID discovery. */
export async function discover(url: string): Promise<Metadata> {
  const response = await fetch(`${url}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`discovery at ${url} answered ${response.status}`);
  return (await response.json()) as Metadata;
}

/** The benchmark's client-credentials request for `api`, sent to `endpoint`. */
export function tokenRequest(endpoint: string, api: string): LoadRequest {
  return {
    url: endpoint,
    method: 'POST',
    headers: { authorization: basicAuthorization(issuingClient.id, issuingClient.secret), 'content-type': formContentType },
    body: tokenRequestBody(api),
  };
}

/** Sends `request` once and returns status and parsed body. */
export async function sendOnce(request: LoadRequest): Promise<{ status: number; body: unknown }> {
  const response = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal: AbortSignal.timeout(5000),
  });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: text };
  }
}

function decodePart(part: string | undefined): Record<string, unknown> {
  return JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

function checkTokenResponse(status: number, body: unknown, format: 'jwt' | 'opaque', api: string): string | undefined {
  if (status !== 200) return `status ${status}: ${JSON.stringify(body)}`;
  const token = (body as { access_token?: unknown }).access_token;
  if (typeof token !== 'string') return `no access_token in ${JSON.stringify(body)}`;
  const parts = token.split('.');
  if (format === 'opaque') return parts.length === 3 ? 'expected an opaque token, got a JWT' : undefined;
  if (parts.length !== 3) return 'expected a JWT';
  const header = decodePart(parts[0]);
  const claims = decodePart(parts[1]);
  if (header.alg !== 'ES256') return `JWT alg is ${String(header.alg)}, expected ES256`;
  if (header.typ !== 'at+jwt') return `JWT typ is ${String(header.typ)}, expected at+jwt`;
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(api)) return `JWT aud is ${JSON.stringify(claims.aud)}, expected ${api}`;
  if (claims.client_id !== issuingClient.id) return `JWT client_id is ${String(claims.client_id)}`;
  for (const claim of ['iss', 'sub', 'exp', 'iat', 'jti', 'scope']) if (claims[claim] === undefined) return `JWT has no ${claim}`;
  return undefined;
}

function checkIntrospection(status: number, body: unknown): string | undefined {
  if (status !== 200) return `status ${status}: ${JSON.stringify(body)}`;
  const claims = body as Record<string, unknown>;
  if (claims.active !== true) return `token reported inactive: ${JSON.stringify(body)}`;
  if (claims.client_id !== issuingClient.id) return `client_id is ${String(claims.client_id)}`;
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(opaqueApi)) return `aud is ${JSON.stringify(claims.aud)}, expected ${opaqueApi}`;
  return undefined;
}

function tokenTarget(id: string, label: string, server: Target['server'], format: 'jwt' | 'opaque'): Target {
  const api = format === 'jwt' ? jwtApi : opaqueApi;
  return {
    id,
    label,
    server,
    async prepare(url) {
      return tokenRequest((await discover(url)).token_endpoint, api);
    },
    check: (status, body) => checkTokenResponse(status, body, format, api),
  };
}

function introspectionTarget(id: string, label: string, server: Target['server']): Target {
  return {
    id,
    label,
    server,
    async prepare(url) {
      const metadata = await discover(url);
      if (!metadata.introspection_endpoint) throw new Error(`${url} publishes no introspection_endpoint`);
      // A fresh opaque token from this very server, taken just before the run.
      const issued = await sendOnce(tokenRequest(metadata.token_endpoint, opaqueApi));
      const problem = checkTokenResponse(issued.status, issued.body, 'opaque', opaqueApi);
      if (problem) throw new Error(`could not get a token to introspect: ${problem}`);
      return {
        url: metadata.introspection_endpoint,
        method: 'POST',
        headers: {
          authorization: basicAuthorization(introspectingClient.id, introspectingClient.secret),
          'content-type': formContentType,
        },
        body: introspectionRequestBody((issued.body as { access_token: string }).access_token),
      };
    },
    check: checkIntrospection,
  };
}

const portcullis = { script: 'portcullis.ts' };
const oidcProvider = { script: 'oidc-provider.ts' };

export const targets: readonly Target[] = [
  tokenTarget('portcullis-jwt', 'Portcullis token (JWT, ES256)', portcullis, 'jwt'),
  tokenTarget('portcullis-opaque', 'Portcullis token (opaque, SQLite)', portcullis, 'opaque'),
  introspectionTarget('portcullis-introspect', 'Portcullis introspection (opaque)', portcullis),
  tokenTarget('oidc-jwt', 'oidc-provider token (JWT, ES256)', oidcProvider, 'jwt'),
  tokenTarget('oidc-opaque', 'oidc-provider token (opaque, memory)', oidcProvider, 'opaque'),
  introspectionTarget('oidc-introspect', 'oidc-provider introspection (opaque)', oidcProvider),
  tokenTarget('fastify-fixed', 'Fastify ceiling: form + fixed JSON', { script: 'fastify-ceiling.ts', args: ['fixed'] }, 'jwt'),
  tokenTarget('fastify-sign', 'Fastify ceiling: form + ES256 sign', { script: 'fastify-ceiling.ts', args: ['sign'] }, 'jwt'),
];

/**
 * The order runs go in, before rotation: the targets each check compares sit next to each
 * other (the order is a cycle, so rotation keeps them adjacent), so the two runs of a ratio
 * are close in time and drift in the machine's load affects both alike.
 */
export const runOrder: readonly string[] = [
  'fastify-sign',
  'portcullis-jwt',
  'oidc-jwt',
  'portcullis-opaque',
  'oidc-opaque',
  'portcullis-introspect',
  'oidc-introspect',
  'fastify-fixed',
];

export interface RatioCheck {
  id: string;
  description: string;
  numerator: string;
  denominator: string;
  /** Passes when numerator / denominator ≥ min. */
  min: number;
  /**
   * A target that does strictly less work than the numerator on the same server stack (same
   * form, no client authentication, storage or token), so the numerator cannot outrun it: the
   * report shows the rate the check needs as a share of this one's, i.e. whether it is reachable
   * on this machine at all.
   */
  bound?: string;
}

/** The acceptance targets, as ratios measured side by side. */
export const ratioChecks: readonly RatioCheck[] = [
  {
    id: 'jwt-vs-ceiling',
    description: 'JWT issuance ≥ 90% of the Fastify signing ceiling',
    numerator: 'portcullis-jwt',
    denominator: 'fastify-sign',
    min: 0.9,
  },
  {
    id: 'jwt-vs-oidc',
    description: 'JWT issuance ≥ 1.3× oidc-provider JWT',
    numerator: 'portcullis-jwt',
    denominator: 'oidc-jwt',
    min: 1.3,
    bound: 'fastify-fixed',
  },
  {
    id: 'opaque-vs-oidc',
    description: 'opaque issuance ≥ 2.5× oidc-provider opaque',
    numerator: 'portcullis-opaque',
    denominator: 'oidc-opaque',
    min: 2.5,
    bound: 'fastify-fixed',
  },
  {
    id: 'introspect-vs-oidc',
    description: 'introspection ≥ 3× oidc-provider introspection',
    numerator: 'portcullis-introspect',
    denominator: 'oidc-introspect',
    min: 3,
    bound: 'fastify-fixed',
  },
];
