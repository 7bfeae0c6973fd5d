import { authenticateClient } from './client-auth/authenticate-client.ts';
import type { ClientAuthRequest } from './client-auth/types.ts';
import type { OAuthContext } from './context.ts';
import { OAuthError } from './errors.ts';
import { requiredParam } from './form.ts';
import { storedTokenKey } from './ordered-tokens.ts';
import { clientAuthContext } from './token-endpoint.ts';
import { revokeFamily } from './user-tokens.ts';

const notIssuedToCaller = () => new OAuthError('unauthorized_client', 'the token was not issued to this client');

/**
 * RFC 7009 §2.1: the client revokes a token issued to it. A refresh token takes its whole
 * family with it, and the opaque access tokens issued under that family (§2.1: "SHOULD also
 * invalidate all access tokens based on the same authorization grant"). Unknown and
 * self-contained (JWT) tokens answer 200 as §2.2 requires; a JWT stays valid until it expires.
 */
export async function revocationEndpoint(context: OAuthContext, request: ClientAuthRequest): Promise<void> {
  const caller = await authenticateClient(request, context.clients, clientAuthContext(context));
  const token = requiredParam(request.body, 'token');
  // token_type_hint is only a hint (§2.1): every token type is searched regardless.
  // Access and refresh tokens are keyed the same way (their ordering prefix + SHA-256).
  const hash = storedTokenKey(token);
  const record = await context.accessTokens.find(hash);
  if (record) {
    if (record.client_id !== caller.client_id) throw notIssuedToCaller();
    await context.accessTokens.revoke(hash, context.clock());
    return;
  }
  const refresh = await context.people.refreshTokens.find(hash);
  if (!refresh) return;
  if (refresh.client_id !== caller.client_id) throw notIssuedToCaller();
  await revokeFamily(context, refresh.family_id);
}
