import {
  type AccessTokenVerifier,
  bearerToken,
  type ErrorResponse,
  errorResponse,
  VerificationError,
  type VerifiedAccessToken,
} from '@portcullis/sdk';
import type { DecisionReason } from './metrics.ts';
import type { CompiledRoute } from './routes/compiled-route.ts';

export type Decision = { ok: true; token: VerifiedAccessToken } | { ok: false; reason: DecisionReason; response: ErrorResponse };

/**
 * The three answers of the API edge for one protected route: the token is valid for the
 * route's audience (else 401, RFC 6750), its scopes meet the rule (else 403), the user's
 * authentication is strong and fresh enough (else 401, RFC 9470). An unreachable issuer is 503.
 */
export async function enforceRoute(
  route: CompiledRoute,
  authorization: string | undefined,
  verifier: AccessTokenVerifier,
): Promise<Decision> {
  try {
    const token = await verifier.authenticate(bearerToken(authorization), {
      audience: route.settings.audience,
      tokens: route.settings.token,
    });
    if (route.requirement) verifier.authorize(token, route.requirement);
    return { ok: true, token };
  } catch (error) {
    if (!(error instanceof VerificationError)) throw error;
    return {
      ok: false,
      reason: error.missingToken ? 'missing_token' : error.code,
      response: errorResponse(error, { realm: route.settings.audience[0] }),
    };
  }
}
