import type { OAuthContext } from './context.ts';
import { isCompactJwt } from './jwt.ts';
import { storedTokenKey } from './ordered-tokens.ts';
import { verifyOwnJwt } from './own-jwt-verifier.ts';

/** What a valid access token says, whatever its format. */
export interface AccessTokenPrincipal {
  client_id: string;
  sub: string;
  scopes: Set<string>;
  audience: string[];
}

/** Validates an access token this server issued (RFC 9068 JWT or stored opaque); undefined when not active. */
export async function validateAccessToken(context: OAuthContext, token: string): Promise<AccessTokenPrincipal | undefined> {
  if (isCompactJwt(token)) {
    const payload = await verifyOwnJwt(context, token, 'at+jwt');
    if (!payload || typeof payload.client_id !== 'string' || typeof payload.sub !== 'string') return undefined;
    return {
      client_id: payload.client_id,
      sub: payload.sub,
      scopes: new Set(typeof payload.scope === 'string' ? payload.scope.split(' ') : []),
      audience: typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []),
    };
  }
  const record = await context.accessTokens.find(storedTokenKey(token));
  if (!record || record.revoked_at !== null || record.expires_at <= context.clock()) return undefined;
  return { client_id: record.client_id, sub: record.subject, scopes: new Set(record.scope.split(' ')), audience: record.audience };
}

/** The token of an `Authorization: Bearer` header (RFC 6750 §2.1), or undefined when malformed. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return authorization ? /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(authorization)?.[1] : undefined;
}
