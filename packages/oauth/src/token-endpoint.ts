import type { TokenResponse } from './access-token-issuer.ts';
import { authenticateClient } from './client-auth/authenticate-client.ts';
import type { ClientAuthContext, ClientAuthRequest } from './client-auth/types.ts';
import type { Client } from './clients.ts';
import type { OAuthContext } from './context.ts';
import { unsupportedGrantType } from './errors.ts';
import { type FormBody, requiredParam } from './form.ts';
import { authorizationCodeGrant } from './grants/authorization-code.ts';
import { clientCredentialsGrant } from './grants/client-credentials.ts';
import { refreshTokenGrant } from './grants/refresh-token.ts';
import { isCompactJwt } from './jwt.ts';

export type GrantHandler = (context: OAuthContext, client: Client, body: FormBody) => Promise<TokenResponse>;

/** Grant types by their `grant_type` value; later grants register here. */
export const grantHandlers: Record<string, GrantHandler> = {
  authorization_code: authorizationCodeGrant,
  client_credentials: clientCredentialsGrant,
  refresh_token: refreshTokenGrant,
};

/** RFC 6749 §3.2: authenticate the client, then run the grant it asks for. */
export async function tokenEndpoint(context: OAuthContext, request: ClientAuthRequest): Promise<TokenResponse> {
  const grantType = requiredParam(request.body, 'grant_type');
  const handler = Object.hasOwn(grantHandlers, grantType) ? grantHandlers[grantType] : undefined;
  const client = await authenticateClient(request, context.clients, clientAuthContext(context));
  if (!handler) throw unsupportedGrantType(`grant_type ${grantType} is not supported`);
  const response = await handler(context, client, request.body);
  context.onTokenIssued?.(grantType, isCompactJwt(response.access_token) ? 'jwt' : 'opaque');
  return response;
}

// One server has one context: remember the slice built for the last one (a WeakMap lookup on
// every request measured as more expensive than this identity check).
let sliceOf: { context: OAuthContext; slice: ClientAuthContext } | undefined;

/** The slice of the context that client authentication needs (built once per context). */
export function clientAuthContext(context: OAuthContext): ClientAuthContext {
  if (sliceOf?.context !== context) {
    sliceOf = {
      context,
      slice: {
        issuer: context.issuer,
        clock: context.clock,
        replay: context.replay,
        assertionAudiences: [context.endpoints.token_endpoint],
      },
    };
  }
  return sliceOf.slice;
}
