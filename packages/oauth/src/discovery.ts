import { assertionAlgorithms } from './client-auth/private-key-jwt.ts';
import { clientAuthMethods } from './clients.ts';
import type { OAuthContext } from './context.ts';
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
    response_types_supported: [],
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
