import { invalidRequest, missingToken } from './errors.ts';

/** RFC 6750 §2.1 b64token. */
const bearer = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * The access token of an `Authorization: Bearer` header (RFC 6750 §2.1). No header is
 * `missingToken` (a bare challenge, §3.1); another scheme or a malformed value is `invalid_request`.
 */
export function bearerToken(authorization: string | undefined): string {
  if (authorization === undefined || authorization === '') throw missingToken();
  const match = bearer.exec(authorization);
  if (match) return match[1]!;
  if (!/^Bearer(?:\s|$)/i.test(authorization)) throw missingToken();
  throw invalidRequest('the Authorization header is not a valid Bearer credential');
}
