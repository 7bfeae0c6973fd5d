import { audienceOf, scopesOf, type VerifiedAccessToken } from './access-token.ts';

export function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/**
 * An RFC 7662 §2.2 answer as a verified token, or null when the token is inactive or the answer
 * is about another issuer's token. `active` itself is not kept among the claims.
 */
export function fromIntrospection(
  claims: Record<string, unknown>,
  options: { issuer: string; expiresAt: number; format: 'opaque' | 'phantom'; jwt?: string | undefined },
): VerifiedAccessToken | null {
  if (claims.active !== true) return null;
  if (claims.iss !== undefined && claims.iss !== options.issuer) return null;
  const { active: _active, ...rest } = claims;
  return {
    format: options.format,
    claims: rest,
    audience: audienceOf(claims.aud),
    scopes: scopesOf(claims.scope),
    expiresAt: options.expiresAt,
    ...(options.jwt ? { jwt: options.jwt } : {}),
  };
}
