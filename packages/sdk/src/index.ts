export {
  type AcceptedTokens,
  type AccessTokenClaims,
  audienceOf,
  scopesOf,
  type TokenFormat,
  type VerifiedAccessToken,
} from './access-token.ts';
export { bearerToken } from './bearer.ts';
export { bearerChallenge, type ChallengeOptions, type ErrorResponse, errorResponse } from './challenge.ts';
export { type Clock, epochSeconds, systemClock } from './clock.ts';
export { fetchIssuerMetadata, type IssuerMetadata } from './discovery.ts';
export {
  type ChallengeParams,
  insufficientScope,
  insufficientUserAuthentication,
  invalidRequest,
  invalidToken,
  missingToken,
  temporarilyUnavailable,
  VerificationError,
  type VerificationErrorCode,
} from './errors.ts';
export type { Fetch } from './http.ts';
export type { IntrospectionCredentials } from './introspection-client.ts';
export { defaultAlgorithms, verifiableAlgorithms } from './jose/algorithms.ts';
export { type IntrospectionOptions, type VerifierEvents, type VerifierOptions, verifierDefaults } from './options.ts';
export { type CompiledRequirement, checkRequirement, compileRequirement, type Requirement } from './requirement.ts';
export {
  type ProtectedResourceMetadata,
  protectedResourceMetadata,
  type ResourceMetadataInput,
  resourceMetadataPath,
  resourceMetadataUrl,
} from './resource-metadata.ts';
export { evaluateScopeExpression, scopesToRequest } from './scope/evaluate.ts';
export { allOf, anyOf, formatScopeExpression, not, type ScopeExpression, scope } from './scope/expression.ts';
export { parseScopeExpression, ScopeExpressionError } from './scope/parse.ts';
export { tokenHash } from './token-hash.ts';
export { AccessTokenVerifier, createVerifier, type VerifyOptions } from './verifier.ts';
