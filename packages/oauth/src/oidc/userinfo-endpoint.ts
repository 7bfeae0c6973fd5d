import { bearerToken, validateAccessToken } from '../access-token-validator.ts';
import { bearerChallenge } from '../bearer-challenge.ts';
import type { OAuthContext } from '../context.ts';
import { OAuthError } from '../errors.ts';
import { claimsForScopes } from './claims.ts';

function challenge(context: OAuthContext, code?: 'invalid_token' | 'insufficient_scope', description?: string): Record<string, string> {
  return { 'WWW-Authenticate': bearerChallenge(context.issuer, code, description) };
}

/** OIDC Core §5.3: the signed-in user's claims for a bearer access token with `openid`. */
export async function userinfoEndpoint(context: OAuthContext, authorization: string | undefined): Promise<Record<string, unknown>> {
  if (!authorization) throw new OAuthError('invalid_token', 'access token is required', challenge(context));
  const token = bearerToken(authorization);
  const principal = token && (await validateAccessToken(context, token));
  if (!principal)
    throw new OAuthError(
      'invalid_token',
      'access token is invalid or expired',
      challenge(context, 'invalid_token', 'access token is invalid or expired'),
    );
  if (!principal.scopes.has('openid')) {
    throw new OAuthError(
      'insufficient_scope',
      'the openid scope is required',
      challenge(context, 'insufficient_scope', 'the openid scope is required'),
    );
  }
  const user = await context.people.users.get(principal.sub);
  if (!user || user.disabled)
    throw new OAuthError('invalid_token', 'the user no longer exists', challenge(context, 'invalid_token', 'the user no longer exists'));
  return { ...claimsForScopes(user, [...principal.scopes]), sub: user.user_id };
}
