import { type ClientAuthMethod, clientAuthMethods, invalidClientMetadata, invalidRedirectUri, parseScope } from '@portcullis/oauth';

/** Grant types a client may register; implicit and password are refused by design (OAuth 2.1). */
export const registrableGrantTypes = ['client_credentials', 'authorization_code', 'refresh_token'];

const clientIdPattern = /^[A-Za-z0-9._~:@-]{1,128}$/;
const reservedKeys = new Set(['client_secret', 'client_secret_hash', 'client_id']);

export interface ValidatedClient {
  client_id?: string;
  /** The secret given by the caller (config files), if any. */
  client_secret?: string;
  metadata: Record<string, unknown>;
  method: ClientAuthMethod;
}

function list(input: Record<string, unknown>, key: string): string[] | undefined {
  const value = input[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw invalidClientMetadata(`${key} must be a list of strings`);
  return value as string[];
}

function absoluteUri(value: string, key: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidRedirectUri(`${key} entries must be absolute URIs: ${value}`);
  }
  if (url.hash || value.includes('#')) throw invalidRedirectUri(`${key} entries must not contain a fragment: ${value}`);
}

/** Validates client metadata (RFC 7591 §2, §3.2.2); returns what is stored. */
export function validateClientMetadata(input: Record<string, unknown>): ValidatedClient {
  const clientId = input.client_id;
  if (clientId !== undefined && (typeof clientId !== 'string' || !clientIdPattern.test(clientId))) {
    throw invalidClientMetadata('client_id must be 1-128 characters of A-Z a-z 0-9 . _ ~ : @ -');
  }
  const secret = input.client_secret;
  if (secret !== undefined && (typeof secret !== 'string' || secret.length < 16)) {
    throw invalidClientMetadata('client_secret must be a string of at least 16 characters');
  }
  const method = (input.token_endpoint_auth_method ?? 'client_secret_basic') as ClientAuthMethod;
  if (!clientAuthMethods.includes(method))
    throw invalidClientMetadata(`token_endpoint_auth_method must be one of ${clientAuthMethods.join(', ')}`);
  const grantTypes = list(input, 'grant_types') ?? ['authorization_code'];
  for (const grant of grantTypes) {
    if (!registrableGrantTypes.includes(grant)) throw invalidClientMetadata(`grant type ${grant} is not supported`);
  }
  const responseTypes = list(input, 'response_types') ?? (grantTypes.includes('authorization_code') ? ['code'] : []);
  for (const type of responseTypes) if (type !== 'code') throw invalidClientMetadata(`response type ${type} is not supported`);
  for (const key of ['redirect_uris', 'post_logout_redirect_uris']) for (const uri of list(input, key) ?? []) absoluteUri(uri, key);
  if (grantTypes.includes('authorization_code') && !(list(input, 'redirect_uris') ?? []).length) {
    throw invalidRedirectUri('redirect_uris are required for the authorization_code grant');
  }
  if (input.client_name !== undefined && typeof input.client_name !== 'string') throw invalidClientMetadata('client_name must be a string');
  if (input.scope !== undefined) {
    if (typeof input.scope !== 'string') throw invalidClientMetadata('scope must be a space-separated string');
    try {
      parseScope(input.scope);
    } catch {
      throw invalidClientMetadata('scope contains an invalid character');
    }
  }
  if (input.jwks !== undefined && input.jwks_uri !== undefined) throw invalidClientMetadata('jwks and jwks_uri are mutually exclusive');
  if (input.jwks !== undefined) {
    const keys = (input.jwks as { keys?: unknown })?.keys;
    if (!Array.isArray(keys) || keys.some((k) => !k || typeof k !== 'object')) throw invalidClientMetadata('jwks must be a JWK Set');
    if (keys.some((k) => 'd' in k || 'k' in k)) throw invalidClientMetadata('jwks must contain public keys only');
  }
  if (input.jwks_uri !== undefined) {
    if (typeof input.jwks_uri !== 'string' || !/^https?:\/\//.test(input.jwks_uri))
      throw invalidClientMetadata('jwks_uri must be an http(s) URL');
  }
  if (method === 'private_key_jwt' && input.jwks === undefined && input.jwks_uri === undefined) {
    throw invalidClientMetadata('private_key_jwt requires jwks or jwks_uri');
  }
  if ((method === 'none' || method === 'private_key_jwt') && secret !== undefined) {
    throw invalidClientMetadata(`a client using ${method} has no client_secret`);
  }
  if (input.dpop_bound_access_tokens !== undefined && typeof input.dpop_bound_access_tokens !== 'boolean') {
    throw invalidClientMetadata('dpop_bound_access_tokens must be a boolean');
  }
  const metadata = Object.fromEntries(Object.entries(input).filter(([key]) => !reservedKeys.has(key)));
  Object.assign(metadata, { grant_types: grantTypes, response_types: responseTypes, token_endpoint_auth_method: method });
  return {
    ...(typeof clientId === 'string' ? { client_id: clientId } : {}),
    ...(typeof secret === 'string' ? { client_secret: secret } : {}),
    metadata,
    method,
  };
}

/** Whether the method authenticates with a shared secret. */
export function usesSecret(method: ClientAuthMethod): boolean {
  return method === 'client_secret_basic' || method === 'client_secret_post';
}
