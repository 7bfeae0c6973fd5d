/**
 * The OAuth error catalogue: each code knows its HTTP status, so steps throw by name and the
 * HTTP edge maps once (RFC 6749 §4.1.2.1 and §5.2, OIDC Core §3.1.2.6, RFC 6750 §3.1, RFC 7009 §2.2.1, RFC 7591 §3.2.2, RFC 8707 §2).
 */
export const errorStatus = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  invalid_target: 400,
  unsupported_token_type: 400,
  access_denied: 403,
  invalid_token: 401,
  insufficient_scope: 403,
  unsupported_response_type: 400,
  login_required: 400,
  consent_required: 400,
  interaction_required: 400,
  request_not_supported: 400,
  request_uri_not_supported: 400,
  invalid_client_metadata: 400,
  invalid_redirect_uri: 400,
  request_too_large: 413,
  not_found: 404,
  server_error: 500,
  temporarily_unavailable: 503,
} as const;

export type OAuthErrorCode = keyof typeof errorStatus;

/** An error that reaches the client: its code, description and status are safe to show. */
export class OAuthError extends Error {
  readonly code: OAuthErrorCode;
  readonly status: number;
  readonly description: string;
  /** Extra response headers (e.g. `WWW-Authenticate` on invalid_client with Basic). */
  readonly headers: Record<string, string>;

  constructor(code: OAuthErrorCode, description: string, headers: Record<string, string> = {}) {
    super(`${code}: ${description}`);
    this.name = 'OAuthError';
    this.code = code;
    this.status = errorStatus[code];
    this.description = description;
    this.headers = headers;
  }

  /** The RFC 6749 §5.2 JSON body. */
  toJSON(): { error: string; error_description: string } {
    return { error: this.code, error_description: this.description };
  }
}

export const invalidRequest = (description: string) => new OAuthError('invalid_request', description);
export const invalidClient = (description: string, headers?: Record<string, string>) =>
  new OAuthError('invalid_client', description, headers);
export const invalidGrant = (description: string) => new OAuthError('invalid_grant', description);
export const unauthorizedClient = (description: string) => new OAuthError('unauthorized_client', description);
export const unsupportedGrantType = (description: string) => new OAuthError('unsupported_grant_type', description);
export const invalidScope = (description: string) => new OAuthError('invalid_scope', description);
export const invalidTarget = (description: string) => new OAuthError('invalid_target', description);
export const invalidToken = (description: string) => new OAuthError('invalid_token', description);
export const insufficientScope = (description: string) => new OAuthError('insufficient_scope', description);
export const notFound = (description: string) => new OAuthError('not_found', description);
export const invalidClientMetadata = (description: string) => new OAuthError('invalid_client_metadata', description);
export const invalidRedirectUri = (description: string) => new OAuthError('invalid_redirect_uri', description);
