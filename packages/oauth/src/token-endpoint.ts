import type { TokenResponse } from './access-token-issuer.ts';
import { authenticate } from './client-auth/authenticate-client.ts';
import type { ClientAuthContext, ClientAuthRequest } from './client-auth/types.ts';
import type { Client } from './clients.ts';
import type { OAuthContext } from './context.ts';
import { unsupportedGrantType } from './errors.ts';
import { type FormBody, requiredParam } from './form.ts';
import { authorizationCodeGrant } from './grants/authorization-code.ts';
import { clientCredentialsGrant } from './grants/client-credentials.ts';
import { refreshTokenGrant } from './grants/refresh-token.ts';

export type GrantHandler = (context: OAuthContext, client: Client, body: FormBody) => Promise<TokenResponse>;

/** Grant types by their `grant_type` value; later grants register here. */
export const grantHandlers: Record<string, GrantHandler> = {
  authorization_code: authorizationCodeGrant,
  client_credentials: clientCredentialsGrant,
  refresh_token: refreshTokenGrant,
};

/** RFC 6749 §3.2: authenticate the client, then run the grant it asks for. */
export function tokenEndpoint(context: OAuthContext, request: ClientAuthRequest): Promise<TokenResponse> {
  // The common path (a cached machine client, a remembered decision) runs without a promise
  // until the token itself; every refusal still comes as a rejection.
  try {
    const grantType = requiredParam(request.body, 'grant_type');
    const client = authenticate(request, context.clients, clientAuthContext(context));
    if (client instanceof Promise) return client.then((authenticated) => runGrant(context, grantType, authenticated, request.body));
    return runGrant(context, grantType, client, request.body);
  } catch (error) {
    return Promise.reject(error);
  }
}

/** The grant `grantType` for an authenticated client (RFC 6749 §5.2 `unsupported_grant_type` for any other). */
function runGrant(context: OAuthContext, grantType: string, client: Client, body: FormBody): Promise<TokenResponse> {
  const handler = Object.hasOwn(grantHandlers, grantType) ? grantHandlers[grantType] : undefined;
  if (!handler) throw unsupportedGrantType(`grant_type ${grantType} is not supported`);
  return handler(context, client, body);
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
