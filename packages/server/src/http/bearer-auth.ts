import { type OAuthContext, OAuthError, sha256, verifyOwnJwt } from '@portcullis/oauth';

export interface BearerPrincipal {
  client_id: string;
  sub: string;
  scopes: Set<string>;
}

function challenge(realm: string, code: 'invalid_token' | 'insufficient_scope' | undefined, description?: string, scope?: string): string {
  const parts = [`realm="${realm}"`];
  if (code) parts.push(`error="${code}"`);
  if (description) parts.push(`error_description="${description}"`);
  if (scope) parts.push(`scope="${scope}"`);
  return `Bearer ${parts.join(', ')}`;
}

/**
 * Authenticates a request to one of this server's own APIs with a Portcullis access token
 * (RFC 6750 §2.1) for `audience` carrying `scope`; errors carry the §3 challenge.
 */
export async function authenticateBearer(
  context: OAuthContext,
  authorization: string | undefined,
  audience: string,
  scope: string,
): Promise<BearerPrincipal> {
  const realm = audience;
  if (!authorization)
    throw new OAuthError('invalid_token', 'access token is required', { 'WWW-Authenticate': challenge(realm, undefined) });
  const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(authorization);
  const invalid = (description: string) =>
    new OAuthError('invalid_token', description, { 'WWW-Authenticate': challenge(realm, 'invalid_token', description) });
  if (!match) throw invalid('malformed Authorization header');
  const token = match[1] as string;
  let principal: BearerPrincipal & { audience: string[] };
  if (token.split('.').length === 3) {
    const payload = await verifyOwnJwt(context, token, 'at+jwt');
    if (!payload || typeof payload.client_id !== 'string' || typeof payload.sub !== 'string')
      throw invalid('access token is invalid or expired');
    principal = {
      client_id: payload.client_id,
      sub: payload.sub,
      scopes: new Set(typeof payload.scope === 'string' ? payload.scope.split(' ') : []),
      audience: typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []),
    };
  } else {
    const record = await context.accessTokens.find(sha256(token));
    if (!record || record.revoked_at !== null || record.expires_at <= context.clock()) throw invalid('access token is invalid or expired');
    principal = { client_id: record.client_id, sub: record.subject, scopes: new Set(record.scope.split(' ')), audience: record.audience };
  }
  if (!principal.audience.includes(audience)) throw invalid('access token is not meant for this API');
  if (!principal.scopes.has(scope)) {
    throw new OAuthError('insufficient_scope', `scope ${scope} is required`, {
      'WWW-Authenticate': challenge(realm, 'insufficient_scope', `scope ${scope} is required`, scope),
    });
  }
  return principal;
}
