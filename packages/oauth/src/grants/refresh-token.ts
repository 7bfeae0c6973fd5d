import type { TokenResponse } from '../access-token-issuer.ts';
import type { Client } from '../clients.ts';
import type { OAuthContext } from '../context.ts';
import { invalidGrant, invalidScope, unauthorizedClient } from '../errors.ts';
import { type FormBody, param, requiredParam } from '../form.ts';
import { storedTokenKey } from '../ordered-tokens.ts';
import { parseScope } from '../scope.ts';
import { issueUserTokens, revokeFamily } from '../user-tokens.ts';

/**
 * RFC 6749 §6 with rotation (RFC 9700 §4.14.2): every use returns a new refresh token; a token
 * presented again after it was rotated means it leaked, and the whole family is revoked. Of
 * concurrent uses of one token exactly one wins; the others count as reuse.
 */
export async function refreshTokenGrant(context: OAuthContext, client: Client, body: FormBody): Promise<TokenResponse> {
  if (!client.grant_types.includes('refresh_token')) throw unauthorizedClient('client is not allowed the refresh_token grant');
  const hash = storedTokenKey(requiredParam(body, 'refresh_token'));
  const found = await context.people.refreshTokens.findWithUser(hash);
  const now = context.clock();
  if (!found || found.token.client_id !== client.client_id) throw invalidGrant('refresh token is invalid');
  const { token, user } = found;
  if (token.revoked_at !== null) throw invalidGrant('refresh token has been revoked');
  if (token.rotated_at !== null) {
    await revokeFamily(context, token.family_id);
    throw invalidGrant('refresh token has already been used; the session has been revoked');
  }
  if (token.expires_at <= now || token.family_expires_at <= now) throw invalidGrant('refresh token has expired');
  const granted = token.scope.split(' ');
  const requested = parseScope(param(body, 'scope'));
  const narrower = requested.filter((s) => !granted.includes(s));
  if (narrower.length) throw invalidScope(`scope exceeds the original grant: ${narrower.join(' ')}`);
  // Withdrawing a grant revokes its refresh tokens (revokeGrant), so the token's own state already
  // says whether the grant stands; only the account needs a look (read with the token).
  if (!user || user.disabled) {
    await revokeFamily(context, token.family_id);
    throw invalidGrant('the grant is no longer valid');
  }
  // The rotation and the new tokens' writes start together, so on SQLite they share one grouped
  // commit (one round trip, not three). Exactly one concurrent caller wins the rotation; a loser
  // revokes the family, and with it the refresh and access tokens it wrote here, which no one
  // has seen.
  const rotating = context.people.refreshTokens.rotate(hash, now);
  // A narrowed request narrows the access token only; the new refresh token keeps the grant's scope.
  const issuing = issueUserTokens(context, {
    client,
    user,
    scopes: requested.length ? requested : granted,
    refreshScopes: granted,
    resource: token.resource,
    authentication: { auth_time: token.auth_time, acr: token.acr, amr: token.amr },
    grantId: token.grant_id,
    familyId: token.family_id,
    familyExpiresAt: token.family_expires_at,
    nonce: null,
    // This token was issued at the grant's previous use.
    grantLastUsedAt: token.issued_at,
  });
  const [rotated, issued] = await Promise.allSettled([rotating, issuing]);
  if (rotated.status === 'rejected') throw rotated.reason;
  if (!rotated.value) {
    await revokeFamily(context, token.family_id);
    throw invalidGrant('refresh token has already been used; the session has been revoked');
  }
  if (issued.status === 'rejected') throw issued.reason;
  return issued.value;
}
