export { issueAccessToken, type TokenResponse } from './access-token-issuer.ts';
export { type AccessTokenPrincipal, bearerToken, validateAccessToken } from './access-token-validator.ts';
export { checkPassword } from './accounts/authenticate-user.ts';
export { owaspParameters, PasswordHasher, type PasswordParameters } from './accounts/password-hasher.ts';
export { type Api, ApiRegistry, apiFromRecord, defaultAccessTokenTtl, type TokenFormat, tokenFormats } from './apis.ts';
export {
  type AuthorizationStep,
  approveConsent,
  continueAfterSignIn,
  denyConsent,
  loadPending,
  startAuthorization,
} from './authorization/authorization-flow.ts';
export { AuthorizationRedirectError, type AuthorizationRequest } from './authorization/authorization-request.ts';
export { createSession, endSession, findSession, passwordAcr } from './authorization/sessions.ts';
export { bearerChallenge } from './bearer-challenge.ts';
export { authenticateClient } from './client-auth/authenticate-client.ts';
export type { ClientAuthRequest } from './client-auth/types.ts';
export { type Client, type ClientAuthMethod, ClientRegistry, clientAuthMethods, clientFromRecord } from './clients.ts';
export { type Clock, systemClock } from './clock.ts';
export type { PeoplePolicy } from './context.ts';
export { type EndpointUrls, endpointUrls, type OAuthContext } from './context.ts';
export { serverMetadata } from './discovery.ts';
export * from './errors.ts';
export type { FormBody } from './form.ts';
export { codeReplayWindowSeconds, type SweepResult, sweepExpired } from './housekeeping.ts';
export { type IntrospectionResult, introspectionEndpoint, introspectionJson, introspectionJwtMediaType } from './introspection-endpoint.ts';
export { isSigningAlgorithm, type SigningAlgorithm, signingAlgorithms } from './keys/algorithms.ts';
export { KeyEncryption } from './keys/key-encryption.ts';
export { KeyRing, type KeyRingOptions } from './keys/key-ring.ts';
export { apiClaimNames, claimsForScopes, oidcScopes, scopeClaims } from './oidc/claims.ts';
export { type LogoutDecision, resolveLogout } from './oidc/end-session.ts';
export { userinfoEndpoint } from './oidc/userinfo-endpoint.ts';
export { verifyOwnJwt } from './own-jwt-verifier.ts';
export { revocationEndpoint } from './revocation-endpoint.ts';
export { parseScope } from './scope.ts';
export { randomToken, safeEqual, sha256 } from './secrets.ts';
export { tokenEndpoint } from './token-endpoint.ts';
export { revokeFamily, revokeGrant, userinfoTokenTtl } from './user-tokens.ts';
