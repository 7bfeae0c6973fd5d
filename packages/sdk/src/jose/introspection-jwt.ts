import { invalidToken } from '../errors.ts';
import type { DecodedJws } from './jws.ts';
import { type JwtVerification, verifyIssuerJwt } from './verify-jwt.ts';

export const introspectionJwtType = 'token-introspection+jwt';

/** The RFC 7662 response carried in an RFC 9701 JWT, and when that JWT expires. */
export interface VerifiedIntrospectionJwt {
  introspection: Record<string, unknown>;
  exp: number;
}

/**
 * Verifies an RFC 9701 §5 introspection response JWT: signed by the issuer, `typ`
 * `token-introspection+jwt`, `aud` the client that asked (`audience`), unexpired, with a
 * `token_introspection` object.
 */
export async function verifyIntrospectionJwt(
  jws: DecodedJws,
  audience: string,
  verification: JwtVerification,
): Promise<VerifiedIntrospectionJwt> {
  const { claims, exp } = await verifyIssuerJwt(jws, introspectionJwtType, verification);
  const aud = claims.aud;
  if (!(aud === audience || (Array.isArray(aud) && aud.includes(audience))))
    throw invalidToken('the introspection response is meant for another client');
  const introspection = claims.token_introspection;
  if (!introspection || typeof introspection !== 'object' || Array.isArray(introspection)) {
    throw invalidToken('the introspection response has no token_introspection');
  }
  return { introspection: introspection as Record<string, unknown>, exp };
}
