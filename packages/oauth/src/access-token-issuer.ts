import { randomUUID } from 'node:crypto';
import type { Api } from './apis.ts';
import type { Client } from './clients.ts';
import type { OAuthContext } from './context.ts';
import { signJwtBatched } from './jwt.ts';
import { newOrderedToken, storedTokenKey } from './ordered-tokens.ts';

export interface AccessTokenGrant {
  client: Client;
  /** `sub`: the user, or the client itself for client credentials (RFC 9068 §2.2). */
  subject: string;
  api: Api;
  scopes: readonly string[];
  claims?: Record<string, unknown>;
  grantId?: string;
}

/** RFC 6749 §5.1 successful token response. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope?: string;
  [extra: string]: unknown;
}

/** Issues the access token in the API's format: an RFC 9068 JWT, or opaque and stored by hash. */
export function issueAccessToken(context: OAuthContext, grant: AccessTokenGrant): Promise<TokenResponse> {
  const now = context.clock();
  const ttl = grant.api.access_token_ttl;
  const scope = grant.scopes.join(' ');
  const respond = (accessToken: string): TokenResponse => {
    const response: TokenResponse = { access_token: accessToken, token_type: 'Bearer', expires_in: ttl };
    if (scope) response.scope = scope;
    return response;
  };
  if (grant.api.token_format === 'jwt') {
    const registered: Record<string, unknown> = {
      iss: context.issuer,
      sub: grant.subject,
      aud: grant.api.identifier,
      exp: now + ttl,
      iat: now,
      jti: randomUUID(),
      client_id: grant.client.client_id,
    };
    if (scope) registered.scope = scope;
    const claims = grant.claims ? { ...grant.claims, ...registered } : registered;
    return signJwtBatched(context.keys.signingKey(), 'at+jwt', claims).then(respond);
  }
  const accessToken = newOrderedToken();
  return context.accessTokens
    .insert({
      token_hash: storedTokenKey(accessToken),
      client_id: grant.client.client_id,
      subject: grant.subject,
      audience: [grant.api.identifier],
      scope,
      claims: grant.claims ?? {},
      grant_id: grant.grantId ?? null,
      issued_at: now,
      expires_at: now + ttl,
      revoked_at: null,
    })
    .then(() => respond(accessToken));
}
