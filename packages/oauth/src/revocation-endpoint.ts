import { authenticateClient } from './client-auth/authenticate-client.ts';
import type { ClientAuthRequest } from './client-auth/types.ts';
import type { OAuthContext } from './context.ts';
import { OAuthError } from './errors.ts';
import { requiredParam } from './form.ts';
import { sha256 } from './secrets.ts';
import { clientAuthContext } from './token-endpoint.ts';

/**
 * RFC 7009 §2.1: the client revokes a token issued to it. Unknown and self-contained (JWT)
 * tokens answer 200 as §2.2 requires; a JWT stays valid until it expires.
 */
export async function revocationEndpoint(context: OAuthContext, request: ClientAuthRequest): Promise<void> {
  const caller = await authenticateClient(request, context.clients, clientAuthContext(context));
  const token = requiredParam(request.body, 'token');
  // token_type_hint is only a hint (§2.1): every token type is searched regardless.
  const hash = sha256(token);
  const record = await context.accessTokens.find(hash);
  if (!record) return;
  if (record.client_id !== caller.client_id) throw new OAuthError('unauthorized_client', 'the token was not issued to this client');
  await context.accessTokens.revoke(hash, context.clock());
}
