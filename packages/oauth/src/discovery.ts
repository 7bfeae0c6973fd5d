import { assertionAlgorithms } from './client-auth/private-key-jwt.ts';
import { clientAuthMethods } from './clients.ts';
import type { OAuthContext } from './context.ts';
import { oidcScopes, scopeClaims } from './oidc/claims.ts';
import { grantHandlers } from './token-endpoint.ts';

/**
 * RFC 8414 §2 authorization server metadata: exactly what this server implements.
 * The OpenID Connect discovery document (OIDC Discovery §3) is the same object, with
 * the members that specification requires once the OIDC endpoints exist.
 */
export function serverMetadata(context: OAuthContext, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const confidentialMethods = clientAuthMethods.filter((m) => m !== 'none');
  return {
    issuer: context.issuer,
    ...context.endpoints,
    grant_types_supported: Object.keys(grantHandlers),
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    code_challenge_methods_supported: ['S256'],
    scopes_supported: oidcScopes,
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [context.keys.signingKey().alg],
    userinfo_signing_alg_values_supported: [],
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'acr',
      'amr',
      'nonce',
      'azp',
      'at_hash',
      ...new Set(Object.values(scopeClaims).flat()),
    ],
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    authorization_response_iss_parameter_supported: true,
    prompt_values_supported: ['none', 'login', 'consent'],
    token_endpoint_auth_methods_supported: [...clientAuthMethods],
    token_endpoint_auth_signing_alg_values_supported: assertionAlgorithms,
    introspection_endpoint_auth_methods_supported: confidentialMethods,
    introspection_endpoint_auth_signing_alg_values_supported: assertionAlgorithms,
    revocation_endpoint_auth_methods_supported: [...clientAuthMethods],
    revocation_endpoint_auth_signing_alg_values_supported: assertionAlgorithms,
    introspection_signing_alg_values_supported: [context.keys.signingKey().alg],
    ...extra,
  };
}
