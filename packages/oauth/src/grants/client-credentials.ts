import { issueAccessToken, type TokenResponse } from '../access-token-issuer.ts';
import type { Client } from '../clients.ts';
import type { OAuthContext } from '../context.ts';
import { unauthorizedClient } from '../errors.ts';
import type { FormBody } from '../form.ts';
import { type ResolvedTarget, resolveTarget } from '../resource-indicators.ts';

/** RFC 6749 §4.4: a confidential client gets a token for itself. */
export function clientCredentialsGrant(context: OAuthContext, client: Client, body: FormBody): Promise<TokenResponse> {
  // §4.4: only confidential clients; a public client proves nothing about who is asking.
  if (client.token_endpoint_auth_method === 'none')
    return Promise.reject(unauthorizedClient('public clients may not use client_credentials'));
  if (!client.grant_types.includes('client_credentials'))
    return Promise.reject(unauthorizedClient('client is not allowed the client_credentials grant'));
  const issue = ({ api, scopes }: ResolvedTarget) => issueAccessToken(context, { client, subject: client.client_id, api, scopes });
  // A repeated request's decision is remembered (resource-indicators.ts): no promise until the token.
  const target = resolveTarget(context, client, body);
  return target instanceof Promise ? target.then(issue) : issue(target);
}
