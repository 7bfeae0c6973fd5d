import type { TokenResponse } from '../access-token-issuer.ts';
import { verifyCodeVerifier } from '../authorization/pkce.ts';
import type { Client } from '../clients.ts';
import type { OAuthContext } from '../context.ts';
import { invalidGrant, unauthorizedClient } from '../errors.ts';
import { type FormBody, param, requiredParam } from '../form.ts';
import { storedTokenKey } from '../ordered-tokens.ts';
import { issueUserTokens, revokeFamily } from '../user-tokens.ts';

/**
 * RFC 6749 §4.1.3 with RFC 7636 §4.6: redeems a code once. A second redemption fails and
 * revokes everything the first one produced (RFC 6749 §4.1.2, RFC 9700 §4.5).
 */
export async function authorizationCodeGrant(context: OAuthContext, client: Client, body: FormBody): Promise<TokenResponse> {
  if (!client.grant_types.includes('authorization_code')) throw unauthorizedClient('client is not allowed the authorization_code grant');
  const code = requiredParam(body, 'code');
  const redirectUri = param(body, 'redirect_uri');
  const verifier = param(body, 'code_verifier');
  const now = context.clock();
  const result = await context.people.codes.consume(storedTokenKey(code), now);
  if (!result) throw invalidGrant('authorization code is invalid');
  const { record } = result;
  if (result.outcome === 'replayed') {
    if (record.client_id === client.client_id) await revokeFamily(context, record.family_id);
    throw invalidGrant('authorization code has already been used');
  }
  if (record.client_id !== client.client_id) throw invalidGrant('authorization code was issued to another client');
  if (record.expires_at <= now) throw invalidGrant('authorization code has expired');
  // §4.1.3: the redirect_uri must be the one the code was issued for.
  if (redirectUri !== record.redirect_uri) throw invalidGrant('redirect_uri does not match the authorization request');
  if (record.code_challenge) verifyCodeVerifier(verifier, record.code_challenge);
  else if (verifier !== undefined) throw invalidGrant('code_verifier was sent but the authorization request had no code_challenge');
  const [grant, user] = await Promise.all([context.people.grants.get(record.grant_id), context.people.users.get(record.user_id)]);
  if (!grant || grant.revoked_at !== null) throw invalidGrant('the grant has been revoked');
  if (!user || user.disabled) throw invalidGrant('the user is no longer active');
  return issueUserTokens(context, {
    client,
    user,
    scopes: record.scope.split(' ').filter(Boolean),
    resource: record.resource,
    authentication: { auth_time: record.auth_time, acr: record.acr, amr: record.amr },
    grantId: record.grant_id,
    familyId: record.family_id,
    familyExpiresAt: record.auth_time + context.policy.refreshTokenAbsoluteTtl,
    nonce: record.nonce,
    grantLastUsedAt: grant.last_used_at,
  });
}
