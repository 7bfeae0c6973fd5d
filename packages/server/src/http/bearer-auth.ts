import {
  type AccessTokenPrincipal,
  bearerToken,
  bearerChallenge as challenge,
  type OAuthContext,
  OAuthError,
  validateAccessToken,
} from '@portcullis/oauth';

export type { AccessTokenPrincipal as BearerPrincipal } from '@portcullis/oauth';

/**
 * Authenticates a request to one of this server's own APIs with a Portcullis access token
 * (RFC 6750 §2.1) for `audience` carrying `scope`; errors carry the §3 challenge.
 */
export async function authenticateBearer(
  context: OAuthContext,
  authorization: string | undefined,
  audience: string,
  scope: string,
): Promise<AccessTokenPrincipal> {
  const realm = audience;
  if (!authorization)
    throw new OAuthError('invalid_token', 'access token is required', { 'WWW-Authenticate': challenge(realm, undefined) });
  const invalid = (description: string) =>
    new OAuthError('invalid_token', description, { 'WWW-Authenticate': challenge(realm, 'invalid_token', description) });
  const token = bearerToken(authorization);
  if (!token) throw invalid('malformed Authorization header');
  const principal = await validateAccessToken(context, token);
  if (!principal) throw invalid('access token is invalid or expired');
  if (!principal.audience.includes(audience)) throw invalid('access token is not meant for this API');
  if (!principal.scopes.has(scope)) {
    throw new OAuthError('insufficient_scope', `scope ${scope} is required`, {
      'WWW-Authenticate': challenge(realm, 'insufficient_scope', `scope ${scope} is required`, scope),
    });
  }
  return principal;
}
