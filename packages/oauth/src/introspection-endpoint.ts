import type { AccessTokenRecord } from '@portcullis/store';
import { authenticateClient } from './client-auth/authenticate-client.ts';
import type { ClientAuthRequest } from './client-auth/types.ts';
import type { Client } from './clients.ts';
import type { OAuthContext } from './context.ts';
import { invalidClient } from './errors.ts';
import { requiredParam } from './form.ts';
import { isCompactJwt, signJwtBatched } from './jwt.ts';
import { storedTokenKey } from './ordered-tokens.ts';
import { verifyOwnJwt } from './own-jwt-verifier.ts';
import { clientAuthContext } from './token-endpoint.ts';

export const introspectionJwtMediaType = 'application/token-introspection+jwt';

/** RFC 7662 §2.2 response members. */
export interface IntrospectionClaims {
  active: boolean;
  scope?: string;
  client_id?: string;
  token_type?: string;
  exp?: number;
  iat?: number;
  sub?: string;
  aud?: string | string[];
  iss?: string;
  jti?: string;
  [claim: string]: unknown;
}

export type IntrospectionResult = { kind: 'json'; body: IntrospectionClaims } | { kind: 'jwt'; body: string };

const inactive: IntrospectionClaims = Object.freeze({ active: false });

/** A caller may see a token it owns, or one issued for an API that lists it as an introspector. */
async function mayIntrospect(context: OAuthContext, caller: Client, clientId: string, audience: string[]): Promise<boolean> {
  if (caller.client_id === clientId) return true;
  for (const identifier of audience) {
    if ((await context.apis.get(identifier))?.introspection_clients.includes(caller.client_id)) return true;
  }
  return false;
}

async function lookUp(context: OAuthContext, caller: Client, token: string): Promise<IntrospectionClaims> {
  const now = context.clock();
  if (isCompactJwt(token)) {
    const payload = await verifyOwnJwt(context, token, 'at+jwt');
    if (!payload || typeof payload.client_id !== 'string') return inactive;
    const audience = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
    if (!(await mayIntrospect(context, caller, payload.client_id, audience))) return inactive;
    return { ...payload, active: true, token_type: 'Bearer' } as IntrospectionClaims;
  }
  const record = await context.accessTokens.find(storedTokenKey(token));
  if (!record || record.revoked_at !== null || record.expires_at <= now) return inactive;
  if (!(await mayIntrospect(context, caller, record.client_id, record.audience))) return inactive;
  // A stored token's claims never change (revocation and expiry are checked above): an API that
  // introspects the same token on every call gets the same frozen answer, serialised once.
  let claims = answers.get(record);
  if (!claims) {
    claims = Object.freeze(activeClaims(context, record));
    answers.set(record, claims);
  }
  return claims;
}

const answers = new WeakMap<AccessTokenRecord, IntrospectionClaims>();
const serialized = new WeakMap<IntrospectionClaims, string>();

/** The JSON of an introspection answer; an answer that recurs (a stored token's) is serialised once. */
export function introspectionJson(claims: IntrospectionClaims): string {
  let json = serialized.get(claims);
  if (json === undefined) {
    json = JSON.stringify(claims);
    if (Object.isFrozen(claims)) serialized.set(claims, json);
  }
  return json;
}

function activeClaims(context: OAuthContext, record: AccessTokenRecord): IntrospectionClaims {
  return {
    ...record.claims,
    active: true,
    iss: context.issuer,
    client_id: record.client_id,
    sub: record.subject,
    aud: record.audience.length === 1 ? record.audience[0] : record.audience,
    ...(record.scope ? { scope: record.scope } : {}),
    token_type: 'Bearer',
    iat: record.issued_at,
    exp: record.expires_at,
  };
}

/**
 * RFC 7662 introspection by an authenticated client; a token the caller may not see is
 * reported inactive (§4). With `Accept: application/token-introspection+jwt` the answer is
 * a signed JWT (RFC 9701 §5).
 */
export async function introspectionEndpoint(
  context: OAuthContext,
  request: ClientAuthRequest & { accept?: string | undefined },
): Promise<IntrospectionResult> {
  const caller = await authenticateClient(request, context.clients, clientAuthContext(context));
  if (caller.token_endpoint_auth_method === 'none') throw invalidClient('introspection requires client authentication');
  const token = requiredParam(request.body, 'token');
  const claims = await lookUp(context, caller, token);
  if (!request.accept?.includes(introspectionJwtMediaType)) return { kind: 'json', body: claims };
  const now = context.clock();
  // A cached answer must not outlive the token it describes.
  const exp = Math.min(now + context.introspectionResponseTtl, typeof claims.exp === 'number' ? claims.exp : Number.POSITIVE_INFINITY);
  return {
    kind: 'jwt',
    body: await signJwtBatched(context.keys.signingKey(), 'token-introspection+jwt', {
      iss: context.issuer,
      aud: caller.client_id,
      iat: now,
      exp,
      token_introspection: claims,
    }),
  };
}
