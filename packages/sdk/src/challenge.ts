import type { VerificationError } from './errors.ts';

export interface ChallengeOptions {
  /** RFC 6750 §3 `realm`. */
  realm?: string;
  /** RFC 9728 §5.1: where the protected resource metadata is, so clients can find the issuer. */
  resourceMetadata?: string;
}

/** An HTTP answer any framework can send as is. */
export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: { error: string; error_description: string };
}

/** RFC 7235 §2.1 quoted-string: backslash-escape `"` and `\`, and drop control characters. */
function quoted(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what must not reach a header
  return `"${value.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/["\\]/g, '\\$&')}"`;
}

/**
 * The `WWW-Authenticate: Bearer …` challenge for an error (RFC 6750 §3, RFC 9470 §3,
 * RFC 9728 §5.1). A request without a token gets no error code (RFC 6750 §3.1).
 */
export function bearerChallenge(error: VerificationError, options: ChallengeOptions = {}): string {
  const parts: string[] = [];
  if (options.realm) parts.push(`realm=${quoted(options.realm)}`);
  if (!error.missingToken) {
    parts.push(`error=${quoted(error.code)}`, `error_description=${quoted(error.message)}`);
    if (error.params.scope !== undefined) parts.push(`scope=${quoted(error.params.scope)}`);
    if (error.params.acr_values !== undefined) parts.push(`acr_values=${quoted(error.params.acr_values)}`);
    if (error.params.max_age !== undefined) parts.push(`max_age=${quoted(String(error.params.max_age))}`);
  }
  if (options.resourceMetadata) parts.push(`resource_metadata=${quoted(options.resourceMetadata)}`);
  return parts.length ? `Bearer ${parts.join(', ')}` : 'Bearer';
}

/**
 * Status, headers and JSON body for a verification error: 400/401/403 with the Bearer
 * challenge (RFC 6750 §3), or 503 without one when the issuer is unreachable.
 */
export function errorResponse(error: VerificationError, options: ChallengeOptions = {}): ErrorResponse {
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (error.code !== 'temporarily_unavailable') headers['www-authenticate'] = bearerChallenge(error, options);
  else headers['retry-after'] = '5';
  return { status: error.status, headers, body: { error: error.code, error_description: error.message } };
}
