import { invalidToken } from '../errors.ts';
import type { VerifiableAlgorithm } from './algorithms.ts';
import { verifySignature } from './algorithms.ts';
import { checkTimes, hasType } from './claims.ts';
import type { JwksStore } from './jwks-store.ts';
import { checkHeader, type DecodedJws } from './jws.ts';

export interface JwtVerification {
  keys: JwksStore;
  algorithms: ReadonlySet<string>;
  issuer: string;
  /** Seconds since the epoch. */
  now: () => number;
  skew: number;
}

/** Claims of a JWT whose signature, `typ`, `iss` and lifetime were checked. */
export interface VerifiedJwt {
  claims: Record<string, unknown>;
  exp: number;
}

/**
 * Verifies a decoded JWS signed by the issuer (RFC 8725 §3): allow-listed algorithm, the key
 * from the issuer's JWKS by `kid` and allowed for that algorithm, the signature, the explicit
 * `typ` (§3.11), `iss` (§3.8) and lifetime. Audience is the caller's to check.
 */
export async function verifyIssuerJwt(jws: DecodedJws, typ: string, verification: JwtVerification): Promise<VerifiedJwt> {
  const alg = checkHeader(jws.header, verification.algorithms) as VerifiableAlgorithm;
  if (!hasType(jws.header, typ)) throw invalidToken(`the token's typ must be ${typ}`);
  const kid = typeof jws.header.kid === 'string' ? jws.header.kid : undefined;
  const key = await verification.keys.key(kid, alg);
  if (!key.algorithms.has(alg)) throw invalidToken(`algorithm ${alg} is not accepted for this key`);
  if (!verifySignature(alg, key.key, jws.signingInput, jws.signature)) throw invalidToken('the token signature is invalid');
  if (jws.payload.iss !== verification.issuer) throw invalidToken('the token is from another issuer');
  const exp = checkTimes(jws.payload, verification.now(), verification.skew);
  return { claims: jws.payload, exp };
}
