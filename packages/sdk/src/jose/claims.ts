import { invalidToken } from '../errors.ts';

/**
 * RFC 7519 §4.1.4–4.1.6 with a small leeway for clock skew: `exp` is required and must be in
 * the future, `nbf` and `iat` must not be in the future.
 */
export function checkTimes(claims: Record<string, unknown>, now: number, skew: number): number {
  const { exp, nbf, iat } = claims;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw invalidToken('the token has no exp');
  if (now >= exp + skew) throw invalidToken('the token has expired');
  if (nbf !== undefined && (typeof nbf !== 'number' || now + skew < nbf)) throw invalidToken('the token is not valid yet');
  if (iat !== undefined && (typeof iat !== 'number' || now + skew < iat)) throw invalidToken('the token was issued in the future');
  return exp;
}

/** RFC 7515 §4.1.9: `typ` compares without case, with or without the `application/` prefix. */
export function hasType(header: Record<string, unknown>, expected: string): boolean {
  if (typeof header.typ !== 'string') return false;
  const typ = header.typ.toLowerCase();
  return typ === expected || typ === `application/${expected}`;
}
