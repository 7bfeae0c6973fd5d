/**
 * The errors a protected resource answers with, in one catalogue: each code knows its HTTP
 * status, and the challenge is built from it once (challenge.ts). Causes stay internal.
 */

/** RFC 6750 §3.1 codes, RFC 9470 §3's step-up code, and the fail-closed 503. */
export type VerificationErrorCode =
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'insufficient_user_authentication'
  | 'temporarily_unavailable';

const statusByCode: Record<VerificationErrorCode, number> = {
  invalid_request: 400,
  invalid_token: 401,
  insufficient_scope: 403,
  insufficient_user_authentication: 401,
  temporarily_unavailable: 503,
};

/** Extra challenge parameters: `scope` (RFC 6750 §3), `acr_values` and `max_age` (RFC 9470 §3). */
export interface ChallengeParams {
  scope?: string;
  acr_values?: string;
  max_age?: number;
}

export class VerificationError extends Error {
  override name = 'VerificationError';
  readonly code: VerificationErrorCode;
  readonly status: number;
  readonly params: ChallengeParams;
  /** RFC 6750 §3.1: a request with no credentials gets a challenge without an error code. */
  readonly missingToken: boolean;

  constructor(
    code: VerificationErrorCode,
    description: string,
    params: ChallengeParams = {},
    options: { missingToken?: boolean; cause?: unknown } = {},
  ) {
    super(description, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = statusByCode[code];
    this.params = params;
    this.missingToken = options.missingToken ?? false;
  }
}

export function missingToken(): VerificationError {
  return new VerificationError('invalid_token', 'an access token is required', {}, { missingToken: true });
}

export function invalidRequest(description: string): VerificationError {
  return new VerificationError('invalid_request', description);
}

export function invalidToken(description: string): VerificationError {
  return new VerificationError('invalid_token', description);
}

export function insufficientScope(scope: string): VerificationError {
  return new VerificationError('insufficient_scope', `scope ${scope} is required`, { scope });
}

export function insufficientUserAuthentication(description: string, params: { acr_values?: string; max_age?: number }): VerificationError {
  return new VerificationError('insufficient_user_authentication', description, params);
}

/** Fail closed: when the issuer cannot be asked, the answer is 503, never a pass. */
export function temporarilyUnavailable(description: string, cause?: unknown): VerificationError {
  return new VerificationError('temporarily_unavailable', description, {}, { cause });
}
