import type { Client } from '../clients.ts';
import type { OAuthContext } from '../context.ts';
import { invalidRequest, OAuthError, type OAuthErrorCode } from '../errors.ts';
import { type FormBody, param } from '../form.ts';
import { oidcScopes } from '../oidc/claims.ts';
import { requestedResources, resolveRequestedTarget } from '../resource-indicators.ts';
import { parseScope } from '../scope.ts';
import { requireS256Challenge } from './pkce.ts';

/** A validated authorization request (RFC 6749 §4.1.1, OIDC Core §3.1.2.1). */
export interface AuthorizationRequest {
  client_id: string;
  redirect_uri: string;
  scope: string[];
  resource: string | null;
  state: string | null;
  nonce: string | null;
  code_challenge: string;
  prompt: string[];
  max_age: number | null;
  login_hint: string | null;
  acr_values: string[];
}

/**
 * An error reported to the client by redirect (RFC 6749 §4.1.2.1): only raised once the client
 * and redirect URI are known to be genuine, so the redirect cannot be turned against anyone.
 */
export class AuthorizationRedirectError extends OAuthError {
  readonly redirectUri: string;
  readonly state: string | null;
  constructor(code: OAuthErrorCode, description: string, redirectUri: string, state: string | null) {
    super(code, description);
    this.redirectUri = redirectUri;
    this.state = state;
  }
}

const promptValues = new Set(['none', 'login', 'consent']);

/** The client and its redirect URI; failures here are shown to the person, never redirected. */
async function clientAndRedirect(context: OAuthContext, query: FormBody): Promise<{ client: Client; redirectUri: string }> {
  const clientId = param(query, 'client_id');
  if (!clientId) throw invalidRequest('client_id is required');
  const client = await context.clients.get(clientId);
  if (!client) throw invalidRequest('unknown client');
  const given = param(query, 'redirect_uri');
  // OAuth 2.1 §4.1.1: exact string match; it may be omitted only when exactly one is registered.
  if (given === undefined) {
    if (client.redirect_uris.length !== 1) throw invalidRequest('redirect_uri is required');
    return { client, redirectUri: client.redirect_uris[0] as string };
  }
  if (!client.redirect_uris.includes(given)) throw invalidRequest('redirect_uri is not registered for this client');
  return { client, redirectUri: given };
}

/** Validates an authorization request; see AuthorizationRedirectError for how failures travel. */
export async function validateAuthorizationRequest(
  context: OAuthContext,
  query: FormBody,
): Promise<{ client: Client; request: AuthorizationRequest }> {
  const { client, redirectUri } = await clientAndRedirect(context, query);
  let state: string | null = null;
  try {
    state = param(query, 'state') ?? null;
  } catch {
    throw new AuthorizationRedirectError('invalid_request', 'state must not be repeated', redirectUri, null);
  }
  const fail = (code: OAuthErrorCode, description: string) => new AuthorizationRedirectError(code, description, redirectUri, state);
  try {
    if (param(query, 'request') !== undefined) throw fail('request_not_supported', 'request objects are not supported');
    if (param(query, 'request_uri') !== undefined) throw fail('request_uri_not_supported', 'request_uri is not supported');
    const responseType = param(query, 'response_type');
    if (responseType === undefined) throw fail('invalid_request', 'response_type is required');
    // OAuth 2.1: the code flow only; no implicit, no hybrid.
    if (responseType !== 'code') throw fail('unsupported_response_type', 'only response_type=code is supported');
    if (!client.grant_types.includes('authorization_code'))
      throw fail('unauthorized_client', 'client is not allowed the authorization code flow');
    const responseMode = param(query, 'response_mode');
    if (responseMode !== undefined && responseMode !== 'query') throw fail('invalid_request', 'only response_mode=query is supported');

    let scopes = parseScope(param(query, 'scope'));
    const registered = new Set(client.scope.split(' '));
    const refused = scopes.filter((s) => !oidcScopes.includes(s) && !registered.has(s));
    if (refused.length) throw fail('invalid_scope', `scope not allowed for this client: ${refused.join(' ')}`);
    // OIDC Core §11: offline_access is ignored when the client may not hold refresh tokens.
    if (!client.grant_types.includes('refresh_token')) scopes = scopes.filter((s) => s !== 'offline_access');
    const apiScopes = scopes.filter((s) => !oidcScopes.includes(s));
    const resources = requestedResources(query);
    let resource: string | null = null;
    if (resources.length || apiScopes.length) {
      resource = (await resolveRequestedTarget(context, client, resources, apiScopes)).api.identifier;
    }

    const challenge = param(query, 'code_challenge');
    const method = param(query, 'code_challenge_method');
    if (challenge !== undefined || client.token_endpoint_auth_method === 'none' || context.policy.pkceRequired) {
      requireS256Challenge(challenge, method);
    }

    const prompt = (param(query, 'prompt') ?? '').split(' ').filter(Boolean);
    for (const value of prompt) if (!promptValues.has(value)) throw fail('invalid_request', `prompt ${value} is not supported`);
    if (prompt.includes('none') && prompt.length > 1) throw fail('invalid_request', 'prompt=none cannot be combined with other values');
    const maxAgeText = param(query, 'max_age');
    if (maxAgeText !== undefined && !/^\d{1,9}$/.test(maxAgeText)) throw fail('invalid_request', 'max_age must be a non-negative integer');
    const nonce = param(query, 'nonce') ?? null;
    if (nonce !== null && nonce.length > 512) throw fail('invalid_request', 'nonce is too long');

    return {
      client,
      request: {
        client_id: client.client_id,
        redirect_uri: redirectUri,
        scope: scopes,
        resource,
        state,
        nonce,
        code_challenge: challenge ?? '',
        prompt,
        max_age: maxAgeText === undefined ? null : Number(maxAgeText),
        login_hint: param(query, 'login_hint') ?? null,
        acr_values: (param(query, 'acr_values') ?? '').split(' ').filter(Boolean),
      },
    };
  } catch (error) {
    if (error instanceof AuthorizationRedirectError) throw error;
    if (error instanceof OAuthError) throw fail(error.code, error.description);
    throw error;
  }
}

/** The client's redirect URI with the response parameters and `iss` (RFC 9207 §2). */
export function authorizationResponseUrl(
  context: OAuthContext,
  redirectUri: string,
  params: Record<string, string | null | undefined>,
): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== null && value !== undefined) url.searchParams.set(name, value);
  url.searchParams.set('iss', context.issuer);
  return url.toString();
}
